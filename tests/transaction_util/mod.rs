//! Shared by the `transaction_*` tests: a driver over virtual time, the
//! messages both peers send, and a compact view of the layer's outputs.
//!
//! Time is virtual: each test takes one `Instant` as its origin and every
//! later instant is `t0 + Duration`. Nothing sleeps.
// Each test crate uses a different part of this module, and `pub` here
// only means "for the test files".
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::message::{
    headers::CSeq, HeaderName, Message, Method, RequestBuilder, ResponseBuilder,
};
use sansip::transaction::{
    Target, TimerConfig, TransactionLayer, Transmit, TxConfig, TxEvent, TxId, TxOutput,
};
use sansip::transport::{FlowId, FlowInfo, Transport};

/// RFC 3261 defaults (Table 4).
pub const T1: Duration = Duration::from_millis(500);
pub const T2: Duration = Duration::from_secs(4);
pub const T4: Duration = Duration::from_secs(5);

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// This side (the layer under test).
pub fn local() -> SocketAddr {
    "192.0.2.1:5060".parse().unwrap()
}

/// The other side.
pub fn peer() -> SocketAddr {
    "192.0.2.9:5060".parse().unwrap()
}

/// The flow messages from the peer arrive on.
pub fn flow(transport: Transport, id: u64) -> FlowInfo {
    FlowInfo {
        flow: FlowId(id),
        transport,
        local: local(),
        remote: peer(),
    }
}

/// Where client requests go (UDP: any socket; reliable: flow 1).
pub fn target(transport: Transport) -> Target {
    Target {
        transport,
        flow: transport.is_reliable().then_some(FlowId(1)),
        remote: peer(),
        local: local(),
    }
}

/// A request as our TU hands it to the layer: no Via (the layer adds it),
/// two Route values (copied into an ACK or CANCEL).
pub fn uac_request(method: Method, seq: u32) -> Message {
    RequestBuilder::new(method.clone(), "sip:bob@192.0.2.9")
        .raw_header("Route", b"<sip:p1.example.com;lr>")
        .raw_header("Route", b"<sip:p2.example.com;lr>")
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", b"\"Alice\" <sip:alice@192.0.2.1>;tag=a1")
        .raw_header("To", b"<sip:bob@192.0.2.9>")
        .raw_header("Call-ID", b"call-1@192.0.2.1")
        .header(&CSeq { seq, method })
        .raw_header("Contact", b"<sip:alice@192.0.2.1>")
        .build()
        .expect("request builds")
}

/// A request the peer sends us, with its own branch. The Call-ID follows
/// the branch, so two requests with different branches are never merged
/// requests (§8.2.2.2) unless a test makes them so.
pub fn uas_request(method: Method, branch: &str, transport: Transport) -> Message {
    uas_request_with(method, branch, transport, &[])
}

/// Same, with extra raw header lines (`Name: value`).
pub fn uas_request_with(
    method: Method,
    branch: &str,
    transport: Transport,
    extra: &[(&str, &str)],
) -> Message {
    let via = format!(
        "SIP/2.0/{} 192.0.2.9:5060;branch={branch}",
        transport.via_token()
    );
    let mut b = RequestBuilder::new(method.clone(), "sip:alice@192.0.2.1")
        .raw_header("Via", via.as_bytes())
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", b"<sip:bob@192.0.2.9>;tag=b1")
        .raw_header("To", b"<sip:alice@192.0.2.1>")
        .raw_header("Call-ID", format!("{branch}@192.0.2.9").as_bytes())
        .header(&CSeq { seq: 5, method });
    for (name, value) in extra {
        b = b.raw_header(name, value.as_bytes());
    }
    wire(b.build().expect("request builds"))
}

/// What the peer's stack sends back for a request we transmitted: the
/// request's Via, From, To, Call-ID and CSeq, and a To tag on anything
/// but 100.
pub fn response_to(sent: &Bytes, code: u16) -> Message {
    let req = Message::parse(sent.clone()).expect("the layer sent a parseable request");
    respond_to(&req, code, (code > 100).then_some("peer-tag"))
}

/// A response to `req` with this To tag (unless it already has one).
pub fn respond_to(req: &Message, code: u16, to_tag: Option<&str>) -> Message {
    let mut resp = ResponseBuilder::for_request(req, code, reason(code))
        .build()
        .expect("response builds");
    if let Some(tag) = to_tag {
        let to = std::str::from_utf8(req.raw(HeaderName::To).unwrap()).unwrap();
        if !to.contains(";tag=") {
            resp.set_raw(HeaderName::To, format!("{to};tag={tag}").as_bytes());
        }
    }
    wire(resp)
}

/// The message as the peer would receive it: serialized and parsed again.
pub fn wire(msg: Message) -> Message {
    Message::parse(msg.to_bytes()).expect("serialized message parses")
}

pub fn reason(code: u16) -> &'static str {
    match code {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        302 => "Moved Temporarily",
        400 => "Bad Request",
        404 => "Not Found",
        486 => "Busy Here",
        487 => "Request Terminated",
        503 => "Service Unavailable",
        _ => "Other",
    }
}

/// The start line of a message: `INVITE sip:... SIP/2.0` or `SIP/2.0 200 OK`.
pub fn start_line(bytes: &[u8]) -> String {
    let end = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// The values of every header field named `name` (exact spelling), in order.
pub fn header_lines(bytes: &[u8], name: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// One output of the layer, reduced to what the tests compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A Transmit, by the start line of its bytes.
    Send(String),
    /// `TxEvent::Request`: tx, method, and the INVITE a CANCEL cancels.
    Request(TxId, String, Option<TxId>),
    /// `TxEvent::Response`: tx and status code.
    Response(TxId, u16),
    /// `TxEvent::Ack`: the transaction it matched, if any.
    Ack(Option<TxId>),
    Timeout(TxId),
    TransportError(TxId),
    NoAck(TxId),
    Terminated(TxId),
}

pub fn seen(out: &TxOutput) -> Seen {
    match out {
        TxOutput::Transmit(t) => Seen::Send(start_line(&t.bytes)),
        TxOutput::Event(e) => match e {
            TxEvent::Request {
                tx,
                request,
                cancels,
                ..
            } => Seen::Request(*tx, request.method().unwrap().to_string(), *cancels),
            TxEvent::Response { tx, response } => Seen::Response(*tx, response.status().unwrap()),
            TxEvent::Ack { tx, .. } => Seen::Ack(*tx),
            TxEvent::Timeout { tx } => Seen::Timeout(*tx),
            TxEvent::TransportError { tx } => Seen::TransportError(*tx),
            TxEvent::NoAck { tx } => Seen::NoAck(*tx),
            TxEvent::Terminated { tx } => Seen::Terminated(*tx),
        },
    }
}

/// Shorthand for `Seen::Send(line.to_owned())`.
pub fn send(line: &str) -> Seen {
    Seen::Send(line.to_owned())
}

pub const INVITE_LINE: &str = "INVITE sip:bob@192.0.2.9 SIP/2.0";
pub const OPTIONS_LINE: &str = "OPTIONS sip:bob@192.0.2.9 SIP/2.0";
pub const ACK_LINE: &str = "ACK sip:bob@192.0.2.9 SIP/2.0";

/// The layer under test and the origin of its virtual time.
pub struct Harness {
    pub layer: TransactionLayer,
    pub t0: Instant,
}

impl Harness {
    /// A harness whose virtual time starts now (any origin will do: every
    /// later instant is the origin plus an explicit offset).
    pub fn new() -> Harness {
        Harness::with_config(TxConfig::default())
    }

    pub fn with_timers(timers: TimerConfig) -> Harness {
        Harness::with_config(TxConfig {
            timers,
            ..TxConfig::default()
        })
    }

    pub fn with_config(config: TxConfig) -> Harness {
        Harness {
            layer: TransactionLayer::new(config, 42),
            #[allow(clippy::disallowed_methods)] // the origin of virtual time
            t0: Instant::now(),
        }
    }

    pub fn at(&self, d: Duration) -> Instant {
        self.t0 + d
    }

    /// Every pending output, in order.
    pub fn drain(&mut self) -> Vec<TxOutput> {
        std::iter::from_fn(|| self.layer.poll_output()).collect()
    }

    /// Every pending output, reduced.
    pub fn seen(&mut self) -> Vec<Seen> {
        self.drain().iter().map(seen).collect()
    }

    /// Every pending Transmit.
    pub fn transmits(&mut self) -> Vec<Transmit> {
        self.drain()
            .into_iter()
            .filter_map(|o| match o {
                TxOutput::Transmit(t) => Some(t),
                TxOutput::Event(_) => None,
            })
            .collect()
    }

    /// `poll_timeout()` as an offset from t0.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.layer.poll_timeout().map(|t| t - self.t0)
    }

    /// Fires the next deadline exactly when it is due; returns when that
    /// was and what came out.
    pub fn step(&mut self) -> Option<(Duration, Vec<Seen>)> {
        let at = self.layer.poll_timeout()?;
        self.layer.handle_timeout(at);
        Some((at - self.t0, self.seen()))
    }

    /// Steps through every deadline up to and including `until`.
    pub fn run_until(&mut self, until: Duration) -> Vec<(Duration, Vec<Seen>)> {
        let mut steps = Vec::new();
        while self.next_deadline().is_some_and(|d| d <= until) {
            steps.extend(self.step());
        }
        steps
    }

    /// Sends a request as the TU; returns the tx and the bytes sent.
    pub fn send_request(&mut self, at: Duration, req: Message, to: Target) -> (TxId, Bytes) {
        let tx = self
            .layer
            .send_request(self.t0 + at, req, to)
            .expect("send_request");
        let out = self.transmits();
        assert_eq!(out.len(), 1, "one Transmit for a new request");
        (tx, out[0].bytes.clone())
    }

    /// A message from the peer arrives.
    pub fn receive(&mut self, at: Duration, msg: Message, on: FlowInfo) -> Vec<Seen> {
        self.layer.receive(self.t0 + at, msg, on);
        self.seen()
    }

    /// A request from the peer creates a server transaction; returns it.
    pub fn receive_new(&mut self, at: Duration, msg: Message, on: FlowInfo) -> TxId {
        let method = msg.method().unwrap().to_string();
        let out = self.receive(at, msg, on);
        match out.as_slice() {
            [Seen::Request(tx, m, _)] if *m == method => *tx,
            other => panic!("expected one new {method} request, got {other:?}"),
        }
    }

    /// The TU answers server transaction `tx` with `code`.
    pub fn respond(&mut self, at: Duration, tx: TxId, req: &Message, code: u16) -> Vec<Seen> {
        let tag = (code > 100).then_some("uas-tag");
        self.layer
            .respond(self.t0 + at, tx, respond_to(req, code, tag))
            .expect("respond");
        self.seen()
    }

    /// Runs every remaining timer (at most 10,000 firings) and checks the
    /// layer is idle: no transaction, no index entry, no deadline.
    pub fn assert_idle_after_timers(&mut self) {
        for _ in 0..10_000 {
            if self.step().is_none() {
                break;
            }
        }
        assert_eq!(
            self.layer.table_sizes(),
            [0; 4],
            "tables drain once timers ran out"
        );
        assert!(self.layer.is_empty());
        assert_eq!(self.next_deadline(), None, "no deadline left when idle");
    }
}
