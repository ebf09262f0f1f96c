//! SUBSCRIBE/NOTIFY (RFC 6665), both sides, for any event package
//! (presence, dialog, message-summary): bodies pass through as the
//! application gives and receives them.
//!
//! - Subscriber: [`Endpoint::subscribe`] sends SUBSCRIBE; NOTIFYs (even one
//!   arriving before the 2xx) are answered 200 and reported as
//!   [`Event::Notification`]; the subscription is refreshed at 0.9 of the
//!   time the notifier grants; [`Endpoint::unsubscribe`] sends Expires 0;
//!   [`Event::SubscriptionEnded`] is always the last event.
//! - Notifier: an incoming SUBSCRIBE is [`Event::SubscriptionRequested`];
//!   the application answers with [`Endpoint::accept_subscription`] (200
//!   and a first NOTIFY) or [`Endpoint::reject_subscription`], sends state
//!   with [`Endpoint::notify`], and sansip ends the subscription with a
//!   final NOTIFY when it expires or is withdrawn.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::dialog::{Dialog, DialogId};
use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::headers::{ContentType, Expires, FromHeader, SubscriptionState};
use crate::message::{Message, Method, ResponseBuilder};
use crate::transaction::TxId;
use crate::transport::{FlowInfo, Transport};
use crate::usage::message::{check_extra_header, check_target};

/// How long the application has to accept or reject a peer's SUBSCRIBE.
const DECIDE_WITHIN: Duration = Duration::from_secs(30);

/// Identifies a subscription (ours or a peer's to us).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriptionId(pub u64);

/// The state a NOTIFY reports (RFC 6665 §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubState {
    /// Authorized and running.
    Active,
    /// Waiting for authorization.
    Pending,
    /// Over.
    Terminated,
}

/// One subscription.
#[derive(Debug)]
pub(crate) struct Subscription {
    pub(crate) ours: bool,
    pub(crate) event: String,
    pub(crate) accept: String,
    pub(crate) expires: u32,
    pub(crate) call_id: String,
    pub(crate) local_tag: String,
    pub(crate) dialog: Option<Dialog>,
    pub(crate) out: bool,
    pub(crate) timer: Option<TimerKey>,
    pub(crate) ending: bool,
    /// Notifier: the SUBSCRIBE awaiting the application's answer.
    pub(crate) pending: Option<(TxId, Message)>,
    /// Subscriber: the notifier's tag, once a 2xx or NOTIFY named it.
    pub(crate) remote_tag: Option<String>,
    /// Subscriber: our SUBSCRIBE with Expires 0 went out.
    pub(crate) unsubscribe_sent: bool,
    /// Notifier: the transport and peer the SUBSCRIBE came over, for our
    /// Contact (a TCP or WebSocket subscriber must reach us the same way).
    pub(crate) came_over: Option<(Transport, SocketAddr)>,
}

fn state_name(state: SubState) -> &'static str {
    match state {
        SubState::Active => "active",
        SubState::Pending => "pending",
        SubState::Terminated => "terminated",
    }
}

/// Subscriptions, by id; [`Subscriptions::find`] matches NOTIFYs and refreshes to them.
#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    pub(crate) map: BTreeMap<SubscriptionId, Subscription>,
}

impl Subscriptions {
    /// The subscription a request inside a dialog belongs to: the one
    /// with its dialog, else the one our SUBSCRIBE made (by Call-ID and
    /// our tag: a NOTIFY may come before the 2xx, or from another fork).
    pub(crate) fn find(&self, id: &DialogId) -> Option<SubscriptionId> {
        let ours = |s: &Subscription| s.call_id == id.call_id && s.local_tag == id.local_tag;
        self.map
            .iter()
            .find(|(_, s)| ours(s) && s.remote_tag.as_deref() == Some(id.remote_tag.as_str()))
            .or_else(|| self.map.iter().find(|(_, s)| ours(s)))
            .map(|(k, _)| *k)
    }
}

impl Endpoint {
    /// Subscribes to `event` (e.g. `presence`, `dialog`) of `target`,
    /// accepting bodies of `accept` (e.g. `application/pidf+xml`), for
    /// `expires` seconds, refreshed until [`unsubscribe`](Self::unsubscribe).
    pub fn subscribe(
        &mut self,
        now: Instant,
        target: &str,
        event: &str,
        accept: &str,
        expires: u32,
    ) -> Result<SubscriptionId, CommandError> {
        check_target("the subscription target", target)?;
        check_extra_header("Event", event)?;
        check_extra_header("Accept", accept)?;
        if event.is_empty() || self.subscriptions.map.len() >= self.config.max_usages {
            return Err(CommandError::Limit {
                what: "subscriptions",
                limit: self.config.max_usages,
            });
        }
        let id = SubscriptionId(self.next_id());
        let (b, tag, call_id) = self.new_request(Method::Subscribe, target);
        let draft = b
            .raw_header("Event", event.as_bytes())
            .raw_header("Accept", accept.as_bytes())
            .header(&Expires(expires))
            .build()
            .map_err(|_| CommandError::BadUri {
                what: "the subscription target",
                uri: target.to_owned(),
            })?;
        self.subscriptions.map.insert(
            id,
            Subscription {
                ours: true,
                event: event.to_owned(),
                accept: accept.to_owned(),
                expires,
                call_id,
                local_tag: tag,
                dialog: None,
                out: true,
                timer: None,
                ending: false,
                pending: None,
                remote_tag: None,
                unsubscribe_sent: false,
                came_over: None,
            },
        );
        let contact = ContactSpec::Ours {
            params: String::new(),
            ob: false,
        };
        self.start_outgoing(
            now,
            Outgoing::new(Owner::Subscription(id), draft, contact, None),
        );
        self.pump(now);
        Ok(id)
    }

    /// Ends our subscription (SUBSCRIBE with Expires 0); the notifier's
    /// final NOTIFY, or the answer, ends it with
    /// [`Event::SubscriptionEnded`].
    pub fn unsubscribe(&mut self, now: Instant, id: SubscriptionId) -> Result<(), CommandError> {
        let s = self
            .subscriptions
            .map
            .get_mut(&id)
            .filter(|s| s.ours)
            .ok_or(CommandError::WrongState {
                what: "no such subscription of ours",
            })?;
        s.ending = true;
        self.timers.stop(&mut s.timer);
        if s.dialog.is_some() {
            self.send_subscribe_in_dialog(now, id, 0);
        } else if !s.out {
            self.end_subscription(id, "unsubscribed".into());
        }
        // Else our SUBSCRIBE is on its way: the Expires 0 follows once its
        // 2xx or a NOTIFY makes the dialog (RFC 6665 §4.1.2.3), so the
        // notifier does not keep the subscription for its whole life.
        self.pump(now);
        Ok(())
    }

    fn send_subscribe_in_dialog(&mut self, now: Instant, id: SubscriptionId, expires: u32) {
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return;
        };
        let request = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Subscribe).ok())
            .and_then(|b| {
                b.raw_header("Event", s.event.as_bytes())
                    .raw_header("Accept", s.accept.as_bytes())
                    .header(&Expires(expires))
                    .build()
                    .ok()
            });
        if let Some(request) = request {
            s.out = true;
            s.unsubscribe_sent |= expires == 0;
            let out = Outgoing::new(Owner::Subscription(id), request, ContactSpec::None, None);
            self.start_outgoing(now, out);
        }
    }

    /// The answer to our SUBSCRIBE (first, refresh or removal).
    pub(crate) fn subscribe_outcome(&mut self, now: Instant, id: SubscriptionId, outcome: Outcome) {
        let fraction = self.config.refresh_fraction;
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return;
        };
        s.out = false;
        let response = match outcome.result {
            Ok(r) => r,
            Err(f) => {
                self.end_subscription(id, f.to_string());
                return;
            }
        };
        let status = response.status().unwrap_or(0);
        if !(200..300).contains(&status) {
            let reason = format!(
                "{status} {}",
                String::from_utf8_lossy(response.reason().unwrap_or_default())
            );
            self.end_subscription(id, reason);
            return;
        }
        if s.dialog.is_none() {
            s.dialog = Dialog::uac(&outcome.request, &response).ok();
            s.remote_tag = s.dialog.as_ref().map(|d| d.id().remote_tag.clone());
        } else if let Some(d) = s.dialog.as_mut() {
            d.note_cseq_sent(outcome.cseq);
        }
        if s.ending {
            if !s.unsubscribe_sent && s.dialog.is_some() {
                self.send_subscribe_in_dialog(now, id, 0);
            }
            return; // the final NOTIFY ends it
        }
        let granted = response
            .header::<Expires>()
            .map_or(s.expires, |e| e.0.min(s.expires.max(1)));
        self.arm_subscription_refresh(now, id, granted, fraction);
    }

    fn arm_subscription_refresh(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        granted: u32,
        fraction: f64,
    ) {
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return;
        };
        self.timers.stop(&mut s.timer);
        if granted == 0 {
            return;
        }
        let after = Duration::from_millis((f64::from(granted) * 1000.0 * fraction) as u64);
        s.timer = Some(self.timers.arm(now + after, Timer::Subscription(id)));
    }

    pub(crate) fn subscription_due(&mut self, now: Instant, id: SubscriptionId) {
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return;
        };
        s.timer = None;
        if s.ours {
            if !s.out && !s.ending {
                let expires = s.expires;
                self.send_subscribe_in_dialog(now, id, expires);
            }
        } else {
            // The subscriber did not refresh: it times out (§4.2.2).
            self.send_notify(now, id, SubState::Terminated, Some("timeout"), None);
            self.end_subscription(id, "timeout".into());
        }
    }

    fn end_subscription(&mut self, id: SubscriptionId, reason: String) {
        if let Some(mut s) = self.subscriptions.map.remove(&id) {
            self.timers.stop(&mut s.timer);
            if let Some((tx, request)) = s.pending.take() {
                let now = self.clock;
                self.reply(now, tx, &request, 480, "Temporarily Unavailable", &[], None);
            }
            self.event(Event::SubscriptionEnded {
                subscription: id,
                reason,
            });
        }
    }

    /// A NOTIFY for one of our subscriptions.
    pub(crate) fn subscription_notify(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        tx: TxId,
        request: &Message,
    ) {
        let fraction = self.config.refresh_fraction;
        let state = request.header::<SubscriptionState>().ok();
        let Some(state) = state else {
            self.reply(
                now,
                tx,
                request,
                400,
                "Missing Subscription-State",
                &[],
                None,
            );
            return;
        };
        let had_dialog = self
            .subscriptions
            .map
            .get(&id)
            .is_some_and(|s| s.dialog.is_some());
        let asked = id;
        let Some(id) = self.notifying_subscription(id, request) else {
            // Over the limit of subscriptions: refuse the fork (§4.1.2.4).
            self.reply(
                now,
                tx,
                request,
                481,
                "Subscription Does Not Exist",
                &[],
                None,
            );
            return;
        };
        // §12.2.2: in order, by CSeq (a resent older NOTIFY must not undo
        // a newer one); unless this NOTIFY just made the dialog.
        let verdict = self
            .subscriptions
            .map
            .get_mut(&id)
            .filter(|_| had_dialog && id == asked)
            .and_then(|s| s.dialog.as_mut())
            .map(|d| d.receive_request(request));
        if let Some(crate::dialog::Verdict::Reject { status, reason, .. }) = verdict {
            self.reply(now, tx, request, status, reason, &[], None);
            return;
        }
        // An unsubscribe that waited for a dialog can go now.
        let unsubscribe = self
            .subscriptions
            .map
            .get(&id)
            .is_some_and(|s| s.ending && !s.unsubscribe_sent && !s.out && s.dialog.is_some());
        if unsubscribe {
            self.send_subscribe_in_dialog(now, id, 0);
        }
        self.reply(now, tx, request, 200, "OK", &[], None);
        let sub_state = match state.state.as_str() {
            "active" => SubState::Active,
            "pending" => SubState::Pending,
            _ => SubState::Terminated,
        };
        let content_type = request
            .header::<ContentType>()
            .map(|c| format!("{}/{}", c.media_type, c.subtype))
            .ok();
        let body = (!request.body().is_empty()).then(|| Bytes::copy_from_slice(request.body()));
        self.event(Event::Notification {
            subscription: id,
            state: sub_state,
            content_type,
            body,
        });
        if sub_state == SubState::Terminated {
            let reason = state
                .reason()
                .map_or("terminated".into(), |r| r.as_str().to_owned());
            self.end_subscription(id, reason);
            return;
        }
        if let Some(expires) = state.expires() {
            let ending = self.subscriptions.map.get(&id).is_some_and(|s| s.ending);
            if !ending {
                self.arm_subscription_refresh(now, id, expires, fraction);
            }
        }
    }

    /// The subscription a NOTIFY is for: `id` itself, made a dialog by its
    /// first NOTIFY if the 2xx has not come; or, when `id` already talks
    /// to another notifier, a new subscription for this one (a forked
    /// SUBSCRIBE, RFC 6665 §4.1.2.4). `None` past the limit.
    fn notifying_subscription(
        &mut self,
        id: SubscriptionId,
        notify: &Message,
    ) -> Option<SubscriptionId> {
        let from = DialogId::of_received_request(notify)?.remote_tag;
        let limit = self.config.max_usages;
        let count = self.subscriptions.map.len();
        let s = self.subscriptions.map.get_mut(&id)?;
        if !s.ours || s.remote_tag.as_deref() == Some(from.as_str()) {
            return Some(id);
        }
        let dialog = ResponseBuilder::for_request(notify, 200, "OK")
            .build()
            .ok()
            .and_then(|ok| Dialog::uas(notify, &ok).ok());
        if s.remote_tag.is_none() {
            // The first NOTIFY, before the 2xx: it makes the dialog.
            s.remote_tag = Some(from);
            s.dialog = dialog;
            return Some(id);
        }
        if count >= limit {
            return None;
        }
        let fork = Subscription {
            ours: true,
            event: s.event.clone(),
            accept: s.accept.clone(),
            expires: s.expires,
            call_id: s.call_id.clone(),
            local_tag: s.local_tag.clone(),
            dialog,
            out: false,
            timer: None,
            ending: s.ending,
            pending: None,
            remote_tag: Some(from),
            unsubscribe_sent: false,
            came_over: None,
        };
        let fork_id = SubscriptionId(self.next_id());
        self.subscriptions.map.insert(fork_id, fork);
        self.event(Event::SubscriptionForked {
            subscription: id,
            fork: fork_id,
        });
        Some(fork_id)
    }

    /// A SUBSCRIBE outside a dialog: the application decides.
    pub(crate) fn incoming_subscribe(
        &mut self,
        now: Instant,
        tx: TxId,
        request: Message,
        flow: FlowInfo,
    ) {
        let event = request
            .raw_by_name("Event")
            .or_else(|| request.raw_by_name("o"))
            .map(|v| String::from_utf8_lossy(v).trim().to_owned());
        let event = event.filter(|e| !e.is_empty() && self.allows_event(e));
        let Some(event) = event else {
            // RFC 6665 §4.2.1.1: say which packages we do take.
            let allowed: Vec<_> = self
                .allow_events()
                .map(|e| ("Allow-Events", e))
                .into_iter()
                .collect();
            self.reply(now, tx, &request, 489, "Bad Event", &allowed, None);
            return;
        };
        if self.subscriptions.map.len() >= self.config.max_usages {
            self.reply(now, tx, &request, 503, "Service Unavailable", &[], None);
            return;
        }
        let id = SubscriptionId(self.next_id());
        let from = request
            .header::<FromHeader>()
            .map(|f| f.uri().to_string())
            .unwrap_or_default();
        let expires = request.header::<Expires>().map_or(3600, |e| e.0);
        let call_id = request.call_id().unwrap_or_default().to_owned();
        self.subscriptions.map.insert(
            id,
            Subscription {
                ours: false,
                event: event.clone(),
                accept: String::new(),
                expires,
                call_id,
                local_tag: self.rng.token(10),
                dialog: None,
                out: false,
                timer: None,
                ending: false,
                pending: Some((tx, request)),
                remote_tag: None,
                unsubscribe_sent: false,
                came_over: Some((flow.transport, flow.remote)),
            },
        );
        // Undecided after a while: declined (480), so that unanswered
        // SUBSCRIBEs cannot hold subscriptions and transactions for ever.
        let key = self
            .timers
            .arm(now + DECIDE_WITHIN, Timer::Subscription(id));
        if let Some(s) = self.subscriptions.map.get_mut(&id) {
            s.timer = Some(key);
        }
        self.event(Event::SubscriptionRequested {
            subscription: id,
            from,
            event,
            expires,
        });
    }

    /// Accepts a peer's SUBSCRIBE: 200 with the granted Expires (at most
    /// `max_expires`), then a first NOTIFY (`pending` until you
    /// [`notify`](Self::notify) with state).
    pub fn accept_subscription(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        max_expires: u32,
    ) -> Result<(), CommandError> {
        let (tx, request) = self.take_pending_subscribe(id)?;
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return Ok(());
        };
        let granted = s.expires.min(max_expires);
        s.expires = granted;
        let mut to = request
            .raw(crate::message::HeaderName::To)
            .unwrap_or_default()
            .to_vec();
        to.extend_from_slice(b";tag=");
        to.extend_from_slice(s.local_tag.as_bytes());
        let (transport, remote) = s
            .came_over
            .unwrap_or((Transport::Udp, self.identity.ws_sent_by_addr()));
        let contact = self.identity.contact_uri(transport, remote, false);
        let ok = ResponseBuilder::new(200, "OK")
            .copy_headers(
                &request,
                &[
                    crate::message::HeaderName::Via,
                    crate::message::HeaderName::RecordRoute,
                    crate::message::HeaderName::From,
                ],
            )
            .raw_header("To", &to)
            .copy_headers(
                &request,
                &[
                    crate::message::HeaderName::CallId,
                    crate::message::HeaderName::CSeq,
                ],
            )
            .raw_header("Contact", format!("<{contact}>").as_bytes())
            .header(&Expires(granted))
            .build()
            .map_err(|_| CommandError::WrongState {
                what: "the 200 cannot be built",
            })?;
        let _ = self.layer.respond(now, tx, ok.clone());
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return Ok(());
        };
        s.dialog = Dialog::uas(&request, &ok).ok();
        self.timers.stop(&mut s.timer);
        s.timer = Some(self.timers.arm(
            now + Duration::from_secs(u64::from(granted)),
            Timer::Subscription(id),
        ));
        self.send_notify(now, id, SubState::Pending, None, None);
        self.pump(now);
        Ok(())
    }

    /// The SUBSCRIBE of a peer's subscription that awaits our answer.
    fn take_pending_subscribe(
        &mut self,
        id: SubscriptionId,
    ) -> Result<(TxId, Message), CommandError> {
        let s = self
            .subscriptions
            .map
            .get_mut(&id)
            .filter(|s| !s.ours)
            .ok_or(CommandError::WrongState {
                what: "no such subscription to us",
            })?;
        let pending = s.pending.take().ok_or(CommandError::WrongState {
            what: "the subscription was answered already",
        })?;
        self.timers.stop(&mut s.timer);
        Ok(pending)
    }

    /// Refuses a peer's SUBSCRIBE (403, 489, ...).
    pub fn reject_subscription(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        status: u16,
    ) -> Result<(), CommandError> {
        if !(300..=699).contains(&status) {
            return Err(CommandError::WrongState {
                what: "a refusal needs a status from 300 to 699",
            });
        }
        let (tx, request) = self.take_pending_subscribe(id)?;
        let reason = crate::message::reason_phrase(status);
        self.reply(now, tx, &request, status, reason, &[], None);
        self.end_subscription(id, format!("refused with {status}"));
        self.pump(now);
        Ok(())
    }

    /// Sends the subscriber the current state: `body` of `content_type`
    /// (e.g. a PIDF document), `active` or `terminated` (which ends it).
    pub fn notify(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        state: SubState,
        content_type: &str,
        body: Bytes,
    ) -> Result<(), CommandError> {
        if !self
            .subscriptions
            .map
            .get(&id)
            .is_some_and(|s| !s.ours && s.dialog.is_some())
        {
            return Err(CommandError::WrongState {
                what: "no accepted subscription to us",
            });
        }
        check_extra_header("Content-Type", content_type)?;
        self.send_notify(now, id, state, None, Some((content_type, body)));
        if state == SubState::Terminated {
            self.end_subscription(id, "terminated by us".into());
        }
        self.pump(now);
        Ok(())
    }

    fn send_notify(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        state: SubState,
        reason: Option<&str>,
        body: Option<(&str, Bytes)>,
    ) {
        let clock = self.clock;
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return;
        };
        let remaining = s
            .timer
            .map_or(0, |k| k.at().saturating_duration_since(clock).as_secs());
        let header = match (state, reason) {
            (SubState::Terminated, Some(r)) => format!("terminated;reason={r}"),
            (SubState::Terminated, None) => "terminated;reason=noresource".to_owned(),
            (st, _) => format!("{};expires={remaining}", state_name(st)),
        };
        let event = s.event.clone();
        let notify = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Notify).ok())
            .and_then(|b| {
                let b = b
                    .raw_header("Event", event.as_bytes())
                    .raw_header("Subscription-State", header.as_bytes());
                match body {
                    Some((ct, data)) => b.body(ct, data.to_vec()).build().ok(),
                    None => b.build().ok(),
                }
            });
        if let Some(notify) = notify {
            let out = Outgoing::new(
                Owner::SubscriptionNotify(id),
                notify,
                ContactSpec::None,
                None,
            );
            self.start_outgoing(now, out);
        }
    }

    /// The answer to a NOTIFY we sent: a subscriber that is gone (481,
    /// 408, no answer) ends the subscription (RFC 6665 §4.2.2).
    pub(crate) fn notify_outcome(&mut self, id: SubscriptionId, outcome: Outcome) {
        let gone = match &outcome.result {
            Ok(r) => matches!(r.status(), Some(408) | Some(481)),
            Err(_) => true,
        };
        if let Some(d) = self
            .subscriptions
            .map
            .get_mut(&id)
            .and_then(|s| s.dialog.as_mut())
        {
            d.note_cseq_sent(outcome.cseq);
        }
        if gone {
            self.end_subscription(id, "the subscriber is gone".into());
        }
    }

    /// A SUBSCRIBE inside a subscription's dialog: a refresh, or Expires 0.
    pub(crate) fn subscription_refresh(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        tx: TxId,
        request: &Message,
    ) {
        let asked = request.header::<Expires>().map_or(3600, |e| e.0);
        let Some(s) = self.subscriptions.map.get_mut(&id) else {
            return;
        };
        let granted = asked.min(s.expires.max(1));
        let ok = ResponseBuilder::for_request(request, 200, "OK")
            .header(&Expires(granted))
            .build();
        if let Ok(ok) = ok {
            let _ = self.layer.respond(now, tx, ok);
        }
        if asked == 0 {
            self.send_notify(now, id, SubState::Terminated, Some("timeout"), None);
            self.end_subscription(id, "unsubscribed".into());
            return;
        }
        if let Some(s) = self.subscriptions.map.get_mut(&id) {
            self.timers.stop(&mut s.timer);
            s.timer = Some(self.timers.arm(
                now + Duration::from_secs(u64::from(granted)),
                Timer::Subscription(id),
            ));
        }
    }
}
