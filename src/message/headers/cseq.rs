//! CSeq (RFC 3261 §20.16).

use crate::message::grammar::{skip_lws, token, PResult};
use crate::message::{HeaderName, Method, TypedHeader, ValueError};

/// `CSeq: 4711 INVITE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// Sequence number (below 2**31, RFC 3261 §8.1.1.5).
    pub seq: u32,
    /// The request's method.
    pub method: Method,
}

fn cseq(i: &str) -> PResult<'_, CSeq> {
    let n = i.bytes().take_while(u8::is_ascii_digit).count();
    let seq = match i[..n].parse::<u32>() {
        Ok(s) if n > 0 && s < 1 << 31 => s,
        _ => return crate::message::grammar::fail(i, "a sequence number below 2**31"),
    };
    let rest = &i[n..];
    let after = skip_lws(rest);
    if after.len() == rest.len() {
        return crate::message::grammar::fail(rest, "white space before the method");
    }
    let (r, m) = token(after).map_err(|_| {
        nom::Err::Error(crate::message::grammar::GrammarError {
            rest: after,
            expected: "a method token",
        })
    })?;
    let method = Method::from_bytes(m.as_bytes()).unwrap_or(Method::Options);
    Ok((r, CSeq { seq, method }))
}

impl<'a> TypedHeader<'a> for CSeq {
    const NAME: HeaderName = HeaderName::CSeq;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        crate::message::grammar::parse_all(value, cseq)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.seq.to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.method.as_str().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq_reads_number_and_method() {
        let c = CSeq::parse("0  NEWMETHOD").unwrap();
        assert_eq!(c.seq, 0);
        assert_eq!(c.method.as_str(), "NEWMETHOD");
    }

    #[test]
    fn cseq_out_of_range_or_without_method_is_rejected() {
        assert!(CSeq::parse("2147483648 INVITE").is_err());
        assert!(CSeq::parse("-1 INVITE").is_err());
        assert!(CSeq::parse("1").is_err());
        assert!(CSeq::parse("1INVITE").is_err());
    }
}
