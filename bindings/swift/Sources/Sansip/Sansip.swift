// sansip: a sans-IO SIP user-agent core. SPDX-License-Identifier: MIT OR Apache-2.0
//
// A thin Swift wrapper over the C ABI (module CSansip, include/sansip.h).
// `Config` and `Endpoint` own their C handles and free them in `deinit`;
// every call that hands a handle to C runs inside `withExtendedLifetime(self)`
// so ARC cannot free it mid-call. A result other than OK is thrown as
// `SansipError` (the code and `sansip_last_error_message`). `pollOutput()`
// returns an `Output` whose data is copied into Swift values, so nothing in
// it dangles after the next poll.
//
// The C ABI's rules hold: after any input or command, call `pollOutput()`
// until it returns `.timeout`; an Endpoint is not thread-safe (one call at a
// time). Time is microseconds of the host's monotonic clock (`nowUs`).
//
// NOTE: no Swift toolchain exists where this was written; the module map
// and header are checked with clang (tests/bindings_swift.rs), this file is
// not yet compiled by CI.
import CSansip

/// A call into sansip returned an error.
public struct SansipError: Error, CustomStringConvertible {
    /// The C result (never SANSIP_RESULT_OK).
    public let code: sansip_result
    /// sansip's explanation (may be empty).
    public let detail: String

    /// The result's name ("SANSIP_RESULT_BAD_URI").
    public var name: String { String(cString: sansip_result_str(code.rawValue)) }
    public var description: String { detail.isEmpty ? name : "\(name): \(detail)" }
}

/// sansip's version ("0.1.0").
public var sansipVersion: String { String(cString: sansip_version()) }
/// The ABI version of the loaded library (compare with SANSIP_ABI_VERSION).
public var sansipAbiVersion: UInt32 { sansip_abi_version() }

extension sansip_addr {
    /// An IPv4 address and port: `sansip_addr.ipv4(127, 0, 0, 1, port: 5060)`.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> sansip_addr {
        var out = sansip_addr()
        out.family = UInt32(SANSIP_FAMILY_IPV4)
        out.addr.0 = a
        out.addr.1 = b
        out.addr.2 = c
        out.addr.3 = d
        out.port = port
        return out
    }
}

// ---- bytes across the boundary ----

private func utf8(_ s: String?) -> [UInt8]? { s.map { Array($0.utf8) } }

/// Lays `parts` out in one buffer and calls `body` with a (pointer, length)
/// per part ((nil, 0) for nil or empty), valid during the call only.
private func withBuffers<R>(_ parts: [[UInt8]?],
                            _ body: ([(UnsafePointer<UInt8>?, Int)]) throws -> R) rethrows -> R {
    let flat = parts.flatMap { $0 ?? [] }
    return try flat.withUnsafeBufferPointer { buf in
        var out: [(UnsafePointer<UInt8>?, Int)] = []
        var offset = 0
        for part in parts {
            guard let part = part, !part.isEmpty, let base = buf.baseAddress else {
                out.append((nil, 0))
                continue
            }
            out.append((base + offset, part.count))
            offset += part.count
        }
        return try body(out)
    }
}

private func copyBytes(_ p: UnsafePointer<UInt8>?, _ n: Int) -> [UInt8] {
    guard let p = p, n > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: p, count: n))
}

private func copyText(_ p: UnsafePointer<UInt8>?, _ n: Int) -> String {
    String(decoding: copyBytes(p, n), as: UTF8.self)
}

// ---- Config ----

/// The settings of an endpoint. Setters throw on a refusal.
public final class Config {
    let raw: OpaquePointer

    /// A configuration for the address of record `aor`.
    public init(aor: String) throws {
        var out: OpaquePointer? = nil
        let r = withBuffers([utf8(aor)]) { b in sansip_config_new(b[0].0, b[0].1, &out) }
        guard r == SANSIP_RESULT_OK, let config = out else {
            throw SansipError(code: r, detail: "")
        }
        raw = config
    }

    deinit { sansip_config_free(raw) }

    /// The detail of the last error on this configuration.
    public func lastErrorMessage() -> String {
        let capacity = 1024
        var buf = [UInt8](repeating: 0, count: capacity)
        var n = 0
        let r = withExtendedLifetime(self) {
            sansip_config_last_error_message(raw, &buf, capacity, &n)
        }
        return r == SANSIP_RESULT_OK ? copyText(buf, n) : ""
    }

    private func call(_ body: (OpaquePointer) -> sansip_result) throws {
        let r = withExtendedLifetime(self) { body(raw) }
        if r != SANSIP_RESULT_OK { throw SansipError(code: r, detail: lastErrorMessage()) }
    }

    private func text(_ s: String?,
                      _ f: (OpaquePointer?, UnsafePointer<UInt8>?, Int) -> sansip_result) throws {
        try withBuffers([utf8(s)]) { b in try call { c in f(c, b[0].0, b[0].1) } }
    }

    public func addLocal(_ transport: sansip_transport, _ addr: sansip_addr) throws {
        var a = addr
        try call { c in sansip_config_add_local(c, transport.rawValue, &a) }
    }
    public func setSeed(_ seed: UInt64) throws { try call { c in sansip_config_set_seed(c, seed) } }
    public func setPassword(user: String, password: String) throws {
        try withBuffers([utf8(user), utf8(password)]) { b in
            try call { c in sansip_config_set_password(c, b[0].0, b[0].1, b[1].0, b[1].1) }
        }
    }
    public func setDisplayName(_ name: String?) throws { try text(name, sansip_config_set_display_name) }
    public func setContactUser(_ user: String?) throws { try text(user, sansip_config_set_contact_user) }
    public func setOutboundProxy(_ uri: String?) throws { try text(uri, sansip_config_set_outbound_proxy) }
    public func setInstanceId(_ id: String?) throws { try text(id, sansip_config_set_instance_id) }
    public func setUserAgent(_ ua: String?) throws { try text(ua, sansip_config_set_user_agent) }
    public func addRoute(_ uri: String) throws { try text(uri, sansip_config_add_route) }
    public func addSupported(_ tag: String) throws { try text(tag, sansip_config_add_supported) }
    public func setMediaAddress(_ address: String) throws { try text(address, sansip_config_set_media_address) }
    public func addCodec(kind: String, port: UInt16, name: String, clockRate: UInt32,
                         channels: UInt16 = 0, fmtp: String? = nil) throws {
        try withBuffers([utf8(kind), utf8(name), utf8(fmtp)]) { b in
            try call { c in
                sansip_config_add_codec(c, b[0].0, b[0].1, port, b[1].0, b[1].1, clockRate,
                                        channels, b[2].0, b[2].1)
            }
        }
    }
    public func setDuration(_ which: sansip_duration, microseconds: UInt64) throws {
        try call { c in sansip_config_set_duration(c, which.rawValue, microseconds) }
    }
    public func setLimit(_ which: sansip_limit, _ value: Int) throws {
        try call { c in sansip_config_set_limit(c, which.rawValue, value) }
    }
    public func setSessionTimer(enabled: Bool, expires: UInt32 = 0, minSE: UInt32 = 0) throws {
        try call { c in sansip_config_set_session_timer(c, enabled, expires, minSE) }
    }
    public func setRingPolicy(_ policy: sansip_ring_policy) throws {
        try call { c in sansip_config_set_ring_policy(c, policy.rawValue) }
    }
}

// ---- outputs ----

/// An event, every field it carries copied out (nil: the event has no such field).
public struct Event {
    public let kind: sansip_event
    public let session: UInt64?
    public let registration: UInt64?
    public let messageId: UInt64?
    public let subscription: UInt64?
    public let publication: UInt64?
    public let status: UInt16?
    public let expires: UInt32?
    public let fork: UInt32?
    public let endReason: sansip_end_reason?
    public let failure: sansip_failure?
    public let digit: UInt32?
    public let body: [UInt8]?
    public let contentType: String?
    public let from: String?
    public let to: String?
    public let reason: String?
    public let target: String?
    public let package: String?
    public let contacts: [String]?

    /// The body as UTF-8 text.
    public var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}

/// What `pollOutput()` asks of the host.
public enum Output {
    /// Send `data` from `local` to `remote` (on connection `flow` if any).
    case transmit(transport: sansip_transport, flow: UInt64?, local: sansip_addr, remote: sansip_addr, data: [UInt8])
    /// Open a connection known as `flow`; answer with flowConnected / flowClosed.
    case connect(transport: sansip_transport, flow: UInt64, remote: sansip_addr, serverName: String)
    /// Close the connection `flow`.
    case close(flow: UInt64)
    /// Look up `name`; answer with `resolved`.
    case resolve(queryId: UInt64, recordType: sansip_record_type, name: String)
    /// Tell the user something.
    case event(Event)
    /// Nothing more to do: call handleTimeout at `deadlineUs` (nil: no timer).
    case timeout(deadlineUs: UInt64?)
}

// ---- Endpoint ----

/// One user agent, freed in `deinit`.
public final class Endpoint {
    let raw: OpaquePointer

    /// An endpoint from `config` (copied). A refused config throws
    /// SANSIP_RESULT_BAD_CONFIG with the config's explanation.
    public init(config: Config, nowUs: UInt64) throws {
        var out: OpaquePointer? = nil
        let r = withExtendedLifetime(config) { sansip_endpoint_new(config.raw, nowUs, &out) }
        guard r == SANSIP_RESULT_OK, let endpoint = out else {
            throw SansipError(code: r, detail: config.lastErrorMessage())
        }
        raw = endpoint
    }

    deinit { sansip_endpoint_free(raw) }

    /// Runs `body` with the C handle, the Endpoint kept alive meanwhile (for
    /// C calls this wrapper does not cover).
    public func withRawHandle<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(raw) }
    }

    /// The detail of the last error on this endpoint.
    public func lastErrorMessage() -> String {
        let capacity = 1024
        var buf = [UInt8](repeating: 0, count: capacity)
        var n = 0
        let r = withExtendedLifetime(self) { sansip_last_error_message(raw, &buf, capacity, &n) }
        return r == SANSIP_RESULT_OK ? copyText(buf, n) : ""
    }

    /// Whether a bug (a panic) poisoned the endpoint.
    public var isPoisoned: Bool { withExtendedLifetime(self) { sansip_endpoint_is_poisoned(raw) } }

    /// Receives one log record: its level, target and text.
    public typealias LogSink = (sansip_log_level, String, String) -> Void

    /// The sink C calls back, boxed so that its address can travel as the
    /// callback's userdata; retained by the Endpoint while set.
    private final class LogBox {
        let sink: LogSink
        init(_ sink: @escaping LogSink) { self.sink = sink }
    }
    private var logBox: LogBox? = nil

    /// Sends this endpoint's log records at `maxLevel` and more severe to
    /// `sink`, called from inside the calls on this endpoint (it must not
    /// call back into it); `nil` stops logging.
    public func setLog(maxLevel: sansip_log_level, _ sink: LogSink?) throws {
        guard let sink = sink else {
            try call { e in sansip_endpoint_set_log(e, nil, nil, 0) }
            logBox = nil
            return
        }
        let box = LogBox(sink)
        let userdata = Unmanaged.passUnretained(box).toOpaque()
        try call { e in
            sansip_endpoint_set_log(e, { userdata, level, target, targetLen, text, textLen in
                guard let userdata = userdata else { return }
                let box = Unmanaged<LogBox>.fromOpaque(userdata).takeUnretainedValue()
                let t = String(decoding: UnsafeBufferPointer(start: target, count: targetLen), as: UTF8.self)
                let m = String(decoding: UnsafeBufferPointer(start: text, count: textLen), as: UTF8.self)
                box.sink(level, t, m)
            }, userdata, maxLevel.rawValue)
        }
        logBox = box
    }

    private func check(_ r: sansip_result) throws {
        if r != SANSIP_RESULT_OK { throw SansipError(code: r, detail: lastErrorMessage()) }
    }

    private func call(_ body: (OpaquePointer) -> sansip_result) throws {
        try check(withExtendedLifetime(self) { body(raw) })
    }

    // -- inputs --

    public func receive(nowUs: UInt64, transport: sansip_transport, flow: UInt64,
                        source: sansip_addr, destination: sansip_addr, data: [UInt8]) throws {
        var s = source
        var d = destination
        try withBuffers([data]) { b in
            try call { e in sansip_endpoint_receive(e, nowUs, transport.rawValue, flow, &s, &d, b[0].0, b[0].1) }
        }
    }
    public func handleTimeout(nowUs: UInt64) throws {
        try call { e in sansip_endpoint_handle_timeout(e, nowUs) }
    }
    public func flowConnected(nowUs: UInt64, flow: UInt64) throws {
        try call { e in sansip_endpoint_flow_connected(e, nowUs, flow) }
    }
    public func flowClosed(nowUs: UInt64, flow: UInt64, reason: String? = nil) throws {
        try withBuffers([utf8(reason)]) { b in
            try call { e in sansip_endpoint_flow_closed(e, nowUs, flow, b[0].0, b[0].1) }
        }
    }
    /// The answer to a `.resolve` (text fields of `records` must point at
    /// memory that outlives the call).
    public func resolved(nowUs: UInt64, queryId: UInt64, status: sansip_dns_status,
                         records: [sansip_dns_record] = []) throws {
        try records.withUnsafeBufferPointer { r in
            try call { e in
                sansip_endpoint_resolved(e, nowUs, queryId, status.rawValue,
                                         r.count == 0 ? nil : r.baseAddress, r.count)
            }
        }
    }

    // -- outputs --

    /// Takes the next output (drain until `.timeout` after every input or command).
    public func pollOutput() throws -> Output {
        return try withExtendedLifetime(self) { () throws -> Output in
            var o = sansip_output()
            try check(sansip_endpoint_poll_output(raw, &o))
            switch o.kind {
            case SANSIP_OUTPUT_KIND_TRANSMIT:
                return .transmit(transport: sansip_transport(rawValue: o.transport),
                                 flow: o.has_flow ? o.flow_id : nil, local: o.local,
                                 remote: o.remote, data: copyBytes(o.data, o.data_len))
            case SANSIP_OUTPUT_KIND_CONNECT:
                return .connect(transport: sansip_transport(rawValue: o.transport), flow: o.flow_id,
                                remote: o.remote, serverName: copyText(o.data, o.data_len))
            case SANSIP_OUTPUT_KIND_CLOSE:
                return .close(flow: o.flow_id)
            case SANSIP_OUTPUT_KIND_RESOLVE:
                return .resolve(queryId: o.query_id, recordType: sansip_record_type(rawValue: o.record_type),
                                name: copyText(o.data, o.data_len))
            case SANSIP_OUTPUT_KIND_EVENT:
                return .event(try readEvent(o.event))
            default:
                return .timeout(deadlineUs: o.timeout_us == UInt64.max ? nil : o.timeout_us)
            }
        }
    }

    private func field<T>(_ initial: T,
                          _ f: (OpaquePointer?, UnsafeMutablePointer<T>?) -> sansip_result) throws -> T? {
        var value = initial
        let r = f(raw, &value)
        if r == SANSIP_RESULT_NO_VALUE { return nil }
        try check(r)
        return value
    }

    private func bytes(_ f: (OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                             UnsafeMutablePointer<Int>?) -> sansip_result) throws -> [UInt8]? {
        var p: UnsafePointer<UInt8>? = nil
        var n = 0
        let r = f(raw, &p, &n)
        if r == SANSIP_RESULT_NO_VALUE { return nil }
        try check(r)
        return copyBytes(p, n)
    }

    private func text(_ f: (OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                            UnsafeMutablePointer<Int>?) -> sansip_result) throws -> String? {
        try bytes(f).map { String(decoding: $0, as: UTF8.self) }
    }

    private func readEvent(_ kind: sansip_event) throws -> Event {
        var contacts: [String]? = nil
        if let count = try field(0, sansip_event_contact_count) {
            var list: [String] = []
            for i in 0..<count {
                var p: UnsafePointer<UInt8>? = nil
                var n = 0
                try check(sansip_event_contact(raw, i, &p, &n))
                list.append(copyText(p, n))
            }
            contacts = list
        }
        return try Event(
            kind: kind,
            session: field(0, sansip_event_session),
            registration: field(0, sansip_event_registration),
            messageId: field(0, sansip_event_message_id),
            subscription: field(0, sansip_event_subscription),
            publication: field(0, sansip_event_publication),
            status: field(0, sansip_event_status),
            expires: field(0, sansip_event_expires),
            fork: field(0, sansip_event_fork),
            endReason: field(SANSIP_END_REASON_LOCAL_HANGUP, sansip_event_end_reason),
            failure: field(SANSIP_FAILURE_STATUS, sansip_event_failure),
            digit: field(0, sansip_event_digit),
            body: bytes(sansip_event_body),
            contentType: text(sansip_event_content_type),
            from: text(sansip_event_from),
            to: text(sansip_event_to),
            reason: text(sansip_event_reason),
            target: text(sansip_event_target),
            package: text(sansip_event_package),
            contacts: contacts)
    }

    // -- calls --

    private static func headerParts(_ headers: [(name: String, value: String)]) -> [[UInt8]?] {
        headers.flatMap { [utf8($0.name), utf8($0.value)] }
    }

    private static func rawHeaders(_ b: [(UnsafePointer<UInt8>?, Int)], from first: Int,
                                   count: Int) -> [sansip_header] {
        (0..<count).map { i in
            sansip_header(name: b[first + 2 * i].0, name_len: b[first + 2 * i].1,
                          value: b[first + 2 * i + 1].0, value_len: b[first + 2 * i + 1].1)
        }
    }

    /// Calls `target` with the SDP offer `sdp` (nil: none); the session id.
    public func invite(nowUs: UInt64, target: String, sdp: String?,
                       headers: [(name: String, value: String)] = []) throws -> UInt64 {
        var id: UInt64 = 0
        let parts: [[UInt8]?] = [utf8(target), utf8(sdp)] + Endpoint.headerParts(headers)
        try withBuffers(parts) { (b) -> Void in
            let h = Endpoint.rawHeaders(b, from: 2, count: headers.count)
            try h.withUnsafeBufferPointer { hp in
                try call { e in
                    sansip_endpoint_invite_with_headers(e, nowUs, b[0].0, b[0].1, b[1].0, b[1].1,
                                                        hp.count == 0 ? nil : hp.baseAddress, hp.count, &id)
                }
            }
        }
        return id
    }
    public func progress(nowUs: UInt64, session: UInt64, status: UInt16, sdp: String? = nil,
                         reliable: Bool = false) throws {
        try withBuffers([utf8(sdp)]) { b in
            try call { e in sansip_endpoint_progress(e, nowUs, session, status, b[0].0, b[0].1, reliable) }
        }
    }
    public func accept(nowUs: UInt64, session: UInt64, sdp: String?) throws {
        try withBuffers([utf8(sdp)]) { b in
            try call { e in sansip_endpoint_accept(e, nowUs, session, b[0].0, b[0].1) }
        }
    }
    public func reject(nowUs: UInt64, session: UInt64, status: UInt16, reason: String? = nil) throws {
        try withBuffers([utf8(reason)]) { b in
            try call { e in sansip_endpoint_reject(e, nowUs, session, status, b[0].0, b[0].1) }
        }
    }
    public func answer(nowUs: UInt64, session: UInt64, sdp: String) throws {
        try withBuffers([utf8(sdp)]) { b in
            try call { e in sansip_endpoint_answer(e, nowUs, session, b[0].0, b[0].1) }
        }
    }
    public func cancel(nowUs: UInt64, session: UInt64) throws {
        try call { e in sansip_endpoint_cancel(e, nowUs, session) }
    }
    public func hangup(nowUs: UInt64, session: UInt64) throws {
        try call { e in sansip_endpoint_hangup(e, nowUs, session) }
    }
    public func hold(nowUs: UInt64, session: UInt64) throws {
        try call { e in sansip_endpoint_hold(e, nowUs, session) }
    }
    public func resume(nowUs: UInt64, session: UInt64) throws {
        try call { e in sansip_endpoint_resume(e, nowUs, session) }
    }
    public func sendDtmf(nowUs: UInt64, session: UInt64, digits: String, durationMs: UInt32) throws {
        try withBuffers([utf8(digits)]) { b in
            try call { e in sansip_endpoint_send_dtmf(e, nowUs, session, b[0].0, b[0].1, durationMs) }
        }
    }

    // -- registrations, MESSAGE, presence --

    /// Registers with `registrar` (nil: the AOR's domain); the registration id.
    public func register(nowUs: UInt64, registrar: String? = nil, expires: UInt32 = 0) throws -> UInt64 {
        var id: UInt64 = 0
        try withBuffers([utf8(registrar)]) { b in
            try call { e in sansip_endpoint_register(e, nowUs, b[0].0, b[0].1, expires, &id) }
        }
        return id
    }
    public func unregister(nowUs: UInt64, registration: UInt64, all: Bool = false) throws {
        try call { e in sansip_endpoint_unregister(e, nowUs, registration, all) }
    }
    /// Sends a MESSAGE; its id.
    public func message(nowUs: UInt64, target: String, contentType: String, body: [UInt8],
                        headers: [(name: String, value: String)] = []) throws -> UInt64 {
        var id: UInt64 = 0
        let parts: [[UInt8]?] = [utf8(target), utf8(contentType), body] + Endpoint.headerParts(headers)
        try withBuffers(parts) { (b) -> Void in
            let h = Endpoint.rawHeaders(b, from: 3, count: headers.count)
            try h.withUnsafeBufferPointer { hp in
                try call { e in
                    sansip_endpoint_message_with_headers(e, nowUs, b[0].0, b[0].1, b[1].0, b[1].1,
                                                         b[2].0, b[2].1,
                                                         hp.count == 0 ? nil : hp.baseAddress, hp.count, &id)
                }
            }
        }
        return id
    }
    public func subscribe(nowUs: UInt64, target: String, event: String, accept: String,
                          expires: UInt32) throws -> UInt64 {
        var id: UInt64 = 0
        try withBuffers([utf8(target), utf8(event), utf8(accept)]) { b in
            try call { e in
                sansip_endpoint_subscribe(e, nowUs, b[0].0, b[0].1, b[1].0, b[1].1, b[2].0, b[2].1,
                                          expires, &id)
            }
        }
        return id
    }
    public func unsubscribe(nowUs: UInt64, subscription: UInt64) throws {
        try call { e in sansip_endpoint_unsubscribe(e, nowUs, subscription) }
    }
}
