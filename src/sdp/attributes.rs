//! Typed attributes (`a=` lines).
//!
//! Every attribute is kept as received; [`SdpAttribute`] types parse the
//! value when asked for and write it back in canonical form. Attributes
//! this crate has no type for are read as a plain [`Attribute`] (name and
//! optional value) and written back byte for byte.

use std::fmt;

use super::fields::{is_token, is_visible, number, Tokens};
use crate::message::ValueError;

/// One `a=` line, split at its first colon.
///
/// ```
/// use sansip::sdp::Attribute;
/// assert_eq!(Attribute::parse("rtpmap:0 PCMU/8000"), Attribute { name: "rtpmap", value: Some("0 PCMU/8000") });
/// assert_eq!(Attribute::parse("rtcp-mux"), Attribute { name: "rtcp-mux", value: None });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The name, before the first `:`.
    pub name: &'a str,
    /// The value after the first `:`, if there is one.
    pub value: Option<&'a str>,
}

impl<'a> Attribute<'a> {
    /// Splits an `a=` value.
    pub fn parse(line: &'a str) -> Self {
        match line.split_once(':') {
            Some((name, value)) => Attribute {
                name,
                value: Some(value),
            },
            None => Attribute {
                name: line,
                value: None,
            },
        }
    }
}

/// An attribute with a typed view: `parse` reads the value after
/// `<NAME>:` borrowing from the description, `Display` writes it back.
///
/// ```
/// use sansip::sdp::{Rtpmap, SdpAttribute};
/// let r = Rtpmap::parse("111 opus/48000/2")?;
/// assert_eq!((r.payload_type, r.encoding, r.clock_rate, r.channels), (111, "opus", 48000, Some(2)));
/// assert_eq!(r.to_string(), "111 opus/48000/2");
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
pub trait SdpAttribute<'a>: Sized + fmt::Display {
    /// The attribute name.
    const NAME: &'static str;
    /// Parses the value (what follows `NAME:`). Offsets in the error are
    /// relative to the value.
    fn parse(value: &'a str) -> Result<Self, ValueError>;
}

/// Which way media flows in a stream (RFC 8866 §6.7), from the point of
/// view of the description's author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Send and receive (the default when no direction is written).
    SendRecv,
    /// Send only.
    SendOnly,
    /// Receive only.
    RecvOnly,
    /// Neither.
    Inactive,
}

impl Direction {
    /// The attribute name (`sendrecv`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction an attribute name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }

    /// From "do I send" and "do I receive".
    pub const fn from_flags(send: bool, recv: bool) -> Self {
        match (send, recv) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }

    /// Whether the author sends.
    pub const fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    /// Whether the author receives.
    pub const fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The same flow seen from the other end: what one side sends, the
    /// other receives.
    pub const fn reversed(self) -> Self {
        Direction::from_flags(self.receives(), self.sends())
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `a=rtpmap:<payload type> <encoding>/<clock rate>[/<channels>]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rtpmap<'a> {
    /// The RTP payload type (0–127).
    pub payload_type: u8,
    /// The encoding name (`opus`, `PCMU`, `telephone-event`); compare it
    /// case-insensitively.
    pub encoding: &'a str,
    /// The RTP clock rate.
    pub clock_rate: u32,
    /// The encoding parameters (audio channels), if written.
    pub channels: Option<u16>,
}

impl<'a> SdpAttribute<'a> for Rtpmap<'a> {
    const NAME: &'static str = "rtpmap";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let payload_type = payload_type(&mut t)?;
        let (at, enc) = t.need("encoding name")?;
        t.end()?;
        let mut parts = enc.split('/');
        let encoding = parts.next().unwrap_or_default();
        if !is_token(encoding) {
            return Err(ValueError::new(at, "encoding name"));
        }
        let at = at + encoding.len() + 1;
        let clock = parts
            .next()
            .ok_or(ValueError::new(at - 1, "'/' and clock rate"))?;
        let clock_rate = number(clock, at, "clock rate")?;
        let channels = parts
            .next()
            .map(|c| number(c, at + clock.len() + 1, "number of channels"))
            .transpose()?;
        if parts.next().is_some() {
            return Err(ValueError::new(value.len(), "end of value"));
        }
        Ok(Rtpmap {
            payload_type,
            encoding,
            clock_rate,
            channels,
        })
    }
}

fn payload_type(t: &mut Tokens<'_>) -> Result<u8, ValueError> {
    let (at, pt) = t.need("payload type")?;
    match number::<u8>(pt, at, "payload type (0-127)")? {
        p @ 0..=127 => Ok(p),
        _ => Err(ValueError::new(at, "payload type (0-127)")),
    }
}

impl fmt::Display for Rtpmap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{}",
            self.payload_type, self.encoding, self.clock_rate
        )?;
        if let Some(c) = self.channels {
            write!(f, "/{c}")?;
        }
        Ok(())
    }
}

/// `a=fmtp:<format> <format specific parameters>`.
///
/// ```
/// use sansip::sdp::{Fmtp, SdpAttribute};
/// let f = Fmtp::parse("111 minptime=10;useinbandfec=1")?;
/// assert_eq!(f.param("useinbandfec"), Some("1"));
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmtp<'a> {
    /// The format (a payload type for RTP).
    pub format: &'a str,
    /// The parameters as written.
    pub params: &'a str,
}

impl<'a> Fmtp<'a> {
    /// The `;`-separated `name=value` parameters (a parameter without `=`
    /// has an empty value).
    pub fn params(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.params
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
    }

    /// One parameter by name (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}

impl<'a> SdpAttribute<'a> for Fmtp<'a> {
    const NAME: &'static str = "fmtp";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let (at, format) = t.need("format")?;
        if !is_visible(format) {
            return Err(ValueError::new(at, "format"));
        }
        let (_, params) = t.rest();
        Ok(Fmtp { format, params })
    }
}

impl fmt::Display for Fmtp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format, self.params)
    }
}

/// A single-value attribute: the value is one token-like word.
macro_rules! word_attribute {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $expected:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $ty<'a>(pub &'a str);

        impl<'a> SdpAttribute<'a> for $ty<'a> {
            const NAME: &'static str = $name;
            fn parse(value: &'a str) -> Result<Self, ValueError> {
                if is_visible(value) {
                    Ok($ty(value))
                } else {
                    Err(ValueError::new(0, $expected))
                }
            }
        }

        impl fmt::Display for $ty<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
    };
}

word_attribute!(
    /// `a=mid:<identification tag>` (RFC 9143): names a media section for
    /// BUNDLE and for mapping to a media engine's transceivers.
    Mid, "mid", "identification tag"
);
word_attribute!(
    /// `a=ice-ufrag:<ufrag>` (RFC 8839).
    IceUfrag, "ice-ufrag", "ICE username fragment"
);
word_attribute!(
    /// `a=ice-pwd:<password>` (RFC 8839).
    IcePwd, "ice-pwd", "ICE password"
);

/// A list attribute: white-space separated words.
macro_rules! list_attribute {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $expected:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $ty<'a>(pub &'a str);

        impl<'a> $ty<'a> {
            /// The words.
            pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
                Tokens::new(self.0).map(|(_, w)| w)
            }
        }

        impl<'a> SdpAttribute<'a> for $ty<'a> {
            const NAME: &'static str = $name;
            fn parse(value: &'a str) -> Result<Self, ValueError> {
                let mut t = Tokens::new(value);
                t.need($expected)?;
                Ok($ty(value.trim_matches([' ', '\t'])))
            }
        }

        impl fmt::Display for $ty<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut first = true;
                for w in self.iter() {
                    if !first {
                        f.write_str(" ")?;
                    }
                    first = false;
                    f.write_str(w)?;
                }
                Ok(())
            }
        }
    };
}

list_attribute!(
    /// `a=ice-options:<option> ...` (`trickle`, `ice2`, ...).
    IceOptions, "ice-options", "ICE option"
);

/// `a=group:<semantics> <mid> ...` (RFC 5888; `BUNDLE` is RFC 9143).
///
/// ```
/// use sansip::sdp::{Group, SdpAttribute};
/// let g = Group::parse("BUNDLE 0 1 2")?;
/// assert!(g.is_bundle());
/// assert_eq!(g.mids().collect::<Vec<_>>(), ["0", "1", "2"]);
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group<'a> {
    /// `BUNDLE`, `LS`, `FID`, ...
    pub semantics: &'a str,
    /// The media ids as written.
    pub mid_list: &'a str,
}

impl<'a> Group<'a> {
    /// The media ids.
    pub fn mids(&self) -> impl Iterator<Item = &'a str> + 'a {
        Tokens::new(self.mid_list).map(|(_, m)| m)
    }

    /// Whether this is a BUNDLE group.
    pub fn is_bundle(&self) -> bool {
        self.semantics.eq_ignore_ascii_case("BUNDLE")
    }
}

impl<'a> SdpAttribute<'a> for Group<'a> {
    const NAME: &'static str = "group";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let (at, semantics) = t.need("group semantics")?;
        if !is_token(semantics) {
            return Err(ValueError::new(at, "group semantics"));
        }
        let (_, mid_list) = t.rest();
        Ok(Group {
            semantics,
            mid_list,
        })
    }
}

impl fmt::Display for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.semantics)?;
        for m in self.mids() {
            write!(f, " {m}")?;
        }
        Ok(())
    }
}

/// `a=fingerprint:<hash function> <hex bytes separated by ':'>` (RFC 8122).
///
/// ```
/// use sansip::sdp::{Fingerprint, SdpAttribute};
/// let f = Fingerprint::parse("sha-256 AB:cd:01")?;
/// assert_eq!(f.bytes(), Some(vec![0xab, 0xcd, 0x01]));
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint<'a> {
    /// `sha-256`, `sha-1`, ...
    pub hash: &'a str,
    /// The fingerprint as written (`AB:CD:...`).
    pub hex: &'a str,
}

impl Fingerprint<'_> {
    /// The fingerprint's bytes, or `None` if a group is not two hex digits.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        self.hex
            .split(':')
            .map(|h| {
                if h.len() == 2 {
                    u8::from_str_radix(h, 16).ok()
                } else {
                    None
                }
            })
            .collect()
    }
}

impl<'a> SdpAttribute<'a> for Fingerprint<'a> {
    const NAME: &'static str = "fingerprint";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let (at, hash) = t.need("hash function")?;
        if !is_token(hash) {
            return Err(ValueError::new(at, "hash function"));
        }
        let (at, hex) = t.need("fingerprint")?;
        t.end()?;
        let ok = hex
            .split(':')
            .all(|h| h.len() == 2 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if !ok {
            return Err(ValueError::new(at, "hex bytes separated by ':'"));
        }
        Ok(Fingerprint { hash, hex })
    }
}

impl fmt::Display for Fingerprint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.hash, self.hex)
    }
}

/// `a=setup:` (RFC 4145, RFC 8842): which end opens the DTLS or TCP
/// connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setup {
    /// The author opens.
    Active,
    /// The author waits.
    Passive,
    /// Either; the answerer decides (what an offer says).
    ActPass,
    /// Keep the existing connection.
    HoldConn,
}

impl Setup {
    /// The value as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Setup::Active => "active",
            Setup::Passive => "passive",
            Setup::ActPass => "actpass",
            Setup::HoldConn => "holdconn",
        }
    }
}

impl SdpAttribute<'_> for Setup {
    const NAME: &'static str = "setup";
    fn parse(value: &str) -> Result<Self, ValueError> {
        Ok(match value.trim() {
            "active" => Setup::Active,
            "passive" => Setup::Passive,
            "actpass" => Setup::ActPass,
            "holdconn" => Setup::HoldConn,
            _ => return Err(ValueError::new(0, "active, passive, actpass or holdconn")),
        })
    }
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rtcp<'a> {
    /// The RTCP port.
    pub port: u16,
    /// The address, if it differs from the `c=` line's.
    pub connection: Option<super::Connection<'a>>,
}

impl<'a> SdpAttribute<'a> for Rtcp<'a> {
    const NAME: &'static str = "rtcp";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let port = t.number("RTCP port")?;
        let (at, rest) = t.rest();
        let connection = if rest.is_empty() {
            None
        } else {
            Some(
                super::Connection::parse(rest)
                    .map_err(|e| ValueError::new(at + e.offset, e.expected))?,
            )
        };
        Ok(Rtcp { port, connection })
    }
}

impl fmt::Display for Rtcp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.port)?;
        if let Some(c) = self.connection {
            write!(f, " {c}")?;
        }
        Ok(())
    }
}

/// `a=rtcp-fb:<payload type or *> <type> [<parameters>]` (RFC 4585).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtcpFb<'a> {
    /// The payload type, or `*` for all.
    pub format: &'a str,
    /// `nack`, `ccm`, `goog-remb`, `transport-cc`, ...
    pub kind: &'a str,
    /// What follows the type (`pli`, `fir`), empty if nothing.
    pub params: &'a str,
}

impl<'a> SdpAttribute<'a> for RtcpFb<'a> {
    const NAME: &'static str = "rtcp-fb";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let (at, format) = t.need("payload type or '*'")?;
        if format != "*" {
            number::<u8>(format, at, "payload type or '*'")?;
        }
        let (at, kind) = t.need("feedback type")?;
        if !is_token(kind) {
            return Err(ValueError::new(at, "feedback type"));
        }
        let (_, params) = t.rest();
        Ok(RtcpFb {
            format,
            kind,
            params,
        })
    }
}

impl fmt::Display for RtcpFb<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format, self.kind)?;
        if !self.params.is_empty() {
            write!(f, " {}", self.params)?;
        }
        Ok(())
    }
}

/// `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ssrc<'a> {
    /// The synchronization source.
    pub ssrc: u32,
    /// The source attribute (`cname`, `msid`, ...).
    pub attribute: &'a str,
    /// Its value, if any.
    pub value: Option<&'a str>,
}

impl<'a> SdpAttribute<'a> for Ssrc<'a> {
    const NAME: &'static str = "ssrc";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let ssrc = t.number("SSRC")?;
        let (at, rest) = t.rest();
        let attr = Attribute::parse(rest);
        if !is_token(attr.name) {
            return Err(ValueError::new(at, "source attribute"));
        }
        Ok(Ssrc {
            ssrc,
            attribute: attr.name,
            value: attr.value,
        })
    }
}

impl fmt::Display for Ssrc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.ssrc, self.attribute)?;
        if let Some(v) = self.value {
            write!(f, ":{v}")?;
        }
        Ok(())
    }
}

/// `a=extmap:<id>[/<direction>] <URI> [<attributes>]` (RFC 8285).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extmap<'a> {
    /// The extension id (1–14 one-byte, up to 255 two-byte).
    pub id: u16,
    /// The direction, if written.
    pub direction: Option<Direction>,
    /// The extension's URI.
    pub uri: &'a str,
    /// Extension attributes, empty if none.
    pub attributes: &'a str,
}

impl<'a> SdpAttribute<'a> for Extmap<'a> {
    const NAME: &'static str = "extmap";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let (at, head) = t.need("extension id")?;
        let (id, dir) = match head.split_once('/') {
            Some((i, d)) => (i, Some(d)),
            None => (head, None),
        };
        let id = number(id, at, "extension id")?;
        let direction = dir
            .map(|d| Direction::from_name(d).ok_or(ValueError::new(at, "direction")))
            .transpose()?;
        let (at, uri) = t.need("extension URI")?;
        if !is_visible(uri) {
            return Err(ValueError::new(at, "extension URI"));
        }
        let (_, attributes) = t.rest();
        Ok(Extmap {
            id,
            direction,
            uri,
            attributes,
        })
    }
}

impl fmt::Display for Extmap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id)?;
        if let Some(d) = self.direction {
            write!(f, "/{d}")?;
        }
        write!(f, " {}", self.uri)?;
        if !self.attributes.is_empty() {
            write!(f, " {}", self.attributes)?;
        }
        Ok(())
    }
}

/// A single-number attribute.
macro_rules! number_attribute {
    ($(#[$doc:meta])* $ty:ident($int:ty), $name:literal, $expected:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $ty(pub $int);

        impl SdpAttribute<'_> for $ty {
            const NAME: &'static str = $name;
            fn parse(value: &str) -> Result<Self, ValueError> {
                number(value.trim_matches([' ', '\t']), 0, $expected).map($ty)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

number_attribute!(
    /// `a=sctp-port:<port>` (RFC 8841): the SCTP port of a data channel
    /// association.
    SctpPort(u16), "sctp-port", "SCTP port"
);
number_attribute!(
    /// `a=max-message-size:<bytes>` (RFC 8841); 0 means no limit.
    MaxMessageSize(u64), "max-message-size", "message size"
);

/// `a=crypto:<tag> <suite> <key params> [<session params>]` (SDES,
/// RFC 4568).
///
/// ```
/// use sansip::sdp::{Crypto, SdpAttribute};
/// let c = Crypto::parse("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32")?;
/// assert_eq!((c.tag, c.suite), (1, "AES_CM_128_HMAC_SHA1_80"));
/// let k = c.keys().next().unwrap();
/// assert_eq!((k.lifetime, k.mki), (Some("2^20"), Some("1:32")));
/// # Ok::<(), sansip::message::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crypto<'a> {
    /// The tag the answer echoes.
    pub tag: u32,
    /// The crypto suite.
    pub suite: &'a str,
    /// The key parameters as written (`inline:...;inline:...`).
    pub key_params: &'a str,
    /// Session parameters, empty if none.
    pub session_params: &'a str,
}

/// One `inline:<key||salt>[|<lifetime>][|<MKI>:<length>]` key of a
/// [`Crypto`] attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptoKey<'a> {
    /// The method (`inline`).
    pub method: &'a str,
    /// The base64 key and salt.
    pub key_salt: &'a str,
    /// The lifetime, if written.
    pub lifetime: Option<&'a str>,
    /// `<MKI value>:<MKI length>`, if written.
    pub mki: Option<&'a str>,
}

impl<'a> Crypto<'a> {
    /// The keys (several for MKI rekeying).
    pub fn keys(&self) -> impl Iterator<Item = CryptoKey<'a>> + 'a {
        self.key_params.split(';').filter_map(|k| {
            let (method, info) = k.split_once(':')?;
            let mut parts = info.split('|');
            let key_salt = parts.next()?;
            let mut lifetime = None;
            let mut mki = None;
            for p in parts {
                if p.contains(':') {
                    mki = Some(p);
                } else {
                    lifetime = Some(p);
                }
            }
            Some(CryptoKey {
                method,
                key_salt,
                lifetime,
                mki,
            })
        })
    }
}

impl<'a> SdpAttribute<'a> for Crypto<'a> {
    const NAME: &'static str = "crypto";
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let mut t = Tokens::new(value);
        let tag = t.number("crypto tag")?;
        let (at, suite) = t.need("crypto suite")?;
        if !is_token(suite) {
            return Err(ValueError::new(at, "crypto suite"));
        }
        let (at, key_params) = t.need("key parameters")?;
        if !key_params.split(';').all(|k| k.contains(':')) {
            return Err(ValueError::new(at, "<method>:<key info>"));
        }
        let (_, session_params) = t.rest();
        Ok(Crypto {
            tag,
            suite,
            key_params,
            session_params,
        })
    }
}

impl fmt::Display for Crypto<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.tag, self.suite, self.key_params)?;
        if !self.session_params.is_empty() {
            write!(f, " {}", self.session_params)?;
        }
        Ok(())
    }
}
