//! Transaction layer benchmarks, in process and in virtual time.
//!
//! `cargo bench --bench transactions` reports:
//! - `non_invite/client`: a non-INVITE client transaction created and
//!   completed (send an OPTIONS over UDP, feed it its 200, run Timer K);
//! - `non_invite/server`: the same for the server side (receive an OPTIONS,
//!   answer 200, run Timer J);
//! - `handle_timeout/{100,100000}`: one `handle_timeout` call that fires
//!   one timer (a Timer E retransmission, or now and then a Timer F) with
//!   that many live transactions. The goal is within 2x of each other;
//!   `examples/timeout_cost.rs` counts the cache misses of the same case.
//!
//! The peer's side (splicing the branch into a 200, parsing it) is part of
//! the client figure, as a host would parse what it receives.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sansip::message::{Message, ResponseBuilder};
use sansip::transaction::{TransactionLayer, TxConfig, TxEvent, TxOutput, TxStats};
use sansip::transport::{FlowId, FlowInfo, Transport};

#[allow(dead_code)]
#[path = "support/steady_timers.rs"]
mod steady_timers;
use steady_timers::SteadyTimers;
use steady_timers::{local, options, peer, target as udp_target};

fn udp_flow() -> FlowInfo {
    FlowInfo {
        flow: FlowId(1),
        transport: Transport::Udp,
        local: local(),
        remote: peer(),
    }
}

fn layer() -> TransactionLayer {
    TransactionLayer::new(
        TxConfig {
            max_transactions: 1_000_000,
            ..TxConfig::default()
        },
        1,
    )
}

/// Drains the outputs; returns the bytes of the first Transmit and how
/// many transactions ended.
fn drain(layer: &mut TransactionLayer) -> (Option<Bytes>, usize) {
    let mut sent = None;
    let mut ended = 0;
    while let Some(o) = layer.poll_output() {
        match o {
            TxOutput::Transmit(t) => {
                sent.get_or_insert(t.bytes);
            }
            TxOutput::Event(TxEvent::Terminated { .. }) => ended += 1,
            TxOutput::Event(e) => {
                black_box(e);
            }
        }
    }
    (sent, ended)
}

/// The peer's 200 for a request we sent: a fixed response with the
/// request's branch spliced into its Via.
struct PeerOk {
    head: Vec<u8>,
    tail: &'static [u8],
}

impl PeerOk {
    fn new() -> PeerOk {
        PeerOk {
            head: b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;rport=5060;branch=".to_vec(),
            tail: b"\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\nTo: <sip:bob@192.0.2.9>;tag=b1\r\n\
Call-ID: bench@192.0.2.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        }
    }

    fn answer(&self, sent: &[u8]) -> Message {
        let at = memchr_find(sent, b"branch=").expect("our Via has a branch") + 7;
        let len = sent[at..]
            .iter()
            .position(|&b| b == b';' || b == b'\r')
            .expect("branch ends");
        let mut out = Vec::with_capacity(self.head.len() + len + self.tail.len());
        out.extend_from_slice(&self.head);
        out.extend_from_slice(&sent[at..at + len]);
        out.extend_from_slice(self.tail);
        Message::parse(Bytes::from(out)).expect("response parses")
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn non_invite(c: &mut Criterion) {
    #[allow(clippy::disallowed_methods)] // origin of virtual time
    let t0 = Instant::now();
    let t4 = Duration::from_secs(5);
    let timeout = Duration::from_secs(32);
    let ms = Duration::from_millis(1);
    let mut g = c.benchmark_group("non_invite");
    g.throughput(Throughput::Elements(1));

    let req = options();
    let peer_ok = PeerOk::new();
    g.bench_function("client", |b| {
        let mut l = layer();
        let mut now = t0;
        b.iter(|| {
            l.send_request(now, req.clone(), udp_target())
                .expect("room");
            let (sent, _) = drain(&mut l);
            let ok = peer_ok.answer(&sent.expect("sent"));
            l.receive(now + ms, ok, udp_flow());
            drain(&mut l);
            now += ms + t4;
            l.handle_timeout(now);
            let (_, ended) = drain(&mut l);
            assert_eq!(ended, 1);
        });
        assert_eq!(l.table_sizes(), [0; 4]);
        assert_eq!(l.stats(), TxStats::default());
    });

    let incoming = Message::parse(Bytes::from_static(
        b"OPTIONS sip:alice@192.0.2.1 SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKbench1\r\nMax-Forwards: 70\r\n\
From: <sip:bob@192.0.2.9>;tag=b1\r\nTo: <sip:alice@192.0.2.1>\r\n\
Call-ID: bench-in@192.0.2.9\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    ))
    .expect("request parses");
    let answer = ResponseBuilder::for_request(&incoming, 200, "OK")
        .build()
        .expect("response builds");
    g.bench_function("server", |b| {
        let mut l = layer();
        let mut now = t0;
        b.iter(|| {
            l.receive(now, incoming.clone(), udp_flow());
            let tx = match l.poll_output() {
                Some(TxOutput::Event(TxEvent::Request { tx, .. })) => tx,
                other => panic!("{other:?}"),
            };
            l.respond(now + ms, tx, answer.clone()).expect("respond");
            drain(&mut l);
            now += ms + timeout;
            l.handle_timeout(now);
            let (_, ended) = drain(&mut l);
            assert_eq!(ended, 1);
        });
        assert_eq!(l.table_sizes(), [0; 4]);
    });
    g.finish();
}

/// One `handle_timeout` that fires one timer, with `live` transactions in
/// steady state (`support/steady_timers.rs`): starts spread over a whole
/// lifetime, shuffled slots, each ended one replaced outside the
/// measurement. Consecutive firings touch unrelated transactions, as on a
/// busy server; starting them all in one burst instead would fire them in
/// slot order, which the prefetcher turns into a flattering stream.
fn handle_timeout(c: &mut Criterion) {
    #[allow(clippy::disallowed_methods)] // origin of virtual time
    let t0 = Instant::now();
    let mut g = c.benchmark_group("handle_timeout");
    for live in [100usize, 100_000] {
        let mut s = SteadyTimers::new(live, t0);
        g.bench_with_input(BenchmarkId::from_parameter(live), &live, |b, _| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let now = s.advance();
                    #[allow(clippy::disallowed_methods)] // the bench's own clock
                    let start = Instant::now();
                    s.layer.handle_timeout(black_box(now));
                    spent += start.elapsed();
                    s.settle();
                }
                spent
            });
        });
        assert_eq!(s.layer.len(), live);
    }
    g.finish();
}

criterion_group!(benches, non_invite, handle_timeout);
criterion_main!(benches);
