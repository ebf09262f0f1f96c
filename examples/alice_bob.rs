//! Two sansip Endpoints, Alice and Bob, talking through an in-memory
//! "network" in virtual time: Alice sends Bob a MESSAGE (RFC 3428), Bob's
//! Endpoint reports it and answers 200 by itself. Every datagram and event is printed,
//! so this shows the whole host loop without a socket.
//!
//! ```sh
//! cargo run --example alice_bob
//! ```

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sansip::endpoint::{Config, Endpoint, Event, Input, LocalAddr, Output};
use sansip::transport::{FlowId, Transport};

/// One user agent and its host's view of it.
struct Host {
    name: &'static str,
    ep: Endpoint,
    addr: SocketAddr,
    deadline: Option<Instant>,
}

/// A datagram on the wire, due at an instant.
struct Datagram {
    at: Instant,
    from: SocketAddr,
    to: SocketAddr,
    data: bytes::Bytes,
}

const LATENCY: Duration = Duration::from_millis(20);

impl Host {
    fn new(name: &'static str, aor: &str, addr: SocketAddr, seed: u64, now: Instant) -> Host {
        let mut config = Config::new(aor);
        config.local.push(LocalAddr {
            transport: Transport::Udp,
            addr,
        });
        config.seed = seed;
        let ep = Endpoint::new(config, now).expect("a valid config");
        Host {
            name,
            ep,
            addr,
            deadline: None,
        }
    }

    /// The host loop's inner part: drain outputs until the next deadline.
    fn drain(&mut self, now: Instant, wire: &mut VecDeque<Datagram>, t0: Instant) -> Vec<Event> {
        let mut events = Vec::new();
        loop {
            match self.ep.poll_output() {
                Output::Transmit(t) => {
                    let first = String::from_utf8_lossy(&t.data);
                    let first = first.lines().next().unwrap_or_default().to_owned();
                    println!(
                        "{:>7.3}s  {} -> {}  {first}",
                        (now - t0).as_secs_f64(),
                        self.name,
                        t.destination
                    );
                    wire.push_back(Datagram {
                        at: now + LATENCY,
                        from: t.source,
                        to: t.destination,
                        data: t.data,
                    });
                }
                Output::Event(e) => {
                    println!(
                        "{:>7.3}s  {} event: {e:?}",
                        (now - t0).as_secs_f64(),
                        self.name
                    );
                    events.push(e);
                }
                // UDP to numeric addresses: no connections, no DNS.
                Output::Connect(_) | Output::Close { .. } | Output::Resolve(_) => {}
                Output::Timeout(at) => {
                    self.deadline = at;
                    return events;
                }
            }
        }
    }
}

fn main() {
    // The host's clock; sansip only ever sees instants passed to it.
    #[allow(clippy::disallowed_methods)] // the host owns the clock
    let t0 = Instant::now();
    let mut now = t0;
    let mut wire = VecDeque::new();
    let mut alice = Host::new(
        "alice",
        "sip:alice@127.0.0.1",
        "127.0.0.1:5061".parse().unwrap(),
        1,
        now,
    );
    let mut bob = Host::new(
        "bob",
        "sip:bob@127.0.0.1",
        "127.0.0.1:5062".parse().unwrap(),
        2,
        now,
    );

    // Alice sends Bob a message, straight to his address.
    alice
        .ep
        .message(
            now,
            "sip:bob@127.0.0.1:5062",
            "text/plain",
            "Hello Bob, from a sans-IO stack",
            &[],
        )
        .expect("a valid target");
    let mut events = alice.drain(now, &mut wire, t0);

    // The "network": deliver datagrams in order, fire timers when due.
    while events.iter().all(|e| {
        !matches!(
            e,
            Event::MessageDelivered { .. } | Event::MessageFailed { .. }
        )
    }) {
        let next_timer = [alice.deadline, bob.deadline].into_iter().flatten().min();
        let next_datagram = wire.front().map(|d| d.at);
        match (next_datagram, next_timer) {
            (Some(at), timer) if timer.map_or(true, |t| at <= t) => {
                let d = wire.pop_front().expect("front");
                now = at;
                let host = if d.to == bob.addr {
                    &mut bob
                } else {
                    &mut alice
                };
                host.ep.handle_input(
                    now,
                    Input::Receive {
                        transport: Transport::Udp,
                        flow: FlowId(1),
                        source: d.from,
                        destination: d.to,
                        data: d.data,
                    },
                );
                events.extend(host.drain(now, &mut wire, t0));
            }
            (_, Some(at)) => {
                now = at;
                for host in [&mut alice, &mut bob] {
                    if host.deadline.is_some_and(|d| d <= now) {
                        host.ep.handle_timeout(now);
                        events.extend(host.drain(now, &mut wire, t0));
                    }
                }
            }
            (_, None) => break,
        }
    }
}
