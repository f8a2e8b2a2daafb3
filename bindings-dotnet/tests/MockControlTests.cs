using System;
using System.Linq;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>The testing module's control plane: a method for every operation of the mock, each doing what it says.</summary>
    [TestFixture]
    public class MockControlTests
    {
        [Test]
        public void AMethodForEveryControlOperation()
        {
            Env.Run(async () =>
            {
                // The mock lists its operations when it refuses an unknown one.
                ValidationException refusal = await Env.Throws<ValidationException>(() => Env.Server.CallAsync("noSuchOperation"));
                string known = refusal.Message.Substring(refusal.Message.IndexOf("known:", StringComparison.Ordinal) + 6);
                known = known.Split('(')[0];
                string[] ops = known.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
                Assert.GreaterOrEqual(ops.Length, 20, known);
                var methods = typeof(NativeMockServer).GetMethods().Select(m => m.Name).ToList();
                string[] missing = ops
                    .Where(op => !methods.Contains(char.ToUpperInvariant(op[0]) + op.Substring(1) + "Async")
                                 && !(op == "users" && methods.Contains("ListUsersAsync")))
                    .ToArray();
                Assert.IsEmpty(missing, "operations without a method: " + string.Join(", ", missing));
            });
        }

        [Test]
        public void ClockSettingsEventsAndFaults()
        {
            Env.Run(async () =>
            {
                NativeMockServer control = Env.Server.Control;
                DateTime before = DateTime.Parse(await control.ClockAsync()).ToUniversalTime();
                Assert.That(before.Year, Is.GreaterThan(2000));
                StringAssert.Contains("refreshTokenReuseGraceSeconds", await control.SettingsAsync());
                StringAssert.StartsWith("{", await control.StatsAsync());

                string user = Env.Server.Users[2].Id;
                string frame = await control.PublishEventAsync(user, "custom.test", "{\"n\":1}");
                var published = (System.Collections.Generic.Dictionary<string, object>)Json.Parse(frame);
                var log = (System.Collections.Generic.Dictionary<string, object>)Json.Parse(await control.EventsAsync(user, 0));
                Assert.AreEqual(Convert.ToUInt64(published["seq"]), Convert.ToUInt64(log["seq"]));

                string id = await control.AddFaultAsync(new MockFault { Kind = MockFaultKind.Status, Status = 503, Path = "/v1/nowhere" });
                Assert.IsTrue((await control.FaultsAsync()).Any(f => f.Contains(id)));
                await control.RemoveFaultAsync(id);
                Assert.IsFalse((await control.FaultsAsync()).Any(f => f.Contains(id)));

                await Env.Throws<NotFoundException>(() => control.ApproveDeviceAsync("NO-SUCH", user));
                Assert.AreEqual(Env.Server.Users.Count, (await control.ListUsersAsync()).Count);
            });
        }
    }
}
