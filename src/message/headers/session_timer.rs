//! Session timers (RFC 4028): Session-Expires and Min-SE.

use super::lex::{check_params, number_u32, write_num, DELTA_SECONDS};
use crate::message::grammar::{params, parse_all, write_params, PResult};
use crate::message::{HeaderName, Params, TypedHeader, ValueError};

/// Who refreshes the session (RFC 4028 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refresher {
    /// `uac`: the user agent client (the side that sent the request).
    Uac,
    /// `uas`: the user agent server.
    Uas,
}

impl Refresher {
    /// The parameter value, `uac` or `uas`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Refresher::Uac => "uac",
            Refresher::Uas => "uas",
        }
    }

    fn from_value(v: Option<&str>) -> Option<Refresher> {
        match v? {
            v if v.eq_ignore_ascii_case("uac") => Some(Refresher::Uac),
            v if v.eq_ignore_ascii_case("uas") => Some(Refresher::Uas),
            _ => None,
        }
    }
}

/// `Session-Expires: delta-seconds;refresher=uac|uas;params` (RFC 4028
/// §4; compact form `x`). The refresher, when present, must be `uac` or
/// `uas`.
///
/// ```
/// use sansip::message::{headers::{Refresher, SessionExpires}, TypedHeader};
/// let s = SessionExpires::parse("4000;refresher=uac").unwrap();
/// assert_eq!((s.delta, s.refresher()), (4000, Some(Refresher::Uac)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpires<'a> {
    /// The session interval in seconds.
    pub delta: u32,
    /// Parameters (`refresher`, extensions).
    pub params: Params<'a>,
}

impl SessionExpires<'_> {
    /// The `refresher` parameter.
    pub fn refresher(&self) -> Option<Refresher> {
        Refresher::from_value(self.params.get("refresher").flatten())
    }
}

fn delta_and_params(i: &str) -> PResult<'_, (u32, Params<'_>)> {
    let (i, delta) = number_u32(i, DELTA_SECONDS)?;
    let (rest, params) = params(i)?;
    Ok((rest, (delta, params)))
}

fn session_expires(i: &str) -> PResult<'_, SessionExpires<'_>> {
    let (rest, (delta, params)) = delta_and_params(i)?;
    check_params(i, &params, |name, value| {
        if name.eq_ignore_ascii_case("refresher") && Refresher::from_value(value).is_none() {
            Err("refresher=uac or refresher=uas")
        } else {
            Ok(())
        }
    })?;
    Ok((rest, SessionExpires { delta, params }))
}

impl<'a> TypedHeader<'a> for SessionExpires<'a> {
    const NAME: HeaderName = HeaderName::SessionExpires;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, session_expires)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        write_num(out, self.delta);
        write_params(out, &self.params);
    }
}

/// `Min-SE: delta-seconds;params` (RFC 4028 §5): the smallest session
/// interval a proxy or user agent accepts.
///
/// ```
/// use sansip::message::{headers::MinSe, TypedHeader};
/// assert_eq!(MinSe::parse("90").unwrap().delta, 90);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinSe<'a> {
    /// The minimum session interval in seconds.
    pub delta: u32,
    /// Extension parameters.
    pub params: Params<'a>,
}

impl<'a> TypedHeader<'a> for MinSe<'a> {
    const NAME: HeaderName = HeaderName::MinSe;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, delta_and_params).map(|(delta, params)| MinSe { delta, params })
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        write_num(out, self.delta);
        write_params(out, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_expires_forms() {
        let s = SessionExpires::parse("1800 ; Refresher = UAS ;x=1").unwrap();
        assert_eq!((s.delta, s.refresher()), (1800, Some(Refresher::Uas)));
        assert_eq!(s.params.get("x"), Some(Some("1")));
        assert_eq!(SessionExpires::parse("90").unwrap().refresher(), None);
    }

    #[test]
    fn session_expires_errors() {
        let e = |s| SessionExpires::parse(s).unwrap_err();
        assert_eq!(e("abc"), ValueError::new(0, DELTA_SECONDS));
        assert_eq!(e("4294967296"), ValueError::new(0, DELTA_SECONDS));
        assert_eq!(
            e("90;refresher=both"),
            ValueError::new(13, "refresher=uac or refresher=uas")
        );
        assert_eq!(
            e("90;refresher"),
            ValueError::new(3, "refresher=uac or refresher=uas")
        );
        assert_eq!(e("90 s"), ValueError::new(3, "end of value"));
    }

    #[test]
    fn round_trips() {
        let s = SessionExpires::parse("4000;refresher=uac").unwrap();
        assert_eq!(s.to_value_bytes(), b"4000;refresher=uac");
        let m = MinSe::parse(" 120 ;x ").unwrap();
        let out = m.to_value_bytes();
        assert_eq!(out, b"120;x");
        assert_eq!(MinSe::parse(std::str::from_utf8(&out).unwrap()).unwrap(), m);
        assert_eq!(Refresher::Uas.as_str(), "uas");
    }
}
