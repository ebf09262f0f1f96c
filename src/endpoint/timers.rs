//! The Endpoint's own timers (registration refresh and retry, keep-alives),
//! beside the transaction layer's: one ordered map, O(log n) per operation.

use std::collections::BTreeMap;
use std::time::Instant;

use super::RegistrationId;
use crate::transport::FlowId;

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// Refresh a registration before it expires.
    Refresh(RegistrationId),
    /// Try a failed registration again.
    Retry(RegistrationId),
    /// Send a keep-alive on a flow (RFC 5626 §4.4).
    Ping(FlowId),
    /// The keep-alive's answer is late: the flow failed.
    PongMissing(FlowId),
    /// Send a STUN keep-alive for a UDP registration (RFC 5626 §4.4.2).
    StunPing(RegistrationId),
    /// Its answer is late.
    StunMissing(RegistrationId),
    /// The host has not opened a connection it was asked for.
    ConnectTimeout(FlowId),
    /// Resend our 2xx to an INVITE (or give up on its ACK).
    OkRetransmit(crate::usage::session::SessionId),
    /// Refresh a session, or end one nobody refreshed (RFC 4028).
    SessionRefresh(crate::usage::session::SessionId),
    /// Resend a reliable provisional response (RFC 3262).
    ReliableProvisional(crate::usage::session::SessionId),
    /// The application did not decide on a REFER in time.
    ReferDecision(crate::usage::session::SessionId),
    /// Refresh our subscription, or expire a peer's.
    Subscription(crate::usage::subscription::SubscriptionId),
    /// Refresh a publication.
    Publication(crate::usage::publication::PublicationId),
    /// Retry a re-INVITE after a 491 (RFC 3261 §14.1).
    GlareRetry(crate::usage::session::SessionId),
    /// An incoming call nobody answered in time.
    Unanswered(crate::usage::session::SessionId),
}

/// A handle to stop an armed timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey(Instant, u64);

impl TimerKey {
    /// When the timer fires.
    pub(crate) fn at(self) -> Instant {
        self.0
    }
}

#[derive(Debug, Default)]
pub(crate) struct Timers {
    armed: BTreeMap<TimerKey, Timer>,
    seq: u64,
}

impl Timers {
    pub(crate) fn arm(&mut self, at: Instant, timer: Timer) -> TimerKey {
        self.seq += 1;
        let key = TimerKey(at, self.seq);
        self.armed.insert(key, timer);
        key
    }

    /// Stops the timer in `slot`, if any, and empties the slot.
    pub(crate) fn stop(&mut self, slot: &mut Option<TimerKey>) {
        if let Some(key) = slot.take() {
            self.armed.remove(&key);
        }
    }

    pub(crate) fn earliest(&self) -> Option<Instant> {
        self.armed.keys().next().map(|k| k.0)
    }

    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(TimerKey, Timer)> {
        let (&key, _) = self.armed.iter().next()?;
        if key.0 > now {
            return None;
        }
        self.armed.remove(&key).map(|t| (key, t))
    }

    pub(crate) fn len(&self) -> usize {
        self.armed.len()
    }
}
