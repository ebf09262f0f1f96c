//! Inside an established call: hold and resume, new SDP (re-INVITE,
//! UPDATE), DTMF, and transfers (REFER, both roles).

use super::boundary::{out, put, text};
use super::calls::required_sdp;
use super::endpoint::command;
use super::handle::sansip_endpoint;
use super::result::sansip_result;
use crate::usage::session::SessionId;

/// Puts the call `session` on hold: a re-INVITE with our current SDP made
/// sendonly (inactive where we only received), RFC 3264 §8.4.
/// `SANSIP_EVENT_CALL_UPDATED` or `SANSIP_EVENT_CALL_UPDATE_FAILED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_hold(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.hold(now, SessionId(session))?)
        })
    }
}

/// Takes the call `session` off hold: every stream back to sendrecv.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_resume(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.resume(now, SessionId(session))?)
        })
    }
}

/// Sends a re-INVITE offering `sdp` (required; its `o=` version is set to
/// the call's next). `SANSIP_EVENT_CALL_UPDATED` follows; if the peer
/// refuses, `SANSIP_EVENT_CALL_UPDATE_FAILED` and the previous media stay.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_renegotiate(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    sdp: *const u8,
    sdp_len: usize,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        // SAFETY: the caller passes sdp valid for sdp_len bytes.
        let sdp = unsafe { required_sdp(sdp, sdp_len)? };
        Ok(ep.renegotiate(now, SessionId(session), sdp)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Sends an UPDATE (RFC 3311) offering `sdp` (required): in an
/// established call like `sansip_endpoint_renegotiate` without the
/// three-way handshake, or in an early dialog once the first offer was
/// answered.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_update(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    sdp: *const u8,
    sdp_len: usize,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        // SAFETY: the caller passes sdp valid for sdp_len bytes.
        let sdp = unsafe { required_sdp(sdp, sdp_len)? };
        Ok(ep.update(now, SessionId(session), sdp)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Sends the DTMF `digits` (`0`–`9`, `*`, `#`, `A`–`D`; ASCII) by INFO
/// (`application/dtmf-relay`), one INFO per digit, each `duration_ms`
/// long.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_send_dtmf(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    digits: *const u8,
    digits_len: usize,
    duration_ms: u32,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        // SAFETY: the caller passes digits valid for digits_len bytes.
        let digits = unsafe { text(digits, digits_len, "the DTMF digits")? };
        Ok(ep.send_dtmf(now, SessionId(session), digits, duration_ms)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Blind transfer: asks the peer of call `session` to call `target` (a
/// URI) instead. `SANSIP_EVENT_TRANSFER_PROGRESS` reports the new call's
/// status as the transferee tells it (202 first, then 100, 180, 200 or a
/// failure); hang up once it is final.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_refer(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    target: *const u8,
    target_len: usize,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        // SAFETY: the caller passes target valid for target_len bytes.
        let target = unsafe { text(target, target_len, "the transfer target")? };
        Ok(ep.refer(now, SessionId(session), target)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Attended transfer (RFC 5589 §7): asks the peer of call `session` to
/// call the peer of call `other` with a Replaces (RFC 3891) naming
/// `other`'s dialog, so the new call takes its place.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_refer_with_replaces(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    other: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.refer_with_replaces(now, SessionId(session), SessionId(other))?)
        })
    }
}

/// Accepts the transfer asked in call `session`
/// (`SANSIP_EVENT_TRANSFER_REQUESTED`): 202 to the REFER, and a new call
/// to the target, whose session id is stored in `new_session_out` and
/// whose progress the referrer hears by NOTIFY.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_accept_transfer(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    new_session_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        let new_session_out = out(new_session_out, "new_session_out")?;
        let id = ep.accept_transfer(now, SessionId(session))?;
        // SAFETY: new_session_out was checked non-NULL.
        unsafe { put(new_session_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Refuses the transfer asked in call `session` (603 Decline).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_reject_transfer(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.reject_transfer(now, SessionId(session))?)
        })
    }
}
