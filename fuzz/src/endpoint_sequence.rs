//! The whole Endpoint driven by arbitrary inputs (target
//! `endpoint_sequence`): commands, responses to what it sent (challenges,
//! 423, redirects, failures), requests and raw bytes from peers, connection
//! and DNS answers, and time. It must never panic, always hand out a
//! deadline in the future, and stay within its limits.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use bytes::Bytes;
use sansip::auth::UserCredentials;
use sansip::endpoint::{
    Config, Connect, EndCause, Endpoint, Event, Input, InviteOptions, LocalAddr, Output,
    RegisterOptions, RegistrationId, SessionId,
};
use sansip::message::{HeaderName, Message, ResponseBuilder};
use sansip::resolve::{Query, QueryFailure, Record};
use sansip::sdp::{Capabilities, Codec, MediaCapability};
use sansip::transport::{FlowId, Transport};

const STATUS: [u16; 12] = [100, 180, 200, 202, 302, 401, 403, 407, 423, 481, 503, 604];
const IN_DIALOG: [&str; 9] = [
    "BYE", "INVITE", "UPDATE", "INFO", "NOTIFY", "REFER", "PRACK", "ACK", "OPTIONS",
];
const METHODS: [&str; 8] = [
    "OPTIONS",
    "MESSAGE",
    "INVITE",
    "BYE",
    "CANCEL",
    "ACK",
    "SUBSCRIBE",
    "NOTIFY",
];

/// Headers a response may carry, to reach the Endpoint's branches.
const EXTRAS: [(&str, &str); 12] = [
    ("WWW-Authenticate", "Digest realm=\"example.com\", nonce=\"n1\", algorithm=MD5, qop=\"auth\""),
    ("Proxy-Authenticate", "Digest realm=\"example.com\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth\", stale=true"),
    ("Min-Expires", "1200"),
    ("Retry-After", "5"),
    ("Contact", "<sip:alice@192.0.2.1:5060;ob>;expires=30;+sip.instance=\"<urn:uuid:1>\";reg-id=1;pub-gruu=\"sip:alice@example.com;gr=urn:uuid:1\""),
    ("Service-Route", "<sip:192.0.2.9;lr>"),
    ("Require", "outbound"),
    ("Flow-Timer", "1"),
    ("Expires", "0"),
    ("Require", "100rel"),
    ("RSeq", "1"),
    ("Reason", "SIP;cause=200;text=\"elsewhere\""),
];

/// SDP a response or the application may carry: an offer or answer with
/// one audio stream, with a direction, or a stream too many.
const SDPS: [&str; 4] = [
    "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\n",
    "v=0\r\no=- 1 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n",
    "v=0\r\no=- 1 3 IN IP4 192.0.2.9\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 96\r\n",
    "v=0\r\nthis is not sdp\r\n",
];

/// One step.
#[derive(Debug, Clone, Arbitrary)]
pub enum EpOp {
    /// `register`.
    Register {
        /// Seconds asked.
        expires: u16,
    },
    /// `unregister`.
    Unregister {
        /// Which registration (index).
        pick: u8,
        /// `Contact: *`.
        all: bool,
    },
    /// `message`.
    Message {
        /// Body length.
        len: u8,
    },
    /// A response to something the Endpoint sent.
    Respond {
        /// Which sent request.
        pick: u8,
        /// Index into the status vocabulary.
        status: u8,
        /// Bit set of `EXTRAS` to add.
        extras: u16,
    },
    /// A request from a peer.
    Request {
        /// Index into the method vocabulary.
        method: u8,
        /// Address the Request-URI to us (else to someone else).
        ours: bool,
        /// Add `Require: foo`.
        require: bool,
        /// Over TCP on this flow (else UDP).
        tcp_flow: Option<u8>,
    },
    /// Raw bytes on a flow (UDP if `flow` is 0).
    Raw {
        /// The flow.
        flow: u8,
        /// The bytes.
        data: Vec<u8>,
    },
    /// The host opens a connection it was asked for.
    Connected {
        /// Which Connect.
        pick: u8,
    },
    /// The host reports a connection closed.
    Closed {
        /// Which Connect.
        pick: u8,
    },
    /// The host answers a DNS query.
    Resolved {
        /// Which query.
        pick: u8,
        /// Fail it instead.
        fail: bool,
        /// Answer with this many address records.
        records: u8,
    },
    /// `invite` (to the peer's address).
    Call {
        /// With an SDP offer.
        offer: bool,
    },
    /// The application answers an incoming call (or rings, or rejects).
    Answer {
        /// Which call.
        pick: u8,
        /// 0: 180, 1: accept, 2: reject 486.
        how: u8,
    },
    /// A request from the peer inside the dialog of one of our INVITEs
    /// (its 2xx carried the To tag `f1`).
    InDialog {
        /// Which INVITE we sent.
        pick: u8,
        /// Index into the in-dialog method vocabulary.
        method: u8,
        /// CSeq number.
        cseq: u8,
        /// With an SDP body.
        sdp: bool,
    },
    /// `hangup`.
    Hangup {
        /// Which call.
        pick: u8,
    },
    /// A command in a call: 0 hold, 1 resume, 2 update, 3 DTMF, 4 answer
    /// a late offer, 5 cancel, 6 refer, 7 accept a transfer, 8 reject a
    /// transfer, 9 hang up with a cause, 10 renegotiate, 11 reliable 183.
    Mid {
        /// Which call.
        pick: u8,
        /// Which command.
        what: u8,
        /// Which SDP (index into the vocabulary).
        sdp: u8,
    },
    /// A response to one of our requests carrying SDP.
    RespondSdp {
        /// Which request we sent.
        pick: u8,
        /// Index into the statuses.
        status: u8,
        /// Which SDP.
        sdp: u8,
        /// Extra headers, a bit each.
        extras: u16,
    },
    /// Time passes.
    Advance {
        /// Milliseconds (times 16).
        ms16: u16,
    },
}

/// A sequence of steps.
#[derive(Debug, Clone)]
pub struct EpSequence {
    /// Route through a TCP outbound proxy by name (DNS, flows) or not.
    pub tcp_proxy: bool,
    /// Give the Endpoint media capabilities (it then answers by itself).
    pub media: bool,
    /// The steps.
    pub ops: Vec<EpOp>,
}

impl<'a> Arbitrary<'a> for EpSequence {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let tcp_proxy = bool::arbitrary(u)?;
        let media = bool::arbitrary(u)?;
        let mut ops = Vec::new();
        while !u.is_empty() && ops.len() < 500 {
            ops.push(EpOp::arbitrary(u)?);
        }
        Ok(EpSequence {
            tcp_proxy,
            media,
            ops,
        })
    }
}

const LOCAL: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 5060);
const PEER: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)), 5060);

struct Host {
    ep: Endpoint,
    now: Instant,
    sent: Vec<(Option<FlowId>, Transport, Message)>,
    connects: Vec<Connect>,
    queries: Vec<Query>,
    registrations: Vec<RegistrationId>,
    calls: Vec<SessionId>,
}

impl Host {
    fn drain(&mut self) -> Option<Instant> {
        for _ in 0..100_000 {
            match self.ep.poll_output() {
                Output::Transmit(t) => {
                    if let Ok(m) = Message::parse(t.data.clone()) {
                        if m.is_request() && self.sent.len() < 256 {
                            self.sent.push((t.flow, t.transport, m));
                        }
                    }
                }
                Output::Connect(c) => self.connects.push(c),
                Output::Resolve(q) => self.queries.push(q),
                Output::Event(Event::IncomingCall { session, .. }) => {
                    if self.calls.len() < 64 {
                        self.calls.push(session);
                    }
                }
                Output::Close { .. } | Output::Event(_) => {}
                Output::Timeout(at) => return at,
            }
        }
        panic!("poll_output never reached Timeout");
    }

    fn input(&mut self, input: Input) {
        self.ep.handle_input(self.now, input);
        self.drain();
    }

    /// Runs every timer due up to `end`. Right after `handle_timeout(now)`
    /// the next deadline must be later than `now`, or a host would spin.
    fn advance_to(&mut self, end: Instant) {
        let mut next = self.drain();
        while let Some(at) = next.filter(|at| *at <= end) {
            self.now = self.now.max(at);
            self.ep.handle_timeout(self.now);
            next = self.drain();
            if let Some(n) = next {
                assert!(n > self.now, "deadline {n:?} not after now {:?}", self.now);
            }
        }
        self.now = end;
    }
}

fn pick<T>(v: &[T], k: u8) -> Option<&T> {
    (!v.is_empty()).then(|| &v[usize::from(k) % v.len()])
}

fn respond_to(req: &Message, code: u16, extras: u16) -> Option<Bytes> {
    respond_with(req, code, extras, None)
}

fn respond_with(req: &Message, code: u16, extras: u16, sdp: Option<&str>) -> Option<Bytes> {
    let to = std::str::from_utf8(req.raw(HeaderName::To)?).ok()?;
    let to = if to.contains(";tag=") {
        to.to_owned()
    } else {
        format!("{to};tag=f1")
    };
    let mut b = ResponseBuilder::new(code, "Fuzz")
        .copy_headers(req, &[HeaderName::Via, HeaderName::From])
        .raw_header("To", to.as_bytes())
        .copy_headers(req, &[HeaderName::CallId, HeaderName::CSeq]);
    for (k, (name, value)) in EXTRAS.iter().enumerate() {
        if extras & (1 << k) != 0 {
            b = b.raw_header(name, value.as_bytes());
        }
    }
    if let Some(sdp) = sdp {
        b = b
            .raw_header("Contact", b"<sip:bob@192.0.2.9>")
            .body("application/sdp", sdp.as_bytes().to_vec());
    }
    b.build().ok().map(|m| m.to_bytes())
}

/// Runs one sequence; panics when an invariant breaks.
pub fn check_endpoint_sequence(input: &EpSequence) {
    let mut config = Config::new("sip:alice@example.com");
    config.local.push(LocalAddr {
        transport: Transport::Udp,
        addr: LOCAL,
    });
    config
        .credentials
        .set_default(UserCredentials::password("alice", "pw"));
    config.instance_id = Some("urn:uuid:1".into());
    config.max_transactions = 32;
    config.max_flows = 8;
    config.max_usages = 8;
    config.seed = 7;
    if input.media {
        config.media = Some(Capabilities {
            address: "192.0.2.1".into(),
            media: vec![MediaCapability::new(
                "audio",
                5000,
                vec![
                    Codec::new("PCMU", 8000),
                    Codec::new("telephone-event", 8000),
                ],
            )],
        });
    }
    if input.tcp_proxy {
        config.outbound_proxy = Some("sip:proxy.example.com;transport=tcp".into());
    } else {
        config.outbound_proxy = Some("sip:192.0.2.9:5060".into());
    }
    #[allow(clippy::disallowed_methods)] // the origin of virtual time
    let t0 = Instant::now();
    let ep = Endpoint::new(config, t0).expect("a valid config");
    let mut h = Host {
        ep,
        now: t0,
        sent: Vec::new(),
        connects: Vec::new(),
        queries: Vec::new(),
        registrations: Vec::new(),
        calls: Vec::new(),
    };
    for op in &input.ops {
        match op {
            EpOp::Register { expires } => {
                let opts = RegisterOptions {
                    expires: u32::from(*expires),
                    ..RegisterOptions::default()
                };
                if let Ok(id) = h.ep.register(h.now, opts) {
                    h.registrations.push(id);
                }
                h.drain();
            }
            EpOp::Unregister { pick: k, all } => {
                if let Some(id) = pick(&h.registrations, *k).copied() {
                    let _ = h.ep.unregister(h.now, id, *all);
                }
                h.drain();
            }
            EpOp::Message { len } => {
                let body = vec![b'x'; usize::from(*len)];
                let _ =
                    h.ep.message(h.now, "sip:bob@example.com", "text/plain", body, &[]);
                h.drain();
            }
            EpOp::Respond {
                pick: k,
                status,
                extras,
            } => {
                let Some((flow, transport, req)) = pick(&h.sent, *k).cloned() else {
                    continue;
                };
                let code = STATUS[usize::from(*status) % STATUS.len()];
                if let Some(data) = respond_to(&req, code, *extras) {
                    h.input(Input::Receive {
                        transport,
                        flow: flow.unwrap_or(FlowId(0)),
                        source: PEER,
                        destination: LOCAL,
                        data,
                    });
                }
            }
            EpOp::Request {
                method,
                ours,
                require,
                tcp_flow,
            } => {
                let m = METHODS[usize::from(*method) % METHODS.len()];
                let user = if *ours { "alice" } else { "carol" };
                let (transport, flow) = match tcp_flow {
                    Some(f) => (Transport::Tcp, FlowId(u64::from(*f) + 1)),
                    None => (Transport::Udp, FlowId(0)),
                };
                let req = format!(
                    "{m} sip:{user}@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/{transport} 192.0.2.9:5060;branch=z9hG4bK{}\r\n\
                     From: <sip:bob@example.com>;tag=b\r\nTo: <sip:{user}@example.com>\r\nCall-ID: c{}\r\n\
                     CSeq: 1 {m}\r\n{}Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
                    h.sent.len(),
                    h.now.duration_since(t0).as_millis(),
                    if *require { "Require: foo\r\n" } else { "" }
                );
                h.input(Input::Receive {
                    transport,
                    flow,
                    source: PEER,
                    destination: LOCAL,
                    data: Bytes::from(req),
                });
            }
            EpOp::Raw { flow, data } => {
                let (transport, flow) = if *flow == 0 {
                    (Transport::Udp, FlowId(0))
                } else {
                    (Transport::Tcp, FlowId(u64::from(*flow)))
                };
                h.input(Input::Receive {
                    transport,
                    flow,
                    source: PEER,
                    destination: LOCAL,
                    data: Bytes::from(data.clone()),
                });
            }
            EpOp::Connected { pick: k } => {
                if let Some(c) = pick(&h.connects, *k).cloned() {
                    h.input(Input::Connected { flow: c.flow });
                }
            }
            EpOp::Closed { pick: k } => {
                if let Some(c) = pick(&h.connects, *k).cloned() {
                    h.input(Input::FlowClosed {
                        flow: c.flow,
                        error: None,
                    });
                }
            }
            EpOp::Resolved {
                pick: k,
                fail,
                records,
            } => {
                let Some(q) = pick(&h.queries, *k).cloned() else {
                    continue;
                };
                let answer = if *fail {
                    Err(QueryFailure::Failed)
                } else {
                    Ok((0..*records % 4)
                        .map(|i| Record::Address {
                            addr: SocketAddr::from(([192, 0, 2, 9 + i], 5060)),
                            transport: None,
                            ttl: 30,
                        })
                        .collect())
                };
                h.input(Input::Resolved {
                    query: q.id,
                    records: answer,
                });
            }
            EpOp::Call { offer } => {
                let options = InviteOptions {
                    sdp: offer.then(|| Bytes::from_static(SDPS[0].as_bytes())),
                    ..InviteOptions::default()
                };
                if let Ok(id) = h.ep.invite(h.now, "sip:bob@192.0.2.9", options) {
                    if h.calls.len() < 64 {
                        h.calls.push(id);
                    }
                }
                h.drain();
            }
            EpOp::Answer { pick: k, how } => {
                if let Some(id) = pick(&h.calls, *k).copied() {
                    let _ = match how % 3 {
                        0 => h.ep.progress(h.now, id, 180, None),
                        1 => {
                            h.ep.accept(h.now, id, Some(Bytes::from_static(SDPS[0].as_bytes())))
                                .or_else(|_| h.ep.accept(h.now, id, None))
                        }
                        _ => h.ep.reject(h.now, id, 486, "Busy Here"),
                    };
                }
                h.drain();
            }
            EpOp::InDialog {
                pick: k,
                method,
                cseq,
                sdp,
            } => {
                let invites: Vec<Message> = h
                    .sent
                    .iter()
                    .filter(|(_, _, m)| m.method() == Some(&sansip::message::Method::Invite))
                    .map(|(_, _, m)| m.clone())
                    .collect();
                let Some(invite) = pick(&invites, *k) else {
                    continue;
                };
                let m = IN_DIALOG[usize::from(*method) % IN_DIALOG.len()];
                let (Some(call_id), Some(from)) = (invite.call_id(), invite.raw(HeaderName::From))
                else {
                    continue;
                };
                let from = String::from_utf8_lossy(from);
                let our_tag = from.split(";tag=").nth(1).unwrap_or("x").to_owned();
                let body = if *sdp {
                    "v=0\r\no=- 1 2 IN IP4 192.0.2.9\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n"
                } else {
                    ""
                };
                let extra = match m {
                    "REFER" => "Refer-To: <sip:carol@192.0.2.9>\r\n",
                    "NOTIFY" => "Event: refer\r\nSubscription-State: active\r\nContent-Type: message/sipfrag\r\n",
                    "PRACK" => "RAck: 1 1 INVITE\r\n",
                    "INFO" => "Content-Type: application/dtmf-relay\r\n",
                    _ => "",
                };
                let body = if m == "NOTIFY" {
                    "SIP/2.0 200 OK\r\n"
                } else if m == "INFO" {
                    "Signal=5\r\nDuration=100\r\n"
                } else {
                    body
                };
                let ctype = if *sdp && extra.is_empty() {
                    "Content-Type: application/sdp\r\n"
                } else {
                    ""
                };
                let req = format!(
                    "{m} sip:alice@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKd{}\r\n\
                     From: <sip:bob@192.0.2.9>;tag=f1\r\nTo: <sip:alice@example.com>;tag={our_tag}\r\n\
                     Call-ID: {call_id}\r\nCSeq: {} {m}\r\nContact: <sip:bob@192.0.2.9>\r\n{extra}{ctype}Content-Length: {}\r\n\r\n{body}",
                    h.sent.len() + usize::from(*cseq),
                    u32::from(*cseq) + 1,
                    body.len()
                );
                h.input(Input::Receive {
                    transport: Transport::Udp,
                    flow: FlowId(0),
                    source: PEER,
                    destination: LOCAL,
                    data: Bytes::from(req),
                });
            }
            EpOp::Hangup { pick: k } => {
                if let Some(id) = pick(&h.calls, *k).copied() {
                    let _ = h.ep.hangup(h.now, id);
                }
                h.drain();
            }
            EpOp::Mid { pick: k, what, sdp } => {
                let sdp = Bytes::from_static(SDPS[usize::from(*sdp) % SDPS.len()].as_bytes());
                if let Some(id) = pick(&h.calls, *k).copied() {
                    let now = h.now;
                    let ep = &mut h.ep;
                    let _ = match what % 12 {
                        0 => ep.hold(now, id),
                        1 => ep.resume(now, id),
                        2 => ep.update(now, id, sdp),
                        3 => ep.send_dtmf(now, id, "1#", 100),
                        4 => ep.answer(now, id, sdp),
                        5 => ep.cancel(now, id),
                        6 => ep.refer(now, id, "sip:carol@192.0.2.9"),
                        7 => ep.accept_transfer(now, id).map(|_| ()),
                        8 => ep.reject_transfer(now, id),
                        9 => ep.hangup_with_cause(now, id, EndCause::sip(480, "fuzz")),
                        10 => ep.renegotiate(now, id, sdp),
                        _ => ep.progress_reliable(now, id, 183, Some(sdp)),
                    };
                }
                h.drain();
            }
            EpOp::RespondSdp {
                pick: k,
                status,
                sdp,
                extras,
            } => {
                let Some((flow, transport, req)) = pick(&h.sent, *k).cloned() else {
                    continue;
                };
                let code = [180, 183, 200][usize::from(*status) % 3];
                let sdp = SDPS[usize::from(*sdp) % SDPS.len()];
                if let Some(data) = respond_with(&req, code, *extras, Some(sdp)) {
                    h.input(Input::Receive {
                        transport,
                        flow: flow.unwrap_or(FlowId(0)),
                        source: PEER,
                        destination: LOCAL,
                        data,
                    });
                }
            }
            EpOp::Advance { ms16 } => {
                let end = h.now + Duration::from_millis(u64::from(*ms16) * 16);
                h.advance_to(end);
            }
        }
        assert!(h.ep.transactions() <= 32, "transaction limit");
        assert!(h.ep.flows() <= 8, "flow limit");
        assert!(h.ep.messages_in_flight() <= 8);
    } // Later, whatever the host did not answer has timed out: every
      // MESSAGE has its outcome.
    let end = h.now + Duration::from_secs(600);
    h.advance_to(end);
    assert_eq!(h.ep.messages_in_flight(), 0, "a MESSAGE without an outcome");
    // Hanging up every call and waiting leaves no call behind.
    for id in h.calls.clone() {
        let _ = h.ep.hangup(h.now, id);
        h.drain();
    }
    // Unregistering everything too, and waiting, leaves nothing behind:
    // no transaction, no timer of the Endpoint's.
    for id in h.registrations.clone() {
        let _ = h.ep.unregister(h.now, id, false);
        h.drain();
    }
    let end = h.now + Duration::from_secs(600);
    h.advance_to(end);
    assert_eq!(h.ep.calls(), 0, "a call that never ended");
    let end = h.now + Duration::from_secs(3600);
    h.advance_to(end);
    assert_eq!(h.ep.transactions(), 0, "a transaction left");
    assert_eq!(h.ep.timers_armed(), 0, "a timer left");
}
