/*
 * A SIP phone in plain C on sansip: one endpoint on one UDP socket (POSIX
 * sockets, poll(2), CLOCK_MONOTONIC), driven from the command line. It
 * registers, sends a MESSAGE, places a call and hangs it up, answers or
 * refuses calls, prints what arrives, and unregisters on the way out (or
 * on SIGINT/SIGTERM). The same job as the Rust example `examples/phone`,
 * for a C developer to copy; the interop suite runs it against kamailio.
 *
 *   cargo build --features capi
 *   cc -std=c11 -Wall -Wextra -pedantic -Iinclude examples/c/phone.c \
 *      target/debug/libsansip.a -lpthread -ldl -lm -o c_phone
 *   ./c_phone --aor sip:alice@127.0.0.1 --listen 127.0.0.1:5070 \
 *      --proxy sip:127.0.0.1:5060 --password secret --register \
 *      --message sip:bob@127.0.0.1 hello --call sip:bob@127.0.0.1 --hangup-after 1
 *
 * One line per event on stdout, after `listening IP:PORT` (`registered
 * expires=N`, `message from=URI
 * body=TEXT`, `message-delivered status=N`, `call-incoming from=URI`,
 * `call-accepted`, `call-ended reason=R`, `unregistered`, ...); with
 * `--log LEVEL` (1 warn ... 5 whole messages) sansip's own log on stderr.
 * Exit status 0 when every task asked for succeeded, 1 otherwise, 2 for a
 * bad command line.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sansip.h"

/* What the command line asked for, and how far it got. */
typedef struct {
    const char *aor, *listen, *proxy, *password;
    const char *message_to, *message_text, *call_to;
    int do_register, answer, log_level;
    double hangup_after;
    /* progress */
    int registered, failed, message_done, message_ok, call_done, call_ok, unregistering;
    uint64_t registration, call, incoming, hangup_at_us;
} phone;

static int fd = -1;
static sansip_addr local;
static sansip_endpoint *ep;
static uint64_t deadline_us = UINT64_MAX;
static volatile sig_atomic_t stop_requested;

static uint64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void die(const char *what, sansip_result r) {
    char why[256];
    size_t n = 0;
    if (ep == NULL || sansip_last_error_message(ep, (uint8_t *)why, sizeof why, &n) != SANSIP_RESULT_OK)
        n = 0;
    fprintf(stderr, "%s: %s %.*s\n", what, sansip_result_str((uint32_t)r), (int)n, why);
    exit(1);
}

#define TRY(call)                                 \
    do {                                          \
        sansip_result r_ = (call);                \
        if (r_ != SANSIP_RESULT_OK) die(#call, r_); \
    } while (0)
#define TEXT(s) (const uint8_t *)(s), strlen(s)

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

/* sansip's log records, one line each on stderr. */
static void log_line(void *userdata, sansip_log_level level, const uint8_t *target, size_t target_len,
                     const uint8_t *text, size_t text_len) {
    (void)userdata;
    fprintf(stderr, "log %d %.*s: %.*s\n", (int)level, (int)target_len, (const char *)target,
            (int)text_len, (const char *)text);
}

/* A seed for sansip's generator (branches, tags, Call-IDs) from the OS. */
static uint64_t random_seed(void) {
    uint64_t seed = now_us();
    int rnd = open("/dev/urandom", O_RDONLY);
    if (rnd >= 0) {
        if (read(rnd, &seed, sizeof seed) != (ssize_t)sizeof seed) seed ^= (uint64_t)getpid();
        close(rnd);
    }
    return seed;
}

static void open_endpoint(phone *p) {
    struct sockaddr_in sa;
    char ip[64];
    const char *colon = strrchr(p->listen, ':');
    sansip_config *cfg = NULL;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    if (colon == NULL || (size_t)(colon - p->listen) >= sizeof ip) {
        fprintf(stderr, "--listen wants IP:PORT\n");
        exit(2);
    }
    memcpy(ip, p->listen, (size_t)(colon - p->listen));
    ip[colon - p->listen] = '\0';
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
        fprintf(stderr, "--listen wants an IPv4 address\n");
        exit(2);
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t sa_len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sa_len) != 0) {
        perror("bind");
        exit(1);
    }
    local = to_sansip(&sa); /* port 0 in --listen: the one the system chose */
    printf("listening %s:%u\n", ip, (unsigned)local.port);
    fflush(stdout);

    TRY(sansip_config_new(TEXT(p->aor), &cfg));
    TRY(sansip_config_add_local(cfg, SANSIP_TRANSPORT_UDP, &local));
    TRY(sansip_config_set_seed(cfg, random_seed()));
    TRY(sansip_config_set_user_agent(cfg, TEXT("sansip-c-phone")));
    if (p->proxy) TRY(sansip_config_set_outbound_proxy(cfg, TEXT(p->proxy)));
    if (p->password) {
        /* The user part of the AOR is the digest user name. */
        const char *user = strchr(p->aor, ':'), *at = strchr(p->aor, '@');
        if (user == NULL || at == NULL || at < user) {
            fprintf(stderr, "--aor wants sip:user@domain\n");
            exit(2);
        }
        user++;
        TRY(sansip_config_set_password(cfg, (const uint8_t *)user, (size_t)(at - user),
                                       TEXT(p->password)));
    }
    /* Answers to incoming calls are made by sansip from these codecs. */
    TRY(sansip_config_set_media_address(cfg, TEXT(ip)));
    TRY(sansip_config_add_codec(cfg, TEXT("audio"), 40000, TEXT("PCMU"), 8000, 1, NULL, 0));
    TRY(sansip_config_add_codec(cfg, TEXT("audio"), 40000, TEXT("PCMA"), 8000, 1, NULL, 0));
    TRY(sansip_config_add_codec(cfg, TEXT("audio"), 40000, TEXT("telephone-event"), 8000, 1, NULL, 0));
    if (sansip_endpoint_new(cfg, now_us(), &ep) != SANSIP_RESULT_OK) {
        char why[256];
        size_t n = 0;
        (void)sansip_config_last_error_message(cfg, (uint8_t *)why, sizeof why, &n);
        fprintf(stderr, "config: %.*s\n", (int)n, why);
        exit(2);
    }
    sansip_config_free(cfg);
    if (p->log_level > 0) TRY(sansip_endpoint_set_log(ep, log_line, NULL, (uint32_t)p->log_level));
}

static const char *end_reason(sansip_end_reason r) {
    switch (r) {
    case SANSIP_END_REASON_LOCAL_HANGUP: return "local-hangup";
    case SANSIP_END_REASON_REMOTE_HANGUP: return "remote-hangup";
    case SANSIP_END_REASON_CANCELLED: return "cancelled";
    case SANSIP_END_REASON_CANCELLED_BY_CALLER: return "cancelled-by-caller";
    case SANSIP_END_REASON_ANSWERED_ELSEWHERE: return "answered-elsewhere";
    case SANSIP_END_REASON_REJECTED: return "rejected";
    default: return "other";
    }
}

/* A text the current event carries, as a printable (length, pointer). */
#define EVENT_TEXT(accessor, name)                                        \
    const uint8_t *name##_p = NULL;                                       \
    size_t name##_n = 0;                                                  \
    if (accessor(ep, &name##_p, &name##_n) != SANSIP_RESULT_OK) name##_n = 0

static void start_tasks(phone *p);
static void start_call(phone *p);

static void on_event(phone *p, sansip_event kind) {
    uint16_t status = 0;
    uint64_t id = 0;
    switch (kind) {
    case SANSIP_EVENT_REGISTERED: {
        uint32_t expires = 0;
        (void)sansip_event_expires(ep, &expires);
        printf("registered expires=%u\n", (unsigned)expires);
        if (!p->registered) {
            p->registered = 1;
            start_tasks(p);
        }
        break;
    }
    case SANSIP_EVENT_REGISTRATION_FAILED:
        (void)sansip_event_status(ep, &status);
        printf("registration-failed status=%u\n", (unsigned)status);
        stop_requested = 1;
        p->failed = 1;
        p->registered = 0; /* nothing to take back */
        break;
    case SANSIP_EVENT_UNREGISTERED:
        printf("unregistered\n");
        p->registered = 0;
        break;
    case SANSIP_EVENT_MESSAGE_DELIVERED:
        (void)sansip_event_status(ep, &status);
        printf("message-delivered status=%u\n", (unsigned)status);
        p->message_done = p->message_ok = 1;
        start_call(p);
        break;
    case SANSIP_EVENT_MESSAGE_FAILED:
        (void)sansip_event_status(ep, &status);
        printf("message-failed status=%u\n", (unsigned)status);
        p->message_done = 1;
        start_call(p);
        break;
    case SANSIP_EVENT_MESSAGE: {
        EVENT_TEXT(sansip_event_from, from);
        EVENT_TEXT(sansip_event_body, body);
        printf("message from=%.*s body=%.*s\n", (int)from_n, (const char *)from_p, (int)body_n,
               (const char *)body_p);
        break;
    }
    case SANSIP_EVENT_INCOMING_CALL: {
        EVENT_TEXT(sansip_event_from, from);
        TRY(sansip_event_session(ep, &id));
        printf("call-incoming from=%.*s\n", (int)from_n, (const char *)from_p);
        if (p->answer)
            TRY(sansip_endpoint_accept(ep, now_us(), id, NULL, 0));
        else
            TRY(sansip_endpoint_reject(ep, now_us(), id, 486, TEXT("Busy Here")));
        break;
    }
    case SANSIP_EVENT_CALL_PROGRESS:
        (void)sansip_event_status(ep, &status);
        printf("call-progress status=%u\n", (unsigned)status);
        break;
    case SANSIP_EVENT_CALL_ACCEPTED:
        TRY(sansip_event_session(ep, &id));
        printf("call-accepted\n");
        if (id == p->call) {
            p->call_ok = 1;
            p->hangup_at_us = now_us() + (uint64_t)(p->hangup_after * 1e6);
        }
        break;
    case SANSIP_EVENT_CALL_ENDED: {
        sansip_end_reason why = SANSIP_END_REASON_LOCAL_HANGUP;
        TRY(sansip_event_session(ep, &id));
        (void)sansip_event_end_reason(ep, &why);
        if (sansip_event_status(ep, &status) == SANSIP_RESULT_OK)
            printf("call-ended reason=%s status=%u\n", end_reason(why), (unsigned)status);
        else
            printf("call-ended reason=%s\n", end_reason(why));
        if (id == p->call) {
            p->call_done = 1;
            p->hangup_at_us = 0;
        }
        break;
    }
    default: break;
    }
    fflush(stdout);
}

/* Poll until TIMEOUT: the single-mutation rule of sans-IO. */
static void drain(phone *p) {
    for (;;) {
        sansip_output out;
        TRY(sansip_endpoint_poll_output(ep, &out));
        switch (out.kind) {
        case SANSIP_OUTPUT_KIND_TIMEOUT:
            deadline_us = out.timeout_us;
            return;
        case SANSIP_OUTPUT_KIND_TRANSMIT: {
            struct sockaddr_in to = to_sockaddr(&out.remote);
            if (sendto(fd, out.data, out.data_len, 0, (struct sockaddr *)&to, sizeof to) < 0)
                perror("sendto");
            break;
        }
        case SANSIP_OUTPUT_KIND_EVENT: on_event(p, out.event); break;
        default: break; /* CONNECT, CLOSE, RESOLVE: a UDP-only host with numeric URIs */
        }
    }
}

static void start_call(phone *p) {
    static const char offer[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                                "t=0 0\r\nm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
                                "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
    if (p->call_to && p->call == 0)
        TRY(sansip_endpoint_invite(ep, now_us(), TEXT(p->call_to), TEXT(offer), &p->call));
}

/* Once registered (or at once without --register): the MESSAGE, then,
 * once it has its outcome, the call (one thing at a time, so the lines
 * come in a fixed order). */
static void start_tasks(phone *p) {
    uint64_t id = 0;
    if (p->message_to)
        TRY(sansip_endpoint_message(ep, now_us(), TEXT(p->message_to), TEXT("text/plain"),
                                    TEXT(p->message_text), &id));
    else
        start_call(p);
}

/* Whether every task asked for has its outcome. */
static int tasks_done(const phone *p) {
    return (p->message_to == NULL || p->message_done) && (p->call_to == NULL || p->call_done);
}

static int has_tasks(const phone *p) { return p->message_to != NULL || p->call_to != NULL; }

static void usage(void) {
    fprintf(stderr,
            "usage: phone --aor URI --listen IP:PORT [--proxy URI] [--password P] [--register]\n"
            "             [--message URI TEXT] [--call URI] [--hangup-after SECS] [--answer]\n"
            "             [--log LEVEL]\n");
    exit(2);
}

int main(int argc, char **argv) {
    phone p;
    memset(&p, 0, sizeof p);
    p.hangup_after = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--aor") && more) p.aor = argv[++i];
        else if (!strcmp(a, "--listen") && more) p.listen = argv[++i];
        else if (!strcmp(a, "--proxy") && more) p.proxy = argv[++i];
        else if (!strcmp(a, "--password") && more) p.password = argv[++i];
        else if (!strcmp(a, "--register")) p.do_register = 1;
        else if (!strcmp(a, "--message") && i + 2 < argc) {
            p.message_to = argv[++i];
            p.message_text = argv[++i];
        } else if (!strcmp(a, "--call") && more) p.call_to = argv[++i];
        else if (!strcmp(a, "--hangup-after") && more) p.hangup_after = atof(argv[++i]);
        else if (!strcmp(a, "--answer")) p.answer = 1;
        else if (!strcmp(a, "--log") && more) p.log_level = atoi(argv[++i]);
        else usage();
    }
    if (p.aor == NULL || p.listen == NULL) usage();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    open_endpoint(&p);
    if (p.do_register) {
        /* The registrar is the AOR's domain; the outbound proxy carries it. */
        char registrar[128];
        const char *at = strchr(p.aor, '@');
        snprintf(registrar, sizeof registrar, "sip:%s", at ? at + 1 : p.aor);
        TRY(sansip_endpoint_register(ep, now_us(), TEXT(registrar), 300, &p.registration));
    } else {
        start_tasks(&p);
    }
    drain(&p);

    /* Run until the tasks are done (or a signal); then unregister. */
    for (;;) {
        int finished = stop_requested || (has_tasks(&p) && tasks_done(&p));
        if (finished && p.registered && !p.unregistering) {
            p.unregistering = 1;
            TRY(sansip_endpoint_unregister(ep, now_us(), p.registration, false));
            drain(&p);
        }
        if (finished && !p.registered) break;
        if (p.hangup_at_us != 0 && now_us() >= p.hangup_at_us) {
            p.hangup_at_us = 0;
            TRY(sansip_endpoint_hangup(ep, now_us(), p.call));
            drain(&p);
        }

        uint64_t now = now_us(), wake = now + 200000;
        if (deadline_us < wake) wake = deadline_us;
        if (p.hangup_at_us != 0 && p.hangup_at_us < wake) wake = p.hangup_at_us;
        struct pollfd pfd;
        pfd.fd = fd;
        pfd.events = POLLIN;
        int ready = poll(&pfd, 1, wake > now ? (int)((wake - now + 999) / 1000) : 0);
        if (ready < 0 && errno != EINTR) {
            perror("poll");
            return 1;
        }
        if (ready > 0 && (pfd.revents & POLLIN)) {
            uint8_t buf[65536];
            struct sockaddr_in from;
            socklen_t len = sizeof from;
            ssize_t got = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
            if (got >= 0) {
                sansip_addr src = to_sansip(&from);
                TRY(sansip_endpoint_receive(ep, now_us(), SANSIP_TRANSPORT_UDP, 0, &src, &local, buf,
                                            (size_t)got));
            }
        }
        if (now_us() >= deadline_us) TRY(sansip_endpoint_handle_timeout(ep, now_us()));
        drain(&p);
    }

    int ok = !p.failed && (p.message_to == NULL || p.message_ok) &&
             (p.call_to == NULL || p.call_ok);
    sansip_endpoint_free(ep);
    close(fd);
    return ok ? 0 : 1;
}
