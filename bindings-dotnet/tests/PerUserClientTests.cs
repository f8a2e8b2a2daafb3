using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary><c>Client.WithTokens</c>: one connection pool and configuration, a client (tokens, token changes) per user.</summary>
    [TestFixture]
    public class PerUserClientTests
    {
        /// <summary>A client of the server's default app with no tokens (a job's shared client).</summary>
        private static async Task<Client> AppClient(MockServer server)
        {
            MockApp app = await server.DefaultAppAsync();
            ClientOptions options = server.ClientOptions();
            options.ClientId = app.ClientId;
            options.ClientSecret = app.ClientSecret;
            return new Client(options);
        }

        private static async Task<TokenSet> TokensFor(MockServer server, int user)
        {
            MockApp app = await server.DefaultAppAsync();
            return await server.MintTokenAsync(server.Users[user].Id, app.ClientId);
        }

        /// <summary>Asserts that <paramref name="seen"/> is exactly <paramref name="expected"/>, without printing tokens.</summary>
        private static void AssertSeen(List<string> seen, string expected, string who)
        {
            lock (seen)
            {
                Assert.AreEqual(1, seen.Count, who + ": token changes raised");
                Assert.IsTrue(seen[0] == expected, who + ": the change raised is its own new tokens");
            }
        }

        /// <summary>Adds a TokensChanged handler that collects the access tokens it sees.</summary>
        private static List<string> Collect(Client client)
        {
            var seen = new List<string>();
            client.TokensChanged += (sender, e) => { lock (seen) seen.Add(e.Tokens.AccessToken); };
            return seen;
        }

        [Test]
        public void ClientsMadeWithTokensEachSeeTheirOwnUsersData()
        {
            Env.Run(async () =>
            {
                MockUser first = Env.Server.Users[1], second = Env.Server.Users[2];
                using (Client parent = await AppClient(Env.Server))
                using (Client one = parent.WithTokens(await TokensFor(Env.Server, 1)))
                using (Client two = parent.WithTokens(await TokensFor(Env.Server, 2)))
                {
                    Assert.AreEqual(first.Id, (await one.MeAsync()).Id);
                    Assert.AreEqual(second.Id, (await two.MeAsync()).Id);
                    Assert.AreEqual(parent.BaseUrl(), one.BaseUrl());

                    List<Activity> mine = await one.Activities().ToListAsync();
                    List<Activity> theirs = await two.Activities().ToListAsync();
                    Assert.IsNotEmpty(mine);
                    Assert.IsNotEmpty(theirs);
                    Assert.IsTrue(mine.All(a => a.Actor.Id == first.Id), "the first client lists the first user's activities");
                    Assert.IsTrue(theirs.All(a => a.Actor.Id == second.Id), "the second client lists the second user's activities");

                    Activity posted = await two.CreateActivityAsync(new NewActivity { Kind = ActivityType.Note, Content = "from the second user" });
                    Assert.AreEqual(second.Id, posted.Actor.Id);
                    await two.DeleteActivityAsync(posted.Id);

                    // The parent keeps no tokens of its own; the derived clients keep theirs.
                    Assert.IsNull(parent.Tokens());
                    Assert.IsTrue(one.Tokens().AccessToken != two.Tokens().AccessToken, "each derived client has its own tokens");
                    AuthException e = await Env.Throws<AuthException>(() => parent.MeAsync());
                    Assert.AreEqual(401, e.Status);
                }
            });
        }

        [Test]
        public void ARefreshOnADerivedClientReachesItsTokenChangesNotTheParents()
        {
            Env.Run(async () =>
            {
                // A server of its own: moving the shared server's clock would expire the other tests' tokens.
                using (var server = MockServer.Start(users: 2, contactsPerUser: 1, friendsPerUser: 1, activitiesPerUser: 1))
                using (Client parent = await server.CreateClientAsync(server.Users[0]))
                {
                    TokenSet minted = await TokensFor(server, 1);
                    Assert.IsNotNull(minted.RefreshToken, "offline_access gives a refresh token");
                    using (Client derived = parent.WithTokens(minted))
                    {
                        List<string> parentSeen = Collect(parent);
                        List<string> derivedSeen = Collect(derived);
                        TokenSet parentBefore = parent.Tokens();

                        await server.Control.AdvanceClockAsync(2 * 3600); // every access token expired (server clock)
                        Assert.AreEqual(server.Users[1].Id, (await derived.MeAsync()).Id, "401, refresh, retry");
                        TokenSet rotated = derived.Tokens();
                        Assert.IsTrue(minted.AccessToken != rotated.AccessToken, "a new access token");
                        Assert.IsTrue(minted.RefreshToken != rotated.RefreshToken, "refresh tokens rotate");
                        Assert.IsTrue(parentBefore.AccessToken == parent.Tokens().AccessToken, "the parent's tokens are untouched");

                        // The parent's own refresh: its queue must hold that one alone.
                        TokenSet parentRotated = await parent.RefreshTokensAsync();

                        // Closing ends each loop once it has raised every change queued before.
                        derived.Close();
                        parent.Close();
                        await derived.TokenLoop;
                        await parent.TokenLoop;
                        AssertSeen(derivedSeen, rotated.AccessToken, "derived client");
                        AssertSeen(parentSeen, parentRotated.AccessToken, "parent");
                    }
                }
            });
        }

        [Test]
        public void DisposingTheParentLeavesADerivedClientWorking()
        {
            Env.Run(async () =>
            {
                Client parent = await AppClient(Env.Server);
                Client derived = parent.WithTokens(await TokensFor(Env.Server, 1));
                try
                {
                    var changed = new TaskCompletionSource<TokenSet>();
                    derived.TokensChanged += (sender, e) => changed.TrySetResult(e.Tokens);

                    parent.Dispose();
                    Assert.Throws<ObjectDisposedException>(() => parent.MeAsync());
                    Assert.Throws<ObjectDisposedException>(() => parent.WithTokens(derived.Tokens()));

                    // The derived client shares the pool and options (client id and secret), not the parent's lifetime.
                    Assert.IsFalse(derived.IsClosed());
                    Assert.AreEqual(Env.Server.Users[1].Id, (await derived.MeAsync()).Id);
                    TokenSet refreshed = await derived.RefreshTokensAsync();
                    Assert.IsTrue(await Task.WhenAny(changed.Task, Task.Delay(TimeSpan.FromSeconds(20))) == changed.Task, "TokensChanged was raised on the derived client");
                    Assert.IsTrue(refreshed.AccessToken == changed.Task.Result.AccessToken, "the change raised is the refreshed tokens");
                }
                finally
                {
                    derived.Dispose();
                }
                await derived.TokenLoop; // Dispose ends the derived client's own loop
                Assert.Throws<ObjectDisposedException>(() => derived.MeAsync());
            });
        }

        [Test]
        public void DisposingADerivedClientLeavesTheParentWorking()
        {
            Env.Run(async () =>
            {
                using (Client parent = await Env.ClientFor(0))
                {
                    Client derived = parent.WithTokens(await TokensFor(Env.Server, 1));
                    derived.Dispose();
                    Assert.IsFalse(parent.IsClosed());
                    Assert.AreEqual(Env.Server.Users[0].Id, (await parent.MeAsync()).Id);
                    using (Client again = parent.WithTokens(await TokensFor(Env.Server, 2)))
                    {
                        Assert.AreEqual(Env.Server.Users[2].Id, (await again.MeAsync()).Id);
                    }
                }
            });
        }

        [Test]
        public void WithTokensChecksItsArgumentsBeforeAnyRequest()
        {
            Env.Run(async () =>
            {
                TokenSet tokens = await TokensFor(Env.Server, 1);
                using (Client parent = await Env.ClientFor(0))
                {
                    int before = await Env.RequestCount();
                    Assert.Throws<ArgumentNullException>(() => parent.WithTokens(null));
                    Assert.Throws<ArgumentNullException>(() => parent.WithTokens(new TokenSet { TokenType = "Bearer", Scopes = new List<string>() }));
                    Assert.Throws<ArgumentNullException>(() => parent.WithTokens(new TokenSet { AccessToken = "x", TokenType = "Bearer", Scopes = null }));
                    parent.Close();
                    Assert.Throws<ConfigException>(() => parent.WithTokens(tokens));
                    Assert.AreEqual(before, await Env.RequestCount(), "no request reached the server");
                }
            });
        }
    }
}
