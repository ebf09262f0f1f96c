//! Authentication credentials: Authorization and Proxy-Authorization
//! (RFC 3261 §20.7, §20.28, §22; RFC 7616 §3.4; RFC 8760).

use std::borrow::Cow;

use super::auth::{
    auth_header, is_true, parse_nc, scheme_and_params, write_scheme_and_params, Algorithm,
    AuthParams, Qop, QuotingRule,
};
use crate::message::grammar::parse_all;
use crate::message::{HeaderName, TypedHeader, ValueError};

/// Credentials: an authentication scheme and its parameters, answering a
/// [`Challenge`](super::Challenge).
///
/// Digest parameters are checked when parsing (quotes closed, each
/// parameter once, `nc` as 8 hex digits); required parameters are not
/// enforced here, so every accessor returns an `Option`. Other schemes keep
/// the text after the scheme raw.
///
/// ```
/// use sansip::message::headers::{Credentials, Qop};
/// let c = Credentials::parse(
///     r#"Digest username="bob", realm="biloxi.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.example.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
/// ).unwrap();
/// assert_eq!(c.username().as_deref(), Some("bob"));
/// assert_eq!(c.uri().as_deref(), Some("sip:bob@biloxi.example.com"));
/// assert_eq!(c.qop(), Some(Qop::Auth));
/// assert_eq!(c.nc(), Some(1));
/// ```
#[derive(Debug, Clone, Copy, Eq)]
pub struct Credentials<'a> {
    /// The scheme as written (`Digest`, ...).
    pub scheme: &'a str,
    /// The parameters (for non-digest schemes: the raw rest of the value).
    pub params: AuthParams<'a>,
}

impl PartialEq for Credentials<'_> {
    /// Scheme compared without case, parameters as [`AuthParams`] compares.
    fn eq(&self, other: &Self) -> bool {
        self.scheme.eq_ignore_ascii_case(other.scheme) && self.params == other.params
    }
}

/// How RFC 7616 §3.4 writes each credentials parameter.
const CREDENTIALS_QUOTING: QuotingRule = QuotingRule {
    quoted: &[
        "username", "realm", "nonce", "uri", "response", "cnonce", "opaque",
    ],
    token: &["algorithm", "qop", "nc", "userhash"],
};

impl<'a> Credentials<'a> {
    /// Parses a credentials value.
    pub fn parse(value: &'a str) -> Result<Credentials<'a>, ValueError> {
        parse_all(value, scheme_and_params).map(|(scheme, params)| Credentials { scheme, params })
    }

    /// Writes the credentials: username, realm, nonce, uri, response,
    /// cnonce and opaque quoted; algorithm, qop, nc and userhash bare;
    /// unknown parameters as received.
    pub fn write(&self, out: &mut Vec<u8>) {
        write_scheme_and_params(out, self.scheme, &self.params, |n| {
            CREDENTIALS_QUOTING.of(n)
        });
    }

    /// Whether the scheme is `Digest` (any case).
    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("Digest")
    }

    /// `username`, unquoted (a hash of it when [`userhash`](Self::userhash)
    /// is set).
    pub fn username(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("username")
    }

    /// `realm`, unquoted.
    pub fn realm(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("realm")
    }

    /// `nonce`, unquoted.
    pub fn nonce(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("nonce")
    }

    /// `uri` (the digest-uri), unquoted.
    pub fn uri(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("uri")
    }

    /// `response` (the request digest in hex), unquoted.
    pub fn response(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("response")
    }

    /// `algorithm`; `None` when absent, which means MD5.
    pub fn algorithm(&self) -> Option<Algorithm<'a>> {
        self.params
            .get_token("algorithm")
            .map(Algorithm::from_token)
    }

    /// `cnonce`, unquoted.
    pub fn cnonce(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("cnonce")
    }

    /// `opaque`, unquoted.
    pub fn opaque(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("opaque")
    }

    /// `qop`: the one quality of protection chosen.
    pub fn qop(&self) -> Option<Qop<'a>> {
        self.params.get_token("qop").map(Qop::from_token)
    }

    /// `nc` (nonce count) as a number; `None` when absent or not 8 hex
    /// digits.
    pub fn nc(&self) -> Option<u32> {
        self.params.get("nc").and_then(parse_nc)
    }

    /// `userhash`: whether `username` is a hash (RFC 7616 §3.4.4).
    pub fn userhash(&self) -> bool {
        is_true(self.params.get("userhash"))
    }
}

auth_header!(
    /// `Authorization` (RFC 3261 §20.7): credentials for a user agent server
    /// or registrar. Dereferences to [`Credentials`].
    ///
    /// ```
    /// use sansip::message::{headers::Authorization, TypedHeader};
    /// let a = Authorization::parse(r#"Digest username="alice", nc=0000000f"#).unwrap();
    /// assert_eq!(a.nc(), Some(15));
    /// assert_eq!(a.to_value_bytes(), br#"Digest username="alice", nc=0000000f"#);
    /// ```
    Authorization(Credentials),
    Authorization
);

auth_header!(
    /// `Proxy-Authorization` (RFC 3261 §20.28): credentials for a proxy.
    /// Dereferences to [`Credentials`].
    ProxyAuthorization(Credentials),
    ProxyAuthorization
);

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_3261_EXAMPLE: &str = "Digest username=\"bob\",\r\n realm=\"biloxi.example.com\",\r\n nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n uri=\"sip:bob@biloxi.example.com\",\r\n qop=auth,\r\n nc=00000001,\r\n cnonce=\"0a4f113b\",\r\n response=\"6629fae49393a05397450978507c4ef1\",\r\n opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

    #[test]
    fn folded_rfc_3261_credentials() {
        let c = Credentials::parse(RFC_3261_EXAMPLE).unwrap();
        assert!(c.is_digest());
        assert_eq!(c.realm().as_deref(), Some("biloxi.example.com"));
        assert_eq!(
            c.nonce().as_deref(),
            Some("dcd98b7102dd2f0e8b11d0f600bfb0c093")
        );
        assert_eq!(
            c.response().as_deref(),
            Some("6629fae49393a05397450978507c4ef1")
        );
        assert_eq!(c.cnonce().as_deref(), Some("0a4f113b"));
        assert_eq!(
            c.opaque().as_deref(),
            Some("5ccc069c403ebaf9f0171e9517f40e41")
        );
        assert_eq!(c.algorithm(), None);
        assert!(!c.userhash());
    }

    #[test]
    fn rfc_7616_userhash_credentials() {
        let c = Credentials::parse(
            r#"Digest username="793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true"#,
        )
        .unwrap();
        assert_eq!(c.algorithm(), Some(Algorithm::Sha512_256));
        assert!(c.userhash());
        assert_eq!(c.uri().as_deref(), Some("/doe.json"));
    }

    #[test]
    fn lax_quoting_is_read_and_written_canonically() {
        let c = Credentials::parse(
            r#"Digest USERNAME=bob, qop="auth-int", nc="000000FF", algorithm="MD5", uri=sip:bob@b.example, response="ab""#,
        )
        .unwrap();
        assert_eq!(c.username().as_deref(), Some("bob"));
        assert_eq!(c.qop(), Some(Qop::AuthInt));
        assert_eq!(c.nc(), Some(255));
        assert_eq!(c.uri().as_deref(), Some("sip:bob@b.example"));
        let out = {
            let mut v = Vec::new();
            c.write(&mut v);
            v
        };
        assert_eq!(
            out,
            br#"Digest USERNAME="bob", qop=auth-int, nc=000000FF, algorithm=MD5, uri="sip:bob@b.example", response="ab""#
        );
        assert_eq!(
            Credentials::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            c
        );
    }

    #[test]
    fn strict_where_it_matters() {
        let e = |s| Credentials::parse(s).unwrap_err();
        assert_eq!(e("Digest nc=1"), ValueError::new(10, "nc as 8 hex digits"));
        assert_eq!(
            e("Digest nc=000000001"),
            ValueError::new(10, "nc as 8 hex digits")
        );
        assert_eq!(
            e("Digest username=\"bob"),
            ValueError::new(16, "a closing quote")
        );
        assert_eq!(
            e("Digest username=\"a\\"),
            ValueError::new(18, "an escaped character")
        );
        assert_eq!(
            e("Digest uri=\"a\", URI=\"b\""),
            ValueError::new(16, "each parameter only once")
        );
    }

    #[test]
    fn other_schemes_and_round_trip_through_the_header_types() {
        let b = Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
        assert!(!b.is_digest());
        assert_eq!(b.params.as_str(), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let a = Authorization::parse(RFC_3261_EXAMPLE).unwrap();
        let bytes = a.to_value_bytes();
        assert_eq!(
            Authorization::parse(std::str::from_utf8(&bytes).unwrap()).unwrap(),
            a
        );
        let p = ProxyAuthorization::parse(RFC_3261_EXAMPLE).unwrap();
        assert_eq!(p.0, a.0);
        assert_eq!(ProxyAuthorization::NAME, HeaderName::ProxyAuthorization);
    }
}
