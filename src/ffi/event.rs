//! `sansip_event_*`: the fields of the event the endpoint handed out last
//! (`SANSIP_OUTPUT_KIND_EVENT`). Accessors, not a struct, so events can
//! grow without breaking the ABI. Each returns `SANSIP_RESULT_NO_EVENT`
//! when the current output is not an event and `SANSIP_RESULT_NO_VALUE`
//! when this event has no such field; out-parameters are written only on
//! `SANSIP_RESULT_OK`. Text is UTF-8, not NUL-terminated; pointers stay
//! valid until the next `sansip_endpoint_poll_output` or free.
//!
//! This file has the helpers and the fields many events share (ids,
//! status, body, ...); `event_calls.rs` the fields of call events,
//! `event_usages.rs` those of registrations and subscriptions.

use super::boundary::{out, put};
use super::handle::{sansip_endpoint, with_ref, EndpointState};
use super::output::{event_kind, sansip_event, Current};
use super::result::{sansip_result, Error};
use crate::endpoint::{Event, Output};
use crate::usage::session::EndReason;

/// The current event and its precomputed text.
fn current(ep: &EndpointState) -> Result<(&Event, &Current), Error> {
    match &ep.current {
        Some(
            c @ Current {
                output: Output::Event(e),
                ..
            },
        ) => Ok((e, c)),
        _ => Err(Error::new(
            sansip_result::NoEvent,
            "the current output is not an event",
        )),
    }
}

fn no_value(what: &str) -> Error {
    Error::new(sansip_result::NoValue, format!("this event has no {what}"))
}

/// Reads one value of the current event into `value_out`.
///
/// # Safety
/// `endpoint` as every call; a non-NULL `value_out` valid for a write.
pub(crate) unsafe fn value<T>(
    endpoint: *const sansip_endpoint,
    value_out: *mut T,
    what: &str,
    f: impl FnOnce(&Event, &Current) -> Option<T>,
) -> sansip_result {
    let run = |ep: &EndpointState| -> Result<(), Error> {
        let value_out = out(value_out, what)?;
        let (e, c) = current(ep)?;
        let v = f(e, c).ok_or_else(|| no_value(what))?;
        // SAFETY: value_out was checked non-NULL.
        unsafe { put(value_out, v) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_ref(endpoint, run) }
}

/// Reads one byte string of the current event into `(ptr_out, len_out)`.
///
/// # Safety
/// `endpoint` as every call; non-NULL out-pointers valid for a write.
pub(crate) unsafe fn slice(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
    what: &str,
    f: impl FnOnce(&Event, &Current) -> Option<*const [u8]>,
) -> sansip_result {
    let run = |ep: &EndpointState| -> Result<(), Error> {
        let ptr_out = out(ptr_out, "ptr_out")?;
        let len_out = out(len_out, "len_out")?;
        let (e, c) = current(ep)?;
        let s = f(e, c).ok_or_else(|| no_value(what))?;
        // SAFETY: both were checked non-NULL; `s` points into the
        // endpoint's current output, which outlives this call.
        unsafe {
            put(ptr_out, s as *const u8);
            put(len_out, s.len());
        }
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_ref(endpoint, run) }
}

/// The kind of the current event.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_kind(
    endpoint: *const sansip_endpoint,
    kind_out: *mut sansip_event,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe { value(endpoint, kind_out, "kind", |e, _| Some(event_kind(e))) }
}

/// The call the event is about (call, DTMF and transfer events).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_session(
    endpoint: *const sansip_endpoint,
    session_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, session_out, "session", |e, _| match e {
            Event::IncomingCall { session, .. }
            | Event::CallProgress { session, .. }
            | Event::CallAccepted { session, .. }
            | Event::CallUpdated { session, .. }
            | Event::CallUpdateFailed { session, .. }
            | Event::CallEnded { session, .. }
            | Event::AnswerNeeded { session, .. }
            | Event::Dtmf { session, .. }
            | Event::TransferRequested { session, .. }
            | Event::TransferProgress { session, .. } => Some(session.0),
            _ => None,
        })
    }
}

/// The registration the event is about (registration events).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_registration(
    endpoint: *const sansip_endpoint,
    registration_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, registration_out, "registration", |e, _| match e {
            Event::Registered { id, .. }
            | Event::Unregistered { id }
            | Event::RegistrationFailed { id, .. }
            | Event::Reconnecting { id, .. } => Some(id.0),
            _ => None,
        })
    }
}

/// The MESSAGE (from `sansip_endpoint_message`) the event is about.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_message_id(
    endpoint: *const sansip_endpoint,
    message_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, message_out, "message id", |e, _| match e {
            Event::MessageDelivered { id, .. } | Event::MessageFailed { id, .. } => Some(id.0),
            _ => None,
        })
    }
}

/// The subscription the event is about (ours or a peer's).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_subscription(
    endpoint: *const sansip_endpoint,
    subscription_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, subscription_out, "subscription", |e, _| match e {
            Event::SubscriptionRequested { subscription, .. }
            | Event::Notification { subscription, .. }
            | Event::SubscriptionForked { subscription, .. }
            | Event::SubscriptionEnded { subscription, .. } => Some(subscription.0),
            _ => None,
        })
    }
}

/// The publication (from `sansip_endpoint_publish`) the event is about.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_publication(
    endpoint: *const sansip_endpoint,
    publication_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, publication_out, "publication", |e, _| match e {
            Event::Published { publication, .. }
            | Event::Unpublished { publication }
            | Event::PublicationFailed { publication, .. } => Some(publication.0),
            _ => None,
        })
    }
}

/// The SIP status the event reports (`SANSIP_RESULT_NO_VALUE` for a
/// failure that was not a response).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_status(
    endpoint: *const sansip_endpoint,
    status_out: *mut u16,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, status_out, "status", |e, _| match e {
            Event::RegistrationFailed { status, .. } | Event::PublicationFailed { status, .. } => {
                *status
            }
            Event::MessageDelivered { status, .. }
            | Event::CallProgress { status, .. }
            | Event::CallUpdateFailed { status, .. }
            | Event::TransferProgress { status, .. } => Some(*status),
            Event::MessageFailed { failure, .. } => failure.status(),
            Event::CallEnded { reason, .. } => match reason {
                EndReason::Rejected { status, .. } | EndReason::Declined { status } => {
                    Some(*status)
                }
                EndReason::Failed(f) => f.status(),
                _ => None,
            },
            _ => None,
        })
    }
}

/// Seconds: granted by the registrar (`SANSIP_EVENT_REGISTERED`) or
/// the PUBLISH's server (`SANSIP_EVENT_PUBLISHED`), asked for by a
/// subscriber (`SANSIP_EVENT_SUBSCRIPTION_REQUESTED`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_expires(
    endpoint: *const sansip_endpoint,
    expires_out: *mut u32,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, expires_out, "expires", |e, _| match e {
            Event::Registered { expires, .. }
            | Event::Published { expires, .. }
            | Event::SubscriptionRequested { expires, .. } => Some(*expires),
            _ => None,
        })
    }
}

/// The body: a MESSAGE's or NOTIFY's content, the SDP of a call event
/// (when the message carried one), the offer to answer
/// (`SANSIP_EVENT_ANSWER_NEEDED`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_body(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "body", |e, _| match e {
            Event::Message { body, .. } | Event::AnswerNeeded { offer: body, .. } => {
                Some(&body[..] as *const [u8])
            }
            Event::Notification { body, .. } => body.as_deref().map(|b| b as *const [u8]),
            Event::IncomingCall { sdp_offer: sdp, .. }
            | Event::CallProgress { sdp, .. }
            | Event::CallAccepted { sdp, .. }
            | Event::CallUpdated { sdp, .. } => sdp.as_deref().map(|b| b as *const [u8]),
            _ => None,
        })
    }
}

/// The body's type: a MESSAGE's or NOTIFY's Content-Type,
/// `application/sdp` for a call event with SDP.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_content_type(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    const SDP: &[u8] = b"application/sdp";
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "content type", |e, _| match e {
            Event::Message { content_type, .. } => Some(content_type.as_bytes() as *const [u8]),
            Event::Notification { content_type, .. } => {
                content_type.as_deref().map(|t| t.as_bytes() as *const [u8])
            }
            Event::AnswerNeeded { .. } => Some(SDP as *const [u8]),
            Event::IncomingCall { sdp_offer: sdp, .. }
            | Event::CallProgress { sdp, .. }
            | Event::CallAccepted { sdp, .. }
            | Event::CallUpdated { sdp, .. } => sdp.as_ref().map(|_| SDP as *const [u8]),
            _ => None,
        })
    }
}

/// The sender (From URI) of a MESSAGE, an incoming call or a
/// subscription request.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_from(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "from", |e, _| match e {
            Event::Message { from, .. }
            | Event::IncomingCall { from, .. }
            | Event::SubscriptionRequested { from, .. } => Some(from.as_bytes() as *const [u8]),
            _ => None,
        })
    }
}

/// The recipient (To URI) of a MESSAGE or an incoming call.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_to(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "to", |e, _| match e {
            Event::Message { to, .. } | Event::IncomingCall { to, .. } => {
                Some(to.as_bytes() as *const [u8])
            }
            _ => None,
        })
    }
}

/// Why, in words: of a failure, a reconnection, the end of a call or of a
/// subscription.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_reason(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "reason", |_, c| {
            c.reason.as_deref().map(|r| r.as_bytes() as *const [u8])
        })
    }
}

/// Reads item `index` of a list of texts of the current event into
/// `(ptr_out, len_out)`; `SANSIP_RESULT_NO_VALUE` past its end.
///
/// # Safety
/// As [`slice`].
pub(crate) unsafe fn item(
    endpoint: *const sansip_endpoint,
    index: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
    what: &str,
    list: impl FnOnce(&Event) -> Option<&[String]>,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, what, |e, _| {
            list(e)?.get(index).map(|s| s.as_bytes() as *const [u8])
        })
    }
}
