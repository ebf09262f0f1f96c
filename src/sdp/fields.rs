//! Typed views of the fixed-format lines: `o=`, `c=`, `m=`, `b=`, `t=`,
//! and the token splitter every SDP grammar here uses.
//!
//! SDP fields are separated by single spaces; the splitter also accepts
//! runs of spaces and tabs, because some endpoints send them and refusing
//! a call over white space helps nobody. What is written back always uses
//! one space.

use std::fmt;

use crate::message::ValueError;

/// Splits a value into white-space separated tokens, each with its offset.
#[derive(Debug, Clone)]
pub(crate) struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Tokens { text, pos: 0 }
    }

    /// The next token, or an error at the end of the value.
    pub(crate) fn need(&mut self, expected: &'static str) -> Result<(usize, &'a str), ValueError> {
        self.next()
            .ok_or_else(|| ValueError::new(self.text.len(), expected))
    }

    /// The next token parsed as a number.
    pub(crate) fn number<T: std::str::FromStr>(
        &mut self,
        expected: &'static str,
    ) -> Result<T, ValueError> {
        let (at, t) = self.need(expected)?;
        number(t, at, expected)
    }

    /// The rest of the value from the next token on (empty at the end).
    pub(crate) fn rest(&mut self) -> (usize, &'a str) {
        let skipped = self.text[self.pos..].trim_start_matches([' ', '\t']);
        let at = self.text.len() - skipped.len();
        self.pos = self.text.len();
        (at, skipped.trim_end_matches([' ', '\t']))
    }

    /// Fails unless every token was read.
    pub(crate) fn end(&mut self) -> Result<(), ValueError> {
        match self.next() {
            None => Ok(()),
            Some((at, _)) => Err(ValueError::new(at, "end of value")),
        }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..)?;
        let start = self.pos + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let tail = &self.text[start..];
        if tail.is_empty() {
            self.pos = self.text.len();
            return None;
        }
        let len = tail.find([' ', '\t']).unwrap_or(tail.len());
        self.pos = start + len;
        Some((start, &tail[..len]))
    }
}

/// Parses an unsigned decimal number: digits only (no sign, no space).
pub(crate) fn number<T: std::str::FromStr>(
    t: &str,
    at: usize,
    expected: &'static str,
) -> Result<T, ValueError> {
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::new(at, expected));
    }
    t.parse().map_err(|_| ValueError::new(at, expected))
}

/// A token of SDP's `token` grammar (RFC 8866 §9): visible ASCII without
/// the separators.
pub(crate) fn is_token(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`{|}~".contains(&b))
}

/// Visible ASCII without white space: what most SDP fields may hold.
pub(crate) fn is_visible(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic())
}

fn token<'a>(toks: &mut Tokens<'a>, expected: &'static str) -> Result<&'a str, ValueError> {
    let (at, t) = toks.need(expected)?;
    if is_visible(t) {
        Ok(t)
    } else {
        Err(ValueError::new(at, expected))
    }
}

/// The `o=` line: who made the description and which version it is.
///
/// ```
/// use sansip::sdp::Origin;
/// let o = Origin::parse("- 4611731400430051336 2 IN IP4 127.0.0.1")?;
/// assert_eq!((o.session_id, o.session_version), ("4611731400430051336", 2));
/// assert_eq!(o.to_string(), "- 4611731400430051336 2 IN IP4 127.0.0.1");
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The user's login, or `-`.
    pub username: &'a str,
    /// The session id: digits, kept as text because some endpoints send
    /// more than 64 bits of them.
    pub session_id: &'a str,
    /// The version, which goes up by one with every changed description
    /// (RFC 3264 §8).
    pub session_version: u64,
    /// `IN`.
    pub net_type: &'a str,
    /// `IP4` or `IP6`.
    pub addr_type: &'a str,
    /// The address or host name of the originator.
    pub address: &'a str,
}

impl<'a> Origin<'a> {
    /// Parses the value of an `o=` line.
    pub fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let username = token(&mut t, "username")?;
        let (at, session_id) = t.need("session id")?;
        if !session_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::new(at, "numeric session id"));
        }
        let session_version = t.number("numeric session version")?;
        let net_type = token(&mut t, "network type")?;
        let addr_type = token(&mut t, "address type")?;
        let address = token(&mut t, "unicast address")?;
        t.end()?;
        Ok(Origin {
            username,
            session_id,
            session_version,
            net_type,
            addr_type,
            address,
        })
    }
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {}",
            self.username,
            self.session_id,
            self.session_version,
            self.net_type,
            self.addr_type,
            self.address
        )
    }
}

/// The `c=` line: where media goes.
///
/// ```
/// use sansip::sdp::Connection;
/// let c = Connection::parse("IN IP4 192.0.2.5")?;
/// assert_eq!(c.address, "192.0.2.5");
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection<'a> {
    /// `IN`.
    pub net_type: &'a str,
    /// `IP4` or `IP6`.
    pub addr_type: &'a str,
    /// The address, with `/ttl` and `/count` for multicast as written.
    pub address: &'a str,
}

impl<'a> Connection<'a> {
    /// Parses the value of a `c=` line.
    pub fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let net_type = token(&mut t, "network type")?;
        let addr_type = token(&mut t, "address type")?;
        let address = token(&mut t, "connection address")?;
        t.end()?;
        Ok(Connection {
            net_type,
            addr_type,
            address,
        })
    }

    /// `IN IP4 <addr>` or `IN IP6 <addr>`, by the address's form.
    pub fn for_address(address: &'a str) -> Self {
        Connection {
            net_type: "IN",
            addr_type: if address.contains(':') { "IP6" } else { "IP4" },
            address,
        }
    }

    /// Whether the address is the RFC 2543 hold form `0.0.0.0`, which some
    /// older endpoints still send to put a call on hold.
    pub fn is_null(&self) -> bool {
        self.address == "0.0.0.0"
    }
}

impl fmt::Display for Connection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.net_type, self.addr_type, self.address)
    }
}

/// The `m=` line: media type, port, transport protocol and formats.
///
/// ```
/// use sansip::sdp::MediaLine;
/// let m = MediaLine::parse("audio 49170 RTP/AVP 0 8 101")?;
/// assert_eq!((m.media, m.port, m.proto), ("audio", 49170, "RTP/AVP"));
/// assert_eq!(m.formats().collect::<Vec<_>>(), ["0", "8", "101"]);
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaLine<'a> {
    /// `audio`, `video`, `application`, ...
    pub media: &'a str,
    /// The transport port; 0 rejects or disables the stream.
    pub port: u16,
    /// The `/<number of ports>` suffix, if written.
    pub port_count: Option<u16>,
    /// `RTP/AVP`, `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, ...
    pub proto: &'a str,
    /// The formats as written, separated by white space.
    pub format_list: &'a str,
}

impl<'a> MediaLine<'a> {
    /// Parses the value of an `m=` line.
    pub fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let (at, media) = t.need("media type")?;
        if !is_token(media) {
            return Err(ValueError::new(at, "media type"));
        }
        let (at, ports) = t.need("port")?;
        let (port, count) = match ports.split_once('/') {
            Some((p, c)) => (p, Some(c)),
            None => (ports, None),
        };
        let port = number(port, at, "port")?;
        let port_count = count
            .map(|c| number(c, at + ports.len() - c.len(), "number of ports"))
            .transpose()?;
        let proto = token(&mut t, "transport protocol")?;
        let (at, format_list) = t.rest();
        if format_list.is_empty() {
            return Err(ValueError::new(at, "at least one format"));
        }
        if let Some((at2, _)) = Tokens::new(format_list).find(|(_, f)| !is_visible(f)) {
            return Err(ValueError::new(at + at2, "format"));
        }
        Ok(MediaLine {
            media,
            port,
            port_count,
            proto,
            format_list,
        })
    }

    /// The formats (RTP payload types, or `webrtc-datachannel`, ...).
    pub fn formats(&self) -> impl Iterator<Item = &'a str> + 'a {
        Tokens::new(self.format_list).map(|(_, f)| f)
    }

    /// Whether the protocol carries RTP (its formats are payload types).
    pub fn is_rtp(&self) -> bool {
        self.proto.split('/').any(|p| p.eq_ignore_ascii_case("RTP"))
    }
}

impl fmt::Display for MediaLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.media, self.port)?;
        if let Some(c) = self.port_count {
            write!(f, "/{c}")?;
        }
        write!(f, " {}", self.proto)?;
        for fmt in self.formats() {
            write!(f, " {fmt}")?;
        }
        Ok(())
    }
}

/// A `b=` line: `<type>:<kbit/s or bit/s>`.
///
/// ```
/// use sansip::sdp::Bandwidth;
/// assert_eq!(Bandwidth::parse("AS:64")?, Bandwidth { kind: "AS", value: 64 });
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bandwidth<'a> {
    /// `CT`, `AS`, `TIAS`, ...
    pub kind: &'a str,
    /// The value, in the unit the type defines.
    pub value: u64,
}

impl<'a> Bandwidth<'a> {
    /// Parses the value of a `b=` line.
    pub fn parse(value: &'a str) -> Result<Self, ValueError> {
        let (kind, n) = value
            .split_once(':')
            .ok_or(ValueError::new(value.len(), "':' after the bandwidth type"))?;
        if !is_token(kind) {
            return Err(ValueError::new(0, "bandwidth type"));
        }
        Ok(Bandwidth {
            kind,
            value: number(n, kind.len() + 1, "bandwidth value")?,
        })
    }
}

impl fmt::Display for Bandwidth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.value)
    }
}

/// A `t=` line: start and stop times (NTP seconds; `0 0` is unbounded, what
/// every SIP call uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Start time, or 0.
    pub start: u64,
    /// Stop time, or 0.
    pub stop: u64,
}

impl Timing {
    /// Parses the value of a `t=` line.
    pub fn parse(value: &str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let start = t.number("start time")?;
        let stop = t.number("stop time")?;
        t.end()?;
        Ok(Timing { start, stop })
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.start, self.stop)
    }
}
