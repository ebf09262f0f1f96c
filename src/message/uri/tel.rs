//! `tel` URIs (RFC 3966).

use std::borrow::Cow;

use super::escape::{
    component, head, scan, tail, write_component, write_component_with, UriComponent,
    EXPECTED_ESCAPE,
};
use crate::message::grammar::{fail, PResult};
use crate::message::Params;

/// A `tel` URI (RFC 3966): a global number (`+` and digits) or a local
/// number with a `phone-context`, and parameters kept raw.
///
/// RFC 3966 requires `phone-context` on a local number; the parser accepts
/// a local number without it (it is common in the field), so check
/// [`TelUri::phone_context`] where it matters.
///
/// ```
/// use sansip::message::Uri;
/// let Uri::Tel(t) = Uri::parse("tel:+1-201-555-0123;ext=1234").unwrap() else { panic!() };
/// assert!(t.is_global());
/// assert_eq!(t.number, "+1-201-555-0123");
/// assert_eq!(t.digits(), "+12015550123");
/// assert_eq!(t.ext(), Some("1234"));
///
/// let Uri::Tel(l) = Uri::parse("tel:7042;phone-context=example.com").unwrap() else { panic!() };
/// assert!(!l.is_global());
/// assert_eq!(l.phone_context(), Some("example.com"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelUri<'a> {
    /// The number as written, visual separators (`-.()`) included; a
    /// global number starts with `+`.
    pub number: &'a str,
    /// The parameters (`;ext=`, `;isub=`, `;phone-context=`, others), raw.
    pub params: Params<'a>,
}

/// `visual-separator = "-" / "." / "(" / ")"`.
pub(crate) const fn is_visual_separator(b: u8) -> bool {
    matches!(b, b'-' | b'.' | b'(' | b')')
}

const fn is_local_digit(b: u8) -> bool {
    b.is_ascii_hexdigit() || matches!(b, b'*' | b'#')
}

const fn is_number_byte(b: u8) -> bool {
    is_local_digit(b) || is_visual_separator(b) || b == b'+'
}

const fn is_pname_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

impl<'a> TelUri<'a> {
    /// A tel URI for `number` (written as given, see [`TelUri::number`]).
    pub const fn new(number: &'a str) -> Self {
        TelUri {
            number,
            params: Params::new(""),
        }
    }

    /// Whether the number is global (`+` and the E.164 digits).
    pub fn is_global(&self) -> bool {
        self.number.starts_with('+')
    }

    /// The number without visual separators (`+` kept). Borrows when there
    /// are none.
    pub fn digits(&self) -> Cow<'a, str> {
        if !self.number.bytes().any(is_visual_separator) {
            return Cow::Borrowed(self.number);
        }
        Cow::Owned(
            self.number
                .chars()
                .filter(|&c| !(c.is_ascii() && is_visual_separator(c as u8)))
                .collect(),
        )
    }

    /// The `ext` parameter (extension).
    pub fn ext(&self) -> Option<&'a str> {
        self.params.get("ext").flatten()
    }

    /// The `isub` parameter (ISDN subaddress), still escaped.
    pub fn isub(&self) -> Option<&'a str> {
        self.params.get("isub").flatten()
    }

    /// The `phone-context` parameter: a domain name or a global number
    /// prefix.
    pub fn phone_context(&self) -> Option<&'a str> {
        self.params.get("phone-context").flatten()
    }

    /// Appends the URI (`tel:` included).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"tel:");
        write_component_with(out, self.number, is_number_byte);
        for (name, value) in self.params.iter() {
            out.push(b';');
            write_component_with(out, name, is_pname_byte);
            if let Some(v) = value {
                out.push(b'=');
                write_component(out, v, UriComponent::Param);
            }
        }
    }
}

impl std::fmt::Display for TelUri<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        self.write(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// `global-number-digits / local-number-digits` (the part after `tel:`).
fn tel_number(i: &str) -> PResult<'_, &str> {
    if let Some(g) = i.strip_prefix('+') {
        let n = g
            .bytes()
            .take_while(|&b| b.is_ascii_digit() || is_visual_separator(b))
            .count();
        if !head(g, n).bytes().any(|b| b.is_ascii_digit()) {
            return fail(g, "a digit of a global telephone number");
        }
        return Ok((tail(g, n), head(i, n + 1)));
    }
    let n = match scan(i, |b| is_local_digit(b) || is_visual_separator(b)) {
        Ok(n) => n,
        Err(at) => return fail(tail(i, at), EXPECTED_ESCAPE),
    };
    let number = head(i, n);
    if !number.bytes().any(|b| is_local_digit(b) || b == b'%') {
        return fail(i, "a telephone number");
    }
    Ok((tail(i, n), number))
}

/// `*( ";" pname [ "=" pvalue ] )` of a tel URI.
fn tel_params(i: &str) -> PResult<'_, Params<'_>> {
    let mut rest = i;
    while let Some(r) = rest.strip_prefix(';') {
        let n = r.bytes().take_while(|&b| is_pname_byte(b)).count();
        if n == 0 {
            return fail(r, "a tel URI parameter name");
        }
        let r = tail(r, n);
        rest = match r.strip_prefix('=') {
            Some(v) => component(v, UriComponent::Param, 1, "a tel URI parameter value")?.0,
            None => r,
        };
    }
    Ok((rest, Params::new(head(i, i.len() - rest.len()))))
}

/// The part after `tel:`; without parameters when `with_params` is false
/// (addr-spec form, where they belong to the header).
pub(crate) fn tel_uri(i: &str, with_params: bool) -> PResult<'_, TelUri<'_>> {
    let (i, number) = tel_number(i)?;
    let (i, params) = if with_params {
        tel_params(i)?
    } else {
        (i, Params::new(""))
    };
    Ok((i, TelUri { number, params }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: PResult<'_, TelUri<'_>>) -> (usize, &'static str) {
        match r {
            Err(nom::Err::Error(e)) => (e.rest.len(), e.expected),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn global_and_local_numbers_with_params() {
        let (rest, t) = tel_uri("+1-201-555-0123;ext=1234;isub=%41b>", true).unwrap();
        assert_eq!(rest, ">");
        assert_eq!(t.number, "+1-201-555-0123");
        assert_eq!((t.ext(), t.isub()), (Some("1234"), Some("%41b")));
        let (_, l) = tel_uri("*67#;phone-context=+1-212", true).unwrap();
        assert_eq!(l.number, "*67#");
        assert_eq!(l.phone_context(), Some("+1-212"));
        assert!(!l.is_global());
    }

    #[test]
    fn addr_spec_form_leaves_params_to_the_header() {
        let (rest, t) = tel_uri("+123;tag=x", false).unwrap();
        assert_eq!((rest, t.number), (";tag=x", "+123"));
        assert!(t.params.is_empty());
    }

    #[test]
    fn bad_numbers_and_params_are_errors_at_the_fault() {
        assert_eq!(
            err(tel_uri("+-", true)),
            (1, "a digit of a global telephone number")
        );
        assert_eq!(err(tel_uri("", true)), (0, "a telephone number"));
        assert_eq!(err(tel_uri("-;x", true)), (3, "a telephone number"));
        assert_eq!(err(tel_uri("12%4", true)), (2, EXPECTED_ESCAPE));
        assert_eq!(err(tel_uri("+1;", true)), (0, "a tel URI parameter name"));
        assert_eq!(
            err(tel_uri("+1;ext=", true)),
            (0, "a tel URI parameter value")
        );
        // A parameter name stops at `_`: the caller sees what is left.
        assert_eq!(tel_uri("+1;e_x=1", true).unwrap().0, "_x=1");
    }

    #[test]
    fn digits_drop_visual_separators() {
        assert_eq!(TelUri::new("+1(201)555-01.23").digits(), "+12015550123");
        assert!(matches!(
            TelUri::new("+1201").digits(),
            Cow::Borrowed("+1201")
        ));
    }

    #[test]
    fn write_round_trips_and_escapes_what_is_not_allowed() {
        let (_, t) = tel_uri("+1-201;ext=12;phone-context=a.example", true).unwrap();
        let mut out = Vec::new();
        t.write(&mut out);
        assert_eq!(out, b"tel:+1-201;ext=12;phone-context=a.example");
        let mut out = Vec::new();
        TelUri::new("12 3").write(&mut out);
        assert_eq!(out, b"tel:12%203");
    }
}
