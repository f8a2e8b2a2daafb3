using System;
using System.Threading;
using System.Threading.Tasks;

namespace MessengerConnect
{
    /// <summary>Reading live events in a loop.</summary>
    public sealed partial class EventSubscription
    {
        /// <summary>
        /// Calls <paramref name="onEvent"/> for each event until the subscription is closed
        /// (returns normally) or the token is cancelled (throws OperationCanceledException).
        /// A null <paramref name="onEvent"/> throws <see cref="ArgumentNullException"/> at the
        /// call, before any task starts.
        /// </summary>
        public Task ListenAsync(Func<Event, Task> onEvent, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (onEvent == null) throw new ArgumentNullException("onEvent");
            return ListenLoopAsync(onEvent, cancellationToken);
        }

        private async Task ListenLoopAsync(Func<Event, Task> onEvent, CancellationToken cancellationToken)
        {
            Event e;
            while ((e = await NextAsync(cancellationToken).ConfigureAwait(false)) != null)
            {
                await onEvent(e).ConfigureAwait(false);
            }
        }

        partial void OnDisposing()
        {
            try { Close(); } catch (ObjectDisposedException) { }
        }
    }
}
