//! Transactions between two nodes on the simulated network: thousands of
//! them under loss, duplication and reordering, exact message counts on a
//! perfect link, and replay of a run from its seed.
//!
//! `SIM_SEED=<n>` replays the lossy runs with another seed; `SIM_TRACE=all`
//! prints the whole trace when a test fails.

mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use sansip::message::headers::CSeq;
use sansip::message::{Message, Method, RequestBuilder};
use sansip::transaction::TxConfig;
use support::{addr, Answer, LinkConfig, Net, NodeHandle, Trace, TxNode, Uac, Uas};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Events one run may take before it counts as a runaway.
const MAX_STEPS: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NonInvite,
    Invite,
}

fn call_id(kind: Kind, i: usize) -> String {
    match kind {
        Kind::NonInvite => format!("n{i}@sim"),
        Kind::Invite => format!("i{i}@sim"),
    }
}

fn parse_call_id(call_id: &str) -> (Kind, usize) {
    let (kind, rest) = call_id.split_at(1);
    let i = rest
        .trim_end_matches("@sim")
        .parse()
        .expect("a sim Call-ID");
    let kind = if kind == "i" {
        Kind::Invite
    } else {
        Kind::NonInvite
    };
    (kind, i)
}

/// What the UAS answers: four classes per kind, so every server path runs
/// (immediate, delayed, provisional from the TU, 100 Trying from the layer).
fn answer(kind: Kind, i: usize) -> Answer {
    match (kind, i % 4) {
        (Kind::NonInvite, 0) => Answer::now(200),
        (Kind::NonInvite, 1) => Answer::now(404),
        (Kind::NonInvite, 2) => Answer::now(202).after(ms(1200)),
        (Kind::NonInvite, _) => Answer::now(500).with_provisional(100).after(ms(3000)),
        (Kind::Invite, 0) => Answer::now(200).with_provisional(180),
        (Kind::Invite, 1) => Answer::now(486).with_provisional(180),
        (Kind::Invite, 2) => Answer::now(200).with_provisional(180).after(ms(2000)),
        // No provisional from the TU: the layer sends 100 Trying at 200 ms.
        (Kind::Invite, _) => Answer::now(603).after(ms(1000)),
    }
}

fn policy(request: &Message) -> Answer {
    let (kind, i) = parse_call_id(request.call_id().expect("Call-ID"));
    answer(kind, i)
}

fn method(kind: Kind, i: usize) -> Method {
    match kind {
        Kind::Invite => Method::Invite,
        Kind::NonInvite if i % 2 == 0 => Method::Options,
        Kind::NonInvite => Method::Message,
    }
}

fn request(kind: Kind, i: usize, from: SocketAddr, to: SocketAddr) -> Message {
    let method = method(kind, i);
    RequestBuilder::new(method.clone(), format!("sip:bob@{to}"))
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", format!("<sip:alice@{from}>;tag=a{i}").as_bytes())
        .raw_header("To", format!("<sip:bob@{to}>").as_bytes())
        .raw_header("Call-ID", call_id(kind, i).as_bytes())
        .header(&CSeq { seq: 1, method })
        .build()
        .expect("request builds")
}

struct Sim {
    net: Net,
    uac: NodeHandle<TxNode<Uac>>,
    uas: NodeHandle<TxNode<Uas>>,
    n: usize,
}

/// `n` non-INVITE and `n` INVITE transactions from a UAC to a UAS,
/// interleaved, one started every `spacing`.
fn build(seed: u64, link: LinkConfig, n: usize, spacing: Duration) -> Sim {
    let mut net = Net::new(seed);
    let (a, b) = (addr(1), addr(2));
    let config = TxConfig::default();
    let (s1, s2, s3) = (net.fork_seed(), net.fork_seed(), net.fork_seed());
    let uac = net.add(
        "uac",
        a,
        TxNode::new(a, config.clone(), s1, Uac::new(a, s2)),
    );
    let uas = TxNode::new(b, config.clone(), s3, Uas::new(config.timers, policy));
    let uas = net.add("uas", b, uas);
    net.link(uac, uas, link);
    net.with(uac, |node, t0| {
        let target = node.target(b);
        let mut at = t0;
        for i in 0..n {
            for kind in [Kind::NonInvite, Kind::Invite] {
                node.tu.schedule(at, request(kind, i, a, b), target);
                at += spacing;
            }
        }
    });
    Sim { net, uac, uas, n }
}

fn lossy_link() -> LinkConfig {
    LinkConfig::ideal(ms(20))
        .jitter(ms(10))
        .loss(0.3)
        .duplicate(0.1)
        .reorder(0.1, ms(100))
}

fn seed(default: u64) -> u64 {
    std::env::var("SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// One transaction as the wire saw it, from the trace.
#[derive(Debug, Default)]
struct Wire {
    /// When the UAC sent the request (first transmission and Timer A/E
    /// retransmissions; not the network's duplicates).
    sends: Vec<Duration>,
    /// When the request (any copy) reached the UAS.
    request_arrivals: Vec<Duration>,
    /// When an ACK reached the UAS.
    ack_arrivals: Vec<Duration>,
    /// When a provisional response reached the UAC.
    provisional_arrivals: Vec<Duration>,
    /// When a final response reached the UAC.
    final_arrivals: Vec<Duration>,
}

/// Groups the trace by Call-ID (parsing each datagram once).
fn wire(trace: &Trace, uac: SocketAddr, uas: SocketAddr) -> BTreeMap<String, Wire> {
    let mut out: BTreeMap<String, Wire> = BTreeMap::new();
    for e in trace.iter() {
        let w = out.entry(e.call_id().expect("a Call-ID")).or_default();
        let arrived = e.delivered_at();
        match (e.method(), e.status()) {
            (Some("ACK"), _) if e.to == uas => w.ack_arrivals.extend(arrived),
            (Some(_), _) if e.to == uas => {
                if !e.duplicate {
                    w.sends.push(e.sent);
                }
                w.request_arrivals.extend(arrived);
            }
            (_, Some(code)) if e.to == uac && code < 200 => w.provisional_arrivals.extend(arrived),
            (_, Some(_)) if e.to == uac => w.final_arrivals.extend(arrived),
            _ => {}
        }
    }
    out
}

/// Offsets of Timer A (INVITE: doubling, no cap) or Timer E (doubling to
/// T2) retransmissions from the first transmission, within 64·T1.
fn schedule(kind: Kind) -> Vec<Duration> {
    let (t1, t2) = (ms(500), ms(4000));
    let mut at = Duration::ZERO;
    let mut interval = t1;
    let mut out = Vec::new();
    while at < t1 * 64 {
        out.push(at);
        at += interval;
        interval = match kind {
            Kind::Invite => interval * 2,
            Kind::NonInvite => (interval * 2).min(t2),
        };
    }
    out
}

/// What the lossy runs came to, for the assertions and the determinism test.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    completed: usize,
    timeouts: usize,
    /// Call-IDs of the transactions that timed out.
    timed_out: Vec<String>,
    twoxx_retransmissions_seen: usize,
    uas_gave_up: usize,
    uas_no_ack: usize,
}

/// Runs to idle and checks every transaction against the oracle: a final
/// response of the policy's code exactly once (more only for an INVITE
/// 2xx, RFC 6026), or a timeout only when no final response for it reached
/// the UAC; each request seen once by the UAS TU; every table empty.
fn run_and_check(sim: &mut Sim) -> Tally {
    sim.net.run_until_idle(MAX_STEPS);
    let net = &sim.net;
    let start = net.start();
    let trace = net.trace();
    let (uac, uas) = (net.node(sim.uac), net.node(sim.uas));
    let mut tally = Tally::default();

    assert_eq!(uac.tu.pending(), 0);
    assert!(uac.tu.refused.is_empty(), "{:?}", uac.tu.refused);
    assert!(uac.tu.unexpected.is_empty(), "{:?}", uac.tu.unexpected);
    assert!(uas.tu.refused.is_empty(), "{:?}", uas.tu.refused);
    assert!(uas.tu.unexpected.is_empty(), "{:?}", uas.tu.unexpected);
    assert_eq!(uac.tu.outcomes.len(), 2 * sim.n);
    assert_eq!(uac.stats().unparsable + uas.stats().unparsable, 0);
    let wire = wire(trace, uac.addr(), uas.addr());
    // A response is stray exactly when it arrives after the UAC forgot its
    // transaction (Timer B/F/D/K/M ran).
    let late: usize = uac
        .tu
        .outcomes
        .values()
        .map(|o| {
            let w = &wire[&o.call_id];
            let ended = o.terminated.expect("checked below") - start;
            let arrivals = w.provisional_arrivals.iter().chain(&w.final_arrivals);
            arrivals.filter(|&&at| at > ended).count()
        })
        .sum();
    assert_eq!(uac.layer.stats().stray_responses, late as u64);
    // The UAS layer rejected, dropped and discarded nothing (no false 482
    // for retransmissions or duplicates).
    assert_eq!(uas.layer.stats(), Default::default());

    for o in uac.tu.outcomes.values() {
        let (kind, i) = parse_call_id(&o.call_id);
        let want = answer(kind, i);
        let ctx = || {
            format!(
                "{} {:?} {:?}\n{}",
                o.call_id,
                want,
                o,
                trace.for_call(&o.call_id)
            )
        };
        assert!(o.terminated.is_some(), "never terminated: {}", ctx());
        let w = &wire[&o.call_id];
        // Retransmissions follow Timer A/E exactly and stop once a response
        // arrived (INVITE: any; non-INVITE: a final; a provisional moves a
        // non-INVITE to T2 intervals, so only the count is checked then).
        let rfc = schedule(kind);
        let sent: Vec<Duration> = w.sends.iter().map(|&t| t - w.sends[0]).collect();
        assert_eq!(w.sends[0], o.started - start, "{}", ctx());
        assert!(
            sent.len() <= rfc.len(),
            "too many retransmissions: {}",
            ctx()
        );
        if kind == Kind::Invite || want.provisional.is_none() {
            assert_eq!(sent, rfc[..sent.len()], "off schedule: {}", ctx());
        }
        let heard = match kind {
            Kind::Invite => w.provisional_arrivals.iter().chain(&w.final_arrivals).min(),
            Kind::NonInvite => w.final_arrivals.iter().min(),
        };
        if let Some(&heard) = heard {
            let last = *w.sends.last().expect("sent");
            assert!(last < heard, "retransmitted after a response: {}", ctx());
        }
        assert!(!o.transport_error, "transport error: {}", ctx());
        if let Some(t) = o.timed_out {
            assert!(o.finals.is_empty(), "final and timeout: {}", ctx());
            assert!(
                w.final_arrivals.iter().all(|&at| at > t - start),
                "timed out although a final response arrived: {}",
                ctx()
            );
            tally.timeouts += 1;
            tally.timed_out.push(o.call_id.clone());
        } else {
            tally.completed += 1;
            assert_eq!(o.final_code(), Some(want.final_code), "{}", ctx());
            assert!(
                o.finals.iter().all(|&(_, c)| c == want.final_code),
                "{}",
                ctx()
            );
            let invite_2xx = kind == Kind::Invite && want.final_code < 300;
            if invite_2xx {
                assert_eq!(o.acks_sent, o.finals.len(), "one ACK per 2xx: {}", ctx());
                tally.twoxx_retransmissions_seen += o.finals.len() - 1;
            } else {
                assert_eq!(o.finals.len(), 1, "exactly one final: {}", ctx());
            }
        }
        // Provisionals: the policy's, or 100 Trying from the layer.
        let layer_trying = kind == Kind::Invite && want.provisional.is_none();
        assert!(
            o.provisionals
                .iter()
                .all(|&c| Some(c) == want.provisional || (c == 100 && layer_trying)),
            "unexpected provisional: {}",
            ctx()
        );
        // The UAS TU saw the request exactly once (if it ever arrived).
        let key = format!("{} 1 {}", o.call_id, o.method);
        match uas.tu.seen.get(&key) {
            Some(txs) => assert_eq!(txs.len(), 1, "request seen {} times: {}", txs.len(), ctx()),
            None => assert!(
                w.request_arrivals.is_empty(),
                "request delivered but never passed up: {}",
                ctx()
            ),
        }
    }

    // Server side: unacknowledged finals only where no ACK got through.
    let call_of: BTreeMap<_, _> = uas
        .tu
        .seen
        .iter()
        .flat_map(|(key, txs)| {
            txs.iter()
                .map(move |tx| (*tx, key.split(' ').next().unwrap()))
        })
        .collect();
    for tx in uas.tu.gave_up.iter().chain(&uas.tu.no_ack) {
        let call = call_of[tx];
        assert!(
            wire[call].ack_arrivals.is_empty(),
            "{call}: final never acknowledged although an ACK arrived\n{}",
            trace.for_call(call)
        );
    }
    tally.uas_gave_up = uas.tu.gave_up.len();
    tally.uas_no_ack = uas.tu.no_ack.len();
    assert_eq!(uas.tu.busy(), 0);

    // Every transaction is forgotten once its timers ran.
    assert_eq!(uac.layer.table_sizes(), [0; 4], "UAC tables");
    assert_eq!(uas.layer.table_sizes(), [0; 4], "UAS tables");
    assert_eq!(uac.layer.poll_timeout(), None);
    assert_eq!(uas.layer.poll_timeout(), None);
    tally
}

/// 1,000 non-INVITE and 1,000 INVITE transactions under 30% loss (each
/// way), 10% duplication and 10% reordering.
///
/// Not "all complete, always": a transaction times out when each of its
/// request transmissions, or the response it triggers, is lost. A
/// non-INVITE answered at once has 11 transmissions within Timer F, each a
/// round trip that gets through with p ≈ 0.7², so 0.51¹¹ ≈ 6·10⁻⁴ of them
/// time out; those answered late fare worse (retransmissions absorbed
/// before the final do not count: ≈ 3·10⁻³ for the 100-then-500-after-3-s
/// class); an INVITE times out when all 7 of its Timer A transmissions are
/// lost (0.3⁷ ≈ 2·10⁻⁴). Over 52 seeds this mix averaged 1.5 timeouts per
/// 2,000 (0 to 5), as predicted. So the oracle checks that each timeout is
/// one the loss pattern forces (no final response for it reached the UAC),
/// and the bound that they stay that rare.
#[test]
fn thousands_of_transactions_under_loss_duplication_and_reordering() {
    let mut sim = build(seed(0x5EED), lossy_link(), 1000, ms(10));
    let tally = run_and_check(&mut sim);
    let stats = sim.net.total_stats();
    // The impairments really happened.
    let loss = stats.lost as f64 / stats.sent as f64;
    assert!((0.27..0.33).contains(&loss), "loss {loss}: {stats:?}");
    assert!(stats.duplicated > 500 && stats.reordered > 500, "{stats:?}");
    assert_eq!(tally.completed + tally.timeouts, 2000);
    assert!(tally.timeouts <= 8, "{tally:?}");
    assert!(tally.uas_gave_up + tally.uas_no_ack <= 6, "{tally:?}");
    // Under this loss 2xx retransmissions reach the UAC TU.
    assert!(tally.twoxx_retransmissions_seen > 0, "{tally:?}");
    eprintln!(
        "seed {}: {tally:?}, {stats:?}, {:?} virtual",
        sim.net.seed(),
        sim.net.elapsed()
    );
}

/// Counts datagrams by request method or by "code CSeq-method".
fn census(trace: &Trace) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in trace.iter() {
        let key = match e.status() {
            Some(code) => {
                let cseq = e
                    .message()
                    .expect("parses")
                    .header::<CSeq>()
                    .expect("CSeq")
                    .method;
                format!("{code} {cseq}")
            }
            None => e.method().expect("a request").to_owned(),
        };
        *out.entry(key).or_default() += 1;
    }
    out
}

/// A perfect 10 ms link: every message, retransmission and timing is
/// known in advance.
#[test]
fn no_loss_exact_message_counts_and_timings() {
    let n = 100; // per kind: 25 of each of the four classes
    let mut sim = build(1, LinkConfig::ideal(ms(10)), n, ms(10));
    let tally = run_and_check(&mut sim);
    assert_eq!(
        tally,
        Tally {
            completed: 2 * n,
            ..Tally::default()
        }
    );

    let expected: BTreeMap<String, usize> = [
        // Class 0 once; class 2 twice (Timer E at 500 ms, absorbed in Trying).
        ("OPTIONS", 25 + 25 * 2),
        ("200 OPTIONS", 25),
        ("202 OPTIONS", 25),
        // Class 1 once; class 3 twice (Timer E at 500 ms, in Proceeding).
        ("MESSAGE", 25 + 25 * 2),
        ("404 MESSAGE", 25),
        // Class 3: the TU's 100, then again for the retransmission.
        ("100 MESSAGE", 25 * 2),
        ("500 MESSAGE", 25),
        // No INVITE retransmission: every one hears a provisional by 500 ms.
        ("INVITE", 100),
        ("180 INVITE", 75),
        ("100 INVITE", 25),
        ("200 INVITE", 50),
        ("486 INVITE", 25),
        ("603 INVITE", 25),
        // 50 by the UAC TU for the 2xx, 50 by the transaction for the rest.
        ("ACK", 100),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let trace = sim.net.trace();
    assert_eq!(census(trace), expected);
    assert_eq!(trace.len(), 700);
    let stats = sim.net.total_stats();
    assert_eq!((stats.sent, stats.delivered, stats.lost), (700, 700, 0));

    let uac = sim.net.node(sim.uac);
    let uas = sim.net.node(sim.uas);
    for o in uac.tu.outcomes.values() {
        let (kind, i) = parse_call_id(&o.call_id);
        let (provisionals, rtt_ms): (&[u16], u64) = match (kind, i % 4) {
            (Kind::NonInvite, 0 | 1) => (&[], 20),
            (Kind::NonInvite, 2) => (&[], 1220),
            (Kind::NonInvite, _) => (&[100, 100], 3020),
            (Kind::Invite, 0 | 1) => (&[180], 20),
            (Kind::Invite, 2) => (&[180], 2020),
            (Kind::Invite, _) => (&[100], 1020),
        };
        assert_eq!(o.provisionals, provisionals, "{}", o.call_id);
        assert_eq!(o.finals.len(), 1, "{}", o.call_id);
        assert_eq!(o.finals[0].0 - o.started, ms(rtt_ms), "{}", o.call_id);
        // Timer K (T4) ends a non-INVITE; D (32 s) a non-2xx INVITE; M
        // (64·T1) an accepted one.
        let linger = match kind {
            Kind::NonInvite => ms(5000),
            Kind::Invite => ms(32_000),
        };
        assert_eq!(o.terminated, Some(o.finals[0].0 + linger), "{}", o.call_id);
    }
    // Each 2xx ACKed once, through the TU; non-2xx ACKs stay in the layer.
    assert_eq!(uas.tu.acks.len(), 50);
    assert!(uas.tu.acks.values().all(|&n| n == 1));
    assert_eq!(uas.tu.terminated, 200);
}

/// The same seed replays the same run, datagram for datagram; another seed
/// does not.
#[test]
fn same_seed_same_trace() {
    let run = |seed| {
        let mut sim = build(seed, lossy_link(), 100, ms(10));
        let tally = run_and_check(&mut sim);
        (sim.net.trace().clone(), tally, sim.net.elapsed())
    };
    let s = seed(42);
    let (a, tally_a, end_a) = run(s);
    let (b, tally_b, end_b) = run(s);
    assert!(a.count(|e| !e.delivered()) > 100, "the run was lossy");
    assert!(a == b, "traces differ for seed {s}");
    assert_eq!((tally_a, end_a), (tally_b, end_b));
    let (c, _, _) = run(s + 1);
    assert!(a != c, "seeds {s} and {} gave the same trace", s + 1);
}
