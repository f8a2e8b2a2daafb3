using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    [TestFixture]
    public class ErrorTests
    {
        [Test]
        public void NotFoundCarriesStatusCodeAndRequestId()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    NotFoundException e = await Env.Throws<NotFoundException>(() => client.GetContactAsync("no-such-contact"));
                    Assert.AreEqual(404, e.Status);
                    Assert.AreEqual("notFound", e.Code);
                    Assert.IsNotEmpty(e.RequestId);
                    Assert.IsNotEmpty(e.Description);
                    StringAssert.Contains("404", e.Message);
                    Assert.IsInstanceOf<ApiException>(e);
                    Assert.IsInstanceOf<MessengerConnectException>(e);
                }
            });
        }

        [Test]
        public void InvalidTokenIsAnAuthException()
        {
            Env.Run(async () =>
            {
                ClientOptions options = Env.Server.ClientOptions();
                options.Tokens = new TokenSet { AccessToken = "not-a-real-token", TokenType = "Bearer", Scopes = new List<string> { "profile" } };
                using (var client = new Client(options))
                {
                    AuthException e = await Env.Throws<AuthException>(() => client.MeAsync());
                    Assert.AreEqual(401, e.Status);
                    StringAssert.DoesNotContain("not-a-real-token", e.ToString());
                }
            });
        }

        [Test]
        public void MissingScopeIsAnAuthExceptionWith403()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0, new[] { "profile" }))
                {
                    AuthException e = await Env.Throws<AuthException>(() => client.ListContactsAsync(null));
                    Assert.AreEqual(403, e.Status);
                }
            });
        }

        [Test]
        public void RateLimitedCarriesRetryAfter()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    string id = await Env.Server.AddFaultAsync(new MockFault
                    {
                        Kind = MockFaultKind.Status,
                        Method = "GET",
                        Path = "/v1/me/status",
                        Status = 429,
                        // Beyond the client's 60 s cap on Retry-After: no retry, no wait.
                        RetryAfter = 120,
                        Count = 10,
                    });
                    try
                    {
                        RateLimitedException e = await Env.Throws<RateLimitedException>(() => client.StatusAsync());
                        Assert.AreEqual(429, e.Status);
                        Assert.AreEqual(120000UL, e.RetryAfterMs);
                    }
                    finally
                    {
                        await Env.Server.Control.RemoveFaultAsync(id);
                    }
                }
            });
        }

        [Test]
        public void InvalidArgumentsFailBeforeAnyRequest()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    await Env.Server.Control.ClearRequestsAsync();
                    int before = await Env.RequestCount();

                    Assert.Throws<ArgumentNullException>(() => client.GetContactAsync(null));
                    Assert.Throws<ArgumentNullException>(() => client.CreateContactAsync(new NewContact()));
                    Assert.Throws<ArgumentNullException>(() => client.SetStatusAsync(null));
                    var badList = new NewContact { DisplayName = "x", Tags = new List<string> { "ok", null } };
                    Assert.Throws<ArgumentNullException>(() => client.CreateContactAsync(badList));
                    Assert.Throws<ArgumentOutOfRangeException>(() => client.SetStatusAsync(new StatusUpdate("m", (Presence)42)));
                    Assert.Throws<ArgumentException>(() => client.SendTextAsync("c", "lone \uD800 surrogate"));
                    await Env.Throws<InvalidArgumentException>(() => client.GetContactAsync(""));
                    var e = await Env.Throws<InvalidArgumentException>(() => client.ListContactsAsync(new Query { Top = 100000 }));
                    Assert.IsNotEmpty(e.Name);

                    Assert.AreEqual(before, await Env.RequestCount(), "no request reached the server");
                }
            });
        }

        [Test]
        public void ResyncRequiredAfterAReset()
        {
            Env.Run(async () =>
            {
                // A second server: resetting the shared one would disturb the other tests.
                using (var server = MessengerConnect.Testing.MockServer.Start(users: 1, contactsPerUser: 3))
                using (Client client = await server.CreateClientAsync())
                {
                    DeltaSync first = await client.SyncContactsAsync(null, null);
                    await server.ResetAsync(users: 1, contactsPerUser: 3);
                    using (Client again = await server.CreateClientAsync())
                    {
                        await Env.Throws<ResyncRequiredException>(() => again.SyncContactsAsync(first.DeltaLink, null));
                    }
                }
            });
        }
    }
}
