//! Authentication challenges: WWW-Authenticate and Proxy-Authenticate
//! (RFC 3261 §20.27, §20.44, §22; RFC 7616 §3.3; RFC 8760).

use std::borrow::Cow;

use super::auth::{
    auth_header, is_true, scheme_and_params, strip_quotes, write_scheme_and_params, Algorithm,
    AuthParams, QopOptions, QuotingRule,
};
use crate::message::grammar::parse_all;
use crate::message::{HeaderName, TypedHeader, ValueError};

/// One challenge: an authentication scheme and its parameters.
///
/// For the `Digest` scheme (compared without case) the parameters are
/// checked as an `auth-param` list when parsing: quoted values must close,
/// each parameter may appear once, `nc` must be 8 hex digits. For any other
/// scheme the text after the scheme is kept raw.
///
/// ```
/// use sansip::message::headers::{Algorithm, Challenge, Qop};
/// let c = Challenge::parse(
///     r#"Digest realm="atlanta.example.com", qop="auth,auth-int", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", stale=FALSE, algorithm=SHA-256"#,
/// ).unwrap();
/// assert!(c.is_digest());
/// assert_eq!(c.realm().as_deref(), Some("atlanta.example.com"));
/// assert_eq!(c.algorithm(), Some(Algorithm::Sha256));
/// assert!(c.qop_options().unwrap().contains(Qop::AuthInt));
/// assert!(!c.stale());
/// assert_eq!(c.opaque().as_deref(), Some(""));
/// ```
#[derive(Debug, Clone, Copy, Eq)]
pub struct Challenge<'a> {
    /// The scheme as written (`Digest`, `Bearer`, ...).
    pub scheme: &'a str,
    /// The parameters (for non-digest schemes: the raw rest of the value).
    pub params: AuthParams<'a>,
}

impl PartialEq for Challenge<'_> {
    /// Scheme compared without case, parameters as [`AuthParams`] compares.
    fn eq(&self, other: &Self) -> bool {
        self.scheme.eq_ignore_ascii_case(other.scheme) && self.params == other.params
    }
}

/// How RFC 7616 §3.3 writes each challenge parameter.
const CHALLENGE_QUOTING: QuotingRule = QuotingRule {
    quoted: &["realm", "domain", "nonce", "opaque", "qop"],
    token: &["stale", "algorithm", "charset", "userhash"],
};

impl<'a> Challenge<'a> {
    /// Parses a challenge value.
    pub fn parse(value: &'a str) -> Result<Challenge<'a>, ValueError> {
        parse_all(value, scheme_and_params).map(|(scheme, params)| Challenge { scheme, params })
    }

    /// Writes the challenge: the scheme, then digest parameters with
    /// realm, domain, nonce, opaque and qop quoted and stale, algorithm,
    /// charset and userhash bare; unknown parameters as received.
    pub fn write(&self, out: &mut Vec<u8>) {
        write_scheme_and_params(out, self.scheme, &self.params, |n| CHALLENGE_QUOTING.of(n));
    }

    /// Whether the scheme is `Digest` (any case).
    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("Digest")
    }

    /// `realm`, unquoted.
    pub fn realm(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("realm")
    }

    /// `domain`, unquoted: a space-separated list of URIs.
    pub fn domain(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("domain")
    }

    /// `nonce`, unquoted.
    pub fn nonce(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("nonce")
    }

    /// `opaque`, unquoted.
    pub fn opaque(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("opaque")
    }

    /// `stale`: true only when the parameter is `true` (any case).
    pub fn stale(&self) -> bool {
        is_true(self.params.get("stale"))
    }

    /// `algorithm`; `None` when absent, which means MD5.
    pub fn algorithm(&self) -> Option<Algorithm<'a>> {
        self.params
            .get_token("algorithm")
            .map(Algorithm::from_token)
    }

    /// The offered `qop` values (`qop="auth,auth-int"`).
    pub fn qop_options(&self) -> Option<QopOptions<'a>> {
        self.params.get_token("qop").map(QopOptions::new)
    }

    /// `userhash` (RFC 7616 §3.4.4): whether the server accepts a hashed
    /// user name.
    pub fn userhash(&self) -> bool {
        is_true(self.params.get("userhash"))
    }

    /// `charset` (RFC 7616 §4), normally `UTF-8`.
    pub fn charset(&self) -> Option<&'a str> {
        self.params.get("charset").map(strip_quotes)
    }
}

auth_header!(
    /// `WWW-Authenticate` (RFC 3261 §20.44): a challenge from a user agent
    /// server or registrar, in a 401. Dereferences to [`Challenge`].
    ///
    /// ```
    /// use sansip::message::{headers::WwwAuthenticate, TypedHeader};
    /// let w = WwwAuthenticate::parse(r#"Digest realm="biloxi.example.com", nonce="dcd98b""#).unwrap();
    /// assert_eq!(w.nonce().as_deref(), Some("dcd98b"));
    /// assert_eq!(w.to_value_bytes(), br#"Digest realm="biloxi.example.com", nonce="dcd98b""#);
    /// ```
    WwwAuthenticate(Challenge),
    WwwAuthenticate
);

auth_header!(
    /// `Proxy-Authenticate` (RFC 3261 §20.27): a challenge from a proxy, in
    /// a 407. Dereferences to [`Challenge`].
    ProxyAuthenticate(Challenge),
    ProxyAuthenticate
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::headers::Qop;

    #[test]
    fn rfc_3261_example_challenge() {
        let c = Challenge::parse(
            "Digest realm=\"atlanta.example.com\", qop=\"auth\",\r\n nonce=\"84a4cc6f3082121f32b42a2187831a9e\",\r\n opaque=\"\", stale=FALSE, algorithm=MD5",
        )
        .unwrap();
        assert_eq!(c.scheme, "Digest");
        assert_eq!(
            c.nonce().as_deref(),
            Some("84a4cc6f3082121f32b42a2187831a9e")
        );
        assert_eq!(c.algorithm(), Some(Algorithm::Md5));
        assert_eq!(
            c.qop_options().unwrap().iter().collect::<Vec<_>>(),
            [Qop::Auth]
        );
        assert!(!c.stale());
        assert_eq!(c.domain(), None);
    }

    #[test]
    fn rfc_7616_sha_256_challenge_with_userhash_and_charset() {
        let c = Challenge::parse(
            r#"digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true"#,
        )
        .unwrap();
        assert!(c.is_digest());
        assert_eq!(c.algorithm(), Some(Algorithm::Sha512_256));
        assert_eq!(c.charset(), Some("UTF-8"));
        assert!(c.userhash());
        assert_eq!(
            c.nonce().as_deref(),
            Some("5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK")
        );
    }

    #[test]
    fn lax_forms_are_accepted() {
        let c = Challenge::parse(
            r#"DIGEST NONCE = "n" ,REALM=r.example,qop=auth,stale="TRUE",algorithm="md5-sess",x-extra=1"#,
        )
        .unwrap();
        assert_eq!(c.realm().as_deref(), Some("r.example"));
        assert!(c.stale());
        assert_eq!(c.algorithm(), Some(Algorithm::Md5Sess));
        assert_eq!(c.qop_options().unwrap().iter().next(), Some(Qop::Auth));
        assert_eq!(c.params.get("X-EXTRA"), Some("1"));
    }

    #[test]
    fn other_schemes_are_kept_raw() {
        let c = Challenge::parse("Bearer realm=\"x\", scope=\"a b\"").unwrap();
        assert!(!c.is_digest());
        assert_eq!(c.realm().as_deref(), Some("x"));
        let n = Challenge::parse("NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==")
            .unwrap();
        assert_eq!(
            n.params.as_str(),
            "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw=="
        );
        assert_eq!(
            n.written(),
            b"NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw=="
        );
        let bare = Challenge::parse("Basic").unwrap();
        assert!(bare.params.is_empty());
    }

    #[test]
    fn errors_have_offsets() {
        let e = |s| Challenge::parse(s).unwrap_err();
        assert_eq!(e(""), ValueError::new(0, "an authentication scheme"));
        assert_eq!(
            e("Digest\"realm\""),
            ValueError::new(6, "white space after the scheme")
        );
        assert_eq!(
            e("Digest realm=\"x, nonce=\"y"),
            ValueError::new(24, "',' between parameters")
        );
        assert_eq!(
            e("Digest realm=\"x"),
            ValueError::new(13, "a closing quote")
        );
        assert_eq!(
            e("Digest realm=a realm=b"),
            ValueError::new(15, "',' between parameters")
        );
        assert_eq!(
            e("Digest realm=a, Realm=b"),
            ValueError::new(16, "each parameter only once")
        );
    }

    #[test]
    fn writes_canonical_quoting_and_round_trips() {
        let c = Challenge::parse(
            r#"Digest realm=a.example ,nonce=abc, qop=auth,stale="true", algorithm="SHA-256", opaque="o\"q", foo="bar""#,
        )
        .unwrap();
        let out = c.written();
        assert_eq!(
            out,
            br#"Digest realm="a.example", nonce="abc", qop="auth", stale=true, algorithm=SHA-256, opaque="o\"q", foo="bar""#
        );
        let back = Challenge::parse(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.opaque().as_deref(), Some("o\"q"));
        let w = WwwAuthenticate(c);
        assert_eq!(
            WwwAuthenticate::parse(std::str::from_utf8(&w.to_value_bytes()).unwrap()).unwrap(),
            w
        );
        assert_eq!(ProxyAuthenticate::NAME, HeaderName::ProxyAuthenticate);
    }

    impl Challenge<'_> {
        fn written(&self) -> Vec<u8> {
            let mut v = Vec::new();
            self.write(&mut v);
            v
        }
    }
}
