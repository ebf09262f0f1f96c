//! The size rule for requests (RFC 3261 §18.1.1): a request too large for
//! an unfragmented UDP datagram goes over a congestion-controlled transport.
//!
//! > If a request is within 200 bytes of the path MTU, or if it is larger
//! > than 1300 bytes and the path MTU is unknown, the request MUST be sent
//! > using an RFC 2914 congestion controlled transport protocol, such as
//! > TCP. If this causes a change in the transport protocol from the one
//! > indicated in the top Via, the value in the top Via MUST be changed.
//!
//! The 200 bytes leave room for a response larger than its request
//! (Record-Route values added on the way back); 1300 assumes an Ethernet
//! MTU of 1500.

use std::net::SocketAddr;

use crate::message::Message;

use super::Transport;

/// Room left below the path MTU (RFC 3261 §18.1.1): a request larger than
/// the MTU minus this goes over TCP.
pub const MTU_HEADROOM: usize = 200;

/// The largest request sent over UDP when the path MTU is unknown (RFC
/// 3261 §18.1.1).
pub const UNKNOWN_MTU_LIMIT: usize = 1300;

/// Whether a request of `msg_len` bytes must go over a congestion-controlled
/// transport: larger than `path_mtu - 200` bytes, or than 1300 bytes when
/// the path MTU is unknown. (With the Ethernet MTU of 1500 both read the
/// same: 1300 bytes still go over UDP, 1301 do not.)
///
/// ```
/// use sansip::transport::must_use_congestion_controlled;
/// assert!(!must_use_congestion_controlled(1300, None));
/// assert!(must_use_congestion_controlled(1301, None));
/// assert!(must_use_congestion_controlled(1100, Some(1280)));
/// ```
pub fn must_use_congestion_controlled(msg_len: usize, path_mtu: Option<usize>) -> bool {
    let limit = path_mtu.map_or(UNKNOWN_MTU_LIMIT, |mtu| mtu.saturating_sub(MTU_HEADROOM));
    msg_len > limit
}

/// What the size rule says about sending a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeDecision {
    /// Send it as planned: the planned transport is congestion controlled
    /// already (TCP, TLS, WS, WSS), or the request is small enough for UDP.
    Keep,
    /// Send it over TCP instead of UDP (a MUST), to the same address and
    /// port: a server listening on UDP MUST listen on TCP at the same port
    /// (RFC 3261 §18.2.1). Change the top Via to TCP first
    /// ([`set_via_transport`](super::set_via_transport)).
    ///
    /// If the connection attempt is refused with ICMP Protocol Not
    /// Supported or a TCP reset, the request SHOULD be retried over UDP
    /// (for RFC 2543 peers without TCP; the RFC expects to deprecate this):
    /// see [`SizeDecision::retry_over_udp`], and set the Via back to UDP.
    SwitchToTcp,
    /// Too large for UDP, but the destination is a multicast group, which
    /// no TCP connection reaches. RFC 3261 does not say what to do here;
    /// the caller decides (fail the request, or send it anyway).
    MulticastTooLarge,
}

/// How an attempt to open a TCP connection failed, as far as the size rule
/// cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectFailure {
    /// An ICMP Protocol Not Supported (Protocol Unreachable) came back.
    ProtocolNotSupported,
    /// The peer answered the connection attempt with a TCP reset.
    Reset,
    /// Anything else: timeout, host or network unreachable, TLS failure...
    Other,
}

impl SizeDecision {
    /// After [`SizeDecision::SwitchToTcp`], whether a failed connection
    /// attempt is retried over UDP. RFC 3261 §18.1.1: "if the attempt to
    /// establish the connection generates either an ICMP Protocol Not
    /// Supported, or results in a TCP reset, the element SHOULD retry the
    /// request, using UDP". Any other failure is a transport error for the
    /// transaction (§17.1.4). Always false for the other decisions.
    pub fn retry_over_udp(self, failure: ConnectFailure) -> bool {
        self == SizeDecision::SwitchToTcp
            && matches!(
                failure,
                ConnectFailure::ProtocolNotSupported | ConnectFailure::Reset
            )
    }
}

/// Applies the size rule to a request about to be sent over `planned` to
/// `destination`. Call it once the request is complete, our Via included:
/// the length is [`Message::serialized_len`].
///
/// The rule has no exception: a `transport=udp` parameter in the
/// Request-URI or Route that chose UDP does not keep a large request on
/// UDP. A response is never switched (its transport is the one §18.2.2
/// picks), so this returns [`SizeDecision::Keep`] for one.
///
/// ```
/// use bytes::Bytes;
/// use sansip::message::Message;
/// use sansip::transport::{size_decision, SizeDecision, Transport};
/// let mut raw = b"MESSAGE sip:b@example.com SIP/2.0\r\nContent-Length: 1400\r\n\r\n".to_vec();
/// raw.resize(raw.len() + 1400, b'x');
/// let msg = Message::parse(Bytes::from(raw))?;
/// let to = "192.0.2.9:5060".parse()?;
/// assert_eq!(size_decision(&msg, Transport::Udp, to, None), SizeDecision::SwitchToTcp);
/// assert_eq!(size_decision(&msg, Transport::Tcp, to, None), SizeDecision::Keep);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn size_decision(
    request: &Message,
    planned: Transport,
    destination: SocketAddr,
    path_mtu: Option<usize>,
) -> SizeDecision {
    if planned != Transport::Udp
        || !request.is_request()
        || !must_use_congestion_controlled(request.serialized_len(), path_mtu)
    {
        SizeDecision::Keep
    } else if destination.ip().is_multicast() {
        SizeDecision::MulticastTooLarge
    } else {
        SizeDecision::SwitchToTcp
    }
}
