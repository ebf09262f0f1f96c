//! Subscriptions (RFC 6665), both roles: subscribe and unsubscribe; accept,
//! refuse and notify a peer's subscription.

use bytes::Bytes;

use super::boundary::{bytes, choice, out, put, text};
use super::endpoint::command;
use super::handle::sansip_endpoint;
use super::result::{sansip_result, Error};
use crate::endpoint::Endpoint;
use crate::usage::subscription::{SubState, SubscriptionId};

/// The state of a subscription: what `sansip_endpoint_notify` sends and
/// `sansip_event_subscription_state` reports (RFC 6665 §4.1.3).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_subscription_state {
    /// Authorized and running.
    Active = 0,
    /// Waiting for authorization.
    Pending = 1,
    /// Over.
    Terminated = 2,
}

pub(crate) fn state_to_c(s: SubState) -> sansip_subscription_state {
    match s {
        SubState::Active => sansip_subscription_state::Active,
        SubState::Pending => sansip_subscription_state::Pending,
        SubState::Terminated => sansip_subscription_state::Terminated,
    }
}

/// Subscribes to `event` (`presence`, `dialog`, ...) of `target` (a URI),
/// accepting bodies of `accept` (`application/pidf+xml`, ...), for
/// `expires` seconds, refreshed until `sansip_endpoint_unsubscribe`.
/// Stores the subscription's id in `subscription_out`;
/// `SANSIP_EVENT_NOTIFICATION`s follow, and `SANSIP_EVENT_SUBSCRIPTION_ENDED`
/// last.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_subscribe(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    event: *const u8,
    event_len: usize,
    accept: *const u8,
    accept_len: usize,
    expires: u32,
    subscription_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let subscription_out = out(subscription_out, "subscription_out")?;
        // SAFETY: the caller passes each buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        // SAFETY: as above.
        let event = unsafe { text(event, event_len, "the event package")? };
        // SAFETY: as above.
        let accept = unsafe { text(accept, accept_len, "the accepted type")? };
        let id = ep.subscribe(now, target, event, accept, expires)?;
        // SAFETY: subscription_out was checked non-NULL.
        unsafe { put(subscription_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Ends our subscription (SUBSCRIBE with Expires 0); the notifier's final
/// NOTIFY, or the answer, ends it with `SANSIP_EVENT_SUBSCRIPTION_ENDED`.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_unsubscribe(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    subscription: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.unsubscribe(now, SubscriptionId(subscription))?)
        })
    }
}

/// Accepts a peer's SUBSCRIBE (`SANSIP_EVENT_SUBSCRIPTION_REQUESTED`): 200
/// with the granted Expires (at most `max_expires` seconds), then a first
/// NOTIFY (`pending` until `sansip_endpoint_notify` sends a state).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_accept_subscription(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    subscription: u64,
    max_expires: u32,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.accept_subscription(now, SubscriptionId(subscription), max_expires)?)
        })
    }
}

/// Refuses a peer's SUBSCRIBE with `status` (300–699: 403, 489, ...).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_reject_subscription(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    subscription: u64,
    status: u16,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        // Checked here: the core takes the SUBSCRIBE before it checks.
        if !(300..=699).contains(&status) {
            return Err(Error::new(
                sansip_result::InvalidArgument,
                format!("{status} is not a refusal status (300-699)"),
            ));
        }
        Ok(ep.reject_subscription(now, SubscriptionId(subscription), status)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Sends the subscriber of an accepted subscription the current state:
/// `state` (a `sansip_subscription_state`; `TERMINATED` ends the
/// subscription) and `body` of `content_type` (required, e.g.
/// `application/pidf+xml`; the body may be `(NULL, 0)`).
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_notify(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    subscription: u64,
    state: u32,
    content_type: *const u8,
    content_type_len: usize,
    body: *const u8,
    body_len: usize,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let state = choice(
            state,
            [SubState::Active, SubState::Pending, SubState::Terminated],
            "sansip_subscription_state",
        )?;
        // SAFETY: the caller passes each buffer valid for its length.
        let ctype = unsafe { text(content_type, content_type_len, "the content type")? };
        if ctype.is_empty() {
            return Err(Error::new(
                sansip_result::BadText,
                "a NOTIFY needs a content type",
            ));
        }
        // SAFETY: as above.
        let body = Bytes::copy_from_slice(unsafe { bytes(body, body_len, "the body")? });
        Ok(ep.notify(now, SubscriptionId(subscription), state, ctype, body)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}
