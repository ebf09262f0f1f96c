//! A harness around one `Endpoint`: drains its outputs after every step,
//! keeps what it sent and reported, and moves virtual time deadline by
//! deadline (never past an armed timer without firing it).

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::endpoint::{Config, Connect, Endpoint, Event, Input, LocalAddr, Output, Transmit};
use sansip::message::{Message, ResponseBuilder};
use sansip::resolve::Query;
use sansip::transport::{FlowId, Transport};

pub const LOCAL: &str = "10.0.0.1:5060";
pub const REGISTRAR: &str = "10.0.0.2:5060";

pub fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A config for `sip:alice@10.0.0.2` on UDP `LOCAL`, seed 1.
pub fn config() -> Config {
    let mut c = Config::new("sip:alice@10.0.0.2");
    c.local.push(LocalAddr {
        transport: Transport::Udp,
        addr: addr(LOCAL),
    });
    c.seed = 1;
    c
}

pub struct Harness {
    pub ep: Endpoint,
    pub t0: Instant,
    pub now: Instant,
    pub sent: Vec<(Instant, Transmit)>,
    pub events: Vec<(Instant, Event)>,
    pub connects: Vec<Connect>,
    pub closes: Vec<FlowId>,
    pub queries: Vec<Query>,
    pub deadline: Option<Instant>,
}

impl Harness {
    pub fn new(config: Config) -> Harness {
        #[allow(clippy::disallowed_methods)] // the origin of virtual time
        let t0 = Instant::now();
        let ep = Endpoint::new(config, t0).expect("config");
        let mut h = Harness {
            ep,
            t0,
            now: t0,
            sent: Vec::new(),
            events: Vec::new(),
            connects: Vec::new(),
            closes: Vec::new(),
            queries: Vec::new(),
            deadline: None,
        };
        h.drain();
        h
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.now - self.t0
    }

    pub fn drain(&mut self) {
        for _ in 0..10_000 {
            match self.ep.poll_output() {
                Output::Transmit(t) => self.sent.push((self.now, t)),
                Output::Connect(c) => self.connects.push(c),
                Output::Close { flow } => self.closes.push(flow),
                Output::Resolve(q) => self.queries.push(q),
                Output::Event(e) => self.events.push((self.now, e)),
                Output::Timeout(at) => {
                    self.deadline = at;
                    return;
                }
            }
        }
        panic!("poll_output never returned Timeout");
    }

    /// Runs every timer due up to `now + d`, then stays at `now + d`.
    pub fn advance(&mut self, d: Duration) {
        self.drain();
        let end = self.now + d;
        let mut guard = 0;
        while let Some(at) = self.deadline.filter(|at| *at <= end) {
            guard += 1;
            assert!(guard < 100_000, "timers keep firing");
            self.now = self.now.max(at);
            self.ep.handle_timeout(self.now);
            self.drain();
        }
        self.now = end;
    }

    pub fn input(&mut self, input: Input) {
        self.ep.handle_input(self.now, input);
        self.drain();
    }

    /// A UDP datagram from `from` to our `LOCAL`.
    pub fn udp_from(&mut self, from: &str, data: impl Into<Bytes>) {
        self.input(Input::Receive {
            transport: Transport::Udp,
            flow: FlowId(1),
            source: addr(from),
            destination: addr(LOCAL),
            data: data.into(),
        });
    }

    /// Bytes on a stream or WebSocket flow.
    pub fn flow_data(
        &mut self,
        transport: Transport,
        flow: FlowId,
        from: &str,
        data: impl Into<Bytes>,
    ) {
        self.input(Input::Receive {
            transport,
            flow,
            source: addr(from),
            destination: addr(LOCAL),
            data: data.into(),
        });
    }

    /// Everything sent so far, parsed (keep-alives skipped), and forgotten.
    pub fn take_sent(&mut self) -> Vec<Message> {
        self.drain();
        std::mem::take(&mut self.sent)
            .into_iter()
            .filter(|(_, t)| !t.data.iter().all(|&b| b == b'\r' || b == b'\n'))
            .map(|(_, t)| Message::parse(t.data).expect("we send valid SIP"))
            .collect()
    }

    /// The one message sent since the last take.
    pub fn take_one(&mut self) -> Message {
        let mut sent = self.take_sent();
        assert_eq!(sent.len(), 1, "expected one message, got {sent:#?}");
        sent.pop().expect("one")
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        self.drain();
        std::mem::take(&mut self.events)
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }
}

/// A response to `request` with `code`, the extra raw headers, and a To tag.
pub fn respond(request: &Message, code: u16, reason: &str, headers: &[(&str, &str)]) -> Bytes {
    let to = String::from_utf8_lossy(request.raw(sansip::message::HeaderName::To).expect("To"));
    let to = if to.contains(";tag=") {
        to.into_owned()
    } else {
        format!("{to};tag=reg1")
    };
    let mut b = ResponseBuilder::new(code, reason)
        .copy_headers(
            request,
            &[
                sansip::message::HeaderName::Via,
                sansip::message::HeaderName::From,
            ],
        )
        .raw_header("To", to.as_bytes())
        .copy_headers(
            request,
            &[
                sansip::message::HeaderName::CallId,
                sansip::message::HeaderName::CSeq,
            ],
        );
    for (n, v) in headers {
        b = b.raw_header(n, v.as_bytes());
    }
    b.build().expect("response").to_bytes()
}

/// The value of the header `name` in `msg`, as text.
pub fn hdr(msg: &Message, name: &str) -> Option<String> {
    msg.raw_by_name(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}
