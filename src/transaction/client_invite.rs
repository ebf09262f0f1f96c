//! The INVITE client transaction (RFC 3261 §17.1.1, with the Accepted
//! state of RFC 6026 §8.4).

use std::time::Duration;

use bytes::Bytes;

use super::action::{Action, Actions, Notice, TxState};
use super::{TimerConfig, TimerKind};
use crate::message::{HeaderName, Message, Method, RequestBuilder};

#[derive(Debug, Clone)]
pub(crate) struct ClientInvite {
    state: TxState,
    request: Bytes,
    /// The ACK for a non-2xx final, kept to answer its retransmissions.
    ack: Option<Bytes>,
    reliable: bool,
    /// The next Timer A interval (doubles after each retransmission).
    a_interval: Duration,
    /// Whether a CANCEL was sent for this INVITE.
    cancelled: bool,
}

impl ClientInvite {
    /// Sends the INVITE: Timer A (unreliable only) and Timer B.
    pub(crate) fn start(
        request: &Message,
        reliable: bool,
        timers: &TimerConfig,
    ) -> (Self, Actions) {
        let bytes = request.to_bytes();
        let mut actions = Actions::new();
        actions.push(Action::Send(bytes.clone()));
        if !reliable {
            actions.push(Action::Arm(TimerKind::A, timers.t1));
        }
        actions.push(Action::Arm(TimerKind::B, timers.timeout()));
        let tx = ClientInvite {
            state: TxState::Calling,
            request: bytes,
            ack: None,
            reliable,
            a_interval: timers.t1 * 2,
            cancelled: false,
        };
        (tx, actions)
    }

    pub(crate) fn state(&self) -> TxState {
        self.state
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled
    }

    /// The layer sent a CANCEL for this INVITE. §9.1: if no final response
    /// arrives within 64·T1, the client considers the INVITE cancelled and
    /// destroys its transaction (an RFC 2543 UAS never sends the 487). Timer
    /// B, idle since Proceeding, is armed again for that.
    pub(crate) fn on_cancel_sent(&mut self, timers: &TimerConfig) -> Actions {
        self.cancelled = true;
        let mut a = Actions::new();
        if self.state == TxState::Proceeding {
            a.push(Action::Arm(TimerKind::B, timers.timeout()));
        }
        a
    }

    /// A response matched; `invite` is the request, to build an ACK from.
    pub(crate) fn on_response(
        &mut self,
        resp: &Message,
        invite: &Message,
        timers: &TimerConfig,
    ) -> Actions {
        let code = resp.status().unwrap_or(0);
        let mut a = Actions::new();
        match (self.state, code) {
            (TxState::Calling, 100..=199) => {
                // §17.1.1.2: Proceeding retransmits no more, and Timer B
                // only acts in Calling.
                self.state = TxState::Proceeding;
                a.push(Action::Cancel(TimerKind::A));
                a.push(Action::Cancel(TimerKind::B));
                a.push(Action::Tell(Notice::PassOn));
            }
            (TxState::Proceeding, 100..=199) => a.push(Action::Tell(Notice::PassOn)),
            (TxState::Calling | TxState::Proceeding, 200..=299) => {
                self.state = TxState::Accepted;
                a.push(Action::Cancel(TimerKind::A));
                a.push(Action::Cancel(TimerKind::B));
                a.push(Action::Tell(Notice::PassOn));
                a.push(Action::Arm(TimerKind::M, timers.timeout()));
            }
            (TxState::Calling | TxState::Proceeding, 300..=699) => {
                self.state = TxState::Completed;
                a.push(Action::Cancel(TimerKind::A));
                a.push(Action::Cancel(TimerKind::B));
                let ack = build_ack(invite, resp);
                if let Some(ack) = &ack {
                    a.push(Action::Send(ack.clone()));
                }
                self.ack = ack;
                a.push(Action::Tell(Notice::PassOn));
                let d = if self.reliable {
                    Duration::ZERO
                } else {
                    timers.timer_d
                };
                a.push(Action::Arm(TimerKind::D, d));
            }
            // A retransmitted final: ACK it again, the TU heard it already.
            (TxState::Completed, 300..=699) => {
                if let Some(ack) = &self.ack {
                    a.push(Action::Send(ack.clone()));
                }
            }
            // RFC 6026 §8.4: 2xx retransmissions go to the TU, which ACKs them.
            (TxState::Accepted, 200..=299) => a.push(Action::Tell(Notice::PassOn)),
            _ => {}
        }
        a
    }

    pub(crate) fn on_timer(&mut self, kind: TimerKind, _timers: &TimerConfig) -> Actions {
        let mut a = Actions::new();
        match (self.state, kind) {
            (TxState::Calling, TimerKind::A) => {
                a.push(Action::Send(self.request.clone()));
                a.push(Action::Arm(TimerKind::A, self.a_interval));
                self.a_interval *= 2;
            }
            // Timer B: no final in Calling (§17.1.1.2), or none within
            // 64·T1 of our CANCEL (§9.1).
            (TxState::Calling, TimerKind::B) | (TxState::Proceeding, TimerKind::B)
                if self.state == TxState::Calling || self.cancelled =>
            {
                self.state = TxState::Terminated;
                a.push(Action::Tell(Notice::Timeout));
                a.push(Action::Terminate);
            }
            (TxState::Completed, TimerKind::D) | (TxState::Accepted, TimerKind::M) => {
                self.state = TxState::Terminated;
                a.push(Action::Terminate);
            }
            _ => {}
        }
        a
    }

    pub(crate) fn on_transport_error(&mut self) -> Actions {
        let mut a = Actions::new();
        if matches!(
            self.state,
            TxState::Calling | TxState::Proceeding | TxState::Completed
        ) {
            let tell = self.state != TxState::Completed;
            self.state = TxState::Terminated;
            if tell {
                a.push(Action::Tell(Notice::TransportError));
            }
            a.push(Action::Terminate);
        }
        a
    }
}

/// The ACK for a non-2xx final response (§17.1.1.3): the INVITE's
/// Request-URI, Call-ID, From, CSeq number and Route set, its top Via only,
/// and the To of the response (with its tag).
pub(crate) fn build_ack(invite: &Message, resp: &Message) -> Option<Bytes> {
    let uri = invite.request_uri_str()?;
    let mut b = RequestBuilder::new(Method::Ack, uri);
    let top_via = invite.raw(HeaderName::Via)?;
    let top_via = std::str::from_utf8(top_via).ok()?;
    let first = crate::message::split_list(top_via).next()?.1;
    b = b.raw_header("Via", first.as_bytes());
    b = b.raw_header("Max-Forwards", b"70");
    for f in invite.fields() {
        match f.name {
            HeaderName::From | HeaderName::CallId | HeaderName::Route => {
                b = b.raw_header(f.name.as_str(), f.value)
            }
            _ => {}
        }
    }
    b = b.raw_header("To", resp.raw(HeaderName::To)?);
    let seq = invite.header::<crate::message::headers::CSeq>().ok()?.seq;
    b = b.raw_header("CSeq", format!("{seq} ACK").as_bytes());
    b.build().ok().map(|m| m.to_bytes())
}
