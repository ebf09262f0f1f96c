//! A transaction layer in the steady state of a busy UDP client, shared by
//! the `handle_timeout` bench and `examples/timeout_cost.rs` (cachegrind):
//! `live` OPTIONS transactions whose starts are spread over one 64·T1
//! lifetime, each replaced when Timer F ends it, so every firing is a
//! Timer E or F of a transaction of any age.
//!
//! The slab slots and heap blocks are handed out in a shuffled order first,
//! as they are after hours of churn: timers firing in slot order would let
//! the hardware prefetcher hide the misses a real server pays.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::message::{Message, Method, RequestBuilder};
use sansip::transaction::{Target, TransactionLayer, TxConfig, TxEvent, TxOutput};
use sansip::transport::{FlowId, FlowInfo, Transport};

/// A layer with `live` transactions and the virtual clock it runs on.
pub(crate) struct SteadyTimers {
    pub(crate) layer: TransactionLayer,
    pub(crate) now: Instant,
    pub(crate) live: usize,
    request: Message,
    /// Transmits and Timer F ends seen by [`settle`](Self::settle).
    pub(crate) sent: u64,
    pub(crate) ended: u64,
}

/// Our address.
pub(crate) fn local() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 1], 5060))
}

/// The peer's address.
pub(crate) fn peer() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 9], 5060))
}

/// The peer over UDP.
pub(crate) fn target() -> Target {
    Target {
        transport: Transport::Udp,
        flow: None,
        remote: peer(),
        local: local(),
    }
}

/// An OPTIONS to the peer.
pub(crate) fn options() -> Message {
    RequestBuilder::new(Method::Options, "sip:bob@192.0.2.9")
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", b"<sip:alice@192.0.2.1>;tag=a1")
        .raw_header("To", b"<sip:bob@192.0.2.9>")
        .raw_header("Call-ID", b"bench@192.0.2.1")
        .raw_header("CSeq", b"1 OPTIONS")
        .build()
        .expect("request builds")
}

/// The peer's 200 for a request we sent, with its branch.
fn answer(sent: &[u8]) -> Message {
    let at = sent
        .windows(7)
        .position(|w| w == b"branch=")
        .expect("our Via has a branch")
        + 7;
    let len = sent[at..]
        .iter()
        .position(|&b| b == b';' || b == b'\r')
        .expect("branch ends");
    let mut out = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;rport=5060;branch=".to_vec();
    out.extend_from_slice(&sent[at..at + len]);
    out.extend_from_slice(
        b"\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\nTo: <sip:bob@192.0.2.9>;tag=b1\r\n\
Call-ID: bench@192.0.2.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    );
    Message::parse(Bytes::from(out)).expect("response parses")
}

impl SteadyTimers {
    pub(crate) fn new(live: usize, t0: Instant) -> SteadyTimers {
        let layer = TransactionLayer::new(
            TxConfig {
                max_transactions: 1_000_000,
                ..TxConfig::default()
            },
            1,
        );
        let mut s = SteadyTimers {
            layer,
            now: t0,
            live,
            request: options(),
            sent: 0,
            ended: 0,
        };
        s.scatter();
        // Starts spread over one lifetime (64·T1), an odd number of
        // nanoseconds apart so that no two timers fall due together.
        let step = Duration::from_nanos((32_000_000_000 / live as u64) | 1);
        let mut start = s.now;
        while s.layer.len() < live {
            start += step;
            // Each timer fires at its own deadline: one fired late would
            // rearm on the grid of starts, and share its deadline.
            while s.layer.poll_timeout().is_some_and(|due| due <= start) {
                s.advance();
                s.layer.handle_timeout(s.now);
                s.settle();
            }
            s.now = start;
            if s.layer.len() < live {
                s.layer
                    .send_request(s.now, s.request.clone(), target())
                    .expect("room");
                s.drain();
            }
        }
        s.sent = 0;
        s.ended = 0;
        s
    }

    /// Ends `live` transactions in a shuffled order (a 200, then Timer K),
    /// so the free slots and heap blocks the next ones get are shuffled.
    fn scatter(&mut self) {
        let mut sent = Vec::with_capacity(self.live);
        for _ in 0..self.live {
            self.layer
                .send_request(self.now, self.request.clone(), target())
                .expect("room");
            while let Some(o) = self.layer.poll_output() {
                if let TxOutput::Transmit(t) = o {
                    sent.push(t.bytes);
                }
            }
        }
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for i in (1..sent.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            sent.swap(i, (x % (i as u64 + 1)) as usize);
        }
        for bytes in sent {
            self.layer.receive(
                self.now,
                answer(&bytes),
                FlowInfo {
                    flow: FlowId(1),
                    transport: Transport::Udp,
                    local: local(),
                    remote: peer(),
                },
            );
            self.drain();
        }
        self.now += Duration::from_secs(6); // past Timer K (T4)
        self.layer.handle_timeout(self.now);
        self.drain();
        assert!(self.layer.is_empty());
    }

    fn drain(&mut self) {
        while self.layer.poll_output().is_some() {}
    }

    /// The clock moves to the next deadline; the caller fires it.
    pub(crate) fn advance(&mut self) -> Instant {
        let due = self.layer.poll_timeout().expect("a timer is armed");
        self.now = self.now.max(due);
        self.now
    }

    /// Takes the outputs of a firing and replaces the transactions it
    /// ended, keeping `live` steady.
    pub(crate) fn settle(&mut self) {
        let mut ended = 0;
        while let Some(o) = self.layer.poll_output() {
            match o {
                TxOutput::Transmit(t) => {
                    self.sent += 1;
                    drop(t);
                }
                TxOutput::Event(TxEvent::Terminated { .. }) => ended += 1,
                TxOutput::Event(_) => {}
            }
        }
        self.ended += ended;
        for _ in 0..ended {
            if self.layer.len() < self.live {
                self.layer
                    .send_request(self.now, self.request.clone(), target())
                    .expect("room");
            }
        }
        self.drain();
    }
}
