using System;
using System.Runtime.InteropServices;

namespace MessengerConnect
{
    /// <summary>
    /// Ending a Mono process that used this library. Mono 6 waits at exit for every native
    /// thread that ever called into managed code; the Rust runtime's threads (which complete
    /// async calls) never end, so a program's Main returning (or Environment.Exit) hangs on
    /// Mono. .NET (Core, 5+) and .NET Framework are not affected.
    /// </summary>
    public static class ProcessExit
    {
        [DllImport("libc", EntryPoint = "_exit")]
        private static extern void _exit(int code);

        /// <summary>True when running on Mono.</summary>
        public static bool IsMono { get { return Type.GetType("Mono.Runtime") != null; } }

        /// <summary>
        /// Flushes the console and ends the process with <paramref name="code"/>: at once on
        /// Mono, with Environment.Exit elsewhere. Call it last in Main.
        /// </summary>
        public static void Now(int code)
        {
            Console.Out.Flush();
            Console.Error.Flush();
            if (IsMono) _exit(code);
            Environment.Exit(code);
        }
    }
}
