using System.Threading;
using System.Threading.Tasks;

namespace MessengerConnect
{
    /// <summary>Feed helpers: posting an activity under the caller's own <c>Idempotency-Key</c>.</summary>
    public sealed partial class Client
    {
        /// <summary>
        /// Posts an activity under <paramref name="idempotencyKey"/> (1 to 255 visible ASCII
        /// characters, e.g. the id of the item in your database): posting it again with the
        /// same key, from this or another client of the same user and app, returns the
        /// activity posted the first time instead of a second one. Same as
        /// <see cref="CreateActivityWithKeyAsync"/>. A null key throws
        /// <see cref="System.ArgumentNullException"/>; an invalid one faults the task with
        /// <see cref="InvalidArgumentException"/> (<c>Name</c> <c>"idempotency_key"</c>),
        /// both before any request.
        /// </summary>
        public Task<Activity> CreateActivityAsync(NewActivity activity, string idempotencyKey, CancellationToken cancellationToken = default(CancellationToken))
        {
            return CreateActivityWithKeyAsync(activity, idempotencyKey, cancellationToken);
        }
    }
}
