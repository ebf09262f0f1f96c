/*
 * PJSIP's parser on the same corpus and the same work as
 * examples/parse_bench.rs, so that the two can be timed side by side on
 * one machine (benches/pjsip/run.sh does that).
 *
 *   pjsip_bench DIR SECONDS [--roundtrip]
 *   pjsip_bench DIR 0 --rounds N [--roundtrip]
 *
 * Parses every *.sip file of DIR in a loop for SECONDS (after a warm-up of
 * a fifth of that) with pjsip_parse_msg into one pool that is reset before
 * each message, and reads the five fields issue 2 measures: the method id
 * or status code, the Call-ID, the CSeq number, the top Via's branch and
 * the Content-Length. With --roundtrip it also prints each message into a
 * reused buffer with pjsip_msg_print. --rounds N runs exactly N passes with
 * no warm-up, for valgrind --tool=callgrind. Prints one line:
 *   pjsip msgs_per_sec=N bytes_per_sec=N
 * A file PJSIP rejects is named on stderr and left out; the figure for the
 * rest is still printed, but the exit status is then 3.
 *
 * There are no PJSIP headers here: PJSIP is GPL and is only linked at
 * bench time (run.sh fetches a build of it). The declarations below are
 * written for this program and cover only what it touches. They follow
 * the ABI of PJSIP 2.14.1 on x86-64 Linux (LP64: pointers and long are 8
 * bytes, enums and int are 4), as read from pjproject's sip_msg.h,
 * sip_parser.h and pool.h (these parts have kept their shape across the
 * 2.x releases) and checked against the disassembly of the wheel's 2.14.1
 * libraries (the header constructors store the type ids and fill the
 * fields at the offsets asserted below). The program refuses to run
 * against another PJSIP version, and before timing anything it checks
 * every parsed message against the bytes of its file, so that a layout
 * that does not match fails loudly instead of giving a plausible figure.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- PJSIP 2.14.1 declarations (only what this program uses) ---------- */

#define PJSIP_VERSION_EXPECTED "2.14.1"

typedef int pj_status_t;
typedef size_t pj_size_t;
typedef long pj_ssize_t;

/* A length-counted string; ptr is not NUL-terminated in general. */
typedef struct {
    char *ptr;
    pj_ssize_t slen;
} pj_str_t;

typedef struct pj_pool_t pj_pool_t; /* opaque */
typedef struct pj_pool_factory pj_pool_factory; /* opaque */
typedef void pj_pool_callback(pj_pool_t *pool, pj_size_t size);

/*
 * The caching pool factory: the library fills it in, we only need its
 * storage and the fact that its first member is the pool factory (so its
 * address is the factory's). pj_caching_pool_init of the wheel clears
 * 0x388 = 904 bytes; the buffer leaves ample room beyond that.
 */
typedef struct {
    _Alignas(64) unsigned char opaque[16384];
} pj_caching_pool;

/* Header type ids: the order of RFC 3261's header list, 0-based. */
typedef enum {
    PJSIP_H_CALL_ID = 7,
    PJSIP_H_CONTENT_LENGTH = 13,
    PJSIP_H_CSEQ = 15,
    PJSIP_H_VIA = 41,
    PJSIP_H_OTHER = 44,
} pjsip_hdr_e;

typedef enum {
    PJSIP_INVITE_METHOD,
    PJSIP_CANCEL_METHOD,
    PJSIP_ACK_METHOD,
    PJSIP_BYE_METHOD,
    PJSIP_REGISTER_METHOD,
    PJSIP_OPTIONS_METHOD,
    PJSIP_OTHER_METHOD,
} pjsip_method_e;

typedef enum { PJSIP_REQUEST_MSG, PJSIP_RESPONSE_MSG } pjsip_msg_type_e;

typedef struct {
    pjsip_method_e id;
    pj_str_t name;
} pjsip_method;

/*
 * Every header starts with this: the links of the message's circular
 * header list, then type, long name, short name and method table.
 */
typedef struct pjsip_hdr {
    struct pjsip_hdr *prev;
    struct pjsip_hdr *next;
    pjsip_hdr_e type;
    pj_str_t name;
    pj_str_t sname;
    const void *vptr;
} pjsip_hdr;

typedef struct {
    pjsip_hdr base;
    pj_str_t id;
} pjsip_cid_hdr;

typedef struct {
    pjsip_hdr base;
    int len;
} pjsip_clen_hdr;

typedef struct {
    pjsip_hdr base;
    int32_t cseq;
    pjsip_method method;
} pjsip_cseq_hdr;

typedef struct {
    pj_str_t host;
    int port;
} pjsip_host_port;

/* Only the fields up to the branch; the header continues after it. */
typedef struct {
    pjsip_hdr base;
    pj_str_t transport;
    pjsip_host_port sent_by;
    int ttl_param;
    int rport_param;
    pj_str_t maddr_param;
    pj_str_t recvd_param;
    pj_str_t branch_param;
} pjsip_via_hdr;

typedef struct {
    pjsip_msg_type_e type;
    union {
        struct {
            pjsip_method method;
            void *uri;
        } req;
        struct {
            int code;
            pj_str_t reason;
        } status;
    } line;
    pjsip_hdr hdr; /* list head; the headers hang between its links */
    void *body;
} pjsip_msg;

/* One entry of the parser's error list (a circular list like pjsip_hdr). */
typedef struct pjsip_parser_err_report {
    struct pjsip_parser_err_report *prev;
    struct pjsip_parser_err_report *next;
    int except_code;
    int line;
    int col;
    pj_str_t hname;
} pjsip_parser_err_report;

pj_status_t pj_init(void);
void pj_shutdown(void);
const char *pj_get_version(void);
void pj_log_set_level(int level);
void pj_caching_pool_init(pj_caching_pool *cp, const void *policy, pj_size_t max_capacity);
void pj_caching_pool_destroy(pj_caching_pool *cp);
pj_pool_t *pj_pool_create(pj_pool_factory *factory, const char *name, pj_size_t initial_size,
                          pj_size_t increment_size, pj_pool_callback *callback);
void pj_pool_reset(pj_pool_t *pool);
void pj_pool_release(pj_pool_t *pool);
pj_status_t init_sip_parser(void);
pjsip_msg *pjsip_parse_msg(pj_pool_t *pool, char *buf, pj_size_t size,
                           pjsip_parser_err_report *err_list);
void *pjsip_msg_find_hdr(const pjsip_msg *msg, pjsip_hdr_e type, const void *start);
pj_ssize_t pjsip_msg_print(const pjsip_msg *msg, char *buf, pj_size_t size);

/* Offsets read off the wheel's disassembly (e.g. pjsip_msg_find_hdr adds
 * 0x28 to reach the list head; pjsip_via_hdr_init stores type 0x29 at 0x10
 * and -1, -1 at 0x68 for the TTL and rport; pjsip_cseq_hdr_init writes the
 * number at 0x40 and the method at 0x48; pjsip_clen_hdr_init the length at
 * 0x40). The Via branch's offset follows from the fields before it and is
 * checked at run time. A compiler that lays the structs out otherwise
 * stops the build. */
_Static_assert(sizeof(pj_str_t) == 16, "pj_str_t");
_Static_assert(offsetof(pjsip_hdr, type) == 0x10, "hdr.type");
_Static_assert(offsetof(pjsip_hdr, name) == 0x18, "hdr.name");
_Static_assert(offsetof(pjsip_hdr, vptr) == 0x38, "hdr.vptr");
_Static_assert(sizeof(pjsip_hdr) == 0x40, "pjsip_hdr");
_Static_assert(offsetof(pjsip_msg, hdr) == 0x28, "msg.hdr");
_Static_assert(offsetof(pjsip_cid_hdr, id) == 0x40, "cid.id");
_Static_assert(offsetof(pjsip_clen_hdr, len) == 0x40, "clen.len");
_Static_assert(offsetof(pjsip_cseq_hdr, cseq) == 0x40, "cseq.cseq");
_Static_assert(offsetof(pjsip_cseq_hdr, method) == 0x48, "cseq.method");
_Static_assert(offsetof(pjsip_via_hdr, ttl_param) == 0x68, "via.ttl_param");
_Static_assert(offsetof(pjsip_via_hdr, branch_param) == 0x90, "via.branch_param");

/* ---- the corpus -------------------------------------------------------- */

typedef struct {
    char *path;
    char *buf;  /* len bytes and a NUL: pjsip_parse_msg needs the NUL */
    char *copy; /* the file as read, to notice a parser writing into buf */
    size_t len;
} entry;

static void die(const char *what) {
    fprintf(stderr, "pjsip_bench: %s\n", what);
    exit(1);
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

static bool read_file(const char *path, entry *e) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) die("out of memory");
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            if (!buf) die("out of memory");
        }
    }
    bool ok = !ferror(f);
    fclose(f);
    buf[len] = '\0';
    e->buf = buf;
    e->len = len;
    e->copy = malloc(len + 1);
    if (!e->copy) die("out of memory");
    memcpy(e->copy, buf, len + 1);
    return ok;
}

/* ---- checking a parse against the file's bytes -------------------------
 * These scans are deliberately naive (line by line, no grammar): they only
 * need to locate a handful of values in well-formed corpus files, so that
 * what PJSIP hands back, read through the declarations above, can be
 * compared with what is actually in the file. */

static bool str_is(pj_str_t s, const char *lit) {
    size_t n = strlen(lit);
    return s.ptr && s.slen == (pj_ssize_t)n && strncasecmp(s.ptr, lit, n) == 0;
}

/* The value of the first header line named `name` or `compact`: pointer to
 * its first non-blank byte, and length up to the line end (folded lines
 * are not followed). NULL if there is none before the blank line. */
static const char *header_value(const entry *e, const char *name, const char *compact,
                                size_t *value_len) {
    const char *p = e->buf, *end = e->buf + e->len;
    const char *eol = memchr(p, '\n', (size_t)(end - p)); /* skip the start line */
    while (eol && eol + 1 < end) {
        p = eol + 1;
        eol = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = eol ? eol : end;
        if (line_end > p && line_end[-1] == '\r') line_end--;
        if (line_end == p) break; /* blank line: end of headers */
        const char *colon = memchr(p, ':', (size_t)(line_end - p));
        if (!colon || *p == ' ' || *p == '\t') continue;
        const char *name_end = colon;
        while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t')) name_end--;
        size_t n = (size_t)(name_end - p);
        bool named = (n == strlen(name) && strncasecmp(p, name, n) == 0) ||
                     (compact && n == strlen(compact) && strncasecmp(p, compact, n) == 0);
        if (!named) continue;
        const char *v = colon + 1;
        while (v < line_end && (*v == ' ' || *v == '\t')) v++;
        *value_len = (size_t)(line_end - v);
        return v;
    }
    return NULL;
}

static size_t body_len(const entry *e) {
    for (size_t i = 0; i + 4 <= e->len; i++)
        if (memcmp(e->buf + i, "\r\n\r\n", 4) == 0) return e->len - (i + 4);
    return (size_t)-1;
}

static pjsip_method_e method_id(pj_str_t name) {
    static const char *known[] = {"INVITE", "CANCEL", "ACK", "BYE", "REGISTER", "OPTIONS"};
    for (int i = 0; i < 6; i++)
        if (name.slen == (pj_ssize_t)strlen(known[i]) &&
            memcmp(name.ptr, known[i], (size_t)name.slen) == 0)
            return (pjsip_method_e)i;
    return PJSIP_OTHER_METHOD;
}

/* Returns NULL if the parsed message agrees with the file, or what differs. */
static const char *check(const entry *e, const pjsip_msg *msg, size_t printed) {
    if (memcmp(e->buf, e->copy, e->len + 1) != 0) return "the parser changed the input buffer";

    /* Start line. */
    const char *sp = memchr(e->buf, ' ', e->len);
    if (!sp) return "no space in the start line";
    if (strncmp(e->buf, "SIP/2.0 ", 8) == 0) {
        if (msg->type != PJSIP_RESPONSE_MSG) return "a response parsed as a request";
        if (msg->line.status.code != atoi(e->buf + 8)) return "status code";
        if (msg->line.status.reason.ptr != e->buf + 12) return "reason phrase";
    } else {
        if (msg->type != PJSIP_REQUEST_MSG) return "a request parsed as a response";
        pj_str_t m = msg->line.req.method.name;
        if (m.slen != sp - e->buf || memcmp(m.ptr, e->buf, (size_t)m.slen) != 0)
            return "method name";
        if (msg->line.req.method.id != method_id(m)) return "method id";
    }

    /* Call-ID: the header type, its canonical name, and the value. */
    size_t n;
    const char *v = header_value(e, "Call-ID", "i", &n);
    const pjsip_cid_hdr *cid = pjsip_msg_find_hdr(msg, PJSIP_H_CALL_ID, NULL);
    if (!v || !cid) return "Call-ID missing";
    if (cid->base.type != PJSIP_H_CALL_ID || !str_is(cid->base.name, "Call-ID"))
        return "Call-ID header type or name";
    if (cid->id.ptr != v || (size_t)cid->id.slen != n) return "Call-ID value";

    /* CSeq: number and method. */
    v = header_value(e, "CSeq", NULL, &n);
    const pjsip_cseq_hdr *cseq = pjsip_msg_find_hdr(msg, PJSIP_H_CSEQ, NULL);
    if (!v || !cseq) return "CSeq missing";
    if (cseq->base.type != PJSIP_H_CSEQ || !str_is(cseq->base.name, "CSeq"))
        return "CSeq header type or name";
    char *after;
    long number = strtol(v, &after, 10);
    if (cseq->cseq != number) return "CSeq number";
    while (*after == ' ') after++;
    /* By bytes, not by address: PJSIP points a known method's name at its
     * own constant. */
    size_t mlen = (size_t)(v + n - after);
    if (cseq->method.name.slen != (pj_ssize_t)mlen ||
        memcmp(cseq->method.name.ptr, after, mlen) != 0 ||
        cseq->method.id != method_id(cseq->method.name))
        return "CSeq method";
    if (msg->type == PJSIP_REQUEST_MSG &&
        (cseq->method.id != msg->line.req.method.id ||
         cseq->method.name.slen != msg->line.req.method.name.slen))
        return "CSeq method differs from the request's";

    /* Top Via: its branch is the first "branch=" of the first Via line. */
    v = header_value(e, "Via", "v", &n);
    const pjsip_via_hdr *via = pjsip_msg_find_hdr(msg, PJSIP_H_VIA, NULL);
    if (!v || !via) return "Via missing";
    if (via->base.type != PJSIP_H_VIA || !str_is(via->base.name, "Via"))
        return "Via header type or name";
    if (!str_is(via->transport, "UDP") && !str_is(via->transport, "TCP") &&
        !str_is(via->transport, "TLS") && !str_is(via->transport, "WSS") &&
        !str_is(via->transport, "WS"))
        return "Via transport";
    const char *branch = NULL;
    for (size_t i = 0; i + 7 <= n; i++)
        if (strncasecmp(v + i, "branch=", 7) == 0) {
            branch = v + i + 7;
            break;
        }
    if (!branch || via->branch_param.ptr != branch) return "Via branch";
    size_t blen = 0;
    while (branch + blen < v + n && branch[blen] != ';' && branch[blen] != ',' &&
           branch[blen] != ' ')
        blen++;
    if ((size_t)via->branch_param.slen != blen) return "Via branch length";

    /* Content-Length: the header's value, which the corpus keeps equal to
     * the body's size. */
    v = header_value(e, "Content-Length", "l", &n);
    const pjsip_clen_hdr *clen = pjsip_msg_find_hdr(msg, PJSIP_H_CONTENT_LENGTH, NULL);
    if (!v || !clen) return "Content-Length missing";
    if (clen->base.type != PJSIP_H_CONTENT_LENGTH || !str_is(clen->base.name, "Content-Length"))
        return "Content-Length header type or name";
    if (clen->len != atoi(v) || (size_t)clen->len != body_len(e)) return "Content-Length value";

    /* The printed form holds at least the body and a header line per
     * input line or so; a wildly short print means something is off. */
    if (printed < e->len / 2) return "printed message too short";
    return NULL;
}

/* ---- the timed loop ----------------------------------------------------- */

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
    entry *corpus;
    size_t count;
    pj_pool_t *pool;
    bool roundtrip;
    char *out;
    size_t out_cap;
} bench;

/* The five fields, folded into a value that depends on all of them (as
 * benches/support/five_fields.rs does for sansip). */
static size_t read_fields(const pjsip_msg *msg) {
    size_t first = msg->type == PJSIP_REQUEST_MSG ? (size_t)msg->line.req.method.id
                                                  : (size_t)msg->line.status.code;
    const pjsip_cid_hdr *cid = pjsip_msg_find_hdr(msg, PJSIP_H_CALL_ID, NULL);
    const pjsip_cseq_hdr *cseq = pjsip_msg_find_hdr(msg, PJSIP_H_CSEQ, NULL);
    const pjsip_via_hdr *via = pjsip_msg_find_hdr(msg, PJSIP_H_VIA, NULL);
    const pjsip_clen_hdr *clen = pjsip_msg_find_hdr(msg, PJSIP_H_CONTENT_LENGTH, NULL);
    size_t call_id = cid ? (size_t)cid->id.slen : 0;
    size_t number = cseq ? (size_t)cseq->cseq : 0;
    size_t branch = via ? (size_t)via->branch_param.slen : 0;
    size_t len = clen ? (size_t)clen->len : 0;
    return first ^ call_id ^ number ^ branch ^ len;
}

/* Parses one message into the reset pool. A message that was checked
 * clean at start-up and now fails means the process is broken: stop. */
static const pjsip_msg *parse(bench *b, entry *e) {
    pjsip_parser_err_report errors;
    errors.prev = errors.next = &errors;
    pj_pool_reset(b->pool);
    const pjsip_msg *msg = pjsip_parse_msg(b->pool, e->buf, e->len, &errors);
    if (!msg || errors.next != &errors) die("a message that parsed before failed");
    return msg;
}

static volatile size_t sink_out; /* keeps the loop's results observable */

/* Runs passes over the corpus until `seconds` have passed (checking the
 * clock every 64 passes), or exactly `rounds` passes if that is non-zero.
 * Returns the number of passes and stores the elapsed time. */
static uint64_t run(bench *b, double seconds, uint64_t rounds_wanted, double *elapsed) {
    double start = now_seconds();
    uint64_t rounds = 0;
    size_t sink = 0;
    for (;;) {
        for (size_t i = 0; i < b->count; i++) {
            const pjsip_msg *msg = parse(b, &b->corpus[i]);
            sink ^= read_fields(msg);
            if (b->roundtrip) {
                pj_ssize_t n = pjsip_msg_print(msg, b->out, b->out_cap);
                if (n < 0) die("pjsip_msg_print failed");
                sink ^= (size_t)n;
            }
        }
        rounds++;
        if (rounds_wanted) {
            if (rounds >= rounds_wanted) break;
        } else if (rounds % 64 == 0 && now_seconds() - start >= seconds) {
            break;
        }
    }
    sink_out = sink;
    *elapsed = now_seconds() - start;
    return rounds;
}

static void usage(void) {
    fprintf(stderr, "usage: pjsip_bench DIR SECONDS [--roundtrip] [--rounds N]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *dir = NULL, *secs = NULL;
    bool roundtrip = false;
    uint64_t rounds_wanted = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--roundtrip") == 0) {
            roundtrip = true;
        } else if (strcmp(argv[i], "--rounds") == 0) {
            if (++i == argc) usage();
            char *end;
            rounds_wanted = strtoull(argv[i], &end, 10);
            if (*end || rounds_wanted == 0) usage();
        } else if (strncmp(argv[i], "--", 2) == 0) {
            usage();
        } else if (!dir) {
            dir = argv[i];
        } else if (!secs) {
            secs = argv[i];
        } else {
            usage();
        }
    }
    if (!dir || !secs) usage();
    char *end;
    double seconds = strtod(secs, &end);
    if (*end || seconds < 0) usage();

    /* PJSIP logs its start-up at level 4 or 5 to stdout, which would get
     * mixed into the one line of output. */
    pj_log_set_level(0);
    if (pj_init() != 0) die("pj_init failed");
    pj_log_set_level(0);
    if (strcmp(pj_get_version(), PJSIP_VERSION_EXPECTED) != 0) {
        fprintf(stderr,
                "pjsip_bench: linked against PJSIP %s; the declarations here are for " PJSIP_VERSION_EXPECTED
                "\n",
                pj_get_version());
        return 1;
    }
    if (init_sip_parser() != 0) die("init_sip_parser failed");

    static pj_caching_pool cp;
    pj_caching_pool_init(&cp, NULL, 0);
    /* One pool for every message, reset before each. Its first block holds
     * the largest message's parse with room to spare, so that no message
     * costs PJSIP a malloc (its transports start rdata pools at 4000 bytes
     * and would grow them for the bigger messages here). */
    pj_pool_t *pool = pj_pool_create((pj_pool_factory *)&cp, "bench", 64 * 1024, 16 * 1024, NULL);
    if (!pool) die("pj_pool_create failed");

    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "pjsip_bench: cannot read %s\n", dir);
        return 2;
    }
    size_t count = 0, cap = 16;
    entry *corpus = malloc(cap * sizeof *corpus);
    if (!corpus) die("out of memory");
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".sip") != 0) continue;
        if (count == cap) {
            cap *= 2;
            corpus = realloc(corpus, cap * sizeof *corpus);
            if (!corpus) die("out of memory");
        }
        entry *e = &corpus[count];
        e->path = malloc(strlen(dir) + n + 2);
        if (!e->path) die("out of memory");
        sprintf(e->path, "%s/%s", dir, de->d_name);
        if (!read_file(e->path, e)) {
            fprintf(stderr, "pjsip_bench: cannot read %s\n", e->path);
            return 2;
        }
        count++;
    }
    closedir(d);
    qsort(corpus, count, sizeof *corpus, by_path);

    size_t out_cap = 256 * 1024;
    char *out = malloc(out_cap);
    if (!out) die("out of memory");
    bench b = {corpus, count, pool, roundtrip, out, out_cap};

    /* Parse each file once and check it; skip (and name) the ones PJSIP
     * rejects or reports errors in (it drops a header it cannot parse and
     * carries on, listing the error). A message that parses but disagrees
     * with its file is a layout mismatch: stop without a figure. */
    size_t kept = 0, corpus_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        entry *e = &corpus[i];
        pjsip_parser_err_report errors;
        errors.prev = errors.next = &errors;
        pj_pool_reset(pool);
        const pjsip_msg *msg = pjsip_parse_msg(pool, e->buf, e->len, &errors);
        if (!msg || errors.next != &errors) {
            fprintf(stderr, "pjsip_bench: skipping %s: PJSIP rejects it", e->path);
            if (errors.next != &errors)
                fprintf(stderr, " (line %d col %d, %.*s)", errors.next->line, errors.next->col,
                        (int)errors.next->hname.slen,
                        errors.next->hname.ptr ? errors.next->hname.ptr : "");
            fprintf(stderr, "\n");
            free(e->path);
            free(e->buf);
            free(e->copy);
            continue;
        }
        pj_ssize_t printed = pjsip_msg_print(msg, out, out_cap);
        if (printed < 0) die("pjsip_msg_print failed");
        const char *wrong = check(e, msg, (size_t)printed);
        if (wrong) {
            fprintf(stderr,
                    "pjsip_bench: %s: what PJSIP parsed disagrees with the file (%s); "
                    "the declarations do not match this PJSIP build\n",
                    e->path, wrong);
            return 1;
        }
        corpus[kept++] = *e;
        corpus_bytes += e->len;
    }
    if (kept == 0) {
        fprintf(stderr, "pjsip_bench: no parsable *.sip files in %s\n", dir);
        return 1;
    }
    b.count = kept;

    double elapsed;
    if (!rounds_wanted) run(&b, seconds / 5.0, 0, &elapsed);
    uint64_t rounds = run(&b, seconds, rounds_wanted, &elapsed);
    double msgs = (double)rounds * (double)kept;
    double bytes = (double)rounds * (double)corpus_bytes;
    printf("pjsip msgs_per_sec=%.0f bytes_per_sec=%.0f\n", msgs / elapsed, bytes / elapsed);

    pj_pool_release(pool);
    pj_caching_pool_destroy(&cp);
    pj_shutdown();
    for (size_t i = 0; i < kept; i++) {
        free(corpus[i].path);
        free(corpus[i].buf);
        free(corpus[i].copy);
    }
    free(corpus);
    free(out);
    return count == kept ? 0 : 3;
}
