/*
 * The per-endpoint log callback from C: records reach the callback of the
 * endpoint that made them (with its userdata), levels filter, a NULL
 * callback stops logging, bad levels are refused, and a callback that
 * calls back into its own endpoint is refused ("in use") instead of
 * corrupting it. Built and run by tests/capi_c.rs (as C11 and as C++17),
 * and by tests/c/check.sh under ASAN+UBSAN and Valgrind.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

typedef struct {
    sansip_endpoint *self;
    int records, warnings;
    int reentry_result;
    char first[256], last_target[32];
} sink;

static void on_log(void *userdata, sansip_log_level level, const uint8_t *target,
                   size_t target_len, const uint8_t *text, size_t text_len) {
    sink *s = (sink *)userdata;
    if (s->records == 0) snprintf(s->first, sizeof s->first, "%.*s", (int)text_len, (const char *)text);
    snprintf(s->last_target, sizeof s->last_target, "%.*s", (int)target_len, (const char *)target);
    s->records++;
    if (level == SANSIP_LOG_LEVEL_WARN) s->warnings++;
    /* Calling into the endpoint that is logging must be refused. */
    if (s->self != NULL) s->reentry_result = (int)sansip_endpoint_handle_timeout(s->self, now_us);
}

int main(void) {
    peer alice, bob;
    peer *both[2];
    sink a, b;
    uint64_t id = 0;
    sansip_addr src = ipv4(5099);

    peer_init(&alice, "alice", "sip:alice@127.0.0.1", 5060, 1, NULL);
    peer_init(&bob, "bob", "sip:bob@127.0.0.1", 5062, 2, NULL);
    both[0] = &alice;
    both[1] = &bob;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.reentry_result = b.reentry_result = -1;

    /* Misuse: NULL endpoint, levels out of range. */
    EXPECT(sansip_endpoint_set_log(NULL, on_log, &a, SANSIP_LOG_LEVEL_DEBUG), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_set_log(alice.ep, on_log, &a, 0), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_set_log(alice.ep, on_log, &a, 6), SANSIP_RESULT_INVALID_ARGUMENT);

    /* Alice logs at DEBUG, bob only warnings: one MESSAGE each way. */
    EXPECT(sansip_endpoint_set_log(alice.ep, on_log, &a, SANSIP_LOG_LEVEL_DEBUG), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_set_log(bob.ep, on_log, &b, SANSIP_LOG_LEVEL_WARN), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_message(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"), S("text/plain"),
                                   S("hi"), &id),
           SANSIP_RESULT_OK);
    run(both, 2);
    CHECK(last(&bob, SANSIP_EVENT_MESSAGE) != NULL);
    /* Sent MESSAGE, received 200: two DEBUG records for alice, none for bob. */
    CHECK(a.records == 2);
    CHECK(strcmp(a.first, "sending MESSAGE sip:bob@127.0.0.1:5062 SIP/2.0 to 127.0.0.1:5062 (UDP)") == 0);
    CHECK(strcmp(a.last_target, "transport") == 0);
    CHECK(b.records == 0);

    /* Garbage to bob: one warning, with the reason. */
    EXPECT(sansip_endpoint_receive(bob.ep, now_us, SANSIP_TRANSPORT_UDP, 1, &src, &bob.addr,
                                   S("not SIP at all\r\n\r\n")),
           SANSIP_RESULT_OK);
    CHECK(b.records == 1 && b.warnings == 1);
    CHECK(strncmp(b.first, "unparsable message from 127.0.0.1:5099 (UDP), dropped: ", 55) == 0);

    /* A callback re-entering its endpoint is refused, not obeyed. */
    b.self = bob.ep;
    EXPECT(sansip_endpoint_receive(bob.ep, now_us, SANSIP_TRANSPORT_UDP, 1, &src, &bob.addr,
                                   S("still not SIP\r\n\r\n")),
           SANSIP_RESULT_OK);
    CHECK(b.records == 2);
    CHECK(b.reentry_result == (int)SANSIP_RESULT_INVALID_ARGUMENT);
    CHECK(!sansip_endpoint_is_poisoned(bob.ep));

    /* NULL stops logging; the level is then ignored. */
    EXPECT(sansip_endpoint_set_log(bob.ep, NULL, NULL, 0), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_receive(bob.ep, now_us, SANSIP_TRANSPORT_UDP, 1, &src, &bob.addr,
                                   S("quiet now\r\n\r\n")),
           SANSIP_RESULT_OK);
    CHECK(b.records == 2);

    peer_free(&alice);
    peer_free(&bob);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("log: ok\n");
    return 0;
}
