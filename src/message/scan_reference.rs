//! A plain version of the head scan, kept for tests: each step in the
//! order the grammar reads it (line end, then colon, then name, then a
//! separate comma search of Via and Route values). The tuned scan must
//! agree with it, result for result and error for error, on every prefix
//! and every one-byte change of the messages on disk. The start line and
//! the per-field checks (`parse_start_line`, `Counts`) are shared with the
//! tuned scan rather than copied: their fast paths have their own tests.

use super::header_name::classify;
use super::scan::{
    line_end, line_end_after, line_end_at, parse_start_line, syntax, Counts, Field, Fields, Head,
    Span,
};
use super::vector::find_either;
use super::{grammar::is_token_byte, HeaderName, Limits, ParseError};

/// What [`scan_head`](super::scan::scan_head) returns, found the plain way.
pub(crate) fn scan_head_by_lines(
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
        // search for the colon or the line end, whichever comes first, then
        // the line end from the colon on: each byte is read once.
        let colon = find_either(b, start, b':', b'\n');
        let first_line = match colon {
            Some(c) if b[c] == b':' => line_end_after(b, start, c + 1),
            Some(nl) => Some(line_end_at(b, start, nl)),
            None => None,
        };
        let Some((first_end, first_next)) = first_line else {
            if b.len() - start > limits.max_line_length {
                return Err(ParseError::LineTooLong {
                    offset: start,
                    limit: limits.max_line_length,
                });
            }
            return Ok(None);
        };
        let colon = match colon {
            Some(c) if b[c] == b':' => c,
            _ => return Err(syntax("header field", start, "':' after the header name")),
        };
        let mut name_end = colon;
        while name_end > start && matches!(b[name_end - 1], b' ' | b'\t') {
            name_end -= 1;
        }
        let name = classify(b, start, name_end);
        // A known name matched its spelling, so only others need checking.
        if name == HeaderName::Other {
            if name_end == start {
                return Err(syntax("header name", start, "a token"));
            }
            if let Some(bad) = b[start..name_end].iter().position(|&c| !is_token_byte(c)) {
                return Err(syntax(
                    "header name",
                    start + bad,
                    "a token character or ':'",
                ));
            }
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
                if b.len() - start > limits.max_line_length {
                    return Err(ParseError::LineTooLong {
                        offset: start,
                        limit: limits.max_line_length,
                    });
                }
                return Ok(None);
            };
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
        let one_element = if matches!(
            name,
            HeaderName::ContentLength
                | HeaderName::Via
                | HeaderName::Route
                | HeaderName::RecordRoute
        ) {
            {
                let comma = b[value_start..value_end].contains(&b',');
                counts.field(name, b, start, value_start..value_end, comma, limits)?
            }
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

/// Both scans of `b`, compared: the same head, fields and error.
fn agree(b: &[u8], limits: &Limits, what: &dyn Fn() -> String) {
    let (mut fast_fields, mut slow_fields) = (Fields::new(), Fields::new());
    let fast = super::scan::scan_head(b, limits, &mut fast_fields);
    let slow = scan_head_by_lines(b, limits, &mut slow_fields);
    let fast = format!("{fast:?}");
    assert_eq!(fast, format!("{slow:?}"), "{}", what());
    if fast.starts_with("Ok(Some") {
        assert_eq!(fast_fields, slow_fields, "{}", what());
    }
}

/// Limits small enough that the corpus meets each of them.
fn tight_limits() -> Limits {
    Limits {
        max_headers: 6,
        max_line_length: 60,
        max_via: 2,
        max_route: 1,
        ..Limits::default()
    }
}

#[test]
fn the_scan_agrees_with_the_line_by_line_reference_on_every_prefix() {
    for (name, raw) in super::test_corpus::raw_files() {
        for limits in [Limits::default(), tight_limits()] {
            for len in 0..=raw.len().min(4096) {
                agree(&raw[..len], &limits, &|| format!("{name} cut at {len}"));
            }
        }
    }
}

#[test]
fn the_scan_agrees_with_the_line_by_line_reference_on_every_one_byte_change() {
    // Bytes that end, split or fold lines and values, or break names.
    const SPECIAL: [u8; 9] = [b':', b' ', b'\t', b'\r', b'\n', b',', b'x', 0x80, b'"'];
    for (name, raw) in super::test_corpus::raw_files() {
        if !name.contains("benches/corpus") {
            continue;
        }
        let head = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(raw.len(), |k| k + 4);
        let mut b = raw.clone();
        for at in 0..head {
            for &c in &SPECIAL {
                let was = b[at];
                b[at] = c;
                agree(&b, &Limits::default(), &|| {
                    format!("{name}: byte {at} set to {c:#04x}")
                });
                b[at] = was;
            }
        }
    }
}
