/*
 * Two sansip endpoints in one process, wired by in-memory datagrams (no
 * sockets): a MESSAGE each way, a call set up and hung up, and the misuse
 * of every kind the C ABI promises to refuse. Built and run by
 * tests/capi_c.rs with -std=c11 -Wall -Wextra -Werror -pedantic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sansip.h"

static int failures = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

#define EXPECT(call, want)                                                    \
    do {                                                                      \
        sansip_result got_ = (call);                                          \
        if (got_ != (want)) {                                                 \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, \
                    __LINE__, #call, sansip_result_str(got_),                 \
                    sansip_result_str(want));                                 \
            failures++;                                                       \
        }                                                                     \
    } while (0)

#define S(lit) (const uint8_t *)(lit), strlen(lit)

/* One datagram in flight. */
typedef struct {
    sansip_addr src, dst;
    uint8_t *data;
    size_t len;
} datagram;

#define MAX_QUEUE 64
static datagram queue[MAX_QUEUE];
static size_t queued = 0;

/* What one endpoint saw. */
typedef struct {
    const char *name;
    sansip_endpoint *ep;
    sansip_addr addr;
    int events[32];
    size_t n_events;
    uint64_t last_session;
    uint64_t last_message_id;
    uint16_t last_status;
    char last_body[256];
    char last_from[128];
} peer;

static sansip_addr ipv4(uint16_t port) {
    sansip_addr a;
    memset(&a, 0, sizeof a);
    a.family = SANSIP_FAMILY_IPV4;
    a.addr[0] = 127;
    a.addr[3] = 1;
    a.port = port;
    return a;
}

static void copy_text(const sansip_endpoint *ep,
                      sansip_result (*get)(const sansip_endpoint *, const uint8_t **, size_t *),
                      char *out, size_t cap) {
    const uint8_t *p = NULL;
    size_t n = 0;
    out[0] = '\0';
    if (get(ep, &p, &n) == SANSIP_RESULT_OK) {
        if (n >= cap) n = cap - 1;
        memcpy(out, p, n);
        out[n] = '\0';
    }
}

/* Drains one endpoint's outputs: datagrams into the queue, events into the peer. */
static void drain(peer *p) {
    for (;;) {
        sansip_output out;
        EXPECT(sansip_endpoint_poll_output(p->ep, &out), SANSIP_RESULT_OK);
        if (out.kind == SANSIP_OUTPUT_KIND_TIMEOUT) return;
        if (out.kind == SANSIP_OUTPUT_KIND_TRANSMIT) {
            CHECK(out.transport == SANSIP_TRANSPORT_UDP);
            CHECK(queued < MAX_QUEUE);
            if (queued == MAX_QUEUE) return;
            datagram *d = &queue[queued++];
            d->src = out.local;
            d->dst = out.remote;
            d->len = out.data_len;
            d->data = malloc(out.data_len);
            CHECK(d->data != NULL);
            memcpy(d->data, out.data, out.data_len);
        } else if (out.kind == SANSIP_OUTPUT_KIND_EVENT) {
            sansip_event kind = SANSIP_EVENT_NONE;
            EXPECT(sansip_event_kind(p->ep, &kind), SANSIP_RESULT_OK);
            CHECK(kind == out.event);
            if (p->n_events < 32) p->events[p->n_events++] = (int)kind;
            (void)sansip_event_session(p->ep, &p->last_session);
            (void)sansip_event_message_id(p->ep, &p->last_message_id);
            (void)sansip_event_status(p->ep, &p->last_status);
            copy_text(p->ep, sansip_event_body, p->last_body, sizeof p->last_body);
            copy_text(p->ep, sansip_event_from, p->last_from, sizeof p->last_from);
            printf("%s: event %d session %llu status %u\n", p->name, (int)kind,
                   (unsigned long long)p->last_session, (unsigned)p->last_status);
        } else {
            fprintf(stderr, "%s: unexpected output kind %d\n", p->name, (int)out.kind);
            failures++;
        }
    }
}

/* Delivers queued datagrams until both endpoints are quiet. */
static void run(peer *a, peer *b, uint64_t now) {
    drain(a);
    drain(b);
    while (queued > 0) {
        datagram d = queue[0];
        memmove(queue, queue + 1, (queued - 1) * sizeof queue[0]);
        queued--;
        peer *to = d.dst.port == a->addr.port ? a : b;
        EXPECT(sansip_endpoint_receive(to->ep, now, SANSIP_TRANSPORT_UDP, 1, &d.src,
                                       &d.dst, d.data, d.len),
               SANSIP_RESULT_OK);
        free(d.data);
        drain(to);
    }
}

static int saw(const peer *p, sansip_event kind) {
    for (size_t i = 0; i < p->n_events; i++)
        if (p->events[i] == (int)kind) return 1;
    return 0;
}

static sansip_endpoint *make(const char *aor, uint16_t port, uint64_t seed) {
    sansip_config *cfg = NULL;
    sansip_endpoint *ep = NULL;
    sansip_addr local = ipv4(port);
    EXPECT(sansip_config_new(S(aor), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &local), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_seed(cfg, seed), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_password(cfg, S("user"), S("secret")), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_new(cfg, 1000000, &ep), SANSIP_RESULT_OK);
    sansip_config_free(cfg);
    return ep;
}

static void misuse(peer *a) {
    sansip_config *cfg = NULL;
    sansip_endpoint *ep = NULL;
    sansip_output out;
    sansip_addr good = ipv4(5070), bad = ipv4(5070);
    uint64_t id = 0;
    uint8_t buf[128];
    size_t written = 99;

    bad.family = 5;
    CHECK(strcmp(sansip_result_str(SANSIP_RESULT_OK), "SANSIP_RESULT_OK") == 0);
    CHECK(strcmp(sansip_result_str(1000), "SANSIP_RESULT_UNKNOWN") == 0);
    CHECK(sansip_version() != NULL && strlen(sansip_version()) > 0);
    CHECK(sansip_abi_version() == SANSIP_ABI_VERSION);

    /* NULL handles and pointers. */
    EXPECT(sansip_config_new(NULL, 5, &cfg), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), NULL), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_config_add_local(NULL, SANSIP_TRANSPORT_UDP, &good), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_config_set_seed(NULL, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_new(NULL, 0, &ep), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_receive(NULL, 0, 0, 1, &good, &good, buf, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_receive(a->ep, 0, 0, 1, NULL, &good, buf, 1), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_handle_timeout(NULL, 0), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_poll_output(NULL, &out), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_poll_output(a->ep, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_message(a->ep, 0, S("sip:b@127.0.0.1"), S("text/plain"), S("x"), NULL),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_event_kind(NULL, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_last_error_message(NULL, buf, sizeof buf, &written), SANSIP_RESULT_NULL_ARGUMENT);
    sansip_endpoint_free(NULL);
    sansip_config_free(NULL);

    /* Out-of-range integers. */
    EXPECT(sansip_config_new(S("sip:x@127.0.0.1"), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_local(cfg, 99, &good), SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &bad), SANSIP_RESULT_INVALID_ARGUMENT);
    /* No local address: the config is refused. */
    EXPECT(sansip_endpoint_new(cfg, 0, &ep), SANSIP_RESULT_BAD_CONFIG);
    CHECK(ep == NULL);
    sansip_config_free(cfg);
    EXPECT(sansip_endpoint_receive(a->ep, 0, 7, 1, &good, &a->addr, buf, 1),
           SANSIP_RESULT_INVALID_ARGUMENT);

    /* Zero-length buffers: (NULL, 0) is empty, (NULL, n) is refused. */
    EXPECT(sansip_endpoint_receive(a->ep, 0, SANSIP_TRANSPORT_UDP, 1, &good, &a->addr, NULL, 0),
           SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_receive(a->ep, 0, SANSIP_TRANSPORT_UDP, 1, &good, &a->addr, NULL, 10),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_message(a->ep, 0, NULL, 0, S("text/plain"), S("x"), &id), SANSIP_RESULT_BAD_URI);
    EXPECT(sansip_endpoint_message(a->ep, 0, S("sip:b@127.0.0.1"), S("plain"), S("x"), &id),
           SANSIP_RESULT_BAD_TEXT);
    EXPECT(sansip_endpoint_message(a->ep, 0, (const uint8_t *)"sip:\xff", 5, S("text/plain"), S("x"), &id),
           SANSIP_RESULT_BAD_UTF8);
    EXPECT(sansip_endpoint_hangup(a->ep, 0, 424242), SANSIP_RESULT_NO_SUCH_SESSION);
    EXPECT(sansip_endpoint_accept(a->ep, 0, 424242, NULL, 0), SANSIP_RESULT_NO_SUCH_SESSION);

    /* The detail text of the last error. */
    EXPECT(sansip_last_error_message(a->ep, buf, sizeof buf - 1, &written), SANSIP_RESULT_OK);
    CHECK(written > 0 && written < sizeof buf);
    buf[written] = '\0';
    printf("last error: %s\n", (const char *)buf);
    EXPECT(sansip_last_error_message(a->ep, NULL, 0, &written), SANSIP_RESULT_OK);
    CHECK(written == 0);
    EXPECT(sansip_last_error_message(a->ep, NULL, 4, &written), SANSIP_RESULT_NULL_ARGUMENT);

    /* Event accessors with no event current. */
    drain(a);
    EXPECT(sansip_event_kind(a->ep, &(sansip_event){SANSIP_EVENT_NONE}), SANSIP_RESULT_NO_EVENT);
    CHECK(!sansip_endpoint_is_poisoned(a->ep));
}

int main(void) {
    peer alice, bob;
    memset(&alice, 0, sizeof alice);
    memset(&bob, 0, sizeof bob);
    alice.name = "alice";
    bob.name = "bob";
    alice.addr = ipv4(5060);
    bob.addr = ipv4(5062);
    alice.ep = make("sip:alice@127.0.0.1", 5060, 1);
    bob.ep = make("sip:bob@127.0.0.1", 5062, 2);
    if (alice.ep == NULL || bob.ep == NULL) return 1;

    misuse(&alice);

    /* A MESSAGE each way. */
    uint64_t to_bob = 0, to_alice = 0;
    EXPECT(sansip_endpoint_message(alice.ep, 2000000, S("sip:bob@127.0.0.1:5062"), S("text/plain"),
                                   S("hello bob"), &to_bob),
           SANSIP_RESULT_OK);
    run(&alice, &bob, 2000000);
    CHECK(saw(&bob, SANSIP_EVENT_MESSAGE));
    CHECK(strcmp(bob.last_body, "hello bob") == 0);
    CHECK(strstr(bob.last_from, "alice") != NULL);
    CHECK(saw(&alice, SANSIP_EVENT_MESSAGE_DELIVERED));
    CHECK(alice.last_message_id == to_bob && alice.last_status == 200);

    EXPECT(sansip_endpoint_message(bob.ep, 3000000, S("sip:alice@127.0.0.1:5060"), S("text/plain"),
                                   S("hello alice"), &to_alice),
           SANSIP_RESULT_OK);
    run(&alice, &bob, 3000000);
    CHECK(saw(&alice, SANSIP_EVENT_MESSAGE));
    CHECK(strcmp(alice.last_body, "hello alice") == 0);
    CHECK(saw(&bob, SANSIP_EVENT_MESSAGE_DELIVERED));
    CHECK(bob.last_message_id == to_alice && bob.last_status == 200);

    /* A call: alice calls, bob answers, alice hangs up. */
    const char *offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                        "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    const char *answer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                         "t=0 0\r\nm=audio 4002 RTP/AVP 0\r\n";
    uint64_t call = 0;
    EXPECT(sansip_endpoint_invite(alice.ep, 4000000, S("sip:bob@127.0.0.1:5062"), S(offer), &call),
           SANSIP_RESULT_OK);
    run(&alice, &bob, 4000000);
    CHECK(saw(&bob, SANSIP_EVENT_INCOMING_CALL));
    CHECK(strcmp(bob.last_body, offer) == 0);
    EXPECT(sansip_endpoint_accept(bob.ep, 5000000, bob.last_session, S(answer)), SANSIP_RESULT_OK);
    run(&alice, &bob, 5000000);
    CHECK(saw(&alice, SANSIP_EVENT_CALL_ACCEPTED));
    CHECK(alice.last_session == call);
    CHECK(strcmp(alice.last_body, answer) == 0);
    CHECK(saw(&bob, SANSIP_EVENT_CALL_ACCEPTED));
    EXPECT(sansip_endpoint_hangup(alice.ep, 6000000, call), SANSIP_RESULT_OK);
    run(&alice, &bob, 6000000);
    CHECK(saw(&alice, SANSIP_EVENT_CALL_ENDED));
    CHECK(saw(&bob, SANSIP_EVENT_CALL_ENDED));

    sansip_endpoint_free(alice.ep);
    sansip_endpoint_free(bob.ep);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("loopback: ok\n");
    return 0;
}
