using System;
using System.Diagnostics;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary><c>Client.WithOptions</c>: a view with its own timeouts and retry policy; the client keeps its own.</summary>
    [TestFixture]
    public class CallOptionsTests
    {
        private static MockFault Status503(string path)
        {
            return new MockFault { Kind = MockFaultKind.Status, Status = 503, Method = "GET", Path = path, Count = 1 };
        }

        [Test]
        public void AViewHasItsOwnRetryPolicyAndTimeouts()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                using (Client once = client.WithOptions(new CallOptions { Retry = new RetryOptions { MaxAttempts = 1 } }))
                {
                    Assert.AreEqual(Env.Server.Users[0].Id, (await once.MeAsync()).Id, "the same user");
                    await Env.Server.AddFaultAsync(Status503("/v1/me"));
                    ServerException e = await Env.Throws<ServerException>(() => once.MeAsync());
                    Assert.AreEqual((ushort)503, e.Status);
                    await Env.Server.AddFaultAsync(Status503("/v1/me"));
                    Assert.AreEqual(Env.Server.Users[0].Id, (await client.MeAsync()).Id, "the client retries");

                    // A view of a view keeps what it does not change (one attempt), with a total timeout.
                    using (Client impatient = once.WithOptions(new CallOptions { TotalTimeoutMs = 300 }))
                    {
                        await Env.Server.AddFaultAsync(new MockFault { Kind = MockFaultKind.Delay, Method = "GET", Path = "/v1/me/status", DelayMs = 3000, Count = 1 });
                        var watch = Stopwatch.StartNew();
                        await Env.Throws<MessengerConnect.TimeoutException>(() => impatient.StatusAsync());
                        Assert.Less(watch.Elapsed, TimeSpan.FromSeconds(2.5), "the view's 300 ms, not the server's 3 s");
                    }
                }
            });
        }

        [Test]
        public void WithOptionsChecksItsArgumentsAndDisposedClients()
        {
            Env.Run(async () =>
            {
                Client client = await Env.ClientFor(0);
                var zero = Assert.Throws<InvalidArgumentException>(() => client.WithOptions(new CallOptions { TotalTimeoutMs = 0 }));
                StringAssert.Contains("totalTimeout", zero.Message);
                Assert.Throws<InvalidArgumentException>(() => client.WithOptions(new CallOptions { RequestTimeoutMs = 0 }));
                Assert.Throws<InvalidArgumentException>(() => client.WithOptions(new CallOptions { Retry = new RetryOptions { MaxAttempts = 0 } }));
                client.Dispose();
                Assert.Throws<ObjectDisposedException>(() => client.WithOptions(new CallOptions()));
            });
        }
    }
}
