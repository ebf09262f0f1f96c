//! Hosts and ports (RFC 3261 §25.1 `host`, `hostport`; RFC 5118 for IPv6).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::grammar::{fail, PResult};
use super::vector;

/// A host: a domain name, an IPv4 address or an IPv6 reference.
///
/// ```
/// use sansip::message::Host;
/// assert_eq!(Host::parse("[2001:db8::9:1]").unwrap().to_string(), "[2001:db8::9:1]");
/// assert!(matches!(Host::parse("192.0.2.4").unwrap(), Host::Ipv4(_)));
/// assert_eq!(Host::parse("Atlanta.example.com").unwrap(), Host::parse("atlanta.EXAMPLE.com").unwrap());
/// assert!(Host::parse("2001:db8::1").is_err()); // IPv6 needs brackets in SIP
/// ```
#[derive(Debug, Clone, Copy, Eq)]
pub enum Host<'a> {
    /// A domain name, as written (compared without case).
    Domain(&'a str),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address (written in brackets on the wire).
    Ipv6(Ipv6Addr),
}

impl PartialEq for Host<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Host::Domain(a), Host::Domain(b)) => a.eq_ignore_ascii_case(b),
            (Host::Ipv4(a), Host::Ipv4(b)) => a == b,
            (Host::Ipv6(a), Host::Ipv6(b)) => a == b,
            _ => false,
        }
    }
}

impl<'a> Host<'a> {
    /// Parses a whole string as a host.
    pub fn parse(s: &'a str) -> Result<Host<'a>, super::ValueError> {
        super::grammar::parse_all(s, host)
    }

    /// The address, when the host is an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match *self {
            Host::Domain(_) => None,
            Host::Ipv4(a) => Some(IpAddr::V4(a)),
            Host::Ipv6(a) => Some(IpAddr::V6(a)),
        }
    }

    /// Writes the host as SIP writes it (IPv6 in brackets).
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        let _ = match self {
            Host::Domain(d) => {
                out.extend_from_slice(d.as_bytes());
                Ok(())
            }
            Host::Ipv4(a) => write!(out, "{a}"),
            Host::Ipv6(a) => write!(out, "[{a}]"),
        };
    }
}

impl From<IpAddr> for Host<'_> {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(a) => Host::Ipv4(a),
            IpAddr::V6(a) => Host::Ipv6(a),
        }
    }
}

impl std::fmt::Display for Host<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Domain(d) => f.write_str(d),
            Host::Ipv4(a) => write!(f, "{a}"),
            Host::Ipv6(a) => write!(f, "[{a}]"),
        }
    }
}

/// Reads a dotted-quad IPv4 address (1 to 3 digits an octet, each at most
/// 255), in one pass over the bytes.
fn ipv4(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut k = 0;
    let mut value: u16 = 0;
    let mut digits = 0;
    for &b in s.as_bytes() {
        if b == b'.' {
            if digits == 0 || k == 3 {
                return None;
            }
            octets[k] = u8::try_from(value).ok()?;
            k += 1;
            value = 0;
            digits = 0;
        } else if b.is_ascii_digit() && digits < 3 {
            value = value * 10 + u16::from(b - b'0');
            digits += 1;
        } else {
            return None;
        }
    }
    if k != 3 || digits == 0 {
        return None;
    }
    octets[3] = u8::try_from(value).ok()?;
    Some(Ipv4Addr::from(octets))
}

/// RFC 3261's ABNF (taken from RFC 2373) lets a hexpart that ends in `::`
/// be followed by `":" IPv4address`, which gives three colons:
/// `2001:db8:::192.0.2.1`. RFC 5118 §4.10 asks receivers to tolerate it;
/// it reads as the two-colon form. No allocation: the text is rebuilt on
/// the stack.
fn ipv6_abnf_bug(text: &str) -> Option<Ipv6Addr> {
    let (head, v4) = text.rsplit_once(":::")?;
    ipv4(v4)?;
    let mut buf = [0u8; 64];
    let len = head.len() + 2 + v4.len();
    let out = buf.get_mut(..len)?;
    out[..head.len()].copy_from_slice(head.as_bytes());
    out[head.len()..head.len() + 2].copy_from_slice(b"::");
    out[head.len() + 2..].copy_from_slice(v4.as_bytes());
    std::str::from_utf8(out).ok()?.parse().ok()
}

/// `host = hostname / IPv4address / IPv6reference`.
pub(crate) fn host(i: &str) -> PResult<'_, Host<'_>> {
    if let Some(inner) = i.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return fail(i, "']' closing an IPv6 reference");
        };
        let text = &inner[..close];
        let Some(addr) = text
            .parse::<Ipv6Addr>()
            .ok()
            .or_else(|| ipv6_abnf_bug(text))
        else {
            return fail(i, "an IPv6 address");
        };
        return Ok((&inner[close + 1..], Host::Ipv6(addr)));
    }
    let bytes = i.as_bytes();
    // Most hosts fit in one vector: their bytes' classes as masks.
    let (v, there) = vector::load_padded(bytes, 0);
    let dots = vector::bits(vector::equal(v, b'.'));
    let name = vector::letters(v) | vector::equal(v, b'-') | vector::equal(v, b'_');
    let names = vector::bits(name);
    let host_bytes = (vector::bits(vector::digits(v)) | names | dots) & there;
    let n = (!host_bytes).trailing_zeros() as usize;
    if n == 16 && bytes.len() > 16 {
        return long_host(i);
    }
    let run = (1u32 << n) - 1;
    let dots = dots & run;
    // A dot first or after a dot: an empty label.
    let empty_label = dots & (dots << 1 | 1) != 0;
    // Digits and dots are read as IPv4 with the dots' places known.
    finish_host(i, n, names & run != 0, empty_label, |name| {
        ipv4_between(name.as_bytes(), dots)
    })
}

/// [`ipv4`] of digits with the dots at the set bits of `dots`: three of
/// them, each octet one to three digits and at most 255.
#[inline(always)]
fn ipv4_between(s: &[u8], mut dots: u32) -> Option<Ipv4Addr> {
    if dots.count_ones() != 3 {
        return None;
    }
    let mut octets = [0u8; 4];
    let mut from = 0;
    for (k, octet) in octets.iter_mut().enumerate() {
        let end = if k < 3 {
            let d = dots.trailing_zeros() as usize;
            dots &= dots - 1;
            d
        } else {
            s.len()
        };
        let digits = s.get(from..end)?;
        if digits.is_empty() || digits.len() > 3 {
            return None;
        }
        let value = digits
            .iter()
            .fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
        *octet = u8::try_from(value).ok()?;
        from = end + 1;
    }
    Some(Ipv4Addr::from(octets))
}

/// [`host`] for a name that does not end within its first 16 bytes: one
/// pass over hostname bytes (`_` is outside RFC 3261 but used in the
/// wild), noting any `..` and whether it could be an IPv4 address.
#[cold]
fn long_host(i: &str) -> PResult<'_, Host<'_>> {
    let bytes = i.as_bytes();
    let mut n = 0;
    let mut letters = false;
    let mut empty_label = false;
    let mut after_dot = true;
    while let Some(&b) = bytes.get(n) {
        match HOST_BYTES[usize::from(b)] {
            DIGIT => after_dot = false,
            NAME => {
                letters = true;
                after_dot = false;
            }
            DOT => {
                empty_label |= after_dot;
                after_dot = true;
            }
            _ => break,
        }
        n += 1;
    }
    finish_host(i, n, letters, empty_label, ipv4)
}

/// A host name of `n` bytes at the start of `i`: a domain when it has a
/// letter, else an IPv4 address as `v4` reads it.
#[inline(always)]
fn finish_host(
    i: &str,
    n: usize,
    letters: bool,
    empty_label: bool,
    v4: impl FnOnce(&str) -> Option<Ipv4Addr>,
) -> PResult<'_, Host<'_>> {
    let name = &i[..n];
    if name.is_empty() || empty_label || name.starts_with('-') {
        return fail(i, "a host name or address");
    }
    if !letters {
        return match v4(name) {
            Some(a) => Ok((&i[n..], Host::Ipv4(a))),
            None => fail(i, "an IPv4 address"),
        };
    }
    Ok((&i[n..], Host::Domain(name)))
}

const OTHER: u8 = 0;
const NAME: u8 = 1;
const DIGIT: u8 = 2;
const DOT: u8 = 3;

/// What each byte is to a hostname: letters, `-` and `_` are NAME.
static HOST_BYTES: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() || c == b'-' || c == b'_' {
            NAME
        } else if c == b'.' {
            DOT
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// `[ ":" port ]`, the port as a number 0..=65535.
pub(crate) fn opt_port(i: &str) -> PResult<'_, Option<u16>> {
    let Some(p) = i.strip_prefix(':') else {
        return Ok((i, None));
    };
    let n = p.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 5 {
        return fail(p, "a port number");
    }
    // At most five digits: no overflow in u32, and what str::parse::<u16>
    // would say without its sign and error handling.
    let value = p.as_bytes()[..n]
        .iter()
        .fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
    match u16::try_from(value) {
        Ok(port) => Ok((&p[n..], Some(port))),
        Err(_) => fail(p, "a port number up to 65535"),
    }
}

/// `hostport = host [ ":" port ]`.
pub(crate) fn hostport(i: &str) -> PResult<'_, (Host<'_>, Option<u16>)> {
    let (i, h) = host(i)?;
    let (i, p) = opt_port(i)?;
    Ok((i, (h, p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostport_reads_names_ipv4_and_ipv6_with_ports() {
        assert_eq!(
            hostport("example.com:5061;x").unwrap(),
            (";x", (Host::Domain("example.com"), Some(5061)))
        );
        assert_eq!(
            hostport("[::1]:5060").unwrap().1,
            (Host::Ipv6(Ipv6Addr::LOCALHOST), Some(5060))
        );
        assert_eq!(
            hostport("10.0.0.1").unwrap().1 .0,
            Host::Ipv4(Ipv4Addr::new(10, 0, 0, 1))
        );
    }

    /// `host` as it was before the one-pass reader: hostname bytes, then
    /// `ipv4` over an all-numeric name.
    fn host_two_pass(i: &str) -> PResult<'_, Host<'_>> {
        if i.starts_with('[') {
            return host(i);
        }
        let bytes = i.as_bytes();
        let (mut n, mut numeric, mut empty_label, mut prev) = (0, true, false, b'.');
        while n < bytes.len() {
            let b = bytes[n];
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                numeric &= b.is_ascii_digit();
            } else if b == b'.' {
                empty_label |= prev == b'.';
            } else {
                break;
            }
            prev = b;
            n += 1;
        }
        let name = &i[..n];
        if name.is_empty() || empty_label || name.starts_with('-') {
            return fail(i, "a host name or address");
        }
        if numeric {
            return match ipv4(name) {
                Some(a) => Ok((&i[n..], Host::Ipv4(a))),
                None => fail(i, "an IPv4 address"),
            };
        }
        Ok((&i[n..], Host::Domain(name)))
    }

    #[test]
    fn one_pass_host_reader_agrees_with_the_two_pass_one() {
        let mut inputs: Vec<String> = [
            "",
            ".",
            "..",
            "a",
            "a.",
            ".a",
            "a..b",
            "-a",
            "a-",
            "a_b",
            "1",
            "1.2.3.4",
            "1.2.3.4.",
            "1.2.3.4.5",
            "1..2.3",
            "1.2.3",
            "256.1.1.1",
            "1.2.3.256",
            "255.255.255.255",
            "0.0.0.0",
            "01.02.03.04",
            "1.2.3.1234",
            "1234.1.1.1",
            "1.2.3.4a",
            "1.2.3.a4",
            "1.2.3.4:5060",
            "1.2.3.4;x",
            "a.b.c:1",
            "1e3.1.1.1",
            "1.2.3.4 ",
            "é",
            "a.é",
            "999.999.999.999",
            "1.2.3.-4",
            ".1.2.3.4",
            "1.2.3.4..",
        ]
        .map(str::to_owned)
        .to_vec();
        for k in 0u32..2000 {
            // Dotted runs of digits of many shapes.
            let parts: Vec<String> = (0..(k % 6))
                .map(|p| {
                    ((k * 7919 + p * 104_729)
                        % [10, 100, 1000, 10000][(p as usize + k as usize) % 4])
                        .to_string()
                })
                .collect();
            inputs.push(parts.join("."));
        }
        for i in &inputs {
            assert_eq!(host(i), host_two_pass(i), "{i:?}");
        }
    }

    #[test]
    fn ipv4_reader_takes_dotted_quads_only() {
        assert_eq!(ipv4("192.0.2.255"), Some(Ipv4Addr::new(192, 0, 2, 255)));
        assert_eq!(ipv4("0.0.0.0"), Some(Ipv4Addr::UNSPECIFIED));
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "1..3.4",
            "1.2.3.",
            ".1.2.3",
            "256.0.0.1",
            "1.2.3.1234",
            "",
        ] {
            assert_eq!(ipv4(bad), None, "{bad}");
        }
    }

    #[test]
    fn three_colons_before_an_embedded_ipv4_address_are_tolerated() {
        let two = "2001:db8::192.0.2.1".parse::<Ipv6Addr>().unwrap();
        assert_eq!(
            Host::parse("[2001:db8:::192.0.2.1]").unwrap(),
            Host::Ipv6(two)
        );
        let v4_only = "::192.0.2.1".parse::<Ipv6Addr>().unwrap();
        assert_eq!(Host::parse("[:::192.0.2.1]").unwrap(), Host::Ipv6(v4_only));
        for bad in [
            "[2001:db8::::192.0.2.1]",
            "[2001:db8:::1]",
            "[2001:db8:::192.0.2]",
        ] {
            assert!(Host::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports_read_as_str_parse_reads_them() {
        for k in (0..=99_999u32)
            .step_by(7)
            .chain([65_535, 65_536, 0, 1, 9, 10])
        {
            for text in [k.to_string(), format!("{k:05}")] {
                let by_str = text.parse::<u16>().ok();
                let read = opt_port(&format!(":{text}")).ok().and_then(|(_, p)| p);
                assert_eq!(read, by_str, "{text}");
            }
        }
    }

    #[test]
    fn bad_hosts_and_ports_are_rejected() {
        for bad in ["[::1", "[zz::1]", "256.1.1.1", "", ".a", "a:70000", "a:"] {
            let whole = hostport(bad).is_ok_and(|(rest, _)| rest.is_empty());
            assert!(!whole, "{bad}");
        }
    }
}
