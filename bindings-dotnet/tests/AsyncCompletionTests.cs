using System.Threading.Tasks;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>An async call whose Rust future is ready on its first poll completes at once, on the caller's thread.</summary>
    [TestFixture]
    public class AsyncCompletionTests
    {
        [Test]
        public void ACallReadyOnItsFirstPollReturnsACompletedTask()
        {
            // The mock's clock answers without waiting on anything: the callback comes during
            // the poll, on this thread, and the call completes before it returns (no thread
            // switch through the continuation queue).
            Task<string> clock = Env.Server.Control.ClockAsync();
            Assert.IsTrue(clock.IsCompleted, "the task was still pending when the call returned");
            StringAssert.Contains("T", clock.Result);
        }
    }
}
