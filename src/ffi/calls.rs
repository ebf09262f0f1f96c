//! Calls, from the first INVITE to the end: place (`invite`, with extra
//! header fields), answer (`progress`, `accept`, `reject`, `answer` for a
//! late offer) and end (`cancel`, `hangup`, `hangup_with_cause`). Changes
//! inside a call are in `in_call.rs`.
//!
//! SDP arguments are bytes, pointer + length; `(NULL, 0)` is "no SDP" where
//! the SDP is optional.

use super::boundary::{bytes, opt_bytes, out, put, text};
use super::endpoint::command;
use super::handle::sansip_endpoint;
use super::result::{sansip_result, Error};
use super::str::{header_list, sansip_header};
use crate::endpoint::Endpoint;
use crate::usage::session::{EndCause, InviteOptions, SessionId};

/// Calls `target` (a URI) with the SDP offer `sdp` (`(NULL, 0)`: no offer;
/// the callee offers and the answer goes in the ACK). Stores the call's
/// session id in `session_out`; progress comes as `SANSIP_EVENT_CALL_*`.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_invite(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    sdp: *const u8,
    sdp_len: usize,
    session_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller; no headers.
    unsafe {
        sansip_endpoint_invite_with_headers(
            endpoint,
            now_us,
            target,
            target_len,
            sdp,
            sdp_len,
            std::ptr::null(),
            0,
            session_out,
        )
    }
}

/// `sansip_endpoint_invite` with extra header fields on the INVITE:
/// `headers` is an array of `headers_len` `sansip_header` (`(NULL, 0)`:
/// none), read during the call only. A bad name or value fails the call
/// with `SANSIP_RESULT_BAD_TEXT` and nothing is sent.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_invite_with_headers(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    sdp: *const u8,
    sdp_len: usize,
    headers: *const sansip_header,
    headers_len: usize,
    session_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let session_out = out(session_out, "session_out")?;
        // SAFETY: the caller passes each buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        let options = InviteOptions {
            // SAFETY: as above.
            sdp: unsafe { opt_bytes(sdp, sdp_len, "the SDP")? },
            // SAFETY: as above, for the array and each of its items.
            extra_headers: unsafe { header_list(headers, headers_len)? },
        };
        let id = ep.invite(now, target, options)?;
        // SAFETY: session_out was checked non-NULL.
        unsafe { put(session_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Sends a provisional response (`status` 101–199: 180 Ringing, 183
/// Session Progress) to the incoming call `session`, with early-media
/// `sdp` (`(NULL, 0)`: none). `reliable` sends it reliably (RFC 3262:
/// resent until the caller's PRACK; the caller must support 100rel);
/// otherwise it is reliable only when the INVITE requires it.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_progress(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    status: u16,
    sdp: *const u8,
    sdp_len: usize,
    reliable: bool,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        if !(101..=199).contains(&status) {
            return Err(Error::new(
                sansip_result::InvalidArgument,
                format!("{status} is not a provisional status (101-199)"),
            ));
        }
        // SAFETY: the caller passes sdp valid for sdp_len bytes.
        let sdp = unsafe { opt_bytes(sdp, sdp_len, "the SDP")? };
        let id = SessionId(session);
        if reliable {
            ep.progress_reliable(now, id, status, sdp)?;
        } else {
            ep.progress(now, id, status, sdp)?;
        }
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Answers the incoming call `session` with 200 OK carrying `sdp` (the
/// answer, or an offer when the INVITE had none; `(NULL, 0)`: no body, or
/// one made from the configured media capabilities).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_accept(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    sdp: *const u8,
    sdp_len: usize,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        // SAFETY: the caller passes sdp valid for sdp_len bytes.
        let sdp = unsafe { opt_bytes(sdp, sdp_len, "the SDP")? };
        Ok(ep.accept(now, SessionId(session), sdp)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Rejects the incoming call `session`, not yet answered, with a final
/// `status` (300–699: 486 Busy Here, 603 Decline, ...) and `reason`, the
/// reason phrase (UTF-8, no line breaks; `(NULL, 0)`: empty).
/// `SANSIP_EVENT_CALL_ENDED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_reject(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    status: u16,
    reason: *const u8,
    reason_len: usize,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        // SAFETY: the caller passes reason valid for reason_len bytes.
        let reason = unsafe { text(reason, reason_len, "the reason phrase")? };
        Ok(ep.reject(now, SessionId(session), status, reason)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Answers the offer the peer made in a response to our INVITE without
/// one (`SANSIP_EVENT_ANSWER_NEEDED`): the PRACK or ACK that waited for it
/// goes out with `sdp` (required). An answer that does not fit the offer
/// is refused (`SANSIP_RESULT_BAD_SDP`) and the wait goes on.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_answer(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    sdp: *const u8,
    sdp_len: usize,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        // SAFETY: the caller passes sdp valid for sdp_len bytes.
        let sdp = unsafe { required_sdp(sdp, sdp_len)? };
        Ok(ep.answer(now, SessionId(session), sdp)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Cancels the outgoing call `session`, not yet answered (CANCEL, sent
/// once a provisional response arrived). `SANSIP_EVENT_CALL_ENDED`
/// follows — with the answer, if a 2xx crossed the CANCEL (the call is
/// then ended with BYE). For calls in any state, see `sansip_endpoint_hangup`.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_cancel(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.cancel(now, SessionId(session))?)
        })
    }
}

/// Ends the call `session` however far it got: CANCEL before an answer
/// (caller), 603 Decline for an incoming call not yet answered, BYE after.
/// `SANSIP_EVENT_CALL_ENDED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_hangup(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.hangup(now, SessionId(session))?)
        })
    }
}

/// `sansip_endpoint_hangup` with a Reason header (RFC 3326) on the BYE:
/// `protocol` (`SIP`, `Q.850`; UTF-8, a token), `cause` (the cause code;
/// negative: none), `cause_text` (`(NULL, 0)`: none). A CANCEL or a rejection
/// carries no Reason.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_hangup_with_cause(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    protocol: *const u8,
    protocol_len: usize,
    cause: i32,
    cause_text: *const u8,
    cause_text_len: usize,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        // SAFETY: the caller passes each buffer valid for its length.
        let protocol = unsafe { text(protocol, protocol_len, "the protocol")? };
        // SAFETY: as above.
        let reason_text = unsafe { text(cause_text, cause_text_len, "the cause text")? };
        let cause = match cause {
            c if c < 0 => None,
            c => Some(u16::try_from(c).map_err(|_| {
                Error::new(
                    sansip_result::InvalidArgument,
                    format!("the cause {c} is out of range (0-65535)"),
                )
            })?),
        };
        let cause = EndCause {
            protocol: protocol.to_owned(),
            cause,
            text: (!reason_text.is_empty()).then(|| reason_text.to_owned()),
        };
        Ok(ep.hangup_with_cause(now, SessionId(session), cause)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// The SDP of a command, required.
///
/// # Safety
/// A non-NULL `sdp` valid for `sdp_len` bytes.
pub(crate) unsafe fn required_sdp(sdp: *const u8, sdp_len: usize) -> Result<bytes::Bytes, Error> {
    // SAFETY: forwarded from the caller.
    let b = unsafe { bytes(sdp, sdp_len, "the SDP")? };
    if b.is_empty() {
        return Err(Error::new(
            sansip_result::InvalidArgument,
            "the SDP is required, and empty",
        ));
    }
    Ok(bytes::Bytes::copy_from_slice(b))
}
