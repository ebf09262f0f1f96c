//! What happens inside an established call: re-INVITE (RFC 3261 §14) to
//! renegotiate, hold and resume (RFC 3264 §8.4 directions), glare (491 and
//! the §14.1 random back-off, retried by sansip, not the application), a
//! failed re-INVITE that keeps the previous media (SIP.js issue 685), and
//! INFO (RFC 6086) carrying DTMF both ways.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::session::{sdp_of, EndReason, SessionId, SessionState};
use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::timers::Timer;
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::headers::ContentType;
use crate::message::{Message, Method, ResponseBuilder};
use crate::sdp::{NegotiationState as St, Sdp};
use crate::transaction::TxId;

/// Mid-call state of one session.
#[derive(Debug, Default)]
pub(crate) struct MidCall {
    /// Our re-INVITE or UPDATE in flight, with the SDP it offers (empty
    /// for an offerless session refresh).
    pub(crate) reinvite_pending: Option<Bytes>,
    /// Whether what is in flight is an UPDATE rather than a re-INVITE.
    pub(crate) via_update: bool,
    /// The peer's re-INVITE had no offer: our 2xx offered, its ACK
    /// answers.
    pub(crate) offered_in_2xx: bool,
    /// Our REFER's acceptance was reported (by its 2xx, or by a NOTIFY
    /// that overtook it, RFC 6665 §4.1.2.4).
    pub(crate) refer_accepted: bool,
    /// A re-INVITE or UPDATE waiting for its glare back-off.
    pub(crate) glare_retry: Option<(Method, Bytes)>,
    /// The peer's re-INVITE we answered, waiting for its ACK.
    pub(crate) remote_reinvite: Option<TxId>,
    /// DTMF digits waiting for the INFO before them to complete.
    pub(crate) dtmf: VecDeque<(char, u32)>,
    pub(crate) info_in_flight: bool,
    /// What is in flight is a session refresh (RFC 4028), not a change.
    pub(crate) refreshing: bool,
}

impl Endpoint {
    fn confirmed_session(&self, id: SessionId) -> Result<(), CommandError> {
        match self.sessions.get(&id) {
            Some(s) if s.state == SessionState::Confirmed => Ok(()),
            Some(_) => Err(CommandError::WrongState {
                what: "the call is not established",
            }),
            None => Err(CommandError::NoSuchSession(id)),
        }
    }

    /// A call that can take a new offer of ours: established, or (for
    /// UPDATE, RFC 3311 §5.1) early with the first exchange complete; and
    /// no offer of either side in flight.
    fn ready_for_offer(&self, id: SessionId, early_too: bool) -> Result<(), CommandError> {
        let s = self
            .sessions
            .get(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        let early_ok = early_too
            && s.state == SessionState::Early
            && s.media.neg.local_description().is_some()
            && (s.dialog.is_some() || !s.prack.early.is_empty());
        if s.state != SessionState::Confirmed && !early_ok {
            return Err(CommandError::WrongState {
                what: "the call is not established (UPDATE: nor early with an answered offer)",
            });
        }
        if s.mid.reinvite_pending.is_some()
            || s.mid.remote_reinvite.is_some()
            || s.media.state() != crate::sdp::NegotiationState::Stable
        {
            return Err(CommandError::WrongState {
                what: "an offer is already in progress",
            });
        }
        Ok(())
    }

    /// Makes our next offer in call `id` with `make` and sends it by
    /// `method`.
    fn offer_with(
        &mut self,
        now: Instant,
        id: SessionId,
        method: Method,
        make: impl FnOnce(&mut crate::sdp::Negotiation) -> Result<Sdp, crate::sdp::NegotiationError>,
    ) -> Result<(), CommandError> {
        self.ready_for_offer(id, method == Method::Update)?;
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        let offer = make(&mut s.media.neg).map_err(|error| CommandError::Sdp {
            what: "the offer",
            error,
        })?;
        self.send_offer(now, id, method, offer.to_bytes());
        self.pump(now);
        Ok(())
    }

    /// Sends a re-INVITE offering `sdp` (its `o=` version is set to the
    /// call's next). [`Event::CallUpdated`] follows; if the peer refuses,
    /// [`Event::CallUpdateFailed`] and the previous media stay in force. A
    /// glare (491) is retried by sansip after the §14.1 back-off.
    pub fn renegotiate(
        &mut self,
        now: Instant,
        id: SessionId,
        sdp: Bytes,
    ) -> Result<(), CommandError> {
        let sdp = Sdp::parse(sdp).map_err(|e| CommandError::Sdp {
            what: "the offer",
            error: e.into(),
        })?;
        self.offer_with(now, id, Method::Invite, |neg| neg.set_local_offer(sdp))
    }

    /// Puts the call on hold: a re-INVITE with our current SDP made
    /// sendonly (inactive where we only received), RFC 3264 §8.4.
    pub fn hold(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        self.offer_with(now, id, Method::Invite, crate::sdp::Negotiation::hold)
    }

    /// Takes the call off hold: every stream back to sendrecv.
    pub fn resume(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        self.offer_with(now, id, Method::Invite, crate::sdp::Negotiation::resume)
    }

    /// Whether we put the call on hold (and have not resumed it).
    pub fn is_on_hold(&self, id: SessionId) -> bool {
        self.sessions
            .get(&id)
            .is_some_and(|s| s.media.neg.is_local_hold())
    }

    /// Sends a re-INVITE or an UPDATE offering `sdp` (an empty `sdp`: no
    /// body, a plain session refresh).
    pub(crate) fn send_offer(&mut self, now: Instant, id: SessionId, method: Method, sdp: Bytes) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if sdp.is_empty() && method == Method::Invite {
            // An offerless re-INVITE: the 2xx offers, the ACK answers.
            let _ = s.media.neg.request_offer();
        }
        let builder = s.dialog_mut().and_then(|d| d.request(method.clone()).ok());
        let request = builder.and_then(|b| {
            if sdp.is_empty() {
                b.build().ok()
            } else {
                b.body("application/sdp", sdp.to_vec()).build().ok()
            }
        });
        let Some(request) = request else {
            return;
        };
        s.mid.reinvite_pending = Some(sdp);
        s.mid.via_update = method == Method::Update;
        // A re-INVITE the peer keeps ringing (1xx, no final answer) would
        // block every later offer for the rest of the call: it is
        // CANCELled once `unanswered_timeout` passes (§14.1 allows it).
        if method == Method::Invite {
            if let Some(limit) = self.config.unanswered_timeout {
                self.timers.stop(&mut s.unanswered);
                s.unanswered = Some(self.timers.arm(now + limit, Timer::Unanswered(id)));
            }
        }
        let contact = ContactSpec::Ours {
            params: String::new(),
            ob: false,
        };
        let out = Outgoing::new(Owner::InDialog(id, method), request, contact, None);
        self.start_outgoing(now, out);
    }

    /// Sends an UPDATE (RFC 3311) offering `sdp`: in an established call
    /// like [`renegotiate`](Self::renegotiate) without the three-way
    /// handshake, or in an early dialog once the first offer was answered
    /// (in a reliable provisional response or its PRACK, RFC 3311 §5.1).
    pub fn update(&mut self, now: Instant, id: SessionId, sdp: Bytes) -> Result<(), CommandError> {
        let sdp = Sdp::parse(sdp).map_err(|e| CommandError::Sdp {
            what: "the offer",
            error: e.into(),
        })?;
        self.offer_with(now, id, Method::Update, |neg| neg.set_local_offer(sdp))
    }

    /// Sends DTMF by INFO (`application/dtmf-relay`), one INFO per digit,
    /// each after the previous one completed.
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        id: SessionId,
        digits: &str,
        duration_ms: u32,
    ) -> Result<(), CommandError> {
        self.confirmed_session(id)?;
        if digits.is_empty()
            || !digits
                .chars()
                .all(|c| c.is_ascii_digit() || "*#ABCDabcd".contains(c))
        {
            return Err(CommandError::BadText {
                what: "DTMF digits (0-9, *, #, A-D)",
                value: digits.to_owned(),
            });
        }
        if let Some(s) = self.sessions.get_mut(&id) {
            s.mid.dtmf.extend(
                digits
                    .chars()
                    .map(|c| (c.to_ascii_uppercase(), duration_ms)),
            );
        }
        self.next_dtmf(now, id);
        self.pump(now);
        Ok(())
    }

    fn next_dtmf(&mut self, now: Instant, id: SessionId) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if s.mid.info_in_flight {
            return;
        }
        let Some((digit, duration)) = s.mid.dtmf.pop_front() else {
            return;
        };
        let body = format!("Signal={digit}\r\nDuration={duration}\r\n");
        let request = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Info).ok())
            .and_then(|b| {
                b.body("application/dtmf-relay", body.into_bytes())
                    .build()
                    .ok()
            });
        let Some(request) = request else {
            return;
        };
        s.mid.info_in_flight = true;
        let out = Outgoing::new(
            Owner::InDialog(id, Method::Info),
            request,
            ContactSpec::None,
            None,
        );
        self.start_outgoing(now, out);
    }

    /// The outcome of our re-INVITE or INFO.
    pub(crate) fn mid_call_outcome(
        &mut self,
        now: Instant,
        id: SessionId,
        method: &Method,
        outcome: &Outcome,
    ) {
        let status = outcome.result.as_ref().ok().and_then(Message::status);
        // 481 and 408 (or no answer at all) end the dialog (§12.2.1.2).
        let dialog_gone = match &outcome.result {
            Ok(_) => matches!(status, Some(408) | Some(481)),
            Err(_) => true,
        };
        // What the call ends with then: the status, or the failure.
        let gone = || {
            EndReason::Failed(match &outcome.result {
                Ok(r) => crate::endpoint::Failure::Status {
                    code: r.status().unwrap_or(0),
                    reason: String::from_utf8_lossy(r.reason().unwrap_or_default()).into_owned(),
                },
                Err(f) => f.clone(),
            })
        };
        if *method == Method::Info {
            if let Some(s) = self.sessions.get_mut(&id) {
                s.mid.info_in_flight = false;
            }
            if dialog_gone {
                self.send_bye(now, id, gone());
            } else {
                self.next_dtmf(now, id);
            }
            return;
        }
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if *method == Method::Invite {
            self.timers.stop(&mut s.unanswered);
        }
        let offered = s.mid.reinvite_pending.take();
        match (&outcome.result, status) {
            (Ok(resp), Some(200..=299)) => {
                if let Some(d) = s.dialog_mut() {
                    d.on_response(resp);
                }
                let answer = sdp_of(resp);
                // Our offer gets its answer; our offerless re-INVITE gets
                // the peer's offer, answered in the ACK.
                let mut ack_body = None;
                let mut failed = false;
                match s.media.state() {
                    St::HaveLocalOffer => {
                        let ok = answer.as_ref().is_some_and(|a| s.media.receive(a).is_ok());
                        if !ok {
                            s.media.rollback();
                            failed = true;
                        }
                    }
                    St::AwaitingOffer => match &answer {
                        Some(offer) if s.media.receive(offer).is_ok() => {
                            ack_body = self.answer_offer_in_request(id);
                        }
                        _ => {
                            s.media.rollback();
                        }
                    },
                    _ => {}
                }
                let Some(s) = self.sessions.get_mut(&id) else {
                    return;
                };
                let refresh = std::mem::take(&mut s.mid.refreshing);
                let ack = (*method == Method::Invite)
                    .then(|| s.dialog.as_ref().and_then(|d| d.ack(&outcome.request).ok()))
                    .flatten()
                    .and_then(|b| match &ack_body {
                        Some(a) => b.body("application/sdp", a.to_vec()).build().ok(),
                        None => b.build().ok(),
                    });
                if let Some(ack) = ack {
                    s.ack = Some(ack.clone());
                    if let Some(tx) = outcome.tx {
                        self.invite_txs.insert(tx, id);
                    }
                    self.send_request_stateless(now, ack);
                }
                self.session_refreshed(now, id);
                if failed {
                    // Accepted without a usable answer: the offer is void
                    // and the media stay as they were.
                    self.event(Event::CallUpdateFailed {
                        session: id,
                        status: status.unwrap_or(0),
                    });
                } else if !refresh {
                    self.event(Event::CallUpdated {
                        session: id,
                        sdp: answer,
                    });
                }
            }
            (Ok(_), Some(491)) => {
                // §14.1: the Call-ID's owner waits 2.1–4 s, the other 0–2 s,
                // in units of 10 ms.
                let caller = s.caller;
                s.media.rollback();
                s.mid.glare_retry = offered.map(|o| (method.clone(), o));
                let units = if caller {
                    210 + self.rng.below(190)
                } else {
                    self.rng.below(200)
                };
                let wait = Duration::from_millis(units * 10);
                self.timers.arm(now + wait, Timer::GlareRetry(id));
            }
            _ if dialog_gone => {
                s.media.rollback();
                self.send_bye(now, id, gone());
            }
            _ if {
                s.media.rollback();
                std::mem::take(&mut s.mid.refreshing)
            } =>
            {
                // A refused refresh: the session ends at expiry unless the
                // peer refreshes it.
            }
            _ => {
                // Refused: the media stay as they were (RFC 3261 §14.1).
                self.event(Event::CallUpdateFailed {
                    session: id,
                    status: status.unwrap_or(0),
                });
            }
        }
    }

    pub(crate) fn glare_retry_due(&mut self, now: Instant, id: SessionId) {
        // §14.1: not while another INVITE is in progress either way (the
        // peer's re-INVITE may still wait for its ACK): try again later.
        let busy = self.sessions.get(&id).is_some_and(|s| {
            s.mid.remote_reinvite.is_some()
                || s.mid.reinvite_pending.is_some()
                || s.media.state() != St::Stable
        });
        if busy {
            let units = self.rng.below(200);
            let wait = Duration::from_millis(100 + units * 10);
            self.timers.arm(now + wait, Timer::GlareRetry(id));
            return;
        }
        let retry = self
            .sessions
            .get_mut(&id)
            .filter(|s| s.state == SessionState::Confirmed)
            .and_then(|s| s.mid.glare_retry.take());
        let Some((method, sdp)) = retry else {
            return;
        };
        // The same offer again, with the call's next o= version.
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if sdp.is_empty() {
            self.send_offer(now, id, method, sdp);
        } else if let Ok(offer) = s.media.offer(&sdp) {
            self.send_offer(now, id, method, offer);
        }
    }

    /// The peer's offer in a re-INVITE or UPDATE: our answer, or the
    /// refusal to send (491 when our offer is in flight, 488 when we
    /// cannot answer it).
    fn answer_remote_offer(
        &mut self,
        id: SessionId,
        offer: &Bytes,
    ) -> Result<Bytes, (u16, &'static str)> {
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or((481, "Call/Transaction Does Not Exist"))?;
        match s.media.receive(offer) {
            Ok(crate::sdp::Received::Offer) => self
                .answer_offer_in_request(id)
                .ok_or((488, "Not Acceptable Here")),
            Ok(crate::sdp::Received::Answer) => Err((491, "Request Pending")),
            Err(crate::sdp::NegotiationError::OfferPending { .. }) => Err((491, "Request Pending")),
            Err(_) => Err((488, "Not Acceptable Here")),
        }
    }

    /// A re-INVITE from the peer: its offer answered at once (from our SDP,
    /// see `offer_answer.rs`), or our current SDP offered again when it has
    /// none; 491 when our offer is in flight (glare), 500 when theirs is
    /// (§14.2).
    pub(crate) fn remote_reinvite(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let Some(s) = self.sessions.get(&id) else {
            return;
        };
        if s.state == SessionState::Answered || s.mid.remote_reinvite.is_some() {
            // Its CSeq passed the dialog's check: the peer has our last 2xx
            // and its ACK was lost.
            self.acknowledged(now, id, None);
        }
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if s.mid.reinvite_pending.is_some() || s.media.state() == St::HaveLocalOffer {
            self.reply(now, tx, request, 491, "Request Pending", &[], None);
            return;
        }
        if s.state != SessionState::Confirmed {
            // §14.2: the first INVITE has no final response yet.
            let retry = ("Retry-After", format!("{}", self.rng.below(10)));
            self.reply(
                now,
                tx,
                request,
                500,
                "Server Internal Error",
                &[retry],
                None,
            );
            return;
        }
        let offer = sdp_of(request);
        let body = match &offer {
            Some(offer) => match self.answer_remote_offer(id, offer) {
                Ok(answer) => Some(answer),
                Err((code, reason)) => {
                    self.reply(now, tx, request, code, reason, &[], None);
                    return;
                }
            },
            // An offerless re-INVITE: our current SDP, unchanged, is the
            // offer; the ACK answers it.
            None => {
                let offer = s.media.neg.reoffer().ok().map(|o| o.to_bytes());
                s.mid.offered_in_2xx = offer.is_some();
                offer
            }
        };
        let Some(ok) = self.in_dialog_ok(id, request, body.as_ref()) else {
            return;
        };
        if self.layer.respond(now, tx, ok.clone()).is_err() {
            return;
        }
        let t1 = self.config.timers.t1;
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.mid.remote_reinvite = Some(tx);
        s.invite_tx = Some(tx);
        s.ok = Some(ok);
        s.ok_interval = t1;
        s.ok_since = Some(now);
        self.timers.stop(&mut s.ok_timer);
        s.ok_timer = Some(self.timers.arm(now + t1, Timer::OkRetransmit(id)));
        self.session_refreshed(now, id);
        self.event(Event::CallUpdated {
            session: id,
            sdp: offer,
        });
    }

    /// An UPDATE from the peer (RFC 3311), in an early or confirmed
    /// dialog: its offer answered at once like a re-INVITE's, with no ACK
    /// to wait for; an offerless UPDATE (a session refresh) gets a plain
    /// 200.
    pub(crate) fn remote_update(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let Some(s) = self.sessions.get(&id) else {
            return;
        };
        if s.mid.reinvite_pending.is_some() {
            self.reply(now, tx, request, 491, "Request Pending", &[], None);
            return;
        }
        let offer = sdp_of(request);
        let answer = match &offer {
            Some(offer) => match self.answer_remote_offer(id, offer) {
                Ok(answer) => Some(answer),
                Err((code, reason)) => {
                    self.reply(now, tx, request, code, reason, &[], None);
                    return;
                }
            },
            None => None,
        };
        let Some(ok) = self.in_dialog_ok(id, request, answer.as_ref()) else {
            return;
        };
        let _ = self.layer.respond(now, tx, ok);
        self.session_refreshed(now, id);
        if offer.is_some() {
            self.event(Event::CallUpdated {
                session: id,
                sdp: offer,
            });
        }
    }

    /// A 2xx to a request inside the dialog, with our Contact (a target
    /// refresh needs it) and `sdp`.
    fn in_dialog_ok(
        &self,
        id: SessionId,
        request: &Message,
        sdp: Option<&Bytes>,
    ) -> Option<Message> {
        self.sessions.get(&id)?;
        let contact = self.session_contact(id);
        let mut b = ResponseBuilder::for_request(request, 200, "OK")
            .raw_header("Contact", format!("<{contact}>").as_bytes())
            .raw_header("Server", self.config.user_agent.as_bytes());
        if let Some(sdp) = sdp {
            b = b.body("application/sdp", sdp.to_vec());
        }
        b.build().ok()
    }

    /// An INFO in a call: DTMF is reported, anything else acknowledged.
    pub(crate) fn remote_info(&mut self, now: Instant, id: SessionId, tx: TxId, request: &Message) {
        let content_type = request
            .header::<ContentType>()
            .map(|c| format!("{}/{}", c.media_type, c.subtype).to_ascii_lowercase())
            .unwrap_or_default();
        let body = String::from_utf8_lossy(request.body()).into_owned();
        let dtmf = match content_type.as_str() {
            "application/dtmf-relay" => {
                let field = |name: &str| {
                    body.lines().find_map(|l| {
                        let (k, v) = l.split_once('=')?;
                        k.trim()
                            .eq_ignore_ascii_case(name)
                            .then(|| v.trim().to_owned())
                    })
                };
                let digit = field("Signal").and_then(|v| v.chars().next());
                let duration = field("Duration").and_then(|v| v.parse().ok()).unwrap_or(0);
                digit.map(|d| (d, duration))
            }
            "application/dtmf" => body.trim().chars().next().map(|d| (d, 0)),
            _ => None,
        };
        self.reply(now, tx, request, 200, "OK", &[], None);
        if let Some((digit, duration_ms)) =
            dtmf.filter(|(d, _)| d.is_ascii_digit() || "*#ABCDabcd".contains(*d))
        {
            self.event(Event::Dtmf {
                session: id,
                digit: digit.to_ascii_uppercase(),
                duration_ms,
            });
        }
    }
}
