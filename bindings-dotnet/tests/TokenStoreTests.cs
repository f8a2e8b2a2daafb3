using System;
using System.Linq;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>
    /// A <c>TokensChanged</c> handler that throws (DESIGN §3, "Token store failures"): the call that
    /// obtained the tokens faults with <see cref="TokenStoreException"/> (the new <c>Tokens</c>, the
    /// handler's exception as <c>InnerException</c>); the client keeps using them; saving them again
    /// lets the next run go on; the server never sees a retired refresh token.
    /// </summary>
    [TestFixture]
    public class TokenStoreTests
    {
        private sealed class DiskFullException : Exception
        {
            public DiskFullException() : base("database or disk is full") { }
        }

        private static async Task<Client> ClientWith(TokenSet tokens)
        {
            MockApp app = await Env.Server.DefaultAppAsync();
            ClientOptions options = Env.Server.ClientOptions();
            options.ClientId = app.ClientId;
            options.ClientSecret = app.ClientSecret;
            options.Tokens = tokens;
            return new Client(options);
        }

        private static async Task<int> TokenErrors()
        {
            return (await Env.Server.Control.RequestsAsync())
                .Count(r => r.Contains("\"path\":\"/oauth/token\"") && !r.Contains("\"status\":200"));
        }

        [Test]
        public void AThrowingHandlerFaultsTheCallWithTheNewTokensAndTheCause()
        {
            Env.Run(async () =>
            {
                MockApp app = await Env.Server.DefaultAppAsync();
                TokenSet first = await Env.Server.MintTokenAsync(Env.Server.Users[1].Id, app.ClientId);
                int before = await TokenErrors();
                TokenSet saved = null;
                int failures = 1;
                using (Client client = await ClientWith(first))
                {
                    client.TokensChanged += (sender, e) =>
                    {
                        if (failures > 0) { failures--; throw new DiskFullException(); }
                        saved = e.Tokens;
                    };
                    TokenStoreException err = await Env.Throws<TokenStoreException>(() => client.RefreshTokensAsync());
                    Assert.IsInstanceOf<DiskFullException>(err.InnerException);
                    StringAssert.Contains("database or disk is full", err.Message);
                    Assert.IsFalse(err.Tokens.RefreshToken == first.RefreshToken, "the tokens were rotated");
                    Assert.IsFalse(err.Message.Contains(err.Tokens.RefreshToken) || err.ToString().Contains(err.Tokens.AccessToken),
                        "no secret in the message");
                    Assert.IsTrue(client.Tokens().RefreshToken == err.Tokens.RefreshToken, "the client uses the new tokens");
                    Assert.AreEqual(Env.Server.Users[1].Id, (await client.MeAsync()).Id);
                    Assert.IsNull(saved);
                    saved = client.Tokens(); // the caller saves them itself
                }
                // The next run starts from what was saved and refreshes again.
                using (Client next = await ClientWith(saved))
                {
                    var changed = new TaskCompletionSource<TokenSet>();
                    next.TokensChanged += (sender, e) => changed.TrySetResult(e.Tokens);
                    TokenSet refreshed = await next.RefreshTokensAsync();
                    Assert.IsTrue(changed.Task.IsCompleted, "the handler ran before the call returned");
                    Assert.IsFalse(refreshed.RefreshToken == saved.RefreshToken);
                }
                Assert.AreEqual(before, await TokenErrors(), "no invalid_grant");
            });
        }

        [Test]
        public void WithoutHandlersNothingWaits()
        {
            Env.Run(async () =>
            {
                MockApp app = await Env.Server.DefaultAppAsync();
                TokenSet first = await Env.Server.MintTokenAsync(Env.Server.Users[2].Id, app.ClientId);
                using (Client client = await ClientWith(first))
                {
                    TokenSet refreshed = await client.RefreshTokensAsync();
                    Assert.IsFalse(refreshed.RefreshToken == first.RefreshToken);
                    Assert.AreEqual(Env.Server.Users[2].Id, (await client.MeAsync()).Id);
                }
            });
        }
    }
}
