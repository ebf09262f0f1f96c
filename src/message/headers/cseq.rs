//! CSeq (RFC 3261 §20.16).

use crate::message::grammar::{is_token_byte, skip_lws, token, PResult};
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

/// `cseq` for `1*10DIGIT 1*SP token` and nothing else: the same runs the
/// full grammar takes (its white space skip would stop at the same token
/// byte), so `Some` is always what `parse_all(value, cseq)` returns.
fn cseq_compact(value: &str) -> Option<CSeq> {
    let b = value.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 10 {
        return None;
    }
    let seq = b[..n]
        .iter()
        .fold(0u64, |s, &d| s * 10 + u64::from(d - b'0'));
    let seq = u32::try_from(seq).ok().filter(|&s| s < 1 << 31)?;
    let spaces = b[n..].iter().take_while(|&&c| c == b' ').count();
    let m = &b[n + spaces..];
    if spaces == 0 || m.is_empty() || !m.iter().all(|&c| is_token_byte(c)) {
        return None;
    }
    let method = Method::from_bytes(m).unwrap_or(Method::Options);
    Some(CSeq { seq, method })
}

impl<'a> TypedHeader<'a> for CSeq {
    const NAME: HeaderName = HeaderName::CSeq;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        // Nearly every CSeq is `digits SP token`; anything else (more white
        // space kinds, errors) goes through the full grammar.
        if let Some(c) = cseq_compact(value) {
            return Ok(c);
        }
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

    /// The compact reader agrees with the full grammar wherever it answers.
    #[test]
    fn compact_reader_agrees_with_the_full_grammar() {
        let mut values: Vec<String> = crate::message::test_corpus::field_values()
            .into_iter()
            .filter(|(n, _)| *n == HeaderName::CSeq)
            .map(|(_, v)| v)
            .collect();
        values.extend(
            [
                "1 INVITE",
                "0 ACK",
                "2147483647 BYE",
                "2147483648 BYE",
                "4294967295 BYE",
                "4294967296 BYE",
                "99999999999 BYE",
                "00000000001 BYE",
                "1  INVITE",
                "1\tINVITE",
                "1 \tINVITE",
                "1 INVITE ",
                "1 INVITE\t",
                "1 IN VITE",
                "1 INVITE,",
                "1",
                "1 ",
                "INVITE",
                " 1 INVITE",
                "-1 INVITE",
                "+1 INVITE",
                "1 é",
                "1 NEWMETHOD",
                "",
            ]
            .map(str::to_owned),
        );
        for v in &values {
            let full = crate::message::grammar::parse_all(v, cseq);
            if let Some(fast) = cseq_compact(v) {
                assert_eq!(Ok(fast), full.clone(), "{v:?}");
            }
            assert_eq!(CSeq::parse(v), full, "{v:?}");
        }
    }

    #[test]
    fn cseq_out_of_range_or_without_method_is_rejected() {
        assert!(CSeq::parse("2147483648 INVITE").is_err());
        assert!(CSeq::parse("-1 INVITE").is_err());
        assert!(CSeq::parse("1").is_err());
        assert!(CSeq::parse("1INVITE").is_err());
    }
}
