// sansip: a sans-IO SIP user-agent core. SPDX-License-Identifier: MIT OR Apache-2.0
//
// Sansip.cs: the idiomatic layer over NativeMethods.cs. ConfigHandle and
// EndpointHandle are SafeHandles whose ReleaseHandle calls the C `_free`
// (so a handle is freed exactly once, by Dispose or the finalizer, and
// never while a P/Invoke call is using it); Config and Endpoint are
// IDisposable classes taking string / byte[] arguments; every result other
// than OK is thrown as SansipException. Endpoint.PollOutput() returns an
// Output subclass (Transmit, Connect, Close, Resolve, Event, Timeout) whose
// data is copied into managed memory, so nothing in it dangles.
//
// The C ABI's rules hold: after any input or command, call PollOutput()
// until it returns a Timeout; an Endpoint is not thread-safe (one call at
// a time). Written in C# 6 so that mcs (Mono), Unity and .NET all compile it.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Sansip
{
    /// <summary>A call into sansip returned an error: <see cref="Result"/>, and
    /// sansip's explanation in <see cref="Detail"/>.</summary>
    public sealed class SansipException : Exception
    {
        /// <summary>The C result (never <c>Result.Ok</c>).</summary>
        public Result Result { get; private set; }
        /// <summary>sansip_last_error_message's text (may be empty).</summary>
        public string Detail { get; private set; }

        /// <summary>An exception for <paramref name="result"/>.</summary>
        public SansipException(Result result, string detail)
            : base(Library.ResultName(result) + (string.IsNullOrEmpty(detail) ? "" : ": " + detail))
        {
            Result = result;
            Detail = detail ?? "";
        }
    }

    /// <summary>A <c>sansip_config *</c>, freed by <c>sansip_config_free</c>.</summary>
    public sealed class ConfigHandle : SafeHandle
    {
        /// <summary>An empty handle (the marshaller fills it).</summary>
        public ConfigHandle() : base(IntPtr.Zero, true) { }
        /// <inheritdoc/>
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            NativeMethods.sansip_config_free(handle);
            return true;
        }
    }

    /// <summary>A <c>sansip_endpoint *</c>, freed by <c>sansip_endpoint_free</c>.</summary>
    public sealed class EndpointHandle : SafeHandle
    {
        /// <summary>An empty handle (the marshaller fills it).</summary>
        public EndpointHandle() : base(IntPtr.Zero, true) { }
        /// <inheritdoc/>
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            NativeMethods.sansip_endpoint_free(handle);
            return true;
        }
    }

    /// <summary>Library-wide facts.</summary>
    public static class Library
    {
        /// <summary>sansip's version ("0.1.0").</summary>
        public static string Version { get { return Marshal.PtrToStringAnsi(NativeMethods.sansip_version()); } }
        /// <summary>The loaded library's ABI version.</summary>
        public static uint AbiVersion { get { return NativeMethods.sansip_abi_version(); } }
        /// <summary>The ABI version these bindings were written for.</summary>
        public const uint BindingsAbiVersion = NativeMethods.AbiVersion;
        /// <summary>The name of a result ("SANSIP_RESULT_BAD_URI").</summary>
        public static string ResultName(Result result)
        {
            return Marshal.PtrToStringAnsi(NativeMethods.sansip_result_str((uint)result));
        }
    }

    /// <summary>Marks a static method native code calls back (IL2CPP finds it by this
    /// attribute's name, as Unity's <c>AOT.MonoPInvokeCallbackAttribute</c>).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        /// <summary>The delegate type of the callback.</summary>
        public MonoPInvokeCallbackAttribute(Type type) { Type = type; }
        /// <summary>The delegate type of the callback.</summary>
        public Type Type { get; private set; }
    }

    /// <summary>An extra header field for Invite and Message.</summary>
    public struct Header
    {
        /// <summary>The field name.</summary>
        public string Name;
        /// <summary>The field value.</summary>
        public string Value;
        /// <summary>A field.</summary>
        public Header(string name, string value) { Name = name; Value = value; }
    }

    internal static class Utf8
    {
        internal static byte[] Bytes(string s) { return s == null ? null : Encoding.UTF8.GetBytes(s); }
        internal static UIntPtr Len(byte[] b) { return new UIntPtr(b == null ? 0u : (uint)b.Length); }
        internal static byte[] Copy(IntPtr p, UIntPtr len)
        {
            int n = checked((int)len.ToUInt64());
            var bytes = new byte[n];
            if (n > 0) Marshal.Copy(p, bytes, 0, n);
            return bytes;
        }
        internal static string Text(IntPtr p, UIntPtr len) { return Encoding.UTF8.GetString(Copy(p, len)); }

        // Texts pinned for the length of one call, as pointer + length items.
        internal sealed class Pinned : IDisposable
        {
            private readonly List<GCHandle> handles = new List<GCHandle>();
            internal IntPtr Pin(string s, out UIntPtr len)
            {
                byte[] b = Bytes(s ?? "");
                len = Len(b);
                if (b.Length == 0) return IntPtr.Zero;
                GCHandle h = GCHandle.Alloc(b, GCHandleType.Pinned);
                handles.Add(h);
                return h.AddrOfPinnedObject();
            }
            public void Dispose() { foreach (var h in handles) h.Free(); handles.Clear(); }
        }
    }

    /// <summary>The settings of an endpoint. Setters throw SansipException on a
    /// refusal and return this, for chaining.</summary>
    public sealed class Config : IDisposable
    {
        /// <summary>The native handle.</summary>
        public ConfigHandle Handle { get; private set; }

        /// <summary>A configuration for the address of record <paramref name="aor"/>.</summary>
        public Config(string aor)
        {
            byte[] b = Utf8.Bytes(aor);
            ConfigHandle h;
            Result r = NativeMethods.sansip_config_new(b, Utf8.Len(b), out h);
            if (r != Result.Ok) { h.Dispose(); throw new SansipException(r, ""); }
            Handle = h;
        }

        /// <summary>Frees the configuration (endpoints made from it keep their copy).</summary>
        public void Dispose() { Handle.Dispose(); }

        /// <summary>The detail of the last error on this configuration.</summary>
        public string LastErrorMessage()
        {
            var buf = new byte[1024];
            UIntPtr n;
            if (NativeMethods.sansip_config_last_error_message(Handle, buf, Utf8.Len(buf), out n) != Result.Ok) return "";
            return Encoding.UTF8.GetString(buf, 0, (int)n.ToUInt64());
        }

        private Config Check(Result r)
        {
            if (r != Result.Ok) throw new SansipException(r, LastErrorMessage());
            return this;
        }

        private Config Text(Func<ConfigHandle, byte[], UIntPtr, Result> f, string s)
        {
            byte[] b = Utf8.Bytes(s);
            return Check(f(Handle, b, Utf8.Len(b)));
        }

        /// <summary>Adds a local address the host serves.</summary>
        public Config AddLocal(Transport transport, Addr addr) { return Check(NativeMethods.sansip_config_add_local(Handle, (uint)transport, ref addr)); }
        /// <summary>The transports for requests, in order of preference (empty: the default).</summary>
        public Config SetTransports(params Transport[] transports)
        {
            var raw = new uint[transports.Length];
            for (int i = 0; i < raw.Length; i++) raw[i] = (uint)transports[i];
            return Check(NativeMethods.sansip_config_set_transports(Handle, raw.Length == 0 ? null : raw, new UIntPtr((uint)raw.Length)));
        }
        /// <summary>The seed of every random token (from a CSPRNG in production).</summary>
        public Config SetSeed(ulong seed) { return Check(NativeMethods.sansip_config_set_seed(Handle, seed)); }
        /// <summary>Digest credentials for every realm without its own.</summary>
        public Config SetPassword(string user, string password)
        {
            byte[] u = Utf8.Bytes(user), p = Utf8.Bytes(password);
            return Check(NativeMethods.sansip_config_set_password(Handle, u, Utf8.Len(u), p, Utf8.Len(p)));
        }
        /// <summary>Digest credentials for one realm (null: every realm without its own).</summary>
        public Config SetRealmPassword(string realm, string user, string password)
        {
            byte[] r = Utf8.Bytes(realm), u = Utf8.Bytes(user), p = Utf8.Bytes(password);
            return Check(NativeMethods.sansip_config_set_realm_password(Handle, r, Utf8.Len(r), u, Utf8.Len(u), p, Utf8.Len(p)));
        }
        /// <summary>Digest credentials for one realm as an HA1 (lower-case hex).</summary>
        public Config SetRealmHa1(string realm, string user, DigestAlgorithm algorithm, string ha1)
        {
            byte[] r = Utf8.Bytes(realm), u = Utf8.Bytes(user), h = Utf8.Bytes(ha1);
            return Check(NativeMethods.sansip_config_set_realm_ha1(Handle, r, Utf8.Len(r), u, Utf8.Len(u), (uint)algorithm, h, Utf8.Len(h)));
        }
        /// <summary>The display name in From (null: none).</summary>
        public Config SetDisplayName(string name) { return Text(NativeMethods.sansip_config_set_display_name, name); }
        /// <summary>The user part of our Contact (null: the AOR's user).</summary>
        public Config SetContactUser(string user) { return Text(NativeMethods.sansip_config_set_contact_user, user); }
        /// <summary>The outbound proxy URI (null: none).</summary>
        public Config SetOutboundProxy(string uri) { return Text(NativeMethods.sansip_config_set_outbound_proxy, uri); }
        /// <summary>The instance id (urn:uuid:...) for Outbound and GRUU (null: none).</summary>
        public Config SetInstanceId(string id) { return Text(NativeMethods.sansip_config_set_instance_id, id); }
        /// <summary>The User-Agent / Server text (null: the default).</summary>
        public Config SetUserAgent(string userAgent) { return Text(NativeMethods.sansip_config_set_user_agent, userAgent); }
        /// <summary>Appends a URI to the preloaded route set.</summary>
        public Config AddRoute(string uri) { return Text(NativeMethods.sansip_config_add_route, uri); }
        /// <summary>Appends an option tag to Supported.</summary>
        public Config AddSupported(string tag) { return Text(NativeMethods.sansip_config_add_supported, tag); }
        /// <summary>The address media is received on (c= of sansip's answers).</summary>
        public Config SetMediaAddress(string address) { return Text(NativeMethods.sansip_config_set_media_address, address); }
        /// <summary>Adds a codec to the stream of media <paramref name="kind"/> ("audio", ...).</summary>
        public Config AddCodec(string kind, ushort port, string name, uint clockRate, ushort channels = 0, string fmtp = null)
        {
            byte[] k = Utf8.Bytes(kind), n = Utf8.Bytes(name), f = Utf8.Bytes(fmtp);
            return Check(NativeMethods.sansip_config_add_codec(Handle, k, Utf8.Len(k), port, n, Utf8.Len(n), clockRate, channels, f, Utf8.Len(f)));
        }
        /// <summary>The direction and rtcp-mux of the stream of media <paramref name="kind"/>.</summary>
        public Config SetMediaDirection(string kind, MediaDirection direction, bool rtcpMux)
        {
            byte[] k = Utf8.Bytes(kind);
            return Check(NativeMethods.sansip_config_set_media_direction(Handle, k, Utf8.Len(k), (uint)direction, rtcpMux));
        }
        /// <summary>Removes every media capability.</summary>
        public Config ClearMedia() { return Check(NativeMethods.sansip_config_clear_media(Handle)); }
        /// <summary>Sets one duration, in microseconds.</summary>
        public Config SetDuration(Duration which, ulong valueUs) { return Check(NativeMethods.sansip_config_set_duration(Handle, (uint)which, valueUs)); }
        /// <summary>Sets one limit.</summary>
        public Config SetLimit(Limit which, ulong value) { return Check(NativeMethods.sansip_config_set_limit(Handle, (uint)which, new UIntPtr(value))); }
        /// <summary>Session timers (RFC 4028); 0 keeps a default.</summary>
        public Config SetSessionTimer(bool enabled, uint expires = 0, uint minSe = 0) { return Check(NativeMethods.sansip_config_set_session_timer(Handle, enabled, expires, minSe)); }
        /// <summary>What sansip sends by itself when a call arrives.</summary>
        public Config SetRingPolicy(RingPolicy policy) { return Check(NativeMethods.sansip_config_set_ring_policy(Handle, (uint)policy)); }
        /// <summary>Who may send us requests outside a dialog.</summary>
        public Config SetSourcePolicy(SourcePolicy policy) { return Check(NativeMethods.sansip_config_set_source_policy(Handle, (uint)policy)); }
        /// <summary>The fraction of a registration's time after which it is refreshed.</summary>
        public Config SetRefreshFraction(double fraction) { return Check(NativeMethods.sansip_config_set_refresh_fraction(Handle, fraction)); }
        /// <summary>The event packages we take subscriptions for (empty: any).</summary>
        public Config SetEvents(params string[] events) { return Strs(NativeMethods.sansip_config_set_events, events); }
        /// <summary>The content types accepted in an incoming MESSAGE (empty: any).</summary>
        public Config SetMessageTypes(params string[] types) { return Strs(NativeMethods.sansip_config_set_message_types, types); }

        private Config Strs(Func<ConfigHandle, NativeStr[], UIntPtr, Result> f, string[] items)
        {
            using (var pinned = new Utf8.Pinned())
            {
                var raw = new NativeStr[items.Length];
                for (int i = 0; i < items.Length; i++) raw[i].Data = pinned.Pin(items[i], out raw[i].Len);
                return Check(f(Handle, raw.Length == 0 ? null : raw, new UIntPtr((uint)raw.Length)));
            }
        }
    }

    /// <summary>What PollOutput asks of the host.</summary>
    public abstract class Output { }

    /// <summary>Send <see cref="Data"/> from <see cref="Local"/> to <see cref="Remote"/>
    /// (on the connection <see cref="Flow"/> when there is one).</summary>
    public sealed class Transmit : Output
    {
        /// <summary>The transport.</summary>
        public Transport Transport { get; internal set; }
        /// <summary>The connection, or null for a datagram.</summary>
        public ulong? Flow { get; internal set; }
        /// <summary>The socket to send from.</summary>
        public Addr Local { get; internal set; }
        /// <summary>The peer.</summary>
        public Addr Remote { get; internal set; }
        /// <summary>The bytes (a copy).</summary>
        public byte[] Data { get; internal set; }
    }

    /// <summary>Open a connection known as <see cref="Flow"/>; answer with
    /// FlowConnected or FlowClosed.</summary>
    public sealed class Connect : Output
    {
        /// <summary>The transport.</summary>
        public Transport Transport { get; internal set; }
        /// <summary>The flow id to give the connection.</summary>
        public ulong Flow { get; internal set; }
        /// <summary>The peer.</summary>
        public Addr Remote { get; internal set; }
        /// <summary>TLS SNI / WebSocket Host ("" when none).</summary>
        public string ServerName { get; internal set; }
    }

    /// <summary>Close the connection <see cref="Flow"/>.</summary>
    public sealed class Close : Output
    {
        /// <summary>The flow.</summary>
        public ulong Flow { get; internal set; }
    }

    /// <summary>Look up <see cref="Name"/>; answer with Endpoint.Resolved.</summary>
    public sealed class Resolve : Output
    {
        /// <summary>The query id.</summary>
        public ulong QueryId { get; internal set; }
        /// <summary>The record type asked for.</summary>
        public RecordType RecordType { get; internal set; }
        /// <summary>The DNS name.</summary>
        public string Name { get; internal set; }
    }

    /// <summary>Nothing more to do: call HandleTimeout at <see cref="DeadlineUs"/>.</summary>
    public sealed class Timeout : Output
    {
        /// <summary>The deadline in host microseconds (ulong.MaxValue: none).</summary>
        public ulong DeadlineUs { get; internal set; }
        /// <summary>Whether there is a deadline.</summary>
        public bool HasDeadline { get { return DeadlineUs != ulong.MaxValue; } }
    }

    /// <summary>An event with every field it has read at poll time (null: the
    /// event has no such field).</summary>
    public sealed class Event : Output
    {
        /// <summary>The kind (treat an unknown value like EventKind.Other).</summary>
        public EventKind Kind { get; internal set; }
        /// <summary>The call.</summary>
        public ulong? Session { get; internal set; }
        /// <summary>The registration.</summary>
        public ulong? Registration { get; internal set; }
        /// <summary>The MESSAGE (id from Endpoint.Message).</summary>
        public ulong? MessageId { get; internal set; }
        /// <summary>The subscription.</summary>
        public ulong? Subscription { get; internal set; }
        /// <summary>The new subscription of a forked SUBSCRIBE.</summary>
        public ulong? ForkedSubscription { get; internal set; }
        /// <summary>The publication.</summary>
        public ulong? Publication { get; internal set; }
        /// <summary>The SIP status.</summary>
        public ushort? Status { get; internal set; }
        /// <summary>Seconds granted or asked for.</summary>
        public uint? Expires { get; internal set; }
        /// <summary>Which fork answered.</summary>
        public uint? Fork { get; internal set; }
        /// <summary>Why the call ended.</summary>
        public EndReason? EndReason { get; internal set; }
        /// <summary>What kind of failure.</summary>
        public Failure? Failure { get; internal set; }
        /// <summary>The Reason header's cause code.</summary>
        public ushort? CauseCode { get; internal set; }
        /// <summary>The DTMF digit (a Unicode code point).</summary>
        public uint? Digit { get; internal set; }
        /// <summary>The DTMF duration in ms.</summary>
        public uint? DurationMs { get; internal set; }
        /// <summary>The state a NOTIFY reports.</summary>
        public SubscriptionState? SubscriptionState { get; internal set; }
        /// <summary>The body's bytes (MESSAGE, NOTIFY, SDP).</summary>
        public byte[] BodyBytes { get; internal set; }
        /// <summary>The body as UTF-8 text.</summary>
        public string Body { get { return BodyBytes == null ? null : Encoding.UTF8.GetString(BodyBytes); } }
        /// <summary>The body's content type.</summary>
        public string ContentType { get; internal set; }
        /// <summary>The sender (From URI).</summary>
        public string From { get; internal set; }
        /// <summary>The recipient (To URI).</summary>
        public string To { get; internal set; }
        /// <summary>Why, in words.</summary>
        public string Reason { get; internal set; }
        /// <summary>The Reason header's protocol.</summary>
        public string CauseProtocol { get; internal set; }
        /// <summary>The Reason header's text.</summary>
        public string CauseText { get; internal set; }
        /// <summary>Who to call (REFER).</summary>
        public string Target { get; internal set; }
        /// <summary>Who asked for the transfer.</summary>
        public string ReferredBy { get; internal set; }
        /// <summary>The Replaces header of an incoming call.</summary>
        public string Replaces { get; internal set; }
        /// <summary>The event package a peer subscribes to.</summary>
        public string Package { get; internal set; }
        /// <summary>The entity tag of our published state (Published).</summary>
        public string ETag { get; internal set; }
        /// <summary>The public GRUU.</summary>
        public string GruuPublic { get; internal set; }
        /// <summary>The temporary GRUU.</summary>
        public string GruuTemporary { get; internal set; }
        /// <summary>The contacts listed (registrar bindings, redirection targets).</summary>
        public string[] Contacts { get; internal set; }
        /// <summary>The Service-Route entries.</summary>
        public string[] ServiceRoute { get; internal set; }
        /// <summary>The registration's flow.</summary>
        public ulong? Flow { get; internal set; }
        /// <summary>When sansip retries the registration, in µs.</summary>
        public ulong? RetryAfterUs { get; internal set; }
        /// <summary>Which reconnection attempt.</summary>
        public uint? Attempt { get; internal set; }
        /// <summary>How long until it, in µs.</summary>
        public ulong? DelayUs { get; internal set; }
    }

    /// <summary>One user agent. Time is microseconds of the host's monotonic
    /// clock (<c>nowUs</c>). Dispose frees it.</summary>
    public sealed class Endpoint : IDisposable
    {
        /// <summary>The native handle.</summary>
        public EndpointHandle Handle { get; private set; }

        /// <summary>An endpoint from <paramref name="config"/> (copied). A refused
        /// config throws SansipException(BadConfig) with the config's explanation.</summary>
        public Endpoint(Config config, ulong nowUs)
        {
            EndpointHandle h;
            Result r = NativeMethods.sansip_endpoint_new(config.Handle, nowUs, out h);
            if (r != Result.Ok) { h.Dispose(); throw new SansipException(r, config.LastErrorMessage()); }
            Handle = h;
        }

        /// <summary>Frees the endpoint (and lets go of its log sink).</summary>
        public void Dispose() { Handle.Dispose(); FreeLogSink(); }

        // ---- log ----

        // One static callback for every endpoint, alive for the process
        // (IL2CPP calls back only into static methods); the endpoint's sink
        // travels as the userdata, a GCHandle.
        private static readonly NativeMethods.LogCallback LogTrampoline = OnLog;
        private GCHandle logSink;

        [MonoPInvokeCallback(typeof(NativeMethods.LogCallback))]
        private static void OnLog(IntPtr userdata, LogLevel level, IntPtr target, UIntPtr targetLen, IntPtr message, UIntPtr messageLen)
        {
            try
            {
                var sink = (Action<LogLevel, string, string>)GCHandle.FromIntPtr(userdata).Target;
                sink(level, Utf8.Text(target, targetLen), Utf8.Text(message, messageLen));
            }
            catch (Exception)
            {
                // An exception must not unwind through native frames.
            }
        }

        /// <summary>Sends this endpoint's log records at <paramref name="maxLevel"/> and more
        /// severe to <paramref name="sink"/> (level, target, text), called from inside the
        /// calls on this endpoint: it must not call back into it. Null stops logging.
        /// Dispose the endpoint to let go of the sink.</summary>
        public void SetLog(LogLevel maxLevel, Action<LogLevel, string, string> sink)
        {
            if (sink == null)
            {
                Check(NativeMethods.sansip_endpoint_set_log(Handle, null, IntPtr.Zero, 0));
                FreeLogSink();
                return;
            }
            GCHandle held = GCHandle.Alloc(sink);
            Result r = NativeMethods.sansip_endpoint_set_log(Handle, LogTrampoline, GCHandle.ToIntPtr(held), (uint)maxLevel);
            if (r != Result.Ok) { held.Free(); Check(r); }
            FreeLogSink();
            logSink = held;
        }

        private void FreeLogSink()
        {
            if (logSink.IsAllocated) logSink.Free();
        }

        /// <summary>The detail of the last error on this endpoint.</summary>
        public string LastErrorMessage()
        {
            var buf = new byte[1024];
            UIntPtr n;
            if (NativeMethods.sansip_last_error_message(Handle, buf, Utf8.Len(buf), out n) != Result.Ok) return "";
            return Encoding.UTF8.GetString(buf, 0, (int)n.ToUInt64());
        }

        /// <summary>Whether a bug (a panic) poisoned the endpoint.</summary>
        public bool IsPoisoned { get { return NativeMethods.sansip_endpoint_is_poisoned(Handle); } }

        private void Check(Result r)
        {
            if (r != Result.Ok) throw new SansipException(r, LastErrorMessage());
        }

        // ---- inputs ----

        /// <summary>Bytes arrived (the first <paramref name="count"/> of <paramref name="data"/>; -1: all).</summary>
        public void Receive(ulong nowUs, Transport transport, ulong flow, Addr source, Addr destination, byte[] data, int count = -1)
        {
            if (count < 0) count = data == null ? 0 : data.Length;
            if (data == null ? count != 0 : count > data.Length) throw new ArgumentOutOfRangeException("count");
            Check(NativeMethods.sansip_endpoint_receive(Handle, nowUs, (uint)transport, flow, ref source, ref destination, data, new UIntPtr((uint)count)));
        }
        /// <summary>The deadline of the last Timeout passed.</summary>
        public void HandleTimeout(ulong nowUs) { Check(NativeMethods.sansip_endpoint_handle_timeout(Handle, nowUs)); }
        /// <summary>The connection asked for by a Connect is open.</summary>
        public void FlowConnected(ulong nowUs, ulong flow) { Check(NativeMethods.sansip_endpoint_flow_connected(Handle, nowUs, flow)); }
        /// <summary>A connection closed or could not be opened.</summary>
        public void FlowClosed(ulong nowUs, ulong flow, string reason = null)
        {
            byte[] r = Utf8.Bytes(reason);
            Check(NativeMethods.sansip_endpoint_flow_closed(Handle, nowUs, flow, r, Utf8.Len(r)));
        }
        /// <summary>The answer to a Resolve (text fields of the records must stay pinned for the call).</summary>
        public void Resolved(ulong nowUs, ulong queryId, DnsStatus status, params DnsRecord[] records)
        {
            int n = records == null ? 0 : records.Length;
            Check(NativeMethods.sansip_endpoint_resolved(Handle, nowUs, queryId, (uint)status, n == 0 ? null : records, new UIntPtr((uint)n)));
        }

        // ---- outputs ----

        /// <summary>Takes the next output (drain until a Timeout after every input or command).</summary>
        public Output PollOutput()
        {
            NativeOutput o;
            Check(NativeMethods.sansip_endpoint_poll_output(Handle, out o));
            switch (o.Kind)
            {
                case OutputKind.Transmit:
                    return new Transmit
                    {
                        Transport = (Transport)o.Transport,
                        Flow = o.HasFlow != 0 ? (ulong?)o.FlowId : null,
                        Local = o.Local,
                        Remote = o.Remote,
                        Data = Utf8.Copy(o.Data, o.DataLen),
                    };
                case OutputKind.Connect:
                    return new Connect { Transport = (Transport)o.Transport, Flow = o.FlowId, Remote = o.Remote, ServerName = Utf8.Text(o.Data, o.DataLen) };
                case OutputKind.Close:
                    return new Close { Flow = o.FlowId };
                case OutputKind.Resolve:
                    return new Resolve { QueryId = o.QueryId, RecordType = (RecordType)o.RecordType, Name = Utf8.Text(o.Data, o.DataLen) };
                case OutputKind.Event:
                    return ReadEvent(o.Event);
                case OutputKind.Timeout:
                    return new Timeout { DeadlineUs = o.TimeoutUs };
                default:
                    throw new SansipException(Result.InvalidArgument, "unknown output kind " + (uint)o.Kind);
            }
        }

        private delegate Result U64Accessor(EndpointHandle e, out ulong v);
        private delegate Result U32Accessor(EndpointHandle e, out uint v);
        private delegate Result U16Accessor(EndpointHandle e, out ushort v);
        private delegate Result TextAccessor(EndpointHandle e, out IntPtr p, out UIntPtr n);

        private bool Has(Result r)
        {
            if (r == Result.NoValue) return false;
            Check(r);
            return true;
        }
        private ulong? U64(U64Accessor f) { ulong v; return Has(f(Handle, out v)) ? (ulong?)v : null; }
        private uint? U32(U32Accessor f) { uint v; return Has(f(Handle, out v)) ? (uint?)v : null; }
        private ushort? U16(U16Accessor f) { ushort v; return Has(f(Handle, out v)) ? (ushort?)v : null; }
        private byte[] Bytes(TextAccessor f) { IntPtr p; UIntPtr n; return Has(f(Handle, out p, out n)) ? Utf8.Copy(p, n) : null; }
        private string Text(TextAccessor f) { byte[] b = Bytes(f); return b == null ? null : Encoding.UTF8.GetString(b); }

        private Event ReadEvent(EventKind kind)
        {
            var e = new Event { Kind = kind };
            e.Session = U64(NativeMethods.sansip_event_session);
            e.Registration = U64(NativeMethods.sansip_event_registration);
            e.MessageId = U64(NativeMethods.sansip_event_message_id);
            e.Subscription = U64(NativeMethods.sansip_event_subscription);
            e.ForkedSubscription = U64(NativeMethods.sansip_event_forked_subscription);
            e.Publication = U64(NativeMethods.sansip_event_publication);
            e.Status = U16(NativeMethods.sansip_event_status);
            e.Expires = U32(NativeMethods.sansip_event_expires);
            e.Fork = U32(NativeMethods.sansip_event_fork);
            e.CauseCode = U16(NativeMethods.sansip_event_cause_code);
            e.Digit = U32(NativeMethods.sansip_event_digit);
            e.DurationMs = U32(NativeMethods.sansip_event_duration_ms);
            e.Flow = U64(NativeMethods.sansip_event_flow);
            e.RetryAfterUs = U64(NativeMethods.sansip_event_retry_after_us);
            e.Attempt = U32(NativeMethods.sansip_event_attempt);
            e.DelayUs = U64(NativeMethods.sansip_event_delay_us);
            EndReason reason;
            if (Has(NativeMethods.sansip_event_end_reason(Handle, out reason))) e.EndReason = reason;
            Failure failure;
            if (Has(NativeMethods.sansip_event_failure(Handle, out failure))) e.Failure = failure;
            SubscriptionState state;
            if (Has(NativeMethods.sansip_event_subscription_state(Handle, out state))) e.SubscriptionState = state;
            e.BodyBytes = Bytes(NativeMethods.sansip_event_body);
            e.ContentType = Text(NativeMethods.sansip_event_content_type);
            e.From = Text(NativeMethods.sansip_event_from);
            e.To = Text(NativeMethods.sansip_event_to);
            e.Reason = Text(NativeMethods.sansip_event_reason);
            e.CauseProtocol = Text(NativeMethods.sansip_event_cause_protocol);
            e.CauseText = Text(NativeMethods.sansip_event_cause_text);
            e.Target = Text(NativeMethods.sansip_event_target);
            e.ReferredBy = Text(NativeMethods.sansip_event_referred_by);
            e.Replaces = Text(NativeMethods.sansip_event_replaces);
            e.Package = Text(NativeMethods.sansip_event_package);
            e.ETag = Text(NativeMethods.sansip_event_etag);
            e.GruuPublic = Text(NativeMethods.sansip_event_gruu_public);
            e.GruuTemporary = Text(NativeMethods.sansip_event_gruu_temporary);
            UIntPtr count;
            if (Has(NativeMethods.sansip_event_contact_count(Handle, out count)))
            {
                e.Contacts = new string[(int)count.ToUInt64()];
                for (int i = 0; i < e.Contacts.Length; i++)
                {
                    IntPtr p; UIntPtr n;
                    Check(NativeMethods.sansip_event_contact(Handle, new UIntPtr((uint)i), out p, out n));
                    e.Contacts[i] = Utf8.Text(p, n);
                }
            }
            if (Has(NativeMethods.sansip_event_service_route_count(Handle, out count)))
            {
                e.ServiceRoute = new string[(int)count.ToUInt64()];
                for (int i = 0; i < e.ServiceRoute.Length; i++)
                {
                    IntPtr p; UIntPtr n;
                    Check(NativeMethods.sansip_event_service_route(Handle, new UIntPtr((uint)i), out p, out n));
                    e.ServiceRoute[i] = Utf8.Text(p, n);
                }
            }
            return e;
        }

        // ---- calls ----

        private static NativeHeader[] Headers(Utf8.Pinned pinned, Header[] headers)
        {
            if (headers == null || headers.Length == 0) return null;
            var raw = new NativeHeader[headers.Length];
            for (int i = 0; i < headers.Length; i++)
            {
                raw[i].Name = pinned.Pin(headers[i].Name, out raw[i].NameLen);
                raw[i].Value = pinned.Pin(headers[i].Value, out raw[i].ValueLen);
            }
            return raw;
        }
        private static UIntPtr Count(Array a) { return new UIntPtr(a == null ? 0u : (uint)a.Length); }

        /// <summary>Calls <paramref name="target"/> with the SDP offer <paramref name="sdp"/> (null: none); the session id.</summary>
        public ulong Invite(ulong nowUs, string target, string sdp, params Header[] headers)
        {
            return Invite(nowUs, target, Utf8.Bytes(sdp), headers);
        }
        /// <summary>Calls <paramref name="target"/> with the SDP offer bytes (null: none); the session id.</summary>
        public ulong Invite(ulong nowUs, string target, byte[] sdp, params Header[] headers)
        {
            byte[] t = Utf8.Bytes(target);
            using (var pinned = new Utf8.Pinned())
            {
                NativeHeader[] h = Headers(pinned, headers);
                ulong id;
                Check(NativeMethods.sansip_endpoint_invite_with_headers(Handle, nowUs, t, Utf8.Len(t), sdp, Utf8.Len(sdp), h, Count(h), out id));
                return id;
            }
        }
        /// <summary>A provisional response (101–199) to an incoming call.</summary>
        public void Progress(ulong nowUs, ulong session, ushort status, string sdp = null, bool reliable = false)
        {
            byte[] s = Utf8.Bytes(sdp);
            Check(NativeMethods.sansip_endpoint_progress(Handle, nowUs, session, status, s, Utf8.Len(s), reliable));
        }
        /// <summary>Answers an incoming call with 200 OK carrying <paramref name="sdp"/>.</summary>
        public void Accept(ulong nowUs, ulong session, string sdp)
        {
            byte[] s = Utf8.Bytes(sdp);
            Check(NativeMethods.sansip_endpoint_accept(Handle, nowUs, session, s, Utf8.Len(s)));
        }
        /// <summary>Rejects an incoming call with a final status (300–699).</summary>
        public void Reject(ulong nowUs, ulong session, ushort status, string reason = null)
        {
            byte[] r = Utf8.Bytes(reason);
            Check(NativeMethods.sansip_endpoint_reject(Handle, nowUs, session, status, r, Utf8.Len(r)));
        }
        /// <summary>Answers an offer that came in a response (EventKind.AnswerNeeded).</summary>
        public void Answer(ulong nowUs, ulong session, string sdp)
        {
            byte[] s = Utf8.Bytes(sdp);
            Check(NativeMethods.sansip_endpoint_answer(Handle, nowUs, session, s, Utf8.Len(s)));
        }
        /// <summary>Cancels an outgoing call not yet answered.</summary>
        public void Cancel(ulong nowUs, ulong session) { Check(NativeMethods.sansip_endpoint_cancel(Handle, nowUs, session)); }
        /// <summary>Ends a call however far it got.</summary>
        public void Hangup(ulong nowUs, ulong session) { Check(NativeMethods.sansip_endpoint_hangup(Handle, nowUs, session)); }
        /// <summary>Hangs up with a Reason header (cause null: none).</summary>
        public void HangupWithCause(ulong nowUs, ulong session, string protocol, int? cause, string causeText = null)
        {
            byte[] p = Utf8.Bytes(protocol), t = Utf8.Bytes(causeText);
            Check(NativeMethods.sansip_endpoint_hangup_with_cause(Handle, nowUs, session, p, Utf8.Len(p), cause ?? -1, t, Utf8.Len(t)));
        }
        /// <summary>Puts a call on hold.</summary>
        public void Hold(ulong nowUs, ulong session) { Check(NativeMethods.sansip_endpoint_hold(Handle, nowUs, session)); }
        /// <summary>Takes a call off hold.</summary>
        public void Resume(ulong nowUs, ulong session) { Check(NativeMethods.sansip_endpoint_resume(Handle, nowUs, session)); }
        /// <summary>A re-INVITE offering <paramref name="sdp"/>.</summary>
        public void Renegotiate(ulong nowUs, ulong session, string sdp)
        {
            byte[] s = Utf8.Bytes(sdp);
            Check(NativeMethods.sansip_endpoint_renegotiate(Handle, nowUs, session, s, Utf8.Len(s)));
        }
        /// <summary>An UPDATE offering <paramref name="sdp"/>.</summary>
        public void Update(ulong nowUs, ulong session, string sdp)
        {
            byte[] s = Utf8.Bytes(sdp);
            Check(NativeMethods.sansip_endpoint_update(Handle, nowUs, session, s, Utf8.Len(s)));
        }
        /// <summary>Sends DTMF digits by INFO.</summary>
        public void SendDtmf(ulong nowUs, ulong session, string digits, uint durationMs)
        {
            byte[] d = Utf8.Bytes(digits);
            Check(NativeMethods.sansip_endpoint_send_dtmf(Handle, nowUs, session, d, Utf8.Len(d), durationMs));
        }
        /// <summary>Blind transfer of the peer to <paramref name="target"/>.</summary>
        public void Refer(ulong nowUs, ulong session, string target)
        {
            byte[] t = Utf8.Bytes(target);
            Check(NativeMethods.sansip_endpoint_refer(Handle, nowUs, session, t, Utf8.Len(t)));
        }
        /// <summary>Attended transfer: the peer of <paramref name="session"/> calls the peer of <paramref name="other"/>.</summary>
        public void ReferWithReplaces(ulong nowUs, ulong session, ulong other) { Check(NativeMethods.sansip_endpoint_refer_with_replaces(Handle, nowUs, session, other)); }
        /// <summary>Accepts a transfer; the new call's session id.</summary>
        public ulong AcceptTransfer(ulong nowUs, ulong session)
        {
            ulong id;
            Check(NativeMethods.sansip_endpoint_accept_transfer(Handle, nowUs, session, out id));
            return id;
        }
        /// <summary>Refuses a transfer.</summary>
        public void RejectTransfer(ulong nowUs, ulong session) { Check(NativeMethods.sansip_endpoint_reject_transfer(Handle, nowUs, session)); }

        // ---- registrations, MESSAGE, presence ----

        /// <summary>Registers with <paramref name="registrar"/> (null: the AOR's domain); the registration id.</summary>
        public ulong Register(ulong nowUs, string registrar = null, uint expires = 0)
        {
            byte[] r = Utf8.Bytes(registrar);
            ulong id;
            Check(NativeMethods.sansip_endpoint_register(Handle, nowUs, r, Utf8.Len(r), expires, out id));
            return id;
        }
        /// <summary>Removes our binding (all: every binding of the AOR).</summary>
        public void Unregister(ulong nowUs, ulong registration, bool all = false) { Check(NativeMethods.sansip_endpoint_unregister(Handle, nowUs, registration, all)); }
        /// <summary>Sends a MESSAGE; its id.</summary>
        public ulong Message(ulong nowUs, string target, string contentType, string body, params Header[] headers)
        {
            return Message(nowUs, target, contentType, Utf8.Bytes(body), headers);
        }
        /// <summary>Sends a MESSAGE with a body of bytes; its id.</summary>
        public ulong Message(ulong nowUs, string target, string contentType, byte[] body, params Header[] headers)
        {
            byte[] t = Utf8.Bytes(target), c = Utf8.Bytes(contentType);
            using (var pinned = new Utf8.Pinned())
            {
                NativeHeader[] h = Headers(pinned, headers);
                ulong id;
                Check(NativeMethods.sansip_endpoint_message_with_headers(Handle, nowUs, t, Utf8.Len(t), c, Utf8.Len(c), body, Utf8.Len(body), h, Count(h), out id));
                return id;
            }
        }
        /// <summary>Publishes state for an event package; the publication id.</summary>
        public ulong Publish(ulong nowUs, string target, string eventPackage, string contentType, string body, uint expires)
        {
            byte[] t = Utf8.Bytes(target), e = Utf8.Bytes(eventPackage), c = Utf8.Bytes(contentType), b = Utf8.Bytes(body);
            ulong id;
            Check(NativeMethods.sansip_endpoint_publish(Handle, nowUs, t, Utf8.Len(t), e, Utf8.Len(e), c, Utf8.Len(c), b, Utf8.Len(b), expires, out id));
            return id;
        }
        /// <summary>Replaces published state.</summary>
        public void ModifyPublication(ulong nowUs, ulong publication, string contentType, string body)
        {
            byte[] c = Utf8.Bytes(contentType), b = Utf8.Bytes(body);
            Check(NativeMethods.sansip_endpoint_modify_publication(Handle, nowUs, publication, c, Utf8.Len(c), b, Utf8.Len(b)));
        }
        /// <summary>Removes published state.</summary>
        public void Unpublish(ulong nowUs, ulong publication) { Check(NativeMethods.sansip_endpoint_unpublish(Handle, nowUs, publication)); }
        /// <summary>Subscribes to an event package of <paramref name="target"/>; the subscription id.</summary>
        public ulong Subscribe(ulong nowUs, string target, string eventPackage, string accept, uint expires)
        {
            byte[] t = Utf8.Bytes(target), e = Utf8.Bytes(eventPackage), a = Utf8.Bytes(accept);
            ulong id;
            Check(NativeMethods.sansip_endpoint_subscribe(Handle, nowUs, t, Utf8.Len(t), e, Utf8.Len(e), a, Utf8.Len(a), expires, out id));
            return id;
        }
        /// <summary>Ends our subscription.</summary>
        public void Unsubscribe(ulong nowUs, ulong subscription) { Check(NativeMethods.sansip_endpoint_unsubscribe(Handle, nowUs, subscription)); }
        /// <summary>Accepts a peer's SUBSCRIBE.</summary>
        public void AcceptSubscription(ulong nowUs, ulong subscription, uint maxExpires) { Check(NativeMethods.sansip_endpoint_accept_subscription(Handle, nowUs, subscription, maxExpires)); }
        /// <summary>Refuses a peer's SUBSCRIBE (300–699).</summary>
        public void RejectSubscription(ulong nowUs, ulong subscription, ushort status) { Check(NativeMethods.sansip_endpoint_reject_subscription(Handle, nowUs, subscription, status)); }
        /// <summary>Sends the subscriber the current state.</summary>
        public void Notify(ulong nowUs, ulong subscription, SubscriptionState state, string contentType, string body = null)
        {
            byte[] c = Utf8.Bytes(contentType), b = Utf8.Bytes(body);
            Check(NativeMethods.sansip_endpoint_notify(Handle, nowUs, subscription, (uint)state, c, Utf8.Len(c), b, Utf8.Len(b)));
        }

        // Our presence as the C struct, its texts pinned by `pins`.
        private static NativePresence PresenceOf(Utf8.Pinned pins, bool open, string note, string activity, string contact)
        {
            var p = new NativePresence { Open = open };
            if (note != null) p.Note = pins.Pin(note, out p.NoteLen);
            if (activity != null) p.Activity = pins.Pin(activity, out p.ActivityLen);
            if (contact != null) p.Contact = pins.Pin(contact, out p.ContactLen);
            return p;
        }

        /// <summary>Sends the watcher of an accepted <c>presence</c> subscription our
        /// presence (a PIDF document sansip writes): open or closed, a note, an RPID
        /// activity (<c>away</c>, <c>busy</c>, <c>meeting</c>, ...), a contact URI.</summary>
        public void NotifyPresence(ulong nowUs, ulong subscription, SubscriptionState state, bool open,
                                   string note = null, string activity = null, string contact = null)
        {
            using (var pins = new Utf8.Pinned())
            {
                NativePresence p = PresenceOf(pins, open, note, activity, contact);
                Check(NativeMethods.sansip_endpoint_notify_presence(Handle, nowUs, subscription, (uint)state, ref p));
            }
        }

        /// <summary>Publishes our presence (as <see cref="NotifyPresence"/> writes it) to
        /// <paramref name="target"/>; the publication id.</summary>
        public ulong PublishPresence(ulong nowUs, string target, bool open, uint expires,
                                     string note = null, string activity = null, string contact = null)
        {
            byte[] t = Utf8.Bytes(target);
            using (var pins = new Utf8.Pinned())
            {
                NativePresence p = PresenceOf(pins, open, note, activity, contact);
                ulong id;
                Check(NativeMethods.sansip_endpoint_publish_presence(Handle, nowUs, t, Utf8.Len(t), ref p, expires, out id));
                return id;
            }
        }

        /// <summary>Sends the watcher of an accepted <c>dialog</c> subscription the
        /// dialog-info document of our calls now (RFC 4235), with <paramref name="version"/>.</summary>
        public void NotifyDialogInfo(ulong nowUs, ulong subscription, SubscriptionState state, ulong version)
        {
            Check(NativeMethods.sansip_endpoint_notify_dialog_info(Handle, nowUs, subscription, (uint)state, version));
        }

        /// <summary>The dialog-info document (RFC 4235) of our calls now.</summary>
        public string DialogInfo(ulong version)
        {
            IntPtr p;
            UIntPtr n;
            Check(NativeMethods.sansip_endpoint_dialog_info(Handle, version, out p, out n));
            return Utf8.Text(p, n);
        }
    }
}
