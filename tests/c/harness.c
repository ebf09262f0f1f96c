/* The test harness: see harness.h. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

int failures = 0;
uint64_t now_us = 1000000;
const char *watch = NULL;
int watch_hits = 0;

void check_failed(const char *file, int line, const char *what) {
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    failures++;
}

void expect_failed(const char *file, int line, const char *call, sansip_result got,
                   sansip_result want) {
    fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", file, line, call,
            sansip_result_str((uint32_t)got), sansip_result_str((uint32_t)want));
    failures++;
}

sansip_addr ipv4(uint16_t port) {
    sansip_addr a;
    memset(&a, 0, sizeof a);
    a.family = SANSIP_FAMILY_IPV4;
    a.addr[0] = 127;
    a.addr[3] = 1;
    a.port = port;
    return a;
}

void peer_init(peer *p, const char *name, const char *aor, uint16_t port, uint64_t seed,
               void (*tune)(sansip_config *)) {
    sansip_config *cfg = NULL;
    sansip_addr local = ipv4(port);
    memset(p, 0, sizeof *p);
    p->name = name;
    p->addr = local;
    EXPECT(sansip_config_new(S(aor), &cfg), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &local), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_seed(cfg, seed), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_password(cfg, S("user"), S("secret")), SANSIP_RESULT_OK);
    if (tune != NULL) tune(cfg);
    EXPECT(sansip_endpoint_new(cfg, now_us, &p->ep), SANSIP_RESULT_OK);
    if (p->ep == NULL) {
        uint8_t why[256];
        size_t n = 0;
        (void)sansip_config_last_error_message(cfg, why, sizeof why, &n);
        fprintf(stderr, "%s: %.*s\n", name, (int)n, (const char *)why);
        exit(1);
    }
    sansip_config_free(cfg);
}

void peer_free(peer *p) {
    sansip_endpoint_free(p->ep);
    p->ep = NULL;
}

/* ---- datagrams ---------------------------------------------------- */

typedef struct {
    sansip_addr src, dst;
    uint8_t *data;
    size_t len;
} datagram;

#define MAX_QUEUE 128
static datagram queue[MAX_QUEUE];
static size_t queued = 0;

static void enqueue(const sansip_output *out) {
    CHECK(out->transport == SANSIP_TRANSPORT_UDP);
    CHECK(!out->has_flow);
    CHECK(queued < MAX_QUEUE);
    if (queued == MAX_QUEUE) return;
    datagram *d = &queue[queued++];
    d->src = out->local;
    d->dst = out->remote;
    d->len = out->data_len;
    d->data = (uint8_t *)malloc(out->data_len + 1);
    CHECK(d->data != NULL);
    if (d->data == NULL) return;
    memcpy(d->data, out->data, out->data_len);
    d->data[out->data_len] = '\0';
    if (watch != NULL && strstr((const char *)d->data, watch) != NULL) watch_hits++;
}

/* ---- DNS ---------------------------------------------------------- */

#define MAX_DNS 16
static char dns_names[MAX_DNS][64];
static sansip_dns_record dns_records[MAX_DNS];
static size_t dns_count = 0;

sansip_dns_record dns_record(uint32_t type) {
    sansip_dns_record r;
    memset(&r, 0, sizeof r);
    r.record_type = type;
    r.ttl = 300;
    r.transport = SANSIP_TRANSPORT_ANY;
    return r;
}

void dns_add(const char *name, sansip_dns_record r) {
    CHECK(dns_count < MAX_DNS && strlen(name) < 64);
    if (dns_count == MAX_DNS) return;
    strcpy(dns_names[dns_count], name);
    dns_records[dns_count++] = r;
}

/* Answers a query from the table: the records of that name and type (an
 * ADDRESS record answers any type), else NOT_FOUND. */
static void answer(peer *p, const sansip_output *out) {
    sansip_dns_record found[MAX_DNS];
    size_t n = 0;
    for (size_t i = 0; i < dns_count; i++) {
        if (strlen(dns_names[i]) != out->data_len ||
            memcmp(dns_names[i], out->data, out->data_len) != 0)
            continue;
        uint32_t t = dns_records[i].record_type;
        if (t == out->record_type || t == SANSIP_RECORD_TYPE_ADDRESS) found[n++] = dns_records[i];
    }
    printf("%s: resolve %.*s type %u: %zu record(s)\n", p->name, (int)out->data_len,
           (const char *)out->data, (unsigned)out->record_type, n);
    EXPECT(sansip_endpoint_resolved(p->ep, now_us, out->query_id,
                                    n > 0 ? SANSIP_DNS_STATUS_OK : SANSIP_DNS_STATUS_NOT_FOUND,
                                    n > 0 ? found : NULL, n),
           SANSIP_RESULT_OK);
}

/* ---- events ------------------------------------------------------- */

/* Accessors answer OK or NO_VALUE for an event, nothing else. */
static int got(sansip_result r, const char *what) {
    if (r == SANSIP_RESULT_OK) return 1;
    if (r != SANSIP_RESULT_NO_VALUE) {
        fprintf(stderr, "accessor %s returned %s\n", what, sansip_result_str((uint32_t)r));
        failures++;
    }
    return 0;
}

typedef sansip_result (*text_accessor)(const sansip_endpoint *, const uint8_t **, size_t *);

static void text(const sansip_endpoint *ep, text_accessor get, const char *what, char *out,
                 size_t cap) {
    const uint8_t *ptr = NULL;
    size_t n = 0;
    out[0] = '\0';
    if (got(get(ep, &ptr, &n), what)) {
        CHECK(ptr != NULL || n == 0);
        if (n >= cap) n = cap - 1;
        if (n > 0) memcpy(out, ptr, n);
        out[n] = '\0';
    }
}

static void read_event(peer *p, sansip_event kind) {
    const sansip_endpoint *ep = p->ep;
    ev e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.has_session = got(sansip_event_session(ep, &e.session), "session");
    (void)got(sansip_event_registration(ep, &e.registration), "registration");
    (void)got(sansip_event_message_id(ep, &e.message_id), "message_id");
    e.has_subscription = got(sansip_event_subscription(ep, &e.subscription), "subscription");
    e.has_publication = got(sansip_event_publication(ep, &e.publication), "publication");
    (void)got(sansip_event_forked_subscription(ep, &e.forked_subscription), "forked");
    e.has_status = got(sansip_event_status(ep, &e.status), "status");
    e.has_expires = got(sansip_event_expires(ep, &e.expires), "expires");
    e.has_fork = got(sansip_event_fork(ep, &e.fork), "fork");
    e.has_end_reason = got(sansip_event_end_reason(ep, &e.end_reason), "end_reason");
    e.has_failure = got(sansip_event_failure(ep, &e.failure), "failure");
    e.has_cause_code = got(sansip_event_cause_code(ep, &e.cause_code), "cause_code");
    (void)got(sansip_event_digit(ep, &e.digit), "digit");
    (void)got(sansip_event_duration_ms(ep, &e.duration_ms), "duration_ms");
    (void)got(sansip_event_subscription_state(ep, &e.sub_state), "subscription_state");
    text(ep, sansip_event_body, "body", e.body, sizeof e.body);
    text(ep, sansip_event_content_type, "content_type", e.content_type, sizeof e.content_type);
    text(ep, sansip_event_from, "from", e.from, sizeof e.from);
    text(ep, sansip_event_to, "to", e.to, sizeof e.to);
    text(ep, sansip_event_reason, "reason", e.reason, sizeof e.reason);
    text(ep, sansip_event_target, "target", e.target, sizeof e.target);
    text(ep, sansip_event_referred_by, "referred_by", e.referred_by, sizeof e.referred_by);
    text(ep, sansip_event_package, "package", e.package, sizeof e.package);
    text(ep, sansip_event_etag, "etag", e.etag, sizeof e.etag);
    text(ep, sansip_event_cause_protocol, "cause_protocol", e.cause_protocol,
         sizeof e.cause_protocol);
    text(ep, sansip_event_cause_text, "cause_text", e.cause_text, sizeof e.cause_text);
    text(ep, sansip_event_replaces, "replaces", e.replaces, sizeof e.replaces);
    if (got(sansip_event_contact_count(ep, &e.contacts), "contact_count")) {
        for (size_t i = 0; i <= e.contacts; i++) {
            const uint8_t *c = NULL;
            size_t n = 0;
            sansip_result r = sansip_event_contact(ep, i, &c, &n);
            CHECK(i < e.contacts ? r == SANSIP_RESULT_OK : r == SANSIP_RESULT_NO_VALUE);
        }
    }
    /* The registration fields: read for the contract, not kept. */
    char scratch[128];
    size_t routes = 0;
    uint64_t u64 = 0;
    uint32_t u32 = 0;
    text(ep, sansip_event_gruu_public, "gruu_public", scratch, sizeof scratch);
    text(ep, sansip_event_gruu_temporary, "gruu_temporary", scratch, sizeof scratch);
    if (got(sansip_event_service_route_count(ep, &routes), "service_route_count")) {
        const uint8_t *r = NULL;
        size_t n = 0;
        EXPECT(sansip_event_service_route(ep, routes, &r, &n), SANSIP_RESULT_NO_VALUE);
    }
    (void)got(sansip_event_flow(ep, &u64), "flow");
    (void)got(sansip_event_retry_after_us(ep, &u64), "retry_after_us");
    (void)got(sansip_event_delay_us(ep, &u64), "delay_us");
    (void)got(sansip_event_attempt(ep, &u32), "attempt");
    printf("%s: event %d session %llu status %u %s%s\n", p->name, (int)kind,
           (unsigned long long)e.session, (unsigned)e.status, e.reason[0] ? "reason " : "",
           e.reason);
    CHECK(p->n_events < MAX_EVENTS);
    if (p->n_events < MAX_EVENTS) p->events[p->n_events++] = e;
}

/* Drains one peer's outputs. */
static void drain(peer *p) {
    for (;;) {
        sansip_output out;
        EXPECT(sansip_endpoint_poll_output(p->ep, &out), SANSIP_RESULT_OK);
        switch (out.kind) {
        case SANSIP_OUTPUT_KIND_TIMEOUT:
            return;
        case SANSIP_OUTPUT_KIND_TRANSMIT:
            enqueue(&out);
            break;
        case SANSIP_OUTPUT_KIND_RESOLVE:
            answer(p, &out);
            break;
        case SANSIP_OUTPUT_KIND_EVENT: {
            sansip_event kind = SANSIP_EVENT_NONE;
            EXPECT(sansip_event_kind(p->ep, &kind), SANSIP_RESULT_OK);
            CHECK(kind == out.event);
            CHECK(kind != SANSIP_EVENT_OTHER && kind != SANSIP_EVENT_NONE);
            read_event(p, kind);
            break;
        }
        default:
            fprintf(stderr, "%s: unexpected output kind %d\n", p->name, (int)out.kind);
            failures++;
        }
    }
}

void run(peer **peers, size_t n) {
    for (size_t i = 0; i < n; i++) drain(peers[i]);
    while (queued > 0) {
        datagram d = queue[0];
        memmove(queue, queue + 1, (queued - 1) * sizeof queue[0]);
        queued--;
        peer *to = NULL;
        for (size_t i = 0; i < n; i++)
            if (peers[i]->addr.port == d.dst.port) to = peers[i];
        CHECK(to != NULL);
        if (to != NULL) {
            EXPECT(sansip_endpoint_receive(to->ep, now_us, SANSIP_TRANSPORT_UDP, 1, &d.src, &d.dst,
                                           d.data, d.len),
                   SANSIP_RESULT_OK);
            drain(to);
        }
        free(d.data);
    }
}

void advance(peer **peers, size_t n, uint64_t us) {
    now_us += us;
    for (size_t i = 0; i < n; i++)
        EXPECT(sansip_endpoint_handle_timeout(peers[i]->ep, now_us), SANSIP_RESULT_OK);
    run(peers, n);
}

const ev *last(const peer *p, sansip_event kind) {
    for (size_t i = p->n_events; i > 0; i--)
        if (p->events[i - 1].kind == kind) return &p->events[i - 1];
    return NULL;
}

size_t count(const peer *p, sansip_event kind) {
    size_t c = 0;
    for (size_t i = 0; i < p->n_events; i++)
        if (p->events[i].kind == kind) c++;
    return c;
}

void forget(peer *p) { p->n_events = 0; }
