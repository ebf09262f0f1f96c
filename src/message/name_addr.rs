//! `name-addr / addr-spec` (RFC 3261 §25.1), the address of From, To,
//! Contact, Route and their relatives, with the §20.10 rule on where the
//! URI ends.

use std::borrow::Cow;

use super::grammar::{
    fail, is_lws_byte, parse_all, quoted_string, skip_lws, token, unquote, write_quoted, PResult,
};
use super::uri::{addr_spec, uri};
use super::{Uri, ValueError};

/// An address: an optional display name and a URI, with or without angle
/// brackets.
///
/// Without brackets (addr-spec form) the URI ends after its host and port:
/// `;params` that follow belong to the header, not the URI (RFC 3261
/// §20.10). Inside `<...>` everything up to `>` is the URI.
///
/// Writing then parsing gives the same value, with one exception: an
/// addr-spec whose user part holds `,`, `;` or `?` (which §20.10 forbids,
/// but which is accepted) is written in brackets, so it reads back with
/// `angle` set.
///
/// ```
/// use sansip::message::NameAddr;
/// let a = NameAddr::parse(r#""Doe, John" <sip:j@example.com;transport=tcp>"#).unwrap();
/// assert_eq!(a.display_name, Some(r#""Doe, John""#));
/// assert_eq!(a.display_name_unquoted().as_deref(), Some("Doe, John"));
/// assert_eq!(a.uri.as_sip().and_then(|s| s.transport()), Some("tcp"));
/// assert!(a.angle);
/// assert_eq!(a.to_string(), r#""Doe, John" <sip:j@example.com;transport=tcp>"#);
///
/// let b = NameAddr::parse("sip:bob@example.com").unwrap();
/// assert!(!b.angle && b.display_name.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// The display name as written: token words (`John Doe`) or a quoted
    /// string with its quotes and escapes (`"Doe, John"`). See
    /// [`NameAddr::display_name_unquoted`].
    pub display_name: Option<&'a str>,
    /// The URI.
    pub uri: Uri<'a>,
    /// Whether the URI was written in `<...>` (always true with a display
    /// name).
    pub angle: bool,
}

impl<'a> NameAddr<'a> {
    /// An address with no display name, written without brackets unless
    /// the URI needs them.
    pub const fn new(uri: Uri<'a>) -> Self {
        NameAddr {
            display_name: None,
            uri,
            angle: false,
        }
    }

    /// Parses a whole string as `name-addr / addr-spec` (white space
    /// around it allowed).
    ///
    /// ```
    /// use sansip::message::NameAddr;
    /// let e = NameAddr::parse("Bob <sip:bob@example.com").unwrap_err();
    /// assert_eq!((e.offset, e.expected), (24, "'>' closing the URI"));
    /// ```
    pub fn parse(s: &'a str) -> Result<NameAddr<'a>, ValueError> {
        parse_all(s, name_addr_or_addr_spec)
    }

    /// The display name without quotes and escapes; token words are
    /// joined by single spaces. Borrows when nothing changes.
    pub fn display_name_unquoted(&self) -> Option<Cow<'a, str>> {
        let d = self.display_name?;
        if d.starts_with('"') {
            return Some(unquote(d));
        }
        let is_ws = |c: char| c.is_ascii() && is_lws_byte(c as u8);
        if !d.contains(|c: char| is_ws(c) && c != ' ') && !d.contains("  ") {
            return Some(Cow::Borrowed(d));
        }
        let words: Vec<&str> = d.split(is_ws).filter(|w| !w.is_empty()).collect();
        Some(Cow::Owned(words.join(" ")))
    }

    /// Appends the address. Brackets are written when there is a display
    /// name, when the address was parsed with them, or when the URI has
    /// parameters, headers or a `,`, `;` or `?`. A display name that is not
    /// valid as written (or holds a line break) is written as a quoted
    /// string.
    pub fn write(&self, out: &mut Vec<u8>) {
        if let Some(d) = self.display_name {
            write_display_name(out, d, self.display_name_unquoted());
            out.push(b' ');
        }
        let angle = self.angle || self.display_name.is_some() || self.uri.needs_angle_brackets();
        if angle {
            out.push(b'<');
        }
        self.uri.write(out);
        if angle {
            out.push(b'>');
        }
    }
}

impl std::fmt::Display for NameAddr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        self.write(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

fn is_quoted_string(d: &str) -> bool {
    matches!(quoted_string(d), Ok(("", _)))
}

/// `1*token` separated by white space, and nothing else: no white space
/// at either end either, which the parser would not keep as part of the
/// display name.
fn is_token_words(d: &str) -> bool {
    let mut rest = d;
    while let Ok((r, _)) = token(rest) {
        if r.is_empty() {
            return true;
        }
        rest = skip_lws(r);
    }
    false
}

fn write_display_name(out: &mut Vec<u8>, raw: &str, unquoted: Option<Cow<'_, str>>) {
    let has_break = raw.bytes().any(|b| b == b'\r' || b == b'\n');
    if !has_break && (is_quoted_string(raw) || is_token_words(raw)) {
        out.extend_from_slice(raw.as_bytes());
        return;
    }
    let text = unquoted.unwrap_or(Cow::Borrowed(raw));
    let is_bad = |c: char| c.is_control() && c != '\t';
    if text.contains(is_bad) {
        let clean: String = text
            .chars()
            .map(|c| if is_bad(c) { ' ' } else { c })
            .collect();
        write_quoted(out, &clean);
    } else {
        write_quoted(out, &text);
    }
}

fn parse_address(i: &str, addr_spec_allowed: bool) -> PResult<'_, NameAddr<'_>> {
    let (after_name, display_name) = if i.starts_with('"') {
        let (r, q) = quoted_string(i)?;
        (r, Some(q))
    } else {
        // display-name = *(token LWS); a single token right before ':' is
        // the scheme of an addr-spec.
        let mut end = i;
        let mut rest = i;
        let mut words = 0;
        while let Ok((r, _)) = token(rest) {
            end = r;
            words += 1;
            rest = skip_lws(r);
        }
        if words == 1 && end.starts_with(':') {
            if !addr_spec_allowed {
                return fail(i, "'<' (this header takes a name-addr)");
            }
            let (r, uri) = addr_spec(i)?;
            return Ok((r, NameAddr::new(uri)));
        }
        let name = (words > 0).then(|| i.get(..i.len() - end.len()).unwrap_or(i));
        (end, name)
    };
    let j = skip_lws(after_name);
    let Some(inner) = j.strip_prefix('<') else {
        let expected = match (display_name.is_some(), addr_spec_allowed) {
            (true, _) => "'<' after the display name",
            (false, true) => "a URI, a display name or '<'",
            (false, false) => "'<' (this header takes a name-addr)",
        };
        return fail(j, expected);
    };
    let (r, uri) = uri(skip_lws(inner))?;
    let r = skip_lws(r);
    let Some(r) = r.strip_prefix('>') else {
        return fail(r, "'>' closing the URI");
    };
    let addr = NameAddr {
        display_name,
        uri,
        angle: true,
    };
    Ok((r, addr))
}

/// `name-addr / addr-spec`.
pub(crate) fn name_addr_or_addr_spec(i: &str) -> PResult<'_, NameAddr<'_>> {
    parse_address(i, true)
}

/// `name-addr` only (Route, Record-Route, Path, Service-Route).
pub(crate) fn name_addr(i: &str) -> PResult<'_, NameAddr<'_>> {
    parse_address(i, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Host;

    fn err(s: &str) -> (usize, &'static str) {
        let e = NameAddr::parse(s).unwrap_err();
        (e.offset, e.expected)
    }

    #[test]
    fn display_names_token_words_and_quoted() {
        let a = NameAddr::parse("John  Q.\r\n Public <sip:j@h>").unwrap();
        assert_eq!(a.display_name, Some("John  Q.\r\n Public"));
        assert_eq!(a.display_name_unquoted().as_deref(), Some("John Q. Public"));
        let a = NameAddr::parse(r#""A \"B\" C"<sip:j@h>"#).unwrap();
        assert_eq!(a.display_name_unquoted().as_deref(), Some(r#"A "B" C"#));
        let a = NameAddr::parse("Bob<sip:b@h>").unwrap();
        assert!(matches!(
            a.display_name_unquoted(),
            Some(Cow::Borrowed("Bob"))
        ));
        let a = NameAddr::parse(r#""" <sip:b@h>"#).unwrap();
        assert_eq!(a.display_name_unquoted().as_deref(), Some(""));
        let a = NameAddr::parse("< sip:b@h >").unwrap();
        assert!(a.angle && a.display_name.is_none());
        assert_eq!(a.uri.as_sip().map(|s| s.host), Some(Host::Domain("h")));
    }

    #[test]
    fn addr_spec_ends_before_parameters_name_addr_keeps_them() {
        let (rest, a) = name_addr_or_addr_spec("sip:a@h;tag=1").unwrap();
        assert_eq!(rest, ";tag=1");
        assert!(!a.angle && a.uri.as_sip().is_some_and(|s| s.params.is_empty()));
        let (rest, a) = name_addr_or_addr_spec("<sip:a@h;lr>;tag=1").unwrap();
        assert_eq!(rest, ";tag=1");
        assert!(a.uri.as_sip().is_some_and(|s| s.lr()));
        assert!(name_addr("<sip:a@h>").is_ok());
        assert_eq!(
            match name_addr("sip:a@h") {
                Err(nom::Err::Error(e)) => e.expected,
                _ => "",
            },
            "'<' (this header takes a name-addr)"
        );
    }

    #[test]
    fn errors_point_at_the_fault() {
        assert_eq!(err("Bob sip:b@h"), (7, "'<' after the display name"));
        assert_eq!(err("\"Bob <sip:b@h>"), (0, "a closing quote"));
        assert_eq!(err("<sip:b@h"), (8, "'>' closing the URI"));
        assert_eq!(err("<sip:b@h;x=y z>"), (13, "'>' closing the URI"));
        assert_eq!(
            err("<sip:b c@h>"),
            (6, "a character allowed in a SIP URI user part")
        );
        assert_eq!(err("<>"), (1, "a URI scheme"));
        assert_eq!(err("@h"), (0, "a URI, a display name or '<'"));
        assert_eq!(err("sip:a@h>"), (7, "end of value"));
    }

    #[test]
    fn writer_adds_brackets_when_needed_and_round_trips() {
        for s in [
            "sip:a@h",
            "<sip:a@h>",
            "Bob <sip:b@h>",
            r#""Doe, J" <sip:b@h;lr>"#,
            "<tel:+1;ext=2>",
            "<urn:service:sos>",
        ] {
            let a = NameAddr::parse(s).unwrap();
            assert_eq!(a.to_string(), s);
            assert_eq!(NameAddr::parse(&a.to_string()).unwrap(), a);
        }
        let with_params = NameAddr::new(Uri::parse("sip:a@h;lr").unwrap());
        assert_eq!(with_params.to_string(), "<sip:a@h;lr>");
        let odd_user = NameAddr::new(Uri::parse("sip:a,b@h").unwrap());
        assert_eq!(odd_user.to_string(), "<sip:a,b@h>");
    }

    #[test]
    fn writer_never_emits_a_line_break_or_an_invalid_display_name() {
        let mut a = NameAddr::parse("A\r\n B <sip:b@h>").unwrap();
        assert_eq!(a.to_string(), "\"A B\" <sip:b@h>");
        a.display_name = Some("Evil\r\nVia: x");
        assert_eq!(a.to_string(), "\"Evil Via: x\" <sip:b@h>");
        // White space at the ends is not part of token words: quoted.
        a.display_name = Some("Bob ");
        assert_eq!(a.to_string(), "\"Bob \" <sip:b@h>");
        let back = NameAddr::parse("\"Bob \" <sip:b@h>").unwrap();
        assert_eq!(back.display_name_unquoted(), a.display_name_unquoted());
        a.display_name = Some("Doe, \"J\"");
        let text = a.to_string();
        assert_eq!(text, r#""Doe, \"J\"" <sip:b@h>"#);
        let back = NameAddr::parse(&text).unwrap();
        assert_eq!(back.display_name_unquoted().as_deref(), Some("Doe, \"J\""));
    }
}
