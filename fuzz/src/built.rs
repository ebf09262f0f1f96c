//! Messages built from generated typed values, and the properties that
//! parsing them gives every value back.
//!
//! [`BuiltMessage::generate`] draws typed header values that are valid for
//! their grammar from a [`ByteSource`]. Any bytes will do: once they run
//! out every choice is 0, which is the simplest value, so shrinking the
//! bytes shrinks the message. [`check_built`] builds the message with
//! `RequestBuilder` (or `ResponseBuilder`), serializes it, parses it and
//! asserts that every typed value reads back equal (by each type's
//! `PartialEq`) and that the accessors see what was generated.
//! [`check_change`] changes one header of the parsed message and asserts
//! that only that field is re-serialized.
//!
//! This file is shared: the `roundtrip` fuzz target drives it with
//! libFuzzer's input, and `tests/roundtrip_properties.rs` (which includes
//! it with `#[path]`) with proptest's.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use sansip::message::headers::{
    Algorithm, AuthParams, AuthParamsBuilder, Authorization, CSeq, CallId, Challenge, Contact,
    ContactAddress, ContentType, Credentials, Event, EventReason, EventType, Expires, FromHeader,
    MaxForwards, QValue, Qop, Reason, ReasonProtocol, RecordRoute, Refresher, Require, Route,
    SessionExpires, SubState, Subject, SubscriptionState, Supported, ToHeader, Via,
    WwwAuthenticate,
};
use sansip::message::{
    escape, HeaderName, Host, Limits, Message, Method, NameAddr, Params, RequestBuilder,
    ResponseBuilder, SipUri, StreamFramer, StreamItem, TelUri, TypedHeader, Uri, UriComponent,
};

// ---- where choices come from -------------------------------------------

/// Choices drawn from bytes; every choice is 0 once they run out.
#[derive(Debug, Clone)]
pub struct ByteSource<'a> {
    data: &'a [u8],
}

impl<'a> ByteSource<'a> {
    /// Draws from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        ByteSource { data }
    }

    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.data.split_first().unwrap_or((&0, &[]));
        self.data = rest;
        b
    }

    /// A number below `n` (0 when `n` is 0 or 1).
    pub fn below(&mut self, n: u32) -> u32 {
        let mut v = 0u32;
        let mut span = 1u64;
        while span < u64::from(n) {
            v = (v << 8) | u32::from(self.byte());
            span <<= 8;
        }
        v.checked_rem(n).unwrap_or(0)
    }

    /// A coin toss.
    pub fn flag(&mut self) -> bool {
        self.below(2) == 1
    }

    /// Any `u32`.
    pub fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// Any `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    /// Any `u128`.
    pub fn u128(&mut self) -> u128 {
        (0..4).fold(0u128, |acc, _| (acc << 32) | u128::from(self.u32()))
    }

    /// One of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }

    /// `min..=max` characters of `alphabet`.
    pub fn string(&mut self, alphabet: &str, min: u32, max: u32) -> String {
        let n = alphabet.chars().count() as u32;
        let len = min + self.below(max - min + 1);
        (0..len)
            .filter_map(|_| alphabet.chars().nth(self.below(n) as usize))
            .collect()
    }

    /// Up to `max` bytes.
    pub fn bytes(&mut self, max: u32) -> Vec<u8> {
        (0..self.below(max + 1)).map(|_| self.byte()).collect()
    }
}

// ---- valid pieces -------------------------------------------------------

/// `token` characters (RFC 3261 §25.1).
const TOKEN: &str = "abcxyzABCXYZ0129-.!%*_+`'~";
/// Token characters but `.` (event packages and templates).
const TOKEN_NODOT: &str = "abcxyzABCXYZ0129-!%*_+`'~";
/// Characters for free text: quoted strings, display names, reason
/// phrases and the raw material of escaped URI components. No control
/// characters but tab.
const TEXT: &str = "abZ07 \t\"\\,;:%@<>=?&/[]+.~-_*!'()#${}\u{e9}\u{df}\u{4e2d}\u{1f600}\u{a0}";
/// `word` characters (Call-ID).
const WORD: &str = "abcXYZ0129-.!%*_+`'~()<>:\\\"/[]?{}";
/// Characters of a bare authentication parameter value (visible ASCII but
/// `"` and `,`).
const BARE: &str = "abcXYZ019-._~+/=:@!#$%&'()*;<>?[]\\^`{|}";

fn token(g: &mut ByteSource<'_>, max: u32) -> String {
    g.string(TOKEN, 1, max)
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| TOKEN.contains(c))
}

fn text(g: &mut ByteSource<'_>, max: u32) -> String {
    g.string(TEXT, 0, max)
}

/// `s` as a quoted string.
fn quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Free text escaped for `part` (at least `min` characters of text).
fn escaped(g: &mut ByteSource<'_>, part: UriComponent, min: u32) -> String {
    let raw = g.string(TEXT, min, 10);
    escape(raw.as_bytes(), part).into_owned()
}

/// A token whose name is not in `reserved` (any case), or `None`.
fn free_name(g: &mut ByteSource<'_>, reserved: &[&str]) -> Option<String> {
    let name = token(g, 8);
    (!reserved.iter().any(|r| r.eq_ignore_ascii_case(&name))).then_some(name)
}

/// Up to two `;name[=value]` generic parameters (value a token, a host or
/// a quoted string), none named as in `reserved`.
fn generic_params(g: &mut ByteSource<'_>, reserved: &[&str], out: &mut String) {
    for _ in 0..g.below(3) {
        let Some(name) = free_name(g, reserved) else {
            continue;
        };
        out.push(';');
        out.push_str(&name);
        match g.below(4) {
            0 => {}
            1 => {
                out.push('=');
                out.push_str(&token(g, 10));
            }
            2 => {
                out.push('=');
                out.push_str(&quote(&text(g, 12)));
            }
            _ => {
                out.push('=');
                out.push_str(&HostSpec::generate(g).host().to_string());
            }
        }
    }
}

// ---- URIs and addresses -------------------------------------------------

/// A host: a domain name, an IPv4 address or an IPv6 reference.
#[derive(Debug, Clone)]
pub enum HostSpec {
    /// A domain name (never all digits and dots).
    Domain(String),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
}

impl HostSpec {
    fn generate(g: &mut ByteSource<'_>) -> HostSpec {
        match g.below(4) {
            0 | 1 => {
                let mut d = String::new();
                for k in 0..=g.below(3) {
                    if k > 0 {
                        d.push('.');
                    }
                    d.push_str(&g.string("abzAZ09-_", 1, 8));
                }
                if d.starts_with('-') {
                    d.insert(0, 'h');
                }
                if d.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    d.push_str(".example");
                }
                if g.below(8) == 7 {
                    d.push('.');
                }
                HostSpec::Domain(d)
            }
            2 => HostSpec::Ipv4(Ipv4Addr::from(g.u32())),
            _ => HostSpec::Ipv6(Ipv6Addr::from(g.u128())),
        }
    }

    fn host(&self) -> Host<'_> {
        match self {
            HostSpec::Domain(d) => Host::Domain(d),
            HostSpec::Ipv4(a) => Host::Ipv4(*a),
            HostSpec::Ipv6(a) => Host::Ipv6(*a),
        }
    }
}

/// A `sip`/`sips`, `tel` or other URI with valid, escaped components.
#[derive(Debug, Clone)]
pub enum UriSpec {
    /// `sip:` or `sips:`.
    Sip {
        /// `sips:`.
        secure: bool,
        /// The user part, escaped.
        user: Option<String>,
        /// The password, escaped (only with a user).
        password: Option<String>,
        /// The host.
        host: HostSpec,
        /// The port.
        port: Option<u16>,
        /// `;name=value` uri-parameters.
        params: String,
        /// URI headers as `;name=value` (written `?name=value&...`).
        headers: String,
    },
    /// `tel:`.
    Tel {
        /// A global (`+...`) or local number.
        number: String,
        /// `;name=value` parameters.
        params: String,
    },
    /// Any other scheme.
    Other {
        /// The scheme.
        scheme: &'static str,
        /// The rest, escaped.
        rest: String,
    },
}

impl UriSpec {
    fn generate(g: &mut ByteSource<'_>) -> UriSpec {
        match g.below(8) {
            0..=5 => Self::sip(g),
            6 => Self::tel(g),
            _ => UriSpec::Other {
                scheme: g.pick(&["urn", "mailto", "http", "URN", "im", "x-a.b+c"]),
                rest: escaped(g, UriComponent::Opaque, 1),
            },
        }
    }

    fn sip(g: &mut ByteSource<'_>) -> UriSpec {
        let secure = g.below(4) == 3;
        let user = g.flag().then(|| escaped(g, UriComponent::User, 1));
        let password =
            (user.is_some() && g.below(4) == 3).then(|| escaped(g, UriComponent::Password, 0));
        let host = HostSpec::generate(g);
        let port = g.flag().then(|| g.u16());
        let mut params = String::new();
        for _ in 0..g.below(4) {
            params.push(';');
            match g.below(8) {
                0 => {
                    params.push_str("transport=");
                    params.push_str(g.pick(&["udp", "TCP", "tls", "ws", "wss", "sctp"]));
                }
                1 => params.push_str("lr"),
                2 => {
                    let _ = write!(params, "ttl={}", g.below(300));
                }
                3 => {
                    params.push_str("maddr=");
                    params.push_str(&HostSpec::generate(g).host().to_string());
                }
                4 => params.push_str(g.pick(&["user=phone", "user=ip", "method=INVITE", "ob"])),
                _ => {
                    params.push_str(&escaped(g, UriComponent::Param, 1));
                    if g.flag() {
                        params.push('=');
                        params.push_str(&escaped(g, UriComponent::Param, 1));
                    }
                }
            }
        }
        let mut headers = String::new();
        for _ in 0..g.below(3) {
            headers.push(';');
            headers.push_str(&escaped(g, UriComponent::Header, 1));
            headers.push('=');
            headers.push_str(&escaped(g, UriComponent::Header, 0));
        }
        UriSpec::Sip {
            secure,
            user,
            password,
            host,
            port,
            params,
            headers,
        }
    }

    fn tel(g: &mut ByteSource<'_>) -> UriSpec {
        let mut number;
        if g.flag() {
            number = format!("+{}", g.string("0123456789-.()", 0, 10));
            if !number.bytes().any(|b| b.is_ascii_digit()) {
                number.push('1');
            }
        } else {
            number = g.string("0123456789aBcDef*#-.()", 1, 10);
            if !number
                .bytes()
                .any(|b| b.is_ascii_hexdigit() || b == b'*' || b == b'#')
            {
                number.push('7');
            }
        }
        let mut params = String::new();
        for _ in 0..g.below(3) {
            params.push(';');
            let name = match g.below(4) {
                0 => "ext".to_owned(),
                1 => "phone-context".to_owned(),
                2 => "isub".to_owned(),
                _ => g.string("abcxyzABC019-", 1, 8),
            };
            params.push_str(&name);
            if g.below(4) > 0 {
                params.push('=');
                params.push_str(&escaped(g, UriComponent::Param, 1));
            }
        }
        UriSpec::Tel { number, params }
    }

    /// The typed URI.
    pub fn uri(&self) -> Uri<'_> {
        match self {
            UriSpec::Sip {
                secure,
                user,
                password,
                host,
                port,
                params,
                headers,
            } => Uri::Sip(SipUri {
                secure: *secure,
                user: user.as_deref(),
                password: password.as_deref(),
                host: host.host(),
                port: *port,
                params: Params::new(params),
                headers: Params::new(headers),
            }),
            UriSpec::Tel { number, params } => Uri::Tel(TelUri {
                number,
                params: Params::new(params),
            }),
            UriSpec::Other { scheme, rest } => Uri::Other { scheme, rest },
        }
    }
}

/// How a display name is given.
#[derive(Debug, Clone)]
pub enum DisplayName {
    /// None.
    None,
    /// Any text as a quoted string.
    Quoted(String),
    /// Token words.
    Words(String),
    /// Any text as the display name, for the writer to quote as needed.
    Text(String),
}

/// A name-addr or addr-spec.
#[derive(Debug, Clone)]
pub struct AddrSpec {
    /// The display name.
    pub display: DisplayName,
    /// The URI.
    pub uri: UriSpec,
    /// Whether to ask for `<...>`.
    pub angle: bool,
}

impl AddrSpec {
    fn generate(g: &mut ByteSource<'_>) -> AddrSpec {
        let display = match g.below(5) {
            0 | 1 => DisplayName::None,
            2 => DisplayName::Quoted(quote(&text(g, 16))),
            3 => {
                let mut words = token(g, 8);
                for _ in 0..g.below(3) {
                    words.push_str(g.pick(&[" ", "  ", "\t"]));
                    words.push_str(&token(g, 8));
                }
                DisplayName::Words(words)
            }
            _ => DisplayName::Text(text(g, 16)),
        };
        AddrSpec {
            display,
            uri: UriSpec::generate(g),
            angle: g.flag(),
        }
    }

    /// The address given to the builders.
    pub fn built(&self) -> NameAddr<'_> {
        NameAddr {
            display_name: match &self.display {
                DisplayName::None => None,
                DisplayName::Quoted(q) => Some(q),
                DisplayName::Words(w) => Some(w),
                DisplayName::Text(t) => Some(t),
            },
            uri: self.uri.uri(),
            angle: self.angle,
        }
    }

    /// Asserts that `got` is this address read back (in a header that
    /// takes only a name-addr when `name_addr_only`), and returns the value
    /// it must equal: brackets are written when asked for, with a display
    /// name, or when the URI needs them; a display name given as any text
    /// reads back with the same text, quoted if it has to be.
    fn expected<'g>(&'g self, got: &NameAddr<'g>, name_addr_only: bool, ctx: &str) -> NameAddr<'g> {
        let mut want = self.built();
        assert_eq!(
            got.display_name_unquoted(),
            want.display_name_unquoted(),
            "display name text read back differently from\n{ctx}"
        );
        if let DisplayName::Text(_) = self.display {
            want.display_name = got.display_name;
        }
        want.angle |=
            name_addr_only || want.display_name.is_some() || want.uri.needs_angle_brackets();
        want
    }
}

/// An address and header parameters (From, To, Route, Record-Route).
#[derive(Debug, Clone)]
pub struct AddressHeader {
    /// The address.
    pub addr: AddrSpec,
    /// `;name=value` header parameters.
    pub params: String,
}

impl AddressHeader {
    fn generate(g: &mut ByteSource<'_>, tag: bool) -> AddressHeader {
        let addr = AddrSpec::generate(g);
        let mut params = String::new();
        if tag {
            params.push_str(";tag=");
            params.push_str(&token(g, 12));
        }
        generic_params(g, &["tag"], &mut params);
        AddressHeader { addr, params }
    }
}

/// Implements reading an address header back for each header type.
macro_rules! address_headers {
    ($($ty:ident: $name_addr_only:expr),*) => {$(
        impl<'a> From<&'a AddressHeader> for $ty<'a> {
            fn from(h: &'a AddressHeader) -> Self {
                $ty { addr: h.addr.built(), params: Params::new(&h.params) }
            }
        }

        impl<'g> ReadBack<'g, $ty<'g>> for AddressHeader {
            fn assert_read_back(&'g self, got: &$ty<'g>, ctx: &str) {
                let addr = self.addr.expected(&got.addr, $name_addr_only, ctx);
                let want = $ty { addr, params: Params::new(&self.params) };
                assert_eq!(got, &want, "{} read back differently from\n{ctx}", stringify!($ty));
            }
        }
    )*};
}

/// Asserts that a parsed value is the generated one.
trait ReadBack<'g, H> {
    fn assert_read_back(&'g self, got: &H, ctx: &str);
}

address_headers!(FromHeader: false, ToHeader: false, Route: true, RecordRoute: true);

// ---- Contact ------------------------------------------------------------

/// A Contact value.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // a few per message
pub enum ContactSpec {
    /// `*`.
    Star,
    /// An address with parameters.
    Address {
        /// The address.
        addr: AddrSpec,
        /// All the parameters as written.
        params: String,
        /// `expires`.
        expires: Option<u32>,
        /// `q`.
        q: Option<QValue>,
        /// `+sip.instance`, unquoted.
        instance: Option<String>,
        /// `reg-id`.
        reg_id: Option<u32>,
    },
}

impl ContactSpec {
    fn generate(g: &mut ByteSource<'_>) -> ContactSpec {
        let addr = AddrSpec::generate(g);
        let mut params = String::new();
        let expires = g.flag().then(|| g.u32());
        if let Some(e) = expires {
            let _ = write!(params, ";expires={e}");
        }
        let q = g
            .flag()
            .then(|| QValue::from_thousandths(g.below(1001) as u16).unwrap_or(QValue::ONE));
        if let Some(q) = q {
            // The shortest form, or all three decimals.
            let t = q.thousandths();
            if g.flag() {
                let _ = write!(params, ";q={q}");
            } else {
                let _ = write!(params, ";q={}.{:03}", t / 1000, t % 1000);
            }
        }
        let instance = g.flag().then(|| format!("<urn:uuid:{}>", text(g, 12)));
        if let Some(i) = &instance {
            let _ = write!(params, ";+sip.instance={}", quote(i));
        }
        let reg_id = g.flag().then(|| g.u32());
        if let Some(r) = reg_id {
            let _ = write!(params, ";reg-id={r}");
        }
        let known = [
            "expires",
            "q",
            "+sip.instance",
            "reg-id",
            "pub-gruu",
            "temp-gruu",
        ];
        generic_params(g, &known, &mut params);
        ContactSpec::Address {
            addr,
            params,
            expires,
            q,
            instance,
            reg_id,
        }
    }

    fn value(&self) -> Contact<'_> {
        match self {
            ContactSpec::Star => Contact::Star,
            ContactSpec::Address { addr, params, .. } => Contact::Address(ContactAddress {
                addr: addr.built(),
                params: Params::new(params),
            }),
        }
    }
}

impl<'g> ReadBack<'g, Contact<'g>> for ContactSpec {
    fn assert_read_back(&'g self, got: &Contact<'g>, ctx: &str) {
        let ContactSpec::Address {
            addr,
            params,
            expires,
            q,
            instance,
            reg_id,
        } = self
        else {
            assert_eq!(got, &Contact::Star, "Contact * read back as\n{ctx}");
            return;
        };
        let Contact::Address(a) = got else {
            panic!("Contact read back as *:\n{ctx}");
        };
        let want = Contact::Address(ContactAddress {
            addr: addr.expected(&a.addr, false, ctx),
            params: Params::new(params),
        });
        assert_eq!(got, &want, "Contact read back differently from\n{ctx}");
        assert_eq!(got.expires(), *expires, "Contact expires in\n{ctx}");
        assert_eq!(got.q(), q.map(QValue::thousandths), "Contact q in\n{ctx}");
        assert_eq!(got.sip_instance().as_deref(), instance.as_deref(), "{ctx}");
        assert_eq!(got.reg_id(), *reg_id, "Contact reg-id in\n{ctx}");
    }
}

// ---- authentication -----------------------------------------------------

/// What the digest accessors of Authorization must read.
#[derive(Debug, Clone, Default)]
pub struct DigestFields {
    username: String,
    realm: String,
    nonce: String,
    uri: String,
    response: String,
    cnonce: Option<String>,
    opaque: Option<String>,
    qop: Option<String>,
    nc: Option<u32>,
    algorithm: Option<String>,
    userhash: Option<bool>,
}

/// Credentials (Authorization): digest parameters written with
/// [`AuthParamsBuilder`], or another scheme with a token68.
#[derive(Debug, Clone)]
pub struct CredentialsSpec {
    scheme: &'static str,
    params: String,
    digest: Option<DigestFields>,
}

const ALGORITHMS: [&str; 7] = [
    "MD5",
    "MD5-sess",
    "SHA-256",
    "sha-256-SESS",
    "SHA-512-256",
    "SHA-512-256-sess",
    "AKAv1-MD5",
];

/// Adds `name=value` as a quoted string, or (lax) as a bare token when
/// it is one (the writers quote it).
fn quoted_param(b: &mut AuthParamsBuilder, lax: bool, name: &str, value: &str) {
    if lax && is_token(value) {
        b.token(name, value);
    } else {
        b.quoted(name, value);
    }
}

/// Adds `name=value` as a bare token, or (lax) quoted (the writers drop
/// the quotes).
fn token_param(b: &mut AuthParamsBuilder, lax: bool, name: &str, value: &str) {
    if lax {
        b.quoted(name, value);
    } else {
        b.token(name, value);
    }
}

/// Adds up to two extension parameters named as none in `used`.
fn extension_params(g: &mut ByteSource<'_>, b: &mut AuthParamsBuilder, used: &[&str]) {
    let mut names: Vec<String> = Vec::new();
    for _ in 0..g.below(3) {
        let Some(name) = free_name(g, used) else {
            continue;
        };
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            continue;
        }
        if g.flag() {
            b.token(&name, &g.string(BARE, 1, 10));
        } else {
            b.quoted(&name, &text(g, 12));
        }
        names.push(name);
    }
}

/// A non-digest scheme and its token68 (or nothing).
fn other_scheme(g: &mut ByteSource<'_>) -> (&'static str, String) {
    let scheme = g.pick(&["Bearer", "Basic", "NTLM"]);
    let mut token68 = String::new();
    if g.flag() {
        token68 = g.string("abcXYZ019-._~+/", 1, 20);
        token68.push_str(g.pick(&["", "=", "=="]));
    }
    (scheme, token68)
}

impl CredentialsSpec {
    fn generate(g: &mut ByteSource<'_>) -> CredentialsSpec {
        if g.below(6) == 5 {
            let (scheme, params) = other_scheme(g);
            return CredentialsSpec {
                scheme,
                params,
                digest: None,
            };
        }
        let d = DigestFields {
            username: text(g, 12),
            realm: text(g, 12),
            nonce: g.string("abcXYZ019+/=", 0, 24),
            uri: UriSpec::generate(g).uri().to_string(),
            response: format!("{:032x}", g.u128()),
            cnonce: g.flag().then(|| text(g, 12)),
            opaque: g.flag().then(|| text(g, 12)),
            qop: g.flag().then(|| match g.below(3) {
                0 => "auth".to_owned(),
                1 => "auth-int".to_owned(),
                _ => token(g, 8),
            }),
            nc: g.flag().then(|| g.u32()),
            algorithm: g.flag().then(|| match g.below(4) {
                0 => token(g, 10),
                _ => g.pick(&ALGORITHMS).to_owned(),
            }),
            userhash: g.flag().then(|| g.flag()),
        };
        let lax = g.flag();
        let mut b = AuthParamsBuilder::new();
        quoted_param(&mut b, lax, "username", &d.username);
        quoted_param(&mut b, lax, "realm", &d.realm);
        quoted_param(&mut b, lax, "nonce", &d.nonce);
        b.quoted("uri", &d.uri);
        quoted_param(&mut b, lax, "response", &d.response);
        if let Some(a) = &d.algorithm {
            token_param(&mut b, lax, "algorithm", a);
        }
        if let Some(c) = &d.cnonce {
            quoted_param(&mut b, lax, "cnonce", c);
        }
        if let Some(o) = &d.opaque {
            quoted_param(&mut b, lax, "opaque", o);
        }
        if let Some(q) = &d.qop {
            token_param(&mut b, lax, "qop", q);
        }
        if let Some(nc) = d.nc {
            if lax {
                b.quoted("nc", &format!("{nc:08x}"));
            } else {
                b.nc(nc);
            }
        }
        if let Some(u) = d.userhash {
            token_param(&mut b, lax, "userhash", if u { "true" } else { "false" });
        }
        let known = [
            "username",
            "realm",
            "nonce",
            "uri",
            "response",
            "algorithm",
            "cnonce",
            "opaque",
            "qop",
            "nc",
            "userhash",
        ];
        extension_params(g, &mut b, &known);
        CredentialsSpec {
            scheme: g.pick(&["Digest", "digest", "DIGEST"]),
            params: b.as_str().to_owned(),
            digest: Some(d),
        }
    }

    fn value(&self) -> Authorization<'_> {
        Authorization(Credentials {
            scheme: self.scheme,
            params: AuthParams::new(&self.params),
        })
    }
}

impl<'g> ReadBack<'g, Authorization<'g>> for CredentialsSpec {
    fn assert_read_back(&'g self, got: &Authorization<'g>, ctx: &str) {
        assert_eq!(
            got,
            &self.value(),
            "Authorization read back differently from\n{ctx}"
        );
        let Some(d) = &self.digest else {
            return;
        };
        let same = |got: Option<std::borrow::Cow<'_, str>>, want: Option<&str>, what: &str| {
            assert_eq!(got.as_deref(), want, "Authorization {what} in\n{ctx}");
        };
        same(got.username(), Some(&d.username), "username");
        same(got.realm(), Some(&d.realm), "realm");
        same(got.nonce(), Some(&d.nonce), "nonce");
        same(got.uri(), Some(&d.uri), "uri");
        same(got.response(), Some(&d.response), "response");
        same(got.cnonce(), d.cnonce.as_deref(), "cnonce");
        same(got.opaque(), d.opaque.as_deref(), "opaque");
        assert!(got.is_digest());
        assert_eq!(got.qop(), d.qop.as_deref().map(Qop::from_token), "{ctx}");
        assert_eq!(got.nc(), d.nc, "Authorization nc in\n{ctx}");
        let algorithm = d.algorithm.as_deref().map(Algorithm::from_token);
        assert_eq!(got.algorithm(), algorithm, "{ctx}");
        assert_eq!(got.userhash(), d.userhash == Some(true), "{ctx}");
    }
}

/// What the accessors of WWW-Authenticate must read.
#[derive(Debug, Clone, Default)]
pub struct ChallengeFields {
    realm: String,
    domain: Option<String>,
    nonce: String,
    opaque: Option<String>,
    stale: Option<bool>,
    algorithm: Option<String>,
    qop: Option<Vec<String>>,
    userhash: Option<bool>,
    charset: Option<String>,
}

/// A challenge (WWW-Authenticate).
#[derive(Debug, Clone)]
pub struct ChallengeSpec {
    scheme: &'static str,
    params: String,
    digest: Option<ChallengeFields>,
}

impl ChallengeSpec {
    fn generate(g: &mut ByteSource<'_>) -> ChallengeSpec {
        if g.below(6) == 5 {
            let (scheme, params) = other_scheme(g);
            return ChallengeSpec {
                scheme,
                params,
                digest: None,
            };
        }
        let d = ChallengeFields {
            realm: text(g, 12),
            domain: g.flag().then(|| {
                let mut uris = UriSpec::generate(g).uri().to_string();
                if g.flag() {
                    uris.push(' ');
                    uris.push_str(&UriSpec::generate(g).uri().to_string());
                }
                uris
            }),
            nonce: g.string("abcXYZ019+/=", 0, 24),
            opaque: g.flag().then(|| text(g, 12)),
            stale: g.flag().then(|| g.flag()),
            algorithm: g.flag().then(|| g.pick(&ALGORITHMS).to_owned()),
            qop: g.flag().then(|| {
                (0..=g.below(2))
                    .map(|_| match g.below(3) {
                        0 => "auth".to_owned(),
                        1 => "auth-int".to_owned(),
                        _ => token(g, 8),
                    })
                    .collect()
            }),
            userhash: g.flag().then(|| g.flag()),
            charset: g.flag().then(|| "UTF-8".to_owned()),
        };
        let lax = g.flag();
        let mut b = AuthParamsBuilder::new();
        quoted_param(&mut b, lax, "realm", &d.realm);
        if let Some(domain) = &d.domain {
            b.quoted("domain", domain);
        }
        quoted_param(&mut b, lax, "nonce", &d.nonce);
        if let Some(o) = &d.opaque {
            quoted_param(&mut b, lax, "opaque", o);
        }
        if let Some(s) = d.stale {
            token_param(&mut b, lax, "stale", if s { "TRUE" } else { "false" });
        }
        if let Some(a) = &d.algorithm {
            token_param(&mut b, lax, "algorithm", a);
        }
        if let Some(q) = &d.qop {
            let list = q.join(if lax { ", " } else { "," });
            quoted_param(&mut b, lax, "qop", &list);
        }
        if let Some(u) = d.userhash {
            token_param(&mut b, lax, "userhash", if u { "true" } else { "false" });
        }
        if let Some(c) = &d.charset {
            token_param(&mut b, lax, "charset", c);
        }
        let known = [
            "realm",
            "domain",
            "nonce",
            "opaque",
            "stale",
            "algorithm",
            "qop",
            "userhash",
            "charset",
        ];
        extension_params(g, &mut b, &known);
        ChallengeSpec {
            scheme: g.pick(&["Digest", "digest"]),
            params: b.as_str().to_owned(),
            digest: Some(d),
        }
    }

    fn value(&self) -> WwwAuthenticate<'_> {
        WwwAuthenticate(Challenge {
            scheme: self.scheme,
            params: AuthParams::new(&self.params),
        })
    }
}

impl<'g> ReadBack<'g, WwwAuthenticate<'g>> for ChallengeSpec {
    fn assert_read_back(&'g self, got: &WwwAuthenticate<'g>, ctx: &str) {
        assert_eq!(
            got,
            &self.value(),
            "WWW-Authenticate read back differently from\n{ctx}"
        );
        let Some(d) = &self.digest else {
            return;
        };
        assert_eq!(got.realm().as_deref(), Some(d.realm.as_str()), "{ctx}");
        assert_eq!(got.domain().as_deref(), d.domain.as_deref(), "{ctx}");
        assert_eq!(got.nonce().as_deref(), Some(d.nonce.as_str()), "{ctx}");
        assert_eq!(got.opaque().as_deref(), d.opaque.as_deref(), "{ctx}");
        assert_eq!(got.stale(), d.stale == Some(true), "{ctx}");
        let algorithm = d.algorithm.as_deref().map(Algorithm::from_token);
        assert_eq!(got.algorithm(), algorithm, "{ctx}");
        let qop: Option<Vec<Qop<'_>>> = got.qop_options().map(|q| q.iter().collect());
        let want: Option<Vec<Qop<'_>>> = d
            .qop
            .as_ref()
            .map(|q| q.iter().map(|s| Qop::from_token(s)).collect());
        assert_eq!(qop, want, "WWW-Authenticate qop in\n{ctx}");
        assert_eq!(got.userhash(), d.userhash == Some(true), "{ctx}");
        assert_eq!(got.charset(), d.charset.as_deref(), "{ctx}");
    }
}

// ---- other headers ------------------------------------------------------

/// Content-Type with parameters.
#[derive(Debug, Clone)]
pub struct ContentTypeSpec {
    media_type: String,
    subtype: String,
    params: String,
    charset: Option<String>,
}

impl ContentTypeSpec {
    fn generate(g: &mut ByteSource<'_>) -> ContentTypeSpec {
        let media_type = match g.below(5) {
            0 => token(g, 10),
            _ => g
                .pick(&["application", "text", "multipart", "Message"])
                .to_owned(),
        };
        let subtype = match g.below(5) {
            0 => token(g, 10),
            _ => g
                .pick(&["sdp", "plain", "mixed", "SIPfrag", "pidf+xml"])
                .to_owned(),
        };
        let mut params = String::new();
        let charset = match g.below(4) {
            0 => None,
            1 => Some(text(g, 10)),
            _ => Some(g.pick(&["UTF-8", "iso-8859-1", "us-ascii"]).to_owned()),
        };
        if let Some(c) = &charset {
            params.push_str(";charset=");
            params.push_str(&if is_token(c) && g.flag() {
                c.clone()
            } else {
                quote(c)
            });
        }
        if g.flag() {
            params.push_str(";boundary=");
            params.push_str(&quote(&text(g, 16)));
        }
        generic_params(g, &["charset"], &mut params);
        ContentTypeSpec {
            media_type,
            subtype,
            params,
            charset,
        }
    }

    fn value(&self) -> ContentType<'_> {
        ContentType {
            media_type: &self.media_type,
            subtype: &self.subtype,
            params: Params::new(&self.params),
        }
    }
}

/// Event and Subscription-State.
#[derive(Debug, Clone)]
pub struct EventSpec {
    event_type: String,
    params: String,
    id: Option<String>,
    state: String,
    state_params: String,
    expires: Option<u32>,
    reason: Option<String>,
    retry_after: Option<u32>,
}

impl EventSpec {
    fn generate(g: &mut ByteSource<'_>) -> EventSpec {
        let mut event_type = match g.below(3) {
            0 => g.string(TOKEN_NODOT, 1, 10),
            _ => g
                .pick(&["presence", "dialog", "refer", "reg", "message-summary"])
                .to_owned(),
        };
        for _ in 0..g.below(3) {
            event_type.push('.');
            event_type.push_str(&g.string(TOKEN_NODOT, 1, 6));
        }
        let mut params = String::new();
        let id = g.flag().then(|| token(g, 10));
        if let Some(id) = &id {
            params.push_str(";id=");
            params.push_str(id);
        }
        generic_params(g, &["id"], &mut params);
        let state = match g.below(5) {
            0 => token(g, 10),
            _ => g
                .pick(&["active", "pending", "terminated", "Active"])
                .to_owned(),
        };
        let mut state_params = String::new();
        let expires = g.flag().then(|| g.u32());
        if let Some(e) = expires {
            let _ = write!(state_params, ";expires={e}");
        }
        let reason = g.flag().then(|| match g.below(3) {
            0 => token(g, 10),
            _ => g
                .pick(&[
                    "deactivated",
                    "probation",
                    "rejected",
                    "timeout",
                    "giveup",
                    "noresource",
                    "invariant",
                ])
                .to_owned(),
        });
        if let Some(r) = &reason {
            state_params.push_str(";reason=");
            state_params.push_str(r);
        }
        let retry_after = g.flag().then(|| g.u32());
        if let Some(r) = retry_after {
            let _ = write!(state_params, ";retry-after={r}");
        }
        generic_params(g, &["expires", "reason", "retry-after"], &mut state_params);
        EventSpec {
            event_type,
            params,
            id,
            state,
            state_params,
            expires,
            reason,
            retry_after,
        }
    }

    fn event(&self) -> Event<'_> {
        Event {
            event_type: EventType(&self.event_type),
            params: Params::new(&self.params),
        }
    }

    fn state(&self) -> SubscriptionState<'_> {
        SubscriptionState {
            state: SubState::from_token(&self.state),
            params: Params::new(&self.state_params),
        }
    }

    fn assert_read_back(&self, msg: &Message, ctx: &str) {
        let got: Event<'_> = one(msg, ctx);
        assert_eq!(got, self.event(), "Event read back differently from\n{ctx}");
        assert_eq!(got.id(), self.id.as_deref(), "{ctx}");
        assert!(got.matches(&self.event()));
        let got: SubscriptionState<'_> = one(msg, ctx);
        assert_eq!(got, self.state(), "Subscription-State differs in\n{ctx}");
        assert_eq!(got.expires(), self.expires, "{ctx}");
        let reason = self.reason.as_deref().map(EventReason::from_token);
        assert_eq!(got.reason(), reason, "{ctx}");
        assert_eq!(got.retry_after(), self.retry_after, "{ctx}");
    }
}

/// A Reason value.
#[derive(Debug, Clone)]
pub struct ReasonSpec {
    protocol: String,
    params: String,
    cause: Option<u16>,
    text: Option<String>,
}

impl ReasonSpec {
    fn generate(g: &mut ByteSource<'_>) -> ReasonSpec {
        let protocol = match g.below(4) {
            0 => token(g, 8),
            _ => g.pick(&["SIP", "Q.850", "q.850", "sip"]).to_owned(),
        };
        let mut params = String::new();
        let cause = g.flag().then(|| g.u16());
        if let Some(c) = cause {
            let _ = write!(params, ";cause={c}");
        }
        let text = g.flag().then(|| text(g, 16));
        if let Some(t) = &text {
            params.push_str(";text=");
            params.push_str(&quote(t));
        }
        generic_params(g, &["cause", "text"], &mut params);
        ReasonSpec {
            protocol,
            params,
            cause,
            text,
        }
    }

    fn value(&self) -> Reason<'_> {
        Reason {
            protocol: ReasonProtocol::from_token(&self.protocol),
            params: Params::new(&self.params),
        }
    }
}

impl<'g> ReadBack<'g, Reason<'g>> for ReasonSpec {
    fn assert_read_back(&'g self, got: &Reason<'g>, ctx: &str) {
        assert_eq!(
            got,
            &self.value(),
            "Reason read back differently from\n{ctx}"
        );
        assert_eq!(got.cause(), self.cause, "{ctx}");
        assert_eq!(got.text().as_deref(), self.text.as_deref(), "{ctx}");
    }
}

/// Session-Expires.
#[derive(Debug, Clone)]
pub struct SessionExpiresSpec {
    delta: u32,
    params: String,
    refresher: Option<Refresher>,
}

impl SessionExpiresSpec {
    fn generate(g: &mut ByteSource<'_>) -> SessionExpiresSpec {
        let delta = g.u32();
        let mut params = String::new();
        let refresher = g.flag().then(|| {
            let (r, text) = g.pick(&[
                (Refresher::Uac, "uac"),
                (Refresher::Uas, "uas"),
                (Refresher::Uac, "UAC"),
            ]);
            params.push_str(";refresher=");
            params.push_str(text);
            r
        });
        generic_params(g, &["refresher"], &mut params);
        SessionExpiresSpec {
            delta,
            params,
            refresher,
        }
    }

    fn value(&self) -> SessionExpires<'_> {
        SessionExpires {
            delta: self.delta,
            params: Params::new(&self.params),
        }
    }
}

/// A Via value.
#[derive(Debug, Clone)]
pub struct ViaSpec {
    transport: &'static str,
    host: HostSpec,
    port: Option<u16>,
    params: String,
    branch: String,
}

impl ViaSpec {
    fn generate(g: &mut ByteSource<'_>) -> ViaSpec {
        let transport = g.pick(&["UDP", "TCP", "TLS", "WS", "WSS", "SCTP", "udp"]);
        let host = HostSpec::generate(g);
        let port = g.flag().then(|| g.u16());
        let branch = format!("z9hG4bK{}", token(g, 16));
        let mut params = format!(";branch={branch}");
        if g.flag() {
            params.push_str(";rport");
        }
        if g.flag() {
            let _ = write!(params, ";received={}", Ipv4Addr::from(g.u32()));
        }
        ViaSpec {
            transport,
            host,
            port,
            params,
            branch,
        }
    }

    fn value(&self) -> Via<'_> {
        Via {
            protocol: "SIP",
            version: "2.0",
            transport: self.transport,
            host: self.host.host(),
            port: self.port,
            params: Params::new(&self.params),
        }
    }
}

// ---- the message --------------------------------------------------------

/// How a response is built.
#[derive(Debug, Clone)]
pub struct ResponseSpec {
    /// The status code.
    pub code: u16,
    /// The reason phrase.
    pub reason: String,
}

/// Typed values to build a request from, and, sometimes, to build a
/// response to it from.
#[derive(Debug, Clone)]
pub struct BuiltMessage {
    method: Method,
    request_uri: UriSpec,
    via: ViaSpec,
    max_forwards: u32,
    call_id: String,
    seq: u32,
    from: AddressHeader,
    to: AddressHeader,
    contacts: Vec<ContactSpec>,
    routes: Vec<AddressHeader>,
    record_routes: Vec<AddressHeader>,
    authorization: Option<CredentialsSpec>,
    challenge: Option<ChallengeSpec>,
    supported: Vec<String>,
    require: Vec<String>,
    event: Option<EventSpec>,
    reasons: Vec<ReasonSpec>,
    session_expires: Option<SessionExpiresSpec>,
    expires: Option<u32>,
    body: Option<(ContentTypeSpec, Vec<u8>)>,
    /// List headers as one comma-separated field rather than a field a
    /// value.
    joined: bool,
    response: Option<ResponseSpec>,
}

/// Up to `max` values.
fn list<T>(g: &mut ByteSource<'_>, max: u32, f: impl Fn(&mut ByteSource<'_>) -> T) -> Vec<T> {
    (0..g.below(max + 1)).map(|_| f(g)).collect()
}

/// A value or none.
fn some<T>(g: &mut ByteSource<'_>, f: impl FnOnce(&mut ByteSource<'_>) -> T) -> Option<T> {
    if g.flag() {
        Some(f(g))
    } else {
        None
    }
}

impl BuiltMessage {
    /// Draws a message; `response` says whether to build a response.
    pub fn generate(g: &mut ByteSource<'_>, response: bool) -> BuiltMessage {
        const METHODS: [Method; 14] = [
            Method::Invite,
            Method::Ack,
            Method::Bye,
            Method::Cancel,
            Method::Register,
            Method::Options,
            Method::Info,
            Method::Prack,
            Method::Update,
            Method::Subscribe,
            Method::Notify,
            Method::Refer,
            Method::Message,
            Method::Publish,
        ];
        let method = match g.below(16) {
            15 => Method::from_bytes(token(g, 12).as_bytes()).unwrap_or(Method::Options),
            k => METHODS[k as usize % METHODS.len()].clone(),
        };
        let call_id = {
            let mut id = g.string(WORD, 1, 20);
            if g.flag() {
                id.push('@');
                id.push_str(&g.string(WORD, 1, 12));
            }
            id
        };
        let contacts = if g.below(8) == 7 {
            vec![ContactSpec::Star]
        } else {
            list(g, 3, ContactSpec::generate)
        };
        let to_tag = g.flag();
        BuiltMessage {
            method,
            request_uri: UriSpec::generate(g),
            via: ViaSpec::generate(g),
            max_forwards: g.below(256),
            call_id,
            seq: g.u32() & 0x7fff_ffff,
            from: AddressHeader::generate(g, true),
            to: AddressHeader::generate(g, to_tag),
            contacts,
            routes: list(g, 3, |g| AddressHeader::generate(g, false)),
            record_routes: list(g, 3, |g| AddressHeader::generate(g, false)),
            authorization: some(g, CredentialsSpec::generate),
            challenge: some(g, ChallengeSpec::generate),
            supported: list(g, 3, |g| token(g, 10)),
            require: list(g, 2, |g| token(g, 10)),
            event: some(g, EventSpec::generate),
            reasons: list(g, 2, ReasonSpec::generate),
            session_expires: some(g, SessionExpiresSpec::generate),
            expires: some(g, |g| g.u32()),
            body: some(g, |g| (ContentTypeSpec::generate(g), g.bytes(64))),
            joined: g.flag(),
            response: response.then(|| ResponseSpec {
                code: 100 + g.below(600) as u16,
                reason: text(g, 20),
            }),
        }
    }

    /// Builds the request (the message itself, or what the response
    /// answers).
    pub fn build_request(&self) -> Message {
        let b = RequestBuilder::new(self.method.clone(), self.request_uri.uri())
            .header(&self.via.value())
            .header(&MaxForwards(self.max_forwards))
            .header(&FromHeader::from(&self.from))
            .header(&ToHeader::from(&self.to))
            .header(&CallId(&self.call_id))
            .header(&CSeq {
                seq: self.seq,
                method: self.method.clone(),
            });
        self.add_headers(b)
            .build()
            .unwrap_or_else(|e| panic!("built request does not parse: {e}\n{self:#?}"))
    }

    /// Builds the message: the request, or a response to it.
    pub fn build(&self) -> Message {
        let request = self.build_request();
        let Some(r) = &self.response else {
            return request;
        };
        let b = ResponseBuilder::for_request(&request, r.code, &r.reason);
        self.add_headers(b)
            .build()
            .unwrap_or_else(|e| panic!("built response does not parse: {e}\n{self:#?}"))
    }

    fn add_headers<B: Draft>(&self, mut b: B) -> B {
        let contacts: Vec<_> = self.contacts.iter().map(ContactSpec::value).collect();
        b = b.list(&contacts, self.joined);
        let routes: Vec<_> = self.routes.iter().map(Route::from).collect();
        b = b.list(&routes, self.joined);
        let record_routes: Vec<_> = self.record_routes.iter().map(RecordRoute::from).collect();
        b = b.list(&record_routes, self.joined);
        if let Some(a) = &self.authorization {
            b = b.header(&a.value());
        }
        if let Some(c) = &self.challenge {
            b = b.header(&c.value());
        }
        let supported: Vec<_> = self.supported.iter().map(|s| Supported(s)).collect();
        b = b.list(&supported, self.joined);
        let require: Vec<_> = self.require.iter().map(|s| Require(s)).collect();
        b = b.list(&require, self.joined);
        if let Some(e) = &self.event {
            b = b.header(&e.event()).header(&e.state());
        }
        let reasons: Vec<_> = self.reasons.iter().map(ReasonSpec::value).collect();
        b = b.list(&reasons, self.joined);
        if let Some(s) = &self.session_expires {
            b = b.header(&s.value());
        }
        if let Some(e) = self.expires {
            b = b.header(&Expires(e));
        }
        if let Some((ctype, body)) = &self.body {
            let ctype = String::from_utf8(ctype.value().to_value_bytes())
                .expect("a Content-Type writes UTF-8");
            b = b.body(&ctype, body.clone());
        }
        b
    }

    /// Asserts that `msg` (this message, built, serialized and parsed)
    /// reads back every generated value.
    pub fn assert_read_back(&self, msg: &Message, ctx: &str) {
        match &self.response {
            Some(r) => {
                assert_eq!(msg.status(), Some(r.code), "{ctx}");
                assert_eq!(msg.reason(), Some(r.reason.as_bytes()), "{ctx}");
            }
            None => {
                assert_eq!(msg.method(), Some(&self.method), "{ctx}");
                let uri = msg.request_uri().expect("a request");
                let uri = uri.unwrap_or_else(|e| panic!("Request-URI: {e}\n{ctx}"));
                let want = self.request_uri.uri();
                assert_eq!(uri, want, "Request-URI read back differently from\n{ctx}");
                assert!(uri.equivalent(&want) && want.equivalent(&uri), "{ctx}");
                let mf: MaxForwards = one(msg, ctx);
                assert_eq!(mf, MaxForwards(self.max_forwards), "{ctx}");
            }
        }
        let via: Via<'_> = one(msg, ctx);
        assert_eq!(
            via,
            self.via.value(),
            "Via read back differently from\n{ctx}"
        );
        assert_eq!(via.branch(), Some(self.via.branch.as_str()), "{ctx}");
        let cseq: CSeq = one(msg, ctx);
        assert_eq!((cseq.seq, &cseq.method), (self.seq, &self.method), "{ctx}");
        let call_id: CallId<'_> = one(msg, ctx);
        assert_eq!(call_id, CallId(&self.call_id), "{ctx}");
        assert_eq!(msg.call_id(), Some(self.call_id.as_str()), "{ctx}");
        let from: FromHeader<'_> = one(msg, ctx);
        self.from.assert_read_back(&from, ctx);
        let to: ToHeader<'_> = one(msg, ctx);
        self.to.assert_read_back(&to, ctx);
        read_back_all(msg, &self.contacts, ctx);
        read_back_all::<Route<'_>, _>(msg, &self.routes, ctx);
        read_back_all::<RecordRoute<'_>, _>(msg, &self.record_routes, ctx);
        read_back_all(msg, &self.authorization, ctx);
        read_back_all(msg, &self.challenge, ctx);
        let supported: Vec<Supported<'_>> = all(msg, ctx);
        let want: Vec<_> = self.supported.iter().map(|s| Supported(s)).collect();
        assert_eq!(supported, want, "{ctx}");
        let require: Vec<Require<'_>> = all(msg, ctx);
        let want: Vec<_> = self.require.iter().map(|s| Require(s)).collect();
        assert_eq!(require, want, "{ctx}");
        match &self.event {
            Some(e) => e.assert_read_back(msg, ctx),
            None => assert!(!msg.has(HeaderName::Event), "{ctx}"),
        }
        read_back_all(msg, &self.reasons, ctx);
        let session_expires: Vec<SessionExpires<'_>> = all(msg, ctx);
        let want: Vec<_> = self.session_expires.iter().map(|s| s.value()).collect();
        assert_eq!(session_expires, want, "{ctx}");
        let refreshers: Vec<_> = session_expires.iter().map(|s| s.refresher()).collect();
        let want: Vec<_> = self.session_expires.iter().map(|s| s.refresher).collect();
        assert_eq!(refreshers, want, "{ctx}");
        let expires: Vec<Expires> = all(msg, ctx);
        assert_eq!(
            expires,
            self.expires.map(Expires).into_iter().collect::<Vec<_>>(),
            "{ctx}"
        );
        match &self.body {
            Some((ctype, body)) => {
                let got: ContentType<'_> = one(msg, ctx);
                assert_eq!(got, ctype.value(), "Content-Type differs in\n{ctx}");
                let charset = got.charset();
                assert_eq!(charset.as_deref(), ctype.charset.as_deref(), "{ctx}");
                assert_eq!(msg.body(), &body[..], "{ctx}");
            }
            None => {
                assert!(!msg.has(HeaderName::ContentType), "{ctx}");
                assert!(msg.body().is_empty(), "{ctx}");
            }
        }
        let len = self.body.as_ref().map_or(0, |(_, b)| b.len());
        assert_eq!(msg.content_length(), Some(len), "{ctx}");
    }
}

/// What `RequestBuilder` and `ResponseBuilder` have in common.
trait Draft: Sized {
    fn header<'v, H: TypedHeader<'v>>(self, h: &H) -> Self;
    fn raw_header(self, name: &str, value: &[u8]) -> Self;
    fn body(self, content_type: &str, body: Vec<u8>) -> Self;

    /// Adds the values of a list header, a field each or all in one.
    fn list<'v, H: TypedHeader<'v>>(mut self, values: &[H], joined: bool) -> Self {
        if !joined {
            for v in values {
                self = self.header(v);
            }
            return self;
        }
        if values.is_empty() {
            return self;
        }
        let mut field = Vec::new();
        for (k, v) in values.iter().enumerate() {
            if k > 0 {
                field.extend_from_slice(b", ");
            }
            v.write_value(&mut field);
        }
        self.raw_header(H::NAME.as_str(), &field)
    }
}

macro_rules! draft {
    ($($ty:ident),*) => {$(
        impl Draft for $ty {
            fn header<'v, H: TypedHeader<'v>>(self, h: &H) -> Self {
                $ty::header(self, h)
            }
            fn raw_header(self, name: &str, value: &[u8]) -> Self {
                $ty::raw_header(self, name, value)
            }
            fn body(self, content_type: &str, body: Vec<u8>) -> Self {
                $ty::body(self, content_type, body)
            }
        }
    )*};
}
draft!(RequestBuilder, ResponseBuilder);

/// Every value of `H`; any that does not parse fails the check.
fn all<'m, H: TypedHeader<'m> + 'm>(msg: &'m Message, ctx: &str) -> Vec<H> {
    msg.headers::<H>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}\n{ctx}", H::NAME.as_str()))
}

/// The one value of `H`.
fn one<'m, H: TypedHeader<'m> + 'm>(msg: &'m Message, ctx: &str) -> H {
    let mut values = all::<H>(msg, ctx);
    assert_eq!(values.len(), 1, "{} values in\n{ctx}", H::NAME.as_str());
    values.remove(0)
}

/// Reads every value of `H` and checks it against the generated ones.
fn read_back_all<'m, H, S>(msg: &'m Message, want: impl IntoIterator<Item = &'m S>, ctx: &str)
where
    H: TypedHeader<'m> + 'm,
    S: ReadBack<'m, H> + 'm,
{
    let got = all::<H>(msg, ctx);
    let want: Vec<&S> = want.into_iter().collect();
    assert_eq!(
        got.len(),
        want.len(),
        "{} values in\n{ctx}",
        H::NAME.as_str()
    );
    for (g, w) in got.iter().zip(want) {
        w.assert_read_back(g, ctx);
    }
}

/// Builds, serializes and parses the message; every typed value must read
/// back as generated, and a stream framer must cut the same message.
pub fn check_built(m: &BuiltMessage) {
    let built = m.build();
    let bytes = built.to_bytes();
    let ctx = String::from_utf8_lossy(&bytes).into_owned();
    let parsed = Message::parse(bytes.clone())
        .unwrap_or_else(|e| panic!("serialized message does not parse: {e}\n{ctx}"));
    m.assert_read_back(&parsed, &ctx);
    let mut framer = StreamFramer::for_accepted_flow(Limits::default());
    framer.push(&bytes);
    match framer.next_item() {
        Ok(Some(StreamItem::Message(s))) => assert_eq!(s.to_bytes(), bytes, "{ctx}"),
        other => panic!("a stream gave {other:?} for\n{ctx}"),
    }
}

// ---- changing a parsed message -------------------------------------------

/// A header to set on a parsed message.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new Expires.
    Expires(u32),
    /// A new To.
    To(AddressHeader),
    /// A new Contact.
    Contact(ContactSpec),
    /// A new Supported (a list header set to one value).
    Supported(String),
    /// A new Subject.
    Subject(String),
}

impl Change {
    /// Draws a change.
    pub fn generate(g: &mut ByteSource<'_>) -> Change {
        match g.below(5) {
            0 => Change::Expires(g.u32()),
            1 => Change::To(AddressHeader::generate(g, true)),
            2 => Change::Contact(ContactSpec::generate(g)),
            3 => Change::Supported(token(g, 10)),
            _ => Change::Subject(text(g, 30).trim_matches([' ', '\t']).to_owned()),
        }
    }

    /// Sets the header; returns its name and value as written.
    fn apply(&self, msg: &mut Message) -> (HeaderName, Vec<u8>) {
        fn set<'v, H: TypedHeader<'v>>(msg: &mut Message, h: &H) -> (HeaderName, Vec<u8>) {
            msg.set_header(h);
            (H::NAME, h.to_value_bytes())
        }
        match self {
            Change::Expires(e) => set(msg, &Expires(*e)),
            Change::To(to) => set(msg, &ToHeader::from(to)),
            Change::Contact(c) => set(msg, &c.value()),
            Change::Supported(s) => set(msg, &Supported(s)),
            Change::Subject(s) => set(msg, &Subject(s)),
        }
    }

    fn assert_read_back(&self, msg: &Message, ctx: &str) {
        match self {
            Change::Expires(e) => assert_eq!(one::<Expires>(msg, ctx), Expires(*e), "{ctx}"),
            Change::To(to) => to.assert_read_back(&one::<ToHeader<'_>>(msg, ctx), ctx),
            Change::Contact(c) => read_back_all(msg, [c], ctx),
            Change::Supported(s) => {
                assert_eq!(all::<Supported<'_>>(msg, ctx), [Supported(s)], "{ctx}");
            }
            Change::Subject(s) => assert_eq!(one::<Subject<'_>>(msg, ctx), Subject(s), "{ctx}"),
        }
    }
}

/// Parses the built message, applies `change`, and checks that the
/// re-serialized message differs only in that header: every other field
/// line, the start line and the body are the bytes they were, and the
/// changed header reads back the new value.
pub fn check_change(m: &BuiltMessage, change: &Change) {
    let built = m.build();
    let before = built.to_bytes();
    let mut msg = Message::parse(before.clone()).expect("built message parses");
    let (name, value) = change.apply(&mut msg);
    let after = msg.to_bytes();
    assert_eq!(msg.serialized_len(), after.len());
    let ctx = String::from_utf8_lossy(&after).into_owned();

    // What it must be: the fields the builder wrote, the first of `name`
    // replaced (or one added at the end) and the others of `name` gone.
    let mut fields: Vec<(Vec<u8>, HeaderName, Vec<u8>)> = built
        .fields()
        .map(|f| (f.name_bytes.to_vec(), f.name, f.value.to_vec()))
        .collect();
    let new = (name.as_str().as_bytes().to_vec(), name, value);
    match fields.iter().position(|f| f.1 == name) {
        Some(first) => {
            fields[first] = new;
            let mut k = 0;
            fields.retain(|f| {
                k += 1;
                k - 1 == first || f.1 != name
            });
        }
        None => fields.push(new),
    }
    let start_line_end = before.windows(2).position(|w| w == b"\r\n").unwrap_or(0) + 2;
    let mut want = before[..start_line_end].to_vec();
    for (n, _, v) in &fields {
        want.extend_from_slice(n);
        want.extend_from_slice(b": ");
        want.extend_from_slice(v);
        want.extend_from_slice(b"\r\n");
    }
    want.extend_from_slice(b"\r\n");
    want.extend_from_slice(built.body());
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&want),
        "changing {} re-serialized more than that field",
        name.as_str()
    );
    assert_eq!(after, want);

    let again = Message::parse(after.clone())
        .unwrap_or_else(|e| panic!("changed message does not parse: {e}\n{ctx}"));
    change.assert_read_back(&again, &ctx);
    assert_eq!(again.body(), built.body());
    assert_eq!(again.field_count(), fields.len());
}
