//! The parsed message: a shared buffer plus spans.

use bytes::Bytes;

use super::builder::unfold;
use super::grammar::{first_element, is_token_byte};
use super::scan::{scan_head, Field, Fields, Head, Span, StartLine};
use super::{
    split_list, HeaderError, HeaderName, Limits, Method, ParseError, TypedHeader, Uri, ValueError,
};

/// A SIP request or response that keeps the bytes it was parsed from.
///
/// Parsing finds the start line, every header field and the body in one
/// pass, without copying: the message holds the [`Bytes`] buffer and
/// remembers spans into it. Typed header views are parsed from those spans
/// when asked for ([`Message::header`]). An unmodified message serializes to
/// exactly the bytes it was parsed from; a modified one re-serializes only
/// the fields that changed.
///
/// ```
/// use bytes::Bytes;
/// use sansip::message::{headers::{CSeq, Via}, Message, Method};
///
/// let raw = Bytes::from_static(
///     b"OPTIONS sip:bob@example.com SIP/2.0\r\n\
///       Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKhjhs8ass877\r\n\
///       Max-Forwards: 70\r\n\
///       To: <sip:bob@example.com>\r\n\
///       From: Alice <sip:alice@example.com>;tag=1928301774\r\n\
///       Call-ID: a84b4c76e66710\r\n\
///       CSeq: 63104 OPTIONS\r\n\
///       Content-Length: 0\r\n\r\n",
/// );
/// let msg = Message::parse(raw.clone())?;
/// assert_eq!(msg.method(), Some(&Method::Options));
/// assert_eq!(msg.call_id(), Some("a84b4c76e66710"));
/// assert_eq!(msg.header::<CSeq>()?.seq, 63104);
/// assert_eq!(msg.header::<Via>()?.branch(), Some("z9hG4bKhjhs8ass877"));
/// assert_eq!(msg.to_bytes(), raw);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Message {
    buf: Bytes,
    msg_start: u32,
    fields_start: u32,
    start_line: StartLine,
    version: Span,
    fields: Fields,
    /// Serialized fields that replaced or were added to the received ones.
    owned: Vec<Bytes>,
    body: Body,
    /// Set once anything changed, so serialization knows it cannot reuse
    /// the received bytes whole.
    modified: bool,
    /// The Content-Length the scan read (and checked), good while nothing
    /// changed: read on every message, and the field is often the last.
    scanned_length: Option<usize>,
}

#[derive(Debug, Clone)]
enum Body {
    InBuffer(Span),
    Owned(Bytes),
}

/// `str::parse::<usize>` on bytes (an optional `+`, then decimal digits,
/// `None` on overflow), without the UTF-8 check a `&str` would need first:
/// any byte that is not a digit fails either way.
fn parse_usize(v: &[u8]) -> Option<usize> {
    let digits = v.strip_prefix(b"+").unwrap_or(v);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    })
}

/// Whether a buffer is a datagram (the body runs to its end) or a complete
/// message cut from a stream (Content-Length is mandatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Datagram,
    Stream,
}

/// A borrowed view of one header field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef<'m> {
    /// The name, classified.
    pub name: HeaderName,
    /// The name as written (compact form or any case).
    pub name_bytes: &'m [u8],
    /// The value, leading and trailing white space removed; folded lines
    /// are left in place (the typed parsers treat them as white space).
    pub value: &'m [u8],
    /// Offset of the value in the message bytes (for a field added after
    /// parsing: 0).
    pub offset: usize,
}

impl Message {
    /// Parses a datagram (UDP, or one WebSocket message) with default limits.
    /// Without Content-Length, the body runs to the end of the buffer; bytes
    /// after the declared Content-Length are ignored (RFC 3261 §18.3).
    pub fn parse(buf: Bytes) -> Result<Message, ParseError> {
        Message::parse_with(buf, &Limits::default())
    }

    /// Parses a datagram with the given limits.
    pub fn parse_with(buf: Bytes, limits: &Limits) -> Result<Message, ParseError> {
        Message::parse_framed(buf, limits, Framing::Datagram)
    }

    /// Parses one complete message cut from a stream (see
    /// [`StreamFramer`](super::StreamFramer)): Content-Length is required.
    pub fn parse_stream_message(buf: Bytes, limits: &Limits) -> Result<Message, ParseError> {
        Message::parse_framed(buf, limits, Framing::Stream)
    }

    fn parse_framed(buf: Bytes, limits: &Limits, framing: Framing) -> Result<Message, ParseError> {
        let limit = limits.max_message_size.min(u32::MAX as usize);
        if buf.len() > limit {
            return Err(ParseError::MessageTooLarge {
                size: buf.len(),
                limit,
            });
        }
        let mut msg = Message {
            buf,
            msg_start: 0,
            fields_start: 0,
            start_line: StartLine::Response {
                code: 0,
                reason: Span::default(),
            },
            version: Span::default(),
            fields: Fields::new(),
            owned: Vec::new(),
            body: Body::InBuffer(Span::default()),
            modified: false,
            scanned_length: None,
        };
        // Scanned straight into the message's own field list: the inline
        // list is large, and moving it costs more than filling it in place.
        let Some(head) = scan_head(&msg.buf, limits, &mut msg.fields)? else {
            return Err(ParseError::Incomplete {
                len: msg.buf.len(),
                what: "header section",
            });
        };
        msg.body = Body::InBuffer(body_span(&head, msg.buf.len(), limits, framing)?);
        msg.msg_start = head.msg_start as u32;
        msg.fields_start = head.fields_start as u32;
        msg.version = head.version;
        msg.start_line = head.start_line;
        msg.scanned_length = head.content_length;
        Ok(msg)
    }

    #[inline]
    pub(crate) fn from_head(buf: Bytes, head: Head, fields: Fields, body: Span) -> Message {
        Message {
            buf,
            msg_start: head.msg_start as u32,
            fields_start: head.fields_start as u32,
            start_line: head.start_line,
            version: head.version,
            fields,
            owned: Vec::new(),
            body: Body::InBuffer(body),
            modified: false,
            scanned_length: head.content_length,
        }
    }

    // ---- start line -------------------------------------------------

    /// Whether this is a request.
    pub fn is_request(&self) -> bool {
        matches!(self.start_line, StartLine::Request { .. })
    }

    /// The method of a request (`None` for a response; a response's
    /// method is in its CSeq, [`headers::CSeq`](super::headers::CSeq)).
    pub fn method(&self) -> Option<&Method> {
        match &self.start_line {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The Request-URI as written (`None` for a response or a URI that is
    /// not UTF-8).
    pub fn request_uri_str(&self) -> Option<&str> {
        match &self.start_line {
            StartLine::Request { uri, .. } => std::str::from_utf8(&self.buf[uri.range()]).ok(),
            StartLine::Response { .. } => None,
        }
    }

    /// The Request-URI, parsed (`None` for a response). A request whose URI
    /// does not parse deserves a 400; one with a scheme the UA does not
    /// serve, a 416 (RFC 3261 §8.2.2.1).
    pub fn request_uri(&self) -> Option<Result<Uri<'_>, HeaderError>> {
        let StartLine::Request { uri, .. } = &self.start_line else {
            return None;
        };
        let bytes = &self.buf[uri.range()];
        let invalid = |offset: usize, expected| HeaderError::Invalid {
            header: "Request-URI",
            offset: uri.start as usize + offset,
            expected,
        };
        Some(match std::str::from_utf8(bytes) {
            Ok(text) => Uri::parse(text).map_err(|e| invalid(e.offset, e.expected)),
            Err(e) => Err(invalid(e.valid_up_to(), "UTF-8 text")),
        })
    }

    /// The status code of a response.
    pub fn status(&self) -> Option<u16> {
        match self.start_line {
            StartLine::Response { code, .. } => Some(code),
            StartLine::Request { .. } => None,
        }
    }

    /// The reason phrase of a response, as bytes (it may be any UTF-8 text,
    /// and senders do not always keep to UTF-8).
    pub fn reason(&self) -> Option<&[u8]> {
        match self.start_line {
            StartLine::Response { reason, .. } => Some(&self.buf[reason.range()]),
            StartLine::Request { .. } => None,
        }
    }

    /// The SIP version as written, e.g. `SIP/2.0`. A user agent answers 505
    /// to a request whose version is not 2.0 (see [`Message::is_sip_2_0`]).
    pub fn version(&self) -> &[u8] {
        &self.buf[self.version.range()]
    }

    /// Whether the version is SIP/2.0 (the "SIP" part compared without case).
    pub fn is_sip_2_0(&self) -> bool {
        self.version().eq_ignore_ascii_case(b"SIP/2.0")
    }

    // ---- header fields ---------------------------------------------

    fn store(&self, store: u16) -> &[u8] {
        match store {
            0 => &self.buf,
            k => self
                .owned
                .get(usize::from(k) - 1)
                .map_or(&[][..], |b| &b[..]),
        }
    }

    /// The value bytes of a field (what `field_ref(f).value` is).
    fn value_of(&self, f: &Field) -> &[u8] {
        &self.store(f.store)[f.value.range()]
    }

    fn field_ref(&self, f: &Field) -> FieldRef<'_> {
        let s = self.store(f.store);
        FieldRef {
            name: f.name,
            name_bytes: &s[f.start as usize..f.name_end as usize],
            value: &s[f.value.range()],
            offset: if f.store == 0 {
                f.value.start as usize
            } else {
                0
            },
        }
    }

    /// All header fields in order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = FieldRef<'_>> + '_ {
        self.fields.iter().map(|f| self.field_ref(f))
    }

    /// Number of header fields.
    pub fn field_count(&self) -> usize {
        self.fields.len()
    }

    /// Fields with a known `name`, in order.
    pub fn fields_named(&self, name: HeaderName) -> impl Iterator<Item = FieldRef<'_>> + '_ {
        self.fields
            .iter()
            .filter(move |f| f.name == name)
            .map(|f| self.field_ref(f))
    }

    /// Fields whose name is `name` (any case; a known name also matches its
    /// compact form), e.g. `"X-Custom"` or `"via"`.
    pub fn fields_by_name<'m>(&'m self, name: &'m str) -> impl Iterator<Item = FieldRef<'m>> + 'm {
        let known = HeaderName::from_bytes(name.as_bytes());
        self.fields().filter(move |f| {
            f.name == known
                && (known != HeaderName::Other
                    || f.name_bytes.eq_ignore_ascii_case(name.as_bytes()))
        })
    }

    /// The raw value of the first field with a known `name`.
    pub fn raw(&self, name: HeaderName) -> Option<&[u8]> {
        let f = self.fields.iter().find(|f| f.name == name)?;
        Some(self.value_of(f))
    }

    /// The raw value of the first field with this name (see
    /// [`Message::fields_by_name`]).
    pub fn raw_by_name<'m>(&'m self, name: &'m str) -> Option<&'m [u8]> {
        self.fields_by_name(name).next().map(|f| f.value)
    }

    /// Whether a field with this known name is present.
    pub fn has(&self, name: HeaderName) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// The first value of header `H` (for list headers, the first element of
    /// the first field).
    pub fn header<'m, H: TypedHeader<'m> + 'm>(&'m self) -> Result<H, HeaderError> {
        self.header_opt::<H>()?.ok_or(HeaderError::Missing {
            header: H::NAME.as_str(),
        })
    }

    /// Like [`Message::header`], `Ok(None)` when the header is absent.
    pub fn header_opt<'m, H: TypedHeader<'m> + 'm>(&'m self) -> Result<Option<H>, HeaderError> {
        // The common case, read straight: the first field, its first element.
        let Some(f) = self.fields.iter().find(|f| f.name == H::NAME) else {
            return Ok(None);
        };
        // The value alone: a whole FieldRef (name bytes too) is not needed.
        let offset = if f.store == 0 {
            f.value.start as usize
        } else {
            0
        };
        let name = H::NAME.as_str();
        let text = std::str::from_utf8(self.value_of(f)).map_err(|e| HeaderError::Invalid {
            header: name,
            offset: offset + e.valid_up_to(),
            expected: "UTF-8 text",
        })?;
        // A parsed value is trimmed, so without a comma it is its own first
        // element (what first_element would find).
        let (at, value) = if H::NAME.is_list() && !f.one_element {
            first_element(text)
        } else {
            (0, text)
        };
        H::parse(value)
            .map(Some)
            .map_err(|e| e.into_header_error(name, offset + at))
    }

    /// Every value of header `H`: all fields, and for list headers every
    /// comma-separated element of each.
    pub fn headers<'m, H: TypedHeader<'m> + 'm>(
        &'m self,
    ) -> impl Iterator<Item = Result<H, HeaderError>> + 'm {
        let name = H::NAME;
        self.fields_named(name).flat_map(move |f| {
            let text = match std::str::from_utf8(f.value) {
                Ok(t) => t,
                Err(e) => {
                    let err = HeaderError::Invalid {
                        header: name.as_str(),
                        offset: f.offset + e.valid_up_to(),
                        expected: "UTF-8 text",
                    };
                    return Values::One(std::iter::once(Err(err)));
                }
            };
            let parse = move |(at, v): (usize, &'m str)| {
                H::parse(v).map_err(|e| e.into_header_error(name.as_str(), f.offset + at))
            };
            if name.is_list() {
                Values::List(split_list(text).map(parse))
            } else {
                Values::One(std::iter::once(parse((0, text))))
            }
        })
    }

    /// The Call-ID (trimmed raw value).
    pub fn call_id(&self) -> Option<&str> {
        self.raw(HeaderName::CallId)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The body (empty when there is none).
    pub fn body(&self) -> &[u8] {
        match &self.body {
            Body::InBuffer(s) => &self.buf[s.range()],
            Body::Owned(b) => b,
        }
    }

    /// The value of the Content-Length header, if present and valid (it was
    /// checked while parsing).
    pub fn content_length(&self) -> Option<usize> {
        if !self.modified {
            return self.scanned_length;
        }
        parse_usize(self.raw(HeaderName::ContentLength)?)
    }

    /// The received buffer this message points into.
    pub fn buffer(&self) -> &Bytes {
        &self.buf
    }

    /// Whether any header or the body was changed since parsing.
    pub fn is_modified(&self) -> bool {
        self.modified
    }

    // ---- changes ---------------------------------------------------

    /// Stores a new field line. Every change goes through here, so this is
    /// where a value is kept from smuggling in more lines: line breaks in
    /// it are unfolded into one space (RFC 3261 §7.3.1 calls that the same
    /// value), whatever the caller built.
    fn add_owned(&mut self, name: HeaderName, name_text: &str, value: &[u8]) -> Field {
        let value = unfold(value);
        let value = &value[..];
        let mut line = Vec::with_capacity(name_text.len() + value.len() + 4);
        line.extend_from_slice(name_text.as_bytes());
        line.extend_from_slice(b": ");
        line.extend_from_slice(value);
        line.extend_from_slice(b"\r\n");
        self.owned.push(Bytes::from(line));
        self.modified = true;
        let name_end = name_text.len() as u32;
        Field {
            name,
            one_element: false,
            store: self.owned.len() as u16,
            start: 0,
            name_end,
            value: Span {
                start: name_end + 2,
                end: name_end + 2 + value.len() as u32,
            },
            end: name_end + 4 + value.len() as u32,
        }
    }

    fn typed_bytes<'v, H: TypedHeader<'v>>(value: &H) -> Vec<u8> {
        let mut v = Vec::new();
        value.write_value(&mut v);
        v
    }

    /// Replaces every field of `H` by one field with `value`, at the place
    /// of the first (appended if there was none).
    pub fn set_header<'v, H: TypedHeader<'v>>(&mut self, value: &H) {
        let bytes = Self::typed_bytes(value);
        self.set_raw(H::NAME, &bytes);
    }

    /// Replaces every field with a known name by one raw value.
    pub fn set_raw(&mut self, name: HeaderName, value: &[u8]) {
        let field = self.add_owned(name, name.as_str(), value);
        match self.fields.iter().position(|f| f.name == name) {
            Some(first) => {
                self.fields[first] = field;
                let mut k = 0;
                self.fields.retain(|f| {
                    k += 1;
                    k - 1 == first || f.name != name
                });
            }
            None => self.fields.push(field),
        }
    }

    /// Appends a field after the others.
    pub fn push_header<'v, H: TypedHeader<'v>>(&mut self, value: &H) {
        let bytes = Self::typed_bytes(value);
        let field = self.add_owned(H::NAME, H::NAME.as_str(), &bytes);
        self.fields.push(field);
    }

    /// Inserts a field before all others (a proxy's new top Via, for example).
    pub fn prepend_header<'v, H: TypedHeader<'v>>(&mut self, value: &H) {
        let bytes = Self::typed_bytes(value);
        let field = self.add_owned(H::NAME, H::NAME.as_str(), &bytes);
        self.fields.insert(0, field);
    }

    /// Appends a field with any name and raw value. The name must be a
    /// token (`ValueError` otherwise, with the offset of the first bad byte).
    pub fn push_raw(&mut self, name: &str, value: &[u8]) -> Result<(), ValueError> {
        if let Some(bad) = name.bytes().position(|b| !is_token_byte(b)) {
            return Err(ValueError::new(bad, "a header name (token)"));
        }
        if name.is_empty() {
            return Err(ValueError::new(0, "a header name (token)"));
        }
        let known = HeaderName::from_bytes(name.as_bytes());
        let field = self.add_owned(known, name, value);
        self.fields.push(field);
        Ok(())
    }

    /// Replaces the value of the `index`-th field (in [`Message::fields`]
    /// order), keeping its name as written. Returns false if out of range.
    pub fn replace_field_value(&mut self, index: usize, value: &[u8]) -> bool {
        let Some(old) = self.fields.get(index).copied() else {
            return false;
        };
        let name_text = String::from_utf8_lossy(self.field_ref(&old).name_bytes).into_owned();
        let field = self.add_owned(old.name, &name_text, value);
        self.fields[index] = field;
        true
    }

    /// Removes every field with this known name; returns how many.
    pub fn remove(&mut self, name: HeaderName) -> usize {
        let before = self.fields.len();
        self.fields.retain(|f| f.name != name);
        let removed = before - self.fields.len();
        self.modified |= removed > 0;
        removed
    }

    /// Replaces the body and sets Content-Length to match (Content-Type is
    /// left to the caller).
    pub fn set_body(&mut self, body: Bytes) {
        let len = body.len().to_string();
        self.body = Body::Owned(body);
        self.set_raw(HeaderName::ContentLength, len.as_bytes());
    }

    // ---- serialization ---------------------------------------------

    /// The message bytes. For an unmodified message this is the received
    /// buffer itself (no copy) without leading CRLFs or bytes after the body.
    pub fn to_bytes(&self) -> Bytes {
        if !self.modified {
            return self
                .buf
                .slice(self.msg_start as usize..self.unmodified_end());
        }
        let mut out = Vec::with_capacity(self.buf.len() + 64);
        self.write_to(&mut out);
        Bytes::from(out)
    }

    fn unmodified_end(&self) -> usize {
        match &self.body {
            Body::InBuffer(s) => s.end as usize,
            Body::Owned(_) => self.buf.len(),
        }
    }

    /// Appends the message bytes to `out` (a `Vec<u8>`, a `BytesMut`).
    pub fn write_to(&self, out: &mut impl bytes::BufMut) {
        if !self.modified {
            out.put_slice(&self.buf[self.msg_start as usize..self.unmodified_end()]);
            return;
        }
        out.put_slice(&self.buf[self.msg_start as usize..self.fields_start as usize]);
        for f in &self.fields {
            out.put_slice(&self.store(f.store)[f.start as usize..f.end as usize]);
        }
        out.put_slice(b"\r\n");
        out.put_slice(self.body());
    }

    /// Length in bytes of the serialized message.
    pub fn serialized_len(&self) -> usize {
        if !self.modified {
            return self.unmodified_end() - self.msg_start as usize;
        }
        let fields: usize = self.fields.iter().map(|f| (f.end - f.start) as usize).sum();
        (self.fields_start - self.msg_start) as usize + fields + 2 + self.body().len()
    }
}

impl std::fmt::Display for Message {
    /// The message as text (lossy for bytes that are not UTF-8).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        self.write_to(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// Where the body is, given the head and how the buffer was framed.
pub(crate) fn body_span_for_stream(
    head: &Head,
    len: usize,
    limits: &Limits,
) -> Result<Span, ParseError> {
    body_span(head, len, limits, Framing::Stream)
}

fn body_span(
    head: &Head,
    len: usize,
    limits: &Limits,
    framing: Framing,
) -> Result<Span, ParseError> {
    let available = len - head.body_start;
    let declared = match (head.content_length, framing) {
        (Some(n), _) => n,
        (None, Framing::Datagram) => available,
        (None, Framing::Stream) => {
            return Err(ParseError::MissingContentLength {
                offset: head.msg_start,
            })
        }
    };
    if declared > limits.max_body_size {
        return Err(ParseError::BodyTooLarge {
            declared,
            limit: limits.max_body_size,
        });
    }
    if declared > available {
        return Err(ParseError::BodyTruncated {
            declared,
            available,
        });
    }
    Ok(Span::new(head.body_start, head.body_start + declared))
}

/// Either one value or the elements of a list, without boxing.
enum Values<A, B> {
    One(A),
    List(B),
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for Values<A, B> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            Values::One(a) => a.next(),
            Values::List(b) => b.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_usize;
    use crate::message::grammar::first_element;
    use crate::message::scan::Field;

    /// What the scan marks as one element is what `first_element` finds,
    /// on every field of the corpora (and the mark costs no space).
    #[test]
    fn fields_marked_one_element_are_their_own_first_element() {
        assert_eq!(size_of::<Field>(), 24);
        let mut marked = 0;
        for msg in crate::message::test_corpus::messages() {
            for f in msg.fields.iter().filter(|f| f.one_element) {
                let text = std::str::from_utf8(msg.value_of(f)).expect("UTF-8 value");
                assert_eq!(first_element(text), (0, text), "{text:?}");
                marked += 1;
            }
        }
        assert!(marked > 50, "only {marked} marked fields");
    }

    #[test]
    fn the_scanned_content_length_is_the_fields_until_a_change() {
        let mut with_length = 0;
        for mut msg in crate::message::test_corpus::messages() {
            let read = msg
                .raw(super::HeaderName::ContentLength)
                .and_then(parse_usize);
            assert_eq!(msg.content_length(), read);
            with_length += usize::from(read.is_some());
            msg.set_raw(super::HeaderName::ContentLength, b"7");
            assert_eq!(msg.content_length(), Some(7));
            msg.remove(super::HeaderName::ContentLength);
            assert_eq!(msg.content_length(), None);
        }
        assert!(with_length > 40, "only {with_length} with a Content-Length");
    }

    #[test]
    fn content_length_digits_read_as_str_parse_reads_them() {
        let max = usize::MAX.to_string();
        let over = format!("{max}0");
        let inputs: Vec<&[u8]> = vec![
            b"",
            b"0",
            b"00",
            b"42",
            b"+7",
            b"+",
            b"-1",
            b"++1",
            b" 1",
            b"1 ",
            b"1a",
            b"\xff",
            b"18446744073709551615",
            b"18446744073709551616",
            max.as_bytes(),
            over.as_bytes(),
        ];
        for v in inputs {
            let by_str = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok());
            assert_eq!(parse_usize(v), by_str, "{v:?}");
        }
    }
}
