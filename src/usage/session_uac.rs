//! INVITE sessions, the caller's side (RFC 3261 §13.2): provisional
//! responses (and the fork each comes from), the final outcome of our
//! INVITE, the 2xx and its ACK (sent by the session, not the transaction,
//! §13.2.2.4; with our answer when the 2xx offered), forked 2xx (ACK and
//! BYE), and the 422 retry (RFC 4028).

use std::time::Instant;

use bytes::Bytes;

use super::session::{reason_text, sdp_of, EndCause, EndReason, SessionId, SessionState};
use crate::dialog::{Dialog, DialogId};
use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::{Endpoint, Event, Failure};
use crate::message::headers::{CSeq, Contact};
use crate::message::{Message, Method};
use crate::transaction::TxId;

impl Endpoint {
    /// A provisional response to our INVITE.
    pub(crate) fn session_provisional(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        response: &Message,
    ) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.invite_tx = Some(tx);
        if s.cancel_when_provisional {
            s.cancel_when_provisional = false;
            let _ = self.layer.cancel(now, tx);
            return;
        }
        if s.state == SessionState::Calling {
            s.state = SessionState::Early;
        }
        if !self.prack_provisional(now, id, response) {
            return; // a resent reliable 1xx, already reported
        }
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let fork = s.fork_of(response);
        let status = response.status().unwrap_or(100);
        if status > 100 {
            self.transfer_progress(now, id, status, &reason_text(response));
        }
        self.event(Event::CallProgress {
            session: id,
            status,
            sdp: sdp_of(response),
            fork,
        });
    }

    /// The final outcome of our INVITE (the first 2xx, or a failure).
    pub(crate) fn invite_outcome(&mut self, now: Instant, id: SessionId, outcome: Outcome) {
        if let Some(s) = self.sessions.get_mut(&id) {
            s.invite_tx = outcome.tx.or(s.invite_tx);
            s.invite = Some(outcome.request.clone());
            s.flow = outcome.flow;
        }
        let response = match outcome.result {
            Ok(r) => r,
            Err(f) => {
                let reason = match self.sessions.get(&id).and_then(|s| s.ending.clone()) {
                    Some(r) => r,
                    None => EndReason::Failed(f),
                };
                self.end_session(id, reason);
                return;
            }
        };
        let status = response.status().unwrap_or(0);
        if let Some(tx) = outcome.tx {
            self.invite_txs.insert(tx, id);
        }
        match status {
            200..=299 => self.invite_answered(now, id, &response),
            422 if self.retry_too_small(now, id, &response, &outcome.request) => {}
            300..=399 => {
                let contacts = response
                    .headers::<Contact>()
                    .flatten()
                    .filter_map(|c| match c {
                        Contact::Address(a) => Some(a.uri().to_string()),
                        Contact::Star => None,
                    })
                    .collect();
                self.end_session(id, EndReason::Redirected { contacts });
            }
            // 487 after our CANCEL: the cancellation completed.
            _ => {
                let reason = match self.sessions.get(&id).and_then(|s| s.ending.clone()) {
                    // Our CANCEL took effect: the reason we cancelled for.
                    Some(r) if status == 487 => r,
                    _ => EndReason::Rejected {
                        status,
                        reason: reason_text(&response),
                    },
                };
                self.end_session(id, reason);
            }
        }
    }

    /// A 2xx to our INVITE, first or retransmitted, from the answering
    /// fork or another (§13.2.2.4: every 2xx is acknowledged; a second
    /// fork is then ended with BYE).
    pub(crate) fn invite_answered(&mut self, now: Instant, id: SessionId, response: &Message) {
        let Some(s) = self.sessions.get(&id) else {
            return;
        };
        let Some(invite) = s.invite.clone() else {
            return;
        };
        let remote = DialogId::of_received_response(response);
        let same_fork = match (s.dialog_id(), &remote) {
            (Some(ours), Some(theirs)) => ours == theirs,
            (None, _) => true,
            _ => false,
        };
        if s.dialog.is_some() && same_fork {
            // A retransmission: our ACK was lost.
            if let Some(ack) = s.ack.clone() {
                self.send_request_stateless(now, ack);
            }
            return;
        }
        let first = s.dialog.is_none();
        let early = if first {
            self.take_early_dialog(id, response)
        } else {
            None
        };
        let Some(dialog) = early.or_else(|| Dialog::uac(&invite, response).ok()) else {
            // A 2xx without a To tag or Contact cannot be acknowledged:
            // the call cannot go on.
            if first {
                let why = Failure::Local("the 2xx cannot make a dialog (To tag, Contact)".into());
                self.end_session(id, EndReason::Failed(why));
            }
            return;
        };
        if !same_fork {
            // Another fork answered too: it gets its ACK, then a BYE.
            let mut dialog = dialog;
            if let Some(ack) = dialog.ack(&invite).ok().and_then(|b| b.build().ok()) {
                self.send_request_stateless(now, ack);
            }
            let elsewhere = EndCause::sip(200, "Call completed elsewhere").header_value();
            if let Some(bye) = dialog
                .request(Method::Bye)
                .ok()
                .and_then(|b| b.raw_header("Reason", elsewhere.as_bytes()).build().ok())
            {
                let out = Outgoing::new(
                    Owner::InDialog(id, Method::Bye),
                    bye,
                    ContactSpec::None,
                    None,
                );
                self.start_outgoing(now, out);
            }
            return;
        }
        if let Some(s) = self.sessions.get_mut(&id) {
            s.dialog = Some(dialog);
            s.peer_allows_update = super::session_timer::allows_update(response);
        }
        match self.sdp_in_2xx(id, response) {
            Ok(Some(body)) => self.confirm_call(now, id, response, body),
            // The ACK waits for the application's answer.
            Ok(None) => {}
            Err(why) => {
                self.send_invite_ack(now, id, None);
                self.end_for_sdp(now, id, why);
            }
        }
    }

    /// What the 2xx to our INVITE says in SDP: `Ok(Some(body))` with the
    /// ACK's body (empty: none), `Ok(None)` while the answer waits for the
    /// application, `Err` when the exchange failed.
    fn sdp_in_2xx(&mut self, id: SessionId, response: &Message) -> Result<Option<Bytes>, String> {
        use crate::sdp::{NegotiationState as St, Party, Received};
        let Some(s) = self.sessions.get_mut(&id) else {
            return Ok(Some(Bytes::new()));
        };
        // A fork that answered in a reliable 1xx and sends no SDP in its
        // 2xx: its earlier answer is the one in force.
        let fork = s.fork_of(response) as usize;
        let body = sdp_of(response).or_else(|| {
            let earlier = s.forks.get(fork.checked_sub(1)?)?.1.clone()?;
            let current = s.media.neg.remote_description().map(|r| r.to_bytes());
            (current.as_ref() != Some(&earlier)).then_some(earlier)
        });
        match (s.media.state(), body) {
            (St::HaveLocalOffer, Some(b)) => match s.media.receive(&b) {
                Ok(_) => Ok(Some(Bytes::new())),
                Err(e) => Err(format!("the answer in the 2xx: {e}")),
            },
            (St::HaveLocalOffer, None) => Err("the 2xx carries no answer to our offer".into()),
            (St::AwaitingOffer, Some(b)) => match s.media.receive(&b) {
                Ok(Received::Offer) => self
                    .answer_offer_in_response(id, response, super::offer_answer::AnswerSlot::Ack)
                    .map_err(|e| format!("the offer in the 2xx: {e}")),
                Ok(Received::Answer) | Err(_) => Err("the offer in the 2xx cannot be read".into()),
            },
            (St::AwaitingOffer, None) => {
                Err("the 2xx to our INVITE without an offer carries none".into())
            }
            (St::Stable, Some(b)) if s.media.neg.offerer() == Some(Party::Local) => {
                // Another fork's answer to the offer an early dialog
                // already answered: the answering fork's counts.
                if let Ok(sdp) = crate::sdp::Sdp::parse(b) {
                    let _ = s.media.neg.replace_answer(sdp);
                }
                Ok(Some(Bytes::new()))
            }
            _ => Ok(Some(Bytes::new())),
        }
    }

    /// Sends the ACK for the answering 2xx (with `body`, our answer, if
    /// any) and keeps it for the 2xx's retransmissions.
    pub(crate) fn send_invite_ack(&mut self, now: Instant, id: SessionId, body: Option<Bytes>) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let (Some(dialog), Some(invite)) = (s.dialog.as_ref(), s.invite.as_ref()) else {
            return;
        };
        let ack = dialog.ack(invite).ok().and_then(|b| match body {
            Some(body) if !body.is_empty() => b.body("application/sdp", body.to_vec()).build().ok(),
            _ => b.build().ok(),
        });
        let Some(ack) = ack else {
            return;
        };
        s.ack = Some(ack.clone());
        self.send_request_stateless(now, ack);
    }

    /// The answering 2xx is acknowledged (with `body`, our answer, if
    /// any): the call is up.
    pub(crate) fn confirm_call(
        &mut self,
        now: Instant,
        id: SessionId,
        response: &Message,
        body: Bytes,
    ) {
        self.send_invite_ack(now, id, Some(body));
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.state = SessionState::Confirmed;
        let hang_up = s.ending.is_some();
        // RFC 4028 §7.2: the 2xx's Session-Expires says who refreshes; no
        // Session-Expires, no timer.
        if let Some((interval, refresher)) = super::session_timer::session_expires(response) {
            let we_refresh = refresher != Some(crate::message::headers::Refresher::Uas);
            self.start_session_timer(now, id, interval, we_refresh);
        }
        self.transfer_progress(now, id, 200, "OK");
        let fork = self
            .sessions
            .get_mut(&id)
            .map_or(0, |s| s.fork_of(response));
        self.event(Event::CallAccepted {
            session: id,
            sdp: sdp_of(response).or_else(|| self.remote_sdp(id)),
            fork,
        });
        if hang_up {
            // We hung up while the 2xx was on its way (CANCEL/200 race).
            self.send_bye(now, id, EndReason::Cancelled);
        }
    }

    /// A 422 (RFC 4028 §7.4): the INVITE again with the interval raised to
    /// the Min-SE asked for; `false` when there is nothing to retry.
    fn retry_too_small(
        &mut self,
        now: Instant,
        id: SessionId,
        response: &Message,
        sent: &Message,
    ) -> bool {
        let Some(min) = super::session_timer::min_se(response) else {
            return false;
        };
        let Some(s) = self.sessions.get_mut(&id) else {
            return false;
        };
        if s.too_small >= 2 || s.state == SessionState::Ending {
            return false;
        }
        s.too_small += 1;
        let mut retry = sent.clone();
        retry.remove(crate::message::HeaderName::SessionExpires);
        retry.remove(crate::message::HeaderName::MinSe);
        retry.push_header(&crate::message::headers::SessionExpires {
            delta: min,
            params: crate::message::Params::new(""),
        });
        retry.push_header(&crate::message::headers::MinSe {
            delta: min,
            params: crate::message::Params::new(""),
        });
        if let Ok(c) = retry.header::<CSeq>() {
            let next = CSeq {
                seq: c.seq.saturating_add(1),
                method: c.method.clone(),
            };
            retry.set_header(&next);
        }
        s.invite = Some(retry.clone());
        s.invite_tx = None;
        let contact = ContactSpec::Ours {
            params: String::new(),
            ob: false,
        };
        self.start_outgoing(now, Outgoing::new(Owner::Invite(id), retry, contact, None));
        true
    }
}
