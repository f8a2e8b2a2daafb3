using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary><c>CreateActivityAsync(activity, idempotencyKey)</c>: the caller's own Idempotency-Key.</summary>
    [TestFixture]
    public class IdempotencyKeyTests
    {
        /// <summary>The journaled POSTs to /v1/me/activities that carried <paramref name="key"/>.</summary>
        private static async Task<List<string>> PostsWithKey(string key)
        {
            List<string> posts = await Env.Server.Control.RequestsMatchingAsync("/v1/me/activities", "POST");
            return posts.Where(e => e.Contains("\"idempotencyKey\":\"" + key + "\"")).ToList();
        }

        [Test]
        public void ARerunWithTheSameKeyNeverPostsTwice()
        {
            Env.Run(async () =>
            {
                string key = "job-item-" + Guid.NewGuid().ToString("N");
                string content = "posted once (" + key + ")";
                var activity = new NewActivity { Kind = ActivityType.Note, Content = content };

                // The first run does not retry: when the answer to its POST is lost, it fails (a job that crashed).
                MockApp app = await Env.Server.DefaultAppAsync();
                ClientOptions options = Env.Server.ClientOptions();
                options.ClientId = app.ClientId;
                options.ClientSecret = app.ClientSecret;
                options.Tokens = await Env.Server.MintTokenAsync(Env.Server.Users[0].Id, app.ClientId);
                options.Retry = new RetryOptions { MaxAttempts = 1 };
                using (var firstRun = new Client(options))
                using (Client secondRun = await Env.ClientFor(0))
                {
                    await Env.Server.AddFaultAsync(new MockFault { Kind = MockFaultKind.DropAfterCommit, Method = "POST", Path = "/v1/me/activities", Count = 1 });
                    try
                    {
                        await Env.Throws<NetworkException>(() => firstRun.CreateActivityAsync(activity, key));
                    }
                    finally
                    {
                        await Env.Server.Control.ClearFaultsAsync();
                    }

                    // The second run (another client of the same user and app) posts the same item with the same key.
                    Activity posted = await secondRun.CreateActivityAsync(activity, key);
                    Assert.AreEqual(content, posted.Content);
                    try
                    {
                        List<Activity> feed = await secondRun.Feed().ToListAsync();
                        List<Activity> copies = feed.Where(a => a.Content == content).ToList();
                        Assert.AreEqual(1, copies.Count, "exactly one activity in the feed");
                        Assert.AreEqual(posted.Id, copies[0].Id, "the second run got the activity the first one posted");
                        Assert.AreEqual(2, (await PostsWithKey(key)).Count, "both runs' POSTs reached the server with the key");

                        // The same key with another body is refused.
                        ValidationException e = await Env.Throws<ValidationException>(
                            () => secondRun.CreateActivityAsync(new NewActivity { Kind = ActivityType.Note, Content = "another body" }, key));
                        Assert.AreEqual(422, e.Status);
                        Assert.AreEqual("idempotencyKeyReused", e.Code);
                    }
                    finally
                    {
                        await secondRun.DeleteActivityAsync(posted.Id);
                    }
                }
            });
        }

        [Test]
        public void AnInvalidKeyFailsBeforeAnyRequest()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    var activity = new NewActivity { Kind = ActivityType.Note, Content = "never posted" };
                    int before = await Env.RequestCount();

                    var invalid = new[] { "", new string('k', 256), "line\nbreak", "tab\tkey", "nul\u0000key", "with space", "cl\u00e9", "\u007f" };
                    foreach (string bad in invalid)
                    {
                        InvalidArgumentException e = await Env.Throws<InvalidArgumentException>(() => client.CreateActivityAsync(activity, bad));
                        Assert.AreEqual("idempotency_key", e.Name, "key of length " + bad.Length);
                        StringAssert.Contains("visible ASCII", e.Message);
                    }
                    Assert.Throws<ArgumentNullException>(() => client.CreateActivityAsync(activity, null));
                    Assert.Throws<ArgumentNullException>(() => client.CreateActivityAsync(null, "valid-key"));
                    // The activity is checked too, before the request (a Note needs content).
                    await Env.Throws<InvalidArgumentException>(() => client.CreateActivityAsync(new NewActivity { Kind = ActivityType.Note }, "valid-key"));

                    Assert.AreEqual(before, await Env.RequestCount(), "no request reached the server");
                }
            });
        }

        [Test]
        public void TheLongestValidKeyIsAccepted()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    string key = Guid.NewGuid().ToString("N").PadRight(255, '~');
                    Activity posted = await client.CreateActivityWithKeyAsync(new NewActivity { Kind = ActivityType.Like, Url = "https://example.com/liked" }, key);
                    try
                    {
                        Assert.AreEqual(ActivityType.Like, posted.Kind);
                        Assert.AreEqual(1, (await PostsWithKey(key)).Count);
                    }
                    finally
                    {
                        await client.DeleteActivityAsync(posted.Id);
                    }
                }
            });
        }
    }
}
