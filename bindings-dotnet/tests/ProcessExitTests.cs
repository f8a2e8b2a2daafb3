using System;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>A program that used the library ends when its <c>Main</c> returns (on Mono, no Rust thread runs managed code).</summary>
    [TestFixture]
    public class ProcessExitTests
    {
        [Test]
        public void AProgramEndsWhenMainReturns()
        {
            // run-tests.sh builds tests/programs/EndsByItself.cs beside the test assembly.
            string exe = Path.Combine(Path.GetDirectoryName(typeof(ProcessExitTests).Assembly.Location), "EndsByItself.exe");
            Assert.IsTrue(File.Exists(exe), exe + " was not built");
            var start = new ProcessStartInfo("mono", "\"" + exe + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (Process process = Process.Start(start))
            {
                // Read both streams to their end on other threads, so a full pipe cannot stall it.
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                bool ended = process.WaitForExit(60000);
                if (!ended) process.Kill();
                Assert.IsTrue(ended, "the program was still running 60 s after it started; it printed: " + (stdout.IsCompleted ? stdout.Result : "(nothing yet)"));
                process.WaitForExit();
                Assert.AreEqual(7, process.ExitCode, "its Main's return value; stderr: " + stderr.Result);
                StringAssert.Contains("signed in as ", stdout.Result);
                StringAssert.Contains("; 3 contacts", stdout.Result);
            }
        }
    }
}
