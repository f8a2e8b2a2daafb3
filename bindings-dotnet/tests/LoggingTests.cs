using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary><c>Logging.Listen</c> / <c>LogListener</c>: core's records reach .NET, with their fields and no secret.</summary>
    [TestFixture]
    public class LoggingTests
    {
        [Test]
        public void ARetryIsLoggedWithItsFieldsAndNoSecret()
        {
            Env.Run(async () =>
            {
                var seen = new ConcurrentQueue<LogEntry>();
                var retry = new TaskCompletionSource<LogEntry>();
                using (Logging.Listen(LogLevel.Info, e =>
                {
                    seen.Enqueue(e);
                    if (e.Target == "messenger_connect::http" && e.FieldsJson.Contains("\"status\":503")) retry.TrySetResult(e);
                }))
                using (Client client = await Env.ClientFor(0))
                {
                    await Env.Server.AddFaultAsync(new MockFault { Kind = MockFaultKind.Status, Status = 503, Method = "GET", Path = "/v1/me/status", Count = 1 });
                    await client.StatusAsync();
                    Task first = await Task.WhenAny(retry.Task, Task.Delay(TimeSpan.FromSeconds(20)));
                    Assert.AreSame(retry.Task, first, "no record of the retry within 20 s");
                    LogEntry record = retry.Task.Result;
                    Assert.AreEqual(LogLevel.Info, record.Level);
                    StringAssert.Contains("\"path\":\"/v1/me/status\"", record.FieldsJson);
                    string token = client.Tokens().AccessToken;
                    Assert.IsFalse(seen.Any(r => r.Message.Contains(token) || r.FieldsJson.Contains(token)), "a record carries the access token");
                }
            });
        }

        [Test]
        public void ClosingOrReplacingAListenerEndsItsPendingNext()
        {
            Env.Run(async () =>
            {
                var first = new LogListener(LogLevel.Warn);
                Task<LogEntry> pending = first.NextAsync();
                using (var second = new LogListener(LogLevel.Warn))
                {
                    Assert.IsNull(await pending, "a newer listener took over");
                    Task<LogEntry> waiting = second.NextAsync();
                    second.Close();
                    Assert.IsNull(await waiting, "closed");
                    Assert.AreEqual(0UL, second.Dropped());
                }
                first.Dispose();
                Assert.Throws<ArgumentNullException>(() => Logging.Listen(LogLevel.Info, null));
            });
        }
    }
}
