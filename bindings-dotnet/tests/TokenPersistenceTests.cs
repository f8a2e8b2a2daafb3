using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>
    /// Tokens saved as JSON (<c>TokenSetToJson</c>) and loaded again (<c>TokenSetFromJson</c>)
    /// by a later process sign it in as the same user, and the saved refresh token still
    /// renews; the OpenID userinfo of a signed-in client names its user.
    /// </summary>
    [TestFixture]
    public class TokenPersistenceTests
    {
        /// <summary>Save to a file, load in a new client: same user, the refresh token renews.</summary>
        [Test]
        public void SavedTokensSignANewClientInAndStillRefresh()
        {
            Env.Run(async () =>
            {
                MockUser user = Env.Server.Users[2];
                string path = Path.Combine(Path.GetTempPath(), "mc-tokens-" + Guid.NewGuid().ToString("N") + ".json");
                try
                {
                    using (Client first = await Env.ClientFor(2, new[] { "profile", "offline_access" }))
                    {
                        TokenSet renewed = await first.RefreshTokensAsync();
                        Assert.IsNotNull(renewed.RefreshToken, "offline_access gives a refresh token");
                        File.WriteAllText(path, MessengerConnectFunctions.TokenSetToJson(first.Tokens()));
                    }

                    TokenSet loaded = MessengerConnectFunctions.TokenSetFromJson(File.ReadAllText(path));
                    MockApp app = await Env.Server.DefaultAppAsync();
                    ClientOptions options = Env.Server.ClientOptions();
                    options.ClientId = app.ClientId;
                    options.ClientSecret = app.ClientSecret;
                    options.Tokens = loaded;
                    using (var second = new Client(options))
                    {
                        Assert.AreEqual(user.Id, (await second.MeAsync()).Id);
                        TokenSet again = await second.RefreshTokensAsync();
                        Assert.AreNotEqual(loaded.AccessToken, again.AccessToken, "a new access token");
                        Assert.AreEqual(user.Id, (await second.MeAsync()).Id);
                    }
                }
                finally
                {
                    File.Delete(path);
                }
            });
        }

        /// <summary>Malformed saved tokens are an InvalidArgumentException that does not echo the text.</summary>
        [Test]
        public void MalformedSavedTokensAreRefusedWithoutEchoingThem()
        {
            var e = Assert.Throws<InvalidArgumentException>(
                () => MessengerConnectFunctions.TokenSetFromJson("{\"accessToken\": 5, \"tokenType\": \"secret-looking\"}"));
            StringAssert.DoesNotContain("secret-looking", e.Message);
        }

        /// <summary>UserinfoAsync names the signed-in user (subject and email from the mock's users).</summary>
        [Test]
        public void UserinfoNamesTheSignedInUser()
        {
            Env.Run(async () =>
            {
                MockUser user = Env.Server.Users[1];
                using (Client client = await Env.ClientFor(1, new[] { "openid", "profile", "email" }))
                {
                    UserInfo info = await client.UserinfoAsync();
                    Assert.AreEqual(user.Id, info.Sub);
                    Assert.AreEqual(user.Email, info.Email);
                }
            });
        }

        /// <summary>Without the openid scope, userinfo is refused with an AuthException (403).</summary>
        [Test]
        public void UserinfoWithoutOpenidIsRefused()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(1, new[] { "profile" }))
                {
                    AuthException e = await Env.Throws<AuthException>(() => client.UserinfoAsync());
                    Assert.AreEqual(403, e.Status);
                }
            });
        }
    }
}
