//! The non-INVITE client transaction (RFC 3261 §17.1.2).

use std::time::Duration;

use super::action::{Action, Actions, Notice, TxState};
use bytes::Bytes;

use super::resend::Resend;
use super::{TimerConfig, TimerKind};
use crate::message::Message;

/// In C order, so the layer knows where a retransmission's reads fall:
/// the small fields share the line of the machine's tag, the handles fill
/// the next (see `Tx`).
#[derive(Debug, Clone)]
#[repr(C)]
pub(crate) struct ClientNonInvite {
    state: TxState,
    reliable: bool,
    request: Resend,
}

impl ClientNonInvite {
    /// Sends the request's bytes: Timer E (unreliable only) and Timer F.
    pub(crate) fn start(bytes: Bytes, reliable: bool, timers: &TimerConfig) -> (Self, Actions) {
        let mut actions = Actions::new();
        actions.push(Action::Send(bytes.clone()));
        if !reliable {
            actions.push(Action::Arm(TimerKind::E, timers.t1));
        }
        actions.push(Action::Arm(TimerKind::F, timers.timeout()));
        let tx = ClientNonInvite {
            state: TxState::Trying,
            request: Resend::new(bytes),
            reliable,
        };
        (tx, actions)
    }

    pub(crate) fn state(&self) -> TxState {
        self.state
    }

    /// How many bytes a retransmission sends (0: none yet).
    pub(crate) fn resend_len(&self) -> usize {
        self.request.len()
    }

    pub(crate) fn on_response(&mut self, resp: &Message, timers: &TimerConfig) -> Actions {
        let code = resp.status().unwrap_or(0);
        let mut a = Actions::new();
        match (self.state, code) {
            (TxState::Trying | TxState::Proceeding, 100..=199) => {
                self.state = TxState::Proceeding;
                a.push(Action::Tell(Notice::PassOn));
            }
            (TxState::Trying | TxState::Proceeding, 200..=699) => {
                // §17.1.2.2: Timers E and F stop in Completed.
                self.state = TxState::Completed;
                a.push(Action::Cancel(TimerKind::E));
                a.push(Action::Cancel(TimerKind::F));
                a.push(Action::Tell(Notice::PassOn));
                let k = if self.reliable {
                    Duration::ZERO
                } else {
                    timers.t4
                };
                a.push(Action::Arm(TimerKind::K, k));
            }
            // Completed absorbs retransmitted responses.
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
            // §17.1.2.2: the interval doubles up to T2 in Trying (T1 first,
            // so the one just used tells the next: nothing to keep).
            (TxState::Trying, TimerKind::E) => {
                a.push(Action::Send(self.request.handle()));
                a.push(Action::Arm(
                    TimerKind::E,
                    after.saturating_mul(2).min(timers.t2),
                ));
            }
            (TxState::Proceeding, TimerKind::E) => {
                a.push(Action::Send(self.request.handle()));
                a.push(Action::Arm(TimerKind::E, timers.t2));
            }
            (TxState::Trying | TxState::Proceeding, TimerKind::F) => {
                self.state = TxState::Terminated;
                a.push(Action::Tell(Notice::Timeout));
                a.push(Action::Terminate);
            }
            (TxState::Completed, TimerKind::K) => {
                self.state = TxState::Terminated;
                a.push(Action::Terminate);
            }
            _ => {}
        }
        a
    }

    pub(crate) fn on_transport_error(&mut self) -> Actions {
        let mut a = Actions::new();
        if matches!(self.state, TxState::Trying | TxState::Proceeding) {
            self.state = TxState::Terminated;
            a.push(Action::Tell(Notice::TransportError));
            a.push(Action::Terminate);
        }
        a
    }
}
