//! `sansip_event_*` for the fields of call events: forks, how a call
//! ended and its Reason header, DTMF, transfers, Replaces, contacts.
//! Same rules as `event.rs`.

use super::event::{item, slice, value};
use super::handle::sansip_endpoint;
use super::result::sansip_result;
use crate::endpoint::{Event, Failure};
use crate::usage::session::EndReason;

/// Why a call ended (`sansip_event_end_reason`, `SANSIP_EVENT_CALL_ENDED`).
/// New values are appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_end_reason {
    /// We hung up (BYE sent).
    LocalHangup = 0,
    /// The peer hung up (BYE received).
    RemoteHangup = 1,
    /// We cancelled the call before it was answered.
    Cancelled = 2,
    /// The caller cancelled before we answered.
    CancelledByCaller = 3,
    /// The caller's CANCEL said another device answered: not a missed call.
    AnsweredElsewhere = 4,
    /// The callee answered with a final non-2xx status (`status`).
    Rejected = 5,
    /// The callee redirected the call (3xx) to the `contact` list.
    Redirected = 6,
    /// We rejected the incoming call (`status`).
    Declined = 7,
    /// Our 2xx was never acknowledged: BYE was sent.
    NoAck = 8,
    /// Nobody refreshed the session in time (RFC 4028): BYE was sent.
    SessionExpired = 9,
    /// Another call replaced this one (RFC 3891): BYE was sent.
    Replaced = 10,
    /// The offer/answer exchange of the INVITE failed (`reason`): BYE sent.
    OfferAnswerFailed = 11,
    /// The call failed without an answer (`failure`).
    Failed = 12,
}

/// Why a request got no positive answer (`sansip_event_failure`).
/// New values are appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_failure {
    /// A final non-2xx response (`status`).
    Status = 0,
    /// No final response in time.
    Timeout = 1,
    /// The transport failed (connection refused or closed, ICMP error).
    Transport = 2,
    /// The next hop's name did not resolve.
    Unresolvable = 3,
    /// The request could not be built or sent (a limit, a bad target).
    Local = 4,
}

fn end_reason(r: &EndReason) -> sansip_end_reason {
    match r {
        EndReason::LocalHangup => sansip_end_reason::LocalHangup,
        EndReason::RemoteHangup => sansip_end_reason::RemoteHangup,
        EndReason::Cancelled => sansip_end_reason::Cancelled,
        EndReason::CancelledByCaller => sansip_end_reason::CancelledByCaller,
        EndReason::AnsweredElsewhere => sansip_end_reason::AnsweredElsewhere,
        EndReason::Rejected { .. } => sansip_end_reason::Rejected,
        EndReason::Redirected { .. } => sansip_end_reason::Redirected,
        EndReason::Declined { .. } => sansip_end_reason::Declined,
        EndReason::NoAck => sansip_end_reason::NoAck,
        EndReason::SessionExpired => sansip_end_reason::SessionExpired,
        EndReason::Replaced => sansip_end_reason::Replaced,
        EndReason::OfferAnswerFailed { .. } => sansip_end_reason::OfferAnswerFailed,
        EndReason::Failed(_) => sansip_end_reason::Failed,
    }
}

fn failure(f: &Failure) -> sansip_failure {
    match f {
        Failure::Status { .. } => sansip_failure::Status,
        Failure::Timeout => sansip_failure::Timeout,
        Failure::Transport => sansip_failure::Transport,
        Failure::Unresolvable(_) => sansip_failure::Unresolvable,
        Failure::Local(_) => sansip_failure::Local,
    }
}

/// Which fork answered (`SANSIP_EVENT_CALL_PROGRESS`,
/// `SANSIP_EVENT_CALL_ACCEPTED`): 1 for the first To tag seen, 2 for the
/// second, ...; 0 for a response without a To tag, and for the callee.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_fork(
    endpoint: *const sansip_endpoint,
    fork_out: *mut u32,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, fork_out, "fork", |e, _| match e {
            Event::CallProgress { fork, .. } | Event::CallAccepted { fork, .. } => Some(*fork),
            _ => None,
        })
    }
}

/// Why the call ended (`SANSIP_EVENT_CALL_ENDED`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_end_reason(
    endpoint: *const sansip_endpoint,
    reason_out: *mut sansip_end_reason,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, reason_out, "end reason", |e, _| match e {
            Event::CallEnded { reason, .. } => Some(end_reason(reason)),
            _ => None,
        })
    }
}

/// What kind of failure (`SANSIP_EVENT_MESSAGE_FAILED`, and
/// `SANSIP_EVENT_CALL_ENDED` with `SANSIP_END_REASON_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_failure(
    endpoint: *const sansip_endpoint,
    failure_out: *mut sansip_failure,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, failure_out, "failure", |e, _| match e {
            Event::MessageFailed { failure: f, .. }
            | Event::CallEnded {
                reason: EndReason::Failed(f),
                ..
            } => Some(failure(f)),
            _ => None,
        })
    }
}

/// The protocol of the Reason header (RFC 3326) that ended the call
/// (`SIP`, `Q.850`; `SANSIP_EVENT_CALL_ENDED`, when there was one).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_cause_protocol(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "cause", |e, _| match e {
            Event::CallEnded { cause: Some(c), .. } => Some(c.protocol.as_bytes() as *const [u8]),
            _ => None,
        })
    }
}

/// The cause code of that Reason header (a SIP status or a Q.850 cause),
/// when it had one.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_cause_code(
    endpoint: *const sansip_endpoint,
    code_out: *mut u16,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, code_out, "cause code", |e, _| match e {
            Event::CallEnded { cause: Some(c), .. } => c.cause,
            _ => None,
        })
    }
}

/// The text of that Reason header, when it had one.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_cause_text(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "cause text", |e, _| match e {
            Event::CallEnded { cause: Some(c), .. } => {
                c.text.as_deref().map(|t| t.as_bytes() as *const [u8])
            }
            _ => None,
        })
    }
}

/// The DTMF digit (`SANSIP_EVENT_DTMF`), as a Unicode code point: `0`–`9`,
/// `*`, `#`, `A`–`D`.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_digit(
    endpoint: *const sansip_endpoint,
    digit_out: *mut u32,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, digit_out, "digit", |e, _| match e {
            Event::Dtmf { digit, .. } => Some(u32::from(*digit)),
            _ => None,
        })
    }
}

/// The DTMF digit's duration in milliseconds (0 when not given).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_duration_ms(
    endpoint: *const sansip_endpoint,
    duration_out: *mut u32,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, duration_out, "duration", |e, _| match e {
            Event::Dtmf { duration_ms, .. } => Some(*duration_ms),
            _ => None,
        })
    }
}

/// Who to call (`SANSIP_EVENT_TRANSFER_REQUESTED`): the Refer-To URI.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_target(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "target", |e, _| match e {
            Event::TransferRequested { target, .. } => Some(target.as_bytes() as *const [u8]),
            _ => None,
        })
    }
}

/// Who asked for the transfer (Referred-By), if said.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_referred_by(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "referred-by", |e, _| match e {
            Event::TransferRequested { referred_by, .. } => {
                referred_by.as_deref().map(|r| r.as_bytes() as *const [u8])
            }
            _ => None,
        })
    }
}

/// The Replaces header value (RFC 3891) of an incoming call, if any: the
/// call replaces one of ours once it is up.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_replaces(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "replaces", |e, _| match e {
            Event::IncomingCall { replaces, .. } => {
                replaces.as_deref().map(|r| r.as_bytes() as *const [u8])
            }
            _ => None,
        })
    }
}

fn contacts(e: &Event) -> Option<&[String]> {
    match e {
        Event::Registered { contacts, .. }
        | Event::CallEnded {
            reason: EndReason::Redirected { contacts },
            ..
        } => Some(contacts),
        _ => None,
    }
}

/// How many contacts the event lists: every contact the registrar holds
/// for the AOR (`SANSIP_EVENT_REGISTERED`), or the targets of a
/// redirection (`SANSIP_EVENT_CALL_ENDED` with `SANSIP_END_REASON_REDIRECTED`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_contact_count(
    endpoint: *const sansip_endpoint,
    count_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, count_out, "contacts", |e, _| {
            contacts(e).map(<[_]>::len)
        })
    }
}

/// Contact number `index` (from 0) of that list.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_contact(
    endpoint: *const sansip_endpoint,
    index: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe { item(endpoint, index, ptr_out, len_out, "contact", contacts) }
}
