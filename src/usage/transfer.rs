//! Blind transfer (RFC 3515 REFER, RFC 3892 Referred-By): the transferor
//! sends REFER in a call and follows the new call's progress from the
//! `message/sipfrag` NOTIFYs of the implicit `refer` subscription; the
//! transferee is asked ([`Event::TransferRequested`]), and when it
//! accepts, sansip places the new call and reports its progress by NOTIFY
//! until it is answered or fails.

use std::time::{Duration, Instant};

use super::session::{EndReason, InviteOptions, SessionId, SessionState};
use crate::endpoint::outgoing::{ContactSpec, Outgoing, Owner};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::headers::{ReferTo, ReferredBy};
use crate::message::{unescape, Message, Method, UriComponent};
use crate::transaction::TxId;

/// How long the application has to accept or refuse a REFER before
/// sansip declines it.
const DECIDE_WITHIN: Duration = Duration::from_secs(30);

/// A REFER waiting for the application's answer.
#[derive(Debug)]
pub(crate) struct PendingRefer {
    pub(crate) tx: TxId,
    pub(crate) request: Message,
    pub(crate) target: String,
    pub(crate) key: Option<TimerKey>,
}

impl Endpoint {
    /// Asks the other party of call `id` to call `target` instead (blind
    /// transfer). [`Event::TransferProgress`] reports the new call's
    /// progress as the transferee tells it (202 first, then 100, 180, 200
    /// or a failure); hang up once it is final.
    pub fn refer(&mut self, now: Instant, id: SessionId, target: &str) -> Result<(), CommandError> {
        crate::usage::message::check_target("the transfer target", target)?;
        let referred_by = format!("<{}>", self.identity.aor);
        let s = self
            .sessions
            .get_mut(&id)
            .filter(|s| s.state == SessionState::Confirmed)
            .ok_or(CommandError::WrongState {
                what: "a transfer needs an established call",
            })?;
        let request = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Refer).ok())
            .and_then(|b| {
                b.raw_header("Refer-To", format!("<{target}>").as_bytes())
                    .raw_header("Referred-By", referred_by.as_bytes())
                    .build()
                    .ok()
            })
            .ok_or(CommandError::WrongState {
                what: "the REFER cannot be built",
            })?;
        let contact = ContactSpec::Ours {
            params: String::new(),
            ob: false,
        };
        if let Some(s) = self.sessions.get_mut(&id) {
            s.mid.refer_accepted = false;
        }
        self.start_outgoing(
            now,
            Outgoing::new(Owner::InDialog(id, Method::Refer), request, contact, None),
        );
        self.pump(now);
        Ok(())
    }

    /// Attended transfer (RFC 5589 §7): asks the peer of call `id` to
    /// call the peer of call `other` with a Replaces (RFC 3891) naming
    /// `other`'s dialog, so the new call takes its place.
    pub fn refer_with_replaces(
        &mut self,
        now: Instant,
        id: SessionId,
        other: SessionId,
    ) -> Result<(), CommandError> {
        let d = self
            .sessions
            .get(&other)
            .filter(|s| s.state == SessionState::Confirmed)
            .and_then(|s| s.dialog.as_ref())
            .ok_or(CommandError::WrongState {
                what: "the call to replace is not established",
            })?;
        // The tags as the target sees them: its own tag is our remote one.
        let dialog = d.id();
        let replaces = format!(
            "{};to-tag={};from-tag={}",
            dialog.call_id, dialog.remote_tag, dialog.local_tag
        );
        let target = d.remote_target().to_owned();
        let base = target.split('?').next().unwrap_or_default().to_owned();
        let escaped = crate::message::escape(replaces.as_bytes(), UriComponent::Header);
        self.refer(now, id, &format!("{base}?Replaces={escaped}"))
    }

    /// The answer to our REFER: a refusal ends the transfer at once.
    pub(crate) fn refer_outcome(&mut self, id: SessionId, status: Option<u16>) {
        let status = status.unwrap_or(408);
        // After the call ended nothing more is said of it (CallEnded is
        // its last event).
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let accepted = (200..300).contains(&status);
        if std::mem::replace(&mut s.mid.refer_accepted, accepted) && accepted {
            return; // a NOTIFY came first and stood for it
        }
        self.event(Event::TransferProgress {
            session: id,
            status,
        });
    }

    /// A NOTIFY of a `refer` subscription: the sipfrag's status is the
    /// new call's progress.
    pub(crate) fn remote_notify(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let event = request
            .raw_by_name("Event")
            .or_else(|| request.raw_by_name("o"))
            .map(|v| String::from_utf8_lossy(v).to_ascii_lowercase());
        if !event
            .as_deref()
            .is_some_and(|e| e.trim_start().starts_with("refer"))
        {
            self.reply(now, tx, request, 489, "Bad Event", &[], None);
            return;
        }
        self.reply(now, tx, request, 200, "OK", &[], None);
        // `SIP/2.0 180 Ringing`: the status line of the new call.
        let status = std::str::from_utf8(request.body())
            .ok()
            .and_then(|b| b.lines().next())
            .and_then(|l| l.strip_prefix("SIP/2.0 "))
            .and_then(|l| l.get(..3))
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| (100..700).contains(c));
        if let Some(status) = status {
            // A NOTIFY means the REFER was accepted, even if its 202 is
            // still on the way (RFC 6665 §4.1.2.4): report that first.
            let first = self
                .sessions
                .get_mut(&id)
                .is_some_and(|s| !std::mem::replace(&mut s.mid.refer_accepted, true));
            if first {
                self.event(Event::TransferProgress {
                    session: id,
                    status: 202,
                });
            }
            self.event(Event::TransferProgress {
                session: id,
                status,
            });
        }
    }

    /// A REFER in a call: the application decides ([`Event::TransferRequested`]).
    pub(crate) fn remote_refer(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let target = request.header::<ReferTo>().ok().and_then(|r| {
            let uri = r.uri();
            uri.as_sip().map(|_| uri.to_string())
        });
        let Some(target) = target else {
            self.reply(now, tx, request, 400, "Bad Refer-To", &[], None);
            return;
        };
        let busy = self.sessions.get(&id).map_or(true, |s| s.refer.is_some());
        if busy {
            self.reply(now, tx, request, 491, "Request Pending", &[], None);
            return;
        }
        let referred_by = request
            .header::<ReferredBy>()
            .ok()
            .map(|r| r.uri().to_string());
        let key = self
            .timers
            .arm(now + DECIDE_WITHIN, Timer::ReferDecision(id));
        if let Some(s) = self.sessions.get_mut(&id) {
            s.refer = Some(PendingRefer {
                tx,
                request: request.clone(),
                target: target.clone(),
                key: Some(key),
            });
        }
        self.event(Event::TransferRequested {
            session: id,
            target,
            referred_by,
        });
    }

    /// Accepts the transfer asked in call `id`: 202 to the REFER, and a new
    /// call to the target, whose progress the referrer hears by NOTIFY.
    pub fn accept_transfer(
        &mut self,
        now: Instant,
        id: SessionId,
    ) -> Result<SessionId, CommandError> {
        let pending = self
            .sessions
            .get_mut(&id)
            .and_then(|s| s.refer.take())
            .ok_or(CommandError::WrongState {
                what: "no transfer is waiting in this call",
            })?;
        let mut key = pending.key;
        self.timers.stop(&mut key);
        self.reply(
            now,
            pending.tx,
            &pending.request,
            202,
            "Accepted",
            &[],
            None,
        );
        self.send_sipfrag(now, id, 100, "Trying", false);
        // Headers embedded in the Refer-To URI (a Replaces) become headers
        // of the INVITE (RFC 3515 §2.1).
        let (target, extra_headers) = split_uri_headers(&pending.target);
        let new_call = self.invite(
            now,
            &target,
            InviteOptions {
                sdp: self.transfer_offer(id),
                extra_headers,
            },
        )?;
        self.transfers.insert(new_call, id);
        self.pump(now);
        Ok(new_call)
    }

    /// The offer for the call a transfer places: the media of the call the
    /// REFER came in (which the transferor has usually put on hold) with
    /// every stream sendrecv again, else one made from `Config::media`.
    fn transfer_offer(&self, id: SessionId) -> Option<bytes::Bytes> {
        let current = self
            .offer_answer(id)
            .and_then(|n| n.local_description())
            .cloned();
        let Some(mut sdp) = current else {
            return self
                .config
                .media
                .as_ref()?
                .offer()
                .ok()
                .map(|o| o.to_bytes());
        };
        for m in sdp.media_iter_mut() {
            if !m.is_rejected() {
                m.set_direction(crate::sdp::Direction::SendRecv);
            }
        }
        Some(sdp.to_bytes())
    }

    /// Refuses the transfer asked in call `id` (603 Decline).
    pub fn reject_transfer(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        let pending = self
            .sessions
            .get_mut(&id)
            .and_then(|s| s.refer.take())
            .ok_or(CommandError::WrongState {
                what: "no transfer is waiting in this call",
            })?;
        let mut key = pending.key;
        self.timers.stop(&mut key);
        self.reply(now, pending.tx, &pending.request, 603, "Decline", &[], None);
        self.pump(now);
        Ok(())
    }

    pub(crate) fn refer_decision_due(&mut self, now: Instant, id: SessionId) {
        if let Some(s) = self.sessions.get_mut(&id) {
            if let Some(p) = s.refer.as_mut() {
                p.key = None;
            }
        }
        let _ = self.reject_transfer(now, id);
    }

    /// The transfer's new call moved: tell the referrer (RFC 3515 §2.4.5).
    pub(crate) fn transfer_progress(
        &mut self,
        now: Instant,
        new_call: SessionId,
        status: u16,
        reason: &str,
    ) {
        let Some(&original) = self.transfers.get(&new_call) else {
            return;
        };
        let last = status >= 200;
        if last {
            self.transfers.remove(&new_call);
        }
        self.send_sipfrag(now, original, status, reason, last);
    }

    /// The end of a transfer's new call, reported as its final status.
    pub(crate) fn transfer_ended(&mut self, now: Instant, new_call: SessionId, reason: &EndReason) {
        if !self.transfers.contains_key(&new_call) {
            return;
        }
        let (status, text) = match reason {
            EndReason::Rejected { status, .. } => (*status, "Failed"),
            EndReason::Redirected { .. } => (300, "Redirected"),
            _ => (487, "Request Terminated"),
        };
        self.transfer_progress(now, new_call, status, text);
    }

    /// A NOTIFY in call `id` carrying `SIP/2.0 <status> <reason>`.
    fn send_sipfrag(&mut self, now: Instant, id: SessionId, status: u16, reason: &str, last: bool) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let state = if last {
            "terminated;reason=noresource"
        } else {
            "active;expires=60"
        };
        let body = format!("SIP/2.0 {status} {reason}\r\n");
        let notify = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Notify).ok())
            .and_then(|b| {
                b.raw_header("Event", b"refer")
                    .raw_header("Subscription-State", state.as_bytes())
                    .body("message/sipfrag;version=2.0", body.into_bytes())
                    .build()
                    .ok()
            });
        if let Some(notify) = notify {
            let out = Outgoing::new(
                Owner::InDialog(id, Method::Notify),
                notify,
                ContactSpec::None,
                None,
            );
            self.start_outgoing(now, out);
        }
    }
}

/// A URI without its `?headers`, and those headers (unescaped), only the
/// ones a referred INVITE may carry.
fn split_uri_headers(uri: &str) -> (String, Vec<(String, String)>) {
    let Some((base, headers)) = uri.split_once('?') else {
        return (uri.to_owned(), Vec::new());
    };
    let extra = headers
        .split('&')
        .filter_map(|h| h.split_once('='))
        .filter(|(n, _)| n.eq_ignore_ascii_case("Replaces"))
        .map(|(_, v)| {
            let value = String::from_utf8_lossy(&unescape(v)).into_owned();
            ("Replaces".to_owned(), value)
        })
        .filter(|(_, v)| !v.bytes().any(|b| b.is_ascii_control()))
        .collect();
    (base.to_owned(), extra)
}
