//! Errors of the transport rules: a received Via that cannot be used, and a
//! Via we were asked to write that would not be valid.

use thiserror::Error;

/// Why the top Via of a received message cannot be used.
///
/// A request with a bad top Via is answered 400 where the answer can still
/// reach the sender ([`ViaError::can_respond`]) and dropped otherwise. A
/// response with a bad top Via is always dropped (RFC 3261 §18.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ViaError {
    /// The message has no Via header field.
    #[error("message has no Via header")]
    Missing,
    /// The top Via value does not follow the grammar (RFC 3261 §25.1).
    #[error("invalid top Via at byte {offset}: expected {expected}")]
    Malformed {
        /// Byte offset in the message (for a field changed after parsing:
        /// in that field's value).
        offset: usize,
        /// What the grammar expected there.
        expected: &'static str,
        /// Whether the part before the parameters (`SIP/2.0/UDP host:port`)
        /// still reads, so the sender can recognise a response as its own.
        sent_by_readable: bool,
    },
    /// The top Via names a protocol other than `SIP/2.0`.
    #[error("top Via at byte {offset} names protocol {found}, not SIP/2.0")]
    NotSip20 {
        /// Byte offset of the protocol name in the message.
        offset: usize,
        /// The protocol and version as written (`SIP/7.0`).
        found: String,
    },
    /// The top Via names a transport this stack does not run (`SCTP`, an
    /// extension token, ...).
    #[error(
        "top Via at byte {offset} names transport {token}, which is not UDP, TCP, TLS, WS or WSS"
    )]
    UnknownTransport {
        /// Byte offset of the transport token in the message.
        offset: usize,
        /// The token as written.
        token: String,
    },
}

impl ViaError {
    /// Whether a response to the request can still be addressed, so the
    /// layer above answers 400 rather than dropping it.
    ///
    /// A response copies the request's Via values (RFC 3261 §8.2.6.2), and
    /// the sender keeps it only if the top one carries its own sent-by
    /// (§18.1.2). Without any Via, or with a sent-by that does not read,
    /// the sender could not recognise the answer, so there is nothing to
    /// gain by sending it. A Via whose parameters are broken, whose
    /// protocol is not SIP/2.0 or whose transport is unknown still names
    /// its sender: answer it to where the request came from (see
    /// [`reply_to_source`](super::reply_to_source)).
    pub fn can_respond(&self) -> bool {
        match self {
            ViaError::Missing => false,
            ViaError::Malformed {
                sent_by_readable, ..
            } => *sent_by_readable,
            ViaError::NotSip20 { .. } | ViaError::UnknownTransport { .. } => true,
        }
    }
}

/// Why a Via could not be written into a message we are sending.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StampError {
    /// The branch is empty or holds a character outside `token`.
    #[error("branch {branch:?} is not a token")]
    InvalidBranch {
        /// The branch as given.
        branch: String,
    },
    /// The sent-by domain name does not follow the `hostname` grammar.
    #[error("sent-by host {host:?} is not a host name")]
    InvalidHost {
        /// The name as given.
        host: String,
    },
    /// The message has no Via to change (from
    /// [`set_via_transport`](super::set_via_transport)), or its top Via
    /// does not read.
    #[error("cannot change the top Via: {0}")]
    TopVia(#[from] ViaError),
}
