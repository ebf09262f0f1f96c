//! Two sansip Endpoints, Alice and Bob, in one process over real loopback
//! UDP sockets (ephemeral ports): Alice calls Bob, Bob rings and answers,
//! they exchange a MESSAGE each way, Alice holds and resumes the call, Bob
//! sends DTMF by INFO, Alice hangs up. The exchange is printed as a SIP
//! ladder diagram, and the program exits 0 only if every step happened.
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
use sansip::endpoint::{Config, Endpoint, Event, Input, InviteOptions, LocalAddr, Output};
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

/// The steps the demo must see, in the order they should happen.
const STEPS: [&str; 10] = [
    "bob rings",
    "call up (alice)",
    "call up (bob)",
    "bob got alice's MESSAGE",
    "alice got bob's MESSAGE",
    "alice on hold",
    "alice resumed",
    "alice got DTMF 4, 2, #",
    "call ended (alice)",
    "call ended (bob)",
];

const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
    m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
const ANSWER: &str = "v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
    m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

fn run() -> std::io::Result<bool> {
    let start = now();
    let mut alice = Host::new("alice", 0, 1, start)?;
    let mut bob = Host::new("bob", 1, 2, start)?;
    println!("  alice {:<46} bob {}", alice.addr, bob.addr);
    let mut done = [false; STEPS.len()];
    fn mark(done: &mut [bool], k: usize) {
        done[k] = true;
        println!("  ({}) {}", k + 1, STEPS[k]);
    }

    let call = alice
        .ep
        .invite(
            start,
            &bob.uri(),
            InviteOptions {
                sdp: Some(Bytes::from_static(OFFER.as_bytes())),
                ..InviteOptions::default()
            },
        )
        .map_err(std::io::Error::other)?;
    alice.drain()?;
    let mut bob_call = None;
    let mut dtmf = String::new();
    let mut updates = 0;
    let give_up = start + Duration::from_secs(10);
    let err = std::io::Error::other;
    while !(done[8] && done[9]) {
        let t = now();
        if t > give_up {
            break;
        }
        for event in alice.step(t)? {
            match event {
                Event::CallAccepted { .. } => {
                    mark(&mut done, 1);
                    alice
                        .ep
                        .message(
                            t,
                            &bob.uri(),
                            "text/plain",
                            "Hello Bob, from a sans-IO stack",
                            &[],
                        )
                        .map_err(err)?;
                }
                Event::Message { body, .. } => {
                    say(
                        "alice",
                        format_args!("got {:?}", String::from_utf8_lossy(&body)),
                    );
                    mark(&mut done, 4);
                    alice.ep.hold(t, call).map_err(err)?;
                }
                Event::CallUpdated { .. } => {
                    updates += 1;
                    if updates == 1 && alice.ep.is_on_hold(call) {
                        mark(&mut done, 5);
                        alice.ep.resume(t, call).map_err(err)?;
                    } else if updates == 2 && !alice.ep.is_on_hold(call) {
                        mark(&mut done, 6);
                    }
                }
                Event::Dtmf { digit, .. } => {
                    dtmf.push(digit);
                    if dtmf == "42#" {
                        mark(&mut done, 7);
                        alice.ep.hangup(t, call).map_err(err)?;
                    }
                }
                Event::CallEnded { reason, .. } => {
                    say("alice", format_args!("call ended: {reason:?}"));
                    mark(&mut done, 8);
                }
                _ => {}
            }
        }
        alice.drain()?;
        for event in bob.step(t)? {
            match event {
                Event::IncomingCall { session, from, .. } => {
                    say("bob", format_args!("call from {from}"));
                    bob.ep.progress(t, session, 180, None).map_err(err)?;
                    mark(&mut done, 0);
                    bob.ep
                        .accept(t, session, Some(Bytes::from_static(ANSWER.as_bytes())))
                        .map_err(err)?;
                    bob_call = Some(session);
                }
                Event::CallAccepted { .. } => mark(&mut done, 2),
                Event::Message { body, .. } => {
                    say(
                        "bob",
                        format_args!("got {:?}", String::from_utf8_lossy(&body)),
                    );
                    mark(&mut done, 3);
                    bob.ep
                        .message(t, &alice.uri(), "text/plain", "Hi Alice!", &[])
                        .map_err(err)?;
                }
                // Alice resumed: Bob dials 4, 2, # by INFO.
                Event::CallUpdated { sdp: Some(sdp), .. }
                    if String::from_utf8_lossy(&sdp).contains("a=sendrecv") =>
                {
                    if let Some(session) = bob_call {
                        bob.ep.send_dtmf(t, session, "42#", 160).map_err(err)?;
                    }
                }
                Event::CallEnded { reason, .. } => {
                    say("bob", format_args!("call ended: {reason:?}"));
                    mark(&mut done, 9);
                }
                _ => {}
            }
        }
        bob.drain()?;
        std::thread::sleep(Duration::from_millis(1));
    }
    for (k, step) in STEPS.iter().enumerate() {
        if !done[k] {
            eprintln!("missing step: {step}");
        }
    }
    Ok(done.iter().all(|d| *d))
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => {
            println!("every step happened");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("some step did not happen within 10 s");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
