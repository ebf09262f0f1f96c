//! The layer's public types: ids, settings, targets, outputs, errors.

use std::net::SocketAddr;

use bytes::Bytes;

use super::TimerConfig;
use crate::message::Message;
use crate::transport::{FlowId, FlowInfo, Transport};

/// Identifies one transaction for its whole life. A layer never hands out
/// the same id twice; the value is otherwise opaque (not a count: it names
/// where the layer keeps the transaction, so using one is direct), and the
/// same inputs give the same ids.
///
/// It prints as `slot.use` (`TxId(3.1)` in `{:?}`, `tx 3.1` in `{}`): the
/// table slot and how many transactions that slot has held, which is what
/// a log reader needs to tell a reused slot from the same transaction.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxId(pub u64);

impl TxId {
    /// The id of the `uses`-th transaction held in table slot `slot`.
    pub(super) fn from_parts(slot: u32, uses: u32) -> TxId {
        TxId((u64::from(uses) << 32) | u64::from(slot))
    }

    /// The table slot it names.
    pub(super) fn slot(self) -> u32 {
        self.0 as u32
    }

    /// How many transactions its slot had held, this one included.
    pub(super) fn uses(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

impl std::fmt::Debug for TxId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TxId({}.{})", self.slot(), self.uses())
    }
}

impl std::fmt::Display for TxId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tx {}.{}", self.slot(), self.uses())
    }
}

/// Settings of a [`TransactionLayer`](super::TransactionLayer).
#[derive(Debug, Clone)]
pub struct TxConfig {
    /// T1, T2, T4 and the values derived from them.
    pub timers: TimerConfig,
    /// Most live transactions (client and server together). Past it, new
    /// requests are answered 503 and `send_request` fails. Each client
    /// INVITE that may still be cancelled holds one slot in reserve for its
    /// CANCEL, so [`TransactionLayer::cancel`](super::TransactionLayer::cancel) never fails for room (an
    /// INVITE thus needs two free slots to start).
    pub max_transactions: usize,
    /// Ask for `rport` (RFC 3581) in the Via of requests sent.
    pub rport: bool,
    /// Path MTU for the RFC 3261 §18.1.1 size rule (`None`: 1500, so UDP
    /// requests over 1300 bytes go over TCP).
    pub path_mtu: Option<usize>,
    /// Size of the chunks the bytes of non-INVITE transactions over UDP
    /// are written into (0: each message its own allocation). Messages
    /// sharing a chunk share one reference count, which keeps timer
    /// firings and ends from touching a cold line each with many live
    /// transactions; a chunk is freed once the last message in it is
    /// dropped, at most 64·T1 + T4 after it was written, unless the host
    /// holds a handle longer.
    pub send_chunk: usize,
}

impl Default for TxConfig {
    fn default() -> Self {
        TxConfig {
            timers: TimerConfig::default(),
            max_transactions: 10_000,
            rport: true,
            path_mtu: None,
            send_chunk: 16 * 1024,
        }
    }
}

/// Where a client request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The transport to use (the layer may switch UDP to TCP for size).
    pub transport: Transport,
    /// An existing flow to send on (required for responses on reliable
    /// flows; for requests, `None` lets the host pick or open one).
    pub flow: Option<FlowId>,
    /// The address of the next hop.
    pub remote: SocketAddr,
    /// This side's address, written as the Via sent-by.
    pub local: SocketAddr,
}

/// Where bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A socket address.
    Addr(SocketAddr),
    /// A host name to resolve first (RFC 3263 §5: a response to a Via
    /// sent-by or maddr that is a name): A/AAAA with the port, or SRV when
    /// there is none.
    Name {
        /// The name.
        host: String,
        /// The port, if the Via gave one.
        port: Option<u16>,
    },
}

/// Bytes to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The transport.
    pub transport: Transport,
    /// The flow to use, if a specific one is required.
    pub flow: Option<FlowId>,
    /// The peer.
    pub destination: Destination,
    /// The message.
    pub bytes: Bytes,
}

/// What the transaction user is told.
#[derive(Debug, Clone)]
pub enum TxEvent {
    /// A new request: a server transaction was created for it. A CANCEL
    /// says which INVITE transaction it cancels, if that one is live.
    Request {
        /// The new server transaction.
        tx: TxId,
        /// The request (Via already stamped with received/rport).
        request: Message,
        /// Where it came from.
        flow: FlowInfo,
        /// For a CANCEL: the INVITE server transaction it matches.
        cancels: Option<TxId>,
    },
    /// A response for a client transaction.
    Response {
        /// The client transaction.
        tx: TxId,
        /// The response.
        response: Message,
    },
    /// An ACK that is not part of a transaction (the ACK for a 2xx, RFC
    /// 3261 §17.2.3 / RFC 6026): the dialog layer takes it.
    Ack {
        /// The INVITE transaction in Accepted state it matched, if any.
        tx: Option<TxId>,
        /// The ACK.
        ack: Message,
        /// Where it came from.
        flow: FlowInfo,
    },
    /// Timer B or F: no final response arrived (for a cancelled INVITE:
    /// none within 64·T1 of the CANCEL, RFC 3261 §9.1).
    Timeout {
        /// The client transaction.
        tx: TxId,
    },
    /// The transport failed while the transaction needed it.
    TransportError {
        /// The transaction.
        tx: TxId,
    },
    /// Timer H: our final response to an INVITE was never acknowledged.
    NoAck {
        /// The server transaction.
        tx: TxId,
    },
    /// The transaction is over and forgotten.
    Terminated {
        /// The transaction.
        tx: TxId,
    },
}

/// One output of the layer.
// Messages keep their header spans inline (no allocation per message);
// outputs are drained as soon as they are produced, so their size matters
// less than an allocation per event would.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum TxOutput {
    /// Send bytes.
    Transmit(Transmit),
    /// Tell the transaction user.
    Event(TxEvent),
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// The live-transaction limit is reached.
    #[error("{limit} transactions are live, the configured limit")]
    TooManyTransactions {
        /// The limit.
        limit: usize,
    },
    /// No live transaction has this id.
    #[error("no live transaction {0:?}")]
    NoSuchTransaction(TxId),
    /// The command does not fit the transaction (e.g. a response on a
    /// client transaction, a CANCEL before any provisional response).
    #[error("{0}")]
    WrongState(&'static str),
    /// The message lacks what the command needs.
    #[error("the message cannot be used: {0}")]
    BadMessage(&'static str),
}

/// Counters of what was dropped, for diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxStats {
    /// Responses that matched no client transaction.
    pub stray_responses: u64,
    /// Requests dropped because no response could be addressed.
    pub dropped_requests: u64,
    /// Requests answered 400, 482 or 503 by the layer itself.
    pub rejected_requests: u64,
}

#[cfg(test)]
mod tests {
    use super::TxId;

    #[test]
    fn a_tx_id_prints_as_its_slot_and_use_count() {
        let id = TxId::from_parts(3, 2);
        assert_eq!((id.slot(), id.uses()), (3, 2));
        assert_eq!(format!("{id:?}"), "TxId(3.2)");
        assert_eq!(id.to_string(), "tx 3.2");
        // A reused slot prints differently from its earlier holder.
        assert_ne!(TxId::from_parts(3, 1).to_string(), id.to_string());
    }
}
