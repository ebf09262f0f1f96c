//! Authentication-Info (RFC 3261 §20.6; RFC 7616 §3.5).

use std::borrow::Cow;

use super::auth::{auth_param_list, parse_nc, write_auth_params, AuthParams, Qop, QuotingRule};
use crate::message::grammar::{fail, parse_all, PResult};
use crate::message::{HeaderName, TypedHeader, ValueError};

/// `Authentication-Info`: what a server that accepted digest credentials
/// sends back: the next nonce and a response digest proving it knows the
/// secret. No scheme, just comma-separated parameters (checked like digest
/// parameters: quotes closed, each once, `nc` as 8 hex digits).
///
/// ```
/// use sansip::message::{headers::{AuthenticationInfo, Qop}, TypedHeader};
/// let a = AuthenticationInfo::parse(
///     r#"nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="6629fae4", cnonce="0a4f113b", nc=00000001"#,
/// ).unwrap();
/// assert_eq!(a.nextnonce().as_deref(), Some("47364c23432d2e131a5fb210812c"));
/// assert_eq!(a.qop(), Some(Qop::Auth));
/// assert_eq!(a.nc(), Some(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticationInfo<'a> {
    /// The parameters.
    pub params: AuthParams<'a>,
}

/// How RFC 7616 §3.5 writes each parameter.
const INFO_QUOTING: QuotingRule = QuotingRule {
    quoted: &["nextnonce", "rspauth", "cnonce"],
    token: &["qop", "nc"],
};

fn ainfo(i: &str) -> PResult<'_, AuthParams<'_>> {
    let (rest, params) = auth_param_list(i)?;
    if params.is_empty() {
        return fail(i, "an authentication-info parameter");
    }
    Ok((rest, params))
}

impl<'a> AuthenticationInfo<'a> {
    /// `nextnonce`, unquoted: the nonce to use for the next request.
    pub fn nextnonce(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("nextnonce")
    }

    /// `qop` chosen by the client.
    pub fn qop(&self) -> Option<Qop<'a>> {
        self.params.get_token("qop").map(Qop::from_token)
    }

    /// `rspauth`, unquoted: the response digest (mutual authentication).
    pub fn rspauth(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("rspauth")
    }

    /// `cnonce`, unquoted.
    pub fn cnonce(&self) -> Option<Cow<'a, str>> {
        self.params.get_unquoted("cnonce")
    }

    /// `nc` as a number; `None` when absent or not 8 hex digits.
    pub fn nc(&self) -> Option<u32> {
        self.params.get("nc").and_then(parse_nc)
    }
}

impl<'a> TypedHeader<'a> for AuthenticationInfo<'a> {
    const NAME: HeaderName = HeaderName::AuthenticationInfo;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, ainfo).map(|params| AuthenticationInfo { params })
    }

    /// nextnonce, rspauth and cnonce quoted; qop and nc bare.
    fn write_value(&self, out: &mut Vec<u8>) {
        write_auth_params(out, &self.params, |n| INFO_QUOTING.of(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_round_trips() {
        let a = AuthenticationInfo::parse(
            "nextnonce=abc ,qop=\"auth-int\",rspauth=\"d\\\"e\", nc=0000000A, x=y",
        )
        .unwrap();
        assert_eq!(a.nextnonce().as_deref(), Some("abc"));
        assert_eq!(a.rspauth().as_deref(), Some("d\"e"));
        assert_eq!(a.qop(), Some(Qop::AuthInt));
        assert_eq!(a.nc(), Some(10));
        assert_eq!(a.cnonce(), None);
        let out = a.to_value_bytes();
        assert_eq!(
            out,
            br#"nextnonce="abc", qop=auth-int, rspauth="d\"e", nc=0000000A, x=y"#
        );
        assert_eq!(
            AuthenticationInfo::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            a
        );
    }

    #[test]
    fn errors() {
        let e = |s| AuthenticationInfo::parse(s).unwrap_err();
        assert_eq!(
            e(""),
            ValueError::new(0, "an authentication-info parameter")
        );
        assert_eq!(
            e(" , "),
            ValueError::new(1, "an authentication-info parameter")
        );
        assert_eq!(e("nc=zz"), ValueError::new(3, "nc as 8 hex digits"));
        assert_eq!(
            e("Digest nextnonce=\"a\""),
            ValueError::new(6, "'=' after the parameter name")
        );
    }
}
