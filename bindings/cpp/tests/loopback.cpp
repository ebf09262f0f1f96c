// Two sansip endpoints through the C++ wrapper (bindings/cpp/sansip.hpp),
// wired by in-memory UDP datagrams on a virtual clock (no sockets): a
// MESSAGE each way, a call with SDP the application provides (external
// media) set up and hung up, and a refused command seen as sansip::Error.
// Built with g++ -std=c++17 -Wall -Wextra -Werror -pedantic and run by
// tests/bindings_cpp.rs; prints "cpp loopback: ok" when every check passed.
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "sansip.hpp"

namespace {

int failures = 0;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                            \
        }                                                                          \
    } while (0)

const char *const OFFER =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
const char *const ANSWER =
    "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\nm=audio 4002 RTP/AVP 0\r\n";

// An event with its fields copied out of the endpoint (the accessors'
// views die at the next poll).
struct Seen {
    sansip_event kind;
    std::optional<uint64_t> session, message_id;
    std::optional<uint16_t> status;
    std::optional<uint32_t> fork;
    std::optional<sansip_end_reason> end_reason;
    std::string body, content_type, from, to;
};

std::string copy(std::optional<std::string_view> v) { return v ? std::string(*v) : std::string(); }

struct Peer {
    std::string name;
    sansip_addr addr;
    sansip::Endpoint ep;
    std::vector<Seen> events;

    const Seen *last(sansip_event kind) const {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->kind == kind) return &*it;
        return nullptr;
    }
};

struct Datagram {
    sansip_addr src, dst;
    std::vector<uint8_t> data;
};

uint64_t now_us = 1000000;

sansip::Endpoint make(const char *aor, uint16_t port, uint64_t seed) {
    sansip::Config cfg(aor);
    cfg.add_local(SANSIP_TRANSPORT_UDP, sansip::ipv4(127, 0, 0, 1, port)).set_seed(seed);
    return sansip::Endpoint(cfg, now_us);
}

// The network: datagrams in flight between the peers.
struct Net {
    std::vector<Peer *> peers;
    std::deque<Datagram> queue;

    void drain(Peer &p) {
        for (;;) {
            sansip::Output out = p.ep.poll_output();
            if (std::holds_alternative<sansip::Timeout>(out)) return;
            if (auto *t = std::get_if<sansip::Transmit>(&out)) {
                CHECK(t->transport == SANSIP_TRANSPORT_UDP && !t->flow);
                queue.push_back(
                    Datagram{t->local, t->remote,
                             std::vector<uint8_t>(t->data.data, t->data.data + t->data.size)});
            } else if (auto *e = std::get_if<sansip::Event>(&out)) {
                Seen s{e->kind(),
                       e->session(),
                       e->message_id(),
                       e->status(),
                       e->fork(),
                       e->end_reason(),
                       copy(e->body()),
                       copy(e->content_type()),
                       copy(e->from()),
                       copy(e->to())};
                // A field the event does not have is std::nullopt, not an error.
                CHECK(!e->digit());
                std::printf("%s: event %d\n", p.name.c_str(), static_cast<int>(s.kind));
                p.events.push_back(std::move(s));
            } else {
                std::fprintf(stderr, "%s: unexpected output %zu\n", p.name.c_str(), out.index());
                failures++;
            }
        }
    }

    void run() {
        for (Peer *p : peers) drain(*p);
        while (!queue.empty()) {
            Datagram d = std::move(queue.front());
            queue.pop_front();
            Peer *to = nullptr;
            for (Peer *p : peers)
                if (p->addr.port == d.dst.port) to = p;
            CHECK(to != nullptr);
            if (to == nullptr) continue;
            to->ep.receive(now_us, SANSIP_TRANSPORT_UDP, 1, d.src, d.dst,
                           sansip::ByteView(d.data));
            drain(*to);
        }
    }
};

void messages(Net &net, Peer &alice, Peer &bob) {
    // Alice's log at DEBUG: the MESSAGE going out and its 200 coming in.
    std::vector<std::string> log;
    alice.ep.set_log(SANSIP_LOG_LEVEL_DEBUG,
                     [&log](sansip_log_level level, std::string_view target, std::string_view text) {
                         if (level == SANSIP_LOG_LEVEL_DEBUG && target == "transport")
                             log.emplace_back(text);
                     });
    uint64_t to_bob = alice.ep.message(now_us, "sip:bob@127.0.0.1:5062", "text/plain",
                                       std::string("hello bob"));
    net.run();
    const Seen *m = bob.last(SANSIP_EVENT_MESSAGE);
    CHECK(m != nullptr && m->body == "hello bob" && m->content_type == "text/plain");
    CHECK(m != nullptr && m->from.find("alice") != std::string::npos &&
          m->to.find("bob") != std::string::npos);
    const Seen *d = alice.last(SANSIP_EVENT_MESSAGE_DELIVERED);
    CHECK(d != nullptr && d->message_id == to_bob && d->status == uint16_t{200});
    CHECK(log.size() == 2);
    CHECK(!log.empty() &&
          log[0] == "sending MESSAGE sip:bob@127.0.0.1:5062 SIP/2.0 to 127.0.0.1:5062 (UDP)");
    alice.ep.set_log(SANSIP_LOG_LEVEL_DEBUG, nullptr);
    log.clear();

    const uint8_t bytes[] = {'h', 'e', 'l', 'l', 'o', ' ', 'a', 'l', 'i', 'c', 'e'};
    uint64_t to_alice =
        bob.ep.message(now_us, "sip:alice@127.0.0.1:5060", "text/plain",
                       sansip::ByteView(bytes, sizeof bytes), {{"X-Account", "42"}});
    net.run();
    m = alice.last(SANSIP_EVENT_MESSAGE);
    CHECK(m != nullptr && m->body == "hello alice");
    CHECK(log.empty());
    d = bob.last(SANSIP_EVENT_MESSAGE_DELIVERED);
    CHECK(d != nullptr && d->message_id == to_alice);
}

void call(Net &net, Peer &alice, Peer &bob) {
    uint64_t call = alice.ep.invite(now_us, "sip:bob@127.0.0.1:5062", OFFER);
    net.run();
    const Seen *in = bob.last(SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != nullptr && in->body == OFFER && in->content_type == "application/sdp");
    if (in == nullptr || !in->session) return;
    bob.ep.accept(now_us, *in->session, ANSWER);
    net.run();
    const Seen *up = alice.last(SANSIP_EVENT_CALL_ACCEPTED);
    CHECK(up != nullptr && up->session == call && up->body == ANSWER);
    CHECK(up != nullptr && up->fork == uint32_t{1});
    CHECK(bob.last(SANSIP_EVENT_CALL_ACCEPTED) != nullptr);

    alice.ep.hangup(now_us, call);
    net.run();
    const Seen *end = alice.last(SANSIP_EVENT_CALL_ENDED);
    CHECK(end != nullptr && end->end_reason == SANSIP_END_REASON_LOCAL_HANGUP);
    end = bob.last(SANSIP_EVENT_CALL_ENDED);
    CHECK(end != nullptr && end->end_reason == SANSIP_END_REASON_REMOTE_HANGUP);

    // The call is over: a second hang-up is refused, as an exception.
    try {
        alice.ep.hangup(now_us, call);
        CHECK(!"a hang-up of an ended call succeeded");
    } catch (const sansip::Error &e) {
        CHECK(e.code() == SANSIP_RESULT_NO_SUCH_SESSION);
        CHECK(std::string(e.what()).find("SANSIP_RESULT_NO_SUCH_SESSION") == 0);
    }
}

void errors(Peer &alice) {
    try {
        (void)alice.ep.invite(now_us, "not a uri");
        CHECK(!"a bad URI was accepted");
    } catch (const sansip::Error &e) {
        CHECK(e.code() == SANSIP_RESULT_BAD_URI);
        CHECK(!e.detail().empty());
        std::printf("refused as expected: %s\n", e.what());
    }
    try {
        sansip::Config cfg("sip:nobody@127.0.0.1");  // no local address
        sansip::Endpoint ep(cfg, now_us);
        CHECK(!"a config without a local address was accepted");
    } catch (const sansip::Error &e) {
        CHECK(e.code() == SANSIP_RESULT_BAD_CONFIG);
        CHECK(!e.detail().empty());
    }
}

}  // namespace

int main() {
    CHECK(sansip::abi_version() == SANSIP_ABI_VERSION);
    CHECK(!sansip::version().empty());
    try {
        Peer alice{"alice", sansip::ipv4(127, 0, 0, 1, 5060),
                   make("sip:alice@127.0.0.1", 5060, 1), {}};
        Peer bob{"bob", sansip::ipv4(127, 0, 0, 1, 5062), make("sip:bob@127.0.0.1", 5062, 2),
                 {}};
        Net net{{&alice, &bob}, {}};
        messages(net, alice, bob);
        call(net, alice, bob);
        errors(alice);
        // Documents sansip writes: our calls' dialog-info; presence refused
        // for an activity RPID does not name.
        std::string info = bob.ep.dialog_info(2);
        CHECK(info.find("version=\"2\"") != std::string::npos &&
              info.find("entity=\"sip:bob@127.0.0.1\"") != std::string::npos);
        sansip::Endpoint::Presence juggling;
        juggling.activity = "juggling";
        try {
            bob.ep.notify_presence(now_us, 999, SANSIP_SUBSCRIPTION_STATE_ACTIVE, juggling);
            CHECK(false);
        } catch (const sansip::Error &e) {
            CHECK(e.code() == SANSIP_RESULT_BAD_TEXT);
        }
        // Moving an Endpoint moves ownership: the handle is freed once.
        sansip::Endpoint moved = std::move(alice.ep);
        CHECK(moved.get() != nullptr && alice.ep.get() == nullptr);
        CHECK(!moved.is_poisoned());
    } catch (const sansip::Error &e) {
        std::fprintf(stderr, "unexpected sansip::Error: %s\n", e.what());
        return 1;
    }
    if (failures != 0) {
        std::fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    std::printf("cpp loopback: ok\n");
    return 0;
}
