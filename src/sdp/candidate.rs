//! `a=candidate:` (RFC 8839 §5.1): one ICE candidate.

use std::fmt;

use super::attributes::SdpAttribute;
use super::fields::{is_visible, number, Tokens};
use crate::message::ValueError;

/// The kind of an ICE candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CandidateType<'a> {
    /// A local interface address.
    Host,
    /// Server reflexive: the address a STUN server saw.
    Srflx,
    /// Peer reflexive: learnt from a connectivity check.
    Prflx,
    /// Relayed through TURN.
    Relay,
    /// A type this crate does not know, as written.
    Other(&'a str),
}

impl<'a> CandidateType<'a> {
    fn parse(t: &'a str) -> Self {
        match t {
            "host" => CandidateType::Host,
            "srflx" => CandidateType::Srflx,
            "prflx" => CandidateType::Prflx,
            "relay" => CandidateType::Relay,
            other => CandidateType::Other(other),
        }
    }

    /// The type as written.
    pub fn as_str(&self) -> &'a str {
        match *self {
            CandidateType::Host => "host",
            CandidateType::Srflx => "srflx",
            CandidateType::Prflx => "prflx",
            CandidateType::Relay => "relay",
            CandidateType::Other(s) => s,
        }
    }
}

/// An ICE candidate.
///
/// The value may be given with or without its `candidate:` prefix, so the
/// strings a browser hands out for trickle ICE parse as they are.
///
/// ```
/// use sansip::sdp::{Candidate, CandidateType, SdpAttribute};
/// let c = Candidate::parse(
///     "842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.1.1 rport 46154 generation 0 network-cost 999",
/// )?;
/// assert_eq!((c.component, c.priority, c.port), (1, 1677729535, 46154));
/// assert_eq!(c.kind, CandidateType::Srflx);
/// assert_eq!((c.related_address, c.related_port), (Some("10.0.1.1"), Some(46154)));
/// assert_eq!(c.extension("network-cost"), Some("999"));
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// Groups candidates of the same type, base and server (1–32 ice-chars).
    pub foundation: &'a str,
    /// 1 for RTP, 2 for RTCP.
    pub component: u16,
    /// `UDP`, `TCP`, ... as written.
    pub transport: &'a str,
    /// The candidate's priority.
    pub priority: u32,
    /// An IP address, or a host name (mDNS `.local`).
    pub address: &'a str,
    /// The port.
    pub port: u16,
    /// host, srflx, prflx, relay.
    pub kind: CandidateType<'a>,
    /// `raddr`, if written.
    pub related_address: Option<&'a str>,
    /// `rport`, if written.
    pub related_port: Option<u16>,
    /// The extension name/value pairs as written (`generation 0 ...`).
    pub extensions: &'a str,
}

impl<'a> Candidate<'a> {
    /// The extension name/value pairs.
    pub fn extensions(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let mut t = Tokens::new(self.extensions);
        std::iter::from_fn(move || Some((t.next()?.1, t.next()?.1)))
    }

    /// One extension's value by name.
    pub fn extension(&self, name: &str) -> Option<&'a str> {
        self.extensions().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

fn is_ice_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

impl<'a> SdpAttribute<'a> for Candidate<'a> {
    const NAME: &'static str = "candidate";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let skip = if value.starts_with("candidate:") {
            10
        } else {
            0
        };
        let at = |e: ValueError| ValueError::new(e.offset + skip, e.expected);
        parse_candidate(&value[skip..]).map_err(at)
    }
}

fn parse_candidate(value: &str) -> Result<Candidate<'_>, ValueError> {
    let mut t = Tokens::new(value);
    let (at, foundation) = t.need("foundation")?;
    if foundation.len() > 32 || !foundation.bytes().all(is_ice_char) {
        return Err(ValueError::new(at, "foundation (1-32 ICE characters)"));
    }
    let (at, c) = t.need("component id")?;
    if c.len() > 3 {
        return Err(ValueError::new(at, "component id"));
    }
    let component = number(c, at, "component id")?;
    let (at, transport) = t.need("transport")?;
    if !transport
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(ValueError::new(at, "transport"));
    }
    let (at, p) = t.need("priority")?;
    if p.len() > 10 {
        return Err(ValueError::new(at, "priority"));
    }
    let priority = number(p, at, "priority")?;
    let (at, address) = t.need("connection address")?;
    if !is_visible(address) {
        return Err(ValueError::new(at, "connection address"));
    }
    let port = t.number("port")?;
    let (at, typ) = t.need("'typ'")?;
    if typ != "typ" {
        return Err(ValueError::new(at, "'typ'"));
    }
    let (at, kind) = t.need("candidate type")?;
    if !kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ValueError::new(at, "candidate type"));
    }
    let kind = CandidateType::parse(kind);
    let mut related_address = None;
    let mut related_port = None;
    let mut probe = t.clone();
    if let Some((_, "raddr")) = probe.next() {
        let (at, a) = probe.need("related address")?;
        if !is_visible(a) {
            return Err(ValueError::new(at, "related address"));
        }
        related_address = Some(a);
        t = probe.clone();
    }
    if let Some((_, "rport")) = probe.next() {
        related_port = Some(probe.number("related port")?);
        t = probe;
    }
    let (at, extensions) = t.rest();
    let mut ext = Tokens::new(extensions);
    while let Some((a, name)) = ext.next() {
        if !is_visible(name) {
            return Err(ValueError::new(at + a, "extension name"));
        }
        let (a, v) = ext.need("extension value")?;
        if !is_visible(v) {
            return Err(ValueError::new(at + a, "extension value"));
        }
    }
    Ok(Candidate {
        foundation,
        component,
        transport,
        priority,
        address,
        port,
        kind,
        related_address,
        related_port,
        extensions,
    })
}

impl fmt::Display for Candidate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {} {} typ {}",
            self.foundation,
            self.component,
            self.transport,
            self.priority,
            self.address,
            self.port,
            self.kind.as_str()
        )?;
        if let Some(a) = self.related_address {
            write!(f, " raddr {a}")?;
        }
        if let Some(p) = self.related_port {
            write!(f, " rport {p}")?;
        }
        for (n, v) in self.extensions() {
            write!(f, " {n} {v}")?;
        }
        Ok(())
    }
}
