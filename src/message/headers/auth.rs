//! Pieces shared by the authentication headers (RFC 3261 §22, §25.1;
//! RFC 7616; RFC 8760): the comma-separated `auth-param` list, digest
//! algorithms and qop values, and how each parameter is quoted when written.
//!
//! The headers themselves are in `auth_challenge.rs` (WWW-Authenticate,
//! Proxy-Authenticate), `auth_credentials.rs` (Authorization,
//! Proxy-Authorization) and `auth_info.rs` (Authentication-Info).

use std::borrow::Cow;
use std::fmt::Write;

use nom::Parser;

use crate::message::grammar::{
    expect, fail, is_lws_byte, is_token, quoted_string, same_params, sep, skip_lws, token,
    trim_lws, unquote, write_quoted, PResult,
};

use super::lex::suffix_at;

/// Most parameters accepted in one authentication header value (RFC 7616
/// defines about a dozen); bounds the duplicate check.
pub(super) const MAX_AUTH_PARAMS: usize = 64;

/// Comma-separated authentication parameters (`name=value, name="value"`)
/// kept as their raw text and read on demand: names compared without case,
/// values raw (a quoted value keeps its quotes; see
/// [`AuthParams::get_unquoted`]).
///
/// ```
/// use sansip::message::headers::AuthParams;
/// let p = AuthParams::new(r#"realm="atlanta.example.com", NONCE = "a,b", algorithm=MD5"#);
/// assert_eq!(p.get("nonce"), Some(r#""a,b""#));
/// assert_eq!(p.get_unquoted("realm").as_deref(), Some("atlanta.example.com"));
/// assert_eq!(p.iter().count(), 3);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthParams<'a> {
    raw: &'a str,
}

impl<'a> AuthParams<'a> {
    /// Parameters as raw text (as parsed; not validated here).
    pub const fn new(raw: &'a str) -> Self {
        AuthParams { raw }
    }

    /// The raw text.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The raw value of `name` (quotes kept), `None` when absent. The first
    /// occurrence wins (parsing rejects duplicates in digest values).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The value of `name` without quotes and escapes (allocates only when
    /// the value has escapes).
    pub fn get_unquoted(&self, name: &str) -> Option<Cow<'a, str>> {
        self.get(name).map(unquote)
    }

    /// The value of a parameter whose value is a token, with surrounding
    /// quotes (that lax peers add) removed.
    pub(super) fn get_token(&self, name: &str) -> Option<&'a str> {
        self.get(name).map(strip_quotes)
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Iterates `(name, raw value)` pairs in order. An element without `=`
    /// (only possible in text that was not validated as a parameter list,
    /// such as a non-digest scheme's token68) yields an empty value.
    pub fn iter(&self) -> AuthParamsIter<'a> {
        AuthParamsIter { rest: self.raw }
    }
}

impl PartialEq for AuthParams<'_> {
    /// Same parameters in the same order; names compared without case,
    /// values compared after removing quotes and escapes (`algorithm=MD5`
    /// equals `algorithm="MD5"`).
    fn eq(&self, other: &Self) -> bool {
        same_params(self.iter(), other.iter(), |a, b| unquote(a) == unquote(b))
    }
}

impl Eq for AuthParams<'_> {}

/// Builds the text of authentication parameters with RFC 7616 quoting, to
/// make [`AuthParams`] for a header built in memory. Names and token
/// values are written as given (they must be tokens; this is not checked).
///
/// ```
/// use sansip::message::headers::{AuthParamsBuilder, Authorization, Credentials};
/// use sansip::message::TypedHeader;
/// let mut b = AuthParamsBuilder::new();
/// b.quoted("username", "bob").quoted("realm", "biloxi.example.com");
/// b.token("qop", "auth").nc(1).quoted("cnonce", "0a4f113b");
/// let auth = Authorization(Credentials { scheme: "Digest", params: b.params() });
/// assert_eq!(
///     auth.to_value_bytes(),
///     br#"Digest username="bob", realm="biloxi.example.com", qop=auth, nc=00000001, cnonce="0a4f113b""#
/// );
/// assert_eq!(auth.nc(), Some(1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthParamsBuilder {
    text: String,
}

impl AuthParamsBuilder {
    /// An empty parameter list.
    pub fn new() -> Self {
        Self::default()
    }

    fn name(&mut self, name: &str) {
        if !self.text.is_empty() {
            self.text.push_str(", ");
        }
        self.text.push_str(name);
        self.text.push('=');
    }

    /// Adds `name="value"`, escaping `"` and `\` in the value.
    pub fn quoted(&mut self, name: &str, value: &str) -> &mut Self {
        self.name(name);
        self.text.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                self.text.push('\\');
            }
            self.text.push(c);
        }
        self.text.push('"');
        self
    }

    /// Adds `name=value` with a bare token value.
    pub fn token(&mut self, name: &str, value: &str) -> &mut Self {
        self.name(name);
        self.text.push_str(value);
        self
    }

    /// Adds `nc=` with the nonce count as 8 hex digits.
    pub fn nc(&mut self, nc: u32) -> &mut Self {
        self.name("nc");
        // Writing to a String cannot fail.
        let _ = write!(self.text, "{nc:08x}");
        self
    }

    /// The text built so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parameters, borrowing the builder's text.
    pub fn params(&self) -> AuthParams<'_> {
        AuthParams::new(&self.text)
    }
}

/// Iterator over [`AuthParams`].
#[derive(Debug, Clone)]
pub struct AuthParamsIter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for AuthParamsIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        // Every branch below consumes at least one byte of a non-empty
        // `rest`, so iteration always ends.
        let s = self
            .rest
            .trim_start_matches(|c: char| c == ',' || is_lws_char(c));
        if s.is_empty() {
            self.rest = s;
            return None;
        }
        let name_len = s
            .bytes()
            .take_while(|&b| b != b'=' && b != b',' && !is_lws_byte(b))
            .count();
        let name = &s[..name_len];
        let after_name = skip_lws(&s[name_len..]);
        let Some(v) = after_name.strip_prefix('=') else {
            // No value: leave the white space for the next round.
            self.rest = &s[name_len..];
            if name_len == 0 {
                // Cannot happen (s starts with neither ',' nor LWS), but
                // never loop forever.
                self.rest = "";
            }
            return Some((name, ""));
        };
        let v = skip_lws(v);
        let value_len = if v.starts_with('"') {
            quoted_len(v)
        } else {
            v.bytes()
                .take_while(|&b| b != b',' && !is_lws_byte(b))
                .count()
        };
        let value = v.get(..value_len).unwrap_or(v);
        self.rest = v.get(value_len..).unwrap_or("");
        Some((name, value))
    }
}

fn is_lws_char(c: char) -> bool {
    c.is_ascii() && is_lws_byte(c as u8)
}

/// Length of the quoted string at the start of `s` (through the closing
/// quote; all of `s` when it never closes). Always a char boundary.
fn quoted_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut k = 1;
    while k < bytes.len() {
        match bytes[k] {
            b'"' => return k + 1,
            b'\\' => k += 2,
            _ => k += 1,
        }
    }
    bytes.len()
}

/// Removes one pair of surrounding quotes, without unescaping (for values
/// that are tokens).
pub(super) fn strip_quotes(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Bytes of an unquoted parameter value. RFC 7235 allows a token; lax
/// peers also send token68 nonces (`/`, `=`) and unquoted URIs (`:`, `@`),
/// so any visible ASCII but `"` and `,` is taken.
const fn is_bare_value_byte(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'"' && b != b','
}

/// One parameter value: a quoted string or a bare value.
fn auth_value(i: &str) -> PResult<'_, &str> {
    if i.starts_with('"') {
        return quoted_string(i);
    }
    let n = i.bytes().take_while(|&b| is_bare_value_byte(b)).count();
    if n == 0 {
        return fail(i, "a parameter value (token or quoted string)");
    }
    Ok((&i[n..], &i[..n]))
}

/// Whether `v` (quotes allowed) is a nonce-count: exactly 8 hex digits.
fn is_nc(v: &str) -> bool {
    let v = strip_quotes(v);
    v.len() == 8 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads a nonce-count value as a number.
pub(super) fn parse_nc(v: &str) -> Option<u32> {
    let v = strip_quotes(v);
    if !is_nc(v) {
        return None;
    }
    u32::from_str_radix(v, 16).ok()
}

/// `auth-param *(COMMA auth-param)` up to the end of the input, where
/// `auth-param = token EQUAL ( token / quoted-string )`.
///
/// White space around `=` and `,` is allowed and empty list elements are
/// skipped (RFC 7230 §7); a parameter may appear only once (RFC 7235
/// §2.2); `nc` must be 8 hex digits.
pub(super) fn auth_param_list(i: &str) -> PResult<'_, AuthParams<'_>> {
    let start = skip_lws(i);
    let mut rest = start;
    let mut count = 0;
    let mut used = 0;
    let mut separated = true;
    loop {
        let j = skip_lws(rest);
        if j.is_empty() {
            rest = j;
            break;
        }
        if let Some(r) = j.strip_prefix(',') {
            rest = r;
            separated = true;
            continue;
        }
        if !separated {
            return fail(j, "',' between parameters");
        }
        let (r, name) = expect("a parameter name", token).parse(j)?;
        let (r, _) = sep('=', "'=' after the parameter name")(r)?;
        let (r, value) = auth_value(r)?;
        if count == MAX_AUTH_PARAMS {
            return fail(j, "at most 64 parameters");
        }
        let before = AuthParams::new(&start[..used]);
        if before.contains(name) {
            return fail(j, "each parameter only once");
        }
        if name.eq_ignore_ascii_case("nc") && !is_nc(value) {
            return fail(suffix_at(j, value), "nc as 8 hex digits");
        }
        count += 1;
        used = start.len() - r.len();
        rest = r;
        separated = false;
    }
    Ok((rest, AuthParams::new(trim_lws(&start[..used]))))
}

/// How a writer puts a parameter's value on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quoting {
    /// Always a quoted string (realm, nonce, ...).
    Quoted,
    /// A bare token (algorithm, nc, ...): quotes a lax peer added are
    /// dropped when what is inside is a token.
    Token,
    /// Unknown parameter: as received.
    AsWritten,
}

/// Which parameters of one header RFC 7616 writes quoted and which bare;
/// any other parameter is written as received.
#[derive(Debug, Clone, Copy)]
pub(super) struct QuotingRule {
    pub(super) quoted: &'static [&'static str],
    pub(super) token: &'static [&'static str],
}

impl QuotingRule {
    pub(super) fn of(&self, name: &str) -> Quoting {
        if self.quoted.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            Quoting::Quoted
        } else if self.token.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            Quoting::Token
        } else {
            Quoting::AsWritten
        }
    }
}

/// Writes `name=value` pairs separated by `", "`, quoting each known
/// parameter the way the RFCs do (`rule` says how).
pub(super) fn write_auth_params(
    out: &mut Vec<u8>,
    params: &AuthParams<'_>,
    rule: fn(&str) -> Quoting,
) {
    for (k, (name, value)) in params.iter().enumerate() {
        if k > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
        let quoted = value.starts_with('"');
        match rule(name) {
            Quoting::Quoted if !quoted => write_quoted(out, value),
            Quoting::Token if quoted && is_token(strip_quotes(value)) => {
                out.extend_from_slice(strip_quotes(value).as_bytes());
            }
            _ => out.extend_from_slice(value.as_bytes()),
        }
    }
}

/// `auth-scheme` then, for Digest, the parameter list; for any other scheme
/// the rest of the value is kept raw (it may be a token68 or parameters).
pub(super) fn scheme_and_params(i: &str) -> PResult<'_, (&str, AuthParams<'_>)> {
    let (r, scheme) = expect("an authentication scheme", token).parse(i)?;
    let j = skip_lws(r);
    if j.is_empty() {
        return Ok((j, (scheme, AuthParams::default())));
    }
    if j.len() == r.len() {
        return fail(r, "white space after the scheme");
    }
    if scheme.eq_ignore_ascii_case("Digest") {
        let (rest, params) = auth_param_list(j)?;
        return Ok((rest, (scheme, params)));
    }
    Ok((&j[j.len()..], (scheme, AuthParams::new(trim_lws(j)))))
}

/// Writes `scheme [SP params]`: digest parameters quoted by `rule`, other
/// schemes' text as it was.
pub(super) fn write_scheme_and_params(
    out: &mut Vec<u8>,
    scheme: &str,
    params: &AuthParams<'_>,
    rule: fn(&str) -> Quoting,
) {
    out.extend_from_slice(scheme.as_bytes());
    if params.as_str().is_empty() {
        return;
    }
    out.push(b' ');
    if scheme.eq_ignore_ascii_case("Digest") {
        write_auth_params(out, params, rule);
    } else {
        out.extend_from_slice(params.as_str().as_bytes());
    }
}

/// A digest algorithm (RFC 7616 §3.3, RFC 8760). Names are compared without
/// case; an absent `algorithm` parameter means [`Algorithm::Md5`].
///
/// ```
/// use sansip::message::headers::Algorithm;
/// assert_eq!(Algorithm::from_token("sha-256"), Algorithm::Sha256);
/// assert!(Algorithm::from_token("SHA-512-256-sess").is_session());
/// assert_eq!(Algorithm::from_token("XYZ").as_str(), "XYZ");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm<'a> {
    /// `MD5` (the default).
    #[default]
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
    /// `SHA-512-256`.
    Sha512_256,
    /// `SHA-512-256-sess`.
    Sha512_256Sess,
    /// Any other algorithm token, as written.
    Other(&'a str),
}

impl<'a> Algorithm<'a> {
    const KNOWN: [(&'static str, Algorithm<'static>); 6] = [
        ("MD5", Algorithm::Md5),
        ("MD5-sess", Algorithm::Md5Sess),
        ("SHA-256", Algorithm::Sha256),
        ("SHA-256-sess", Algorithm::Sha256Sess),
        ("SHA-512-256", Algorithm::Sha512_256),
        ("SHA-512-256-sess", Algorithm::Sha512_256Sess),
    ];

    /// Reads an algorithm name (any case).
    pub fn from_token(s: &'a str) -> Algorithm<'a> {
        Self::KNOWN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map_or(Algorithm::Other(s), |&(_, a)| a)
    }

    /// The name as RFC 7616 spells it.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
            Algorithm::Sha512_256 => "SHA-512-256",
            Algorithm::Sha512_256Sess => "SHA-512-256-sess",
            Algorithm::Other(s) => s,
        }
    }

    /// Whether this is a `-sess` variant (HA1 includes the nonces).
    pub fn is_session(&self) -> bool {
        match *self {
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess => true,
            Algorithm::Other(s) => s
                .len()
                .checked_sub(5)
                .and_then(|k| s.get(k..))
                .is_some_and(|end| end.eq_ignore_ascii_case("-sess")),
            _ => false,
        }
    }
}

impl std::fmt::Display for Algorithm<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A quality of protection (RFC 7616 §3.3): `auth`, `auth-int` or another
/// token. Compared without case when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qop<'a> {
    /// `auth`: authentication only.
    Auth,
    /// `auth-int`: authentication with integrity protection of the body.
    AuthInt,
    /// Any other token, as written.
    Other(&'a str),
}

impl<'a> Qop<'a> {
    /// Reads a qop token (any case).
    pub fn from_token(s: &'a str) -> Qop<'a> {
        if s.eq_ignore_ascii_case("auth") {
            Qop::Auth
        } else if s.eq_ignore_ascii_case("auth-int") {
            Qop::AuthInt
        } else {
            Qop::Other(s)
        }
    }

    /// The token as it goes on the wire.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
            Qop::Other(s) => s,
        }
    }
}

impl std::fmt::Display for Qop<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `qop` options of a challenge: a comma-separated list inside one
/// quoted string (`qop="auth,auth-int"`), read on demand.
///
/// ```
/// use sansip::message::headers::{Qop, QopOptions};
/// let q = QopOptions::new("auth, auth-int");
/// assert!(q.contains(Qop::AuthInt));
/// assert_eq!(q.iter().collect::<Vec<_>>(), [Qop::Auth, Qop::AuthInt]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QopOptions<'a> {
    raw: &'a str,
}

impl<'a> QopOptions<'a> {
    /// The options from the text between the quotes.
    pub const fn new(raw: &'a str) -> Self {
        QopOptions { raw }
    }

    /// The text between the quotes.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// Iterates the options in order (empty elements skipped).
    pub fn iter(&self) -> QopIter<'a> {
        QopIter {
            parts: self.raw.split(','),
        }
    }

    /// Whether `qop` is offered.
    pub fn contains(&self, qop: Qop<'_>) -> bool {
        self.iter()
            .any(|q| q.as_str().eq_ignore_ascii_case(qop.as_str()))
    }
}

/// Iterator returned by [`QopOptions::iter`].
#[derive(Debug, Clone)]
pub struct QopIter<'a> {
    parts: std::str::Split<'a, char>,
}

impl<'a> Iterator for QopIter<'a> {
    type Item = Qop<'a>;

    fn next(&mut self) -> Option<Qop<'a>> {
        self.parts
            .by_ref()
            .map(trim_lws)
            .find(|p| !p.is_empty())
            .map(Qop::from_token)
    }
}

/// Reads `stale`/`userhash`-style booleans: `true` in any case, quoted or
/// not; anything else is false (RFC 2617 §3.2.1).
pub(super) fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| strip_quotes(v).eq_ignore_ascii_case("true"))
}

/// Implements an authentication header as a newtype over its value type.
macro_rules! auth_header {
    ($(#[$doc:meta])* $ty:ident($inner:ident), $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $ty<'a>(pub $inner<'a>);

        impl<'a> std::ops::Deref for $ty<'a> {
            type Target = $inner<'a>;
            fn deref(&self) -> &$inner<'a> {
                &self.0
            }
        }

        impl<'a> From<$inner<'a>> for $ty<'a> {
            fn from(v: $inner<'a>) -> Self {
                $ty(v)
            }
        }

        impl<'a> TypedHeader<'a> for $ty<'a> {
            const NAME: HeaderName = HeaderName::$name;
            fn parse(value: &'a str) -> Result<Self, ValueError> {
                $inner::parse(value).map($ty)
            }
            fn write_value(&self, out: &mut Vec<u8>) {
                self.0.write(out);
            }
        }
    };
}

pub(super) use auth_header;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::grammar::parse_all;
    use crate::message::ValueError;

    #[test]
    fn list_allows_spaces_empty_elements_and_commas_in_quotes() {
        let p = parse_all(r#" a = "x, y" ,, B=tok ,c="" "#, auth_param_list).unwrap();
        let v: Vec<_> = p.iter().collect();
        assert_eq!(v, [("a", r#""x, y""#), ("B", "tok"), ("c", r#""""#)]);
        assert_eq!(p.get("b"), Some("tok"));
    }

    #[test]
    fn list_errors_point_at_the_fault() {
        let e = |s| parse_all(s, auth_param_list).unwrap_err();
        assert_eq!(e(r#"realm="x"#), ValueError::new(6, "a closing quote"));
        assert_eq!(e("a=b c=d"), ValueError::new(4, "',' between parameters"));
        assert_eq!(
            e("a=b, a=c"),
            ValueError::new(5, "each parameter only once")
        );
        assert_eq!(
            e("A=b, a=c"),
            ValueError::new(5, "each parameter only once")
        );
        assert_eq!(e("nc=0001"), ValueError::new(3, "nc as 8 hex digits"));
        assert_eq!(
            e("x=1, nc = 0000000g"),
            ValueError::new(10, "nc as 8 hex digits")
        );
        assert_eq!(e("a"), ValueError::new(1, "'=' after the parameter name"));
        assert_eq!(
            e("a=,b=c"),
            ValueError::new(2, "a parameter value (token or quoted string)")
        );
        assert_eq!(e("=x"), ValueError::new(0, "a parameter name"));
    }

    #[test]
    fn too_many_parameters_are_refused() {
        let many: String = (0..65).map(|k| format!("p{k}=1,")).collect();
        let e = parse_all(&many, auth_param_list).unwrap_err();
        assert_eq!(e.expected, "at most 64 parameters");
    }

    #[test]
    fn builder_output_parses_back() {
        let mut b = AuthParamsBuilder::new();
        b.quoted("realm", "a \"b\" \\c")
            .token("algorithm", "MD5")
            .nc(u32::MAX);
        let p = parse_all(b.as_str(), auth_param_list).unwrap();
        assert_eq!(p, b.params());
        assert_eq!(p.get_unquoted("realm").as_deref(), Some("a \"b\" \\c"));
        assert_eq!(p.get("nc").and_then(parse_nc), Some(u32::MAX));
    }

    #[test]
    fn nc_reads_hex() {
        assert_eq!(parse_nc("0000000a"), Some(10));
        assert_eq!(parse_nc("\"FFFFFFFF\""), Some(u32::MAX));
        assert_eq!(parse_nc("+0000001"), None);
    }

    #[test]
    fn iterator_never_stalls_on_odd_text() {
        for raw in [
            "",
            ",",
            "=",
            "==",
            "a",
            "a b",
            "\"",
            "a=\"x",
            "a=\"\\",
            "é=\"\\é\"",
            "a =",
            "=,=,",
        ] {
            let n = AuthParams::new(raw).iter().take(100).count();
            assert!(n < 100, "{raw:?}");
        }
    }

    #[test]
    fn writer_quotes_by_rule() {
        fn rule(n: &str) -> Quoting {
            match n {
                "realm" => Quoting::Quoted,
                "algorithm" => Quoting::Token,
                _ => Quoting::AsWritten,
            }
        }
        let p = AuthParams::new(r#"realm=a.example, algorithm="MD5", x="y",z=1"#);
        let mut out = Vec::new();
        write_auth_params(&mut out, &p, rule);
        assert_eq!(out, br#"realm="a.example", algorithm=MD5, x="y", z=1"#);
        let back = parse_all(std::str::from_utf8(&out).unwrap(), auth_param_list).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn algorithms_and_qops() {
        assert_eq!(Algorithm::from_token("md5-SESS"), Algorithm::Md5Sess);
        assert_eq!(Algorithm::from_token("SHA-512-256").as_str(), "SHA-512-256");
        assert!(Algorithm::Other("FOO-sess").is_session());
        assert!(!Algorithm::Other("é").is_session());
        assert!(!Algorithm::Sha256.is_session());
        assert_eq!(Qop::from_token("AUTH-INT"), Qop::AuthInt);
        assert_eq!(
            QopOptions::new(" ,auth, ,x ").iter().collect::<Vec<_>>(),
            [Qop::Auth, Qop::Other("x")]
        );
    }
}
