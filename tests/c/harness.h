/*
 * A test harness for the sansip C ABI: endpoints in one process wired by
 * in-memory UDP datagrams (no sockets), a virtual clock, DNS answered from
 * a small table, and a log of every event with all of its fields read
 * through the sansip_event_* accessors. C11 and C++17 alike (the tests are
 * compiled as both), so: no compound literals, no designated initializers,
 * casts on malloc.
 */
#ifndef SANSIP_TEST_HARNESS_H
#define SANSIP_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sansip.h"

extern int failures;

void check_failed(const char *file, int line, const char *what);
void expect_failed(const char *file, int line, const char *call, sansip_result got,
                   sansip_result want);

#define CHECK(cond)                                            \
    do {                                                       \
        if (!(cond)) check_failed(__FILE__, __LINE__, #cond); \
    } while (0)

#define EXPECT(call, want)                                                     \
    do {                                                                       \
        sansip_result got_ = (call);                                           \
        if (got_ != (want)) expect_failed(__FILE__, __LINE__, #call, got_, (want)); \
    } while (0)

/* A string literal as (const uint8_t *, size_t). */
#define S(lit) (const uint8_t *)(lit), strlen(lit)

#define MAX_EVENTS 96
#define TEXT 512

/* One event, every field read through its accessor (has_* / empty text
 * when the accessor answered SANSIP_RESULT_NO_VALUE). */
typedef struct {
    sansip_event kind;
    int has_session, has_status, has_subscription, has_publication, has_fork;
    int has_end_reason, has_failure, has_cause_code, has_expires;
    uint64_t session, registration, message_id, subscription, publication;
    uint64_t forked_subscription;
    uint16_t status, cause_code;
    uint32_t expires, fork, digit, duration_ms;
    sansip_end_reason end_reason;
    sansip_failure failure;
    sansip_subscription_state sub_state;
    size_t contacts;
    char body[TEXT], content_type[64], from[128], to[128], reason[256];
    char target[128], referred_by[128], package[32], cause_protocol[16];
    char cause_text[64], replaces[128], etag[64];
} ev;

typedef struct {
    const char *name;
    sansip_endpoint *ep;
    sansip_addr addr;
    ev events[MAX_EVENTS];
    size_t n_events;
} peer;

/* The virtual clock, in microseconds. */
extern uint64_t now_us;

/* Text that, when some transmitted datagram contains it, counts a hit. */
extern const char *watch;
extern int watch_hits;

sansip_addr ipv4(uint16_t port);
/* A peer: a config for `aor` on 127.0.0.1:`port`; `tune` (may be NULL)
 * changes the config before the endpoint is made. */
void peer_init(peer *p, const char *name, const char *aor, uint16_t port, uint64_t seed,
               void (*tune)(sansip_config *));
void peer_free(peer *p);
/* Delivers every datagram, and answers every DNS query, until all the
 * peers are quiet. */
void run(peer **peers, size_t n);
/* Moves the clock on by `us` and fires every peer's timers, then runs. */
void advance(peer **peers, size_t n, uint64_t us);
/* The last event of `kind` (NULL if none); `count` how many there were. */
const ev *last(const peer *p, sansip_event kind);
size_t count(const peer *p, sansip_event kind);
void forget(peer *p);
/* Adds a DNS record (answers queries of `name` and its type). */
void dns_add(const char *name, sansip_dns_record r);
sansip_dns_record dns_record(uint32_t type);

#endif
