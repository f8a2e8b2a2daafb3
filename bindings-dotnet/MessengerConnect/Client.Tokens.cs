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
        /// client is closed or disposed.
        /// </summary>
        public event EventHandler<TokensChangedEventArgs> TokensChanged
        {
            add
            {
                lock (_tokensLock)
                {
                    _tokensChanged += value;
                    if (_tokenLoop == null) _tokenLoop = TokenLoopAsync();
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
                TokenSet tokens;
                try
                {
                    tokens = await NextTokenChangeAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                if (tokens == null) return;
                EventHandler<TokensChangedEventArgs> handler;
                lock (_tokensLock) { handler = _tokensChanged; }
                if (handler != null) handler(this, new TokensChangedEventArgs(tokens));
            }
        }

        partial void OnDisposing()
        {
            // Ends the token loop and any stream in flight before the handle goes.
            try { Close(); } catch (ObjectDisposedException) { }
        }
    }
}
