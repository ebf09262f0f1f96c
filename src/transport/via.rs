//! The Via rules of the transport layer: the Via we put on requests we send
//! (RFC 3261 §18.1.1, RFC 3581 §3, RFC 7118), what we add to the top Via of
//! requests we receive (§18.2.1, RFC 3581 §4), which received requests we
//! can use at all, and which received responses are ours (§18.1.2).
//!
//! Changes touch the top Via value only: the other values of its field and
//! every other field keep their received bytes.

use std::net::{IpAddr, SocketAddr};

use crate::message::grammar::is_token_byte;
use crate::message::headers::{Via, BRANCH_MAGIC_COOKIE};
use crate::message::{Host, Message, Params};
use crate::rng::Rng;

use super::top_via::{range_in, Edit, Piece, TopVia};
use super::{StampError, Transport, ViaError};

/// Random characters after the magic cookie in [`new_branch`]: 17 from a
/// 62-letter alphabet are 101 bits, above the 96 this crate promises.
pub const BRANCH_RANDOM_CHARS: usize = 17;

/// Characters of the random label in [`ws_invalid_host`].
pub const WS_HOST_LABEL_CHARS: usize = 12;

/// A new branch parameter: the RFC 3261 magic cookie `z9hG4bK` followed by
/// [`BRANCH_RANDOM_CHARS`] random token characters (more than 96 bits), so
/// branches are unique across space and time (§8.1.1.7). The same seed
/// gives the same branches.
///
/// ```
/// use sansip::{rng::Rng, transport::new_branch};
/// let b = new_branch(&mut Rng::new(1));
/// assert!(b.starts_with("z9hG4bK"));
/// assert_eq!(b.len(), 7 + 17);
/// assert_eq!(b, new_branch(&mut Rng::new(1)));
/// ```
pub fn new_branch(rng: &mut Rng) -> String {
    let cookie = BRANCH_MAGIC_COOKIE.len();
    // One allocation: draw the whole length, then overwrite the first
    // characters (ASCII, so the ranges are character boundaries).
    let mut branch = rng.token(cookie + BRANCH_RANDOM_CHARS);
    branch.replace_range(..cookie, BRANCH_MAGIC_COOKIE);
    branch
}

/// A random host name under `.invalid` (RFC 2606), such as
/// `df7jal23ls0d.invalid`: the sent-by (and Contact host) of a WebSocket
/// client, which has no address a server could reach (RFC 7118 §5.2; the
/// examples of its §8 use such names). Lower case, so two names that
/// compare equal as hosts are the same string.
///
/// ```
/// use sansip::{rng::Rng, transport::ws_invalid_host};
/// let h = ws_invalid_host(&mut Rng::new(9));
/// assert!(h.ends_with(".invalid"));
/// assert_eq!(h.len(), 12 + ".invalid".len());
/// ```
pub fn ws_invalid_host(rng: &mut Rng) -> String {
    const TLD: &str = ".invalid";
    let mut host = rng.token(WS_HOST_LABEL_CHARS + TLD.len());
    host.make_ascii_lowercase();
    host.replace_range(WS_HOST_LABEL_CHARS.., TLD);
    host
}

/// The sent-by of a Via (`host[:port]`): what we write into requests, and
/// what a received response's top Via must carry to be ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentBy<'a> {
    /// The host: an address, or a name (RFC 3261 recommends a name; a
    /// WebSocket client uses a `.invalid` one, see [`ws_invalid_host`]).
    pub host: Host<'a>,
    /// The port; without one, the transport's default applies.
    pub port: Option<u16>,
}

impl<'a> SentBy<'a> {
    /// A sent-by of `host` and `port`.
    pub const fn new(host: Host<'a>, port: Option<u16>) -> Self {
        SentBy { host, port }
    }

    /// Whether the Via's sent-by is this one: same host (names compared
    /// without case), same port once the default port of the Via's
    /// transport fills in a missing one (RFC 3261 §18.1.1: "If the port is
    /// absent, the default value depends on the transport").
    pub fn matches(&self, via: &Via<'_>) -> bool {
        let default = Transport::from_via_token(via.transport).map_or(5060, |t| t.default_port());
        self.host == via.host && self.port.unwrap_or(default) == via.port.unwrap_or(default)
    }
}

impl From<SocketAddr> for SentBy<'static> {
    fn from(addr: SocketAddr) -> Self {
        SentBy::new(Host::from(addr.ip()), Some(addr.port()))
    }
}

/// Puts our Via on top of a request before it is sent (RFC 3261 §18.1.1):
/// `SIP/2.0/<transport> <sent-by>;branch=<branch>`, plus an empty `rport`
/// when asked (RFC 3581 §3, so the answer comes back through a NAT).
///
/// The branch must be a token (see [`new_branch`]) and a host name must be
/// a host name, or nothing is changed.
///
/// ```
/// use bytes::Bytes;
/// use sansip::message::{Host, Message};
/// use sansip::transport::{stamp_via, SentBy, Transport};
/// let mut msg = Message::parse(Bytes::from_static(
///     b"OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: c\r\nContent-Length: 0\r\n\r\n",
/// ))?;
/// let sent_by = SentBy::from("192.0.2.1:5060".parse::<std::net::SocketAddr>()?);
/// stamp_via(&mut msg, Transport::Udp, sent_by, "z9hG4bKa1", true)?;
/// assert!(msg.to_string().contains("\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1;rport\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stamp_via(
    msg: &mut Message,
    transport: Transport,
    sent_by: SentBy<'_>,
    branch: &str,
    rport: bool,
) -> Result<(), StampError> {
    if branch.is_empty() || !branch.bytes().all(is_token_byte) {
        return Err(StampError::InvalidBranch {
            branch: branch.to_owned(),
        });
    }
    if let Host::Domain(name) = sent_by.host {
        let valid = matches!(Host::parse(name), Ok(Host::Domain(n)) if n.len() == name.len());
        if !valid {
            return Err(StampError::InvalidHost {
                host: name.to_owned(),
            });
        }
    }
    let mut params = String::with_capacity(";branch=".len() + branch.len() + ";rport".len());
    params.push_str(";branch=");
    params.push_str(branch);
    if rport {
        params.push_str(";rport");
    }
    msg.prepend_header(&Via {
        protocol: "SIP",
        version: "2.0",
        transport: transport.via_token(),
        host: sent_by.host,
        port: sent_by.port,
        params: Params::new(&params),
    });
    Ok(())
}

/// Changes the transport token of the top Via, keeping everything else.
///
/// RFC 3261 §18.1.1: when the size rule moves a request from UDP to TCP
/// (see [`size_decision`](super::size_decision)), "the value in the top
/// Via MUST be changed"; and back to UDP if the TCP attempt is refused.
pub fn set_via_transport(msg: &mut Message, transport: Transport) -> Result<(), StampError> {
    let top = TopVia::locate(msg)?;
    let via = top.parse()?;
    let Some(range) = range_in(top.value, via.transport) else {
        return Err(StampError::TopVia(ViaError::Malformed {
            offset: top.offset_of(top.value),
            expected: "a transport",
            sent_by_readable: false,
        }));
    };
    if via.transport == transport.via_token() {
        return Ok(());
    }
    let field = top.rewritten(&mut [Edit {
        range,
        prefix: "",
        piece: Piece::Text(transport.via_token()),
    }]);
    msg.replace_field_value(top.index, &field);
    Ok(())
}

/// Records where a received request really came from in its top Via
/// (RFC 3261 §18.2.1, RFC 3581 §4), before the request goes up:
///
/// - `received=<source address>` is added when the sent-by host is a name,
///   or an address other than the source ("the server MUST add a
///   'received' parameter").
/// - An `rport` without a value gets the source port, and then `received`
///   is added even when the sent-by address is the source ("even if it is
///   identical to the value of the 'sent-by' component"), whatever the
///   transport.
/// - A `received` the sender wrote itself is set to the source address, so
///   a forged one cannot steer our response elsewhere.
///
/// The address is written as `received` holds it: IPv6 without brackets
/// (RFC 3261 §20.42, RFC 5118 §4.5). An IPv4 source seen through an IPv6
/// socket (`::ffff:192.0.2.1`) is written and compared as IPv4.
///
/// Only the top Via value changes. If its field holds further values after
/// a comma, their bytes are kept; the field is stored again, and a line
/// fold inside it becomes one space (RFC 3261 §7.3.1 calls that the same
/// value; the message layer writes no folds). When nothing needs adding,
/// the message is left untouched.
///
/// ```
/// use bytes::Bytes;
/// use sansip::message::Message;
/// use sansip::transport::stamp_received;
/// let mut msg = Message::parse(Bytes::from_static(
///     b"INVITE sip:bob@biloxi.com SIP/2.0\r\n\
///       Via: SIP/2.0/UDP bobspc.biloxi.com:5060\r\nContent-Length: 0\r\n\r\n",
/// ))?;
/// stamp_received(&mut msg, "192.0.2.4:5060".parse()?)?;
/// assert!(msg.to_string().contains("Via: SIP/2.0/UDP bobspc.biloxi.com:5060;received=192.0.2.4\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stamp_received(msg: &mut Message, source: SocketAddr) -> Result<(), ViaError> {
    let top = TopVia::locate(msg)?;
    let via = top.parse()?;
    let ip = source.ip().to_canonical();
    let sent_by_is_source = via.host.ip().map(|a| a.to_canonical()) == Some(ip);

    // The first of each parameter counts, as for every reader of the Via.
    let (mut received_param, mut rport_param) = (None, None);
    for (name, value) in via.params.iter() {
        if received_param.is_none() && name.eq_ignore_ascii_case("received") {
            received_param = Some((name, value));
        } else if rport_param.is_none() && name.eq_ignore_ascii_case("rport") {
            rport_param = Some((name, value));
        }
    }
    let empty_rport = match rport_param {
        Some((name, None)) => Some(name),
        _ => None,
    };
    let end_of = |s: &str| range_in(top.value, s).map_or(top.value.len(), |r| r.end);
    let rport_edit = empty_rport.map(|name| {
        let end = end_of(name);
        Edit {
            range: end..end,
            prefix: "=",
            piece: Piece::Port(source.port()),
        }
    });
    let need_received = !sent_by_is_source || rport_edit.is_some();
    let piece = Piece::Ip(ip);
    let received_edit = match received_param {
        // Already the source (a retransmission, or a hop that stamped it).
        Some((_, Some(v))) if parse_received(v) == Some(ip) => None,
        // Whatever the sender put there is replaced by the source.
        Some((_, Some(v))) => range_in(top.value, v).map(|range| Edit {
            range,
            prefix: "",
            piece,
        }),
        Some((name, None)) => {
            let end = end_of(name);
            Some(Edit {
                range: end..end,
                prefix: "=",
                piece,
            })
        }
        None if need_received => Some(Edit {
            range: top.value.len()..top.value.len(),
            prefix: ";received=",
            piece,
        }),
        None => None,
    };
    let mut edits: smallvec::SmallVec<[Edit<'_>; 2]> =
        rport_edit.into_iter().chain(received_edit).collect();
    if edits.is_empty() {
        return Ok(());
    }
    let field = top.rewritten(&mut edits);
    msg.replace_field_value(top.index, &field);
    Ok(())
}

/// Reads a `received` value: an address, IPv6 with or without brackets
/// (RFC 5118 §4.5 asks receivers to accept both), IPv4-mapped IPv6 as IPv4.
pub(crate) fn parse_received(value: &str) -> Option<IpAddr> {
    let bare = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    bare.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Checks the top Via of a received request (RFC 3261 §8.2, §18.2.1) and
/// returns it: present, well formed, `SIP/2.0`, over a transport this stack
/// runs. On error, [`ViaError::can_respond`] says whether to answer 400 or
/// drop the request. A branch without the magic cookie is accepted (RFC
/// 2543 senders); Via values below the top are not looked at.
///
/// ```
/// use bytes::Bytes;
/// use sansip::message::Message;
/// use sansip::transport::{check_request_via, ViaError};
/// let msg = Message::parse(Bytes::from_static(
///     b"OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/SCTP h.example.com;branch=z9hG4bK1\r\n\r\n",
/// ))?;
/// let err = check_request_via(&msg).unwrap_err();
/// assert!(matches!(err, ViaError::UnknownTransport { .. }));
/// assert!(err.can_respond());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_request_via(msg: &Message) -> Result<Via<'_>, ViaError> {
    let top = TopVia::locate(msg)?;
    let via = top.parse()?;
    if !via.protocol.eq_ignore_ascii_case("SIP") || via.version != "2.0" {
        return Err(ViaError::NotSip20 {
            offset: top.offset_of(via.protocol),
            found: format!("{}/{}", via.protocol, via.version),
        });
    }
    if Transport::from_via_token(via.transport).is_none() {
        return Err(ViaError::UnknownTransport {
            offset: top.offset_of(via.transport),
            token: via.transport.to_owned(),
        });
    }
    Ok(via)
}

/// Whether a received response's top Via carries one of our sent-by
/// values (see [`SentBy::matches`]). RFC 3261 §18.1.2: if it "does not
/// correspond to a value that the client transport is configured to insert
/// into requests, the response MUST be silently discarded". A response
/// without a readable top Via is not ours either.
pub fn top_via_is_ours(resp: &Message, ours: &[SentBy<'_>]) -> bool {
    TopVia::locate(resp)
        .and_then(|top| top.parse())
        .is_ok_and(|via| ours.iter().any(|s| s.matches(&via)))
}
