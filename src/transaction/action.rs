//! What a state machine asks its layer to do. Machines are pure: they
//! return actions, the layer carries them out in order.

use std::time::Duration;

use bytes::Bytes;
use smallvec::SmallVec;

use super::TimerKind;

/// One thing to do.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// Send these bytes to the transaction's peer.
    Send(Bytes),
    /// (Re)arm a timer to fire after the duration; a zero duration fires
    /// at once (reliable transports zero Timers D, I, J and K).
    Arm(TimerKind, Duration),
    /// Stop a timer the new state no longer uses, so that the layer's next
    /// deadline is one that acts.
    Cancel(TimerKind),
    /// Tell the transaction user.
    Tell(Notice),
    /// The transaction is over: forget it.
    Terminate,
}

/// What the transaction user is told.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// Pass on the message that caused this: a response for a client
    /// transaction (provisional, final, or a 2xx retransmission in the
    /// Accepted state), or an ACK for a 2xx (RFC 6026 §8.7).
    PassOn,
    /// Timer B or F fired: no final response (the TU acts as on 408).
    Timeout,
    /// The transport failed (§17.1.1.2, §17.1.2.2, §17.2.4).
    TransportError,
    /// Timer H fired: the peer never acknowledged our final response.
    NoAck,
    /// The INVITE server transaction's 200 ms passed without a response
    /// from the TU: the layer sends 100 Trying (it has the request).
    SendTrying,
}

pub(crate) type Actions = SmallVec<[Action; 4]>;

/// The state of a transaction, for the user and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxState {
    /// Client INVITE: request sent, nothing heard.
    Calling,
    /// Non-INVITE client or server: started, nothing final.
    Trying,
    /// A provisional response was received (client) or sent (server).
    Proceeding,
    /// A final non-2xx (INVITE) or any final (non-INVITE) was received or sent.
    Completed,
    /// Server INVITE: the ACK for a non-2xx final arrived.
    Confirmed,
    /// INVITE: a 2xx was received or sent (RFC 6026).
    Accepted,
    /// Over.
    Terminated,
}
