//! The one pass over a message head: start line, header field spans and the
//! body's place. It reads each byte of the head about once (16 at a time
//! for line ends and colons, see `vector`) and allocates nothing for
//! messages of up to [`INLINE_FIELDS`] fields. Typed header values are
//! parsed later, on demand.

use memchr::memchr;
use smallvec::SmallVec;

use super::grammar::is_token_byte;
use super::header_name::classify;
use super::vector::{bits, controls, find_byte, find_either, load};
use super::{HeaderName, Limits, Method, ParseError};

/// Header fields kept inline in a [`Message`](super::Message) before the
/// field list moves to the heap.
pub(crate) const INLINE_FIELDS: usize = 32;

/// A byte range in a message's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        // Callers check the message size limit (<= u32::MAX) first.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub(crate) fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One header field: where its line, name and value are, in the buffer
/// named by `store` (0: the received buffer; k: the k-th replacement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field {
    pub(crate) name: HeaderName,
    /// The value is known to hold no comma, so a list value is one element
    /// as it stands (set by the scan for Via and Route values, which it
    /// searches for commas anyway; a value it did not search says false).
    pub(crate) one_element: bool,
    pub(crate) store: u16,
    /// Start of the line (the name's first byte).
    pub(crate) start: u32,
    pub(crate) name_end: u32,
    pub(crate) value: Span,
    /// End of the line, after its CRLF (continuation lines included).
    pub(crate) end: u32,
}

pub(crate) type Fields = SmallVec<[Field; INLINE_FIELDS]>;

/// What the start line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StartLine {
    Request { method: Method, uri: Span },
    Response { code: u16, reason: Span },
}

/// The result of scanning a head (the fields go to a list the caller owns,
/// so that they are written once, in place).
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// First byte of the start line (after any leading CRLFs).
    pub(crate) msg_start: usize,
    /// First byte after the start line's terminator.
    pub(crate) fields_start: usize,
    pub(crate) start_line: StartLine,
    pub(crate) version: Span,
    pub(crate) content_length: Option<usize>,
    /// First byte after the blank line.
    pub(crate) body_start: usize,
}

pub(super) fn syntax(what: &'static str, offset: usize, expected: &'static str) -> ParseError {
    ParseError::Syntax {
        what,
        offset,
        expected,
    }
}

/// The 8 bytes of `c` at `at`, as a little-endian word (0 past the end).
#[inline(always)]
pub(super) fn word(c: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    if let Some(s) = c.get(at..at + 8) {
        w.copy_from_slice(s);
    }
    u64::from_le_bytes(w)
}

/// Returns the end of the line starting at `from` (index of its CR or LF)
/// and the index after its terminator, or `None` if no LF follows.
#[inline]
pub(super) fn line_end(b: &[u8], from: usize) -> Option<(usize, usize)> {
    line_end_after(b, from, from)
}

/// [`line_end`] of the line starting at `from` when its LF is known to be
/// at or after `search` (`from <= search`).
#[inline(always)]
pub(super) fn line_end_after(b: &[u8], from: usize, search: usize) -> Option<(usize, usize)> {
    Some(line_end_at(b, from, find_byte(b, search, b'\n')?))
}

/// [`line_end`] of the line starting at `from` whose LF is at `nl`.
#[inline(always)]
pub(super) fn line_end_at(b: &[u8], from: usize, nl: usize) -> (usize, usize) {
    let end = if nl > from && b[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    (end, nl + 1)
}

/// Checks a header name that is none of the known ones: a token.
#[inline(never)]
fn check_other_name(name: &[u8], start: usize) -> Result<(), ParseError> {
    if name.is_empty() {
        return Err(syntax("header name", start, "a token"));
    }
    match name.iter().position(|&c| !is_token_byte(c)) {
        Some(bad) => Err(syntax(
            "header name",
            start + bad,
            "a token character or ':'",
        )),
        None => Ok(()),
    }
}

/// What a head line that ran out of input means: too long already, or
/// only not complete yet (`None`).
#[cold]
#[inline(never)]
fn incomplete(b: &[u8], start: usize, limits: &Limits) -> Result<Option<Head>, ParseError> {
    if b.len() - start > limits.max_line_length {
        return Err(ParseError::LineTooLong {
            offset: start,
            limit: limits.max_line_length,
        });
    }
    Ok(None)
}

/// Scans the head of the message in `b`. `Ok(None)` means the head is not
/// complete yet (no blank line); the caller decides whether that is an error.
pub(crate) fn scan_head(
    b: &[u8],
    limits: &Limits,
    fields: &mut Fields,
) -> Result<Option<Head>, ParseError> {
    fields.clear();
    let mut pos = 0;
    // RFC 3261 §7.5: CRLFs before the start line are ignored.
    while pos < b.len() && (b[pos] == b'\r' || b[pos] == b'\n') {
        pos += 1;
    }
    let msg_start = pos;
    let Some((sl_end, mut pos)) = line_end(b, msg_start) else {
        if b.len() - msg_start > limits.max_line_length {
            return Err(ParseError::LineTooLong {
                offset: msg_start,
                limit: limits.max_line_length,
            });
        }
        return Ok(None);
    };
    if sl_end - msg_start > limits.max_line_length {
        return Err(ParseError::LineTooLong {
            offset: msg_start,
            limit: limits.max_line_length,
        });
    }
    let (start_line, version) = parse_start_line(b, msg_start, sl_end)?;
    let fields_start = pos;

    let mut counts = Counts::default();
    loop {
        match b.get(pos) {
            None => return Ok(None),
            Some(b'\n') => {
                pos += 1;
                break;
            }
            Some(b'\r') => match b.get(pos + 1) {
                None => return Ok(None),
                Some(b'\n') => {
                    pos += 2;
                    break;
                }
                Some(_) => return Err(syntax("header field", pos, "a header name or CRLF")),
            },
            Some(b' ' | b'\t') => {
                return Err(syntax(
                    "header field",
                    pos,
                    "a header name (not a continuation line)",
                ))
            }
            Some(_) => {}
        }
        let start = pos;
        // Name, optional SP/HT, colon: all on the field's first line. One
        // search for the colon or the line end, whichever comes first; the
        // name is known before the rest of the line is searched.
        let colon = match find_either(b, start, b':', b'\n') {
            Some(c) if b[c] == b':' => c,
            Some(_) => return Err(syntax("header field", start, "':' after the header name")),
            None => return incomplete(b, start, limits),
        };
        let mut name_end = colon;
        while name_end > start && matches!(b[name_end - 1], b' ' | b'\t') {
            name_end -= 1;
        }
        let name = classify(b, start, name_end);
        // Via and Route values are searched for commas anyway (the limits
        // count their elements): the same search finds the line end.
        let counted = matches!(
            name,
            HeaderName::Via | HeaderName::Route | HeaderName::RecordRoute
        );
        let mut comma = false;
        let first_line = if counted {
            match find_either(b, colon + 1, b',', b'\n') {
                Some(c) if b[c] == b',' => {
                    comma = true;
                    line_end_after(b, start, c + 1)
                }
                Some(nl) => Some(line_end_at(b, start, nl)),
                None => None,
            }
        } else {
            line_end_after(b, start, colon + 1)
        };
        let Some((first_end, first_next)) = first_line else {
            return incomplete(b, start, limits);
        };
        // A known name matched its spelling, so only others need checking.
        if name == HeaderName::Other {
            check_other_name(&b[start..name_end], start)?;
        }
        // Value: up to the first line end not followed by SP/HT.
        let mut value_start = colon + 1;
        while value_start < b.len() && matches!(b[value_start], b' ' | b'\t') {
            value_start += 1;
        }
        let mut value_end = first_end;
        pos = first_next;
        // Continuation lines (folding) extend the value.
        loop {
            match b.get(pos) {
                Some(b' ' | b'\t') => {}
                Some(_) => break,
                // Cannot tell yet whether a continuation line follows.
                None => return Ok(None),
            }
            let Some((end, next)) = line_end(b, pos) else {
                return incomplete(b, start, limits);
            };
            // A comma on a continuation line.
            comma = comma || (counted && memchr(b',', &b[pos..end]).is_some());
            value_end = end;
            pos = next;
        }
        if value_end - start > limits.max_line_length {
            return Err(ParseError::LineTooLong {
                offset: start,
                limit: limits.max_line_length,
            });
        }
        if fields.len() == limits.max_headers {
            return Err(ParseError::TooManyHeaders {
                offset: start,
                limit: limits.max_headers,
            });
        }
        // A value that starts on a continuation line.
        while value_start < value_end && matches!(b[value_start], b' ' | b'\t' | b'\r' | b'\n') {
            value_start += 1;
        }
        while value_end > value_start && matches!(b[value_end - 1], b' ' | b'\t' | b'\r' | b'\n') {
            value_end -= 1;
        }
        let one_element = if counted || name == HeaderName::ContentLength {
            counts.field(name, b, start, value_start..value_end, comma, limits)?
        } else {
            false
        };
        fields.push(Field {
            name,
            one_element,
            store: 0,
            start: start as u32,
            name_end: name_end as u32,
            value: Span::new(value_start, value_end),
            end: pos as u32,
        });
    }
    Ok(Some(Head {
        msg_start,
        fields_start,
        start_line,
        version,
        content_length: counts.content_length,
        body_start: pos,
    }))
}

/// What the scan keeps across fields: the Content-Length and the numbers
/// of Via and Route values so far. Kept out of the field loop (a call for
/// the few fields that need it) so that the loop's own state stays in
/// registers.
#[derive(Default)]
pub(super) struct Counts {
    pub(super) content_length: Option<usize>,
    via_values: usize,
    route_values: usize,
}

impl Counts {
    /// Checks one Content-Length, Via, Route or Record-Route field; says
    /// whether a Via or Route value holds no comma (for `Field::one_element`).
    #[inline(never)]
    pub(super) fn field(
        &mut self,
        name: HeaderName,
        b: &[u8],
        start: usize,
        value: std::ops::Range<usize>,
        comma: bool,
        limits: &Limits,
    ) -> Result<bool, ParseError> {
        let value_start = value.start;
        let value = &b[value];
        match name {
            HeaderName::ContentLength => {
                let n = parse_content_length(value, value_start)?;
                if self.content_length.is_some_and(|old| old != n) {
                    return Err(ParseError::InvalidContentLength {
                        offset: value_start,
                        reason: "a second Content-Length differs from the first",
                    });
                }
                self.content_length = Some(n);
            }
            HeaderName::Via => {
                let n = count_values(value, comma);
                self.via_values += n;
                if self.via_values > limits.max_via {
                    return Err(ParseError::TooManyValues {
                        header: "Via",
                        offset: start,
                        limit: limits.max_via,
                    });
                }
                return Ok(!comma);
            }
            HeaderName::Route | HeaderName::RecordRoute => {
                let n = count_values(value, comma);
                self.route_values += n;
                if self.route_values > limits.max_route {
                    return Err(ParseError::TooManyValues {
                        header: name.as_str(),
                        offset: start,
                        limit: limits.max_route,
                    });
                }
                return Ok(!comma);
            }
            _ => {}
        }
        Ok(false)
    }
}

/// Counts the elements of a list value (commas outside quotes and angle
/// brackets, plus one), given whether it holds a comma at all.
fn count_values(value: &[u8], comma: bool) -> usize {
    if !comma {
        return 1;
    }
    std::str::from_utf8(value)
        .map(|v| super::grammar::split_list(v).count())
        .unwrap_or(1)
        .max(1)
}

fn parse_content_length(value: &[u8], offset: usize) -> Result<usize, ParseError> {
    if value.is_empty() || value.len() > 10 || !value.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::InvalidContentLength {
            offset,
            reason: "not a decimal number of at most 10 digits",
        });
    }
    Ok(value
        .iter()
        .fold(0usize, |n, &d| n * 10 + usize::from(d - b'0')))
}

/// The index of the first ASCII control byte (below 0x20, or DEL) of `s`,
/// checked 16 bytes at a time: a Request-URI is the longest thing in the
/// start line, and has none.
#[inline]
fn first_control(s: &[u8]) -> Option<usize> {
    let mut chunks = s.chunks_exact(16);
    let mut clean = 0;
    for c in &mut chunks {
        let m = bits(controls(load(c)));
        if m != 0 {
            return Some(clean + m.trailing_zeros() as usize);
        }
        clean += 16;
    }
    s[clean..]
        .iter()
        .position(u8::is_ascii_control)
        .map(|k| clean + k)
}

/// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT` ("SIP" without case).
fn is_sip_version(v: &[u8]) -> bool {
    // Every version on the wire today.
    if v.len() == 7 && v[..4].eq_ignore_ascii_case(b"SIP/") && &v[4..] == b"2.0" {
        return true;
    }
    if v.len() < 7 || !v[..4].eq_ignore_ascii_case(b"SIP/") {
        return false;
    }
    let rest = &v[4..];
    let Some(dot) = memchr(b'.', rest) else {
        return false;
    };
    let (major, minor) = (&rest[..dot], &rest[dot + 1..]);
    !major.is_empty()
        && !minor.is_empty()
        && major.iter().all(u8::is_ascii_digit)
        && minor.iter().all(u8::is_ascii_digit)
}

/// The error for a Request-Line whose text after the second SP (at `sp2`)
/// is not a SIP version: when a version does end the line, the fault is an
/// SP inside the Request-URI (RFC 4475 lwsruri) or white space after the
/// version (trws); otherwise it is the version itself.
#[cold]
fn request_line_tail_error(line: &[u8], start: usize, sp2: usize) -> ParseError {
    let trimmed = line.len()
        - line
            .iter()
            .rev()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
    let tail = &line[sp2 + 1..trimmed.max(sp2 + 1)];
    let version_at = memchr::memrchr(b' ', tail).map_or(0, |k| k + 1);
    if is_sip_version(&tail[version_at..]) {
        if version_at > 0 {
            return syntax(
                "Request-Line",
                start + sp2,
                "a Request-URI without white space",
            );
        }
        return syntax(
            "Request-Line",
            start + trimmed,
            "CRLF after the SIP version",
        );
    }
    syntax(
        "Request-Line",
        start + sp2 + 1,
        "a SIP version like SIP/2.0 at the end of the line",
    )
}

pub(super) fn parse_start_line(
    b: &[u8],
    start: usize,
    end: usize,
) -> Result<(StartLine, Span), ParseError> {
    let line = &b[start..end];
    if line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"SIP/") {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        let Some(sp) = memchr(b' ', line) else {
            return Err(syntax("Status-Line", end, "SP after the SIP version"));
        };
        if !is_sip_version(&line[..sp]) {
            return Err(syntax("Status-Line", start, "a SIP version like SIP/2.0"));
        }
        let code_at = sp + 1;
        let code = line.get(code_at..code_at + 3).unwrap_or_default();
        if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) || code[0] == b'0' {
            return Err(syntax(
                "Status-Line",
                start + code_at,
                "a three-digit status code",
            ));
        }
        let status = code.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
        if !(100..=699).contains(&status) {
            return Err(syntax(
                "Status-Line",
                start + code_at,
                "a status code from 100 to 699",
            ));
        }
        let after = code_at + 3;
        let reason_start = match line.get(after) {
            None => after,
            Some(b' ') => after + 1,
            Some(_) => {
                return Err(syntax(
                    "Status-Line",
                    start + after,
                    "SP after the status code",
                ))
            }
        };
        return Ok((
            StartLine::Response {
                code: status,
                reason: Span::new(start + reason_start, end),
            },
            Span::new(start, start + sp),
        ));
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    let Some(sp1) = memchr(b' ', line) else {
        return Err(syntax(
            "Request-Line",
            start,
            "Method SP Request-URI SP SIP-Version",
        ));
    };
    let Some(method) = Method::from_bytes(&line[..sp1]) else {
        return Err(syntax("Request-Line", start, "a method token"));
    };
    let Some(sp2) = memchr(b' ', &line[sp1 + 1..]).map(|k| k + sp1 + 1) else {
        return Err(syntax(
            "Request-Line",
            end,
            "SP and a SIP version after the Request-URI",
        ));
    };
    if sp2 == sp1 + 1 {
        return Err(syntax(
            "Request-Line",
            start + sp2,
            "a Request-URI (one SP between elements)",
        ));
    }
    let uri = &line[sp1 + 1..sp2];
    if let Some(bad) = first_control(uri) {
        return Err(syntax(
            "Request-Line",
            start + sp1 + 1 + bad,
            "a Request-URI without control characters",
        ));
    }
    let version = &line[sp2 + 1..];
    if !is_sip_version(version) {
        return Err(request_line_tail_error(line, start, sp2));
    }
    Ok((
        StartLine::Request {
            method,
            uri: Span::new(start + sp1 + 1, start + sp2),
        },
        Span::new(start + sp2 + 1, end),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vector_control_check_agrees_with_a_plain_one() {
        let base: Vec<u8> = b"sip:alice@atlanta.example.com;transport=tcp?x=1".to_vec();
        for len in 0..base.len() {
            for at in 0..len {
                for c in [0x00, 0x09, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x9f, 0xff] {
                    let mut s = base[..len].to_vec();
                    s[at] = c;
                    let plain = s.iter().position(u8::is_ascii_control);
                    assert_eq!(first_control(&s), plain, "{s:?}");
                }
            }
            assert_eq!(first_control(&base[..len]), None);
        }
    }
}
