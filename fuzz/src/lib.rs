//! The checks behind the fuzz targets, in a library so that `cargo test`
//! runs them over seed inputs on the stable toolchain.

use std::borrow::Cow;

use arbitrary::Arbitrary;
use bytes::Bytes;
use sansip::message::headers::*;
use sansip::message::{
    escape, unescape, Host, Limits, Message, NameAddr, StreamFramer, StreamItem, TypedHeader, Uri,
    UriComponent,
};

pub mod built;
pub mod endpoint_sequence;
pub mod presence;
pub mod sdp;
pub use endpoint_sequence::{check_endpoint_sequence, EpOp, EpSequence};
pub use presence::check_parse_presence;
pub use sdp::check_parse_sdp;

pub use built::{check_built, check_change, BuiltMessage, ByteSource, Change};

// ---- reading every typed view -------------------------------------------

/// Parses what `value` writes as the same header type: it must parse, be
/// equal to `value` once both went through `normalize`, and write the same
/// text again.
macro_rules! rewrites {
    ($ty:ident, $value:expr, $normalize:expr) => {{
        let written = $value.to_value_bytes();
        let text = std::str::from_utf8(&written).expect("a typed value writes UTF-8");
        let mut again = <$ty as TypedHeader>::parse(text)
            .unwrap_or_else(|e| panic!("{} {:?} wrote {text:?}: {e}", stringify!($ty), $value));
        assert_eq!(
            again.to_value_bytes(),
            written,
            "{} writes {text:?} differently once re-parsed",
            stringify!($ty)
        );
        let mut value = $value.clone();
        $normalize(&mut value, &mut again);
        assert_eq!(again, value, "{} wrote {text:?}", stringify!($ty));
    }};
}

/// For every value of each header type that parses: `read` it with its
/// accessors, and check that it [`rewrites`] (after `normalize`, if given).
macro_rules! typed {
    ($msg:expr, $ty:ident, |$v:ident| $read:expr) => {
        typed!($msg, $ty, |$v| $read, same)
    };
    ($msg:expr, $ty:ident, |$v:ident| $read:expr, $normalize:expr) => {
        for $v in $msg.headers::<$ty>().flatten() {
            let _ = $read;
            rewrites!($ty, $v, $normalize);
        }
    };
}

fn same<T>(_: &mut T, _: &mut T) {}

/// The words of a display name (white space and control characters
/// separate them): what survives a line break in a display name, which
/// the writer replaces with spaces.
fn words(d: Option<Cow<'_, str>>) -> Vec<String> {
    d.unwrap_or_default()
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An address read back: brackets may have been added where the URI needs
/// them, and a display name with a line break is written quoted on one
/// line, so only its words are compared.
fn norm_addr(a: &mut NameAddr<'_>, b: &mut NameAddr<'_>) {
    a.angle |= a.uri.needs_angle_brackets();
    if a.display_name.is_some_and(|d| d.contains(['\r', '\n'])) {
        assert_eq!(
            words(a.display_name_unquoted()),
            words(b.display_name_unquoted())
        );
        a.display_name = None;
        b.display_name = None;
    }
}

macro_rules! norm_addr_header {
    ($ty:ident) => {
        |a: &mut $ty, b: &mut $ty| norm_addr(&mut a.addr, &mut b.addr)
    };
}

fn norm_contact(a: &mut Contact<'_>, b: &mut Contact<'_>) {
    if let (Contact::Address(a), Contact::Address(b)) = (a, b) {
        norm_addr(&mut a.addr, &mut b.addr);
    }
}

/// Reads a URI with every accessor; it must be equivalent to itself.
fn read_uri(u: &Uri<'_>) {
    let _ = (u.scheme(), u.needs_angle_brackets(), u.to_string());
    assert!(u.equivalent(u), "{u:?} is not equivalent to itself");
    if let Some(s) = u.as_sip() {
        let _ = (s.user_unescaped(), s.port_or_default(), s.param("x"));
        let _ = (
            s.transport(),
            s.user_param(),
            s.method(),
            s.ttl(),
            s.maddr(),
        );
        let _ = (s.lr(), s.header("subject"), s.host.ip(), s.host.to_string());
        let _ = (s.params.iter().count(), s.headers.iter().count());
    }
    if let Some(t) = u.as_tel() {
        let _ = (
            t.is_global(),
            t.digits(),
            t.ext(),
            t.isub(),
            t.phone_context(),
        );
    }
}

fn read_algorithm(a: Option<Algorithm<'_>>) {
    if let Some(a) = a {
        let _ = (a.as_str(), a.is_session(), a.to_string());
    }
}

fn read_credentials(c: &Credentials<'_>) {
    let _ = (c.is_digest(), c.username(), c.realm(), c.nonce(), c.uri());
    let _ = (c.response(), c.cnonce(), c.opaque(), c.nc(), c.userhash());
    let _ = c.qop().map(|q| q.to_string());
    read_algorithm(c.algorithm());
    let _ = c.params.iter().count();
}

fn read_challenge(c: &Challenge<'_>) {
    let _ = (c.is_digest(), c.realm(), c.domain(), c.nonce(), c.opaque());
    let _ = (c.stale(), c.userhash(), c.charset());
    if let Some(q) = c.qop_options() {
        let _ = (q.iter().count(), q.contains(Qop::AuthInt), q.as_str());
    }
    read_algorithm(c.algorithm());
}

/// Reads every header with the typed views this crate has, with all their
/// accessors; errors are fine, panics are not. Each value that parses must
/// write text that parses back to an equal value.
fn read_everything(msg: &Message) {
    let _ = (msg.method(), msg.status(), msg.reason(), msg.version());
    let _ = (msg.is_sip_2_0(), msg.is_request(), msg.request_uri_str());
    let _ = (msg.call_id(), msg.content_length(), msg.body().len());
    if let Some(Ok(uri)) = msg.request_uri() {
        read_uri(&uri);
    }
    for f in msg.fields() {
        let _ = (f.name, f.name_bytes, f.value.len(), f.offset);
    }

    typed!(msg, Via, |v| {
        let _ = (v.branch(), v.has_magic_cookie(), v.received(), v.rport());
        (v.maddr(), v.ttl(), v.host.ip())
    });
    typed!(msg, CSeq, |v| v.method.as_str().len());
    typed!(msg, CallId, |v| v.0.len());
    typed!(msg, MaxForwards, |v| v.0);
    typed!(msg, Expires, |v| v.0);
    typed!(msg, MinExpires, |v| v.0);
    typed!(msg, RSeq, |v| v.0);
    typed!(msg, ContentLength, |v| v.0);
    typed!(msg, UserAgent, |v| v.0.len());
    typed!(msg, Server, |v| v.0.len());
    typed!(msg, Subject, |v| v.0.len());
    typed!(msg, Organization, |v| v.0.len());

    typed!(
        msg,
        FromHeader,
        |v| (v.tag(), read_uri(v.uri()), v.addr.display_name_unquoted()),
        norm_addr_header!(FromHeader)
    );
    typed!(
        msg,
        ToHeader,
        |v| (v.tag(), read_uri(v.uri()), v.addr.display_name_unquoted()),
        norm_addr_header!(ToHeader)
    );
    typed!(
        msg,
        Route,
        |v| (v.is_loose_route(), read_uri(v.uri())),
        norm_addr_header!(Route)
    );
    typed!(
        msg,
        RecordRoute,
        |v| (v.is_loose_route(), read_uri(v.uri())),
        norm_addr_header!(RecordRoute)
    );
    typed!(
        msg,
        Path,
        |v| (v.is_loose_route(), read_uri(v.uri())),
        norm_addr_header!(Path)
    );
    typed!(
        msg,
        ServiceRoute,
        |v| (v.is_loose_route(), read_uri(v.uri())),
        norm_addr_header!(ServiceRoute)
    );
    typed!(
        msg,
        PAssertedIdentity,
        |v| read_uri(v.uri()),
        norm_addr_header!(PAssertedIdentity)
    );
    typed!(
        msg,
        PPreferredIdentity,
        |v| read_uri(v.uri()),
        norm_addr_header!(PPreferredIdentity)
    );
    typed!(
        msg,
        Contact,
        |v| {
            if let Some(u) = v.uri() {
                read_uri(u);
            }
            let _ = (
                v.is_star(),
                v.expires(),
                v.q(),
                v.sip_instance(),
                v.reg_id(),
            );
            (v.pub_gruu(), v.temp_gruu(), v.is_outbound_ob())
        },
        norm_contact
    );
    typed!(
        msg,
        ReferTo,
        |v| {
            read_uri(v.uri());
            if let Some(Ok(e)) = v.embedded_replaces() {
                let r = e.replaces();
                let _ = (e.as_str(), r.to_tag(), r.from_tag(), r.early_only());
            }
        },
        norm_addr_header!(ReferTo)
    );
    typed!(
        msg,
        ReferredBy,
        |v| (v.cid(), read_uri(v.uri())),
        norm_addr_header!(ReferredBy)
    );
    typed!(msg, Replaces, |v| {
        let _ = (v.to_tag(), v.from_tag(), v.early_only());
        // What is embedded in a Refer-To URI reads back the same.
        let embedded = EmbeddedReplaces::from_escaped(&v.to_uri_header_value())
            .unwrap_or_else(|e| panic!("{v:?} does not embed: {e}"));
        assert_eq!(embedded.replaces(), v);
    });

    typed!(msg, Authorization, |v| read_credentials(&v));
    typed!(msg, ProxyAuthorization, |v| read_credentials(&v));
    typed!(msg, WwwAuthenticate, |v| read_challenge(&v));
    typed!(msg, ProxyAuthenticate, |v| read_challenge(&v));
    typed!(msg, AuthenticationInfo, |v| {
        let _ = (v.nextnonce(), v.rspauth(), v.cnonce(), v.nc());
        (v.qop(), v.params.iter().count())
    });

    typed!(msg, ContentType, |v| (
        v.is("application", "sdp"),
        v.charset()
    ));
    typed!(msg, ContentDisposition, |v| (v.is("session"), v.handling()));
    typed!(msg, ContentEncoding, |v| (v.as_str(), v.is("gzip")));
    typed!(msg, ContentLanguage, |v| (v.as_str(), v.is("en")));
    typed!(msg, Date, |v| {
        let d = v.date();
        let _ = (v.as_str(), d.to_string(), d.weekday.as_str());
        if let Ok(t) = u64::try_from(d.unix_time()) {
            let _ = SipDate::from_unix_time(t);
        }
    });
    typed!(msg, Event, |v| {
        let t = v.event_type;
        let _ = (v.id(), t.package(), t.templates().count(), t.to_string());
        assert!(v.matches(&v));
    });
    typed!(msg, SubscriptionState, |v| {
        let _ = (v.state.as_str(), v.expires(), v.retry_after());
        v.reason().map(|r| r.as_str())
    });
    typed!(msg, InReplyTo, |v| v.0.len());
    typed!(msg, MimeVersion, |v| (v.major, v.minor));
    typed!(msg, Priority, |v| v.as_str());
    typed!(msg, Timestamp, |v| (v.time_secs(), v.delay_secs()));
    typed!(msg, RAck, |v| {
        let cseq = CSeq {
            seq: v.cseq,
            method: v.method.clone(),
        };
        assert!(v.acknowledges(RSeq(v.rseq), &cseq));
    });
    typed!(msg, Reason, |v| (v.cause(), v.text(), v.protocol.as_str()));
    typed!(msg, RetryAfter, |v| (v.duration(), v.comment));
    typed!(msg, SessionExpires, |v| v
        .refresher()
        .map(Refresher::as_str));
    typed!(msg, MinSe, |v| v.delta);
    typed!(msg, Accept, |v| (v.q(), v.matches("application", "sdp")));
    typed!(msg, AcceptEncoding, |v| v.q().map(|q| q.to_string()));
    typed!(msg, AcceptLanguage, |v| v.q().map(QValue::thousandths));
    typed!(msg, Allow, |v| v.0.as_str().len());
    typed!(msg, AllowEvents, |v| v.0.package());
    typed!(msg, ProxyRequire, |v| v.is("timer"));
    typed!(msg, Require, |v| v.is("100rel"));
    typed!(msg, Supported, |v| v.is("path"));
    typed!(msg, Unsupported, |v| v.as_str());
    typed!(msg, Warning, |v| (v.text(), v.agent_hostport()));
}

// ---- targets ------------------------------------------------------------

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

/// The URI components, with a URI that holds `text` (escaped for that
/// component) in that place.
const COMPONENTS: [(UriComponent, &str, &str); 5] = [
    (UriComponent::User, "sip:", "@h"),
    (UriComponent::Password, "sip:u:", "@h"),
    (UriComponent::Param, "sip:h;p=", ""),
    (UriComponent::Header, "sip:h?h=", ""),
    (UriComponent::Opaque, "x-any:", ""),
];

/// The one component a URI built from [`COMPONENTS`] holds.
fn component<'u>(u: &Uri<'u>, part: UriComponent) -> Option<&'u str> {
    match (part, u) {
        (UriComponent::User, Uri::Sip(s)) => s.user,
        (UriComponent::Password, Uri::Sip(s)) => s.password,
        (UriComponent::Param, Uri::Sip(s)) => s.param("p").flatten(),
        (UriComponent::Header, Uri::Sip(s)) => s.header("h"),
        (UriComponent::Opaque, Uri::Other { rest, .. }) => Some(rest),
        _ => None,
    }
}

/// URI target: any text. A URI that parses writes text that parses to an
/// equal and equivalent URI (and writes the same again); so does an
/// address. Escaping any bytes for any component unescapes to them, and
/// the escaped text parses in its place in a URI.
pub fn check_parse_uri(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(u) = Uri::parse(&text) {
        read_uri(&u);
        let mut out = Vec::new();
        u.write(&mut out);
        let written = String::from_utf8(out).expect("a URI writes UTF-8");
        assert_eq!(u.to_string(), written);
        let again =
            Uri::parse(&written).unwrap_or_else(|e| panic!("{text:?} wrote {written:?}: {e}"));
        assert_eq!(again, u, "{text:?} wrote {written:?}");
        assert!(again.equivalent(&u) && u.equivalent(&again), "{written:?}");
        assert_eq!(again.to_string(), written);
    }
    if let Ok(a) = NameAddr::parse(&text) {
        read_uri(&a.uri);
        let written = a.to_string();
        let mut again =
            NameAddr::parse(&written).unwrap_or_else(|e| panic!("{text:?} wrote {written:?}: {e}"));
        assert_eq!(again.to_string(), written);
        let mut a = a;
        norm_addr(&mut a, &mut again);
        assert_eq!(again, a, "{text:?} wrote {written:?}");
    }
    let _ = Host::parse(&text);

    let unescaped = unescape(&text);
    for (part, before, after) in COMPONENTS {
        for raw in [data, &unescaped[..]] {
            let e = escape(raw, part);
            assert_eq!(&*unescape(&e), raw, "{part:?} escape of {raw:?}");
            assert!(
                e.bytes().all(|b| b == b'%' || part.allows(b)),
                "{part:?} escape {e:?}"
            );
            if raw.is_empty() {
                continue;
            }
            let uri = format!("{before}{e}{after}");
            let u = Uri::parse(&uri).unwrap_or_else(|err| panic!("{uri:?}: {err}"));
            assert_eq!(component(&u, part), Some(&*e), "{uri:?}");
        }
    }
}

/// A byte stream and the sizes it arrives in.
#[derive(Debug)]
pub struct ChunkedStream {
    /// The stream.
    pub data: Vec<u8>,
    /// Chunk sizes (0 is read as 1); after the last, the rest in one go.
    pub chunks: Vec<u8>,
}

impl ChunkedStream {
    /// Reads fuzz input: `0xFF n` then `n` chunk sizes then the stream;
    /// any other input is all stream (so a SIP message is a seed as it
    /// is), cut at sizes drawn from a hash of it.
    pub fn from_input(input: &[u8]) -> ChunkedStream {
        if let [0xff, n, rest @ ..] = input {
            let (chunks, data) = rest.split_at(usize::from(*n).min(rest.len()));
            return ChunkedStream {
                data: data.to_vec(),
                chunks: chunks.to_vec(),
            };
        }
        let fnv = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        ChunkedStream {
            data: input.to_vec(),
            chunks: noise(fnv, 64),
        }
    }
}

impl<'a> Arbitrary<'a> for ChunkedStream {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(ChunkedStream::from_input(u.bytes(u.len())?))
    }
}

/// Deterministic bytes (xorshift64*) that the sequence targets' seed
/// tests turn into operations.
#[cfg(test)]
fn sequence_bytes(seed: u64, n: usize) -> Vec<u8> {
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

/// Deterministic pseudo-random bytes (xorshift).
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

/// Round-trip target: typed values drawn from `data` (see [`built`]),
/// built into a request or a response, serialized and parsed, read back
/// the same; changing one header of the parsed message re-serializes only
/// that field.
pub fn check_roundtrip(data: &[u8]) {
    let mut g = ByteSource::new(data);
    let response = g.flag();
    let message = BuiltMessage::generate(&mut g, response);
    let change = Change::generate(&mut g);
    check_built(&message);
    check_change(&message, &change);
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// `seed` with a few bytes replaced.
    fn mutations(seed: &[u8], k: u64) -> impl Iterator<Item = Vec<u8>> + '_ {
        let flips = noise(k + 1, 64);
        (0..32).map(move |j| {
            let mut m = seed.to_vec();
            let at = usize::from(flips[2 * j]) * m.len() / 256;
            if let Some(b) = m.get_mut(at) {
                *b = flips[2 * j + 1];
            }
            m
        })
    }

    #[test]
    fn parse_message_target_holds_on_seeds_and_their_mutations() {
        for (k, seed) in seeds().iter().enumerate() {
            check_parse_message(seed);
            for cut in (0..seed.len()).step_by(7) {
                check_parse_message(&seed[..cut]);
            }
            for m in mutations(seed, k as u64) {
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
        // As the fuzz target reads its input: a raw seed, and explicit sizes.
        check_stream_framing(&ChunkedStream::from_input(&stream));
        let explicit = [&[0xff, 3, 1, 200, 7][..], &stream].concat();
        let input = ChunkedStream::from_input(&explicit);
        assert_eq!(
            (&input.chunks[..], input.data.len()),
            (&[1, 200, 7][..], stream.len())
        );
        check_stream_framing(&input);
    }

    /// URIs and addresses: every Request-URI and header value of the
    /// seeds, with mutations, and some written by hand.
    #[test]
    fn parse_uri_target_holds_on_seed_uris_and_their_mutations() {
        let mut inputs: Vec<Vec<u8>> = [
            "sip:alice@atlanta.com",
            "sips:a:b@[2001:db8::10]:5061;transport=tls;lr?h=v&Subject=a%20b",
            "sip:[2001:db8::10:5070]",
            "sip:%61lice@h;x;y=%20",
            "sip:+1-212-555-1212;isub=1;postd=pp22@example.com;user=phone",
            "tel:+1-201-555-0123;ext=1234",
            "tel:7042;phone-context=example.com",
            "urn:service:sos",
            "\"Doe, \\\"J\\\"\" <sip:j@h;lr>;tag=1",
            "A\r\n B <sip:b@h>",
            "<sip:a,b@h>",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        for seed in seeds() {
            let Ok(msg) = Message::parse(Bytes::from(seed)) else {
                continue;
            };
            if let Some(u) = msg.request_uri_str() {
                inputs.push(u.as_bytes().to_vec());
            }
            inputs.extend(msg.fields().map(|f| f.value.to_vec()));
        }
        for (k, input) in inputs.iter().enumerate() {
            check_parse_uri(input);
            for m in mutations(input, k as u64).take(8) {
                check_parse_uri(&m);
            }
        }
    }

    #[test]
    fn roundtrip_target_holds_on_generated_inputs() {
        check_roundtrip(&[]);
        for k in 0..600u64 {
            check_roundtrip(&noise(k + 99, 64 * (k as usize % 40)));
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
    use std::collections::BTreeSet;
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

    /// Changes one character of the first branch in `bytes` (which one,
    /// and to what, from `how`).
    fn forge_branch(bytes: &mut [u8], how: u8) {
        let Some(at) = bytes.windows(7).position(|w| w == b"branch=") else {
            return;
        };
        let start = at + 7;
        let len = bytes[start..]
            .iter()
            .position(|&b| b == b';' || b == b'\r' || b == b',')
            .unwrap_or(bytes.len() - start);
        if len == 0 {
            return;
        }
        let i = start + usize::from(how & 0x3f) % len;
        bytes[i] = match (how & 0x40 != 0, bytes[i]) {
            (true, _) => b'-',
            (false, b'0') => b'1',
            (false, _) => b'0',
        };
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
        ids: BTreeSet<TxId>,
        terminated: BTreeSet<TxId>,
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
            let [txs, cancels, servers, merged] = self.layer.table_sizes();
            assert!(txs <= self.max, "{txs} live, limit {}", self.max);
            // Servers are indexed once each; of the clients, only CANCELs
            // are (by their INVITE), the others found by their branch.
            assert!(
                servers + cancels <= txs,
                "{servers} servers and {cancels} CANCELs indexed for {txs} live"
            );
            assert!(merged <= servers);
            // At most five timers a transaction, and as many stopped ones
            // again plus 128 before a sweep.
            let entries = self.layer.timer_entries();
            assert!(
                entries <= 2 * 5 * txs + 129,
                "{entries} timers queued for {txs}"
            );
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
                    let req = if *stray && !self.clients.is_empty() {
                        // A branch of ours with one character changed: it
                        // may name another transaction, a slot never used,
                        // or no id at all; it must match nothing.
                        let (_, bytes) = &self.clients[usize::from(*pick) % self.clients.len()];
                        let mut forged = bytes.to_vec();
                        forge_branch(&mut forged, *to_tag);
                        Message::parse(Bytes::from(forged)).ok()
                    } else if *stray || self.clients.is_empty() {
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
                        let strays = self.layer.stats().stray_responses;
                        self.layer.receive(now, resp, on);
                        if *stray {
                            assert_eq!(
                                self.layer.stats().stray_responses,
                                strays + 1,
                                "a branch we did not send matched"
                            );
                        }
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
            ids: BTreeSet::new(),
            terminated: BTreeSet::new(),
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

    use super::sequence_bytes as bytes;

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

#[cfg(test)]
mod endpoint_sequence_tests {
    use super::*;
    use arbitrary::{Arbitrary, Unstructured};

    use super::sequence_bytes as bytes;

    #[test]
    fn endpoint_sequence_target_holds_on_generated_sequences() {
        let mut ops = 0;
        for k in 0..600u64 {
            let raw = bytes(k + 7, 64 + (k as usize % 16) * 96);
            if let Ok(input) = EpSequence::arbitrary_take_rest(Unstructured::new(&raw)) {
                ops += input.ops.len();
                check_endpoint_sequence(&input);
            }
        }
        assert!(ops > 5_000, "the seeds drive enough inputs ({ops})");
    }

    /// Sequences cargo fuzz found, kept as they were minimised.
    #[test]
    fn endpoint_sequence_regressions() {
        // The callee ended the early dialog of a reliable 183 (with bad
        // SDP) with BYE: our ringing INVITE's transaction stayed for ever.
        check_endpoint_sequence(&EpSequence {
            tcp_proxy: false,
            media: true,
            ops: vec![
                EpOp::Call { offer: true },
                EpOp::RespondSdp {
                    pick: 203,
                    status: 40,
                    sdp: 203,
                    extras: 24523,
                },
                EpOp::InDialog {
                    pick: 221,
                    method: 0,
                    cseq: 0,
                    sdp: false,
                },
            ],
        });
        // A hold re-INVITE answered only by a 180, then the call hung up:
        // the re-INVITE's transaction stayed for ever.
        check_endpoint_sequence(&EpSequence {
            tcp_proxy: false,
            media: true,
            ops: vec![
                EpOp::Message { len: 46 },
                EpOp::Call { offer: true },
                EpOp::RespondSdp {
                    pick: 203,
                    status: 203,
                    sdp: 0,
                    extras: 10699,
                },
                EpOp::Mid {
                    pick: 0,
                    what: 0,
                    sdp: 0,
                },
                EpOp::Message { len: 41 },
                EpOp::Respond {
                    pick: 203,
                    status: 61,
                    extras: 9143,
                },
                EpOp::Register { expires: 0 },
            ],
        });
    }
}
