using System;
using System.Threading.Tasks;

namespace MessengerConnect
{
    /// <summary>
    /// Core's log records (retries, Retry-After waits, token refreshes, resyncs,
    /// reconnects) for the whole process, never with a secret.
    /// </summary>
    public static class Logging
    {
        /// <summary>
        /// Calls <paramref name="handler"/> on a background task for each record of
        /// <paramref name="level"/> and more severe, until the returned listener is disposed.
        /// One listener per process: a new one replaces the previous one. A handler that
        /// throws is ignored. At most <c>1000</c> records wait for the handler; when it falls
        /// behind, the oldest are dropped (<see cref="LogListener.Dropped"/> counts them).
        /// </summary>
        public static LogListener Listen(LogLevel level, Action<LogEntry> handler)
        {
            if (handler == null) throw new ArgumentNullException("handler");
            var listener = new LogListener(level);
            Task.Run(() => Drain(listener, handler));
            return listener;
        }

        private static async Task Drain(LogListener listener, Action<LogEntry> handler)
        {
            try
            {
                LogEntry e;
                while ((e = await listener.NextAsync().ConfigureAwait(false)) != null)
                {
                    try { handler(e); } catch (Exception) { /* a logger must not break the client */ }
                }
            }
            catch (ObjectDisposedException)
            {
                // disposed between two records: the loop is over
            }
        }
    }

    /// <summary>Disposing a listener closes it first (a pending <c>NextAsync</c> returns null).</summary>
    public sealed partial class LogListener
    {
        partial void OnDisposing()
        {
            try { Close(); } catch (ObjectDisposedException) { }
        }
    }
}
