//! Session timers (RFC 4028): the INVITE asks for a session interval, the
//! 2xx says who refreshes; the refresher re-sends the session at half the
//! interval (UPDATE when the peer allows it, else re-INVITE with the same
//! SDP), the other side ends a session nobody refreshed (BYE before the
//! interval runs out); a 422 is retried with the larger Min-SE.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::session::{EndReason, SessionId, SessionState};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::Endpoint;
use crate::message::headers::{Allow, MinSe, Refresher, SessionExpires, Supported};
use crate::message::{Message, Method};

/// Session timer settings (RFC 4028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimerConfig {
    /// The session interval asked for, in seconds.
    pub expires: u32,
    /// The smallest interval accepted (at least 90, RFC 4028 §4).
    pub min_se: u32,
}

impl Default for SessionTimerConfig {
    fn default() -> Self {
        SessionTimerConfig {
            expires: 1800,
            min_se: 90,
        }
    }
}

/// The timer of one session.
#[derive(Debug)]
pub(crate) struct SessionTimer {
    pub(crate) interval: u32,
    pub(crate) we_refresh: bool,
    /// Our refresh is out and the session ends if it gets no 2xx.
    pub(crate) awaiting_refresh: bool,
    pub(crate) key: Option<TimerKey>,
}

/// What a message asks: its Session-Expires (interval, refresher).
pub(crate) fn session_expires(msg: &Message) -> Option<(u32, Option<Refresher>)> {
    let se = msg.header_opt::<SessionExpires>().ok()??;
    Some((se.delta, se.refresher()))
}

/// Whether a message's Allow lists UPDATE.
pub(crate) fn allows_update(msg: &Message) -> bool {
    msg.headers::<Allow>()
        .flatten()
        .any(|a| a.0 == Method::Update)
}

/// Whether a message lists `tag` in Supported.
pub(crate) fn supports(msg: &Message, tag: &str) -> bool {
    msg.headers::<Supported>().flatten().any(|s| s.is(tag))
}

/// The Min-SE of a 422.
pub(crate) fn min_se(msg: &Message) -> Option<u32> {
    msg.header_opt::<MinSe>().ok().flatten().map(|m| m.delta)
}

impl Endpoint {
    /// Arms the session timer of `id` from now.
    pub(crate) fn start_session_timer(
        &mut self,
        now: Instant,
        id: SessionId,
        interval: u32,
        we_refresh: bool,
    ) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if let Some(mut old) = s.session_timer.take() {
            self.timers.stop(&mut old.key);
        }
        let interval = interval.max(1);
        let at = now + timer_delay(interval, we_refresh);
        s.session_timer = Some(SessionTimer {
            interval,
            we_refresh,
            awaiting_refresh: false,
            key: Some(self.timers.arm(at, Timer::SessionRefresh(id))),
        });
    }

    /// The session was refreshed (a 2xx to our refresh, or the peer's
    /// re-INVITE or UPDATE): the interval starts again.
    pub(crate) fn session_refreshed(&mut self, now: Instant, id: SessionId) {
        let Some((interval, we_refresh)) = self
            .sessions
            .get(&id)
            .and_then(|s| s.session_timer.as_ref())
            .map(|t| (t.interval, t.we_refresh))
        else {
            return;
        };
        self.start_session_timer(now, id, interval, we_refresh);
    }

    pub(crate) fn session_timer_due(&mut self, now: Instant, id: SessionId) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let Some(t) = s.session_timer.as_mut() else {
            return;
        };
        t.key = None;
        if s.state != SessionState::Confirmed {
            return;
        }
        if !t.we_refresh || t.awaiting_refresh {
            // Nobody refreshed the session in time (§10).
            self.send_bye(now, id, EndReason::SessionExpired);
            return;
        }
        if s.mid.reinvite_pending.is_some() {
            // An offer in flight refreshes the session when it succeeds.
            return;
        }
        let update = s.peer_allows_update;
        s.mid.refreshing = true;
        t.awaiting_refresh = true;
        // Re-armed by the 2xx; if none comes, the session ends at expiry.
        let rest = timer_delay(t.interval, false).saturating_sub(timer_delay(t.interval, true));
        t.key = Some(self.timers.arm(now + rest, Timer::SessionRefresh(id)));
        if update {
            self.send_offer(now, id, Method::Update, Bytes::new());
        } else {
            // Our SDP offered again unchanged (same o= version), or no
            // offer at all in a call without SDP.
            let sdp = s
                .media
                .neg
                .reoffer()
                .map(|o| o.to_bytes())
                .unwrap_or_default();
            self.send_offer(now, id, Method::Invite, sdp);
        }
    }
}

/// When the timer fires: the refresher at half the interval; the other
/// side before the interval ends, by a third of it or 32 s (§10).
fn timer_delay(interval: u32, we_refresh: bool) -> Duration {
    let interval = Duration::from_secs(u64::from(interval));
    if we_refresh {
        interval / 2
    } else {
        interval - (interval / 3).min(Duration::from_secs(32))
    }
}
