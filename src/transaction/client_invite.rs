//! The INVITE client transaction (RFC 3261 §17.1.1, with the Accepted
//! state of RFC 6026 §8.4).

use std::time::Duration;

use bytes::Bytes;

use super::action::{Action, Actions, Notice, TxState};
use super::resend::Resend;
use super::{TimerConfig, TimerKind};
use crate::message::headers::CSeq;
use crate::message::{HeaderName, Message, Method, RequestBuilder};
use crate::transport::TopVia;

/// In C order, the small fields first (see `ClientNonInvite`).
#[derive(Debug, Clone)]
#[repr(C)]
pub(crate) struct ClientInvite {
    state: TxState,
    reliable: bool,
    /// Whether a CANCEL was sent for this INVITE.
    cancelled: bool,
    request: Resend,
    /// The ACK for a non-2xx final, kept to answer its retransmissions.
    /// Boxed: read only then, and the machine sits in the part of a
    /// transaction every timer firing reads, which must stay small.
    ack: Option<Box<Bytes>>,
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
            request: Resend::new(bytes),
            ack: None,
            reliable,
            cancelled: false,
        };
        (tx, actions)
    }

    pub(crate) fn state(&self) -> TxState {
        self.state
    }

    /// How many bytes a retransmission sends.
    pub(crate) fn resend_len(&self) -> usize {
        self.request.len()
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
                self.ack = ack.map(Box::new);
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
                    a.push(Action::Send(Bytes::clone(ack)));
                }
            }
            // RFC 6026 §8.4: 2xx retransmissions go to the TU, which ACKs them.
            (TxState::Accepted, 200..=299) => a.push(Action::Tell(Notice::PassOn)),
            _ => {}
        }
        a
    }

    /// A timer fired that was armed for `after`.
    pub(crate) fn on_timer(
        &mut self,
        kind: TimerKind,
        after: Duration,
        _timers: &TimerConfig,
    ) -> Actions {
        let mut a = Actions::new();
        match (self.state, kind) {
            // §17.1.1.2: each interval is twice the one just used.
            (TxState::Calling, TimerKind::A) => {
                a.push(Action::Send(self.request.handle()));
                a.push(Action::Arm(TimerKind::A, after.saturating_mul(2)));
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
    invite_sibling(invite, Method::Ack, resp).map(|m| m.to_bytes())
}

/// A request that shares the INVITE's transaction identity: the ACK for a
/// non-2xx (§17.1.1.3, To taken from the response) and the CANCEL (§9.1, To
/// taken from the INVITE itself). Both carry the INVITE's Request-URI, its
/// top Via value only (so the same branch), From, Call-ID, Route set, and
/// CSeq number with their own method.
pub(crate) fn invite_sibling(
    invite: &Message,
    method: Method,
    to_from: &Message,
) -> Option<Message> {
    let uri = invite.request_uri_str()?;
    let top_via = TopVia::locate(invite).ok()?;
    let seq = invite.header::<CSeq>().ok()?.seq;
    let cseq = format!("{seq} {method}");
    RequestBuilder::new(method, uri)
        .raw_header("Via", top_via.value.as_bytes())
        .raw_header("Max-Forwards", b"70")
        .copy_headers(
            invite,
            &[HeaderName::From, HeaderName::CallId, HeaderName::Route],
        )
        .copy_headers(to_from, &[HeaderName::To])
        .raw_header("CSeq", cseq.as_bytes())
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_and_cancel_are_built_from_an_invite_with_folded_headers() {
        let invite = Message::parse(Bytes::from_static(
            b"INVITE sip:bob@192.0.2.9 SIP/2.0\r\n\
              Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKf1,\r\n SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKf0\r\n\
              From: \"Alice\"\r\n <sip:alice@192.0.2.1>;tag=a1\r\n\
              To: <sip:bob@192.0.2.9>\r\nCall-ID: c9\r\nCSeq: 4 INVITE\r\n\
              Route: <sip:p1.example.com;lr>\r\nContent-Length: 0\r\n\r\n",
        ))
        .unwrap();
        let resp = Message::parse(Bytes::from_static(
            b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKf1\r\n\
              To: <sip:bob@192.0.2.9>;tag=b7\r\nCall-ID: c9\r\nCSeq: 4 INVITE\r\n\r\n",
        ))
        .unwrap();
        let ack = Message::parse(build_ack(&invite, &resp).expect("ACK")).unwrap();
        assert_eq!(
            ack.to_string(),
            "ACK sip:bob@192.0.2.9 SIP/2.0\r\n\
             Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKf1\r\n\
             Max-Forwards: 70\r\n\
             From: \"Alice\" <sip:alice@192.0.2.1>;tag=a1\r\n\
             Call-ID: c9\r\n\
             Route: <sip:p1.example.com;lr>\r\n\
             To: <sip:bob@192.0.2.9>;tag=b7\r\n\
             CSeq: 4 ACK\r\nContent-Length: 0\r\n\r\n"
        );
        let cancel = invite_sibling(&invite, Method::Cancel, &invite).expect("CANCEL");
        assert_eq!(
            cancel.raw(HeaderName::To),
            Some(&b"<sip:bob@192.0.2.9>"[..])
        );
        assert_eq!(cancel.raw(HeaderName::CSeq), Some(&b"4 CANCEL"[..]));
    }
}
