//! Reliable provisional responses (RFC 3262): the callee sends a 1xx with
//! `Require: 100rel` and an `RSeq`, resends it (T1 doubling) until the
//! caller's PRACK arrives, and gives up on the call after 64·T1; the caller
//! answers each new reliable 1xx with a PRACK in the early dialog it
//! creates, which the 2xx later confirms (so CSeq numbering carries on).

use std::time::Instant;

use bytes::Bytes;

use super::session::{EndReason, SessionId, SessionState};
use crate::dialog::{Dialog, DialogId};
use crate::endpoint::outgoing::{ContactSpec, Outgoing, Owner};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::{CommandError, Endpoint};
use crate::message::headers::{CSeq, RAck, RSeq, Require};
use crate::message::{Message, Method};
use crate::transaction::TxId;

/// The callee's reliable provisional response awaiting its PRACK.
#[derive(Debug)]
pub(crate) struct Unacked {
    pub(crate) response: Message,
    pub(crate) rseq: u32,
    pub(crate) cseq: u32,
    pub(crate) interval: std::time::Duration,
    pub(crate) since: Instant,
    pub(crate) key: Option<TimerKey>,
}

/// PRACK state of one session.
#[derive(Debug, Default)]
pub(crate) struct Prack {
    /// Callee: the next RSeq to use, and the 1xx awaiting PRACK.
    pub(crate) next_rseq: u32,
    pub(crate) unacked: Option<Unacked>,
    /// Caller: the early dialogs reliable 1xx created, and the last RSeq
    /// acknowledged in each.
    pub(crate) early: Vec<(Dialog, u32)>,
}

/// Whether a message requires (or, with `or_supports`, supports) 100rel.
pub(crate) fn wants_100rel(msg: &Message, or_supports: bool) -> bool {
    msg.headers::<Require>().flatten().any(|r| r.is("100rel"))
        || (or_supports && super::session_timer::supports(msg, "100rel"))
}

impl Endpoint {
    /// Sends a reliable provisional response (RFC 3262: `Require: 100rel`,
    /// resent until the caller's PRACK). The caller must support 100rel.
    /// [`progress`](Self::progress) sends reliably by itself when the
    /// INVITE requires it.
    pub fn progress_reliable(
        &mut self,
        now: Instant,
        id: SessionId,
        status: u16,
        sdp: Option<Bytes>,
    ) -> Result<(), CommandError> {
        let s = self
            .sessions
            .get(&id)
            .filter(|s| !s.caller)
            .ok_or(CommandError::NoSuchSession(id))?;
        let invite = s.invite.clone().ok_or(CommandError::NoSuchSession(id))?;
        if !(101..=199).contains(&status)
            || !matches!(s.state, SessionState::Incoming | SessionState::Early)
        {
            return Err(CommandError::WrongState {
                what: "a provisional response needs an unanswered incoming call and a status from 101 to 199",
            });
        }
        if !wants_100rel(&invite, true) {
            return Err(CommandError::WrongState {
                what: "the caller does not support 100rel",
            });
        }
        if s.prack.unacked.is_some() {
            return Err(CommandError::WrongState {
                what: "the previous reliable provisional response awaits its PRACK",
            });
        }
        let tx = s.invite_tx.ok_or(CommandError::NoSuchSession(id))?;
        let mut rseq = s.prack.next_rseq;
        if rseq == 0 {
            // RFC 3262 §3: the first RSeq is random, below 2^31.
            rseq = 1 + self.rng.below(1 << 30) as u32;
        }
        let reason = crate::message::reason_phrase(status);
        let sdp = match sdp {
            Some(sdp) => Some(self.reliable_provisional_sdp(id, &sdp)?),
            None => None,
        };
        let Some(mut response) = self.session_response(id, status, reason, sdp.as_ref()) else {
            return Err(CommandError::WrongState {
                what: "the provisional response cannot be built",
            });
        };
        let _ = response.push_raw("Require", b"100rel");
        let _ = response.push_raw("RSeq", rseq.to_string().as_bytes());
        let response =
            Message::parse(response.to_bytes()).map_err(|_| CommandError::WrongState {
                what: "the provisional response cannot be built",
            })?;
        let cseq = invite.header::<CSeq>().map_or(1, |c| c.seq);
        let _ = self.layer.respond(now, tx, response.clone());
        let t1 = self.config.timers.t1;
        let early = Dialog::uas(&invite, &response).ok();
        let key = self.timers.arm(now + t1, Timer::ReliableProvisional(id));
        let Some(s) = self.sessions.get_mut(&id) else {
            return Ok(());
        };
        s.state = SessionState::Early;
        if s.dialog.is_none() {
            s.dialog = early;
        }
        s.prack.next_rseq = rseq.wrapping_add(1) & 0x7fff_ffff;
        s.prack.unacked = Some(Unacked {
            response,
            rseq,
            cseq,
            interval: t1,
            since: now,
            key: Some(key),
        });
        self.pump(now);
        Ok(())
    }

    /// The SDP of a reliable 1xx (RFC 3262 §5): the answer to the INVITE's
    /// offer, or else our offer, answered in the PRACK.
    fn reliable_provisional_sdp(
        &mut self,
        id: SessionId,
        sdp: &Bytes,
    ) -> Result<Bytes, CommandError> {
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        let made = match s.media.state() {
            crate::sdp::NegotiationState::HaveRemoteOffer => s.media.answer(Some(sdp), None),
            _ => s.media.offer(sdp),
        };
        made.map_err(|error| CommandError::Sdp {
            what: "the SDP of the reliable provisional response",
            error,
        })
    }

    /// Resends the unacknowledged reliable 1xx, or gives up on the call
    /// after 64·T1 with a 5xx (RFC 3262 §3).
    pub(crate) fn reliable_provisional_due(&mut self, now: Instant, id: SessionId) {
        let timers = self.config.timers;
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let tx = s.invite_tx;
        let Some(u) = s.prack.unacked.as_mut() else {
            return;
        };
        u.key = None;
        if now.saturating_duration_since(u.since) >= timers.timeout() {
            s.prack.unacked = None;
            if let (Some(tx), Some(resp)) =
                (tx, self.session_response(id, 504, "Server Time-out", None))
            {
                let _ = self.layer.respond(now, tx, resp);
            }
            self.end_session(id, EndReason::Failed(crate::endpoint::Failure::Timeout));
            return;
        }
        u.interval *= 2;
        let next = (now + u.interval).min(u.since + timers.timeout());
        u.key = Some(self.timers.arm(next, Timer::ReliableProvisional(id)));
        let response = u.response.clone();
        if let Some(tx) = tx {
            let _ = self.layer.respond(now, tx, response);
        }
    }

    /// A PRACK from the caller: 200 when it acknowledges our outstanding
    /// reliable 1xx, 481 otherwise (RFC 3262 §3).
    pub(crate) fn remote_prack(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let rack = request.header::<RAck>().ok();
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let matches = match (&s.prack.unacked, &rack) {
            (Some(u), Some(r)) => r.acknowledges(
                RSeq(u.rseq),
                &CSeq {
                    seq: u.cseq,
                    method: Method::Invite,
                },
            ),
            _ => false,
        };
        if !matches {
            self.reply(
                now,
                tx,
                request,
                481,
                "Call/Transaction Does Not Exist",
                &[],
                None,
            );
            return;
        }
        if let Some(mut u) = s.prack.unacked.take() {
            self.timers.stop(&mut u.key);
        }
        // The PRACK answers the offer of our reliable 1xx, or makes one
        // that its 200 answers (RFC 3262 §5).
        let mut answer = None;
        if let Some(body) = super::session::sdp_of(request) {
            match s.media.receive(&body) {
                Ok(crate::sdp::Received::Answer) => {}
                Ok(crate::sdp::Received::Offer) => {
                    answer = self.answer_offer_in_request(id);
                    if answer.is_none() {
                        self.reply(now, tx, request, 488, "Not Acceptable Here", &[], None);
                        return;
                    }
                }
                Err(_) => {
                    self.reply(now, tx, request, 488, "Not Acceptable Here", &[], None);
                    return;
                }
            }
        }
        let body = answer.map(|a| ("application/sdp", a.to_vec()));
        self.reply(now, tx, request, 200, "OK", &[], body);
    }

    /// Caller: a provisional response that asks for reliability gets its
    /// PRACK (once per RSeq, in order); `false` for a retransmission the
    /// application already saw.
    pub(crate) fn prack_provisional(
        &mut self,
        now: Instant,
        id: SessionId,
        response: &Message,
    ) -> bool {
        if !response
            .headers::<Require>()
            .flatten()
            .any(|r| r.is("100rel"))
        {
            return true;
        }
        let Ok(rseq) = response.header::<RSeq>() else {
            return true;
        };
        let Some(remote) = DialogId::of_received_response(response) else {
            return true;
        };
        let Some(s) = self.sessions.get_mut(&id) else {
            return false;
        };
        let Some(invite) = s.invite.clone() else {
            return false;
        };
        let pos = s.prack.early.iter().position(|(d, _)| d.id() == &remote);
        let k = match pos {
            Some(k) => {
                let last = s.prack.early[k].1;
                // §4: only the next RSeq is new; others are resent copies.
                if rseq.0 != last.wrapping_add(1) {
                    return false;
                }
                k
            }
            None => {
                let Ok(dialog) = Dialog::uac(&invite, response) else {
                    return true;
                };
                if s.prack.early.len() >= 8 {
                    return true;
                }
                s.prack.early.push((dialog, 0));
                s.prack.early.len() - 1
            }
        };
        s.prack.early[k].1 = rseq.0;
        match self.sdp_in_reliable_provisional(id, response) {
            Ok(Some(body)) => self.send_prack(now, id, response, Some(body)),
            // The PRACK waits for the application's answer.
            Ok(None) => {}
            Err(_) => {
                // An offer we cannot answer or a broken answer: the PRACK
                // still goes (the 1xx must stop), and the 2xx will fail the
                // exchange if nothing better comes.
                self.send_prack(now, id, response, None);
            }
        }
        true
    }

    /// Caller: what a new reliable 1xx says in SDP (RFC 3262 §5): the
    /// answer to our offer (from the first fork, or another fork's answer
    /// to the same offer), or an offer to answer in the PRACK.
    /// `Ok(Some(body))`: the PRACK's body (empty: none); `Ok(None)`: the
    /// answer waits for the application.
    fn sdp_in_reliable_provisional(
        &mut self,
        id: SessionId,
        response: &Message,
    ) -> Result<Option<Bytes>, crate::sdp::NegotiationError> {
        use crate::sdp::{NegotiationState as St, Party, Received, Sdp};
        let Some(body) = super::session::sdp_of(response) else {
            return Ok(Some(Bytes::new()));
        };
        let Some(s) = self.sessions.get_mut(&id) else {
            return Ok(Some(Bytes::new()));
        };
        if s.media.state() == St::Stable && s.media.neg.offerer() == Some(Party::Local) {
            s.media.neg.replace_answer(Sdp::parse(body)?)?;
            return Ok(Some(Bytes::new()));
        }
        match s.media.receive(&body)? {
            Received::Answer => Ok(Some(Bytes::new())),
            Received::Offer => {
                self.answer_offer_in_response(id, response, super::offer_answer::AnswerSlot::Prack)
            }
        }
    }

    /// Caller: the PRACK for a reliable 1xx, in the early dialog it made,
    /// with `body` (our answer) if any.
    pub(crate) fn send_prack(
        &mut self,
        now: Instant,
        id: SessionId,
        response: &Message,
        body: Option<Bytes>,
    ) {
        let (Ok(rseq), Ok(cseq)) = (response.header::<RSeq>(), response.header::<CSeq>()) else {
            return;
        };
        let Some(remote) = DialogId::of_received_response(response) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let Some((dialog, _)) = s.prack.early.iter_mut().find(|(d, _)| d.id() == &remote) else {
            return;
        };
        let prack = dialog.request(Method::Prack).ok().and_then(|b| {
            let rack = format!("{} {} {}", rseq.0, cseq.seq, cseq.method);
            let b = b.raw_header("RAck", rack.as_bytes());
            match body {
                Some(body) if !body.is_empty() => {
                    b.body("application/sdp", body.to_vec()).build().ok()
                }
                _ => b.build().ok(),
            }
        });
        if let Some(prack) = prack {
            let out = Outgoing::new(
                Owner::InDialog(id, Method::Prack),
                prack,
                ContactSpec::None,
                None,
            );
            self.start_outgoing(now, out);
        }
    }

    /// Caller: the early dialog a 2xx confirms, if reliable 1xx created it
    /// (its CSeq count already includes the PRACKs).
    pub(crate) fn take_early_dialog(
        &mut self,
        id: SessionId,
        response: &Message,
    ) -> Option<Dialog> {
        let remote = DialogId::of_received_response(response)?;
        let s = self.sessions.get_mut(&id)?;
        let k = s.prack.early.iter().position(|(d, _)| d.id() == &remote)?;
        let (mut dialog, _) = s.prack.early.swap_remove(k);
        dialog.on_response(response);
        Some(dialog)
    }
}
