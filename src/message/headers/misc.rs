//! Small headers: Timestamp, Priority, MIME-Version and In-Reply-To.

use nom::Parser;

use super::lex::{leading_digits, number_u32, write_num};
use crate::message::grammar::{expect, fail, parse_all, skip_lws, token, PResult};
use crate::message::{HeaderName, TypedHeader, ValueError};

/// `Timestamp: time [delay]` (RFC 3261 §20.38), both decimal numbers of
/// seconds with an optional fraction. Kept as written, because a UAS must
/// echo the time exactly (§8.2.6.1).
///
/// ```
/// use sansip::message::{headers::Timestamp, TypedHeader};
/// let t = Timestamp::parse("54.21 0.3").unwrap();
/// assert_eq!((t.time, t.delay), ("54.21", Some("0.3")));
/// assert_eq!(t.time_secs(), Some(54.21));
/// // A UAS echoes the time and adds its delay:
/// let reply = Timestamp { time: t.time, delay: Some("0.025") };
/// assert_eq!(reply.to_value_bytes(), b"54.21 0.025");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp<'a> {
    /// The time the client put in the request: `1*DIGIT ["." *DIGIT]`.
    pub time: &'a str,
    /// The delay the server added: `*DIGIT ["." *DIGIT]` with at least one
    /// digit.
    pub delay: Option<&'a str>,
}

impl Timestamp<'_> {
    /// The time as a number of seconds.
    pub fn time_secs(&self) -> Option<f64> {
        self.time.parse().ok()
    }

    /// The delay as a number of seconds.
    pub fn delay_secs(&self) -> Option<f64> {
        self.delay?.parse().ok()
    }
}

/// `*DIGIT ["." *DIGIT]` with at least one digit in all.
fn decimal<'a>(i: &'a str, expected: &'static str) -> PResult<'a, &'a str> {
    let int = leading_digits(i).len();
    let (frac, dot) = match i[int..].strip_prefix('.') {
        Some(after) => (leading_digits(after).len(), 1),
        None => (0, 0),
    };
    if int + frac == 0 {
        return fail(i, expected);
    }
    let n = int + dot + frac;
    Ok((&i[n..], &i[..n]))
}

fn timestamp(i: &str) -> PResult<'_, Timestamp<'_>> {
    if !i.starts_with(|c: char| c.is_ascii_digit()) {
        return fail(i, "a timestamp (digits with an optional fraction)");
    }
    let (rest, time) = decimal(i, "a timestamp (digits with an optional fraction)")?;
    let j = skip_lws(rest);
    if j.is_empty() || j.len() == rest.len() {
        return Ok((rest, Timestamp { time, delay: None }));
    }
    let (rest, delay) = decimal(j, "a delay (digits with an optional fraction)")?;
    Ok((
        rest,
        Timestamp {
            time,
            delay: Some(delay),
        },
    ))
}

impl<'a> TypedHeader<'a> for Timestamp<'a> {
    const NAME: HeaderName = HeaderName::Timestamp;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, timestamp)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.time.as_bytes());
        if let Some(d) = self.delay {
            out.push(b' ');
            out.extend_from_slice(d.as_bytes());
        }
    }
}

/// `Priority` (RFC 3261 §20.26): the urgency of a request as the caller
/// sees it. Read without case; written in lower case.
///
/// ```
/// use sansip::message::{headers::Priority, TypedHeader};
/// assert_eq!(Priority::parse("Emergency").unwrap(), Priority::Emergency);
/// assert_eq!(Priority::parse("x-low").unwrap(), Priority::Other("x-low"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority<'a> {
    /// `emergency`.
    Emergency,
    /// `urgent`.
    Urgent,
    /// `normal`.
    Normal,
    /// `non-urgent`.
    NonUrgent,
    /// Another token, as written.
    Other(&'a str),
}

impl<'a> Priority<'a> {
    const KNOWN: [(&'static str, Priority<'static>); 4] = [
        ("emergency", Priority::Emergency),
        ("urgent", Priority::Urgent),
        ("normal", Priority::Normal),
        ("non-urgent", Priority::NonUrgent),
    ];

    /// Reads a priority token (any case).
    pub fn from_token(s: &'a str) -> Priority<'a> {
        Self::KNOWN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map_or(Priority::Other(s), |&(_, p)| p)
    }

    /// The token as it goes on the wire.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Priority::Emergency => "emergency",
            Priority::Urgent => "urgent",
            Priority::Normal => "normal",
            Priority::NonUrgent => "non-urgent",
            Priority::Other(s) => s,
        }
    }
}

impl<'a> TypedHeader<'a> for Priority<'a> {
    const NAME: HeaderName = HeaderName::Priority;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, |i| {
            expect("a priority (emergency, urgent, normal, non-urgent)", token)
                .parse(i)
                .map(|(r, t)| (r, Priority::from_token(t)))
        })
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_str().as_bytes());
    }
}

/// `MIME-Version: 1.0` (RFC 3261 §20.24).
///
/// ```
/// use sansip::message::{headers::MimeVersion, TypedHeader};
/// assert_eq!(MimeVersion::parse("1.0").unwrap(), MimeVersion { major: 1, minor: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MimeVersion {
    /// The number before the dot.
    pub major: u32,
    /// The number after the dot.
    pub minor: u32,
}

fn mime_version(i: &str) -> PResult<'_, MimeVersion> {
    let (i, major) = number_u32(i, "a major version number")?;
    let Some(i) = i.strip_prefix('.') else {
        return fail(i, "'.' between the version numbers");
    };
    let (i, minor) = number_u32(i, "a minor version number")?;
    Ok((i, MimeVersion { major, minor }))
}

impl<'a> TypedHeader<'a> for MimeVersion {
    const NAME: HeaderName = HeaderName::MimeVersion;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, mime_version)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        write_num(out, self.major);
        out.push(b'.');
        write_num(out, self.minor);
    }
}

/// One `In-Reply-To` Call-ID (RFC 3261 §20.21; a list header). Compared
/// byte for byte, like Call-ID.
///
/// ```
/// use sansip::message::{headers::InReplyTo, TypedHeader};
/// assert_eq!(InReplyTo::parse("70710@saturn.bell-tel.com").unwrap().0, "70710@saturn.bell-tel.com");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InReplyTo<'a>(pub &'a str);

impl<'a> TypedHeader<'a> for InReplyTo<'a> {
    const NAME: HeaderName = HeaderName::InReplyTo;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, super::simple::call_id).map(InReplyTo)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = Timestamp::parse("54").unwrap();
        assert_eq!((t.time, t.delay), ("54", None));
        let t = Timestamp::parse("1. .5").unwrap();
        assert_eq!((t.time_secs(), t.delay_secs()), (Some(1.0), Some(0.5)));
        let e = |s| Timestamp::parse(s).unwrap_err();
        assert_eq!(
            e(".5"),
            ValueError::new(0, "a timestamp (digits with an optional fraction)")
        );
        assert_eq!(
            e("5 ."),
            ValueError::new(2, "a delay (digits with an optional fraction)")
        );
        assert_eq!(
            e("5 x"),
            ValueError::new(2, "a delay (digits with an optional fraction)")
        );
        assert_eq!(e("5x"), ValueError::new(1, "end of value"));
        assert_eq!(e("5 1 2"), ValueError::new(4, "end of value"));
        let t = Timestamp::parse(" 100.250  \t 3 ").unwrap();
        let out = t.to_value_bytes();
        assert_eq!(out, b"100.250 3");
        assert_eq!(
            Timestamp::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            t
        );
    }

    #[test]
    fn priorities() {
        assert_eq!(
            Priority::parse("NON-URGENT").unwrap().to_value_bytes(),
            b"non-urgent"
        );
        assert_eq!(
            Priority::parse("").unwrap_err(),
            ValueError::new(0, "a priority (emergency, urgent, normal, non-urgent)")
        );
        assert_eq!(
            Priority::parse("a b").unwrap_err(),
            ValueError::new(2, "end of value")
        );
        assert_eq!(Priority::parse("Urgent").unwrap(), Priority::Urgent);
        assert_eq!(Priority::Normal.to_value_bytes(), b"normal");
    }

    #[test]
    fn mime_versions() {
        let e = |s| MimeVersion::parse(s).unwrap_err();
        assert_eq!(
            e("1"),
            ValueError::new(1, "'.' between the version numbers")
        );
        assert_eq!(e("1."), ValueError::new(2, "a minor version number"));
        assert_eq!(e("x.0"), ValueError::new(0, "a major version number"));
        let v = MimeVersion {
            major: 1,
            minor: 10,
        };
        assert_eq!(
            MimeVersion::parse(std::str::from_utf8(&v.to_value_bytes()).unwrap()).unwrap(),
            v
        );
    }

    #[test]
    fn in_reply_to() {
        assert_eq!(
            InReplyTo::parse("a@b@c").unwrap_err(),
            ValueError::new(0, "a Call-ID (word [@ word])")
        );
        assert_eq!(
            InReplyTo::parse("17320@shanghai.chinatel.cn")
                .unwrap()
                .to_value_bytes(),
            b"17320@shanghai.chinatel.cn"
        );
    }
}
