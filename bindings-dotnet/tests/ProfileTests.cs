using System.Linq;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    [TestFixture]
    public class ProfileTests
    {
        [Test]
        public void MeReturnsTheSignedInUser()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    Me me = await client.MeAsync();
                    Assert.AreEqual(Env.Server.Users[0].Id, me.Id);
                    Assert.AreEqual(Env.Server.Users[0].DisplayName, me.DisplayName);
                    Assert.IsTrue(me.Emails.Any(e => e.Value == Env.Server.Users[0].Email));
                }
            });
        }

        [Test]
        public void UpdateMeChangesTheDisplayName()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(2))
                {
                    Me before = await client.MeAsync();
                    Me after = await client.UpdateMeAsync(new MeUpdate { DisplayName = before.DisplayName + " X" });
                    Assert.AreEqual(before.DisplayName + " X", after.DisplayName);
                    Assert.AreEqual(after.DisplayName, (await client.MeAsync()).DisplayName);
                    await client.UpdateMeAsync(new MeUpdate { DisplayName = before.DisplayName });
                }
            });
        }

        [Test]
        public void StatusRoundTripsWithAnEnumAndATimestamp()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(1))
                {
                    Status set = await client.SetStatusAsync(new StatusUpdate("at lunch", Presence.Away));
                    Assert.AreEqual("at lunch", set.Message);
                    Assert.AreEqual(Presence.Away, set.Presence);
                    Status got = await client.StatusAsync();
                    Assert.AreEqual("at lunch", got.Message);
                    Assert.AreEqual(Presence.Away, got.Presence);
                    Assert.IsTrue(got.Updated.HasValue);
                    Assert.Greater(got.Updated.Value.Year, 2000);
                }
            });
        }

        [Test]
        public void UserReturnsAPublicProfile()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    PublicProfile p = await client.UserAsync(Env.Server.Users[1].Id);
                    Assert.AreEqual(Env.Server.Users[1].Id, p.Id);
                    Assert.AreEqual(Env.Server.Users[1].DisplayName, p.DisplayName);
                }
            });
        }

        [Test]
        public void PermissionsListTheGrantedScopes()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0, new[] { "profile", "contacts.read" }))
                {
                    Permissions perms = await client.PermissionsAsync();
                    CollectionAssert.IsSubsetOf(new[] { "profile", "contacts.read" }, perms.Scopes);
                    CollectionAssert.DoesNotContain(perms.Scopes, "chat");
                }
            });
        }

        [Test]
        public void RevokingPermissionsMakesTheTokenUseless()
        {
            Env.Run(async () =>
            {
                var server = Env.Server;
                MockApp app = await server.RegisterAppAsync("revoker");
                TokenSet tokens = await server.MintTokenAsync(server.Users[0].Id, app.ClientId);
                ClientOptions options = server.ClientOptions();
                options.ClientId = app.ClientId;
                options.ClientSecret = app.ClientSecret;
                options.Tokens = tokens;
                using (var client = new Client(options))
                {
                    await client.DropScopeAsync("chat");
                    CollectionAssert.DoesNotContain((await client.PermissionsAsync()).Scopes, "chat");
                    await client.RevokePermissionsAsync();
                    // The 401 makes the client try its refresh token, which the revocation killed too.
                    AuthException e = await Env.Throws<AuthException>(() => client.MeAsync());
                    Assert.IsTrue(e.Status == 401 || e.Code == "invalid_grant", e.ToString());
                }
            });
        }

        [Test]
        public void BatchRunsSeveralRequests()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    var items = new System.Collections.Generic.List<BatchItem>
                    {
                        new BatchItem { Id = "1", Method = "GET", Url = "/me" },
                        new BatchItem { Id = "2", Method = "GET", Url = "/me/status" },
                    };
                    var responses = await client.BatchAsync(items);
                    Assert.AreEqual(2, responses.Count);
                    Assert.AreEqual("200 200", string.Join(" ", responses.OrderBy(r => r.Id).Select(r => r.Status)), string.Join("\n", responses.Select(r => r.BodyJson)));
                    StringAssert.Contains(Env.Server.Users[0].Id, responses.First(r => r.Id == "1").BodyJson);
                }
            });
        }
    }
}
