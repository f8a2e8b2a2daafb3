using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    [TestFixture]
    public class AuthTests
    {
        [Test]
        public void CodeFlowWithPkceSignsInAndRaisesTokensChanged()
        {
            Env.Run(async () =>
            {
                var server = Env.Server;
                MockUser user = server.Users[1];
                MockApp app = await server.RegisterAppAsync("code flow", false, new[] { "http://127.0.0.1/cb" });
                var scopes = new List<string> { "openid", "profile", "offline_access" };
                await server.Control.GrantConsentAsync(user.Id, app.ClientId, scopes);
                ClientOptions options = server.ClientOptions();
                options.ClientId = app.ClientId;
                options.ClientSecret = app.ClientSecret;
                options.RedirectUri = "http://127.0.0.1/cb";
                using (var client = new Client(options))
                {
                    var changes = new List<TokenSet>();
                    var firstChange = new TaskCompletionSource<bool>();
                    client.TokensChanged += (sender, e) => { lock (changes) changes.Add(e.Tokens); firstChange.TrySetResult(true); };

                    AuthorizationRequest request = client.AuthorizationUrl(new AuthorizationParams(scopes, "none", user.Email));
                    StringAssert.Contains("code_challenge=", request.Url);
                    string redirect = Env.FollowAuthorize(request.Url);
                    StringAssert.StartsWith("http://127.0.0.1/cb?", redirect);

                    TokenSet tokens = await client.ExchangeCodeAsync(request, redirect);
                    Assert.IsNotNull(tokens.RefreshToken);
                    Assert.IsNotNull(tokens.IdToken);
                    Assert.AreEqual(user.Id, (await client.MeAsync()).Id);
                    IdTokenClaims claims = await client.ValidateIdTokenAsync(tokens.IdToken, request.Nonce);
                    Assert.AreEqual(user.Id, claims.Sub);

                    Assert.IsTrue(await Task.WhenAny(firstChange.Task, Task.Delay(TimeSpan.FromSeconds(20))) == firstChange.Task, "TokensChanged was raised");
                    TokenSet refreshed = await client.RefreshTokensAsync();
                    // Compared with IsTrue: a failure message must not print the tokens.
                    Assert.IsTrue(tokens.RefreshToken != refreshed.RefreshToken, "refresh tokens rotate");
                    Assert.IsTrue(refreshed.AccessToken == client.Tokens().AccessToken, "the client uses the refreshed access token");
                    client.Close();
                    await client.TokenLoop;
                    lock (changes) Assert.IsTrue(changes.Any(t => t.AccessToken == refreshed.AccessToken), "the refresh raised TokensChanged");
                }
            });
        }

        [Test]
        public void ClientCredentialsGetAnAppToken()
        {
            Env.Run(async () =>
            {
                MockApp app = await Env.Server.RegisterAppAsync("service");
                ClientOptions options = Env.Server.ClientOptions();
                options.ClientId = app.ClientId;
                options.ClientSecret = app.ClientSecret;
                using (var client = new Client(options))
                {
                    TokenSet tokens = await client.ClientCredentialsAsync(new List<string>());
                    Assert.IsNotEmpty(tokens.AccessToken);
                    Assert.IsNull(tokens.RefreshToken);
                    Assert.IsTrue(tokens.ExpiresAt.HasValue);
                    Assert.That(tokens.ExpiresAt.Value, Is.GreaterThan(DateTimeOffset.UtcNow.AddSeconds(-5)));
                    Introspection info = await client.IntrospectTokenAsync(tokens.AccessToken, TokenTypeHint.AccessToken);
                    Assert.IsTrue(info.Active);
                    await client.RevokeTokenAsync(tokens.AccessToken, TokenTypeHint.AccessToken);
                    Assert.IsFalse((await client.IntrospectTokenAsync(tokens.AccessToken, null)).Active);
                }
            });
        }

        [Test]
        public void MintedTokensCarryTheirScopesAndExpiry()
        {
            Env.Run(async () =>
            {
                MockApp app = await Env.Server.DefaultAppAsync();
                TokenSet t = await Env.Server.MintTokenAsync(Env.Server.Users[0].Id, app.ClientId, new[] { "profile" }, TimeSpan.FromMinutes(5));
                CollectionAssert.AreEqual(new[] { "profile" }, t.Scopes);
                Assert.IsTrue(t.ExpiresAt.HasValue);
                double minutes = (t.ExpiresAt.Value - DateTimeOffset.UtcNow).TotalMinutes;
                Assert.That(minutes, Is.InRange(-1.0, 6.0), "expiry is about 5 minutes from the mock's clock");
            });
        }

        [Test]
        public void SecretsNeverAppearInExceptionMessages()
        {
            Env.Run(async () =>
            {
                ClientOptions options = Env.Server.ClientOptions();
                options.ClientId = "unknown-client";
                options.ClientSecret = "very-secret-value";
                using (var client = new Client(options))
                {
                    MessengerConnectException e = await Env.Throws<MessengerConnectException>(
                        () => client.ClientCredentialsAsync(new List<string>()));
                    StringAssert.DoesNotContain("very-secret-value", e.ToString());
                }
            });
        }
    }
}
