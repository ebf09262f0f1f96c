//! Warning (RFC 3261 §20.43): extra information about a response's status.

use std::borrow::Cow;

use std::io::Write;

use super::lex::require_lws;
use crate::message::grammar::{
    fail, is_lws_byte, is_token_byte, parse_all, quoted_string, unquote, PResult,
};
use crate::message::host::{hostport, Host};
use crate::message::{HeaderName, TypedHeader, ValueError};

/// One `Warning` value: `warn-code SP warn-agent SP warn-text` (a list
/// header), e.g. `307 isi.edu "Session parameter 'foo' not understood"`.
///
/// ```
/// use sansip::message::{headers::Warning, TypedHeader};
/// let w = Warning::parse(r#"301 isi.edu "Incompatible network address type 'E.164'""#).unwrap();
/// assert_eq!(w.code, 301);
/// assert_eq!(w.agent, "isi.edu");
/// assert_eq!(w.text(), "Incompatible network address type 'E.164'");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Warning<'a> {
    /// The three-digit warning code (RFC 3261 §20.43 lists 300 to 399).
    pub code: u16,
    /// The agent that added the warning: `host[:port]` or a pseudonym.
    pub agent: &'a str,
    /// The text as a quoted string, quotes and escapes as on the wire.
    pub quoted_text: &'a str,
}

impl<'a> Warning<'a> {
    /// The text without quotes and escapes.
    pub fn text(&self) -> Cow<'a, str> {
        unquote(self.quoted_text)
    }

    /// The agent as `host[:port]`, when it is one rather than a pseudonym.
    pub fn agent_hostport(&self) -> Option<(Host<'a>, Option<u16>)> {
        match hostport(self.agent) {
            Ok(("", hp)) => Some(hp),
            _ => None,
        }
    }
}

fn warn_code(i: &str) -> PResult<'_, u16> {
    let b = i.as_bytes();
    if b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && !b.get(3).is_some_and(u8::is_ascii_digit)
    {
        let code = b[..3]
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        return Ok((&i[3..], code));
    }
    fail(i, "a 3-digit warning code")
}

fn warn_agent(i: &str) -> PResult<'_, &str> {
    const EXPECTED: &str = "a warning agent (host[:port] or pseudonym)";
    let n = i
        .bytes()
        .take_while(|&b| !is_lws_byte(b) && b != b'"')
        .count();
    let agent = &i[..n];
    let is_hostport = matches!(hostport(agent), Ok(("", _)));
    let is_pseudonym = !agent.is_empty() && agent.bytes().all(is_token_byte);
    if !is_hostport && !is_pseudonym {
        return fail(i, EXPECTED);
    }
    Ok((&i[n..], agent))
}

fn warning(i: &str) -> PResult<'_, Warning<'_>> {
    let (i, code) = warn_code(i)?;
    let (i, _) = require_lws(i, "a space after the warning code")?;
    let (i, agent) = warn_agent(i)?;
    let (i, _) = require_lws(i, "a space after the warning agent")?;
    if !i.starts_with('"') {
        return fail(i, "the warning text as a quoted string");
    }
    let (i, quoted_text) = quoted_string(i)?;
    Ok((
        i,
        Warning {
            code,
            agent,
            quoted_text,
        },
    ))
}

impl<'a> TypedHeader<'a> for Warning<'a> {
    const NAME: HeaderName = HeaderName::Warning;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, warning)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        // Writing to a Vec cannot fail.
        let _ = write!(out, "{:03}", self.code);
        out.push(b' ');
        out.extend_from_slice(self.agent.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.quoted_text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_are_hostports_or_pseudonyms() {
        let w = Warning::parse("370 [2001:db8::1]:5060 \"Insufficient bandwidth\"").unwrap();
        assert!(w.agent_hostport().unwrap().0.ip().is_some());
        assert_eq!(w.agent_hostport().unwrap().1, Some(5060));
        let w = Warning::parse("399 my-proxy \"x \\\"y\\\"\"").unwrap();
        assert_eq!(w.agent, "my-proxy");
        assert_eq!(w.text(), "x \"y\"");
        let w = Warning::parse("399 192.0.2.1:5060 \"\"").unwrap();
        assert_eq!(w.text(), "");
    }

    #[test]
    fn errors() {
        let e = |s| Warning::parse(s).unwrap_err();
        assert_eq!(
            e("30 a \"x\""),
            ValueError::new(0, "a 3-digit warning code")
        );
        assert_eq!(
            e("3011 a \"x\""),
            ValueError::new(0, "a 3-digit warning code")
        );
        assert_eq!(
            e("301a \"x\""),
            ValueError::new(3, "a space after the warning code")
        );
        assert_eq!(
            e("301 \"x\""),
            ValueError::new(4, "a warning agent (host[:port] or pseudonym)")
        );
        assert_eq!(
            e("301 [::1 \"x\""),
            ValueError::new(4, "a warning agent (host[:port] or pseudonym)")
        );
        assert_eq!(
            e("301 a\"x\""),
            ValueError::new(5, "a space after the warning agent")
        );
        assert_eq!(
            e("301 a x"),
            ValueError::new(6, "the warning text as a quoted string")
        );
        assert_eq!(e("301 a \"x"), ValueError::new(6, "a closing quote"));
        assert_eq!(e("301 a \"x\" y"), ValueError::new(10, "end of value"));
    }

    #[test]
    fn round_trip() {
        let w =
            Warning::parse("307   isi.edu \t\"Session parameter 'foo' not understood\"").unwrap();
        let out = w.to_value_bytes();
        assert_eq!(
            out,
            b"307 isi.edu \"Session parameter 'foo' not understood\""
        );
        assert_eq!(
            Warning::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            w
        );
        let low = Warning {
            code: 7,
            agent: "a",
            quoted_text: "\"\"",
        };
        assert_eq!(low.to_value_bytes(), b"007 a \"\"");
    }
}
