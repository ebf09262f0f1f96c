//! Reason (RFC 3326): why a request (BYE, CANCEL) or a response was sent.

use std::borrow::Cow;

use nom::Parser;

use super::lex::check_params;
use crate::message::grammar::{expect, params, parse_all, token, unquote, write_params, PResult};
use crate::message::{HeaderName, Params, TypedHeader, ValueError};

/// The protocol a [`Reason`] cause belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonProtocol<'a> {
    /// `SIP`: the cause is a SIP status code.
    Sip,
    /// `Q.850`: the cause is an ISDN cause value (ITU-T Q.850).
    Q850,
    /// Another protocol token, as written.
    Other(&'a str),
}

impl<'a> ReasonProtocol<'a> {
    /// Reads a protocol token (any case).
    pub fn from_token(s: &'a str) -> ReasonProtocol<'a> {
        if s.eq_ignore_ascii_case("SIP") {
            ReasonProtocol::Sip
        } else if s.eq_ignore_ascii_case("Q.850") {
            ReasonProtocol::Q850
        } else {
            ReasonProtocol::Other(s)
        }
    }

    /// The token as it goes on the wire.
    pub fn as_str(&self) -> &'a str {
        match *self {
            ReasonProtocol::Sip => "SIP",
            ReasonProtocol::Q850 => "Q.850",
            ReasonProtocol::Other(s) => s,
        }
    }
}

/// One `Reason` value: `protocol;cause=N;text="..."` (RFC 3326 §2; a list
/// header). `cause` is checked to be a number up to 65535 and `text` to
/// have a value.
///
/// ```
/// use sansip::message::{headers::{Reason, ReasonProtocol}, TypedHeader};
/// let r = Reason::parse("Q.850;cause=16;text=\"Terminated\"").unwrap();
/// assert_eq!(r.protocol, ReasonProtocol::Q850);
/// assert_eq!(r.cause(), Some(16));
/// assert_eq!(r.text().as_deref(), Some("Terminated"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason<'a> {
    /// The protocol of the cause.
    pub protocol: ReasonProtocol<'a>,
    /// Parameters (`cause`, `text`, extensions).
    pub params: Params<'a>,
}

impl<'a> Reason<'a> {
    /// `cause`: a SIP status code or a Q.850 cause value.
    pub fn cause(&self) -> Option<u16> {
        let c = self.params.get("cause").flatten()?;
        if c.bytes().all(|b| b.is_ascii_digit()) {
            c.parse().ok()
        } else {
            None
        }
    }

    /// `text`, unquoted.
    pub fn text(&self) -> Option<Cow<'a, str>> {
        self.params.get("text").flatten().map(unquote)
    }
}

fn reason(i: &str) -> PResult<'_, Reason<'_>> {
    let (rest, protocol) = expect("a protocol (SIP, Q.850, ...)", token).parse(i)?;
    let (after, params) = params(rest)?;
    check_params(rest, &params, |name, value| {
        if name.eq_ignore_ascii_case("cause") {
            match value {
                Some(v)
                    if !v.is_empty()
                        && v.bytes().all(|b| b.is_ascii_digit())
                        && v.parse::<u16>().is_ok() =>
                {
                    Ok(())
                }
                _ => Err("a cause number up to 65535"),
            }
        } else if name.eq_ignore_ascii_case("text") && value.is_none() {
            Err("a reason text (quoted string)")
        } else {
            Ok(())
        }
    })?;
    let protocol = ReasonProtocol::from_token(protocol);
    Ok((after, Reason { protocol, params }))
}

impl<'a> TypedHeader<'a> for Reason<'a> {
    const NAME: HeaderName = HeaderName::Reason;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, reason)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.protocol.as_str().as_bytes());
        write_params(out, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_3326_examples() {
        let r = Reason::parse("SIP ;cause=200 ;text=\"Call completed elsewhere\"").unwrap();
        assert_eq!((r.protocol, r.cause()), (ReasonProtocol::Sip, Some(200)));
        assert_eq!(r.text().as_deref(), Some("Call completed elsewhere"));
        let r = Reason::parse("q.850;cause=16").unwrap();
        assert_eq!((r.protocol, r.text()), (ReasonProtocol::Q850, None));
        let r = Reason::parse("preemption ;cause=1 ;text=UA-preemption").unwrap();
        assert_eq!(r.protocol, ReasonProtocol::Other("preemption"));
        assert_eq!(r.text().as_deref(), Some("UA-preemption"));
    }

    #[test]
    fn errors() {
        let e = |s| Reason::parse(s).unwrap_err();
        assert_eq!(
            e(";cause=1"),
            ValueError::new(0, "a protocol (SIP, Q.850, ...)")
        );
        assert_eq!(
            e("SIP;cause=abc"),
            ValueError::new(10, "a cause number up to 65535")
        );
        assert_eq!(
            e("SIP;cause=70000"),
            ValueError::new(10, "a cause number up to 65535")
        );
        assert_eq!(
            e("SIP;cause"),
            ValueError::new(4, "a cause number up to 65535")
        );
        assert_eq!(
            e("SIP;text"),
            ValueError::new(4, "a reason text (quoted string)")
        );
        assert_eq!(e("SIP;text=\"open"), ValueError::new(9, "a closing quote"));
    }

    #[test]
    fn round_trip() {
        let r = Reason::parse("q.850 ; cause=16 ; text=\"Normal \\\"call\\\" clearing\"").unwrap();
        let out = r.to_value_bytes();
        assert_eq!(out, b"Q.850;cause=16;text=\"Normal \\\"call\\\" clearing\"");
        let back = Reason::parse(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.text().as_deref(), Some("Normal \"call\" clearing"));
    }
}
