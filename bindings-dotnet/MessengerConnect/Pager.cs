using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MessengerConnect
{
    /// <summary>
    /// The pages of a collection, fetched one at a time when asked for (following each
    /// page's next link). Not thread-safe: one reader at a time.
    /// </summary>
    public sealed class Pager<TPage, TItem> where TPage : class
    {
        private readonly Func<CancellationToken, Task<TPage>> _first;
        private readonly Func<string, CancellationToken, Task<TPage>> _next;
        private readonly Func<TPage, List<TItem>> _items;
        private readonly Func<TPage, string> _nextLink;
        private string _link;
        private bool _started;

        internal Pager(
            Func<CancellationToken, Task<TPage>> first,
            Func<string, CancellationToken, Task<TPage>> next,
            Func<TPage, List<TItem>> items,
            Func<TPage, string> nextLink)
        {
            _first = first;
            _next = next;
            _items = items;
            _nextLink = nextLink;
        }

        /// <summary>True once the last page has been returned.</summary>
        public bool IsDone { get { return _started && _link == null; } }

        /// <summary>The next page, or null after the last one.</summary>
        public async Task<TPage> NextPageAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (IsDone) return null;
            TPage page = _started
                ? await _next(_link, cancellationToken).ConfigureAwait(false)
                : await _first(cancellationToken).ConfigureAwait(false);
            _started = true;
            _link = _nextLink(page);
            return page;
        }

        /// <summary>Calls <paramref name="action"/> for every item of every remaining page.</summary>
        public async Task ForEachAsync(Action<TItem> action, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (action == null) throw new ArgumentNullException("action");
            TPage page;
            while ((page = await NextPageAsync(cancellationToken).ConfigureAwait(false)) != null)
            {
                foreach (TItem item in _items(page)) action(item);
            }
        }

        /// <summary>Every item of every remaining page, in one list.</summary>
        public async Task<List<TItem>> ToListAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            var all = new List<TItem>();
            await ForEachAsync(all.Add, cancellationToken).ConfigureAwait(false);
            return all;
        }

        /// <summary>
        /// The remaining items for synchronous code: each page is fetched (blocking the
        /// calling thread) when the enumeration reaches it.
        /// </summary>
        public IEnumerable<TItem> AsEnumerable()
        {
            TPage page;
            while ((page = NextPageAsync().ConfigureAwait(false).GetAwaiter().GetResult()) != null)
            {
                foreach (TItem item in _items(page)) yield return item;
            }
        }
    }
}
