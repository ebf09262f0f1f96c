//! The non-INVITE server transaction (RFC 3261 §17.2.2).

use std::time::Duration;

use bytes::Bytes;

use super::action::{Action, Actions, Notice, TxState};
use super::{TimerConfig, TimerKind};
use crate::message::Message;

/// In C order, the small fields first (see `ClientNonInvite`).
#[derive(Debug, Clone)]
#[repr(C)]
pub(crate) struct ServerNonInvite {
    state: TxState,
    reliable: bool,
    last: Option<Bytes>,
}

impl ServerNonInvite {
    pub(crate) fn start(reliable: bool) -> Self {
        ServerNonInvite {
            state: TxState::Trying,
            last: None,
            reliable,
        }
    }

    pub(crate) fn state(&self) -> TxState {
        self.state
    }

    /// How many bytes a retransmission sends (0: none yet).
    pub(crate) fn resend_len(&self) -> usize {
        self.last.as_ref().map_or(0, Bytes::len)
    }

    pub(crate) fn respond(
        &mut self,
        resp: &Message,
        bytes: Bytes,
        timers: &TimerConfig,
    ) -> Actions {
        let code = resp.status().unwrap_or(0);
        let mut a = Actions::new();
        match (self.state, code) {
            (TxState::Trying | TxState::Proceeding, 100..=199) => {
                self.state = TxState::Proceeding;
                self.last = Some(bytes.clone());
                a.push(Action::Send(bytes));
            }
            (TxState::Trying | TxState::Proceeding, 200..=699) => {
                self.state = TxState::Completed;
                self.last = Some(bytes.clone());
                a.push(Action::Send(bytes));
                let j = if self.reliable {
                    Duration::ZERO
                } else {
                    timers.timeout()
                };
                a.push(Action::Arm(TimerKind::J, j));
            }
            _ => {}
        }
        a
    }

    /// A retransmission of the request: Trying absorbs it, later states
    /// send the last response again.
    pub(crate) fn on_retransmission(&mut self) -> Actions {
        let mut a = Actions::new();
        if matches!(self.state, TxState::Proceeding | TxState::Completed) {
            if let Some(last) = &self.last {
                a.push(Action::Send(last.clone()));
            }
        }
        a
    }

    pub(crate) fn on_timer(
        &mut self,
        kind: TimerKind,
        _after: Duration,
        _timers: &TimerConfig,
    ) -> Actions {
        let mut a = Actions::new();
        if (self.state, kind) == (TxState::Completed, TimerKind::J) {
            self.state = TxState::Terminated;
            a.push(Action::Terminate);
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
