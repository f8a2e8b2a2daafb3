using System;
using System.Threading;
using System.Threading.Tasks;

namespace MessengerConnect
{
    /// <summary>The tokens of a <see cref="Client.TokensChanged"/> event.</summary>
    public sealed class TokensChangedEventArgs : EventArgs
    {
        /// <summary>Creates the event arguments.</summary>
        public TokensChangedEventArgs(TokenSet tokens) { Tokens = tokens; }

        /// <summary>The new token set (persist its refresh token: it rotates).</summary>
        public TokenSet Tokens { get; private set; }
    }

    /// <summary>The <see cref="TokensChanged"/> event, driven by <c>NextTokenChangeAsync</c>.</summary>
    public sealed partial class Client
    {
        private readonly object _tokensLock = new object();
        private EventHandler<TokensChangedEventArgs> _tokensChanged;
        private Task _tokenLoop;

        /// <summary>
        /// Raised (on a thread-pool thread) after every new token set: sign-in, refresh,
        /// rotation. The first subscriber starts one background loop that ends when the
        /// client is closed or disposed. The call that obtained the tokens waits for the
        /// handlers (at most 30 s): a handler that throws (the database is full, a lock
        /// timed out) makes that call fault with <see cref="TokenStoreException"/>, whose
        /// <c>Tokens</c> are the new tokens (in use, not saved: save them, the server retired
        /// the previous refresh token) and whose <c>InnerException</c> is what the handler threw.
        /// </summary>
        public event EventHandler<TokensChangedEventArgs> TokensChanged
        {
            add
            {
                lock (_tokensLock)
                {
                    _tokensChanged += value;
                    if (_tokenLoop == null)
                    {
                        SetTokenChangeAcks(true);
                        _tokenLoop = TokenLoopAsync();
                    }
                }
            }
            remove
            {
                lock (_tokensLock) { _tokensChanged -= value; }
            }
        }

        /// <summary>The background loop of <see cref="TokensChanged"/> (null before the first subscriber); completes when the client closes.</summary>
        public Task TokenLoop { get { lock (_tokensLock) { return _tokenLoop; } } }

        private async Task TokenLoopAsync()
        {
            await Task.Yield();
            while (true)
            {
                TokenChange change;
                try
                {
                    change = await NextTokenChangeEventAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                if (change == null) return;
                EventHandler<TokensChangedEventArgs> handler;
                lock (_tokensLock) { handler = _tokensChanged; }
                string error = null;
                ulong? kept = null;
                try
                {
                    if (handler != null) handler(this, new TokensChangedEventArgs(change.Tokens));
                }
                catch (Exception e)
                {
                    error = e.Message;
                    kept = UniffiForeignExceptions.Keep(e);
                }
                if (!change.NeedsAck) continue;
                try
                {
                    AckTokenChange(change.Id, error, kept);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }

        partial void OnDisposing()
        {
            // Ends the token loop and any stream in flight before the handle goes.
            try { Close(); } catch (ObjectDisposedException) { }
        }
    }
}
