//! Via (RFC 3261 §20.42, §18; received/rport RFC 3581).

use crate::message::grammar::{
    fail, is_gen_value_byte, is_token_byte, or_expected, params, parse_all, sep, skip_lws, token,
    write_params, PResult,
};
use crate::message::host::{hostport, Host};
use crate::message::{HeaderName, Params, TypedHeader, ValueError};

/// The magic cookie that starts every RFC 3261 branch parameter.
pub const BRANCH_MAGIC_COOKIE: &str = "z9hG4bK";

/// One Via value: `SIP/2.0/UDP host:port;params`.
///
/// ```
/// use sansip::message::{headers::Via, TypedHeader};
/// let v = Via::parse("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK77;rport=5061;received=198.51.100.9").unwrap();
/// assert_eq!(v.transport, "UDP");
/// assert_eq!(v.port, Some(5060));
/// assert_eq!(v.branch(), Some("z9hG4bK77"));
/// assert_eq!(v.rport(), Some(Some(5061)));
/// assert_eq!(v.received(), Some("198.51.100.9"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via<'a> {
    /// Protocol name, `SIP`.
    pub protocol: &'a str,
    /// Protocol version, `2.0`.
    pub version: &'a str,
    /// Transport token as written: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, ...
    pub transport: &'a str,
    /// The sent-by host.
    pub host: Host<'a>,
    /// The sent-by port, if written.
    pub port: Option<u16>,
    /// All parameters (branch, received, rport, maddr, ttl, others).
    pub params: Params<'a>,
}

impl<'a> Via<'a> {
    /// The `branch` parameter.
    pub fn branch(&self) -> Option<&'a str> {
        self.params.get("branch").flatten()
    }

    /// Whether the branch starts with the RFC 3261 magic cookie.
    pub fn has_magic_cookie(&self) -> bool {
        self.branch()
            .is_some_and(|b| b.starts_with(BRANCH_MAGIC_COOKIE))
    }

    /// The `received` parameter.
    pub fn received(&self) -> Option<&'a str> {
        self.params.get("received").flatten()
    }

    /// `rport`: `None` if absent, `Some(None)` if present without a value
    /// (a request asking for it), `Some(Some(port))` when filled in. A value
    /// that is not a port reads as `Some(None)`.
    pub fn rport(&self) -> Option<Option<u16>> {
        self.params
            .get("rport")
            .map(|v| v.and_then(|p| p.parse().ok()))
    }

    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<&'a str> {
        self.params.get("maddr").flatten()
    }

    /// The `ttl` parameter, if it is a number 0..=255.
    pub fn ttl(&self) -> Option<u8> {
        self.params
            .get("ttl")
            .flatten()
            .and_then(|t| t.parse().ok())
    }
}

fn via_parm(i: &str) -> PResult<'_, Via<'_>> {
    let (i, protocol) = or_expected(token(i), i, "a protocol name (SIP)")?;
    let (i, _) = sep('/', "'/' after the protocol name")(i)?;
    let (i, version) = or_expected(token(i), i, "a protocol version")?;
    let (i, _) = sep('/', "'/' after the protocol version")(i)?;
    let (i, transport) = or_expected(token(i), i, "a transport")?;
    let j = skip_lws(i);
    if j.len() == i.len() {
        return fail(i, "white space before sent-by");
    }
    let (i, (host, port)) = or_expected(hostport(j), j, "sent-by host[:port]")?;
    let (i, params) = params(i)?;
    Ok((
        i,
        Via {
            protocol,
            version,
            transport,
            host,
            port,
            params,
        },
    ))
}

/// Length of the run of bytes from `b[from..]` that `class` accepts.
#[inline(always)]
fn run(b: &[u8], from: usize, class: fn(u8) -> bool) -> usize {
    b.get(from..)
        .map_or(0, |s| s.iter().take_while(|&&c| class(c)).count())
}

/// `via_parm` for the compact shape `token/token/token SP+ hostport
/// *(";" token ["=" 1*gen-value-byte])` with nothing else (no white space
/// but the run before sent-by, no quotes). Each piece is the maximal run
/// the full grammar takes too, and `host`/`opt_port` are the grammar's own,
/// so whenever this returns `Some`, `parse_all(value, via_parm)` returns
/// the same Via; `None` only means "ask the full grammar".
fn via_compact(value: &str) -> Option<Via<'_>> {
    let b = value.as_bytes();
    let p_len = run(b, 0, is_token_byte);
    let v_at = p_len + 1;
    let v_len = run(b, v_at, is_token_byte);
    let t_at = v_at + v_len + 1;
    let t_len = run(b, t_at, is_token_byte);
    if p_len == 0
        || v_len == 0
        || t_len == 0
        || b.get(p_len) != Some(&b'/')
        || b.get(v_at + v_len) != Some(&b'/')
    {
        return None;
    }
    let t_end = t_at + t_len;
    let spaces = run(b, t_end, |c| c == b' ');
    if spaces == 0 {
        return None;
    }
    // A tab or line fold after the spaces makes `host` fail here: the full
    // grammar then decides.
    let (rest, (host, port)) = hostport(value.get(t_end + spaces..)?).ok()?;
    let r = rest.as_bytes();
    let mut k = 0;
    while k < r.len() {
        if r[k] != b';' {
            return None;
        }
        let name = run(r, k + 1, is_token_byte);
        if name == 0 {
            return None;
        }
        k += 1 + name;
        if r.get(k) == Some(&b'=') {
            let v = run(r, k + 1, is_gen_value_byte);
            if v == 0 {
                return None;
            }
            k += 1 + v;
        }
    }
    Some(Via {
        protocol: &value[..p_len],
        version: &value[v_at..v_at + v_len],
        transport: &value[t_at..t_end],
        host,
        port,
        params: Params::plain(rest),
    })
}

impl<'a> TypedHeader<'a> for Via<'a> {
    const NAME: HeaderName = HeaderName::Via;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        // Nearly every Via on the wire has the compact shape the fast path
        // reads; anything else (white space around separators, quoted or
        // empty values, errors) goes through the full grammar.
        if let Some(v) = via_compact(value) {
            return Ok(v);
        }
        parse_all(value, via_parm)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.protocol.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.version.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.transport.as_bytes());
        out.push(b' ');
        self.host.write(out);
        if let Some(p) = self.port {
            out.push(b':');
            out.extend_from_slice(p.to_string().as_bytes());
        }
        write_params(out, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn via_with_spaces_around_slashes_and_ipv6_sent_by() {
        let v = Via::parse(
            "SIP / 2.0 / TCP [2001:db8::1]:5060 ; branch = z9hG4bKx ;maddr=[2001:db8::9]",
        )
        .unwrap();
        assert_eq!((v.protocol, v.version, v.transport), ("SIP", "2.0", "TCP"));
        assert!(v.host.ip().is_some());
        assert_eq!(v.branch(), Some("z9hG4bKx"));
        assert_eq!(v.maddr(), Some("[2001:db8::9]"));
        assert!(v.has_magic_cookie());
    }

    /// The compact reader must agree with the full grammar wherever it
    /// answers: on every Via value on disk and on near misses built to
    /// leave the compact shape at each step.
    #[test]
    fn compact_reader_agrees_with_the_full_grammar() {
        let mut values: Vec<String> = crate::message::test_corpus::field_values()
            .into_iter()
            .filter(|(n, _)| *n == HeaderName::Via)
            .flat_map(|(_, v)| {
                let mut all: Vec<String> = crate::message::split_list(&v)
                    .map(|(_, e)| e.to_owned())
                    .collect();
                all.push(v);
                all
            })
            .collect();
        values.extend(
            [
                "SIP/2.0/UDP h",
                "SIP/2.0/UDP h:5060;branch=z9hG4bK1;rport",
                "SIP/2.0/UDP h;rport;BRANCH=a;branch=b;branchx=c;branc=d;received=[::1]",
                "SIP/2.0/UDP h;branch=",
                "SIP/2.0/UDP h;;branch=x",
                "SIP/2.0/UDP h;branch=x;",
                "SIP/2.0/UDP h;branch=\"x\"",
                "SIP/2.0/UDP h ;branch=x",
                "SIP/2.0/UDP h; branch=x",
                "SIP/2.0/UDP h;branch =x",
                "SIP/2.0/UDP h;branch=x ",
                "SIP/2.0/UDP\th",
                "SIP/2.0/UDP \th",
                "SIP/2.0/UDP  \r\n h",
                "SIP/2.0/UDP h:",
                "SIP/2.0/UDP h:99999",
                "SIP/2.0/UDP h:5060x",
                "SIP/2.0/UDP [::1]:5060;maddr=[::2]",
                "SIP/2.0/UDP [::1",
                "SIP/2.0/UDP 1.2.3.256",
                "SIP/2.0/UDP -h",
                "SIP/2.0/UDP h..i",
                "SIP/2.0/UDP h,SIP/2.0/UDP i",
                "SIP/2.0/UDPh",
                "SIP/2.0 /UDP h",
                "SIP/2.0/ UDP h",
                "SIP//UDP h",
                "/2.0/UDP h",
                "SIP/2.0/",
                "SIP/2.0",
                "SIP",
                "",
                " SIP/2.0/UDP h",
                "SIP/2.0/UDP h;é=1",
                "SIP/2.0/UDP é",
            ]
            .map(str::to_owned),
        );
        for v in &values {
            let full = parse_all(v, via_parm);
            if let Some(fast) = via_compact(v) {
                assert_eq!(Ok(fast), full, "{v:?}");
                // Its plain parameters answer `get` as the iterator does.
                for name in [
                    "branch", "BRANCH", "rport", "received", "i", "", "a=b", "branch=",
                ] {
                    let by_iter = fast
                        .params
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v);
                    assert_eq!(fast.params.get(name), by_iter, "{v:?} {name:?}");
                }
            }
            assert_eq!(Via::parse(v), full, "{v:?}");
        }
    }

    #[test]
    fn via_without_space_before_host_is_rejected() {
        let e = Via::parse("SIP/2.0/UDPhost").unwrap_err();
        assert_eq!(e.expected, "white space before sent-by");
    }

    #[test]
    fn via_writes_back_canonically() {
        let v = Via::parse("SIP/2.0/WSS abc.invalid;branch=z9hG4bK1;rport").unwrap();
        assert_eq!(
            v.to_value_bytes(),
            b"SIP/2.0/WSS abc.invalid;branch=z9hG4bK1;rport"
        );
    }
}
