// sansip: a sans-IO SIP user-agent core. SPDX-License-Identifier: MIT OR Apache-2.0
//
// NativeMethods.cs: the P/Invoke declarations of the C ABI, written from
// include/sansip.h (ABI version 1): its enums, its structs (same layout as
// the C ones; tests/Loopback.cs checks the sizes and offsets), and its
// functions, one DllImport each. The handles are marshalled as SafeHandle
// subclasses (ConfigHandle, EndpointHandle in Sansip.cs), so the runtime
// keeps a handle alive for the length of every call. Bytes and texts go as
// byte[] + UIntPtr length ((null, 0) is empty); size_t is UIntPtr; C bool
// is one byte (MarshalAs I1); enum arguments are uint, as in C.
//
// Prefer the idiomatic layer in Sansip.cs; these are `internal`.
using System;
using System.Runtime.InteropServices;

namespace Sansip
{
    /// <summary>The outcome of a call. `SANSIP_RESULT_OK` (0) is success; every other value is an error, named by `sansip_result_str` and detailed (for calls on an endpoint) by `sansip_last_error_message`. (<c>sansip_result</c>)</summary>
    public enum Result : uint
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>A required pointer argument was NULL (or a NULL buffer with a non-zero length).</summary>
        NullArgument = 1,
        /// <summary>An integer argument is out of range (an unknown transport or address family) or a length is too large.</summary>
        InvalidArgument = 2,
        /// <summary>A text argument is not UTF-8.</summary>
        BadUtf8 = 3,
        /// <summary>The configuration was refused (`sansip_endpoint_new`).</summary>
        BadConfig = 4,
        /// <summary>A URI argument is not a usable `sip:` or `sips:` URI.</summary>
        BadUri = 5,
        /// <summary>A text argument (content type, header value) cannot go into a message.</summary>
        BadText = 6,
        /// <summary>A configured limit is reached.</summary>
        Limit = 7,
        /// <summary>No such registration.</summary>
        NoSuchRegistration = 8,
        /// <summary>No such call (it ended, or is not of the right kind).</summary>
        NoSuchSession = 9,
        /// <summary>The command does not fit where the call stands.</summary>
        WrongState = 10,
        /// <summary>The command could not start for another reason (see `sansip_last_error_message`).</summary>
        CommandFailed = 11,
        /// <summary>The endpoint's current output is not an event (event accessors).</summary>
        NoEvent = 12,
        /// <summary>The current event has no such field (event accessors), or the field is absent in this event (a failure without a status).</summary>
        NoValue = 13,
        /// <summary>The call panicked (a bug in sansip): the handle (endpoint or config) is now poisoned.</summary>
        Panic = 14,
        /// <summary>An earlier call on this handle panicked: every later call but `_free`, `sansip_last_error_message` and `sansip_config_last_error_message` returns this.</summary>
        Poisoned = 15,
        /// <summary>An SDP given to a call command does not fit the offer/answer exchange (unreadable, a second offer, an answer that does not match the offer); the detail is in `sansip_last_error_message`.</summary>
        BadSdp = 16,
        /// <summary>The handle was freed (or is not a handle of this type): the call did nothing (see `sansip_endpoint_free`).</summary>
        StaleHandle = 17,
    }

    /// <summary>The kinds of event. New kinds are appended, values never change; treat an unknown value like `SANSIP_EVENT_OTHER`. Each kind lists the `sansip_event_*` accessors that answer for it. (<c>sansip_event</c>)</summary>
    public enum EventKind : uint
    {
        /// <summary>Not an event (the output is of another kind).</summary>
        None = 0,
        /// <summary>A registration (or its refresh) succeeded: `registration`, `expires`, `contact` (every contact the registrar holds for the AOR), `gruu_public`, `gruu_temporary`, `service_route`, `flow`.</summary>
        Registered = 1,
        /// <summary>A registration ended at our request: `registration`.</summary>
        Unregistered = 2,
        /// <summary>A registration attempt failed: `registration`, `status` (if a response), `reason`, `retry_after_us` (if sansip retries by itself).</summary>
        RegistrationFailed = 3,
        /// <summary>A registration's flow failed; sansip is reconnecting: `registration`, `reason`, `attempt`, `delay_us`.</summary>
        Reconnecting = 4,
        /// <summary>A MESSAGE got a 2xx: `message_id`, `status`.</summary>
        MessageDelivered = 5,
        /// <summary>A MESSAGE was not delivered: `message_id`, `failure`, `status` (if a response), `reason`.</summary>
        MessageFailed = 6,
        /// <summary>A MESSAGE arrived (answered 200 already): `from`, `to`, `content_type`, `body`.</summary>
        Message = 7,
        /// <summary>A call arrived: `session`, `from`, `to`, `body` (the SDP offer, if any), `replaces` (RFC 3891, if any). Answer with `sansip_endpoint_progress`, `_accept`, `_reject` or `_hangup`.</summary>
        IncomingCall = 8,
        /// <summary>An outgoing call got a provisional response: `session`, `status`, `body` (early SDP, if any), `fork` (which early dialog: 1, 2, ...; 0 for a response without a To tag).</summary>
        CallProgress = 9,
        /// <summary>The call is up: `session`, `body` (the peer's SDP, if any), `fork` (caller: the fork whose 2xx won; callee: 0).</summary>
        CallAccepted = 10,
        /// <summary>The media of a call changed: `session`, `body` (the peer's SDP).</summary>
        CallUpdated = 11,
        /// <summary>Our re-INVITE was refused: `session`, `status`.</summary>
        CallUpdateFailed = 12,
        /// <summary>The call is over (its last event): `session`, `end_reason`, `status` (when rejected or declined), `failure` (when it failed without an answer), `contact` (the targets of a redirection), `reason` (in words), `cause_protocol`, `cause_code`, `cause_text` (the Reason header of the BYE or CANCEL, if any).</summary>
        CallEnded = 13,
        /// <summary>Reserved for an event this version of the C ABI does not describe; not produced now (every event has its own kind). `reason` holds a description.</summary>
        Other = 14,
        /// <summary>The peer offered SDP in a response to our INVITE without one, and no configured media can answer it: `session`, `body` (the offer). Answer with `sansip_endpoint_answer`.</summary>
        AnswerNeeded = 15,
        /// <summary>A DTMF digit arrived by INFO: `session`, `digit`, `duration_ms`.</summary>
        Dtmf = 16,
        /// <summary>The peer of a call asks us to call someone else (REFER): `session`, `target`, `referred_by` (if said). Answer with `sansip_endpoint_accept_transfer` or `_reject_transfer`.</summary>
        TransferRequested = 17,
        /// <summary>Progress of a transfer we asked for: `session`, `status`.</summary>
        TransferProgress = 18,
        /// <summary>A peer asks to subscribe: `subscription`, `from`, `event_package`, `expires`. Answer with `sansip_endpoint_accept_subscription` or `_reject_subscription`.</summary>
        SubscriptionRequested = 19,
        /// <summary>A NOTIFY for one of our subscriptions (answered 200 already): `subscription`, `subscription_state`, `content_type`, `body` (if any).</summary>
        Notification = 20,
        /// <summary>Our SUBSCRIBE was forked: another notifier made a subscription of its own: `subscription` (ours), `forked_subscription` (the new one).</summary>
        SubscriptionForked = 21,
        /// <summary>A subscription ended, ours or a peer's (its last event): `subscription`, `reason`.</summary>
        SubscriptionEnded = 22,
        /// <summary>Our PUBLISH was accepted: `publication`, `expires`.</summary>
        Published = 23,
        /// <summary>Our published state was removed at our request: `publication`.</summary>
        Unpublished = 24,
        /// <summary>A PUBLISH failed; the publication is over: `publication`, `status` (if a response), `reason`.</summary>
        PublicationFailed = 25,
    }

    /// <summary>Why a call ended (`sansip_event_end_reason`, `SANSIP_EVENT_CALL_ENDED`). New values are appended. (<c>sansip_end_reason</c>)</summary>
    public enum EndReason : uint
    {
        /// <summary>We hung up (BYE sent).</summary>
        LocalHangup = 0,
        /// <summary>The peer hung up (BYE received).</summary>
        RemoteHangup = 1,
        /// <summary>We cancelled the call before it was answered.</summary>
        Cancelled = 2,
        /// <summary>The caller cancelled before we answered.</summary>
        CancelledByCaller = 3,
        /// <summary>The caller's CANCEL said another device answered: not a missed call.</summary>
        AnsweredElsewhere = 4,
        /// <summary>The callee answered with a final non-2xx status (`status`).</summary>
        Rejected = 5,
        /// <summary>The callee redirected the call (3xx) to the `contact` list.</summary>
        Redirected = 6,
        /// <summary>We rejected the incoming call (`status`).</summary>
        Declined = 7,
        /// <summary>Our 2xx was never acknowledged: BYE was sent.</summary>
        NoAck = 8,
        /// <summary>Nobody refreshed the session in time (RFC 4028): BYE was sent.</summary>
        SessionExpired = 9,
        /// <summary>Another call replaced this one (RFC 3891): BYE was sent.</summary>
        Replaced = 10,
        /// <summary>The offer/answer exchange of the INVITE failed (`reason`): BYE sent.</summary>
        OfferAnswerFailed = 11,
        /// <summary>The call failed without an answer (`failure`).</summary>
        Failed = 12,
    }

    /// <summary>Why a request got no positive answer (`sansip_event_failure`). New values are appended. (<c>sansip_failure</c>)</summary>
    public enum Failure : uint
    {
        /// <summary>A final non-2xx response (`status`).</summary>
        Status = 0,
        /// <summary>No final response in time.</summary>
        Timeout = 1,
        /// <summary>The transport failed (connection refused or closed, ICMP error).</summary>
        Transport = 2,
        /// <summary>The next hop's name did not resolve.</summary>
        Unresolvable = 3,
        /// <summary>The request could not be built or sent (a limit, a bad target).</summary>
        Local = 4,
    }

    /// <summary>The state of a subscription: what `sansip_endpoint_notify` sends and `sansip_event_subscription_state` reports (RFC 6665 §4.1.3). (<c>sansip_subscription_state</c>)</summary>
    public enum SubscriptionState : uint
    {
        /// <summary>Authorized and running.</summary>
        Active = 0,
        /// <summary>Waiting for authorization.</summary>
        Pending = 1,
        /// <summary>Over.</summary>
        Terminated = 2,
    }

    /// <summary>What a `sansip_output` asks of the host. (<c>sansip_output_kind</c>)</summary>
    public enum OutputKind : uint
    {
        /// <summary>Send `data` (`data_len` bytes) over `transport` from `local` to `remote`; on a connection (`has_flow`), write it to flow `flow_id`.</summary>
        Transmit = 0,
        /// <summary>Open a `transport` connection to `remote` and call it flow `flow_id`; `data` is the server's name (TLS SNI, WebSocket Host) or `(NULL, 0)`. Answer with `sansip_endpoint_flow_connected` or `sansip_endpoint_flow_closed`.</summary>
        Connect = 1,
        /// <summary>Close the connection `flow_id` (no `flow_closed` needed).</summary>
        Close = 2,
        /// <summary>Look up the DNS name in `data` (record type `record_type`, a `sansip_record_type`; query `query_id`) and answer with `sansip_endpoint_resolved`.</summary>
        Resolve = 3,
        /// <summary>Tell the user something: `event` is its kind; read its fields with the `sansip_event_*` accessors.</summary>
        Event = 4,
        /// <summary>Nothing more to do now: call `sansip_endpoint_handle_timeout` at `timeout_us` (`UINT64_MAX`: no timer, wait for input).</summary>
        Timeout = 5,
    }

    /// <summary>The transports, as the `uint32_t transport` arguments and fields take them. (<c>sansip_transport</c>)</summary>
    public enum Transport : uint
    {
        /// <summary>UDP.</summary>
        Udp = 0,
        /// <summary>TCP.</summary>
        Tcp = 1,
        /// <summary>TLS over TCP.</summary>
        Tls = 2,
        /// <summary>WebSocket (RFC 7118).</summary>
        Ws = 3,
        /// <summary>Secure WebSocket.</summary>
        Wss = 4,
    }

    /// <summary>`sansip_output.record_type` of a `SANSIP_OUTPUT_KIND_RESOLVE`. (<c>sansip_record_type</c>)</summary>
    public enum RecordType : uint
    {
        /// <summary>NAPTR.</summary>
        Naptr = 0,
        /// <summary>SRV.</summary>
        Srv = 1,
        /// <summary>A (IPv4).</summary>
        A = 2,
        /// <summary>AAAA (IPv6).</summary>
        Aaaa = 3,
        /// <summary>Not a DNS type: a ready socket address, in answers only (`sansip_dns_record`).</summary>
        Address = 4,
    }

    /// <summary>How a query went (`sansip_endpoint_resolved`). (<c>sansip_dns_status</c>)</summary>
    public enum DnsStatus : uint
    {
        /// <summary>Answered: the records follow (possibly none).</summary>
        Ok = 0,
        /// <summary>The name does not exist, or has no records of the type (NXDOMAIN, NODATA); cached by sansip for a while.</summary>
        NotFound = 1,
        /// <summary>No answer (SERVFAIL, a timeout on the host's side); not cached.</summary>
        Failed = 2,
    }

    /// <summary>The digest algorithms of an HA1 (`sansip_config_set_realm_ha1`). (<c>sansip_digest_algorithm</c>)</summary>
    public enum DigestAlgorithm : uint
    {
        /// <summary>`MD5`.</summary>
        Md5 = 0,
        /// <summary>`MD5-sess`.</summary>
        Md5Sess = 1,
        /// <summary>`SHA-256`.</summary>
        Sha256 = 2,
        /// <summary>`SHA-256-sess`.</summary>
        Sha256Sess = 3,
        /// <summary>`SHA-512-256`.</summary>
        Sha512256 = 4,
        /// <summary>`SHA-512-256-sess`.</summary>
        Sha512256Sess = 5,
    }

    /// <summary>What sansip sends by itself when a call arrives (`sansip_config_set_ring_policy`). (<c>sansip_ring_policy</c>)</summary>
    public enum RingPolicy : uint
    {
        /// <summary>Nothing: the application calls `sansip_endpoint_progress` (the INVITE transaction still sends 100 Trying after 200 ms). The default.</summary>
        Manual = 0,
        /// <summary>180 Ringing at once; reliable (RFC 3262) only when the INVITE requires 100rel.</summary>
        Ringing = 1,
        /// <summary>180 Ringing at once, reliable whenever the caller supports 100rel.</summary>
        ReliableRinging = 2,
    }

    /// <summary>Who may send us requests outside a dialog (`sansip_config_set_source_policy`). (<c>sansip_source_policy</c>)</summary>
    public enum SourcePolicy : uint
    {
        /// <summary>Anyone (the default).</summary>
        Any = 0,
        /// <summary>Only our registrars and outbound proxy; other requests are dropped.</summary>
        RegisteredOnly = 1,
    }

    /// <summary>The durations `sansip_config_set_duration` sets. (<c>sansip_duration</c>)</summary>
    public enum Duration : uint
    {
        /// <summary>T1, the RTT estimate (default 500 ms; must not be 0).</summary>
        T1 = 0,
        /// <summary>T2, the longest retransmit interval (default 4 s; not below T1).</summary>
        T2 = 1,
        /// <summary>T4, the longest time a message stays in the network (default 5 s).</summary>
        T4 = 2,
        /// <summary>How long an INVITE server transaction waits before it sends 100 Trying itself (default 200 ms).</summary>
        TryingDelay = 3,
        /// <summary>Timer D on unreliable transports (default 32 s).</summary>
        TimerD = 4,
        /// <summary>Keep-alive interval on a registration's connection without `Flow-Timer` (default 120 s).</summary>
        KeepaliveInterval = 5,
        /// <summary>STUN keep-alive interval on a UDP registration without `Flow-Timer` (default 25 s).</summary>
        UdpKeepaliveInterval = 6,
        /// <summary>How long the host has to open a connection (default 10 s).</summary>
        ConnectTimeout = 7,
        /// <summary>The delay before each reconnection attempt of a registration's flow (default 4 s).</summary>
        ReconnectDelay = 8,
    }

    /// <summary>The limits `sansip_config_set_limit` sets. (<c>sansip_limit</c>)</summary>
    public enum Limit : uint
    {
        /// <summary>Largest message received, in bytes (default 65536).</summary>
        MaxMessageSize = 0,
        /// <summary>Largest body received, in bytes (default 61440).</summary>
        MaxBodySize = 1,
        /// <summary>Most header fields in a message received (default 128).</summary>
        MaxHeaders = 2,
        /// <summary>Longest line of a message received, in bytes (default 8192).</summary>
        MaxLineLength = 3,
        /// <summary>Most Via values (default 71).</summary>
        MaxVia = 4,
        /// <summary>Most Route plus Record-Route values (default 32).</summary>
        MaxRoute = 5,
        /// <summary>Most live transactions (default 10000).</summary>
        MaxTransactions = 6,
        /// <summary>Most connections tracked (default 1024).</summary>
        MaxFlows = 7,
        /// <summary>Most registrations, calls, subscriptions, and MESSAGEs in flight (each; default 1024).</summary>
        MaxUsages = 8,
        /// <summary>Largest body of an incoming MESSAGE accepted (larger gets 413; default 1300).</summary>
        MaxIncomingMessageBody = 9,
        /// <summary>Connection attempts before a registration's failed flow is reported (default 3).</summary>
        ReconnectAttempts = 10,
    }

    /// <summary>The direction of a media stream (`sansip_config_set_media_direction`). (<c>sansip_media_direction</c>)</summary>
    public enum MediaDirection : uint
    {
        /// <summary>Send and receive (the default).</summary>
        Sendrecv = 0,
        /// <summary>Send only.</summary>
        Sendonly = 1,
        /// <summary>Receive only.</summary>
        Recvonly = 2,
        /// <summary>Neither.</summary>
        Inactive = 3,
    }

    /// <summary>How much a log record matters, most severe first. (<c>sansip_log_level</c>)</summary>
    public enum LogLevel : uint
    {
        /// <summary>Reserved: nothing logs at this level yet.</summary>
        Error = 1,
        /// <summary>Input dropped or refused, a flow given up on.</summary>
        Warn = 2,
        /// <summary>A flow closed, a transaction timed out, a name did not resolve.</summary>
        Info = 3,
        /// <summary>The first line and addresses of every message received and sent; stray responses.</summary>
        Debug = 4,
        /// <summary>Whole messages as received and sent.</summary>
        Trace = 5,
    }

    /// <summary>An IP address and port (<c>sansip_addr</c>; not a sockaddr). Make one
    /// with <see cref="Ipv4"/> or <see cref="Ipv6"/>: <c>Bytes</c> must be 16 long.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Addr
    {
        /// <summary><c>SANSIP_FAMILY_IPV4</c> (4) or <c>SANSIP_FAMILY_IPV6</c> (6).</summary>
        public uint Family;
        /// <summary>The IPv6 scope id (0 for IPv4 and unscoped addresses).</summary>
        public uint ScopeId;
        /// <summary>The address in network byte order: 4 bytes for IPv4 (the rest 0), 16 for IPv6.</summary>
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)]
        public byte[] Bytes;
        /// <summary>The port, in host byte order.</summary>
        public ushort Port;

        /// <summary><c>SANSIP_FAMILY_IPV4</c>.</summary>
        public const uint FamilyIpv4 = 4;
        /// <summary><c>SANSIP_FAMILY_IPV6</c>.</summary>
        public const uint FamilyIpv6 = 6;

        /// <summary>An IPv4 address and port: <c>Addr.Ipv4(127, 0, 0, 1, 5060)</c>.</summary>
        public static Addr Ipv4(byte a, byte b, byte c, byte d, ushort port)
        {
            var bytes = new byte[16];
            bytes[0] = a; bytes[1] = b; bytes[2] = c; bytes[3] = d;
            return new Addr { Family = FamilyIpv4, ScopeId = 0, Bytes = bytes, Port = port };
        }

        /// <summary>An IPv6 address (16 bytes, network order), port and scope id.</summary>
        public static Addr Ipv6(byte[] address, ushort port, uint scopeId = 0)
        {
            if (address == null || address.Length != 16)
                throw new ArgumentException("an IPv6 address is 16 bytes", "address");
            return new Addr { Family = FamilyIpv6, ScopeId = scopeId, Bytes = (byte[])address.Clone(), Port = port };
        }

        /// <summary>"127.0.0.1:5060", "[::1]:5060".</summary>
        public override string ToString()
        {
            if (Bytes == null) return "(none)";
            if (Family == FamilyIpv4)
                return string.Format("{0}.{1}.{2}.{3}:{4}", Bytes[0], Bytes[1], Bytes[2], Bytes[3], Port);
            var parts = new string[8];
            for (int i = 0; i < 8; i++) parts[i] = ((Bytes[2 * i] << 8) | Bytes[2 * i + 1]).ToString("x");
            return "[" + string.Join(":", parts) + "]:" + Port;
        }
    }

    /// <summary>An extra header field (<c>sansip_header</c>): pointers into pinned UTF-8.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeHeader
    {
        public IntPtr Name;
        public UIntPtr NameLen;
        public IntPtr Value;
        public UIntPtr ValueLen;
    }

    /// <summary>Our presence for a PIDF document (<c>sansip_presence</c>): pointers into pinned UTF-8, (Zero, 0) when absent.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativePresence
    {
        [MarshalAs(UnmanagedType.I1)]
        public bool Open;
        public IntPtr Note;
        public UIntPtr NoteLen;
        public IntPtr Activity;
        public UIntPtr ActivityLen;
        public IntPtr Contact;
        public UIntPtr ContactLen;
    }

    /// <summary>A UTF-8 text as an array item (<c>sansip_str</c>): pointer into pinned bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeStr
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    /// <summary>One DNS record of an answer (<c>sansip_dns_record</c>). The text
    /// fields (Flags, Service, Target) point at UTF-8 the caller keeps pinned for
    /// the call; <see cref="Address"/> makes an ADDRESS record, which has none.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DnsRecord
    {
        /// <summary>A <see cref="Sansip.RecordType"/> value.</summary>
        public uint RecordType;
        /// <summary>Seconds the record may be cached.</summary>
        public uint Ttl;
        /// <summary>NAPTR order.</summary>
        public ushort Order;
        /// <summary>NAPTR preference.</summary>
        public ushort Preference;
        /// <summary>SRV priority.</summary>
        public ushort Priority;
        /// <summary>SRV weight.</summary>
        public ushort Weight;
        /// <summary>SRV port.</summary>
        public ushort Port;
        /// <summary>A, AAAA or ADDRESS: the address.</summary>
        public Addr Addr;
        /// <summary>ADDRESS: a <see cref="Sansip.Transport"/> value, or <see cref="TransportAny"/>.</summary>
        public uint Transport;
        /// <summary>NAPTR flags (UTF-8).</summary>
        public IntPtr Flags;
        /// <summary>Length of Flags.</summary>
        public UIntPtr FlagsLen;
        /// <summary>NAPTR service (UTF-8).</summary>
        public IntPtr Service;
        /// <summary>Length of Service.</summary>
        public UIntPtr ServiceLen;
        /// <summary>NAPTR replacement or SRV target (UTF-8, no trailing dot).</summary>
        public IntPtr Target;
        /// <summary>Length of Target.</summary>
        public UIntPtr TargetLen;

        /// <summary><c>SANSIP_TRANSPORT_ANY</c>.</summary>
        public const uint TransportAny = uint.MaxValue;

        /// <summary>A ready socket address answering any query (port 0: the port the lookup chose).</summary>
        public static DnsRecord Address(Addr addr, uint ttl = 300)
        {
            return new DnsRecord
            {
                RecordType = (uint)Sansip.RecordType.Address,
                Ttl = ttl,
                Addr = addr,
                Transport = TransportAny,
            };
        }
    }

    /// <summary>One output (<c>sansip_output</c>); its pointers are valid until the next poll.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeOutput
    {
        public OutputKind Kind;
        public EventKind Event;
        public uint Transport;
        public byte HasFlow;
        public ulong FlowId;
        public Addr Local;
        public Addr Remote;
        public IntPtr Data;
        public UIntPtr DataLen;
        public ulong QueryId;
        public uint RecordType;
        public ulong TimeoutUs;
    }

    internal static class NativeMethods
    {
        // The library's name: "sansip" finds libsansip.so (Linux, Android),
        // libsansip.dylib (macOS) and sansip.dll (Windows). On iOS (and
        // WebGL) the library is linked statically into the app, and Unity's
        // IL2CPP and Xamarin.iOS need "__Internal" instead.
#if (UNITY_IOS || UNITY_WEBGL) && !UNITY_EDITOR
        internal const string Lib = "__Internal";
#else
        internal const string Lib = "sansip";
#endif

        /// <summary>SANSIP_ABI_VERSION of the header these declarations follow.</summary>
        internal const uint AbiVersion = 1;

        /// <summary>sansip's version (`"0.1.0"`), a static NUL-terminated string.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr sansip_version();

        /// <summary>The ABI version this library implements (`SANSIP_ABI_VERSION` of its header): compare it with the constant the host was compiled with.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint sansip_abi_version();

        /// <summary>Calls `target` (a URI) with the SDP offer `sdp` (`(NULL, 0)`: no offer; the callee offers and the answer goes in the ACK). Stores the call's session id in `session_out`; progress comes as `SANSIP_EVENT_CALL_*`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_invite(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, byte[] sdp, UIntPtr sdp_len, out ulong session_out);

        /// <summary>`sansip_endpoint_invite` with extra header fields on the INVITE: `headers` is an array of `headers_len` `sansip_header` (`(NULL, 0)`: none), read during the call only. A bad name or value fails the call with `SANSIP_RESULT_BAD_TEXT` and nothing is sent.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_invite_with_headers(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, byte[] sdp, UIntPtr sdp_len, [In] NativeHeader[] headers, UIntPtr headers_len, out ulong session_out);

        /// <summary>Sends a provisional response (`status` 101–199: 180 Ringing, 183 Session Progress) to the incoming call `session`, with early-media `sdp` (`(NULL, 0)`: none). `reliable` sends it reliably (RFC 3262: resent until the caller's PRACK; the caller must support 100rel); otherwise it is reliable only when the INVITE requires it.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_progress(EndpointHandle endpoint, ulong now_us, ulong session, ushort status, byte[] sdp, UIntPtr sdp_len, [MarshalAs(UnmanagedType.I1)] bool reliable);

        /// <summary>Answers the incoming call `session` with 200 OK carrying `sdp` (the answer, or an offer when the INVITE had none; `(NULL, 0)`: no body, or one made from the configured media capabilities).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_accept(EndpointHandle endpoint, ulong now_us, ulong session, byte[] sdp, UIntPtr sdp_len);

        /// <summary>Rejects the incoming call `session`, not yet answered, with a final `status` (300–699: 486 Busy Here, 603 Decline, ...) and `reason`, the reason phrase (UTF-8, no line breaks; `(NULL, 0)`: empty). `SANSIP_EVENT_CALL_ENDED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_reject(EndpointHandle endpoint, ulong now_us, ulong session, ushort status, byte[] reason, UIntPtr reason_len);

        /// <summary>Answers the offer the peer made in a response to our INVITE without one (`SANSIP_EVENT_ANSWER_NEEDED`): the PRACK or ACK that waited for it goes out with `sdp` (required). An answer that does not fit the offer is refused (`SANSIP_RESULT_BAD_SDP`) and the wait goes on.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_answer(EndpointHandle endpoint, ulong now_us, ulong session, byte[] sdp, UIntPtr sdp_len);

        /// <summary>Cancels the outgoing call `session`, not yet answered (CANCEL, sent once a provisional response arrived). `SANSIP_EVENT_CALL_ENDED` follows — with the answer, if a 2xx crossed the CANCEL (the call is then ended with BYE). For calls in any state, see `sansip_endpoint_hangup`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_cancel(EndpointHandle endpoint, ulong now_us, ulong session);

        /// <summary>Ends the call `session` however far it got: CANCEL before an answer (caller), 603 Decline for an incoming call not yet answered, BYE after. `SANSIP_EVENT_CALL_ENDED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_hangup(EndpointHandle endpoint, ulong now_us, ulong session);

        /// <summary>`sansip_endpoint_hangup` with a Reason header (RFC 3326) on the BYE: `protocol` (`SIP`, `Q.850`; UTF-8, a token), `cause` (the cause code; negative: none), `cause_text` (`(NULL, 0)`: none). A CANCEL or a rejection carries no Reason.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_hangup_with_cause(EndpointHandle endpoint, ulong now_us, ulong session, byte[] protocol, UIntPtr protocol_len, int cause, byte[] cause_text, UIntPtr cause_text_len);

        /// <summary>Creates a configuration for the address of record `aor` (`sip:alice@example.com`, UTF-8, `aor_len` bytes) with sansip's defaults. Add at least one local address. The AOR is checked by `sansip_endpoint_new`. Free with `sansip_config_free`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_new(byte[] aor, UIntPtr aor_len, out ConfigHandle config_out);

        /// <summary>Frees a configuration. NULL is allowed and does nothing; so does a configuration already freed (see `sansip_endpoint_free`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void sansip_config_free(IntPtr config);

        /// <summary>Copies the detail text of the last error on this configuration — a setter's, or why `sansip_endpoint_new` refused it — as `sansip_last_error_message` does for an endpoint.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_last_error_message(ConfigHandle config, [Out] byte[] buf, UIntPtr len, out UIntPtr written);

        /// <summary>Adds a local address the host serves: `transport` is a `sansip_transport` value, `addr` the socket's address.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_add_local(ConfigHandle config, uint transport, [In] ref Addr addr);

        /// <summary>Sets the transports sansip may use for requests, in order of preference when DNS leaves the choice (RFC 3263 §4.1): `transports` is an array of `transports_len` `sansip_transport` values. `(NULL, 0)`: those of the local addresses, plus TCP (the default).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_transports(ConfigHandle config, uint[] transports, UIntPtr transports_len);

        /// <summary>Sets the seed of every random token (branch, tag, Call-ID, cnonce): from a CSPRNG in production, pinned in tests.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_seed(ConfigHandle config, ulong seed);

        /// <summary>Sets the digest credentials used for every realm without its own (UTF-8 user name and password, each pointer + length).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_password(ConfigHandle config, byte[] user, UIntPtr user_len, byte[] password, UIntPtr password_len);

        /// <summary>Sets the digest credentials for `realm` (compared exactly, as RFC 7616 says; `(NULL, 0)`: every realm without its own, like `sansip_config_set_password`), replacing earlier ones for it.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_realm_password(ConfigHandle config, byte[] realm, UIntPtr realm_len, byte[] user, UIntPtr user_len, byte[] password, UIntPtr password_len);

        /// <summary>Sets digest credentials for `realm` (`(NULL, 0)`: every realm without its own) as an HA1 instead of a password: `ha1` is the lower-case hex of `H(user:realm:password)` for the hash of `algorithm` (a `sansip_digest_algorithm`); the password itself need not be stored.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_realm_ha1(ConfigHandle config, byte[] realm, UIntPtr realm_len, byte[] user, UIntPtr user_len, uint algorithm, byte[] ha1, UIntPtr ha1_len);

        /// <summary>Sets the display name put in From (`(NULL, 0)`: none, the default).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_display_name(ConfigHandle config, byte[] name, UIntPtr name_len);

        /// <summary>Sets the user part of our Contact (`(NULL, 0)`: the AOR's user, the default).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_contact_user(ConfigHandle config, byte[] user, UIntPtr user_len);

        /// <summary>Sends every request outside a dialog through this proxy (a URI such as `sip:proxy.example.com;transport=tcp`; `(NULL, 0)`: none, the default).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_outbound_proxy(ConfigHandle config, byte[] uri, UIntPtr uri_len);

        /// <summary>Sets our instance id for RFC 5626/5627 (`urn:uuid:...`): with it, registrations use Outbound and may obtain GRUUs. `(NULL, 0)`: none.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_instance_id(ConfigHandle config, byte[] id, UIntPtr id_len);

        /// <summary>Sets the `User-Agent` (and `Server`) text; `(NULL, 0)` restores the default (`sansip/&lt;version&gt;`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_user_agent(ConfigHandle config, byte[] user_agent, UIntPtr user_agent_len);

        /// <summary>Appends a URI to the preloaded route set (used as Route after the outbound proxy, in the order added).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_add_route(ConfigHandle config, byte[] uri, UIntPtr uri_len);

        /// <summary>Appends an option tag to `Supported` (an extension we support).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_add_supported(ConfigHandle config, byte[] tag, UIntPtr tag_len);

        /// <summary>Sets the address media is received on (the `c=` line of sansip's answers: an IPv4 or IPv6 address, or a host name). Needed once any codec is added.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_media_address(ConfigHandle config, byte[] address, UIntPtr address_len);

        /// <summary>Adds a codec to the stream of media `kind` (`audio`, `video`, `application`), received on `port`: `name` (`PCMU`, `opus`, `telephone-event`, matched without case), its RTP `clock_rate`, its audio `channels` (0: one), and the `a=fmtp` parameters sansip's answers write (`(NULL, 0)`: echo the offer's). The first codec of a kind creates its stream (sendrecv, no rtcp-mux); the port of the last call for a kind wins.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_add_codec(ConfigHandle config, byte[] kind, UIntPtr kind_len, ushort port, byte[] name, UIntPtr name_len, uint clock_rate, ushort channels, byte[] fmtp, UIntPtr fmtp_len);

        /// <summary>Sets the direction (a `sansip_media_direction`) and rtcp-mux (RFC 5761) of the stream of media `kind`; its codecs must have been added (`SANSIP_RESULT_INVALID_ARGUMENT` otherwise).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_media_direction(ConfigHandle config, byte[] kind, UIntPtr kind_len, uint direction, [MarshalAs(UnmanagedType.I1)] bool rtcp_mux);

        /// <summary>Removes every media capability: answers come from the application again (the default).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_clear_media(ConfigHandle config);

        /// <summary>Sets one duration (`which`, a `sansip_duration`) to `value_us` microseconds.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_duration(ConfigHandle config, uint which, ulong value_us);

        /// <summary>Sets one limit (`which`, a `sansip_limit`) to `value`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_limit(ConfigHandle config, uint which, UIntPtr value);

        /// <summary>Session timers (RFC 4028): `enabled` asks for `expires` seconds in our INVITEs and grants them to callers that ask, refusing intervals below `min_se` (at least 90). 0 for either keeps sansip's default (1800, 90). Disabled: none asked, none granted. On by default.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_session_timer(ConfigHandle config, [MarshalAs(UnmanagedType.I1)] bool enabled, uint expires, uint min_se);

        /// <summary>Sets what sansip sends by itself when a call arrives (`policy`, a `sansip_ring_policy`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_ring_policy(ConfigHandle config, uint policy);

        /// <summary>Sets who may send us requests outside a dialog (`policy`, a `sansip_source_policy`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_source_policy(ConfigHandle config, uint policy);

        /// <summary>Refreshes registrations after this fraction of the granted time (default 0.9; `sansip_endpoint_new` refuses values outside (0, 1]).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_refresh_fraction(ConfigHandle config, double fraction);

        /// <summary>Sets the event packages we take subscriptions for (RFC 6665 §8.2.2), replacing the list: a SUBSCRIBE for another gets 489, and the list goes out in `Allow-Events`. `(NULL, 0)`: any package reaches the application and no `Allow-Events` is sent. Default: `presence`, `dialog`, `message-summary`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_events(ConfigHandle config, [In] NativeStr[] events, UIntPtr events_len);

        /// <summary>Sets the content types (`type/subtype`) accepted in an incoming MESSAGE, replacing the list; others get 415. `(NULL, 0)`: any. Default: `text/plain`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_config_set_message_types(ConfigHandle config, [In] NativeStr[] types, UIntPtr types_len);

        /// <summary>The answer to the `SANSIP_OUTPUT_KIND_RESOLVE` query `query_id`: `status` (a `sansip_dns_status`) and, when `OK`, the `records_len` records at `records` (read during the call only; ignored otherwise). The host follows CNAMEs itself. An answer to an unknown or already answered query is ignored.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_resolved(EndpointHandle endpoint, ulong now_us, ulong query_id, uint status, [In] DnsRecord[] records, UIntPtr records_len);

        /// <summary>Creates an endpoint from `config` (copied: free the config when convenient). `now_us` is the host's monotonic clock in microseconds; every later `now_us` counts from the same origin. On `SANSIP_RESULT_BAD_CONFIG` (a bad AOR, no local address, ...) nothing is created and `sansip_config_last_error_message` says why.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_new(ConfigHandle config, ulong now_us, out EndpointHandle endpoint_out);

        /// <summary>Frees an endpoint and everything it handed out. Works on a poisoned endpoint too. NULL is allowed and does nothing.  Stale handles: a freed endpoint keeps a small header (64 bytes, never deallocated; the endpoint itself is freed), marked freed, so that a second `sansip_endpoint_free` does nothing and any other call with the freed pointer returns `SANSIP_RESULT_STALE_HANDLE` instead of touching freed memory. The same holds for `sansip_config`. A pointer that never came from a `_new` cannot be checked.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void sansip_endpoint_free(IntPtr endpoint);

        /// <summary>Copies the detail text of the last error on this endpoint (UTF-8, not NUL-terminated, empty if none) into `buf`, at most `len` bytes (a longer text is cut), and stores the number of bytes copied in `written`. `(NULL, 0)` copies nothing. Works on a poisoned endpoint too.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_last_error_message(EndpointHandle endpoint, [Out] byte[] buf, UIntPtr len, out UIntPtr written);

        /// <summary>Whether an earlier call panicked and left the endpoint poisoned (then only `sansip_endpoint_free` and `sansip_last_error_message` are of use). NULL and a freed endpoint are not poisoned.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool sansip_endpoint_is_poisoned(EndpointHandle endpoint);

        /// <summary>One log record (<c>sansip_log_callback</c>): texts valid during the call only.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogCallback(IntPtr userdata, LogLevel level, IntPtr target, UIntPtr targetLen, IntPtr message, UIntPtr messageLen);

        /// <summary>Sends the endpoint's log records at `max_level` (1-5) and more severe to `callback` with `userdata`; NULL stops logging.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_set_log(EndpointHandle endpoint, LogCallback callback, IntPtr userdata, uint maxLevel);

        /// <summary>Bytes arrived: one datagram (UDP), one WebSocket message, or a chunk of a stream (TCP, TLS). `transport` is a `sansip_transport`, `flow_id` the host's id for the socket or connection (or the id of a `SANSIP_OUTPUT_KIND_CONNECT`), `source` the peer, `destination` this side.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_receive(EndpointHandle endpoint, ulong now_us, uint transport, ulong flow_id, [In] ref Addr source, [In] ref Addr destination, byte[] data, UIntPtr len);

        /// <summary>The deadline of the last `SANSIP_OUTPUT_KIND_TIMEOUT` passed (or any time: early calls do nothing).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_handle_timeout(EndpointHandle endpoint, ulong now_us);

        /// <summary>The connection asked for by a `SANSIP_OUTPUT_KIND_CONNECT` with this flow id is open.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_flow_connected(EndpointHandle endpoint, ulong now_us, ulong flow_id);

        /// <summary>A connection closed or could not be opened; `reason` (UTF-8, may be `(NULL, 0)`) says why, for events and logs.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_flow_closed(EndpointHandle endpoint, ulong now_us, ulong flow_id, byte[] reason, UIntPtr reason_len);

        /// <summary>The kind of the current event.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_kind(EndpointHandle endpoint, out EventKind kind_out);

        /// <summary>The call the event is about (call, DTMF and transfer events).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_session(EndpointHandle endpoint, out ulong session_out);

        /// <summary>The registration the event is about (registration events).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_registration(EndpointHandle endpoint, out ulong registration_out);

        /// <summary>The MESSAGE (from `sansip_endpoint_message`) the event is about.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_message_id(EndpointHandle endpoint, out ulong message_out);

        /// <summary>The subscription the event is about (ours or a peer's).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_subscription(EndpointHandle endpoint, out ulong subscription_out);

        /// <summary>The publication (from `sansip_endpoint_publish`) the event is about.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_publication(EndpointHandle endpoint, out ulong publication_out);

        /// <summary>The SIP status the event reports (`SANSIP_RESULT_NO_VALUE` for a failure that was not a response).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_status(EndpointHandle endpoint, out ushort status_out);

        /// <summary>Seconds: granted by the registrar (`SANSIP_EVENT_REGISTERED`) or the PUBLISH's server (`SANSIP_EVENT_PUBLISHED`), asked for by a subscriber (`SANSIP_EVENT_SUBSCRIPTION_REQUESTED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_expires(EndpointHandle endpoint, out uint expires_out);

        /// <summary>The body: a MESSAGE's or NOTIFY's content, the SDP of a call event (when the message carried one), the offer to answer (`SANSIP_EVENT_ANSWER_NEEDED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_body(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The body's type: a MESSAGE's or NOTIFY's Content-Type, `application/sdp` for a call event with SDP.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_content_type(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The sender (From URI) of a MESSAGE, an incoming call or a subscription request.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_from(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The recipient (To URI) of a MESSAGE or an incoming call.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_to(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>Why, in words: of a failure, a reconnection, the end of a call or of a subscription.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_reason(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>Which fork answered (`SANSIP_EVENT_CALL_PROGRESS`, `SANSIP_EVENT_CALL_ACCEPTED`): 1 for the first To tag seen, 2 for the second, ...; 0 for a response without a To tag, and for the callee.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_fork(EndpointHandle endpoint, out uint fork_out);

        /// <summary>Why the call ended (`SANSIP_EVENT_CALL_ENDED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_end_reason(EndpointHandle endpoint, out EndReason reason_out);

        /// <summary>What kind of failure (`SANSIP_EVENT_MESSAGE_FAILED`, and `SANSIP_EVENT_CALL_ENDED` with `SANSIP_END_REASON_FAILED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_failure(EndpointHandle endpoint, out Failure failure_out);

        /// <summary>The protocol of the Reason header (RFC 3326) that ended the call (`SIP`, `Q.850`; `SANSIP_EVENT_CALL_ENDED`, when there was one).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_cause_protocol(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The cause code of that Reason header (a SIP status or a Q.850 cause), when it had one.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_cause_code(EndpointHandle endpoint, out ushort code_out);

        /// <summary>The text of that Reason header, when it had one.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_cause_text(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The DTMF digit (`SANSIP_EVENT_DTMF`), as a Unicode code point: `0`–`9`, `*`, `#`, `A`–`D`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_digit(EndpointHandle endpoint, out uint digit_out);

        /// <summary>The DTMF digit's duration in milliseconds (0 when not given).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_duration_ms(EndpointHandle endpoint, out uint duration_out);

        /// <summary>Who to call (`SANSIP_EVENT_TRANSFER_REQUESTED`): the Refer-To URI.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_target(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>Who asked for the transfer (Referred-By), if said.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_referred_by(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The Replaces header value (RFC 3891) of an incoming call, if any: the call replaces one of ours once it is up.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_replaces(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>How many contacts the event lists: every contact the registrar holds for the AOR (`SANSIP_EVENT_REGISTERED`), or the targets of a redirection (`SANSIP_EVENT_CALL_ENDED` with `SANSIP_END_REASON_REDIRECTED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_contact_count(EndpointHandle endpoint, out UIntPtr count_out);

        /// <summary>Contact number `index` (from 0) of that list.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_contact(EndpointHandle endpoint, UIntPtr index, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The public GRUU (RFC 5627) the registrar assigned (`SANSIP_EVENT_REGISTERED`, when it gave one).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_gruu_public(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The temporary GRUU the registrar assigned, when it gave one.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_gruu_temporary(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>How many Service-Route (RFC 3608) entries our requests now use (`SANSIP_EVENT_REGISTERED`; 0 when none).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_service_route_count(EndpointHandle endpoint, out UIntPtr count_out);

        /// <summary>Service-Route entry number `index` (from 0).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_service_route(EndpointHandle endpoint, UIntPtr index, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The flow (connection) the registration lives on (`SANSIP_EVENT_REGISTERED` on a stream transport).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_flow(EndpointHandle endpoint, out ulong flow_out);

        /// <summary>When sansip tries the registration again by itself, in microseconds from now (`SANSIP_EVENT_REGISTRATION_FAILED`; `SANSIP_RESULT_NO_VALUE`: it does not, register again).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_retry_after_us(EndpointHandle endpoint, out ulong retry_out);

        /// <summary>Which reconnection attempt this is, from 1 (`SANSIP_EVENT_RECONNECTING`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_attempt(EndpointHandle endpoint, out uint attempt_out);

        /// <summary>How long until that attempt, in microseconds.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_delay_us(EndpointHandle endpoint, out ulong delay_out);

        /// <summary>The event package (`presence`, `dialog`, ...) a peer asks to subscribe to (`SANSIP_EVENT_SUBSCRIPTION_REQUESTED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_package(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The entity tag (RFC 3903 `SIP-ETag`) the server gave our published state (`SANSIP_EVENT_PUBLISHED`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_etag(EndpointHandle endpoint, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>The state a NOTIFY reports (`SANSIP_EVENT_NOTIFICATION`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_subscription_state(EndpointHandle endpoint, out SubscriptionState state_out);

        /// <summary>The new subscription another notifier made of our forked SUBSCRIBE (`SANSIP_EVENT_SUBSCRIPTION_FORKED`; `sansip_event_subscription` is the one we asked for). It has its own notifications and end.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_event_forked_subscription(EndpointHandle endpoint, out ulong subscription_out);

        /// <summary>Puts the call `session` on hold: a re-INVITE with our current SDP made sendonly (inactive where we only received), RFC 3264 §8.4. `SANSIP_EVENT_CALL_UPDATED` or `SANSIP_EVENT_CALL_UPDATE_FAILED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_hold(EndpointHandle endpoint, ulong now_us, ulong session);

        /// <summary>Takes the call `session` off hold: every stream back to sendrecv.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_resume(EndpointHandle endpoint, ulong now_us, ulong session);

        /// <summary>Sends a re-INVITE offering `sdp` (required; its `o=` version is set to the call's next). `SANSIP_EVENT_CALL_UPDATED` follows; if the peer refuses, `SANSIP_EVENT_CALL_UPDATE_FAILED` and the previous media stay.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_renegotiate(EndpointHandle endpoint, ulong now_us, ulong session, byte[] sdp, UIntPtr sdp_len);

        /// <summary>Sends an UPDATE (RFC 3311) offering `sdp` (required): in an established call like `sansip_endpoint_renegotiate` without the three-way handshake, or in an early dialog once the first offer was answered.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_update(EndpointHandle endpoint, ulong now_us, ulong session, byte[] sdp, UIntPtr sdp_len);

        /// <summary>Sends the DTMF `digits` (`0`–`9`, `*`, `#`, `A`–`D`; ASCII) by INFO (`application/dtmf-relay`), one INFO per digit, each `duration_ms` long.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_send_dtmf(EndpointHandle endpoint, ulong now_us, ulong session, byte[] digits, UIntPtr digits_len, uint duration_ms);

        /// <summary>Blind transfer: asks the peer of call `session` to call `target` (a URI) instead. `SANSIP_EVENT_TRANSFER_PROGRESS` reports the new call's status as the transferee tells it (202 first, then 100, 180, 200 or a failure); hang up once it is final.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_refer(EndpointHandle endpoint, ulong now_us, ulong session, byte[] target, UIntPtr target_len);

        /// <summary>Attended transfer (RFC 5589 §7): asks the peer of call `session` to call the peer of call `other` with a Replaces (RFC 3891) naming `other`'s dialog, so the new call takes its place.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_refer_with_replaces(EndpointHandle endpoint, ulong now_us, ulong session, ulong other);

        /// <summary>Accepts the transfer asked in call `session` (`SANSIP_EVENT_TRANSFER_REQUESTED`): 202 to the REFER, and a new call to the target, whose session id is stored in `new_session_out` and whose progress the referrer hears by NOTIFY.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_accept_transfer(EndpointHandle endpoint, ulong now_us, ulong session, out ulong new_session_out);

        /// <summary>Refuses the transfer asked in call `session` (603 Decline).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_reject_transfer(EndpointHandle endpoint, ulong now_us, ulong session);

        /// <summary>Takes the endpoint's next output (draining rule: after any input or command, poll until `SANSIP_OUTPUT_KIND_TIMEOUT`) and describes it in `output`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_poll_output(EndpointHandle endpoint, out NativeOutput output);

        /// <summary>Registers the AOR with `registrar` (a URI; `(NULL, 0)`: the AOR's domain) for `expires` seconds (0: sansip's default, 600). Stores the registration's id in `registration_out`; the outcome comes as `SANSIP_EVENT_REGISTERED` or `SANSIP_EVENT_REGISTRATION_FAILED`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_register(EndpointHandle endpoint, ulong now_us, byte[] registrar, UIntPtr registrar_len, uint expires, out ulong registration_out);

        /// <summary>Removes our binding of `registration` (`all`: every binding of the AOR, `Contact: *`) and ends the registration; `SANSIP_EVENT_UNREGISTERED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_unregister(EndpointHandle endpoint, ulong now_us, ulong registration, [MarshalAs(UnmanagedType.I1)] bool all);

        /// <summary>Sends a MESSAGE (RFC 3428) to `target` (a URI) with a body of type `content_type` (`text/plain`, ...). Stores its id in `message_out`; the outcome comes as `SANSIP_EVENT_MESSAGE_DELIVERED` or `SANSIP_EVENT_MESSAGE_FAILED`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_message(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, byte[] content_type, UIntPtr content_type_len, byte[] body, UIntPtr body_len, out ulong message_out);

        /// <summary>`sansip_endpoint_message` with extra header fields: `headers` is an array of `headers_len` `sansip_header` (`(NULL, 0)`: none), read during the call only.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_message_with_headers(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, byte[] content_type, UIntPtr content_type_len, byte[] body, UIntPtr body_len, [In] NativeHeader[] headers, UIntPtr headers_len, out ulong message_out);

        /// <summary>Publishes `body` (of `content_type`) for `event` (`presence`, ...) at `target` (your AOR, usually) for `expires` seconds, refreshed until `sansip_endpoint_unpublish`. Stores the publication's id in `publication_out`; `SANSIP_EVENT_PUBLISHED` or `SANSIP_EVENT_PUBLICATION_FAILED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_publish(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, byte[] @event, UIntPtr event_len, byte[] content_type, UIntPtr content_type_len, byte[] body, UIntPtr body_len, uint expires, out ulong publication_out);

        /// <summary>Publishes our presence (a PIDF document sansip writes) to `target` for `expires` seconds.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_publish_presence(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, ref NativePresence presence, uint expires, out ulong publication_out);

        /// <summary>Sends the watcher of an accepted `presence` subscription our presence (a PIDF document sansip writes).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_notify_presence(EndpointHandle endpoint, ulong now_us, ulong subscription, uint state, ref NativePresence presence);

        /// <summary>Sends the watcher of an accepted `dialog` subscription the dialog-info document of our calls now, with `version`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_notify_dialog_info(EndpointHandle endpoint, ulong now_us, ulong subscription, uint state, ulong version);

        /// <summary>The dialog-info document of our calls now, with `version`: valid until the next call on the endpoint.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_dialog_info(EndpointHandle endpoint, ulong version, out IntPtr ptr_out, out UIntPtr len_out);

        /// <summary>Replaces the state published by `publication` with `body` of `content_type`; `SANSIP_EVENT_PUBLISHED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_modify_publication(EndpointHandle endpoint, ulong now_us, ulong publication, byte[] content_type, UIntPtr content_type_len, byte[] body, UIntPtr body_len);

        /// <summary>Removes the state published by `publication` (Expires 0); `SANSIP_EVENT_UNPUBLISHED` follows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_unpublish(EndpointHandle endpoint, ulong now_us, ulong publication);

        /// <summary>The name of a result value (`"SANSIP_RESULT_OK"`, ...), a static NUL-terminated string; `"SANSIP_RESULT_UNKNOWN"` for a value that is not a `sansip_result`. Takes the integer so that any value is safe to pass.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr sansip_result_str(uint result);

        /// <summary>Subscribes to `event` (`presence`, `dialog`, ...) of `target` (a URI), accepting bodies of `accept` (`application/pidf+xml`, ...), for `expires` seconds, refreshed until `sansip_endpoint_unsubscribe`. Stores the subscription's id in `subscription_out`; `SANSIP_EVENT_NOTIFICATION`s follow, and `SANSIP_EVENT_SUBSCRIPTION_ENDED` last.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_subscribe(EndpointHandle endpoint, ulong now_us, byte[] target, UIntPtr target_len, byte[] @event, UIntPtr event_len, byte[] accept, UIntPtr accept_len, uint expires, out ulong subscription_out);

        /// <summary>Ends our subscription (SUBSCRIBE with Expires 0); the notifier's final NOTIFY, or the answer, ends it with `SANSIP_EVENT_SUBSCRIPTION_ENDED`.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_unsubscribe(EndpointHandle endpoint, ulong now_us, ulong subscription);

        /// <summary>Accepts a peer's SUBSCRIBE (`SANSIP_EVENT_SUBSCRIPTION_REQUESTED`): 200 with the granted Expires (at most `max_expires` seconds), then a first NOTIFY (`pending` until `sansip_endpoint_notify` sends a state).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_accept_subscription(EndpointHandle endpoint, ulong now_us, ulong subscription, uint max_expires);

        /// <summary>Refuses a peer's SUBSCRIBE with `status` (300–699: 403, 489, ...).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_reject_subscription(EndpointHandle endpoint, ulong now_us, ulong subscription, ushort status);

        /// <summary>Sends the subscriber of an accepted subscription the current state: `state` (a `sansip_subscription_state`; `TERMINATED` ends the subscription) and `body` of `content_type` (required, e.g. `application/pidf+xml`; the body may be `(NULL, 0)`).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern Result sansip_endpoint_notify(EndpointHandle endpoint, ulong now_us, ulong subscription, uint state, byte[] content_type, UIntPtr content_type_len, byte[] body, UIntPtr body_len);
    }
}
