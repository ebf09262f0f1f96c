//! Transport rules (RFC 3261 §18, RFC 3581, RFC 7118): what a transport
//! is, how flows are named, and how Via headers are stamped and read. The
//! host owns every socket and connection; sansip only names them.
//!
//! - Sending a request: [`new_branch`], [`stamp_via`] (with
//!   [`ws_invalid_host`] for WebSocket clients), then [`size_decision`] and,
//!   when it says so, [`set_via_transport`].
//! - Receiving a request: [`check_request_via`], then [`stamp_received`].
//! - Sending a response: [`response_destination`] (and
//!   [`reconnect_destination`], [`sent_by_destination`] when that fails).
//! - Receiving a response: [`top_via_is_ours`].

use std::net::SocketAddr;

mod error;
mod response_route;
mod size;
pub mod stun;
mod top_via;
mod via;

pub use error::{StampError, ViaError};
pub use response_route::{
    reconnect_destination, reply_to_source, response_destination, sent_by_destination,
    ResponseTarget,
};
pub use size::{
    must_use_congestion_controlled, size_decision, ConnectFailure, SizeDecision, MTU_HEADROOM,
    UNKNOWN_MTU_LIMIT,
};
pub(crate) use top_via::TopVia;
pub use via::{
    check_request_via, new_branch, set_via_transport, stamp_received, stamp_via, top_via_is_ours,
    ws_invalid_host, SentBy, BRANCH_RANDOM_CHARS, WS_HOST_LABEL_CHARS,
};

/// A SIP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Transport {
    /// UDP (unreliable, datagrams).
    Udp,
    /// TCP (reliable, stream).
    Tcp,
    /// TLS over TCP (reliable, stream, secure).
    Tls,
    /// WebSocket (RFC 7118; reliable, one SIP message per WebSocket message).
    Ws,
    /// Secure WebSocket (RFC 7118).
    Wss,
}

impl Transport {
    /// Every transport.
    pub const ALL: [Transport; 5] = [
        Transport::Udp,
        Transport::Tcp,
        Transport::Tls,
        Transport::Ws,
        Transport::Wss,
    ];

    /// The token in a Via header (`SIP/2.0/UDP`, ...).
    pub const fn via_token(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Ws => "WS",
            Transport::Wss => "WSS",
        }
    }

    /// The `transport=` URI parameter value (RFC 3261 §19.1.1, RFC 7118).
    pub const fn uri_param(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp | Transport::Tls => "tcp",
            Transport::Ws | Transport::Wss => "ws",
        }
    }

    /// Reads a Via transport token (without case).
    pub fn from_via_token(token: &str) -> Option<Transport> {
        Transport::ALL
            .into_iter()
            .find(|t| t.via_token().eq_ignore_ascii_case(token))
    }

    /// Whether the transport delivers reliably (no retransmission timers).
    pub const fn is_reliable(self) -> bool {
        !matches!(self, Transport::Udp)
    }

    /// Whether the transport is secure (TLS or WSS).
    pub const fn is_secure(self) -> bool {
        matches!(self, Transport::Tls | Transport::Wss)
    }

    /// Whether messages are framed by the transport (UDP datagrams,
    /// WebSocket messages) rather than cut from a byte stream.
    pub const fn is_message_framed(self) -> bool {
        matches!(self, Transport::Udp | Transport::Ws | Transport::Wss)
    }

    /// The port used when a URI or Via names none (RFC 3261 §19.1.2,
    /// RFC 7118 uses the HTTP ports).
    pub const fn default_port(self) -> u16 {
        match self {
            Transport::Udp | Transport::Tcp => 5060,
            Transport::Tls => 5061,
            Transport::Ws => 80,
            Transport::Wss => 443,
        }
    }
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.via_token())
    }
}

/// A connection or socket the host owns, named by a number the host
/// chooses (or sansip asks the host to open with a `Connect` output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct FlowId(pub u64);

/// Where a message came from or goes to: the flow (socket or connection),
/// its transport, and the two addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowInfo {
    /// The flow.
    pub flow: FlowId,
    /// Its transport.
    pub transport: Transport,
    /// This side's address on the flow.
    pub local: SocketAddr,
    /// The peer's address.
    pub remote: SocketAddr,
}
