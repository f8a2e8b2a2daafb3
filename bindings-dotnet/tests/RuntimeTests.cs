using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>The generated runtime: async driving, cancellation, handles, panics.</summary>
    [TestFixture]
    public class RuntimeTests
    {
        private static Task<string> Delay(string path, ulong ms, uint count)
        {
            return Env.Server.AddFaultAsync(new MockFault { Kind = MockFaultKind.Delay, Method = "GET", Path = path, DelayMs = ms, Count = count });
        }

        [Test]
        public void TwoHundredConcurrentCallsWithoutAThreadEach()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    string fault = await Delay("/v1/me/status", 1500, 200);
                    try
                    {
                        int threadsBefore = Process.GetCurrentProcess().Threads.Count;
                        Task<Status>[] calls = Enumerable.Range(0, 200).Select(_ => client.StatusAsync()).ToArray();
                        await Env.WaitForRequestsInProgress(100);
                        int inFlight = calls.Count(t => !t.IsCompleted);
                        int threadsDuring = Process.GetCurrentProcess().Threads.Count;
                        Status[] results = await Task.WhenAll(calls);
                        Assert.AreEqual(200, results.Length);
                        Assert.IsTrue(results.All(s => s != null));
                        Assert.Greater(inFlight, 100, "most calls were still waiting on the delayed server");
                        Assert.Less(threadsDuring - threadsBefore, 50, "no thread is blocked per call in flight");
                    }
                    finally
                    {
                        await Env.Server.Control.RemoveFaultAsync(fault);
                    }
                }
            });
        }

        [Test]
        public void CancellationStopsACallInFlight()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    await Delay("/v1/me", 10000, 1);
                    try
                    {
                        using (var cts = new CancellationTokenSource())
                        {
                            Task<Me> call = client.MeAsync(cts.Token);
                            await Env.WaitForRequestsInProgress(1);
                            Assert.IsFalse(call.IsCompleted, "the delayed call is still in flight");
                            cts.Cancel();
                            var e = await Env.Throws<OperationCanceledException>(() => call);
                            Assert.IsTrue(call.IsCanceled);
                            Assert.AreEqual(cts.Token, e.CancellationToken);
                        }
                        // The client keeps working after a cancelled call.
                        Assert.IsNotNull(await client.StatusAsync());
                    }
                    finally
                    {
                        await Env.Server.Control.ClearFaultsAsync();
                    }
                }
            });
        }

        [Test]
        public void CancellingAWaitWithNoEndOnTheRustSide()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(1))
                using (var cts = new CancellationTokenSource())
                {
                    Task<TokenSet> next = client.NextTokenChangeAsync(cts.Token);
                    Assert.IsFalse(next.IsCompleted, "no token change is coming");
                    cts.Cancel();
                    await Env.Throws<OperationCanceledException>(() => next);
                }
            });
        }

        [Test]
        public void AnAlreadyCancelledTokenSendsNoRequest()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    await Env.Server.Control.ClearRequestsAsync();
                    Task<Me> call = client.MeAsync(new CancellationToken(true));
                    Assert.IsTrue(call.IsCanceled);
                    Assert.AreEqual(0, await Env.RequestCount());
                }
            });
        }

        [Test]
        public void DisposeThenUseThrowsObjectDisposedException()
        {
            Env.Run(async () =>
            {
                Client client = await Env.ClientFor(0);
                Assert.IsNotNull(await client.MeAsync());
                client.Dispose();
                client.Dispose(); // twice is fine
                Assert.Throws<ObjectDisposedException>(() => client.MeAsync());
                Assert.Throws<ObjectDisposedException>(() => client.BaseUrl());
                Assert.Throws<ObjectDisposedException>(() => client.Contacts().AsEnumerable().First());
            });
        }

        [Test]
        public void DisposeDuringACallLetsTheCallFinish()
        {
            Env.Run(async () =>
            {
                Client client = await Env.ClientFor(0);
                await Delay("/v1/me/status", 500, 1);
                try
                {
                    Task<Status> call = client.StatusAsync();
                    client.Dispose();
                    // Dispose closes the client; the call in flight ends (with its result or ConfigException), never a crash.
                    try { Assert.IsNotNull(await call); }
                    catch (ConfigException) { }
                }
                finally
                {
                    await Env.Server.Control.ClearFaultsAsync();
                }
            });
        }

        [Test]
        public void ARustPanicBecomesAnException()
        {
            var e = Assert.Throws<RustPanicException>(() => MessengerConnectFunctions.DebugPanic("sync boom"));
            StringAssert.Contains("sync boom", e.Message);
            Assert.IsInstanceOf<MessengerConnectException>(e);
            // The process and the library keep working.
            Assert.IsNotEmpty(MessengerConnectFunctions.Version());
        }

        [Test]
        public void APanicInsideAnAsyncCallFaultsTheTask()
        {
            Env.Run(async () =>
            {
                var e = await Env.Throws<RustPanicException>(() => MessengerConnectFunctions.DebugPanicAsync("async boom"));
                StringAssert.Contains("async boom", e.Message);
                using (Client client = await Env.ClientFor(0))
                {
                    Assert.IsNotNull(await client.MeAsync());
                }
            });
        }

        [Test]
        public void TimestampsRoundTrip()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    PocoPage all = await client.PocoContactsAsync(new PocoQuery { UpdatedSince = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) });
                    Assert.GreaterOrEqual(all.TotalResults, 25UL);
                    PocoPage none = await client.PocoContactsAsync(new PocoQuery { UpdatedSince = DateTimeOffset.UtcNow.AddYears(5) });
                    Assert.AreEqual(0UL, none.TotalResults);
                    Assert.AreEqual(0, none.Entry.Count);
                }
            });
        }

        [Test]
        public void LibraryMatchesTheGeneratedCode()
        {
            // Every entry point first checks the contract version and every checksum.
            Assert.AreEqual("0.1.0", MessengerConnectFunctions.Version());
        }
    }
}
