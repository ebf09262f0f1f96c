//! The checks behind the fuzz targets, in a library so that `cargo test`
//! runs them over seed inputs on the stable toolchain.

use arbitrary::Arbitrary;
use bytes::Bytes;
use sansip::message::{
    headers::{CSeq, CallId, MaxForwards, Via},
    HeaderName, Host, Limits, Message, Method, Params, RequestBuilder, StreamFramer, StreamItem,
    TypedHeader,
};

/// Reads every header with the typed views this crate has; errors are
/// fine, panics are not.
fn read_everything(msg: &Message) {
    let _ = (
        msg.method(),
        msg.status(),
        msg.reason(),
        msg.version(),
        msg.request_uri_str(),
    );
    for v in msg.headers::<Via>().flatten() {
        let _ = (v.branch(), v.received(), v.rport(), v.maddr(), v.ttl());
    }
    let _ = msg.header::<CSeq>();
    let _ = msg.header::<CallId>();
    let _ = msg.header::<MaxForwards>();
    let _ = msg.content_length();
    for f in msg.fields() {
        let _ = (f.name, f.value.len());
    }
}

/// Parse target: any datagram.
pub fn check_parse_message(data: &[u8]) {
    let Ok(msg) = Message::parse(Bytes::copy_from_slice(data)) else {
        return;
    };
    read_everything(&msg);
    let out = msg.to_bytes();
    let again = Message::parse(out.clone()).expect("serialized message parses again");
    assert_eq!(again.to_bytes(), out, "re-serialization differs");
    assert_eq!(again.field_count(), msg.field_count());
    assert_eq!(again.body(), msg.body());
}

/// A byte stream and the sizes it arrives in.
#[derive(Debug, Arbitrary)]
pub struct ChunkedStream {
    /// The stream.
    pub data: Vec<u8>,
    /// Chunk sizes (0 is read as 1); after the last, the rest in one go.
    pub chunks: Vec<u8>,
}

fn messages(f: &mut StreamFramer, out: &mut Vec<Bytes>) -> bool {
    loop {
        match f.next_item() {
            Ok(Some(StreamItem::Message(m))) => {
                read_everything(&m);
                out.push(m.to_bytes());
            }
            Ok(Some(StreamItem::Ping | StreamItem::Pong)) => {}
            Ok(None) => return true,
            Err(_) => return false,
        }
    }
}

/// Framing target: chunked delivery gives the messages one buffer gives.
pub fn check_stream_framing(input: &ChunkedStream) {
    let limits = Limits::default();
    let mut whole = StreamFramer::for_accepted_flow(limits.clone());
    whole.push(&input.data);
    let mut expected = Vec::new();
    let whole_ok = messages(&mut whole, &mut expected);

    let mut f = StreamFramer::for_accepted_flow(limits);
    let mut got = Vec::new();
    let mut pos = 0;
    let mut chunked_ok = true;
    let mut sizes = input.chunks.iter().map(|&c| usize::from(c.max(1)));
    while pos < input.data.len() && chunked_ok {
        let end = sizes
            .next()
            .map_or(input.data.len(), |c| (pos + c).min(input.data.len()));
        f.push(&input.data[pos..end]);
        pos = end;
        chunked_ok = messages(&mut f, &mut got);
    }
    // Up to the first error (which chunking may move), the messages agree.
    let n = got.len().min(expected.len());
    assert_eq!(got[..n], expected[..n], "chunking changed a message");
    if whole_ok && chunked_ok {
        assert_eq!(
            got.len(),
            expected.len(),
            "chunking changed the message count"
        );
    }
}

/// Typed values to build a request from.
#[derive(Debug, Arbitrary)]
pub struct BuiltMessage {
    method: Method,
    seq: u32,
    max_forwards: u8,
    call_id: String,
    branch: String,
    host: String,
    port: Option<u16>,
    transport: u8,
    body: Vec<u8>,
}

fn clean(s: &str, allowed: impl Fn(char) -> bool, fallback: &str) -> String {
    let t: String = s.chars().filter(|&c| allowed(c)).take(40).collect();
    if t.is_empty() {
        fallback.to_owned()
    } else {
        t
    }
}

/// Round-trip target: build -> serialize -> parse gives the same values.
pub fn check_roundtrip(input: &BuiltMessage) {
    let token = |c: char| c.is_ascii_alphanumeric() || "-.!%*_+`'~".contains(c);
    let label = |c: char| c.is_ascii_alphanumeric();
    let call_id = clean(
        &input.call_id,
        |c| token(c) || "()<>:\\\"/[]?{}".contains(c),
        "cid",
    );
    let branch = format!("z9hG4bK{}", clean(&input.branch, token, "b"));
    let host = format!("{}.example", clean(&input.host, label, "h"));
    let params = format!(";branch={branch};rport");
    let transport = ["UDP", "TCP", "TLS", "WS", "WSS"][usize::from(input.transport % 5)];
    let via = Via {
        protocol: "SIP",
        version: "2.0",
        transport,
        host: Host::Domain(&host),
        port: input.port,
        params: Params::new(&params),
    };
    let cseq = CSeq {
        seq: input.seq & 0x7fff_ffff,
        method: input.method.clone(),
    };
    let msg = RequestBuilder::new(input.method.clone(), "sip:bob@example.com")
        .header(&via)
        .header(&MaxForwards(u32::from(input.max_forwards)))
        .header(&CallId(&call_id))
        .header(&cseq)
        .body("application/octet-stream", input.body.clone())
        .build()
        .expect("built message parses");
    let parsed = Message::parse(msg.to_bytes()).expect("serialized message parses");
    assert_eq!(parsed.method(), Some(&input.method));
    assert_eq!(parsed.header::<Via>().expect("Via"), via);
    assert_eq!(parsed.header::<CSeq>().expect("CSeq"), cseq);
    assert_eq!(parsed.header::<CallId>().expect("Call-ID").0, call_id);
    assert_eq!(
        parsed.header::<MaxForwards>().expect("Max-Forwards").0,
        u32::from(input.max_forwards)
    );
    assert_eq!(parsed.body(), &input.body[..]);
    assert!(parsed.raw(HeaderName::ContentLength).is_some());
    let mut v = Vec::new();
    via.write_value(&mut v);
    assert_eq!(parsed.raw(HeaderName::Via), Some(&v[..]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::Unstructured;

    /// Every seed file the project has: the benchmark corpus and the RFC
    /// torture messages.
    fn seeds() -> Vec<Vec<u8>> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut out = Vec::new();
        for dir in ["benches/corpus", "tests/data/rfc4475", "tests/data/rfc5118"] {
            let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "sip" || x == "dat") {
                    out.push(std::fs::read(p).expect("readable seed"));
                }
            }
        }
        assert!(
            out.len() > 60,
            "seed corpus is missing ({} files)",
            out.len()
        );
        out
    }

    /// Deterministic pseudo-random bytes (xorshift), for mutations.
    fn noise(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn parse_message_target_holds_on_seeds_and_their_mutations() {
        for (k, seed) in seeds().iter().enumerate() {
            check_parse_message(seed);
            for cut in (0..seed.len()).step_by(7) {
                check_parse_message(&seed[..cut]);
            }
            let flips = noise(k as u64 + 1, 64);
            for pair in flips.chunks(2) {
                let mut m = seed.clone();
                let at = usize::from(pair[0]) * m.len() / 256;
                if let Some(b) = m.get_mut(at) {
                    *b = pair[1];
                }
                check_parse_message(&m);
            }
        }
    }

    #[test]
    fn stream_framing_target_holds_on_concatenated_seeds() {
        let seeds = seeds();
        let stream: Vec<u8> = seeds.iter().flat_map(|s| s.iter().copied()).collect();
        for k in 0..40u64 {
            check_stream_framing(&ChunkedStream {
                data: stream.clone(),
                chunks: noise(k + 7, 300),
            });
        }
    }

    #[test]
    fn roundtrip_target_holds_on_generated_inputs() {
        for k in 0..500u64 {
            let raw = noise(k + 99, 256);
            let mut u = Unstructured::new(&raw);
            if let Ok(input) = BuiltMessage::arbitrary(&mut u) {
                check_roundtrip(&input);
            }
        }
    }
}

// ===========================================================================
// Transaction sequences (target `transaction_sequence`).
//
// Kept in its own module so this section and the ones above can change
// independently.
// ===========================================================================

pub use transaction_sequence::{check_transaction_sequence, TxOp, TxSequence};

mod transaction_sequence {
    use std::collections::HashSet;
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};

    use arbitrary::Arbitrary;
    use bytes::Bytes;
    use sansip::message::{HeaderName, Message, Method, RequestBuilder, ResponseBuilder};
    use sansip::transaction::{
        Target, TimerConfig, TransactionLayer, TxConfig, TxError, TxEvent, TxId, TxOutput, TxState,
    };
    use sansip::transport::{FlowId, FlowInfo, Transport};

    const METHODS: [&str; 7] = [
        "INVITE", "ACK", "CANCEL", "OPTIONS", "BYE", "REGISTER", "INFO",
    ];
    const STATUS: [u16; 12] = [100, 180, 183, 200, 202, 300, 404, 481, 486, 487, 500, 603];

    /// One input to the layer, from a small vocabulary so that requests
    /// and responses often match live transactions.
    #[derive(Debug, Clone, Arbitrary)]
    pub enum TxOp {
        /// A request from the peer.
        Request {
            /// Index into the method vocabulary.
            method: u8,
            /// One of a few branches; 0 means no Via at all.
            branch: u8,
            /// RFC 3261 branch (magic cookie) or an RFC 2543 one.
            cookie: bool,
            /// One of a few From tags (also picks the Call-ID).
            from_tag: u8,
            /// A To tag, if any.
            to_tag: Option<u8>,
            /// CSeq number (small).
            cseq: u8,
            /// UDP or TCP.
            reliable: bool,
            /// The flow it arrives on.
            flow: u8,
            /// Carry a Timestamp.
            timestamp: bool,
        },
        /// A response from the peer: to one of our requests (`pick`), or
        /// stray.
        Response {
            /// Which client request it answers.
            pick: u8,
            /// Index into the status vocabulary.
            status: u8,
            /// Its To tag.
            to_tag: u8,
            /// Answer a branch we never sent instead.
            stray: bool,
            /// The flow it arrives on.
            flow: u8,
        },
        /// The TU answers a server transaction.
        Respond {
            /// Which server transaction.
            pick: u8,
            /// Index into the status vocabulary.
            status: u8,
        },
        /// The TU cancels a client transaction.
        Cancel {
            /// Which client transaction.
            pick: u8,
        },
        /// The TU sends a request.
        Send {
            /// Index into the method vocabulary.
            method: u8,
            /// UDP or TCP.
            reliable: bool,
            /// On a given flow.
            flow: Option<u8>,
            /// Big enough for the UDP size rule to move it to TCP.
            big: bool,
        },
        /// Time passes (timers fire on the way).
        Advance {
            /// Milliseconds.
            ms: u16,
        },
        /// The host reports a flow closed.
        FlowClosed {
            /// Which.
            flow: u8,
        },
        /// The host reports an ICMP error for the peer.
        TransportError,
    }

    /// A layer configuration and the inputs it gets.
    #[derive(Debug, Clone)]
    pub struct TxSequence {
        /// Transaction limit, 1..=16.
        pub max_transactions: u8,
        /// T1 choice: 100 ms, 500 ms or 1 s.
        pub t1: u8,
        /// The inputs.
        pub ops: Vec<TxOp>,
    }

    /// Ops are read until the data runs out (the derived `Vec` would read a
    /// continue flag before each op and stop after about two on random
    /// bytes).
    impl<'a> Arbitrary<'a> for TxSequence {
        fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
            let max_transactions = u8::arbitrary(u)?;
            let t1 = u8::arbitrary(u)?;
            let mut ops = Vec::new();
            while !u.is_empty() && ops.len() < MAX_OPS {
                ops.push(TxOp::arbitrary(u)?);
            }
            Ok(TxSequence {
                max_transactions,
                t1,
                ops,
            })
        }
    }

    const MAX_OPS: usize = 2000;

    fn local() -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], 5060))
    }

    fn peer() -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 9], 5060))
    }

    fn transport(reliable: bool) -> Transport {
        if reliable {
            Transport::Tcp
        } else {
            Transport::Udp
        }
    }

    fn method(k: u8) -> Method {
        METHODS[usize::from(k) % METHODS.len()]
            .parse()
            .expect("vocabulary method")
    }

    fn reason(code: u16) -> &'static str {
        if code < 200 {
            "Progress"
        } else if code < 300 {
            "OK"
        } else {
            "Failed"
        }
    }

    /// A response to `req` with a To tag on anything but 100.
    fn response(req: &Message, code: u16, tag: &str) -> Option<Message> {
        let mut resp = ResponseBuilder::for_request(req, code, reason(code))
            .build()
            .ok()?;
        if code > 100 {
            let to = std::str::from_utf8(req.raw(HeaderName::To)?).ok()?;
            if !to.contains(";tag=") {
                resp.set_raw(HeaderName::To, format!("{to};tag={tag}").as_bytes());
            }
        }
        Message::parse(resp.to_bytes()).ok()
    }

    fn peer_request(op: &TxOp) -> Option<(Message, FlowInfo)> {
        let TxOp::Request {
            method: m,
            branch,
            cookie,
            from_tag,
            to_tag,
            cseq,
            reliable,
            flow,
            timestamp,
        } = op
        else {
            return None;
        };
        let m = METHODS[usize::from(*m) % METHODS.len()];
        let t = transport(*reliable);
        let mut text = format!("{m} sip:alice@192.0.2.1 SIP/2.0\r\n");
        let b = branch % 6;
        if b != 0 {
            let param = match (cookie, b) {
                (true, _) => format!(";branch=z9hG4bK{b}"),
                (false, 5) => String::new(),
                (false, _) => format!(";branch=old{b}"),
            };
            text += &format!("Via: SIP/2.0/{t} 192.0.2.9:5060{param}\r\n");
        }
        let f = from_tag % 3;
        text += &format!("From: <sip:bob@192.0.2.9>;tag=f{f}\r\n");
        match to_tag {
            Some(tag) => text += &format!("To: <sip:alice@192.0.2.1>;tag=t{}\r\n", tag % 3),
            None => text += "To: <sip:alice@192.0.2.1>\r\n",
        }
        text += &format!("Call-ID: c{f}@192.0.2.9\r\nCSeq: {} {m}\r\n", cseq % 4);
        if *timestamp {
            text += "Timestamp: 12.5\r\n";
        }
        text += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        let msg = Message::parse(Bytes::from(text)).ok()?;
        let on = FlowInfo {
            flow: FlowId(u64::from(flow % 3)),
            transport: t,
            local: local(),
            remote: peer(),
        };
        Some((msg, on))
    }

    fn our_request(m: &Method, big: bool) -> Option<Message> {
        let mut b = RequestBuilder::new(m.clone(), "sip:bob@192.0.2.9")
            .raw_header("Max-Forwards", b"70")
            .raw_header("From", b"<sip:alice@192.0.2.1>;tag=a1")
            .raw_header("To", b"<sip:bob@192.0.2.9>")
            .raw_header("Call-ID", b"ours@192.0.2.1")
            .raw_header("CSeq", format!("1 {m}").as_bytes());
        if big {
            b = b.body("text/plain", vec![b'x'; 1400]);
        }
        b.build().ok()
    }

    /// Drives one layer and checks what it says.
    struct Driver {
        layer: TransactionLayer,
        max: usize,
        now: Instant,
        /// Server transactions and their requests.
        servers: Vec<(TxId, Message)>,
        /// Client transactions and the bytes they sent.
        clients: Vec<(TxId, Bytes)>,
        /// Every id the layer has handed out.
        ids: HashSet<TxId>,
        terminated: HashSet<TxId>,
    }

    impl Driver {
        /// Drains the outputs and checks the events in them.
        fn drain(&mut self) -> Vec<TxOutput> {
            let mut outs = Vec::new();
            while let Some(o) = self.layer.poll_output() {
                if let TxOutput::Event(e) = &o {
                    let tx = match e {
                        TxEvent::Request { tx, request, .. } => {
                            assert!(self.ids.insert(*tx), "{tx:?} handed out twice");
                            self.servers.push((*tx, request.clone()));
                            Some(*tx)
                        }
                        TxEvent::Response { tx, .. }
                        | TxEvent::Timeout { tx }
                        | TxEvent::TransportError { tx }
                        | TxEvent::NoAck { tx }
                        | TxEvent::Terminated { tx } => Some(*tx),
                        TxEvent::Ack { tx, .. } => *tx,
                    };
                    if let Some(tx) = tx {
                        assert!(
                            !self.terminated.contains(&tx),
                            "{tx:?} came back after Terminated: {e:?}"
                        );
                    }
                    if let TxEvent::Terminated { tx } = e {
                        self.terminated.insert(*tx);
                        assert_eq!(self.layer.state(*tx), None);
                    }
                }
                outs.push(o);
            }
            outs
        }

        fn check(&mut self) {
            let _ = self.drain();
            let [txs, clients, servers, merged] = self.layer.table_sizes();
            assert!(txs <= self.max, "{txs} live, limit {}", self.max);
            assert_eq!(txs, clients + servers, "every transaction indexed once");
            assert!(merged <= servers);
            if self.layer.is_empty() {
                assert_eq!(self.layer.poll_timeout(), None, "no deadline when idle");
            }
            for id in &self.terminated {
                assert_eq!(self.layer.state(*id), None);
            }
        }

        /// Runs timers up to `until`, each exactly when it is due.
        fn advance(&mut self, until: Instant) {
            while let Some(at) = self.layer.poll_timeout() {
                if at > until {
                    break;
                }
                self.now = self.now.max(at);
                self.layer.handle_timeout(self.now);
                if let Some(next) = self.layer.poll_timeout() {
                    assert!(next > self.now, "a due timer was left");
                }
                self.check();
            }
            self.now = self.now.max(until);
        }

        fn new_client(&mut self, r: Result<TxId, TxError>) {
            let Ok(tx) = r else { return };
            assert_eq!(
                self.layer.state(tx).is_some(),
                !self.terminated.contains(&tx)
            );
            assert!(self.ids.insert(tx), "{tx:?} handed out twice");
            let outs = self.drain();
            let sent = outs.iter().find_map(|o| match o {
                TxOutput::Transmit(t) => Some(t.bytes.clone()),
                TxOutput::Event(_) => None,
            });
            if let Some(sent) = sent {
                self.clients.push((tx, sent));
            }
        }

        fn run(&mut self, op: &TxOp) {
            let now = self.now;
            match op {
                TxOp::Request { .. } => {
                    if let Some((msg, on)) = peer_request(op) {
                        self.layer.receive(now, msg, on);
                    }
                }
                TxOp::Response {
                    pick,
                    status,
                    to_tag,
                    stray,
                    flow,
                } => {
                    let code = STATUS[usize::from(*status) % STATUS.len()];
                    let tag = format!("r{}", to_tag % 3);
                    let req = if *stray || self.clients.is_empty() {
                        our_request(&Method::Options, false).and_then(|m| {
                            let text = String::from_utf8_lossy(&m.to_bytes()).replacen(
                                "SIP/2.0\r\n",
                                "SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKstray\r\n",
                                1,
                            );
                            Message::parse(Bytes::from(text)).ok()
                        })
                    } else {
                        let (_, bytes) = &self.clients[usize::from(*pick) % self.clients.len()];
                        Message::parse(bytes.clone()).ok()
                    };
                    if let Some(resp) = req.and_then(|r| response(&r, code, &tag)) {
                        let on = FlowInfo {
                            flow: FlowId(u64::from(flow % 3)),
                            transport: Transport::Udp,
                            local: local(),
                            remote: peer(),
                        };
                        self.layer.receive(now, resp, on);
                    }
                }
                TxOp::Respond { pick, status } => {
                    if !self.servers.is_empty() {
                        let code = STATUS[usize::from(*status) % STATUS.len()];
                        let (tx, req) = &self.servers[usize::from(*pick) % self.servers.len()];
                        if let Some(resp) = response(req, code, "uas") {
                            let _ = self.layer.respond(now, *tx, resp);
                        }
                    }
                }
                TxOp::Cancel { pick } => {
                    if !self.clients.is_empty() {
                        let (tx, _) = self.clients[usize::from(*pick) % self.clients.len()];
                        let r = self.layer.cancel(now, tx);
                        assert!(
                            !matches!(r, Err(TxError::TooManyTransactions { .. })),
                            "a CANCEL always has room"
                        );
                        self.new_client(r);
                    }
                }
                TxOp::Send {
                    method: m,
                    reliable,
                    flow,
                    big,
                } => {
                    if let Some(req) = our_request(&method(*m), *big) {
                        let to = Target {
                            transport: transport(*reliable),
                            flow: flow.map(|f| FlowId(u64::from(f % 3))),
                            remote: peer(),
                            local: local(),
                        };
                        let r = self.layer.send_request(now, req, to);
                        if let Err(TxError::TooManyTransactions { limit }) = &r {
                            assert_eq!(*limit, self.max);
                        }
                        self.new_client(r);
                    }
                }
                TxOp::Advance { ms } => {
                    let until = now + Duration::from_millis(u64::from(*ms));
                    self.advance(until);
                }
                TxOp::FlowClosed { flow } => {
                    self.layer.flow_closed(now, FlowId(u64::from(flow % 3)));
                }
                TxOp::TransportError => self.layer.transport_error(now, peer()),
            }
            self.check();
            self.servers
                .retain(|(id, _)| self.layer.state(*id).is_some());
            self.clients
                .retain(|(id, _)| self.layer.state(*id).is_some());
        }

        /// What a TU owes: a final response to every request, and a CANCEL
        /// for every INVITE still ringing (RFC 3261 §9.1 then ends it).
        fn settle(&mut self) {
            let now = self.now;
            for (tx, req) in self.servers.clone() {
                if matches!(
                    self.layer.state(tx),
                    Some(TxState::Trying | TxState::Proceeding)
                ) {
                    if let Some(resp) = response(&req, 500, "uas") {
                        let _ = self.layer.respond(now, tx, resp);
                    }
                }
            }
            for (tx, _) in self.clients.clone() {
                if self.layer.state(tx) == Some(TxState::Proceeding) {
                    let r = self.layer.cancel(now, tx);
                    self.new_client(r);
                }
            }
            self.check();
        }
    }

    /// Transaction target: any sequence of inputs leaves the layer within
    /// its limit, never reuses a terminated id, and, once the TU has done
    /// its part and ten quiet minutes have passed, with empty tables.
    pub fn check_transaction_sequence(input: &TxSequence) {
        let t1 = [100, 500, 1000][usize::from(input.t1 % 3)];
        let config = TxConfig {
            timers: TimerConfig {
                t1: Duration::from_millis(t1),
                ..TimerConfig::default()
            },
            max_transactions: usize::from(input.max_transactions % 16) + 1,
            ..TxConfig::default()
        };
        let max = config.max_transactions;
        #[allow(clippy::disallowed_methods)] // origin of virtual time
        let t0 = Instant::now();
        let mut d = Driver {
            layer: TransactionLayer::new(config, 7),
            max,
            now: t0,
            servers: Vec::new(),
            clients: Vec::new(),
            ids: HashSet::new(),
            terminated: HashSet::new(),
        };
        for op in input.ops.iter().take(MAX_OPS) {
            d.run(op);
        }
        // The TU answers and cancels; a CANCEL refused for the limit is
        // tried again once time has freed room.
        for _ in 0..2 {
            d.settle();
            let until = d.now + Duration::from_secs(300);
            d.advance(until);
        }
        let until = d.now + Duration::from_secs(600);
        d.advance(until);
        assert_eq!(
            d.layer.table_sizes(),
            [0; 4],
            "idle after ten quiet minutes"
        );
        assert_eq!(d.layer.poll_timeout(), None);
    }
}

#[cfg(test)]
mod transaction_sequence_tests {
    use super::*;
    use arbitrary::Unstructured;

    /// Deterministic bytes (xorshift64*).
    fn bytes(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
            })
            .collect()
    }

    #[test]
    fn transaction_sequence_target_holds_on_generated_sequences() {
        let mut ops = 0;
        for k in 0..2000u64 {
            let raw = bytes(k + 1, 64 + (k as usize % 16) * 128);
            if let Ok(input) = TxSequence::arbitrary_take_rest(Unstructured::new(&raw)) {
                ops += input.ops.len();
                check_transaction_sequence(&input);
            }
        }
        assert!(ops > 30_000, "the seeds drive enough inputs ({ops})");
    }

    /// A call set up, cancelled, rejected and acknowledged, both ways.
    #[test]
    fn transaction_sequence_target_holds_on_a_cancelled_call() {
        let req = |method, branch, to_tag| TxOp::Request {
            method,
            branch,
            cookie: true,
            from_tag: 1,
            to_tag,
            cseq: 1,
            reliable: false,
            flow: 0,
            timestamp: true,
        };
        let ops = vec![
            req(0, 1, None),
            TxOp::Advance { ms: 250 },
            TxOp::Respond { pick: 0, status: 1 },
            req(2, 1, None),
            TxOp::Respond { pick: 1, status: 3 },
            TxOp::Respond { pick: 0, status: 9 },
            req(1, 1, Some(0)),
            TxOp::Send {
                method: 0,
                reliable: false,
                flow: None,
                big: false,
            },
            TxOp::Response {
                pick: 0,
                status: 1,
                to_tag: 0,
                stray: false,
                flow: 0,
            },
            TxOp::Cancel { pick: 0 },
            TxOp::Response {
                pick: 1,
                status: 3,
                to_tag: 0,
                stray: false,
                flow: 0,
            },
            TxOp::Advance { ms: 60_000 },
        ];
        check_transaction_sequence(&TxSequence {
            max_transactions: 7,
            t1: 1,
            ops,
        });
    }
}
