using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

[assembly: Timeout(120000)] // every test fails after 2 minutes instead of hanging the run

namespace MessengerConnect.Tests
{
    /// <summary>One in-process mock server for the whole run (stopped at the end).</summary>
    [SetUpFixture]
    public class Env
    {
        /// <summary>The shared server: 3 users, 25 contacts each, 2 friends each.</summary>
        public static MockServer Server { get; private set; }

        [SetUp]
        public void StartServer()
        {
            Server = MockServer.Start(users: 3, contactsPerUser: 25, friendsPerUser: 2, activitiesPerUser: 3, seed: 7);
        }

        [TearDown]
        public void StopServer()
        {
            Server.Dispose();
        }

        /// <summary>Runs an async test body (NUnit 2.6's async support varies between builds).</summary>
        public static void Run(Func<Task> body)
        {
            body().GetAwaiter().GetResult();
        }

        /// <summary>Asserts that the awaited call throws <typeparamref name="T"/> and returns it.</summary>
        public static async Task<T> Throws<T>(Func<Task> call) where T : Exception
        {
            try
            {
                await call();
            }
            catch (T e)
            {
                return e;
            }
            catch (Exception e)
            {
                Assert.Fail("expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
            }
            Assert.Fail("expected " + typeof(T).Name + ", nothing was thrown");
            return null;
        }

        /// <summary>The number of API requests (not control-plane calls) the server has journaled.</summary>
        public static async Task<int> RequestCount()
        {
            return (await Server.Control.RequestsAsync()).Count(r => !r.Contains("/_mock/"));
        }

        /// <summary>A client for user <paramref name="index"/> with every scope.</summary>
        public static Task<Client> ClientFor(int index, IEnumerable<string> scopes = null)
        {
            return Server.CreateClientAsync(Server.Users[index], scopes);
        }

        /// <summary>How many requests the server is handling right now (its <c>/_mock/stats</c>
        /// <c>requestsInProgress</c>, this stats request not counted).</summary>
        public static int RequestsInProgress()
        {
            var request = (HttpWebRequest)WebRequest.Create(Server.Url + "/_mock/stats");
            request.Timeout = 10000;
            using (var response = (HttpWebResponse)request.GetResponse())
            using (var reader = new System.IO.StreamReader(response.GetResponseStream()))
            {
                string body = reader.ReadToEnd();
                var m = System.Text.RegularExpressions.Regex.Match(body, "\"requestsInProgress\":(\\d+)");
                Assert.IsTrue(m.Success, "stats name requestsInProgress: " + body);
                return int.Parse(m.Groups[1].Value) - 1;
            }
        }

        /// <summary>Waits until the server is handling at least <paramref name="count"/> requests;
        /// fails after <paramref name="seconds"/> seconds (polling, not a fixed sleep).</summary>
        public static async Task WaitForRequestsInProgress(int count, int seconds = 20)
        {
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            int seen;
            while ((seen = RequestsInProgress()) < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail("the server handled " + seen + " requests at once after " + seconds + " s, expected " + count);
                }
                await Task.Delay(10);
            }
        }

        private static void AssertRedirect(HttpWebResponse response)
        {
            int status = (int)response.StatusCode;
            Assert.IsTrue(status == 302 || status == 303, "authorize should redirect, got " + status);
        }

        /// <summary>Follows the authorize URL without a browser (prompt=none after consent): the redirect with the code.</summary>
        public static string FollowAuthorize(string url)
        {
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.AllowAutoRedirect = false;
            try
            {
                using (var response = (HttpWebResponse)request.GetResponse())
                {
                    AssertRedirect(response);
                    return response.Headers["Location"];
                }
            }
            catch (WebException e) when (e.Response != null)
            {
                using (var response = (HttpWebResponse)e.Response)
                {
                    AssertRedirect(response);
                    return response.Headers["Location"];
                }
            }
        }
    }
}
