//! The offer/answer seam of a call: every SDP a session sends or receives
//! goes through its [`Negotiation`] (RFC 3264, RFC 6337), in the INVITE,
//! reliable provisional responses and PRACK (RFC 3262), the 2xx and the
//! ACK, re-INVITE and UPDATE (RFC 3311).
//!
//! Answers come from, in order: the SDP the application gives, the
//! [`Config::media`](crate::endpoint::Config::media) capabilities, or the
//! media already agreed ([`Negotiation::answer_from_local`]: a host whose
//! media never change still answers a hold or a resume). When none of
//! these can answer an offer that came in a response to our offerless
//! INVITE, the PRACK or ACK waits for [`Endpoint::answer`].
//!
//! This is the seam where a media engine (str0m) plugs in: it will make the
//! offers and answers that the application supplies today.

use std::time::Instant;

use bytes::Bytes;

use super::session::{EndReason, SessionId};
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::Message;
use crate::sdp::{Direction, Negotiation, NegotiationError, NegotiationState, Received, Sdp};

/// Where the answer to an offer received in a response goes, once the
/// application gives it.
#[derive(Debug, Clone)]
pub(crate) enum AnswerSlot {
    /// In the ACK for this 2xx.
    Ack(Message),
    /// In the PRACK for this reliable provisional response.
    Prack(Message),
}

/// Offer/answer state of one call.
#[derive(Debug)]
pub(crate) struct OfferAnswer {
    pub(crate) neg: Negotiation,
    /// Callee: the SDP of an unreliable provisional response, a preview of
    /// the answer (RFC 6337 §3.1.1) that `accept` without SDP sends again.
    pub(crate) preview: Option<Bytes>,
    /// Caller: the peer's offer arrived in a response; the PRACK or ACK
    /// waits for the application's answer.
    pub(crate) waiting: Option<AnswerSlot>,
}

impl OfferAnswer {
    pub(crate) fn new(session_id: u64) -> OfferAnswer {
        OfferAnswer {
            neg: Negotiation::adopting_origin(session_id),
            preview: None,
            waiting: None,
        }
    }

    pub(crate) fn state(&self) -> NegotiationState {
        self.neg.state()
    }

    /// Makes `sdp` our offer; returns the stamped copy to send.
    pub(crate) fn offer(&mut self, sdp: &Bytes) -> Result<Bytes, NegotiationError> {
        let sdp = Sdp::parse(sdp.clone())?;
        Ok(self.neg.set_local_offer(sdp)?.to_bytes())
    }

    /// Takes a received body for what the state makes it.
    pub(crate) fn receive(&mut self, body: &Bytes) -> Result<Received, NegotiationError> {
        let sdp = Sdp::parse(body.clone())?;
        self.neg.receive(sdp)
    }

    /// Answers the pending remote offer: with `given` (the application's
    /// answer), else from `caps`, else from the media already agreed.
    pub(crate) fn answer(
        &mut self,
        given: Option<&Bytes>,
        caps: Option<&crate::sdp::Capabilities>,
    ) -> Result<Bytes, NegotiationError> {
        if let Some(given) = given {
            let sdp = Sdp::parse(given.clone())?;
            return Ok(self.neg.set_local_answer(sdp)?.to_bytes());
        }
        if self.neg.local_description().is_some() {
            return Ok(self.neg.answer_from_local()?.to_bytes());
        }
        let Some(caps) = caps else {
            return Err(NegotiationError::NoLocalDescription);
        };
        let mut caps = caps.clone();
        if self.neg.is_local_hold() {
            for m in &mut caps.media {
                m.direction = Direction::from_flags(m.direction.sends(), false);
            }
        }
        Ok(self.neg.create_answer(&caps)?.to_bytes())
    }

    /// Drops a pending offer (ours refused, theirs unanswerable).
    pub(crate) fn rollback(&mut self) {
        let _ = self.neg.rollback();
    }
}

impl Endpoint {
    /// Answers the offer the peer made in a response to our offerless
    /// INVITE ([`Event::AnswerNeeded`]): the PRACK or ACK that waited for it
    /// goes out with `sdp`. An answer that does not fit the offer (RFC 3264
    /// §6: same streams, in order) is refused and the wait goes on.
    pub fn answer(&mut self, now: Instant, id: SessionId, sdp: Bytes) -> Result<(), CommandError> {
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        if s.media.waiting.is_none() {
            return Err(CommandError::WrongState {
                what: "no offer from the peer waits for an answer",
            });
        }
        let answer = s
            .media
            .answer(Some(&sdp), None)
            .map_err(|error| CommandError::Sdp {
                what: "the answer",
                error,
            })?;
        let slot = s.media.waiting.take();
        match slot {
            Some(AnswerSlot::Ack(ok)) => self.confirm_call(now, id, &ok, answer),
            Some(AnswerSlot::Prack(provisional)) => {
                self.send_prack(now, id, &provisional, Some(answer))
            }
            None => {}
        }
        self.pump(now);
        Ok(())
    }

    /// The current offer/answer state of a call: who offered, the agreed
    /// local and remote descriptions, whether we hold it.
    pub fn offer_answer(&self, id: SessionId) -> Option<&Negotiation> {
        self.sessions.get(&id).map(|s| &s.media.neg)
    }

    /// The SDP we last agreed to in call `id` (offer or answer).
    pub fn local_sdp(&self, id: SessionId) -> Option<Bytes> {
        self.offer_answer(id)?
            .local_description()
            .map(Sdp::to_bytes)
    }

    /// The peer's SDP last agreed in call `id`.
    pub fn remote_sdp(&self, id: SessionId) -> Option<Bytes> {
        self.offer_answer(id)?
            .remote_description()
            .map(Sdp::to_bytes)
    }

    /// Caller: the peer offered in `response` (a 2xx or a reliable 1xx to
    /// our offerless INVITE). Answers at once from the configured media, or
    /// waits for the application. `None`: the answer must wait.
    pub(crate) fn answer_offer_in_response(
        &mut self,
        id: SessionId,
        response: &Message,
        slot: impl FnOnce(Message) -> AnswerSlot,
    ) -> Result<Option<Bytes>, NegotiationError> {
        let caps = self.config.media.clone();
        let Some(s) = self.sessions.get_mut(&id) else {
            return Ok(None);
        };
        if s.media.neg.local_description().is_none() && caps.is_none() {
            s.media.waiting = Some(slot(response.clone()));
            let offer = super::session::sdp_of(response).unwrap_or_default();
            self.event(Event::AnswerNeeded { session: id, offer });
            return Ok(None);
        }
        s.media.answer(None, caps.as_ref()).map(Some)
    }

    /// Answers the peer's offer in a request (re-INVITE, UPDATE, PRACK)
    /// from what we have; `None` (and the offer dropped) when we cannot.
    pub(crate) fn answer_offer_in_request(&mut self, id: SessionId) -> Option<Bytes> {
        let caps = self.config.media.clone();
        let s = self.sessions.get_mut(&id)?;
        match s.media.answer(None, caps.as_ref()) {
            Ok(a) => Some(a),
            Err(_) => {
                s.media.rollback();
                None
            }
        }
    }

    /// Ends an answered call whose offer/answer failed: RFC 3261 §13.2.2.4
    /// wants the 2xx acknowledged first, then a BYE.
    pub(crate) fn end_for_sdp(&mut self, now: Instant, id: SessionId, why: String) {
        self.send_bye(now, id, EndReason::OfferAnswerFailed { why });
    }
}
