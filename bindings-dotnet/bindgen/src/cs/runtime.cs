    // ---- uniffi runtime (constant part, see bindgen/src/cs/runtime.cs) ----

    /// <summary>A byte buffer owned by Rust (uniffi's RustBuffer).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RustBuffer
    {
        public ulong Capacity;
        public ulong Len;
        public IntPtr Data;
    }

    /// <summary>Bytes owned by .NET, borrowed by Rust for the duration of one call.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ForeignBytes
    {
        public int Len;
        public IntPtr Data;
    }

    /// <summary>The status every synchronous uniffi call writes (0 ok, 1 error, 2 panic, 3 cancelled).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RustCallStatus
    {
        public sbyte Code;
        public RustBuffer ErrorBuf;
    }

    /// <summary>Lifts the serialized error of a failed call into an exception.</summary>
    internal delegate Exception UniffiErrorLifter(RustBuffer buffer);

    /// <summary>Thrown when the native library does not match the generated code.</summary>
    public sealed class UniffiContractException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public UniffiContractException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>Serializes values the way uniffi reads them (big-endian).</summary>
    internal sealed class UniffiWriter
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        private byte[] _buf;
        private int _pos;

        public UniffiWriter() { _buf = new byte[64]; }

        private UniffiWriter(byte[] bytes) { _buf = bytes; _pos = bytes.Length; }

        /// <summary>A top-level string argument: its UTF-8 bytes without a length prefix.</summary>
        public static UniffiWriter ForString(string value, string name)
        {
            if (value == null) throw new ArgumentNullException(name);
            return new UniffiWriter(Utf8(value, name));
        }

        private static byte[] Utf8(string value, string name)
        {
            try { return StrictUtf8.GetBytes(value); }
            catch (EncoderFallbackException e) { throw new ArgumentException("not valid UTF-16 (lone surrogate)", name, e); }
        }

        private void Reserve(int n)
        {
            if (_pos + n <= _buf.Length) return;
            int size = Math.Max(_buf.Length * 2, _pos + n);
            Array.Resize(ref _buf, size);
        }

        public void WriteU8(byte v) { Reserve(1); _buf[_pos++] = v; }
        public void WriteI8(sbyte v) { WriteU8((byte)v); }
        public void WriteBool(bool v) { WriteU8(v ? (byte)1 : (byte)0); }
        public void WriteU16(ushort v) { Reserve(2); _buf[_pos++] = (byte)(v >> 8); _buf[_pos++] = (byte)v; }
        public void WriteI16(short v) { WriteU16((ushort)v); }
        public void WriteU32(uint v)
        {
            Reserve(4);
            _buf[_pos++] = (byte)(v >> 24); _buf[_pos++] = (byte)(v >> 16);
            _buf[_pos++] = (byte)(v >> 8); _buf[_pos++] = (byte)v;
        }
        public void WriteI32(int v) { WriteU32((uint)v); }
        public void WriteU64(ulong v) { WriteU32((uint)(v >> 32)); WriteU32((uint)v); }
        public void WriteI64(long v) { WriteU64((ulong)v); }
        public void WriteF32(float v) { WriteI32(BitConverter.ToInt32(BitConverter.GetBytes(v), 0)); }
        public void WriteF64(double v) { WriteI64(BitConverter.DoubleToInt64Bits(v)); }

        public void WriteString(string v, string name)
        {
            if (v == null) throw new ArgumentNullException(name);
            byte[] bytes = Utf8(v, name);
            WriteI32(bytes.Length);
            Reserve(bytes.Length);
            Buffer.BlockCopy(bytes, 0, _buf, _pos, bytes.Length);
            _pos += bytes.Length;
        }

        /// <summary>A timestamp as uniffi's SystemTime: signed seconds since the epoch and nanoseconds.</summary>
        public void WriteTimestamp(DateTimeOffset v)
        {
            long ticks = v.UtcTicks - UniffiReader.EpochTicks;
            long sign = ticks < 0 ? -1 : 1;
            long mag = ticks < 0 ? -ticks : ticks;
            WriteI64(sign * (mag / TimeSpan.TicksPerSecond));
            WriteU32((uint)((mag % TimeSpan.TicksPerSecond) * 100));
        }

        /// <summary>Copies the bytes into a new RustBuffer (ownership passes to Rust with the call).</summary>
        public RustBuffer ToRustBuffer()
        {
            GCHandle pin = GCHandle.Alloc(_buf, GCHandleType.Pinned);
            try
            {
                var bytes = new ForeignBytes { Len = _pos, Data = _pos == 0 ? IntPtr.Zero : pin.AddrOfPinnedObject() };
                var status = new RustCallStatus();
                RustBuffer result = UniffiNative.ffi___NS___rustbuffer_from_bytes(bytes, ref status);
                UniffiCall.Check(ref status, null);
                return result;
            }
            finally
            {
                pin.Free();
            }
        }
    }

    /// <summary>Reads values serialized by uniffi from a copy of a RustBuffer.</summary>
    internal sealed class UniffiReader
    {
        internal static readonly long EpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        private readonly byte[] _buf;
        private int _pos;

        private UniffiReader(byte[] buf) { _buf = buf; }

        /// <summary>Copies the buffer's bytes and frees the buffer.</summary>
        public static UniffiReader Take(RustBuffer buffer)
        {
            return new UniffiReader(UniffiCall.TakeBytes(buffer));
        }

        private void Need(int n)
        {
            if (_pos + n > _buf.Length) throw new InvalidOperationException("uniffi: buffer too short");
        }

        /// <summary>Fails if bytes are left over (a mismatch between the library and this code).</summary>
        public void CheckEnd()
        {
            if (_pos != _buf.Length) throw new InvalidOperationException("uniffi: junk at the end of a buffer");
        }

        public byte ReadU8() { Need(1); return _buf[_pos++]; }
        public sbyte ReadI8() { return (sbyte)ReadU8(); }
        public bool ReadBool()
        {
            byte b = ReadU8();
            if (b > 1) throw new InvalidOperationException("uniffi: unexpected byte for a bool");
            return b == 1;
        }
        public ushort ReadU16() { Need(2); ushort v = (ushort)((_buf[_pos] << 8) | _buf[_pos + 1]); _pos += 2; return v; }
        public short ReadI16() { return (short)ReadU16(); }
        public uint ReadU32()
        {
            Need(4);
            uint v = ((uint)_buf[_pos] << 24) | ((uint)_buf[_pos + 1] << 16) | ((uint)_buf[_pos + 2] << 8) | _buf[_pos + 3];
            _pos += 4;
            return v;
        }
        public int ReadI32() { return (int)ReadU32(); }
        public ulong ReadU64() { ulong hi = ReadU32(); return (hi << 32) | ReadU32(); }
        public long ReadI64() { return (long)ReadU64(); }
        public float ReadF32() { return BitConverter.ToSingle(BitConverter.GetBytes(ReadI32()), 0); }
        public double ReadF64() { return BitConverter.Int64BitsToDouble(ReadI64()); }

        public string ReadString()
        {
            int len = ReadI32();
            if (len < 0) throw new InvalidOperationException("uniffi: negative string length");
            Need(len);
            string s = Encoding.UTF8.GetString(_buf, _pos, len);
            _pos += len;
            return s;
        }

        /// <summary>A length prefix of a sequence or map.</summary>
        public int ReadCount()
        {
            int n = ReadI32();
            if (n < 0) throw new InvalidOperationException("uniffi: negative length");
            return n;
        }

        public DateTimeOffset ReadTimestamp()
        {
            long seconds = ReadI64();
            uint nanos = ReadU32();
            if (nanos > 999999999) throw new InvalidOperationException("uniffi: invalid nanoseconds");
            long mag = checked((seconds < 0 ? -seconds : seconds) * TimeSpan.TicksPerSecond + nanos / 100);
            return new DateTimeOffset(EpochTicks + (seconds < 0 ? -mag : mag), TimeSpan.Zero);
        }
    }

    /// <summary>Helpers shared by every generated call.</summary>
    /// <summary>
    /// Exceptions of C# code that Rust reported a failure for (e.g. a token handler that
    /// threw), kept by id until the Rust error naming the id becomes an exception whose
    /// InnerException they are. Bounded: the oldest of more than 256 are dropped.
    /// </summary>
    internal static class UniffiForeignExceptions
    {
        private const int Capacity = 256;
        private static readonly object Lock = new object();
        private static readonly Dictionary<ulong, Exception> Kept = new Dictionary<ulong, Exception>();
        private static readonly Queue<ulong> Order = new Queue<ulong>();
        private static ulong _last;

        /// <summary>Keeps an exception; the id to report it to Rust with.</summary>
        public static ulong Keep(Exception exception)
        {
            lock (Lock)
            {
                ulong id = ++_last;
                Kept[id] = exception;
                Order.Enqueue(id);
                while (Order.Count > Capacity) Kept.Remove(Order.Dequeue());
                return id;
            }
        }

        /// <summary>The exception kept under <paramref name="id"/> (removed), or null.</summary>
        public static Exception Take(ulong? id)
        {
            if (id == null) return null;
            lock (Lock)
            {
                Exception e;
                if (!Kept.TryGetValue(id.Value, out e)) return null;
                Kept.Remove(id.Value);
                return e;
            }
        }
    }

    internal static class UniffiCall
    {
        /// <summary>Throws the exception a call status stands for.</summary>
        public static void Check(ref RustCallStatus status, UniffiErrorLifter lifter)
        {
            switch (status.Code)
            {
                case 0:
                    return;
                case 1:
                    if (lifter != null) throw lifter(status.ErrorBuf);
                    FreeBuffer(status.ErrorBuf);
                    throw new RustPanicException("unexpected error from a call that declares none");
                case 2:
                    if (status.ErrorBuf.Len > 0) throw new RustPanicException(LiftString(status.ErrorBuf));
                    throw new RustPanicException("Rust panic");
                case 3:
                    FreeBuffer(status.ErrorBuf);
                    throw new OperationCanceledException();
                default:
                    throw new RustPanicException("unknown call status " + status.Code);
            }
        }

        /// <summary>Copies a RustBuffer's bytes into a new array and frees the buffer.</summary>
        public static byte[] TakeBytes(RustBuffer buffer)
        {
            try
            {
                var bytes = new byte[checked((int)buffer.Len)];
                if (bytes.Length > 0) Marshal.Copy(buffer.Data, bytes, 0, bytes.Length);
                return bytes;
            }
            finally
            {
                FreeBuffer(buffer);
            }
        }

        public static void FreeBuffer(RustBuffer buffer)
        {
            if (buffer.Data == IntPtr.Zero) return;
            var status = new RustCallStatus();
            UniffiNative.ffi___NS___rustbuffer_free(buffer, ref status);
        }

        /// <summary>A top-level string: raw UTF-8 bytes.</summary>
        public static string LiftString(RustBuffer buffer)
        {
            return Encoding.UTF8.GetString(TakeBytes(buffer));
        }
    }

    /// <summary>The completion, free and cancel functions of one future flavour.</summary>
    internal sealed class UniffiFutureFns<F>
    {
        public delegate void PollFn(ulong handle, IntPtr callback, ulong data);
        public delegate F CompleteFn(ulong handle, ref RustCallStatus status);
        public delegate void HandleFn(ulong handle);

        public readonly PollFn Poll;
        public readonly CompleteFn Complete;
        public readonly HandleFn Free;
        public readonly HandleFn Cancel;

        public UniffiFutureFns(PollFn poll, CompleteFn complete, HandleFn free, HandleFn cancel)
        {
            Poll = poll; Complete = complete; Free = free; Cancel = cancel;
        }
    }

    /// <summary>One queued continuation (the library's <c>continuations::Continuation</c>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct UniffiContinuation
    {
        public ulong Data;
        public sbyte PollResult;
    }

    /// <summary>
    /// Continuations of Rust futures, completed on one background thread of ours. The callback
    /// given to Rust is native code of the library that only queues (so no Rust thread ever
    /// runs managed code: Mono would wait for such threads at exit, and they never end); this
    /// thread takes the queued ones in batches and completes their tasks.
    /// </summary>
    internal static class UniffiContinuations
    {
        [DllImport(UniffiNative.Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        private static extern IntPtr uniffi_dotnet_continuation_callback();

        [DllImport(UniffiNative.Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        private static extern uint uniffi_dotnet_next_continuations([Out] UniffiContinuation[] buffer, uint capacity, uint timeoutMs);

        [DllImport(UniffiNative.Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void uniffi_dotnet_poll_begin(ulong data);

        [DllImport(UniffiNative.Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern sbyte uniffi_dotnet_poll_end();

        /// <summary>The native callback to pass to every <c>rust_future_poll</c>.</summary>
        public static readonly IntPtr Callback = Start();

        private static IntPtr Start()
        {
            IntPtr callback = uniffi_dotnet_continuation_callback();
            var thread = new Thread(Run) { IsBackground = true, Name = "uniffi continuations" };
            thread.Start();
            return callback;
        }

        private static void Run()
        {
            var batch = new UniffiContinuation[64];
            for (;;)
            {
                // A bounded wait: at exit Mono aborts this (background) thread and waits for it
                // to come back from native code.
                uint n = uniffi_dotnet_next_continuations(batch, (uint)batch.Length, 100);
                for (uint i = 0; i < n; i++)
                {
                    GCHandle handle = GCHandle.FromIntPtr(new IntPtr((long)batch[i].Data));
                    var tcs = (TaskCompletionSource<sbyte>)handle.Target;
                    handle.Free();
                    tcs.TrySetResult(batch[i].PollResult);
                }
            }
        }
    }

    /// <summary>
    /// Drives a Rust future: poll until ready, complete, free. No thread waits while the
    /// future is pending; continuations run on the thread pool (see <see cref="UniffiContinuations"/>).
    /// </summary>
    internal static class UniffiAsync
    {
        private static readonly Task<sbyte> Ready = Task.FromResult((sbyte)0);
        private static readonly Task<sbyte> PollAgain = Task.FromResult((sbyte)1);

        /// <summary>
        /// One poll. When the callback comes during the poll, on this thread (the future was
        /// ready at once), the result is returned as a completed task: no thread switch.
        /// </summary>
        private static Task<sbyte> PollOnce<F>(ulong future, UniffiFutureFns<F> fns)
        {
            var tcs = new TaskCompletionSource<sbyte>(TaskCreationOptions.RunContinuationsAsynchronously);
            GCHandle handle = GCHandle.Alloc(tcs);
            ulong data = (ulong)GCHandle.ToIntPtr(handle).ToInt64();
            UniffiContinuations.uniffi_dotnet_poll_begin(data);
            fns.Poll(future, UniffiContinuations.Callback, data);
            sbyte inline = UniffiContinuations.uniffi_dotnet_poll_end();
            if (inline < 0) return tcs.Task;
            handle.Free();
            return inline == 0 ? Ready : PollAgain;
        }

        /// <summary>Awaits the future, lifts its value, frees it; cancellation calls rust_future_cancel.</summary>
        public static async Task<T> Call<F, T>(ulong future, UniffiFutureFns<F> fns, Func<F, T> lift, UniffiErrorLifter lifter, CancellationToken ct)
        {
            CancellationTokenRegistration registration = default(CancellationTokenRegistration);
            try
            {
                if (ct.CanBeCanceled) registration = ct.Register(() => fns.Cancel(future));
                while (await PollOnce(future, fns).ConfigureAwait(false) != 0) { }
                registration.Dispose();
                var status = new RustCallStatus();
                F result = fns.Complete(future, ref status);
                if (status.Code == 3) throw new OperationCanceledException(ct);
                UniffiCall.Check(ref status, lifter);
                return lift(result);
            }
            finally
            {
                registration.Dispose();
                fns.Free(future);
            }
        }

        /// <summary>A task already cancelled (the token fired before the call started).</summary>
        public static Task<T> Canceled<T>(CancellationToken ct)
        {
            var tcs = new TaskCompletionSource<T>();
            tcs.SetCanceled();
            return tcs.Task;
        }
    }

    /// <summary>
    /// The handle of a Rust object with uniffi's clone/free protocol: every call clones the
    /// handle (Rust consumes the clone); Dispose frees the original once no clone is being made.
    /// </summary>
    internal sealed class UniffiHandle
    {
        internal delegate ulong CloneFn(ulong handle, ref RustCallStatus status);
        internal delegate void FreeFn(ulong handle, ref RustCallStatus status);

        private readonly ulong _handle;
        private readonly CloneFn _clone;
        private readonly FreeFn _free;
        private readonly string _typeName;
        private long _calls = 1;
        private int _disposed;

        public UniffiHandle(ulong handle, CloneFn clone, FreeFn free, string typeName)
        {
            _handle = handle; _clone = clone; _free = free; _typeName = typeName;
        }

        ~UniffiHandle()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) FreeNow();
        }

        public bool IsDisposed { get { return Volatile.Read(ref _disposed) != 0; } }

        /// <summary>A new handle for one call; ObjectDisposedException after Dispose.</summary>
        public ulong Clone()
        {
            long c;
            do
            {
                c = Interlocked.Read(ref _calls);
                if (c == 0) throw new ObjectDisposedException(_typeName);
            } while (Interlocked.CompareExchange(ref _calls, c + 1, c) != c);
            try
            {
                var status = new RustCallStatus();
                ulong h = _clone(_handle, ref status);
                UniffiCall.Check(ref status, null);
                return h;
            }
            finally
            {
                if (Interlocked.Decrement(ref _calls) == 0) FreeNow();
            }
        }

        /// <summary>Throws ObjectDisposedException after Dispose.</summary>
        public void ThrowIfDisposed()
        {
            if (IsDisposed) throw new ObjectDisposedException(_typeName);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            GC.SuppressFinalize(this);
            if (Interlocked.Decrement(ref _calls) == 0) FreeNow();
        }

        private void FreeNow()
        {
            var status = new RustCallStatus();
            _free(_handle, ref status);
        }
    }

    // ---- end of the constant runtime ----
