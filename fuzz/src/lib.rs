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
