//! The INVITE server transaction (RFC 3261 §17.2.1, with the Accepted
//! state of RFC 6026 §8.5-8.7).

use std::time::Duration;

use bytes::Bytes;

use super::action::{Action, Actions, Notice, TxState};
use super::resend::Resend;
use super::{TimerConfig, TimerKind};
use crate::message::Message;

/// In C order, the small fields first (see `ClientNonInvite`).
#[derive(Debug, Clone)]
#[repr(C)]
pub(crate) struct ServerInvite {
    state: TxState,
    reliable: bool,
    /// The last response sent (provisional or final), for retransmissions.
    last: Option<Resend>,
    /// To tag of the final response: an RFC 2543 ACK must carry it.
    /// Boxed `str`, not `String`: the machine sits in the part of a
    /// transaction every timer firing reads, which must stay small.
    final_to_tag: Option<Box<str>>,
}

impl ServerInvite {
    /// A new transaction for a received INVITE: the TU is handed the
    /// request by the layer; if it has not answered within 200 ms, the
    /// transaction sends 100 Trying (§17.2.1).
    pub(crate) fn start(reliable: bool, timers: &TimerConfig) -> (Self, Actions) {
        let mut a = Actions::new();
        a.push(Action::Arm(TimerKind::Trying, timers.trying_delay));
        let tx = ServerInvite {
            state: TxState::Proceeding,
            last: None,
            final_to_tag: None,
            reliable,
        };
        (tx, a)
    }

    pub(crate) fn state(&self) -> TxState {
        self.state
    }

    /// How many bytes a retransmission sends (0: none yet).
    pub(crate) fn resend_len(&self) -> usize {
        self.last.as_ref().map_or(0, Resend::len)
    }

    pub(crate) fn final_to_tag(&self) -> Option<&str> {
        self.final_to_tag.as_deref()
    }

    /// The TU sends `resp` (its bytes already serialized).
    pub(crate) fn respond(
        &mut self,
        resp: &Message,
        bytes: Bytes,
        timers: &TimerConfig,
    ) -> Actions {
        let code = resp.status().unwrap_or(0);
        let mut a = Actions::new();
        match (self.state, code) {
            (TxState::Proceeding, 100..=199) => {
                // The TU answered: no 100 Trying from us (§17.2.1).
                self.last = Some(Resend::new(bytes.clone()));
                a.push(Action::Cancel(TimerKind::Trying));
                a.push(Action::Send(bytes));
            }
            (TxState::Proceeding, 200..=299) => {
                self.state = TxState::Accepted;
                a.push(Action::Cancel(TimerKind::Trying));
                self.last = Some(Resend::new(bytes.clone()));
                a.push(Action::Send(bytes));
                a.push(Action::Arm(TimerKind::L, timers.timeout()));
            }
            // RFC 6026 §8.6: 2xx retransmissions by the UAS core go out
            // through the transaction while it is Accepted.
            (TxState::Accepted, 200..=299) => a.push(Action::Send(bytes)),
            (TxState::Proceeding, 300..=699) => {
                self.state = TxState::Completed;
                a.push(Action::Cancel(TimerKind::Trying));
                self.final_to_tag = to_tag(resp).map(String::into_boxed_str);
                self.last = Some(Resend::new(bytes.clone()));
                a.push(Action::Send(bytes));
                if !self.reliable {
                    a.push(Action::Arm(TimerKind::G, timers.t1));
                }
                a.push(Action::Arm(TimerKind::H, timers.timeout()));
            }
            _ => {}
        }
        a
    }

    /// A retransmission of the INVITE arrived.
    pub(crate) fn on_retransmission(&mut self) -> Actions {
        let mut a = Actions::new();
        if matches!(self.state, TxState::Proceeding | TxState::Completed) {
            if let Some(last) = &mut self.last {
                a.push(Action::Send(last.handle()));
            }
        }
        a
    }

    /// An ACK matched this transaction.
    pub(crate) fn on_ack(&mut self, timers: &TimerConfig) -> Actions {
        let mut a = Actions::new();
        match self.state {
            TxState::Completed => {
                // §17.2.1: Timer G is ignored in Confirmed, and Timer H
                // only acts in Completed.
                self.state = TxState::Confirmed;
                a.push(Action::Cancel(TimerKind::G));
                a.push(Action::Cancel(TimerKind::H));
                let i = if self.reliable {
                    Duration::ZERO
                } else {
                    timers.t4
                };
                a.push(Action::Arm(TimerKind::I, i));
            }
            TxState::Accepted => a.push(Action::Tell(Notice::PassOn)),
            _ => {}
        }
        a
    }

    /// A timer fired that was armed for `after`.
    pub(crate) fn on_timer(
        &mut self,
        kind: TimerKind,
        after: Duration,
        timers: &TimerConfig,
    ) -> Actions {
        let mut a = Actions::new();
        match (self.state, kind) {
            (TxState::Proceeding, TimerKind::Trying) if self.last.is_none() => {
                a.push(Action::Tell(Notice::SendTrying));
            }
            (TxState::Completed, TimerKind::G) => {
                if let Some(last) = &mut self.last {
                    a.push(Action::Send(last.handle()));
                }
                // §17.2.1: each interval twice the one just used, up to T2.
                a.push(Action::Arm(
                    TimerKind::G,
                    after.saturating_mul(2).min(timers.t2),
                ));
            }
            (TxState::Completed, TimerKind::H) => {
                self.state = TxState::Terminated;
                a.push(Action::Tell(Notice::NoAck));
                a.push(Action::Terminate);
            }
            (TxState::Confirmed, TimerKind::I) | (TxState::Accepted, TimerKind::L) => {
                self.state = TxState::Terminated;
                a.push(Action::Terminate);
            }
            _ => {}
        }
        a
    }

    pub(crate) fn on_transport_error(&mut self) -> Actions {
        let mut a = Actions::new();
        if self.state != TxState::Terminated {
            self.state = TxState::Terminated;
            a.push(Action::Tell(Notice::TransportError));
            a.push(Action::Terminate);
        }
        a
    }
}

pub(crate) fn to_tag(resp: &Message) -> Option<String> {
    resp.header::<crate::message::headers::ToHeader>()
        .ok()?
        .tag()
        .map(str::to_owned)
}
