//! The character level of the XML reader: the encoding (BOM, XML
//! declaration, ISO-8859-1 converted to UTF-8), the characters XML allows,
//! and decoding of references, line ends and attribute white space.

use bytes::Bytes;
use memchr::{memchr, memmem};

use super::error::{quote_bytes, BodyError};
use super::text::{is_space, Text};
use super::xml::name_end;

/// How [`decode`] reads a run of text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Character data: references decoded, line ends normalized.
    Text,
    /// An attribute value: also white space normalized to spaces.
    Attr,
    /// A CDATA section: line ends only.
    CData,
}

/// Skips a UTF-8 BOM, reads the XML declaration if there is one, and
/// converts an ISO-8859-1 body to UTF-8. Returns the body and where the
/// content after the declaration starts.
pub(super) fn prolog_encoding(src: Bytes) -> Result<(Bytes, usize), BodyError> {
    if src.starts_with(&[0xfe, 0xff]) || src.starts_with(&[0xff, 0xfe]) {
        return Err(BodyError::bad_value("XML encoding", "UTF-16", Some(0)));
    }
    let mut pos = if src.starts_with(&[0xef, 0xbb, 0xbf]) {
        3
    } else {
        0
    };
    let rest = &src[pos..];
    let is_decl =
        rest.starts_with(b"<?xml") && rest.get(5).is_some_and(|&b| is_space(b) || b == b'?');
    if !is_decl {
        return Ok((src, pos));
    }
    let end = memmem::find(rest, b"?>")
        .map(|n| pos + n)
        .ok_or(BodyError::syntax(
            src.len(),
            "?> closing the XML declaration",
        ))?;
    let mut latin1 = false;
    let mut names: Vec<&[u8]> = Vec::new();
    let mut at = pos + 5;
    while at < end {
        let n = src[at..end].iter().take_while(|&&b| is_space(b)).count();
        at += n;
        if at == end {
            break;
        }
        let bad = BodyError::syntax(
            at,
            "version, encoding and standalone in the XML declaration",
        );
        let name_to = name_end(&src, at);
        let name = &src[at..name_to];
        let eq = src[name_to..end]
            .iter()
            .position(|&b| b == b'=')
            .ok_or(bad.clone())?;
        let after = name_to + eq + 1;
        let skip = src[after..end].iter().take_while(|&&b| is_space(b)).count();
        let q = after + skip;
        let quote = match src.get(q) {
            Some(&c @ (b'"' | b'\'')) if q < end => c,
            _ => return Err(bad),
        };
        let close = memchr(quote, &src[q + 1..end]).ok_or(bad.clone())? + q + 1;
        let value = &src[q + 1..close];
        if n == 0 || !src[name_to..name_to + eq].iter().all(|&b| is_space(b)) {
            return Err(bad);
        }
        match (name, names.as_slice()) {
            (b"version", []) if value.starts_with(b"1.") => {}
            (b"encoding", [b"version"]) => {
                let e = String::from_utf8_lossy(value).to_ascii_lowercase();
                match e.as_str() {
                    "utf-8" | "utf8" | "us-ascii" | "ascii" => {}
                    "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" => latin1 = true,
                    _ => return Err(BodyError::bad_value("XML encoding", &e, Some(q + 1))),
                }
            }
            (b"standalone", [b"version"] | [b"version", b"encoding"])
                if matches!(value, b"yes" | b"no") => {}
            _ => return Err(bad),
        }
        names.push(name);
        at = close + 1;
    }
    if names.is_empty() {
        return Err(BodyError::syntax(pos, "version in the XML declaration"));
    }
    pos = end + 2;
    if latin1 && !src.is_ascii() {
        let converted: String = src.iter().map(|&b| char::from(b)).collect();
        return Ok((Bytes::from(converted), pos));
    }
    Ok((src, pos))
}

/// The whole body must be UTF-8 made of XML characters.
pub(super) fn check_chars(src: &[u8]) -> Result<(), BodyError> {
    if let Err(e) = std::str::from_utf8(src) {
        return Err(BodyError::syntax(e.valid_up_to(), "UTF-8 text"));
    }
    for (i, &b) in src.iter().enumerate() {
        let bad = (b < 0x20 && !is_space(b))
            || (b == 0xef
                && src.get(i + 1) == Some(&0xbf)
                && matches!(src.get(i + 2), Some(0xbe | 0xbf)));
        if bad {
            return Err(BodyError::syntax(i, "a character XML allows"));
        }
    }
    Ok(())
}

/// Whether XML 1.0 allows `c` in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
    )
}

/// Decodes `src[start..end]`: references (except in CDATA), line ends,
/// and for attribute values white space. A slice of `src` when nothing
/// needs decoding.
pub(super) fn decode(src: &Bytes, start: usize, end: usize, mode: Mode) -> Result<Text, BodyError> {
    let s = &src[start..end];
    let special = |b: u8| match mode {
        Mode::Text => b == b'&' || b == b'\r',
        Mode::Attr => matches!(b, b'&' | b'\r' | b'\n' | b'\t'),
        Mode::CData => b == b'\r',
    };
    if !s.iter().any(|&b| special(b)) {
        return Ok(Text::from_utf8_bytes(src.slice(start..end)));
    }
    let text = std::str::from_utf8(s).map_err(|_| BodyError::syntax(start, "UTF-8 text"))?;
    let space = if mode == Mode::Attr { ' ' } else { '\n' };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(k) = s[i..].iter().position(|&b| special(b)) {
        out.push_str(&text[i..i + k]);
        i += k;
        match s[i] {
            b'&' => {
                let semi = s[i..].iter().take(12).position(|&b| b == b';');
                let r = semi.map(|n| &text[i + 1..i + n]);
                match r.and_then(reference) {
                    Some(c) => out.push(c),
                    None => {
                        let shown = &s[i..(i + semi.map_or(12, |n| n + 1)).min(s.len())];
                        return Err(BodyError::BadReference {
                            offset: start + i,
                            reference: quote_bytes(shown),
                        });
                    }
                }
                i += semi.map_or(1, |n| n + 1);
            }
            b'\r' => {
                out.push(space);
                i += if s.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            _ => {
                out.push(' ');
                i += 1;
            }
        }
    }
    out.push_str(&text[i..]);
    Ok(Text::from(out))
}

/// The character a reference (between `&` and `;`) stands for.
fn reference(r: &str) -> Option<char> {
    let n = match r {
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "amp" => return Some('&'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        _ => {
            let (digits, radix) = match r.strip_prefix("#x") {
                Some(hex) => (hex, 16),
                None => (r.strip_prefix('#')?, 10),
            };
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            u32::from_str_radix(digits, radix).ok()?
        }
    };
    char::from_u32(n).filter(|&c| is_xml_char(c))
}
