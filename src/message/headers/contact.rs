//! Contact (RFC 3261 §20.10), with the parameters of RFC 3261 (`q`,
//! `expires`), RFC 5626 (`+sip.instance`, `reg-id`, `ob`) and RFC 5627
//! (`pub-gruu`, `temp-gruu`).

use std::borrow::Cow;

use super::address::{addr_params, write_addr_params, Form};
use crate::message::grammar::{parse_all, skip_lws, unquote};
use crate::message::{HeaderName, NameAddr, Params, TypedHeader, Uri, ValueError};

/// One Contact value: `*` (in a REGISTER that removes all bindings) or an
/// address with parameters.
///
/// ```
/// use sansip::message::{headers::Contact, TypedHeader};
/// let c = Contact::parse(
///     "<sip:alice@192.0.2.4;ob>;expires=3600;q=0.7;reg-id=1;\
///      +sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"",
/// ).unwrap();
/// assert_eq!(c.expires(), Some(3600));
/// assert_eq!(c.q(), Some(700));
/// assert_eq!(c.reg_id(), Some(1));
/// assert_eq!(c.sip_instance().as_deref(), Some("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"));
/// assert!(c.is_outbound_ob());
/// assert!(Contact::parse("*").unwrap().is_star());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact<'a> {
    /// `*`.
    Star,
    /// An address and its contact-params.
    Address(ContactAddress<'a>),
}

/// The address form of a Contact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactAddress<'a> {
    /// The address.
    pub addr: NameAddr<'a>,
    /// The contact-params after the address, raw.
    pub params: Params<'a>,
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, per mille.
fn qvalue(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match int {
        "1" if frac.bytes().all(|b| b == b'0') => Some(1000),
        "0" => {
            let scale = [100u16, 10, 1];
            Some(
                frac.bytes()
                    .zip(scale)
                    .map(|(d, m)| u16::from(d - b'0') * m)
                    .sum(),
            )
        }
        _ => None,
    }
}

/// `delta-seconds`, saturating at `u32::MAX`.
fn delta_seconds(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0u32, |acc, d| {
        acc.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    }))
}

impl<'a> ContactAddress<'a> {
    /// An address with no parameters.
    pub const fn new(addr: NameAddr<'a>) -> Self {
        ContactAddress {
            addr,
            params: Params::new(""),
        }
    }

    /// The URI of the address.
    pub const fn uri(&self) -> &Uri<'a> {
        &self.addr.uri
    }

    /// The `expires` parameter in seconds (values over `u32::MAX`
    /// saturate; a malformed value reads as `None`).
    pub fn expires(&self) -> Option<u32> {
        self.params.get("expires").flatten().and_then(delta_seconds)
    }

    /// The `q` parameter in thousandths (`q=0.5` is 500, `q=1` is 1000); a
    /// malformed value reads as `None`.
    pub fn q(&self) -> Option<u16> {
        self.params.get("q").flatten().and_then(qvalue)
    }

    /// The `+sip.instance` parameter (RFC 5626), unquoted, e.g.
    /// `<urn:uuid:...>`.
    pub fn sip_instance(&self) -> Option<Cow<'a, str>> {
        self.params.get("+sip.instance").flatten().map(unquote)
    }

    /// The `reg-id` parameter (RFC 5626).
    pub fn reg_id(&self) -> Option<u32> {
        self.params
            .get("reg-id")
            .flatten()
            .and_then(|v| v.parse().ok())
    }

    /// The `pub-gruu` parameter (RFC 5627), unquoted.
    pub fn pub_gruu(&self) -> Option<Cow<'a, str>> {
        self.params.get("pub-gruu").flatten().map(unquote)
    }

    /// The `temp-gruu` parameter (RFC 5627), unquoted.
    pub fn temp_gruu(&self) -> Option<Cow<'a, str>> {
        self.params.get("temp-gruu").flatten().map(unquote)
    }

    /// Whether the URI has the `ob` parameter (RFC 5626 §5.4: the flow is
    /// to be used for outbound requests).
    pub fn is_outbound_ob(&self) -> bool {
        self.addr
            .uri
            .as_sip()
            .is_some_and(|s| s.params.contains("ob"))
    }
}

impl<'a> Contact<'a> {
    /// Whether this is `*`.
    pub const fn is_star(&self) -> bool {
        matches!(self, Contact::Star)
    }

    /// The address form, or `None` for `*`.
    pub const fn address(&self) -> Option<&ContactAddress<'a>> {
        match self {
            Contact::Star => None,
            Contact::Address(a) => Some(a),
        }
    }

    /// The URI (`None` for `*`).
    pub fn uri(&self) -> Option<&Uri<'a>> {
        self.address().map(|a| &a.addr.uri)
    }

    /// See [`ContactAddress::expires`] (`None` for `*`).
    pub fn expires(&self) -> Option<u32> {
        self.address()?.expires()
    }

    /// See [`ContactAddress::q`] (`None` for `*`).
    pub fn q(&self) -> Option<u16> {
        self.address()?.q()
    }

    /// See [`ContactAddress::sip_instance`] (`None` for `*`).
    pub fn sip_instance(&self) -> Option<Cow<'a, str>> {
        self.address()?.sip_instance()
    }

    /// See [`ContactAddress::reg_id`] (`None` for `*`).
    pub fn reg_id(&self) -> Option<u32> {
        self.address()?.reg_id()
    }

    /// See [`ContactAddress::pub_gruu`] (`None` for `*`).
    pub fn pub_gruu(&self) -> Option<Cow<'a, str>> {
        self.address()?.pub_gruu()
    }

    /// See [`ContactAddress::temp_gruu`] (`None` for `*`).
    pub fn temp_gruu(&self) -> Option<Cow<'a, str>> {
        self.address()?.temp_gruu()
    }

    /// See [`ContactAddress::is_outbound_ob`] (false for `*`).
    pub fn is_outbound_ob(&self) -> bool {
        self.address().is_some_and(ContactAddress::is_outbound_ob)
    }
}

impl<'a> TypedHeader<'a> for Contact<'a> {
    const NAME: HeaderName = HeaderName::Contact;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let start = skip_lws(value);
        if let Some(rest) = start.strip_prefix('*') {
            let rest = skip_lws(rest);
            if rest.is_empty() {
                return Ok(Contact::Star);
            }
            // `* <sip:...>` has a display name `*`; `*;expires=0` is wrong.
            if rest.starts_with(';') {
                let at = value.len() - rest.len();
                return Err(ValueError::new(
                    at,
                    "end of value (a '*' Contact has no parameters)",
                ));
            }
        }
        parse_all(value, addr_params(Form::Any))
            .map(|(addr, params)| Contact::Address(ContactAddress { addr, params }))
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        match self {
            Contact::Star => out.push(b'*'),
            Contact::Address(a) => write_addr_params(out, &a.addr, &a.params, Form::Any),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_values_follow_the_grammar() {
        let q = |v: &str| qvalue(v);
        assert_eq!(
            (q("0"), q("0."), q("0.5"), q("0.125"), q("1"), q("1.000")),
            (
                Some(0),
                Some(0),
                Some(500),
                Some(125),
                Some(1000),
                Some(1000)
            )
        );
        for bad in ["1.5", "0.1234", "2", ".5", "", "0.a", "-0"] {
            assert_eq!(q(bad), None, "{bad}");
        }
    }

    #[test]
    fn expires_saturates_and_rejects_garbage() {
        assert_eq!(delta_seconds("0"), Some(0));
        assert_eq!(delta_seconds("99999999999"), Some(u32::MAX));
        assert_eq!(delta_seconds("1h"), None);
        assert_eq!(delta_seconds(""), None);
    }

    #[test]
    fn star_and_addresses_and_gruus() {
        assert_eq!(Contact::parse("  * ").unwrap(), Contact::Star);
        assert_eq!(Contact::Star.to_value_bytes(), b"*");
        assert_eq!(Contact::Star.expires(), None);
        let c = Contact::parse(
            "<sip:callee@192.0.2.1>;pub-gruu=\"sip:callee@example.com;gr=urn:uuid:1\";temp-gruu=\"sip:tgruu.1@example.com;gr\"",
        )
        .unwrap();
        assert_eq!(
            c.pub_gruu().as_deref(),
            Some("sip:callee@example.com;gr=urn:uuid:1")
        );
        assert_eq!(c.temp_gruu().as_deref(), Some("sip:tgruu.1@example.com;gr"));
        assert!(!c.is_outbound_ob());
        let c = Contact::parse("sip:a@h;ob;expires=5").unwrap();
        // In addr-spec form, `ob` is a header parameter, not a URI one.
        assert!(!c.is_outbound_ob());
        assert_eq!(c.expires(), Some(5));
    }

    #[test]
    fn errors_and_round_trip() {
        let e = Contact::parse(" * ;expires=0").unwrap_err();
        assert_eq!(
            (e.offset, e.expected),
            (3, "end of value (a '*' Contact has no parameters)")
        );
        let named_star = Contact::parse("* <sip:a@h>").unwrap();
        assert_eq!(
            named_star.address().and_then(|a| a.addr.display_name),
            Some("*")
        );
        let e = Contact::parse("<sip:a@h>;q").unwrap();
        assert_eq!(e.q(), None);
        let c = Contact::parse(
            "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600",
        )
        .unwrap();
        let text = String::from_utf8(c.to_value_bytes()).unwrap();
        assert_eq!(
            text,
            "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7;expires=3600"
        );
        assert_eq!(Contact::parse(&text).unwrap(), c);
    }
}
