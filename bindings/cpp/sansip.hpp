// sansip: a sans-IO SIP user-agent core. SPDX-License-Identifier: MIT OR Apache-2.0
//
// sansip.hpp: a header-only C++17 wrapper over the C ABI (include/sansip.h).
// It adds no state of its own: `sansip::Config` and `sansip::Endpoint` own
// their C handles through std::unique_ptr (the deleters call the `_free`
// functions), every command takes std::string_view / sansip::ByteView
// instead of pointer + length, every result other than SANSIP_RESULT_OK is
// thrown as `sansip::Error` (the code and sansip_last_error_message), and
// `Endpoint::poll_output()` returns a std::variant.
//
// The C ABI's rules hold unchanged:
// - After any input or command, call poll_output() until it returns a
//   `sansip::Timeout`.
// - What poll_output() returns borrows from the endpoint: the bytes of a
//   Transmit, the name of a Resolve, and everything an Event's accessors
//   return stay valid until the next poll_output() or the endpoint's
//   destruction. Copy what you keep (std::string(view)).
// - An Endpoint is not thread-safe: one call at a time.
//
// Link with the library built with `cargo build --features capi`
// (libsansip.so / libsansip.a; see the README for pkg-config and CMake).
#ifndef SANSIP_HPP
#define SANSIP_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sansip.h"

namespace sansip {

/// A read-only byte range (C++17 has no std::span): pointer + length, as the
/// C ABI takes bytes. Converts implicitly from text, so a command taking a
/// ByteView (an SDP, a body) takes a string literal or a std::string too.
struct ByteView {
    const uint8_t *data = nullptr;
    size_t size = 0;

    constexpr ByteView() noexcept = default;
    constexpr ByteView(const uint8_t *d, size_t n) noexcept : data(d), size(n) {}
    ByteView(std::string_view s) noexcept
        : data(reinterpret_cast<const uint8_t *>(s.data())), size(s.size()) {}
    ByteView(const char *s) noexcept : ByteView(std::string_view(s)) {}
    ByteView(const std::string &s) noexcept : ByteView(std::string_view(s)) {}
    ByteView(const std::vector<uint8_t> &v) noexcept : data(v.data()), size(v.size()) {}

    bool empty() const noexcept { return size == 0; }
    /// The bytes as text (sansip's texts are UTF-8).
    std::string_view str() const noexcept {
        return size == 0 ? std::string_view()
                         : std::string_view(reinterpret_cast<const char *>(data), size);
    }
};

namespace detail {
inline const uint8_t *ptr(std::string_view s) noexcept {
    return s.empty() ? nullptr : reinterpret_cast<const uint8_t *>(s.data());
}
inline const uint8_t *ptr(ByteView b) noexcept { return b.size == 0 ? nullptr : b.data; }
inline std::string_view view(const uint8_t *p, size_t n) noexcept {
    return n == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char *>(p), n);
}
}  // namespace detail

/// A result other than SANSIP_RESULT_OK: the code and the detail text
/// (`sansip_last_error_message`, or the config's for a refused config).
class Error : public std::runtime_error {
public:
    Error(sansip_result code, const std::string &detail)
        : std::runtime_error(std::string(sansip_result_str(static_cast<uint32_t>(code))) +
                             (detail.empty() ? std::string() : ": " + detail)),
          code_(code), detail_(detail) {}

    /// The C result (SANSIP_RESULT_BAD_URI, ...).
    sansip_result code() const noexcept { return code_; }
    /// Its name (`"SANSIP_RESULT_BAD_URI"`).
    const char *name() const noexcept { return sansip_result_str(static_cast<uint32_t>(code_)); }
    /// sansip's explanation (may be empty).
    const std::string &detail() const noexcept { return detail_; }

private:
    sansip_result code_;
    std::string detail_;
};

/// sansip's version (`"0.1.0"`).
inline std::string_view version() noexcept { return sansip_version(); }
/// The ABI version of the loaded library; compare with SANSIP_ABI_VERSION.
inline uint32_t abi_version() noexcept { return sansip_abi_version(); }

/// An IPv4 address and port (`127.0.0.1:5060` is `ipv4(127, 0, 0, 1, 5060)`).
inline sansip_addr ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) noexcept {
    sansip_addr out{};
    out.family = SANSIP_FAMILY_IPV4;
    out.addr[0] = a;
    out.addr[1] = b;
    out.addr[2] = c;
    out.addr[3] = d;
    out.port = port;
    return out;
}

/// An extra header field for the `*_with_headers` commands.
struct Header {
    std::string_view name;
    std::string_view value;
};

/// The settings of an endpoint (`sansip_config`); every setter throws
/// Error on a refusal and returns *this for chaining.
class Config {
public:
    /// A configuration for the address of record `aor` with sansip's defaults.
    explicit Config(std::string_view aor) {
        sansip_config *raw = nullptr;
        sansip_result r = sansip_config_new(detail::ptr(aor), aor.size(), &raw);
        if (r != SANSIP_RESULT_OK) throw Error(r, std::string());
        handle_.reset(raw);
    }

    /// The C handle (borrowed; the Config still owns it).
    sansip_config *get() const noexcept { return handle_.get(); }

    /// The detail text of the last error on this configuration.
    std::string last_error_message() const {
        uint8_t buf[1024];
        size_t n = 0;
        if (sansip_config_last_error_message(handle_.get(), buf, sizeof buf, &n) !=
            SANSIP_RESULT_OK)
            return std::string();
        return std::string(detail::view(buf, n));
    }

    Config &add_local(sansip_transport transport, const sansip_addr &addr) {
        return check(sansip_config_add_local(get(), static_cast<uint32_t>(transport), &addr));
    }
    Config &set_transports(const std::vector<sansip_transport> &transports) {
        std::vector<uint32_t> raw(transports.begin(), transports.end());
        return check(sansip_config_set_transports(get(), raw.empty() ? nullptr : raw.data(),
                                                  raw.size()));
    }
    Config &set_seed(uint64_t seed) { return check(sansip_config_set_seed(get(), seed)); }
    Config &set_password(std::string_view user, std::string_view password) {
        return check(sansip_config_set_password(get(), detail::ptr(user), user.size(),
                                                detail::ptr(password), password.size()));
    }
    Config &set_realm_password(std::string_view realm, std::string_view user,
                               std::string_view password) {
        return check(sansip_config_set_realm_password(get(), detail::ptr(realm), realm.size(),
                                                      detail::ptr(user), user.size(),
                                                      detail::ptr(password), password.size()));
    }
    Config &set_realm_ha1(std::string_view realm, std::string_view user,
                          sansip_digest_algorithm algorithm, std::string_view ha1) {
        return check(sansip_config_set_realm_ha1(
            get(), detail::ptr(realm), realm.size(), detail::ptr(user), user.size(),
            static_cast<uint32_t>(algorithm), detail::ptr(ha1), ha1.size()));
    }
    Config &set_display_name(std::string_view name) {
        return check(sansip_config_set_display_name(get(), detail::ptr(name), name.size()));
    }
    Config &set_contact_user(std::string_view user) {
        return check(sansip_config_set_contact_user(get(), detail::ptr(user), user.size()));
    }
    Config &set_outbound_proxy(std::string_view uri) {
        return check(sansip_config_set_outbound_proxy(get(), detail::ptr(uri), uri.size()));
    }
    Config &set_instance_id(std::string_view id) {
        return check(sansip_config_set_instance_id(get(), detail::ptr(id), id.size()));
    }
    Config &set_user_agent(std::string_view user_agent) {
        return check(
            sansip_config_set_user_agent(get(), detail::ptr(user_agent), user_agent.size()));
    }
    Config &add_route(std::string_view uri) {
        return check(sansip_config_add_route(get(), detail::ptr(uri), uri.size()));
    }
    Config &add_supported(std::string_view tag) {
        return check(sansip_config_add_supported(get(), detail::ptr(tag), tag.size()));
    }
    Config &set_media_address(std::string_view address) {
        return check(sansip_config_set_media_address(get(), detail::ptr(address), address.size()));
    }
    Config &add_codec(std::string_view kind, uint16_t port, std::string_view name,
                      uint32_t clock_rate, uint16_t channels = 0, std::string_view fmtp = {}) {
        return check(sansip_config_add_codec(get(), detail::ptr(kind), kind.size(), port,
                                             detail::ptr(name), name.size(), clock_rate, channels,
                                             detail::ptr(fmtp), fmtp.size()));
    }
    Config &set_media_direction(std::string_view kind, sansip_media_direction direction,
                                bool rtcp_mux) {
        return check(sansip_config_set_media_direction(get(), detail::ptr(kind), kind.size(),
                                                       static_cast<uint32_t>(direction),
                                                       rtcp_mux));
    }
    Config &clear_media() { return check(sansip_config_clear_media(get())); }
    Config &set_duration(sansip_duration which, uint64_t value_us) {
        return check(sansip_config_set_duration(get(), static_cast<uint32_t>(which), value_us));
    }
    Config &set_limit(sansip_limit which, size_t value) {
        return check(sansip_config_set_limit(get(), static_cast<uint32_t>(which), value));
    }
    Config &set_session_timer(bool enabled, uint32_t expires = 0, uint32_t min_se = 0) {
        return check(sansip_config_set_session_timer(get(), enabled, expires, min_se));
    }
    Config &set_ring_policy(sansip_ring_policy policy) {
        return check(sansip_config_set_ring_policy(get(), static_cast<uint32_t>(policy)));
    }
    Config &set_source_policy(sansip_source_policy policy) {
        return check(sansip_config_set_source_policy(get(), static_cast<uint32_t>(policy)));
    }
    Config &set_refresh_fraction(double fraction) {
        return check(sansip_config_set_refresh_fraction(get(), fraction));
    }
    Config &set_events(const std::vector<std::string_view> &events) {
        std::vector<sansip_str> raw = strs(events);
        return check(
            sansip_config_set_events(get(), raw.empty() ? nullptr : raw.data(), raw.size()));
    }
    Config &set_message_types(const std::vector<std::string_view> &types) {
        std::vector<sansip_str> raw = strs(types);
        return check(sansip_config_set_message_types(get(), raw.empty() ? nullptr : raw.data(),
                                                     raw.size()));
    }

private:
    struct Deleter {
        void operator()(sansip_config *c) const noexcept { sansip_config_free(c); }
    };
    std::unique_ptr<sansip_config, Deleter> handle_;

    Config &check(sansip_result r) {
        if (r != SANSIP_RESULT_OK) throw Error(r, last_error_message());
        return *this;
    }
    static std::vector<sansip_str> strs(const std::vector<std::string_view> &in) {
        std::vector<sansip_str> out;
        out.reserve(in.size());
        for (std::string_view s : in) {
            sansip_str item;
            item.data = detail::ptr(s);
            item.len = s.size();
            out.push_back(item);
        }
        return out;
    }
};

// ---- outputs ------------------------------------------------------------

/// Send `data` over `transport` from `local` to `remote` (on the connection
/// `flow` when it has one). `data` is valid until the next poll_output().
struct Transmit {
    sansip_transport transport;
    std::optional<uint64_t> flow;
    sansip_addr local;
    sansip_addr remote;
    ByteView data;
};

/// Open a `transport` connection to `remote`, known as `flow`;
/// `server_name` is the TLS SNI / WebSocket Host (may be empty). Answer with
/// Endpoint::flow_connected or Endpoint::flow_closed.
struct Connect {
    sansip_transport transport;
    uint64_t flow;
    sansip_addr remote;
    std::string_view server_name;
};

/// Close the connection `flow`.
struct Close {
    uint64_t flow;
};

/// Look up `name` (records of `record_type`), answer with Endpoint::resolved.
struct Resolve {
    uint64_t query_id;
    sansip_record_type record_type;
    std::string_view name;
};

/// Nothing more to do: call Endpoint::handle_timeout at `deadline_us`.
struct Timeout {
    uint64_t deadline_us;  ///< UINT64_MAX: no timer, wait for input
    bool has_deadline() const noexcept { return deadline_us != UINT64_MAX; }
};

/// The current event of an endpoint: its kind, and its fields through
/// accessors that answer std::nullopt for a field the event does not have.
/// A view: valid until the next poll_output() on its endpoint (after it,
/// the accessors throw Error(SANSIP_RESULT_NO_EVENT) or read the next event).
class Event {
public:
    Event(const sansip_endpoint *endpoint, sansip_event kind) noexcept
        : endpoint_(endpoint), kind_(kind) {}

    /// The kind (treat an unknown value like SANSIP_EVENT_OTHER).
    sansip_event kind() const noexcept { return kind_; }

    std::optional<uint64_t> session() const { return get(sansip_event_session); }
    std::optional<uint64_t> registration() const { return get(sansip_event_registration); }
    std::optional<uint64_t> message_id() const { return get(sansip_event_message_id); }
    std::optional<uint64_t> subscription() const { return get(sansip_event_subscription); }
    std::optional<uint64_t> forked_subscription() const {
        return get(sansip_event_forked_subscription);
    }
    std::optional<uint64_t> publication() const { return get(sansip_event_publication); }
    std::optional<uint16_t> status() const { return get(sansip_event_status); }
    std::optional<uint32_t> expires() const { return get(sansip_event_expires); }
    std::optional<uint32_t> fork() const { return get(sansip_event_fork); }
    std::optional<sansip_end_reason> end_reason() const { return get(sansip_event_end_reason); }
    std::optional<sansip_failure> failure() const { return get(sansip_event_failure); }
    std::optional<uint16_t> cause_code() const { return get(sansip_event_cause_code); }
    std::optional<uint32_t> digit() const { return get(sansip_event_digit); }
    std::optional<uint32_t> duration_ms() const { return get(sansip_event_duration_ms); }
    std::optional<uint64_t> flow() const { return get(sansip_event_flow); }
    std::optional<uint64_t> retry_after_us() const { return get(sansip_event_retry_after_us); }
    std::optional<uint32_t> attempt() const { return get(sansip_event_attempt); }
    std::optional<uint64_t> delay_us() const { return get(sansip_event_delay_us); }
    std::optional<sansip_subscription_state> subscription_state() const {
        return get(sansip_event_subscription_state);
    }

    std::optional<std::string_view> body() const { return text(sansip_event_body); }
    std::optional<std::string_view> content_type() const {
        return text(sansip_event_content_type);
    }
    std::optional<std::string_view> from() const { return text(sansip_event_from); }
    std::optional<std::string_view> to() const { return text(sansip_event_to); }
    std::optional<std::string_view> reason() const { return text(sansip_event_reason); }
    std::optional<std::string_view> cause_protocol() const {
        return text(sansip_event_cause_protocol);
    }
    std::optional<std::string_view> cause_text() const { return text(sansip_event_cause_text); }
    std::optional<std::string_view> target() const { return text(sansip_event_target); }
    /// The entity tag of our published state (SANSIP_EVENT_PUBLISHED).
    std::optional<std::string_view> etag() const { return text(sansip_event_etag); }
    std::optional<std::string_view> referred_by() const { return text(sansip_event_referred_by); }
    std::optional<std::string_view> replaces() const { return text(sansip_event_replaces); }
    std::optional<std::string_view> gruu_public() const { return text(sansip_event_gruu_public); }
    std::optional<std::string_view> gruu_temporary() const {
        return text(sansip_event_gruu_temporary);
    }
    std::optional<std::string_view> package() const { return text(sansip_event_package); }

    /// The contacts the event lists (registrar bindings, redirection
    /// targets); std::nullopt when the event has no such list.
    std::optional<std::vector<std::string_view>> contacts() const {
        return list(sansip_event_contact_count, sansip_event_contact);
    }
    /// The Service-Route entries (SANSIP_EVENT_REGISTERED).
    std::optional<std::vector<std::string_view>> service_route() const {
        return list(sansip_event_service_route_count, sansip_event_service_route);
    }

private:
    const sansip_endpoint *endpoint_;
    sansip_event kind_;

    void fail(sansip_result r) const;

    template <typename T>
    std::optional<T> get(sansip_result (*accessor)(const sansip_endpoint *, T *)) const {
        T value{};
        sansip_result r = accessor(endpoint_, &value);
        if (r == SANSIP_RESULT_NO_VALUE) return std::nullopt;
        if (r != SANSIP_RESULT_OK) fail(r);
        return value;
    }
    std::optional<std::string_view> text(
        sansip_result (*accessor)(const sansip_endpoint *, const uint8_t **, size_t *)) const {
        const uint8_t *p = nullptr;
        size_t n = 0;
        sansip_result r = accessor(endpoint_, &p, &n);
        if (r == SANSIP_RESULT_NO_VALUE) return std::nullopt;
        if (r != SANSIP_RESULT_OK) fail(r);
        return detail::view(p, n);
    }
    std::optional<std::vector<std::string_view>> list(
        sansip_result (*count)(const sansip_endpoint *, size_t *),
        sansip_result (*item)(const sansip_endpoint *, size_t, const uint8_t **, size_t *)) const {
        std::optional<size_t> n = get(count);
        if (!n) return std::nullopt;
        std::vector<std::string_view> out;
        out.reserve(*n);
        for (size_t i = 0; i < *n; i++) {
            const uint8_t *p = nullptr;
            size_t len = 0;
            sansip_result r = item(endpoint_, i, &p, &len);
            if (r != SANSIP_RESULT_OK) fail(r);
            out.push_back(detail::view(p, len));
        }
        return out;
    }
};

/// What poll_output() asks of the host.
using Output = std::variant<Transmit, Connect, Close, Resolve, Event, Timeout>;

// ---- the endpoint -------------------------------------------------------

/// One user agent (`sansip_endpoint`). Move-only; freed on destruction.
/// Time is microseconds of the host's monotonic clock (`now_us`), as in C.
class Endpoint {
public:
    /// An endpoint from `config` (copied: the Config may go). Throws Error
    /// (SANSIP_RESULT_BAD_CONFIG with the config's explanation) on refusal.
    Endpoint(const Config &config, uint64_t now_us) {
        sansip_endpoint *raw = nullptr;
        sansip_result r = sansip_endpoint_new(config.get(), now_us, &raw);
        if (r != SANSIP_RESULT_OK) throw Error(r, config.last_error_message());
        handle_.reset(raw);
    }

    /// The C handle (borrowed; the Endpoint still owns it).
    sansip_endpoint *get() const noexcept { return handle_.get(); }

    /// The detail text of the last error on this endpoint.
    std::string last_error_message() const {
        uint8_t buf[1024];
        size_t n = 0;
        if (sansip_last_error_message(handle_.get(), buf, sizeof buf, &n) != SANSIP_RESULT_OK)
            return std::string();
        return std::string(detail::view(buf, n));
    }
    /// Whether a bug (a panic) poisoned the endpoint.
    bool is_poisoned() const noexcept { return sansip_endpoint_is_poisoned(handle_.get()); }

    /// Receives one log record: its level, target (`transport`, ...) and
    /// text, valid during the call only.
    using LogSink = std::function<void(sansip_log_level, std::string_view, std::string_view)>;

    /// Sends this endpoint's log records at `max_level` and more severe to
    /// `sink`, called from inside the calls on this endpoint (it must not
    /// call back into it; exceptions it throws are swallowed). An empty
    /// `sink` stops logging.
    void set_log(sansip_log_level max_level, LogSink sink) {
        if (!sink) {
            check(sansip_endpoint_set_log(get(), nullptr, nullptr, 0));
            log_.reset();
            return;
        }
        // On the heap so that moving the Endpoint keeps the pointer C holds.
        auto held = std::make_unique<LogSink>(std::move(sink));
        check(sansip_endpoint_set_log(get(), &Endpoint::log_trampoline, held.get(),
                                      static_cast<uint32_t>(max_level)));
        log_ = std::move(held);
    }

    // -- inputs --

    void receive(uint64_t now_us, sansip_transport transport, uint64_t flow,
                 const sansip_addr &source, const sansip_addr &destination, ByteView data) {
        check(sansip_endpoint_receive(get(), now_us, static_cast<uint32_t>(transport), flow,
                                      &source, &destination, detail::ptr(data), data.size));
    }
    void handle_timeout(uint64_t now_us) { check(sansip_endpoint_handle_timeout(get(), now_us)); }
    void flow_connected(uint64_t now_us, uint64_t flow) {
        check(sansip_endpoint_flow_connected(get(), now_us, flow));
    }
    void flow_closed(uint64_t now_us, uint64_t flow, std::string_view reason = {}) {
        check(sansip_endpoint_flow_closed(get(), now_us, flow, detail::ptr(reason),
                                          reason.size()));
    }
    /// The answer to a Resolve: `records` are read during the call only.
    void resolved(uint64_t now_us, uint64_t query_id, sansip_dns_status status,
                  const std::vector<sansip_dns_record> &records = {}) {
        check(sansip_endpoint_resolved(get(), now_us, query_id, static_cast<uint32_t>(status),
                                       records.empty() ? nullptr : records.data(),
                                       records.size()));
    }

    // -- the next output --

    /// Takes the next output; drain until a Timeout after every input or
    /// command. What it returns borrows from the endpoint until the next call.
    Output poll_output() {
        sansip_output o;
        check(sansip_endpoint_poll_output(get(), &o));
        switch (o.kind) {
        case SANSIP_OUTPUT_KIND_TRANSMIT: {
            Transmit t{static_cast<sansip_transport>(o.transport), std::nullopt, o.local,
                       o.remote, ByteView(o.data, o.data_len)};
            if (o.has_flow) t.flow = o.flow_id;
            return t;
        }
        case SANSIP_OUTPUT_KIND_CONNECT:
            return Connect{static_cast<sansip_transport>(o.transport), o.flow_id, o.remote,
                           detail::view(o.data, o.data_len)};
        case SANSIP_OUTPUT_KIND_CLOSE:
            return Close{o.flow_id};
        case SANSIP_OUTPUT_KIND_RESOLVE:
            return Resolve{o.query_id, static_cast<sansip_record_type>(o.record_type),
                           detail::view(o.data, o.data_len)};
        case SANSIP_OUTPUT_KIND_EVENT:
            return Event(get(), o.event);
        case SANSIP_OUTPUT_KIND_TIMEOUT:
            return Timeout{o.timeout_us};
        }
        throw Error(SANSIP_RESULT_INVALID_ARGUMENT,
                    "unknown output kind " + std::to_string(static_cast<int>(o.kind)));
    }

    // -- calls --

    /// Calls `target` with the SDP offer `sdp` (empty: no offer); the session id.
    uint64_t invite(uint64_t now_us, std::string_view target, ByteView sdp = {},
                    const std::vector<Header> &headers = {}) {
        uint64_t id = 0;
        std::vector<sansip_header> h = raw_headers(headers);
        check(sansip_endpoint_invite_with_headers(get(), now_us, detail::ptr(target),
                                                  target.size(), detail::ptr(sdp), sdp.size,
                                                  h.empty() ? nullptr : h.data(), h.size(), &id));
        return id;
    }
    void progress(uint64_t now_us, uint64_t session, uint16_t status, ByteView sdp = {},
                  bool reliable = false) {
        check(sansip_endpoint_progress(get(), now_us, session, status, detail::ptr(sdp),
                                       sdp.size, reliable));
    }
    void accept(uint64_t now_us, uint64_t session, ByteView sdp = {}) {
        check(sansip_endpoint_accept(get(), now_us, session, detail::ptr(sdp), sdp.size));
    }
    void reject(uint64_t now_us, uint64_t session, uint16_t status, std::string_view reason = {}) {
        check(sansip_endpoint_reject(get(), now_us, session, status, detail::ptr(reason),
                                     reason.size()));
    }
    void answer(uint64_t now_us, uint64_t session, ByteView sdp) {
        check(sansip_endpoint_answer(get(), now_us, session, detail::ptr(sdp), sdp.size));
    }
    void cancel(uint64_t now_us, uint64_t session) {
        check(sansip_endpoint_cancel(get(), now_us, session));
    }
    void hangup(uint64_t now_us, uint64_t session) {
        check(sansip_endpoint_hangup(get(), now_us, session));
    }
    /// Hangs up with a Reason header: `protocol` (`SIP`, `Q.850`), `cause`
    /// (std::nullopt: none) and `cause_text` (empty: none).
    void hangup_with_cause(uint64_t now_us, uint64_t session, std::string_view protocol,
                           std::optional<int32_t> cause, std::string_view cause_text = {}) {
        check(sansip_endpoint_hangup_with_cause(get(), now_us, session, detail::ptr(protocol),
                                                protocol.size(), cause ? *cause : -1,
                                                detail::ptr(cause_text), cause_text.size()));
    }
    void hold(uint64_t now_us, uint64_t session) {
        check(sansip_endpoint_hold(get(), now_us, session));
    }
    void resume(uint64_t now_us, uint64_t session) {
        check(sansip_endpoint_resume(get(), now_us, session));
    }
    void renegotiate(uint64_t now_us, uint64_t session, ByteView sdp) {
        check(sansip_endpoint_renegotiate(get(), now_us, session, detail::ptr(sdp), sdp.size));
    }
    void update(uint64_t now_us, uint64_t session, ByteView sdp) {
        check(sansip_endpoint_update(get(), now_us, session, detail::ptr(sdp), sdp.size));
    }
    void send_dtmf(uint64_t now_us, uint64_t session, std::string_view digits,
                   uint32_t duration_ms) {
        check(sansip_endpoint_send_dtmf(get(), now_us, session, detail::ptr(digits),
                                        digits.size(), duration_ms));
    }
    void refer(uint64_t now_us, uint64_t session, std::string_view target) {
        check(sansip_endpoint_refer(get(), now_us, session, detail::ptr(target), target.size()));
    }
    void refer_with_replaces(uint64_t now_us, uint64_t session, uint64_t other) {
        check(sansip_endpoint_refer_with_replaces(get(), now_us, session, other));
    }
    /// Accepts a transfer; the new call's session id.
    uint64_t accept_transfer(uint64_t now_us, uint64_t session) {
        uint64_t id = 0;
        check(sansip_endpoint_accept_transfer(get(), now_us, session, &id));
        return id;
    }
    void reject_transfer(uint64_t now_us, uint64_t session) {
        check(sansip_endpoint_reject_transfer(get(), now_us, session));
    }

    // -- registrations --

    /// Registers with `registrar` (empty: the AOR's domain) for `expires`
    /// seconds (0: the default); the registration id. (`register` is a C++
    /// keyword.)
    uint64_t register_with(uint64_t now_us, std::string_view registrar = {},
                           uint32_t expires = 0) {
        uint64_t id = 0;
        check(sansip_endpoint_register(get(), now_us, detail::ptr(registrar), registrar.size(),
                                       expires, &id));
        return id;
    }
    void unregister(uint64_t now_us, uint64_t registration, bool all = false) {
        check(sansip_endpoint_unregister(get(), now_us, registration, all));
    }

    // -- MESSAGE --

    /// Sends a MESSAGE; its id (for MESSAGE_DELIVERED / MESSAGE_FAILED).
    uint64_t message(uint64_t now_us, std::string_view target, std::string_view content_type,
                     ByteView body, const std::vector<Header> &headers = {}) {
        uint64_t id = 0;
        std::vector<sansip_header> h = raw_headers(headers);
        check(sansip_endpoint_message_with_headers(
            get(), now_us, detail::ptr(target), target.size(), detail::ptr(content_type),
            content_type.size(), detail::ptr(body), body.size, h.empty() ? nullptr : h.data(),
            h.size(), &id));
        return id;
    }

    // -- presence --

    /// Our presence for the PIDF document sansip writes (empty texts: absent).
    struct Presence {
        bool open = true;
        std::string_view note;      ///< for people: "In a meeting"
        std::string_view activity;  ///< an RPID activity: "away", "busy", "meeting", ...
        std::string_view contact;   ///< where to reach us (a URI)
    };
    /// Sends the watcher of an accepted `presence` subscription our presence.
    void notify_presence(uint64_t now_us, uint64_t subscription, sansip_subscription_state state,
                         const Presence &presence) {
        sansip_presence p = raw_presence(presence);
        check(sansip_endpoint_notify_presence(get(), now_us, subscription,
                                              static_cast<uint32_t>(state), &p));
    }
    /// Publishes our presence to `target`; the publication id.
    uint64_t publish_presence(uint64_t now_us, std::string_view target, const Presence &presence,
                              uint32_t expires) {
        sansip_presence p = raw_presence(presence);
        uint64_t id = 0;
        check(sansip_endpoint_publish_presence(get(), now_us, detail::ptr(target), target.size(),
                                               &p, expires, &id));
        return id;
    }
    /// Sends the watcher of an accepted `dialog` subscription the dialog-info
    /// document of our calls now (RFC 4235), with `version`.
    void notify_dialog_info(uint64_t now_us, uint64_t subscription, sansip_subscription_state state,
                            uint64_t version) {
        check(sansip_endpoint_notify_dialog_info(get(), now_us, subscription,
                                                 static_cast<uint32_t>(state), version));
    }
    /// The dialog-info document of our calls now (a copy).
    std::string dialog_info(uint64_t version) {
        const uint8_t *p = nullptr;
        size_t n = 0;
        check(sansip_endpoint_dialog_info(get(), version, &p, &n));
        return std::string(detail::view(p, n));
    }

    uint64_t publish(uint64_t now_us, std::string_view target, std::string_view event,
                     std::string_view content_type, ByteView body, uint32_t expires) {
        uint64_t id = 0;
        check(sansip_endpoint_publish(get(), now_us, detail::ptr(target), target.size(),
                                      detail::ptr(event), event.size(), detail::ptr(content_type),
                                      content_type.size(), detail::ptr(body), body.size, expires,
                                      &id));
        return id;
    }
    void modify_publication(uint64_t now_us, uint64_t publication, std::string_view content_type,
                            ByteView body) {
        check(sansip_endpoint_modify_publication(get(), now_us, publication,
                                                 detail::ptr(content_type), content_type.size(),
                                                 detail::ptr(body), body.size));
    }
    void unpublish(uint64_t now_us, uint64_t publication) {
        check(sansip_endpoint_unpublish(get(), now_us, publication));
    }
    uint64_t subscribe(uint64_t now_us, std::string_view target, std::string_view event,
                       std::string_view accept, uint32_t expires) {
        uint64_t id = 0;
        check(sansip_endpoint_subscribe(get(), now_us, detail::ptr(target), target.size(),
                                        detail::ptr(event), event.size(), detail::ptr(accept),
                                        accept.size(), expires, &id));
        return id;
    }
    void unsubscribe(uint64_t now_us, uint64_t subscription) {
        check(sansip_endpoint_unsubscribe(get(), now_us, subscription));
    }
    void accept_subscription(uint64_t now_us, uint64_t subscription, uint32_t max_expires) {
        check(sansip_endpoint_accept_subscription(get(), now_us, subscription, max_expires));
    }
    void reject_subscription(uint64_t now_us, uint64_t subscription, uint16_t status) {
        check(sansip_endpoint_reject_subscription(get(), now_us, subscription, status));
    }
    void notify(uint64_t now_us, uint64_t subscription, sansip_subscription_state state,
                std::string_view content_type, ByteView body = {}) {
        check(sansip_endpoint_notify(get(), now_us, subscription, static_cast<uint32_t>(state),
                                     detail::ptr(content_type), content_type.size(),
                                     detail::ptr(body), body.size));
    }

private:
    struct Deleter {
        void operator()(sansip_endpoint *e) const noexcept { sansip_endpoint_free(e); }
    };
    // Declared before handle_, so destroyed after the endpoint that calls it.
    std::unique_ptr<LogSink> log_;
    std::unique_ptr<sansip_endpoint, Deleter> handle_;

    static void log_trampoline(void *userdata, sansip_log_level level, const uint8_t *target,
                               size_t target_len, const uint8_t *text, size_t text_len) noexcept {
        try {
            (*static_cast<LogSink *>(userdata))(level, detail::view(target, target_len),
                                               detail::view(text, text_len));
        } catch (...) {
            // An exception must not unwind through sansip's frames.
        }
    }

    void check(sansip_result r) const {
        if (r != SANSIP_RESULT_OK) throw Error(r, last_error_message());
    }
    static sansip_presence raw_presence(const Presence &in) {
        sansip_presence p;
        p.open = in.open;
        p.note = detail::ptr(in.note);
        p.note_len = in.note.size();
        p.activity = detail::ptr(in.activity);
        p.activity_len = in.activity.size();
        p.contact = detail::ptr(in.contact);
        p.contact_len = in.contact.size();
        return p;
    }
    static std::vector<sansip_header> raw_headers(const std::vector<Header> &in) {
        std::vector<sansip_header> out;
        out.reserve(in.size());
        for (const Header &h : in) {
            sansip_header raw;
            raw.name = detail::ptr(h.name);
            raw.name_len = h.name.size();
            raw.value = detail::ptr(h.value);
            raw.value_len = h.value.size();
            out.push_back(raw);
        }
        return out;
    }
};

inline void Event::fail(sansip_result r) const {
    uint8_t buf[1024];
    size_t n = 0;
    if (sansip_last_error_message(endpoint_, buf, sizeof buf, &n) != SANSIP_RESULT_OK) n = 0;
    throw Error(r, std::string(detail::view(buf, n)));
}

}  // namespace sansip

#endif  // SANSIP_HPP
