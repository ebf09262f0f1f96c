//! Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4, RFC 3263 §5):
//! read from the top Via of the request, as stamped on arrival by
//! [`stamp_received`](super::stamp_received).

use std::net::{IpAddr, SocketAddr};

use crate::message::headers::Via;
use crate::message::Host;

use super::via::parse_received;
use super::{FlowId, FlowInfo, Transport};

/// Where to send a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseTarget<'a> {
    /// Back on the connection the request came in on (TCP, TLS, WS, WSS).
    SameFlow(FlowId),
    /// To this address. Over UDP, send from the socket the request arrived
    /// on (RFC 3581 §4: "from the same address and port that the
    /// corresponding request was received on"); over TCP or TLS, open a
    /// connection to it.
    Address {
        /// Destination address and port.
        addr: SocketAddr,
        /// Transport to use.
        transport: Transport,
    },
    /// To a multicast group over UDP, with this TTL (the Via's `ttl`, or 1).
    Multicast {
        /// Group address and port.
        group: SocketAddr,
        /// IP time-to-live for the datagram.
        ttl: u8,
    },
    /// A name to resolve first, as RFC 3263 §5 (server usage) says: with a
    /// port, look up A/AAAA records and use that port; without one, look
    /// up SRV records (`_sips._tcp` for TLS, `_sip._<transport>` otherwise)
    /// and use their ports. Try the addresses in order until one works.
    Resolve {
        /// The name, as written in the Via (`sent-by` or `maddr`).
        host: &'a str,
        /// The port, if the Via gave one.
        port: Option<u16>,
        /// Transport to use.
        transport: Transport,
    },
}

/// Where the response to a request goes, from the request's top Via (once
/// [`stamp_received`](super::stamp_received) has run) and the flow the
/// request arrived on. The branches, in the order RFC 3261 §18.2.2 takes
/// them, with RFC 3581 §4's step inserted between its second and third:
///
/// 1. **Reliable transport** (TCP, TLS, WS, WSS) → [`ResponseTarget::SameFlow`]:
///    "the response MUST be sent using the existing connection to the
///    source of the original request". A WebSocket client cannot accept
///    connections (RFC 7118), so for WS and WSS this is the only way back.
///    Reliability is taken from the flow the request arrived on: a sender
///    that used a connection with a UDP Via broke §18.1.1 ("the value in
///    the top Via MUST be changed"), and the connection is the one path
///    known to reach it. A request that arrived over UDP with a TCP or TLS
///    Via has no connection to answer on: as §18.2.2 says for a closed
///    connection, connect to `received` (or the sent-by) at the sent-by
///    port ([`reconnect_destination`]).
/// 2. **`maddr`** → "the response MUST be forwarded to the address listed
///    there, using the port indicated in 'sent-by', or port 5060 if none is
///    present". A multicast address gives [`ResponseTarget::Multicast`]
///    with the `ttl` parameter, "or with a TTL of 1"; a name gives
///    [`ResponseTarget::Resolve`] with the port. A `maddr` that is not a
///    host at all is ignored.
/// 3. **`received` and `rport`** (RFC 3581 §4: UDP, "no 'maddr' parameter,
///    but there is both a 'received' parameter and an 'rport' parameter")
///    → the `received` address at the `rport` port.
/// 4. **`received`** → "the address in the 'received' parameter, using the
///    port indicated in the 'sent-by' value, or using port 5060 if none is
///    specified explicitly". A `received` that is not an address is
///    ignored. If sending there fails (ICMP port unreachable, for one), RFC
///    3261 says to fall back to RFC 3263 §5: see [`sent_by_destination`].
/// 5. **sent-by** → "the address indicated by the 'sent-by' value, using
///    the procedures in Section 5 of [RFC 3263]" ([`sent_by_destination`]):
///    an address at the sent-by port or the default one, or a name to
///    resolve.
///
/// ```
/// use sansip::message::{headers::Via, TypedHeader};
/// use sansip::transport::{response_destination, FlowId, FlowInfo, ResponseTarget, Transport};
/// let via = Via::parse("SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff")?;
/// let flow = FlowInfo {
///     flow: FlowId(1),
///     transport: Transport::Udp,
///     local: "192.0.2.2:5060".parse()?,
///     remote: "192.0.2.1:9988".parse()?,
/// };
/// assert_eq!(
///     response_destination(&via, &flow),
///     ResponseTarget::Address { addr: "192.0.2.1:9988".parse()?, transport: Transport::Udp },
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn response_destination<'a>(via: &Via<'a>, arrived_on: &FlowInfo) -> ResponseTarget<'a> {
    let transport = via_transport(via, arrived_on);
    // 1. Reliable transports: the connection the request came in on.
    if arrived_on.transport.is_reliable() {
        return ResponseTarget::SameFlow(arrived_on.flow);
    }
    if transport.is_reliable() {
        return connect_target(via, transport);
    }
    // 2. maddr, at the sent-by port or 5060.
    if let Some(maddr) = via.maddr() {
        let port = via.port.unwrap_or(5060);
        match Host::parse(maddr) {
            Ok(Host::Domain(name)) => {
                return ResponseTarget::Resolve {
                    host: name,
                    port: Some(port),
                    transport,
                }
            }
            Ok(host) => {
                if let Some(ip) = host.ip().map(|a| a.to_canonical()) {
                    let addr = SocketAddr::new(ip, port);
                    return if ip.is_multicast() {
                        ResponseTarget::Multicast {
                            group: addr,
                            ttl: via.ttl().unwrap_or(1),
                        }
                    } else {
                        ResponseTarget::Address { addr, transport }
                    };
                }
            }
            Err(_) => {}
        }
    }
    // 3. received + rport (RFC 3581), 4. received at the sent-by port.
    if let Some(ip) = via.received().and_then(parse_received) {
        let port = match via.rport() {
            Some(Some(rport)) => rport,
            _ => via.port.unwrap_or(transport.default_port()),
        };
        return ResponseTarget::Address {
            addr: SocketAddr::new(ip, port),
            transport,
        };
    }
    // 5. sent-by.
    sent_by_destination(via, transport)
}

/// Where to send a response when the connection its request came in on has
/// closed (RFC 3261 §18.2.2, first bullet): "the server SHOULD open a
/// connection to the IP address in the 'received' parameter, if present,
/// using the port in the 'sent-by' value, or the default port for that
/// transport", and without `received`, to the sent-by itself
/// ([`sent_by_destination`], which is also the fallback when that
/// connection fails).
///
/// `None` for UDP, which has no connection (use [`response_destination`]),
/// and for WS and WSS: a WebSocket client accepts no connections (RFC
/// 7118), so a response whose connection is gone cannot be delivered.
pub fn reconnect_destination<'a>(
    via: &Via<'a>,
    arrived_on: &FlowInfo,
) -> Option<ResponseTarget<'a>> {
    match arrived_on.transport {
        Transport::Tcp | Transport::Tls => {
            Some(connect_target(via, via_transport(via, arrived_on)))
        }
        Transport::Udp | Transport::Ws | Transport::Wss => None,
    }
}

/// The sent-by of the Via as a destination, by RFC 3263 §5 (server usage):
/// an address is used as is, "using the transport protocol from the Via
/// header field value, and the port from sent-by, if present, else the
/// default for that transport protocol"; a name is returned to be resolved
/// ([`ResponseTarget::Resolve`]: A/AAAA with its port, SRV without).
///
/// RFC 3261 §18.2.2 ends here when the Via has no `received`, and comes
/// here when sending to `received` fails.
pub fn sent_by_destination<'a>(via: &Via<'a>, transport: Transport) -> ResponseTarget<'a> {
    let ip = match via.host {
        Host::Domain(name) => {
            return ResponseTarget::Resolve {
                host: name,
                port: via.port,
                transport,
            }
        }
        Host::Ipv4(a) => IpAddr::V4(a),
        Host::Ipv6(a) => IpAddr::V6(a).to_canonical(),
    };
    ResponseTarget::Address {
        addr: SocketAddr::new(ip, via.port.unwrap_or(transport.default_port())),
        transport,
    }
}

/// Where to answer a request whose top Via could not be used but still
/// names its sender ([`ViaError::can_respond`](super::ViaError::can_respond)):
/// back where it came from, on the same connection, or over UDP to the
/// source address from the same socket.
pub fn reply_to_source(arrived_on: &FlowInfo) -> ResponseTarget<'static> {
    if arrived_on.transport.is_reliable() {
        ResponseTarget::SameFlow(arrived_on.flow)
    } else {
        ResponseTarget::Address {
            addr: arrived_on.remote,
            transport: arrived_on.transport,
        }
    }
}

/// The transport the Via names, or the flow's when the token is unknown.
fn via_transport(via: &Via<'_>, arrived_on: &FlowInfo) -> Transport {
    Transport::from_via_token(via.transport).unwrap_or(arrived_on.transport)
}

/// Opening a connection for a response: `received` at the sent-by port (or
/// the default), else the sent-by.
fn connect_target<'a>(via: &Via<'a>, transport: Transport) -> ResponseTarget<'a> {
    match via.received().and_then(parse_received) {
        Some(ip) => ResponseTarget::Address {
            addr: SocketAddr::new(ip, via.port.unwrap_or(transport.default_port())),
            transport,
        },
        None => sent_by_destination(via, transport),
    }
}
