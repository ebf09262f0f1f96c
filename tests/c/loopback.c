/*
 * Two sansip endpoints in one process, wired by in-memory datagrams (no
 * sockets): a MESSAGE each way (one with extra header fields, one to a
 * name resolved through SRV and A records the host answers), and a call
 * set up and hung up. Built and run by tests/capi_c.rs (as C11 and as
 * C++17), and by tests/c/check.sh under ASAN+UBSAN and Valgrind.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char *OFFER =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
static const char *ANSWER =
    "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 4002 RTP/AVP 0\r\n";

static void messages(peer *alice, peer *bob) {
    peer *both[2] = {alice, bob};
    uint64_t to_bob = 0, to_alice = 0;

    EXPECT(sansip_endpoint_message(alice->ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                   S("text/plain"), S("hello bob"), &to_bob),
           SANSIP_RESULT_OK);
    run(both, 2);
    const ev *m = last(bob, SANSIP_EVENT_MESSAGE);
    CHECK(m != NULL && strcmp(m->body, "hello bob") == 0);
    CHECK(m != NULL && strstr(m->from, "alice") != NULL && strstr(m->to, "bob") != NULL);
    CHECK(m != NULL && strcmp(m->content_type, "text/plain") == 0);
    const ev *d = last(alice, SANSIP_EVENT_MESSAGE_DELIVERED);
    CHECK(d != NULL && d->message_id == to_bob && d->status == 200);

    /* Extra header fields go out as given. */
    sansip_header headers[2];
    headers[0].name = (const uint8_t *)"X-Account";
    headers[0].name_len = strlen("X-Account");
    headers[0].value = (const uint8_t *)"42";
    headers[0].value_len = 2;
    headers[1] = headers[0];
    headers[1].name = (const uint8_t *)"X-Empty";
    headers[1].name_len = strlen("X-Empty");
    headers[1].value_len = 0;
    headers[1].value = NULL;
    watch = "X-Account: 42\r\n";
    watch_hits = 0;
    EXPECT(sansip_endpoint_message_with_headers(bob->ep, now_us, S("sip:alice@127.0.0.1:5060"),
                                                S("text/plain"), S("hello alice"), headers, 2,
                                                &to_alice),
           SANSIP_RESULT_OK);
    run(both, 2);
    CHECK(watch_hits == 1);
    watch = NULL;
    m = last(alice, SANSIP_EVENT_MESSAGE);
    CHECK(m != NULL && strcmp(m->body, "hello alice") == 0);
    d = last(bob, SANSIP_EVENT_MESSAGE_DELIVERED);
    CHECK(d != NULL && d->message_id == to_alice);

    /* To a name: NAPTR (not found), SRV, then A, all answered by the host. */
    sansip_dns_record srv = dns_record(SANSIP_RECORD_TYPE_SRV);
    srv.priority = 10;
    srv.weight = 1;
    srv.port = 5062;
    srv.target = (const uint8_t *)"host.bob.test";
    srv.target_len = strlen("host.bob.test");
    dns_add("_sip._udp.bob.test", srv);
    sansip_dns_record a = dns_record(SANSIP_RECORD_TYPE_A);
    a.addr = ipv4(0);
    dns_add("host.bob.test", a);
    uint64_t named = 0;
    size_t before = count(bob, SANSIP_EVENT_MESSAGE);
    EXPECT(sansip_endpoint_message(alice->ep, now_us, S("sip:bob@bob.test"), S("text/plain"),
                                   S("by name"), &named),
           SANSIP_RESULT_OK);
    run(both, 2);
    CHECK(count(bob, SANSIP_EVENT_MESSAGE) == before + 1);
    d = last(alice, SANSIP_EVENT_MESSAGE_DELIVERED);
    CHECK(d != NULL && d->message_id == named);

    /* A name nobody knows: the MESSAGE fails as unresolvable. */
    EXPECT(sansip_endpoint_message(alice->ep, now_us, S("sip:bob@nowhere.test"), S("text/plain"),
                                   S("lost"), &named),
           SANSIP_RESULT_OK);
    run(both, 2);
    const ev *f = last(alice, SANSIP_EVENT_MESSAGE_FAILED);
    CHECK(f != NULL && f->message_id == named && f->has_failure &&
          f->failure == SANSIP_FAILURE_UNRESOLVABLE && !f->has_status);
}

static void call(peer *alice, peer *bob) {
    peer *both[2] = {alice, bob};
    uint64_t call = 0;
    EXPECT(sansip_endpoint_invite(alice->ep, now_us, S("sip:bob@127.0.0.1:5062"), S(OFFER), &call),
           SANSIP_RESULT_OK);
    run(both, 2);
    const ev *in = last(bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL && strcmp(in->body, OFFER) == 0);
    CHECK(in != NULL && strcmp(in->content_type, "application/sdp") == 0);
    if (in == NULL) return;
    EXPECT(sansip_endpoint_accept(bob->ep, now_us, in->session, S(ANSWER)), SANSIP_RESULT_OK);
    run(both, 2);
    const ev *up = last(alice, SANSIP_EVENT_CALL_ACCEPTED);
    CHECK(up != NULL && up->session == call && strcmp(up->body, ANSWER) == 0);
    CHECK(up != NULL && up->has_fork && up->fork == 1);
    CHECK(last(bob, SANSIP_EVENT_CALL_ACCEPTED) != NULL);
    EXPECT(sansip_endpoint_hangup(alice->ep, now_us, call), SANSIP_RESULT_OK);
    run(both, 2);
    const ev *end = last(alice, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->has_end_reason && end->end_reason == SANSIP_END_REASON_LOCAL_HANGUP);
    end = last(bob, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->end_reason == SANSIP_END_REASON_REMOTE_HANGUP);
}

int main(void) {
    peer alice, bob;
    peer_init(&alice, "alice", "sip:alice@127.0.0.1", 5060, 1, NULL);
    peer_init(&bob, "bob", "sip:bob@127.0.0.1", 5062, 2, NULL);

    messages(&alice, &bob);
    call(&alice, &bob);

    peer_free(&alice);
    peer_free(&bob);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("loopback: ok\n");
    return 0;
}
