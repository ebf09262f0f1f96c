//! Percent-escaping of URI components (RFC 3261 §19.1.2 and §25.1, RFC 2396
//! §2.4): which characters each component allows, validation while parsing,
//! [`unescape`], and the escaping writers the serializers use.

use std::borrow::Cow;

use crate::message::grammar::{fail, PResult};

/// A component of a URI; it decides which characters may appear unescaped.
///
/// ```
/// use sansip::message::UriComponent;
/// assert!(UriComponent::User.allows(b';'));
/// assert!(!UriComponent::Password.allows(b';'));
/// assert!(UriComponent::Header.allows(b'?'));
/// assert!(!UriComponent::Param.allows(b'='));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UriComponent {
    /// The user part of a SIP URI: `unreserved / escaped / user-unreserved`
    /// (`& = + $ , ; ? /`).
    User,
    /// The password of a SIP URI: `unreserved / escaped / & = + $ ,`.
    Password,
    /// A uri-parameter name or value: `unreserved / escaped /
    /// param-unreserved` (`[ ] / : & + $`).
    Param,
    /// A URI header name or value: `unreserved / escaped / hnv-unreserved`
    /// (`[ ] / ? : + $`).
    Header,
    /// What follows the scheme of any other absolute URI: `uric` (reserved,
    /// unreserved, escaped), plus `[` `]` for IPv6 hosts (RFC 2732).
    Opaque,
}

/// `unreserved = alphanum / mark` (RFC 3261 §25.1).
pub(crate) const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

/// `reserved` (RFC 2396 §2.2): escaping one of these changes its meaning.
pub(crate) const fn is_reserved(b: u8) -> bool {
    matches!(
        b,
        b';' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b','
    )
}

impl UriComponent {
    /// Whether byte `b` may appear unescaped in this component (`%` never
    /// may: it always starts an escape).
    pub const fn allows(self, b: u8) -> bool {
        is_unreserved(b)
            || match self {
                UriComponent::User => {
                    matches!(b, b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/')
                }
                UriComponent::Password => matches!(b, b'&' | b'=' | b'+' | b'$' | b','),
                UriComponent::Param => {
                    matches!(b, b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$')
                }
                UriComponent::Header => {
                    matches!(b, b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$')
                }
                UriComponent::Opaque => is_reserved(b) || matches!(b, b'[' | b']'),
            }
    }
}

/// The value of a hexadecimal digit.
pub(crate) const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte an escape `%HH` starting at `bytes[k]` stands for, if it is one.
pub(crate) fn escape_at(bytes: &[u8], k: usize) -> Option<u8> {
    match bytes.get(k..k + 3) {
        Some([b'%', h, l]) => Some((hex_value(*h)? << 4) | hex_value(*l)?),
        _ => None,
    }
}

/// Length of the longest prefix of `i` made of bytes that `allowed` accepts
/// and of `%HH` escapes. A `%` not followed by two hex digits is an error
/// at the `%` (its byte offset in `i`).
pub(crate) fn scan(i: &str, allowed: impl Fn(u8) -> bool) -> Result<usize, usize> {
    let bytes = i.as_bytes();
    let mut k = 0;
    while let Some(&b) = bytes.get(k) {
        if b == b'%' {
            if escape_at(bytes, k).is_none() {
                return Err(k);
            }
            k += 3;
        } else if allowed(b) {
            k += 1;
        } else {
            break;
        }
    }
    Ok(k)
}

/// What an invalid escape is reported as.
pub(crate) const EXPECTED_ESCAPE: &str = "an escaped character (%HH)";

/// `i` from byte `n` on (empty if `n` is past the end or not a boundary).
pub(crate) fn tail(i: &str, n: usize) -> &str {
    i.get(n..).unwrap_or("")
}

/// The first `n` bytes of `i` (all of it if `n` is past the end).
pub(crate) fn head(i: &str, n: usize) -> &str {
    i.get(..n).unwrap_or(i)
}

/// Reads a run of `part` characters and escapes; `min` is 0 or 1. Returns
/// the run and the rest.
pub(crate) fn component<'a>(
    i: &'a str,
    part: UriComponent,
    min: usize,
    expected: &'static str,
) -> PResult<'a, &'a str> {
    match scan(i, |b| part.allows(b)) {
        Err(at) => fail(tail(i, at), EXPECTED_ESCAPE),
        Ok(n) if n < min => fail(i, expected),
        Ok(n) => Ok((tail(i, n), head(i, n))),
    }
}

/// Decodes `%HH` escapes. A `%` that does not start a valid escape is kept
/// as it is. Allocates only when there is an escape.
///
/// ```
/// use sansip::message::unescape;
/// assert_eq!(&*unescape("null-%00-null"), b"null-\0-null");
/// assert_eq!(&*unescape("%61lice"), b"alice");
/// assert_eq!(&*unescape("100%"), b"100%");
/// ```
pub fn unescape(s: &str) -> Cow<'_, [u8]> {
    let bytes = s.as_bytes();
    if !bytes.contains(&b'%') {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut k = 0;
    while let Some(&b) = bytes.get(k) {
        match escape_at(bytes, k) {
            Some(v) => {
                out.push(v);
                k += 3;
            }
            None => {
                out.push(b);
                k += 1;
            }
        }
    }
    Cow::Owned(out)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_escaped(out: &mut Vec<u8>, b: u8) {
    out.push(b'%');
    out.push(HEX[usize::from(b >> 4)]);
    out.push(HEX[usize::from(b & 0x0f)]);
}

/// Escapes raw bytes for use in `part`: every byte the component does not
/// allow (including `%`) becomes `%HH`. Borrows when nothing needs escaping.
///
/// ```
/// use sansip::message::{escape, unescape, UriComponent};
/// let e = escape(b"id@host;to-tag=1", UriComponent::Header);
/// assert_eq!(e, "id%40host%3Bto-tag%3D1");
/// assert_eq!(&*unescape(&e), b"id@host;to-tag=1");
/// assert_eq!(escape(b"alice", UriComponent::User), "alice");
/// ```
pub fn escape(data: &[u8], part: UriComponent) -> Cow<'_, str> {
    if data.iter().all(|&b| part.allows(b)) {
        // Allowed bytes are ASCII, so this cannot fail.
        if let Ok(s) = std::str::from_utf8(data) {
            return Cow::Borrowed(s);
        }
    }
    let mut out = Vec::with_capacity(data.len() + 8);
    write_escaped(&mut out, data, part);
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Appends `data` escaped for `part` (see [`escape`]).
pub(crate) fn write_escaped(out: &mut Vec<u8>, data: &[u8], part: UriComponent) {
    for &b in data {
        if part.allows(b) {
            out.push(b);
        } else {
            push_escaped(out, b);
        }
    }
}

/// Appends text that is already escaped (as the parser keeps it): valid
/// `%HH` escapes and allowed bytes are copied, anything else is escaped, so
/// the output is always valid for `part`, and a parsed component is written
/// back unchanged.
pub(crate) fn write_component(out: &mut Vec<u8>, text: &str, part: UriComponent) {
    write_component_with(out, text, |b| part.allows(b));
}

/// Like [`write_component`] with an explicit set of allowed bytes.
pub(crate) fn write_component_with(out: &mut Vec<u8>, text: &str, allowed: impl Fn(u8) -> bool) {
    let bytes = text.as_bytes();
    let mut k = 0;
    while let Some(&b) = bytes.get(k) {
        if b == b'%' && escape_at(bytes, k).is_some() {
            out.extend_from_slice(bytes.get(k..k + 3).unwrap_or_default());
            k += 3;
            continue;
        }
        if b != b'%' && allowed(b) {
            out.push(b);
        } else {
            push_escaped(out, b);
        }
        k += 1;
    }
}

/// One unit of a component for equivalence (RFC 3261 §19.1.4): a
/// character written literally or escaped, where an escaped character
/// counts as literal unless it is `reserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Char(u8),
    EscapedReserved(u8),
}

fn units(s: &str) -> impl Iterator<Item = Unit> + '_ {
    let bytes = s.as_bytes();
    let mut k = 0;
    std::iter::from_fn(move || {
        let b = *bytes.get(k)?;
        match escape_at(bytes, k) {
            Some(v) => {
                k += 3;
                Some(if is_reserved(v) {
                    Unit::EscapedReserved(v)
                } else {
                    Unit::Char(v)
                })
            }
            None => {
                k += 1;
                Some(Unit::Char(b))
            }
        }
    })
}

/// Whether two escaped components are equal once unreserved characters are
/// unescaped; `ignore_case` compares ASCII letters without case.
pub(crate) fn component_eq(a: &str, b: &str, ignore_case: bool) -> bool {
    let fold = move |u: Unit| match u {
        Unit::Char(c) if ignore_case => Unit::Char(c.to_ascii_lowercase()),
        other => other,
    };
    units(a).map(fold).eq(units(b).map(fold))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_stops_at_disallowed_bytes_and_rejects_bad_escapes() {
        let user = |b| UriComponent::User.allows(b);
        assert_eq!(scan("al%20ice@h", user), Ok(8));
        assert_eq!(scan("a b", user), Ok(1));
        assert_eq!(scan("ab%2", user), Err(2));
        assert_eq!(scan("ab%zz", user), Err(2));
        assert_eq!(scan("%", user), Err(0));
    }

    #[test]
    fn component_requires_a_minimum_and_reports_escapes() {
        assert_eq!(
            component("ab;c", UriComponent::Param, 1, "x"),
            Ok((";c", "ab"))
        );
        let e = component(";c", UriComponent::Param, 1, "a name").unwrap_err();
        assert!(matches!(e, nom::Err::Error(g) if g.expected == "a name" && g.rest == ";c"));
        let e = component("a%g1", UriComponent::Param, 1, "a name").unwrap_err();
        assert!(
            matches!(e, nom::Err::Error(g) if g.expected == EXPECTED_ESCAPE && g.rest == "%g1")
        );
        assert_eq!(component("", UriComponent::Header, 0, "x"), Ok(("", "")));
    }

    #[test]
    fn unescape_decodes_nul_and_keeps_invalid_percent() {
        assert_eq!(&*unescape("%00"), b"\0");
        assert_eq!(&*unescape("a%2"), b"a%2");
        assert_eq!(&*unescape("%e2%82%AC"), "€".as_bytes());
        assert!(matches!(unescape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_then_unescape_is_identity_for_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        for part in [
            UriComponent::User,
            UriComponent::Password,
            UriComponent::Param,
            UriComponent::Header,
            UriComponent::Opaque,
        ] {
            let e = escape(&all, part);
            assert!(e.bytes().all(|b| b == b'%' || part.allows(b)));
            assert_eq!(&*unescape(&e), &all[..]);
        }
    }

    #[test]
    fn write_component_keeps_valid_escapes_and_escapes_the_rest() {
        let mut out = Vec::new();
        write_component(&mut out, "a%20b c%zz<é", UriComponent::User);
        assert_eq!(out, b"a%20b%20c%25zz%3C%C3%A9");
    }

    #[test]
    fn equality_unescapes_only_unreserved_characters() {
        assert!(component_eq("%61lice", "alice", false));
        assert!(!component_eq("%61lice", "Alice", false));
        assert!(component_eq("%61lice", "ALICE", true));
        assert!(component_eq("%3b", "%3B", false));
        assert!(!component_eq("a%3Bb", "a;b", false));
        assert!(!component_eq("bob%40x", "bob@x", true));
    }
}
