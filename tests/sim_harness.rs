//! The simulated network itself: link impairments follow their settings and
//! the seed, time jumps exactly, and runaway runs fail instead of hanging.

mod support;

use std::time::Duration;

use bytes::Bytes;
use support::{addr, Fate, LinkConfig, Net, NodeHandle, RawPeer, Stop};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A net with a sender (10.0.0.1) scripted to send `n` numbered datagrams
/// of `len` bytes, one per millisecond, to a silent receiver (10.0.0.2).
fn blast(
    seed: u64,
    link: LinkConfig,
    n: u32,
    len: usize,
) -> (Net, NodeHandle<RawPeer>, NodeHandle<RawPeer>) {
    let mut net = Net::new(seed);
    let tx = net.add("tx", addr(1), RawPeer::new(addr(1)));
    let rx = net.add("rx", addr(2), RawPeer::new(addr(2)));
    net.link_one_way(tx, rx, link);
    net.with(tx, |peer, t0| {
        for i in 0..n {
            let mut payload = format!("PING {i}\r\n").into_bytes();
            payload.resize(len.max(payload.len()), b'.');
            peer.send_at(t0 + ms(u64::from(i)), addr(2), payload);
        }
    });
    (net, tx, rx)
}

fn numbers(peer: &RawPeer) -> Vec<u32> {
    peer.received
        .iter()
        .map(|(_, d)| {
            let text = std::str::from_utf8(&d.bytes).expect("ascii");
            text[5..text.find('\r').expect("line")]
                .parse()
                .expect("number")
        })
        .collect()
}

#[test]
fn a_perfect_link_delivers_everything_in_order_after_its_latency() {
    let (mut net, tx, rx) = blast(1, LinkConfig::ideal(ms(25)), 100, 64);
    net.run_until_idle(1_000);
    let rx_peer = net.node(rx);
    assert_eq!(numbers(rx_peer), (0..100).collect::<Vec<_>>());
    for (i, (at, _)) in rx_peer.received.iter().enumerate() {
        assert_eq!(*at - net.start(), ms(25 + i as u64));
    }
    let s = net.link_stats(tx, rx);
    assert_eq!((s.sent, s.delivered, s.lost, s.bytes), (100, 100, 0, 6400));
    assert_eq!(net.elapsed(), ms(99 + 25));
    let first = &net.trace().entries()[0];
    assert_eq!(first.first_line, "PING 0");
    assert_eq!(first.fate, Fate::Delivered { at: ms(25) });
}

#[test]
fn loss_duplication_and_reordering_follow_their_probabilities() {
    let link = LinkConfig::ideal(ms(20))
        .loss(0.3)
        .duplicate(0.1)
        .reorder(0.2, ms(50));
    let (mut net, tx, rx) = blast(7, link, 10_000, 32);
    net.run_until_idle(100_000);
    let s = net.link_stats(tx, rx);
    let rate = |k: u64, of: u64| k as f64 / of as f64;
    assert!((0.28..0.32).contains(&rate(s.lost, s.sent)), "{s:?}");
    assert!(
        (0.09..0.11).contains(&rate(s.duplicated, s.sent - s.lost)),
        "{s:?}"
    );
    assert!(
        (0.18..0.22).contains(&rate(s.reordered, s.delivered)),
        "{s:?}"
    );
    assert_eq!(s.delivered, s.sent - s.lost + s.duplicated);
    let got = numbers(net.node(rx));
    assert_eq!(got.len() as u64, s.delivered);
    let out_of_order = got.windows(2).filter(|w| w[1] < w[0]).count();
    assert!(out_of_order > 100, "{out_of_order}");
    // The trace marks every kind of fate.
    let t = net.trace();
    assert_eq!(t.count(|e| e.fate == Fate::Lost) as u64, s.lost);
    assert_eq!(t.count(|e| e.duplicate) as u64, s.duplicated);
    assert_eq!(t.count(|e| e.reordered) as u64, s.reordered);
}

#[test]
fn jitter_stays_within_its_bound() {
    let (mut net, _, rx) = blast(3, LinkConfig::ideal(ms(10)).jitter(ms(5)), 1_000, 32);
    net.run_until_idle(10_000);
    for e in net.trace().iter() {
        let delay = e.delivered_at().expect("no loss") - e.sent;
        assert!(delay >= ms(10) && delay <= ms(15), "{e}");
    }
    assert_eq!(net.node(rx).received.len(), 1_000);
}

#[test]
fn datagrams_over_the_mtu_are_dropped_and_counted() {
    let (mut net, tx, rx) = blast(1, LinkConfig::default().mtu(1300), 3, 1301);
    net.with(tx, |peer, now| peer.send_at(now, addr(2), vec![b'x'; 1300]));
    net.run_until_idle(100);
    let s = net.link_stats(tx, rx);
    assert_eq!((s.sent, s.too_big, s.delivered), (4, 3, 1));
    assert_eq!(net.trace().count(|e| e.fate == Fate::TooBig), 3);
    assert_eq!(net.node(rx).received.len(), 1);
}

#[test]
fn datagrams_to_nobody_are_traced_as_unroutable() {
    let mut net = Net::new(1);
    let tx = net.add("tx", addr(1), RawPeer::new(addr(1)));
    net.with(tx, |peer, now| {
        peer.send_at(now, addr(9), &b"OPTIONS sip:x SIP/2.0\r\n\r\n"[..])
    });
    net.run_until_idle(10);
    let e = &net.trace().entries()[0];
    assert_eq!(
        (e.fate, e.to, e.method()),
        (Fate::NoRoute, addr(9), Some("OPTIONS"))
    );
}

#[test]
fn links_are_per_direction() {
    let mut net = Net::new(1);
    let a = net.add(
        "a",
        addr(1),
        RawPeer::new(addr(1)).replying(|_, _| vec![Bytes::from_static(b"PONG\r\n")]),
    );
    let b = net.add(
        "b",
        addr(2),
        RawPeer::new(addr(2)).replying(|_, _| vec![Bytes::from_static(b"PING\r\n")]),
    );
    net.link_one_way(a, b, LinkConfig::ideal(ms(10)));
    net.link_one_way(b, a, LinkConfig::ideal(ms(30)));
    net.with(a, |peer, now| peer.send_at(now, addr(2), &b"PING\r\n"[..]));
    // Ping-pong forever: stop on a condition, at 4 round trips.
    let stop = net.run_until(Duration::from_secs(1), 1_000, |n| n.trace().len() >= 8);
    assert_eq!(stop, Stop::Condition);
    assert_eq!(net.elapsed(), ms(4 * 40 - 30));
    let arrivals: Vec<Duration> = net
        .node(a)
        .received
        .iter()
        .map(|(t, _)| *t - net.start())
        .collect();
    assert_eq!(arrivals, [ms(40), ms(80), ms(120)]);
    let _ = b;
}

#[test]
fn run_for_stops_at_its_deadline_and_keeps_what_is_in_flight() {
    let (mut net, _, rx) = blast(1, LinkConfig::ideal(ms(100)), 10, 16);
    net.run_for(ms(105), 1_000);
    assert_eq!(net.elapsed(), ms(105));
    assert_eq!(net.node(rx).received.len(), 6);
    assert_eq!(net.in_flight(), 4);
    net.run_until_idle(1_000);
    assert_eq!(net.node(rx).received.len(), 10);
    assert_eq!(net.elapsed(), ms(109));
}

#[test]
#[should_panic(expected = "did not go idle within 500 steps")]
fn an_endless_exchange_fails_instead_of_hanging() {
    let mut net = Net::new(1);
    net.print_trace_on_panic(false);
    let echo = |_: std::time::Instant, d: &support::Datagram| vec![d.bytes.clone()];
    let a = net.add("a", addr(1), RawPeer::new(addr(1)).replying(echo));
    net.add("b", addr(2), RawPeer::new(addr(2)).replying(echo));
    net.with(a, |peer, now| peer.send_at(now, addr(2), &b"PING\r\n"[..]));
    net.run_until_idle(500);
}

#[test]
fn the_same_seed_replays_the_same_impairments() {
    let link = LinkConfig::ideal(ms(20))
        .jitter(ms(10))
        .loss(0.3)
        .duplicate(0.1)
        .reorder(0.1, ms(100));
    let run = |seed| {
        let (mut net, _, _) = blast(seed, link.clone(), 2_000, 32);
        net.run_until_idle(10_000);
        net.trace().clone()
    };
    assert!(run(11) == run(11));
    assert!(run(11) != run(12));
}
