//! URIs in SIP: `sip`/`sips` (RFC 3261 §19.1, §25.1), `tel` (RFC 3966) and
//! any other absolute URI; IPv6 references per RFC 5118.
//!
//! A parsed URI borrows from its input. Components stay as written (still
//! %-escaped) and are validated against the grammar of their component;
//! [`unescape`] decodes them and [`Uri::equivalent`] compares URIs by the
//! rules of RFC 3261 §19.1.4.

mod equiv;
mod escape;
mod tel;

use std::borrow::Cow;

use crate::message::grammar::{fail, PResult};
use crate::message::host::{hostport, Host};
use crate::message::{Params, ValueError};

use escape::{component, head, scan, tail, write_component, EXPECTED_ESCAPE};
pub use escape::{escape, unescape, UriComponent};
pub use tel::TelUri;

/// A URI as SIP uses it: in the Request-URI, in From/To/Contact/Route, ...
///
/// ```
/// use sansip::message::{Host, Uri};
/// let u = Uri::parse("sips:alice:secret@[2001:db8::10]:5061;transport=tcp?Subject=hi").unwrap();
/// let Uri::Sip(s) = &u else { panic!() };
/// assert!(s.secure);
/// assert_eq!((s.user, s.password), (Some("alice"), Some("secret")));
/// assert!(matches!(s.host, Host::Ipv6(_)));
/// assert_eq!(s.port, Some(5061));
/// assert_eq!(s.transport(), Some("tcp"));
/// assert_eq!(s.header("subject"), Some("hi"));
/// assert_eq!(u.to_string(), "sips:alice:secret@[2001:db8::10]:5061;transport=tcp?Subject=hi");
///
/// // RFC 5118: the last group belongs to the address, there is no port.
/// let Uri::Sip(v6) = Uri::parse("sip:[2001:db8::10:5070]").unwrap() else { panic!() };
/// assert_eq!(v6.port, None);
///
/// let other = Uri::parse("urn:service:sos").unwrap();
/// assert_eq!(other, Uri::Other { scheme: "urn", rest: "service:sos" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uri<'a> {
    /// A `sip:` or `sips:` URI.
    Sip(SipUri<'a>),
    /// A `tel:` URI.
    Tel(TelUri<'a>),
    /// Any other absolute URI (`mailto:`, `urn:`, `http:`, ...).
    Other {
        /// The scheme as written (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`).
        scheme: &'a str,
        /// Everything after the colon, still escaped.
        rest: &'a str,
    },
}

/// A `sip:` or `sips:` URI. Text components are kept as written, still
/// %-escaped (see [`unescape`]); parameters and headers are read on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SipUri<'a> {
    /// `sips:` rather than `sip:`.
    pub secure: bool,
    /// The user part (a user name or a telephone-subscriber), escaped.
    pub user: Option<&'a str>,
    /// The password, escaped (RFC 3261 advises against using it).
    pub password: Option<&'a str>,
    /// The host.
    pub host: Host<'a>,
    /// The port, if written.
    pub port: Option<u16>,
    /// The uri-parameters (`;transport=tcp;lr`), raw and escaped.
    pub params: Params<'a>,
    /// The headers after `?` (`h=v&h2=v2`, without the `?`), raw and
    /// escaped, separated by `&`.
    pub headers: Params<'a>,
}

/// Where a URI is parsed: the full form (Request-URI, inside `<...>`) or
/// the addr-spec form of a header value, where `;params` and `?headers`
/// after the host belong to the header (RFC 3261 §20.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Full,
    AddrSpec,
}

impl<'a> Uri<'a> {
    /// Parses a whole string (leading and trailing white space allowed) as a
    /// URI in its full form, parameters and headers included.
    ///
    /// ```
    /// use sansip::message::Uri;
    /// let e = Uri::parse("sip:al ice@example.com").unwrap_err();
    /// assert_eq!((e.offset, e.expected), (6, "a character allowed in a SIP URI user part"));
    /// ```
    pub fn parse(s: &'a str) -> Result<Uri<'a>, ValueError> {
        crate::message::grammar::parse_all(s, uri)
    }

    /// The scheme: `sip`, `sips`, `tel`, or another one as written.
    pub fn scheme(&self) -> &'a str {
        match self {
            Uri::Sip(s) if s.secure => "sips",
            Uri::Sip(_) => "sip",
            Uri::Tel(_) => "tel",
            Uri::Other { scheme, .. } => scheme,
        }
    }

    /// The SIP or SIPS URI, if it is one.
    pub fn as_sip(&self) -> Option<&SipUri<'a>> {
        match self {
            Uri::Sip(s) => Some(s),
            _ => None,
        }
    }

    /// The tel URI, if it is one.
    pub fn as_tel(&self) -> Option<&TelUri<'a>> {
        match self {
            Uri::Tel(t) => Some(t),
            _ => None,
        }
    }

    /// Whether the written URI contains `,`, `;` or `?`, so that a header
    /// must put it in `<...>` (RFC 3261 §20.10).
    pub fn needs_angle_brackets(&self) -> bool {
        let special = |s: &str| s.bytes().any(|b| matches!(b, b',' | b';' | b'?'));
        match self {
            Uri::Sip(s) => {
                !s.params.is_empty()
                    || !s.headers.is_empty()
                    || s.user.is_some_and(special)
                    || s.password.is_some_and(special)
            }
            Uri::Tel(t) => !t.params.is_empty() || special(t.number),
            Uri::Other { rest, .. } => special(rest),
        }
    }

    /// Appends the URI. Components are written as they are held; a
    /// character a SIP user, password, parameter or header does not allow
    /// is escaped, and a parsed URI is written back as it was (with the
    /// scheme in lower case). Parts that are not escaped on the wire (a
    /// `tel` number, a host name, parameter names) are written as given: a
    /// hand-built value that breaks their grammar is written unparseable.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Uri::Sip(s) => s.write(out),
            Uri::Tel(t) => t.write(out),
            Uri::Other { scheme, rest } => {
                let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme.bytes().all(is_scheme_byte);
                out.extend_from_slice(if valid {
                    scheme.as_bytes()
                } else {
                    b"x-invalid"
                });
                out.push(b':');
                write_component(out, rest, UriComponent::Opaque);
            }
        }
    }
}

impl<'a> From<SipUri<'a>> for Uri<'a> {
    fn from(s: SipUri<'a>) -> Self {
        Uri::Sip(s)
    }
}

impl<'a> From<TelUri<'a>> for Uri<'a> {
    fn from(t: TelUri<'a>) -> Self {
        Uri::Tel(t)
    }
}

impl std::fmt::Display for Uri<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        self.write(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

impl<'a> SipUri<'a> {
    /// A `sip:` URI for `host`, with nothing else.
    ///
    /// ```
    /// use sansip::message::{Host, SipUri};
    /// let mut u = SipUri::new(Host::Domain("example.com"));
    /// u.user = Some("bob");
    /// u.port = Some(5080);
    /// assert_eq!(u.to_string(), "sip:bob@example.com:5080");
    /// ```
    pub const fn new(host: Host<'a>) -> Self {
        SipUri {
            secure: false,
            user: None,
            password: None,
            host,
            port: None,
            params: Params::new(""),
            headers: Params::with_separator("", b'&'),
        }
    }

    /// The user part unescaped (it may hold any byte, even NUL).
    pub fn user_unescaped(&self) -> Option<Cow<'a, [u8]>> {
        self.user.map(unescape)
    }

    /// The port, or the default for the scheme (5060, or 5061 for `sips`).
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(if self.secure { 5061 } else { 5060 })
    }

    /// A uri-parameter (see [`Params::get`]); names are compared without
    /// case but not unescaped.
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        self.params.get(name)
    }

    /// The `transport` parameter.
    pub fn transport(&self) -> Option<&'a str> {
        self.params.get("transport").flatten()
    }

    /// The `user` parameter (`phone`, `ip`, `dialstring`, ...).
    pub fn user_param(&self) -> Option<&'a str> {
        self.params.get("user").flatten()
    }

    /// The `method` parameter.
    pub fn method(&self) -> Option<&'a str> {
        self.params.get("method").flatten()
    }

    /// The `ttl` parameter, if it is a number 0..=255.
    pub fn ttl(&self) -> Option<u8> {
        self.params
            .get("ttl")
            .flatten()
            .and_then(|t| t.parse().ok())
    }

    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<&'a str> {
        self.params.get("maddr").flatten()
    }

    /// Whether the `lr` parameter is present (a loose router, RFC 3261
    /// §19.1.1).
    pub fn lr(&self) -> bool {
        self.params.contains("lr")
    }

    /// The value of a URI header (`?name=value`), escaped; names are
    /// compared without case.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name).map(Option::unwrap_or_default)
    }

    /// Appends the URI (see [`Uri::write`]).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.secure { b"sips:" } else { b"sip:" });
        if let Some(user) = self.user {
            write_component(out, user, UriComponent::User);
            if let Some(password) = self.password {
                out.push(b':');
                write_component(out, password, UriComponent::Password);
            }
            out.push(b'@');
        }
        self.host.write(out);
        if let Some(p) = self.port {
            out.push(b':');
            out.extend_from_slice(p.to_string().as_bytes());
        }
        for (name, value) in self.params.iter() {
            out.push(b';');
            write_component(out, name, UriComponent::Param);
            if let Some(v) = value {
                out.push(b'=');
                write_component(out, v, UriComponent::Param);
            }
        }
        for (k, (name, value)) in self.headers.iter().enumerate() {
            out.push(if k == 0 { b'?' } else { b'&' });
            write_component(out, name, UriComponent::Header);
            out.push(b'=');
            write_component(out, value.unwrap_or_default(), UriComponent::Header);
        }
    }
}

impl std::fmt::Display for SipUri<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        self.write(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

const fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// `scheme ":"`.
fn scheme(i: &str) -> PResult<'_, &str> {
    if !i.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return fail(i, "a URI scheme");
    }
    let n = i.bytes().take_while(|&b| is_scheme_byte(b)).count();
    let rest = tail(i, n);
    match rest.strip_prefix(':') {
        Some(r) => Ok((r, head(i, n))),
        None => fail(rest, "':' after the URI scheme"),
    }
}

/// `[ userinfo ]`: user and password, when followed by `@`.
fn userinfo(i: &str) -> PResult<'_, (Option<&str>, Option<&str>)> {
    let run = match scan(i, |b| UriComponent::User.allows(b) || b == b':') {
        Ok(n) => n,
        // A bad escape is the user part's fault only if an `@` follows;
        // otherwise there is no userinfo, and the `%` is in what follows
        // the host (in an addr-spec, a header parameter such as
        // `;tag=9%Z`, where `%` is a token character).
        Err(at) if at_ahead(tail(i, at)) => return fail(tail(i, at), EXPECTED_ESCAPE),
        Err(_) => return Ok((i, (None, None))),
    };
    let (info, after) = (head(i, run), tail(i, run));
    if let Some(rest) = after.strip_prefix('@') {
        let (user, password) = match info.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (info, None),
        };
        if user.is_empty() {
            return fail(i, "a user name before '@'");
        }
        if let Some(p) = password {
            if let Some(k) = p
                .bytes()
                .position(|b| b != b'%' && !UriComponent::Password.allows(b))
            {
                // Errors point into `i`: the password starts after "user:".
                let at = user.len() + 1 + k;
                return fail(tail(i, at), "a character allowed in a SIP URI password");
            }
        }
        return Ok((rest, (Some(user), password)));
    }
    // An `@` further on (before anything that would end the URI) means a
    // character in the userinfo is not allowed. A URI may end at `"` or
    // `>`, but never at `<`, which is then the character at fault.
    if !after.starts_with(['"', '>']) && at_ahead(after) {
        let expected = if info.contains(':') {
            "a character allowed in a SIP URI password"
        } else {
            "a character allowed in a SIP URI user part"
        };
        return fail(after, expected);
    }
    Ok((i, (None, None)))
}

/// Whether an `@` follows the first character of `i` before anything that
/// would end the URI (`"`, `<`, `>`).
fn at_ahead(i: &str) -> bool {
    i.bytes()
        .skip(1)
        .take_while(|b| !matches!(b, b'"' | b'<' | b'>'))
        .any(|b| b == b'@')
}

/// `*( ";" pname [ "=" pvalue ] )`.
fn uri_params(i: &str) -> PResult<'_, Params<'_>> {
    let mut rest = i;
    while let Some(r) = rest.strip_prefix(';') {
        let (r, _) = component(r, UriComponent::Param, 1, "a URI parameter name")?;
        rest = match r.strip_prefix('=') {
            Some(v) => component(v, UriComponent::Param, 1, "a URI parameter value")?.0,
            None => r,
        };
    }
    Ok((rest, Params::new(head(i, i.len() - rest.len()))))
}

/// `[ "?" hname "=" hvalue *( "&" hname "=" hvalue ) ]`.
fn uri_headers(i: &str) -> PResult<'_, Params<'_>> {
    let Some(h) = i.strip_prefix('?') else {
        return Ok((i, Params::with_separator("", b'&')));
    };
    let mut rest = h;
    loop {
        let (r, _) = component(rest, UriComponent::Header, 1, "a URI header name")?;
        let Some(v) = r.strip_prefix('=') else {
            return fail(r, "'=' after the URI header name");
        };
        let (r, _) = component(v, UriComponent::Header, 0, "a URI header value")?;
        match r.strip_prefix('&') {
            Some(next) => rest = next,
            None => {
                rest = r;
                break;
            }
        }
    }
    Ok((
        rest,
        Params::with_separator(head(h, h.len() - rest.len()), b'&'),
    ))
}

fn sip_uri(i: &str, secure: bool, form: Form) -> PResult<'_, SipUri<'_>> {
    let (i, (user, password)) = userinfo(i)?;
    let (i, (host, port)) = hostport(i)?;
    let (i, params, headers) = match form {
        Form::AddrSpec => (i, Params::new(""), Params::with_separator("", b'&')),
        Form::Full => {
            let (i, params) = uri_params(i)?;
            let (i, headers) = uri_headers(i)?;
            (i, params, headers)
        }
    };
    let uri = SipUri {
        secure,
        user,
        password,
        host,
        port,
        params,
        headers,
    };
    Ok((i, uri))
}

fn uri_form(i: &str, form: Form) -> PResult<'_, Uri<'_>> {
    let (r, scheme) = scheme(i)?;
    if scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips") {
        let secure = scheme.len() == 4;
        let (r, s) = sip_uri(r, secure, form)?;
        return Ok((r, Uri::Sip(s)));
    }
    if scheme.eq_ignore_ascii_case("tel") {
        let (r, t) = tel::tel_uri(r, form == Form::Full)?;
        return Ok((r, Uri::Tel(t)));
    }
    let allowed = |b: u8| {
        UriComponent::Opaque.allows(b)
            && !(form == Form::AddrSpec && matches!(b, b';' | b'?' | b','))
    };
    match scan(r, allowed) {
        Err(at) => fail(tail(r, at), EXPECTED_ESCAPE),
        Ok(0) => fail(r, "the rest of the URI after the scheme"),
        Ok(n) => Ok((
            tail(r, n),
            Uri::Other {
                scheme,
                rest: head(r, n),
            },
        )),
    }
}

/// A URI in its full form, with parameters and headers: a Request-URI, or
/// the URI inside `<...>`. Stops at the first character that cannot
/// continue it (`>`, white space, ...).
pub(crate) fn uri(i: &str) -> PResult<'_, Uri<'_>> {
    uri_form(i, Form::Full)
}

/// A URI in the addr-spec form of a header value (no `<...>`): it ends
/// after the host and port, as `;params` belong to the header (RFC 3261
/// §20.10).
pub(crate) fn addr_spec(i: &str) -> PResult<'_, Uri<'_>> {
    uri_form(i, Form::AddrSpec)
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    fn sip(s: &str) -> SipUri<'_> {
        match Uri::parse(s) {
            Ok(Uri::Sip(u)) => u,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn err(s: &str) -> (usize, &'static str) {
        let e = Uri::parse(s).unwrap_err();
        (e.offset, e.expected)
    }

    #[test]
    fn sip_uri_components() {
        let u = sip("SIP:alice:pw@atlanta.example.com:5070;transport=TCP;lr;maddr=239.255.255.1;ttl=15;method=INVITE;user=phone?to=sip:bob%40b.example&x=");
        assert!(!u.secure);
        assert_eq!((u.user, u.password), (Some("alice"), Some("pw")));
        assert_eq!(
            (u.host, u.port),
            (Host::Domain("atlanta.example.com"), Some(5070))
        );
        assert_eq!(u.transport(), Some("TCP"));
        assert!(u.lr());
        assert_eq!(u.maddr(), Some("239.255.255.1"));
        assert_eq!(u.ttl(), Some(15));
        assert_eq!(
            (u.method(), u.user_param()),
            (Some("INVITE"), Some("phone"))
        );
        assert_eq!(u.header("TO"), Some("sip:bob%40b.example"));
        assert_eq!(u.header("x"), Some(""));
        assert_eq!(u.headers.iter().count(), 2);
        assert_eq!(u.port_or_default(), 5070);
    }

    #[test]
    fn hosts_without_userinfo_and_ipv6_per_rfc_5118() {
        let u = sip("sips:example.com");
        assert!(u.secure && u.user.is_none());
        assert_eq!(u.port_or_default(), 5061);
        let v6 = "2001:db8::10".parse::<Ipv6Addr>().unwrap();
        let u = sip("sip:[2001:db8::10]:5060");
        assert_eq!((u.host, u.port), (Host::Ipv6(v6), Some(5060)));
        let u = sip("sip:[2001:db8::10:5070]");
        let whole = "2001:db8::10:5070".parse::<Ipv6Addr>().unwrap();
        assert_eq!((u.host, u.port), (Host::Ipv6(whole), None));
        let u = sip("sip:user@192.0.2.4:5060;maddr=[2001:db8::1]");
        assert_eq!(u.host, Host::Ipv4(Ipv4Addr::new(192, 0, 2, 4)));
        assert_eq!(u.maddr(), Some("[2001:db8::1]"));
    }

    #[test]
    fn user_parts_with_telephone_subscribers_and_escapes() {
        let u = sip("sip:+1-212-555-1212;isub=1;postd=pp22@example.com;user=phone");
        assert_eq!(u.user, Some("+1-212-555-1212;isub=1;postd=pp22"));
        assert_eq!(u.user_param(), Some("phone"));
        // RFC 4475 §3.1.1.5 style: an escaped NUL in the user part.
        let u = sip("sip:null-%00-null@example.com");
        assert_eq!(u.user_unescaped().as_deref(), Some(&b"null-\0-null"[..]));
        let u = sip("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.user, Some("user;par=u%40example.net"));
        assert_eq!(sip("sip:a:@h").password, Some(""));
    }

    #[test]
    fn tel_and_other_schemes() {
        let u = Uri::parse("TEL:+1-201-555-0123;ext=1234").unwrap();
        assert_eq!(u.scheme(), "tel");
        assert_eq!(u.as_tel().and_then(|t| t.ext()), Some("1234"));
        for (s, scheme, rest) in [
            ("mailto:alice@example.com", "mailto", "alice@example.com"),
            (
                "http://www.example.com/a/b.jpg?x=1",
                "http",
                "//www.example.com/a/b.jpg?x=1",
            ),
            (
                "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
                "urn",
                "uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
            ),
            ("x-a.b+c:%41", "x-a.b+c", "%41"),
        ] {
            assert_eq!(Uri::parse(s).unwrap(), Uri::Other { scheme, rest });
            assert_eq!(Uri::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        assert_eq!(err(""), (0, "a URI scheme"));
        assert_eq!(err("1sip:a"), (0, "a URI scheme"));
        assert_eq!(err("sip"), (3, "':' after the URI scheme"));
        assert_eq!(err("sip:"), (4, "a host name or address"));
        assert_eq!(err("sip:@h"), (4, "a user name before '@'"));
        assert_eq!(
            err("sip:a<b@h"),
            (5, "a character allowed in a SIP URI user part")
        );
        assert_eq!(
            err("sip:a:b;c@h"),
            (7, "a character allowed in a SIP URI password")
        );
        assert_eq!(err("sip:a%4@h"), (5, EXPECTED_ESCAPE));
        assert_eq!(err("sip:a%zz@h"), (5, EXPECTED_ESCAPE));
        assert_eq!(err("sip:h:99999"), (6, "a port number up to 65535"));
        assert_eq!(
            err("sip:[2001:db8::1"),
            (4, "']' closing an IPv6 reference")
        );
        assert_eq!(err("sip:h;"), (6, "a URI parameter name"));
        assert_eq!(err("sip:h;a="), (8, "a URI parameter value"));
        assert_eq!(err("sip:h;a=%"), (8, EXPECTED_ESCAPE));
        assert_eq!(err("sip:h?"), (6, "a URI header name"));
        assert_eq!(err("sip:h?a"), (7, "'=' after the URI header name"));
        assert_eq!(err("sip:h?a=b&"), (10, "a URI header name"));
        assert_eq!(err("sip:h;a=b c"), (10, "end of value"));
        assert_eq!(err("mailto:"), (7, "the rest of the URI after the scheme"));
        assert_eq!(err("urn:a%g"), (5, EXPECTED_ESCAPE));
    }

    #[test]
    fn nom_parsers_stop_where_the_context_says() {
        assert_eq!(uri("sip:a@h;x=1?y=2>;tag=1").unwrap().0, ">;tag=1");
        let (rest, u) = addr_spec("sip:a@h:5060;tag=1").unwrap();
        assert_eq!(rest, ";tag=1");
        assert!(u
            .as_sip()
            .is_some_and(|s| s.params.is_empty() && s.port == Some(5060)));
        assert_eq!(addr_spec("sip:a@h?x=y").unwrap().0, "?x=y");
        assert_eq!(addr_spec("tel:+1;tag=a").unwrap().0, ";tag=a");
        assert_eq!(addr_spec("urn:a:b;tag=a").unwrap().0, ";tag=a");
        // `%` is a token character: in a header parameter after an
        // addr-spec it need not start an escape.
        assert_eq!(addr_spec("sip:h:5060;tag=9%Z%b").unwrap().0, ";tag=9%Z%b");
        assert_eq!(addr_spec("sip:a@h;tag=%").unwrap().0, ";tag=%");
        assert_eq!(uri("urn:a:b;c>").unwrap().0, ">");
    }

    #[test]
    fn write_round_trips_parsed_uris() {
        for s in [
            "sip:alice@atlanta.com",
            "sips:a:b@[2001:db8::10]:5061;transport=tls;lr?h=v&Subject=a%20b",
            "sip:%61lice@h;x;y=%20",
            "sip:+1;p=2@h;user=phone",
            "sip:h:0",
            "tel:7042;phone-context=example.com",
        ] {
            let u = Uri::parse(s).unwrap();
            assert_eq!(u.to_string(), s);
            assert_eq!(Uri::parse(&u.to_string()).unwrap(), u);
        }
        assert_eq!(Uri::parse("SIPS:h").unwrap().to_string(), "sips:h");
    }

    #[test]
    fn writer_escapes_what_a_hand_built_uri_should_not_contain() {
        let mut u = SipUri::new(Host::Domain("h"));
        u.user = Some("a b@c");
        u.params = Params::new(";x=a=b");
        u.headers = Params::with_separator("s=a&b", b'&');
        let text = Uri::Sip(u).to_string();
        assert_eq!(text, "sip:a%20b%40c@h;x=a%3Db?s=a&b=");
        assert!(Uri::parse(&text).is_ok());
        let o = Uri::Other {
            scheme: "1 bad",
            rest: "a b",
        };
        assert_eq!(o.to_string(), "x-invalid:a%20b");
    }

    #[test]
    fn angle_brackets_are_needed_for_params_headers_and_special_users() {
        assert!(!Uri::parse("sip:a@h:5").unwrap().needs_angle_brackets());
        assert!(Uri::parse("sip:a@h;lr").unwrap().needs_angle_brackets());
        assert!(Uri::parse("sip:a@h?x=y").unwrap().needs_angle_brackets());
        assert!(Uri::parse("sip:a,b@h").unwrap().needs_angle_brackets());
        assert!(Uri::parse("tel:+1;ext=2").unwrap().needs_angle_brackets());
        assert!(Uri::parse("http://h/?q").unwrap().needs_angle_brackets());
    }
}
