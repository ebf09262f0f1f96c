/*
 * A host for sansip in C over real UDP sockets (POSIX): two endpoints in
 * one process, alice and bob, each on its own socket on 127.0.0.1. Alice
 * sends bob a MESSAGE, then calls him; bob answers; alice hangs up. The
 * program exits 0 once every step happened (10 s at most).
 *
 * The host loop is the whole point: after every input or command, poll
 * outputs until SANSIP_OUTPUT_KIND_TIMEOUT; send what TRANSMIT says; sleep
 * in poll(2) until a datagram arrives or the earliest deadline; pass
 * datagrams to sansip_endpoint_receive and deadlines to
 * sansip_endpoint_handle_timeout. Time is CLOCK_MONOTONIC in microseconds.
 *
 *   cargo build --features capi
 *   cc -std=c11 -Wall -Wextra -pedantic -Iinclude examples/c/udp_host.c \
 *      target/debug/libsansip.a -lpthread -ldl -lm -o udp_host && ./udp_host
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sansip.h"

typedef struct {
    const char *name;
    int fd;
    sansip_addr addr;
    sansip_endpoint *ep;
    uint64_t deadline_us; /* UINT64_MAX: none */
} host;

static uint64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char *what, sansip_result r, const sansip_endpoint *ep) {
    char why[256];
    size_t n = 0;
    if (ep == NULL || sansip_last_error_message(ep, (uint8_t *)why, sizeof why, &n) != SANSIP_RESULT_OK)
        n = 0;
    fprintf(stderr, "%s: %s %.*s\n", what, sansip_result_str((uint32_t)r), (int)n, why);
    exit(1);
}

#define TRY(call, ep)                                          \
    do {                                                       \
        sansip_result r_ = (call);                             \
        if (r_ != SANSIP_RESULT_OK) die(#call, r_, (ep));      \
    } while (0)

static sansip_addr to_sansip(const struct sockaddr_in *sa) {
    sansip_addr a;
    memset(&a, 0, sizeof a);
    a.family = SANSIP_FAMILY_IPV4;
    memcpy(a.addr, &sa->sin_addr.s_addr, 4);
    a.port = ntohs(sa->sin_port);
    return a;
}

static struct sockaddr_in to_sockaddr(const sansip_addr *a) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    memcpy(&sa.sin_addr.s_addr, a->addr, 4);
    sa.sin_port = htons(a->port);
    return sa;
}

/* A socket on 127.0.0.1 (a port the system picks) and an endpoint on it. */
static void host_init(host *h, const char *name, const char *user, uint64_t seed) {
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    char aor[64];
    sansip_config *cfg = NULL;

    memset(h, 0, sizeof *h);
    h->name = name;
    h->deadline_us = UINT64_MAX;
    h->fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (h->fd < 0 || bind(h->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(h->fd, (struct sockaddr *)&sa, &len) != 0) {
        perror("socket");
        exit(1);
    }
    h->addr = to_sansip(&sa);
    snprintf(aor, sizeof aor, "sip:%s@127.0.0.1:%u", user, (unsigned)h->addr.port);
    TRY(sansip_config_new((const uint8_t *)aor, strlen(aor), &cfg), NULL);
    TRY(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &h->addr), NULL);
    TRY(sansip_config_set_seed(cfg, seed), NULL); /* from a CSPRNG in a real host */
    if (sansip_endpoint_new(cfg, now_us(), &h->ep) != SANSIP_RESULT_OK) {
        char why[256];
        size_t n = 0;
        (void)sansip_config_last_error_message(cfg, (uint8_t *)why, sizeof why, &n);
        fprintf(stderr, "%s: %.*s\n", name, (int)n, why);
        exit(1);
    }
    sansip_config_free(cfg);
}

/* What the two users saw. */
static int delivered, received, incoming, accepted, ended;
static uint64_t bob_call;

static void on_event(host *h, sansip_event kind) {
    printf("%s: event %d\n", h->name, (int)kind);
    switch (kind) {
    case SANSIP_EVENT_MESSAGE_DELIVERED: delivered++; break;
    case SANSIP_EVENT_MESSAGE: received++; break;
    case SANSIP_EVENT_INCOMING_CALL:
        incoming++;
        TRY(sansip_event_session(h->ep, &bob_call), h->ep);
        break;
    case SANSIP_EVENT_CALL_ACCEPTED: accepted++; break;
    case SANSIP_EVENT_CALL_ENDED: ended++; break;
    default: break;
    }
}

/* Poll until TIMEOUT: the single-mutation rule of sans-IO. */
static void drain(host *h) {
    for (;;) {
        sansip_output out;
        TRY(sansip_endpoint_poll_output(h->ep, &out), h->ep);
        if (out.kind == SANSIP_OUTPUT_KIND_TIMEOUT) {
            h->deadline_us = out.timeout_us;
            return;
        }
        if (out.kind == SANSIP_OUTPUT_KIND_TRANSMIT) {
            struct sockaddr_in to = to_sockaddr(&out.remote);
            if (sendto(h->fd, out.data, out.data_len, 0, (struct sockaddr *)&to, sizeof to) < 0)
                perror("sendto");
        } else if (out.kind == SANSIP_OUTPUT_KIND_EVENT) {
            on_event(h, out.event);
        }
        /* CONNECT, CLOSE, RESOLVE: not used by a UDP host with numeric URIs. */
    }
}

/* One turn of the loop: wait for a datagram or a deadline, then handle it. */
static void turn(host *hosts, size_t n) {
    struct pollfd fds[2];
    uint64_t now = now_us(), wake = now + 100000;
    for (size_t i = 0; i < n; i++) {
        fds[i].fd = hosts[i].fd;
        fds[i].events = POLLIN;
        if (hosts[i].deadline_us < wake) wake = hosts[i].deadline_us;
    }
    int ms = wake > now ? (int)((wake - now + 999) / 1000) : 0;
    if (poll(fds, (nfds_t)n, ms) < 0) {
        perror("poll");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        host *h = &hosts[i];
        if (fds[i].revents & POLLIN) {
            uint8_t buf[65536];
            struct sockaddr_in from;
            socklen_t len = sizeof from;
            ssize_t got = recvfrom(h->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
            if (got >= 0) {
                sansip_addr src = to_sansip(&from);
                TRY(sansip_endpoint_receive(h->ep, now_us(), SANSIP_TRANSPORT_UDP, 0, &src,
                                            &h->addr, buf, (size_t)got),
                    h->ep);
            }
        }
        if (now_us() >= h->deadline_us) TRY(sansip_endpoint_handle_timeout(h->ep, now_us()), h->ep);
        drain(h);
    }
}

static int wait_for(host *hosts, int *counter, int want) {
    uint64_t give_up = now_us() + 5000000;
    while (*counter < want && now_us() < give_up) turn(hosts, 2);
    return *counter >= want;
}

int main(void) {
    host hosts[2];
    host *alice = &hosts[0], *bob = &hosts[1];
    char target[64];
    uint64_t id = 0, call = 0;
    const char *offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                        "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    const char *answer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                         "t=0 0\r\nm=audio 4002 RTP/AVP 0\r\n";

    host_init(alice, "alice", "alice", 1);
    host_init(bob, "bob", "bob", 2);
    snprintf(target, sizeof target, "sip:bob@127.0.0.1:%u", (unsigned)bob->addr.port);

    TRY(sansip_endpoint_message(alice->ep, now_us(), (const uint8_t *)target, strlen(target),
                                (const uint8_t *)"text/plain", 10, (const uint8_t *)"hello", 5,
                                &id),
        alice->ep);
    drain(alice);
    int ok = wait_for(hosts, &delivered, 1) && received == 1;

    TRY(sansip_endpoint_invite(alice->ep, now_us(), (const uint8_t *)target, strlen(target),
                               (const uint8_t *)offer, strlen(offer), &call),
        alice->ep);
    drain(alice);
    ok = ok && wait_for(hosts, &incoming, 1);
    if (ok) {
        TRY(sansip_endpoint_accept(bob->ep, now_us(), bob_call, (const uint8_t *)answer,
                                   strlen(answer)),
            bob->ep);
        drain(bob);
    }
    ok = ok && wait_for(hosts, &accepted, 2);
    if (ok) {
        TRY(sansip_endpoint_hangup(alice->ep, now_us(), call), alice->ep);
        drain(alice);
    }
    ok = ok && wait_for(hosts, &ended, 2);

    sansip_endpoint_free(alice->ep);
    sansip_endpoint_free(bob->ep);
    close(alice->fd);
    close(bob->fd);
    printf("udp_host: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
