//! Two sansip Endpoints, Alice and Bob, in one process over real loopback
//! UDP sockets (ephemeral ports). Alice sends Bob a MESSAGE, Bob answers
//! and sends one back; each Endpoint answers 200 by itself. The exchange
//! is printed as a SIP ladder diagram, and the program exits 0 only if
//! every step happened.
//!
//! ```sh
//! cargo run --example alice_bob
//! ```
//!
//! The host loop is the one every sansip host runs: feed received bytes
//! and timeouts in, drain `poll_output` until `Timeout`, send what it says.

use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::endpoint::{Config, Endpoint, Event, Input, LocalAddr, Output};
use sansip::transport::{FlowId, Transport};

/// One user agent with its socket: the whole of a host.
struct Host {
    name: &'static str,
    column: usize,
    ep: Endpoint,
    socket: UdpSocket,
    addr: SocketAddr,
    deadline: Option<Instant>,
}

impl Host {
    fn new(name: &'static str, column: usize, seed: u64, now: Instant) -> std::io::Result<Host> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        socket.set_nonblocking(true)?;
        let addr = socket.local_addr()?;
        let mut config = Config::new(format!("sip:{name}@127.0.0.1"));
        config.local.push(LocalAddr {
            transport: Transport::Udp,
            addr,
        });
        config.seed = seed; // a real host seeds from its own entropy
        let ep = Endpoint::new(config, now).map_err(std::io::Error::other)?;
        Ok(Host {
            name,
            column,
            ep,
            socket,
            addr,
            deadline: None,
        })
    }

    fn uri(&self) -> String {
        format!("sip:{}@{}", self.name, self.addr)
    }

    /// Drains the Endpoint: sends datagrams, draws them, returns events.
    fn drain(&mut self) -> std::io::Result<Vec<Event>> {
        let mut events = Vec::new();
        loop {
            match self.ep.poll_output() {
                Output::Transmit(t) => {
                    self.socket.send_to(&t.data, t.destination)?;
                    arrow(self.column, &t.data);
                }
                Output::Event(e) => events.push(e),
                // Numeric UDP addresses only: no connections, no DNS.
                Output::Connect(_) | Output::Close { .. } | Output::Resolve(_) => {}
                Output::Timeout(at) => {
                    self.deadline = at;
                    return Ok(events);
                }
            }
        }
    }

    /// Feeds what arrived and what is due, then drains.
    fn step(&mut self, now: Instant) -> std::io::Result<Vec<Event>> {
        let mut buf = [0u8; 65_535];
        loop {
            match self.socket.recv_from(&mut buf) {
                Ok((n, source)) => self.ep.handle_input(
                    now,
                    Input::Receive {
                        transport: Transport::Udp,
                        flow: FlowId(0),
                        source,
                        destination: self.addr,
                        data: Bytes::copy_from_slice(&buf[..n]),
                    },
                ),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        if self.deadline.is_some_and(|d| d <= now) {
            self.ep.handle_timeout(now);
        }
        self.drain()
    }
}

/// One line of the ladder: the message's first line on an arrow from the
/// sender's column to the other.
fn arrow(from_column: usize, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let first = text.lines().next().unwrap_or_default();
    let label: String = first.chars().take(46).collect();
    if from_column == 0 {
        println!("  |--{label:-<50}->|");
    } else {
        println!("  |<-{label:-<50}--|");
    }
}

fn say(host: &str, what: impl std::fmt::Display) {
    println!("  {host:<6} {what}");
}

#[allow(clippy::disallowed_methods)] // the host owns the clock
fn now() -> Instant {
    Instant::now()
}

fn run() -> std::io::Result<bool> {
    let start = now();
    let mut alice = Host::new("alice", 0, 1, start)?;
    let mut bob = Host::new("bob", 1, 2, start)?;
    println!("  alice {:<46} bob {}", alice.addr, bob.addr);

    let bob_uri = bob.uri();
    let to_bob = alice
        .ep
        .message(
            start,
            &bob_uri,
            "text/plain",
            "Hello Bob, from a sans-IO stack",
            &[],
        )
        .map_err(std::io::Error::other)?;
    alice.drain()?;

    let (mut bob_got, mut alice_got, mut delivered_to_bob, mut delivered_to_alice) =
        (false, false, false, false);
    let mut to_alice = None;
    let give_up = start + Duration::from_secs(5);
    while !(bob_got && alice_got && delivered_to_bob && delivered_to_alice) {
        let t = now();
        if t > give_up {
            break;
        }
        for event in alice.step(t)? {
            match event {
                Event::MessageDelivered { id, status } if id == to_bob => {
                    say("alice", format_args!("delivered, {status}"));
                    delivered_to_bob = true;
                }
                Event::MessageDelivered { id, status } if Some(id) == to_alice => {
                    say("bob", format_args!("delivered, {status}"));
                    delivered_to_alice = true;
                }
                Event::Message { from, body, .. } => {
                    say(
                        "alice",
                        format_args!("got {:?} from {from}", String::from_utf8_lossy(&body)),
                    );
                    alice_got = true;
                }
                other => say("alice", format_args!("{other:?}")),
            }
        }
        for event in bob.step(t)? {
            match event {
                Event::Message { from, body, .. } => {
                    say(
                        "bob",
                        format_args!("got {:?} from {from}", String::from_utf8_lossy(&body)),
                    );
                    bob_got = true;
                    // Bob writes back.
                    let alice_uri = alice.uri();
                    to_alice = Some(
                        bob.ep
                            .message(t, &alice_uri, "text/plain", "Hi Alice!", &[])
                            .map_err(std::io::Error::other)?,
                    );
                }
                Event::MessageDelivered { id, status } if Some(id) == to_alice => {
                    say("bob", format_args!("delivered, {status}"));
                    delivered_to_alice = true;
                }
                other => say("bob", format_args!("{other:?}")),
            }
        }
        bob.drain()?;
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(bob_got && alice_got && delivered_to_bob && delivered_to_alice)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => {
            println!("every step happened");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("some step did not happen within 5 s");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
