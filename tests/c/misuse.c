/*
 * Every kind of misuse the C ABI promises to refuse with a result instead
 * of undefined behaviour: NULL handles and arguments, integers outside
 * their enum, lengths too large, text that is not UTF-8, configurations
 * sansip_endpoint_new refuses (with the reason readable), and handles used
 * or freed again after sansip_*_free. (A poisoned handle needs a panic,
 * which no input can cause: that is tested from Rust, src/ffi/handle.rs
 * and src/ffi/endpoint.rs.)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define TARGET S("sip:bob@127.0.0.1:5062")

static sansip_endpoint *endpoint(void) {
    peer p;
    peer_init(&p, "x", "sip:x@127.0.0.1", 5070, 9, NULL);
    return p.ep;
}

/* The config's last error contains `needle`. */
static int config_says(const sansip_config *cfg, const char *needle) {
    char buf[256];
    size_t n = 0;
    EXPECT(sansip_config_last_error_message(cfg, (uint8_t *)buf, sizeof buf - 1, &n),
           SANSIP_RESULT_OK);
    buf[n] = '\0';
    printf("config error: %s\n", buf);
    return strstr(buf, needle) != NULL;
}

static void nulls(sansip_endpoint *ep) {
    uint64_t id = 0;
    sansip_output out;
    sansip_event kind = SANSIP_EVENT_NONE;
    const uint8_t *p = NULL;
    size_t n = 0;
    uint8_t buf[8];

    /* NULL handles. */
    EXPECT(sansip_endpoint_poll_output(NULL, &out), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_handle_timeout(NULL, now_us), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_flow_connected(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_flow_closed(NULL, now_us, 1, NULL, 0), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_resolved(NULL, now_us, 1, 0, NULL, 0), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_register(NULL, now_us, NULL, 0, 0, &id), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_unregister(NULL, now_us, 1, false), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_invite(NULL, now_us, TARGET, NULL, 0, &id), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_progress(NULL, now_us, 1, 180, NULL, 0, false),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_reject(NULL, now_us, 1, 486, NULL, 0), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_cancel(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_hangup_with_cause(NULL, now_us, 1, S("SIP"), 200, NULL, 0),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_answer(NULL, now_us, 1, S("v=0")), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_hold(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_resume(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_renegotiate(NULL, now_us, 1, S("v=0")), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_update(NULL, now_us, 1, S("v=0")), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_send_dtmf(NULL, now_us, 1, S("1"), 100), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_refer(NULL, now_us, 1, TARGET), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_refer_with_replaces(NULL, now_us, 1, 2), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_accept_transfer(NULL, now_us, 1, &id), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_reject_transfer(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_subscribe(NULL, now_us, TARGET, S("presence"), S("a/b"), 60, &id),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_unsubscribe(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_accept_subscription(NULL, now_us, 1, 60), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_reject_subscription(NULL, now_us, 1, 403), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_notify(NULL, now_us, 1, 0, S("a/b"), NULL, 0),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_publish(NULL, now_us, TARGET, S("presence"), S("a/b"), NULL, 0, 60, &id),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_modify_publication(NULL, now_us, 1, S("a/b"), NULL, 0),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_unpublish(NULL, now_us, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_event_kind(NULL, &kind), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_event_cause_text(NULL, &p, &n), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_last_error_message(NULL, buf, sizeof buf, &n), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_config_last_error_message(NULL, buf, sizeof buf, &n),
           SANSIP_RESULT_NULL_ARGUMENT);
    CHECK(!sansip_endpoint_is_poisoned(NULL));
    sansip_endpoint_free(NULL);
    sansip_config_free(NULL);

    /* NULL out-parameters, and NULL buffers with a length. */
    EXPECT(sansip_endpoint_invite(ep, now_us, TARGET, NULL, 0, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_invite(ep, now_us, NULL, 10, NULL, 0, &id), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_invite_with_headers(ep, now_us, TARGET, NULL, 0, NULL, 2, &id),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_subscribe(ep, now_us, TARGET, NULL, 3, S("a/b"), 60, &id),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_publish(ep, now_us, TARGET, S("presence"), S("a/b"), NULL, 0, 60, NULL),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_resolved(ep, now_us, 1, SANSIP_DNS_STATUS_OK, NULL, 1),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_event_body(ep, NULL, &n), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_event_contact(ep, 0, &p, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_last_error_message(ep, NULL, 4, &n), SANSIP_RESULT_NULL_ARGUMENT);

    /* No event is current: every accessor says so. */
    do {
        EXPECT(sansip_endpoint_poll_output(ep, &out), SANSIP_RESULT_OK);
    } while (out.kind != SANSIP_OUTPUT_KIND_TIMEOUT);
    EXPECT(sansip_event_kind(ep, &kind), SANSIP_RESULT_NO_EVENT);
    EXPECT(sansip_event_fork(ep, &out.record_type), SANSIP_RESULT_NO_EVENT);
    EXPECT(sansip_event_target(ep, &p, &n), SANSIP_RESULT_NO_EVENT);
    EXPECT(sansip_event_package(ep, &p, &n), SANSIP_RESULT_NO_EVENT);
}

static void integers_and_lengths(sansip_endpoint *ep) {
    uint64_t id = 0;
    sansip_config *cfg = NULL;
    sansip_dns_record r = dns_record(SANSIP_RECORD_TYPE_A);
    sansip_header h;
    sansip_str s;
    uint32_t transports[2] = {SANSIP_TRANSPORT_UDP, 9};
    const uint8_t *text = (const uint8_t *)"sip:bob@127.0.0.1";

    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_ring_policy(cfg, 3), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_source_policy(cfg, 2), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_duration(cfg, 9, 1000), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_duration(cfg, UINT32_MAX, 1000), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_limit(cfg, 11, 10), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_limit(cfg, SANSIP_LIMIT_RECONNECT_ATTEMPTS, SIZE_MAX),
           sizeof(size_t) > 4 ? SANSIP_RESULT_INVALID_ARGUMENT : SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_realm_ha1(cfg, NULL, 0, S("u"), 6, S("abc")),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_session_timer(cfg, true, 60, 30), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_session_timer(cfg, true, 60, 90), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_transports(cfg, transports, 2), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_add_codec(cfg, S("audio"), 4000, S("PCMU"), 8000, 0, NULL, 0),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_media_direction(cfg, S("audio"), 4, false),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_media_direction(cfg, S("video"), 0, false),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_add_local(cfg, 5, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    sansip_config_free(cfg);

    EXPECT(sansip_endpoint_notify(ep, now_us, 1, 3, S("a/b"), NULL, 0),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_resolved(ep, now_us, 1, 3, NULL, 0), SANSIP_RESULT_INVALID_ARGUMENT);
    r.record_type = 5;
    EXPECT(sansip_endpoint_resolved(ep, now_us, 1, SANSIP_DNS_STATUS_OK, &r, 1),
           SANSIP_RESULT_INVALID_ARGUMENT);
    r.record_type = SANSIP_RECORD_TYPE_AAAA;
    r.addr = ipv4(0);
    EXPECT(sansip_endpoint_resolved(ep, now_us, 1, SANSIP_DNS_STATUS_OK, &r, 1),
           SANSIP_RESULT_INVALID_ARGUMENT);
    r.record_type = SANSIP_RECORD_TYPE_ADDRESS;
    r.transport = 7;
    EXPECT(sansip_endpoint_resolved(ep, now_us, 1, SANSIP_DNS_STATUS_OK, &r, 1),
           SANSIP_RESULT_INVALID_ARGUMENT);
    /* An answer to a query never asked is ignored. */
    r.transport = SANSIP_TRANSPORT_ANY;
    EXPECT(sansip_endpoint_resolved(ep, now_us, 12345, SANSIP_DNS_STATUS_OK, &r, 1),
           SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_progress(ep, now_us, 1, 200, NULL, 0, false),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_reject_subscription(ep, now_us, 1, 100), SANSIP_RESULT_INVALID_ARGUMENT);

    /* Lengths no buffer can have. */
    EXPECT(sansip_endpoint_invite(ep, now_us, text, SIZE_MAX, NULL, 0, &id),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_invite(ep, now_us, text, (size_t)PTRDIFF_MAX + 1, NULL, 0, &id),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_invite_with_headers(ep, now_us, TARGET, NULL, 0, &h,
                                               SIZE_MAX / sizeof h, &id),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_resolved(ep, now_us, 1, SANSIP_DNS_STATUS_OK, &r, SIZE_MAX / 2),
           SANSIP_RESULT_INVALID_ARGUMENT);
    s.data = text;
    s.len = SIZE_MAX;
    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_events(cfg, &s, 1), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_set_events(cfg, &s, SIZE_MAX), SANSIP_RESULT_INVALID_ARGUMENT);
    sansip_config_free(cfg);

    /* Text that is not UTF-8, or cannot go into a message. */
    EXPECT(sansip_endpoint_refer(ep, now_us, 1, (const uint8_t *)"sip:\xc3\x28", 6),
           SANSIP_RESULT_BAD_UTF8);
    h.name = (const uint8_t *)"X Bad";
    h.name_len = 5;
    h.value = (const uint8_t *)"v";
    h.value_len = 1;
    EXPECT(sansip_endpoint_invite_with_headers(ep, now_us, TARGET, NULL, 0, &h, 1, &id),
           SANSIP_RESULT_BAD_TEXT);
    EXPECT(sansip_endpoint_subscribe(ep, now_us, TARGET, S("pres\r\nence"), S("a/b"), 60, &id),
           SANSIP_RESULT_BAD_TEXT);
    EXPECT(sansip_endpoint_invite(ep, now_us, S("mailto:bob@example.com"), NULL, 0, &id),
           SANSIP_RESULT_BAD_URI);

    /* Unknown ids. */
    EXPECT(sansip_endpoint_hold(ep, now_us, 999), SANSIP_RESULT_NO_SUCH_SESSION);
    EXPECT(sansip_endpoint_send_dtmf(ep, now_us, 999, S("1"), 100), SANSIP_RESULT_NO_SUCH_SESSION);
    EXPECT(sansip_endpoint_unregister(ep, now_us, 999, true), SANSIP_RESULT_NO_SUCH_REGISTRATION);
    EXPECT(sansip_endpoint_unpublish(ep, now_us, 999), SANSIP_RESULT_WRONG_STATE);
    EXPECT(sansip_endpoint_accept_subscription(ep, now_us, 999, 60), SANSIP_RESULT_WRONG_STATE);
    EXPECT(sansip_endpoint_refer_with_replaces(ep, now_us, 999, 998), SANSIP_RESULT_WRONG_STATE);
    CHECK(!sansip_endpoint_is_poisoned(ep));
}

static void refused_configs(void) {
    sansip_config *cfg = NULL;
    sansip_endpoint *ep = NULL;
    sansip_addr local = ipv4(5072);
    sansip_str events[2];
    events[0].data = (const uint8_t *)"presence";
    events[0].len = strlen("presence");
    events[1].data = (const uint8_t *)"bad event";
    events[1].len = strlen("bad event");

    EXPECT(sansip_config_new(S("not a uri"), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &local), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    CHECK(config_says(cfg, "endpoint_out"));
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(ep == NULL && config_says(cfg, "AOR"));
    sansip_config_free(cfg);

    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "no local address"));
    EXPECT(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &local), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_duration(cfg, SANSIP_DURATION_T1, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "T1"));
    EXPECT(sansip_config_set_duration(cfg, SANSIP_DURATION_T1, 500000), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_events(cfg, events, 2), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "bad event"));
    EXPECT(sansip_config_set_events(cfg, events, 1), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_codec(cfg, S("audio"), 4000, S("PCMU"), 8000, 0, NULL, 0),
           SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "no address"));
    EXPECT(sansip_config_set_media_address(cfg, S("127.0.0.1")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_display_name(cfg, S("Eve\r\nVia: x")), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "display_name"));
    EXPECT(sansip_config_set_display_name(cfg, NULL, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_outbound_proxy(cfg, S("http://proxy")), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "route"));
    EXPECT(sansip_config_set_outbound_proxy(cfg, NULL, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_refresh_fraction(cfg, 1.5), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(config_says(cfg, "refresh_fraction"));
    EXPECT(sansip_config_set_refresh_fraction(cfg, 0.5), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_realm_password(cfg, (const uint8_t *)"\xff", 1, S("u"), S("p")),
           SANSIP_RESULT_BAD_UTF8);
    CHECK(config_says(cfg, "UTF-8"));
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_OK);
    CHECK(ep != NULL);
    sansip_endpoint_free(ep);
    sansip_config_free(cfg);
}

/* Every setter accepted together makes a working endpoint. */
static void every_setter(void) {
    sansip_config *cfg = NULL;
    sansip_endpoint *ep = NULL;
    sansip_addr local = ipv4(5074);
    uint32_t transports[2] = {SANSIP_TRANSPORT_UDP, SANSIP_TRANSPORT_TCP};
    sansip_str types[2];
    types[0].data = (const uint8_t *)"text/plain";
    types[0].len = strlen("text/plain");
    types[1].data = (const uint8_t *)"application/im-iscomposing+xml";
    types[1].len = strlen("application/im-iscomposing+xml");

    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &local), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_transports(cfg, transports, 2), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_display_name(cfg, S("Xavier")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_contact_user(cfg, S("xav")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_outbound_proxy(cfg, S("sip:127.0.0.1:5090")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_route(cfg, S("sip:127.0.0.1:5092;lr")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_user_agent(cfg, S("misuse/1")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_user_agent(cfg, NULL, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_instance_id(cfg, S("urn:uuid:00000000-0000-0000-0000-000000000001")),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_supported(cfg, S("gruu")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_session_timer(cfg, true, 600, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_session_timer(cfg, false, 0, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_ring_policy(cfg, SANSIP_RING_POLICY_RELIABLE_RINGING),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_source_policy(cfg, SANSIP_SOURCE_POLICY_REGISTERED_ONLY),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_realm_password(cfg, S("example.com"), S("x"), S("pw")),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_realm_ha1(cfg, S("other.example.com"), S("x"),
                                       SANSIP_DIGEST_ALGORITHM_SHA256,
                                       S("0123456789abcdef0123456789abcdef"
                                         "0123456789abcdef0123456789abcdef")),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_duration(cfg, SANSIP_DURATION_T1, 100000), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_duration(cfg, SANSIP_DURATION_T2, 2000000), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_duration(cfg, SANSIP_DURATION_T4, 3000000), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_duration(cfg, SANSIP_DURATION_RECONNECT_DELAY, 1000000),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_limit(cfg, SANSIP_LIMIT_MAX_MESSAGE_SIZE, 8192), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_limit(cfg, SANSIP_LIMIT_MAX_TRANSACTIONS, 64), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_limit(cfg, SANSIP_LIMIT_MAX_FLOWS, 8), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_limit(cfg, SANSIP_LIMIT_MAX_USAGES, 8), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_limit(cfg, SANSIP_LIMIT_RECONNECT_ATTEMPTS, 5), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_message_types(cfg, types, 2), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_events(cfg, NULL, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_media_address(cfg, S("127.0.0.1")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_codec(cfg, S("audio"), 4000, S("opus"), 48000, 2,
                                   S("useinbandfec=1")),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_codec(cfg, S("audio"), 4000, S("PCMU"), 8000, 0, NULL, 0),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_media_direction(cfg, S("audio"), SANSIP_MEDIA_DIRECTION_SENDRECV,
                                             true),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_clear_media(cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_OK);
    sansip_endpoint_free(ep);
    sansip_config_free(cfg);
}

static void stale(void) {
    sansip_endpoint *ep = endpoint();
    sansip_config *cfg = NULL;
    sansip_output out;
    uint64_t id = 0;
    uint8_t buf[16];
    size_t n = 0;

    sansip_endpoint_free(ep);
    /* Every call on the freed endpoint is refused; freeing again does nothing. */
    EXPECT(sansip_endpoint_poll_output(ep, &out), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_endpoint_handle_timeout(ep, now_us), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_endpoint_invite(ep, now_us, TARGET, NULL, 0, &id), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_endpoint_hangup(ep, now_us, 1), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_event_body(ep, (const uint8_t **)&out.data, &n), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_last_error_message(ep, buf, sizeof buf, &n), SANSIP_RESULT_STALE_HANDLE);
    CHECK(!sansip_endpoint_is_poisoned(ep));
    sansip_endpoint_free(ep);
    sansip_endpoint_free(ep);
    EXPECT(sansip_endpoint_hold(ep, now_us, 1), SANSIP_RESULT_STALE_HANDLE);

    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), &cfg), SANSIP_RESULT_OK);
    sansip_config_free(cfg);
    EXPECT(sansip_config_set_seed(cfg, 1), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_endpoint_new(cfg, now_us, &ep), SANSIP_RESULT_STALE_HANDLE);
    EXPECT(sansip_config_last_error_message(cfg, buf, sizeof buf, &n), SANSIP_RESULT_STALE_HANDLE);
    sansip_config_free(cfg);
    CHECK(strcmp(sansip_result_str(SANSIP_RESULT_STALE_HANDLE), "SANSIP_RESULT_STALE_HANDLE") == 0);
}

int main(void) {
    sansip_endpoint *ep = endpoint();

    CHECK(strcmp(sansip_result_str(SANSIP_RESULT_OK), "SANSIP_RESULT_OK") == 0);
    CHECK(strcmp(sansip_result_str(1000), "SANSIP_RESULT_UNKNOWN") == 0);
    CHECK(sansip_version() != NULL && strlen(sansip_version()) > 0);
    CHECK(sansip_abi_version() == SANSIP_ABI_VERSION);

    nulls(ep);
    integers_and_lengths(ep);
    refused_configs();
    every_setter();
    stale();

    {
        char buf[128];
        size_t n = 0;
        EXPECT(sansip_last_error_message(ep, (uint8_t *)buf, sizeof buf - 1, &n), SANSIP_RESULT_OK);
        buf[n] = '\0';
        CHECK(n > 0);
        printf("last error: %s\n", buf);
    }
    sansip_endpoint_free(ep);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("misuse: ok\n");
    return 0;
}
