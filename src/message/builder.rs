//! Building requests and responses from typed headers.

use std::fmt::Display;
use std::io::Write;

use bytes::Bytes;

use super::{HeaderName, Limits, Message, Method, ParseError, TypedHeader};

/// The part both builders share: serialized header fields, a body, and the
/// first error met (reported by `build`).
#[derive(Debug, Clone)]
struct Draft {
    buf: Vec<u8>,
    body: Option<(String, Vec<u8>)>,
    error: Option<ParseError>,
}

impl Draft {
    fn field(&mut self, name: &str, value: &[u8]) {
        // A CR or LF in a value would let it smuggle in more header fields.
        if let Some(k) = value.iter().position(|&b| b == b'\r' || b == b'\n') {
            self.error.get_or_insert(ParseError::Syntax {
                what: "header value",
                offset: k,
                expected: "a value without CR or LF",
            });
            return;
        }
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b": ");
        self.buf.extend_from_slice(value);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// Copies the fields of `from` whose name is in `names`, in their order
    /// there, keeping each name as written there; folded values are joined
    /// into one line.
    fn copy(&mut self, from: &Message, names: &[HeaderName]) {
        for f in from.fields().filter(|f| names.contains(&f.name)) {
            let name = std::str::from_utf8(f.name_bytes).unwrap_or(f.name.as_str());
            self.field(name, &unfold(f.value));
        }
    }

    fn typed<'v, H: TypedHeader<'v>>(&mut self, h: &H) {
        let mut v = Vec::new();
        h.write_value(&mut v);
        self.field(H::NAME.as_str(), &v);
    }

    fn finish(mut self) -> Result<Message, ParseError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let body = self.body.take();
        if let Some((ctype, _)) = &body {
            self.field(HeaderName::ContentType.as_str(), ctype.as_bytes());
        }
        let len = body.as_ref().map_or(0, |(_, b)| b.len());
        let _ = write!(self.buf, "Content-Length: {len}\r\n\r\n");
        if let Some((_, b)) = body {
            self.buf.extend_from_slice(&b);
        }
        let limits = Limits {
            max_message_size: usize::MAX,
            max_body_size: usize::MAX,
            ..Limits::default()
        };
        Message::parse_with(Bytes::from(self.buf), &limits)
    }
}

/// The methods both builders share, over their `Draft`.
macro_rules! draft_methods {
    ($builder:ident) => {
        impl $builder {
            /// Adds a typed header field.
            pub fn header<'v, H: TypedHeader<'v>>(mut self, h: &H) -> Self {
                self.0.typed(h);
                self
            }

            /// Copies every field of `from` whose name is in `names`, in order
            /// (folded values joined into one line): the fields a response or
            /// an ACK/CANCEL takes from a request.
            pub fn copy_headers(mut self, from: &Message, names: &[HeaderName]) -> Self {
                self.0.copy(from, names);
                self
            }

            /// Adds a header field with any name and a raw value (no CR or LF).
            pub fn raw_header(mut self, name: &str, value: &[u8]) -> Self {
                self.0.field(name, value);
                self
            }

            /// Sets the body and its Content-Type.
            pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
                self.0.body = Some((content_type.to_owned(), body.into()));
                self
            }

            /// Writes Content-Type/Content-Length, the body, and parses the result.
            pub fn build(self) -> Result<Message, ParseError> {
                self.0.finish()
            }
        }
    };
}

draft_methods!(RequestBuilder);
draft_methods!(ResponseBuilder);

/// Builds a request. Content-Length is written by [`RequestBuilder::build`].
///
/// ```
/// use sansip::message::{headers::{CSeq, MaxForwards}, Method, RequestBuilder};
/// let msg = RequestBuilder::new(Method::Options, "sip:bob@example.com")
///     .raw_header("Via", b"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1")
///     .header(&MaxForwards(70))
///     .header(&CSeq { seq: 1, method: Method::Options })
///     .build()?;
/// assert_eq!(msg.method(), Some(&Method::Options));
/// assert!(msg.to_string().ends_with("Content-Length: 0\r\n\r\n"));
/// # Ok::<(), sansip::message::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestBuilder(Draft);

impl RequestBuilder {
    /// Starts `METHOD uri SIP/2.0`.
    pub fn new(method: Method, uri: impl Display) -> Self {
        let mut buf = Vec::with_capacity(512);
        let _ = write!(buf, "{method} ");
        let uri_start = buf.len();
        let _ = write!(buf, "{uri}");
        // A space or line break in the URI would end the Request-Line early
        // and could smuggle in header fields.
        let error = buf[uri_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || b.is_ascii_control())
            .map(|k| ParseError::Syntax {
                what: "Request-Line",
                offset: uri_start + k,
                expected: "a Request-URI without white space or control characters",
            });
        buf.extend_from_slice(b" SIP/2.0\r\n");
        RequestBuilder(Draft {
            buf,
            body: None,
            error,
        })
    }
}

/// Builds a response.
///
/// ```
/// use bytes::Bytes;
/// use sansip::message::{Message, ResponseBuilder};
/// let req = Message::parse(Bytes::from_static(
///     b"BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: <sip:x@y>;tag=1\r\n\
///       To: <sip:a@b>;tag=2\r\nCall-ID: c1\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n"))?;
/// let ok = ResponseBuilder::for_request(&req, 200, "OK").build()?;
/// assert_eq!(ok.status(), Some(200));
/// assert_eq!(ok.call_id(), Some("c1"));
/// assert_eq!(ok.raw(sansip::message::HeaderName::CSeq), Some(&b"7 BYE"[..]));
/// # Ok::<(), sansip::message::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResponseBuilder(Draft);

impl ResponseBuilder {
    /// Starts `SIP/2.0 code reason`.
    pub fn new(code: u16, reason: &str) -> Self {
        let mut buf = Vec::with_capacity(512);
        let _ = write!(buf, "SIP/2.0 {code} {reason}\r\n");
        let mut draft = Draft {
            buf,
            body: None,
            error: None,
        };
        if !(100..=699).contains(&code) {
            draft.error = Some(ParseError::Syntax {
                what: "Status-Line",
                offset: 8,
                expected: "a status code from 100 to 699",
            });
        } else if let Some(k) = reason.bytes().position(|b| b == b'\r' || b == b'\n') {
            draft.error = Some(ParseError::Syntax {
                what: "Status-Line",
                offset: 12 + k,
                expected: "a reason phrase without CR or LF",
            });
        }
        ResponseBuilder(draft)
    }

    /// Starts a response to `request`, copying Via, From, To, Call-ID and
    /// CSeq as RFC 3261 §8.2.6.2 says (the To tag is the caller's to add
    /// when the request had none).
    pub fn for_request(request: &Message, code: u16, reason: &str) -> Self {
        ResponseBuilder::new(code, reason).copy_headers(
            request,
            &[
                HeaderName::Via,
                HeaderName::From,
                HeaderName::To,
                HeaderName::CallId,
                HeaderName::CSeq,
            ],
        )
    }
}

/// Joins folded lines: every run of CR, LF, SP and HT that contains a line
/// break becomes one space (RFC 3261 §7.3.1 says that is equivalent).
pub(crate) fn unfold(value: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !value.iter().any(|&b| b == b'\r' || b == b'\n') {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = Vec::with_capacity(value.len());
    let mut k = 0;
    while k < value.len() {
        if matches!(value[k], b'\r' | b'\n') {
            while out.last().is_some_and(|&b| b == b' ' || b == b'\t') {
                out.pop();
            }
            while k < value.len() && matches!(value[k], b'\r' | b'\n' | b' ' | b'\t') {
                k += 1;
            }
            out.push(b' ');
        } else {
            out.push(value[k]);
            k += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}
