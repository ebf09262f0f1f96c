//! `sansip_endpoint_*`: create and free an endpoint, pass it inputs, give
//! it commands.

use std::cell::{Cell, RefCell};

use bytes::Bytes;

use super::addr::{sansip_addr, transport_from_c};
use super::boundary::{bytes, guard, out, put, read, text};
use super::config::sansip_config;
use super::handle::{sansip_endpoint, with_endpoint, with_endpoint_ref, Clock};
use super::result::{sansip_result, Error};
use crate::endpoint::{Endpoint, Input, RegisterOptions};
use crate::transport::FlowId;
use crate::usage::session::{InviteOptions, SessionId};

/// Creates an endpoint from `config` (copied: free the config when
/// convenient). `now_us` is the host's monotonic clock in microseconds;
/// every later `now_us` counts from the same origin. On
/// `SANSIP_RESULT_BAD_CONFIG` (a bad AOR, no local address, ...) nothing
/// is created.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_new(
    config: *const sansip_config,
    now_us: u64,
    endpoint_out: *mut *mut sansip_endpoint,
) -> sansip_result {
    guard(|| {
        let endpoint_out = out(endpoint_out, "endpoint_out")?;
        // SAFETY: the caller passes a live config (or NULL).
        let config = unsafe { read(config, "the config")? }.config.clone();
        let clock = Clock::new(now_us);
        let endpoint = Endpoint::new(config, clock.instant(now_us))
            .map_err(|e| Error::new(sansip_result::BadConfig, e.to_string()))?;
        let ep = Box::new(sansip_endpoint {
            endpoint,
            clock,
            current: None,
            last_error: RefCell::new(String::new()),
            poisoned: Cell::new(false),
        });
        // SAFETY: endpoint_out was checked non-NULL; the caller passes it
        // valid for a write.
        unsafe { put(endpoint_out, Box::into_raw(ep)) };
        Ok(())
    })
}

/// Frees an endpoint and everything it handed out (NULL is allowed and
/// does nothing). Works on a poisoned endpoint too.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_free(endpoint: *mut sansip_endpoint) {
    let _ = guard(|| {
        if !endpoint.is_null() {
            // SAFETY: a non-NULL endpoint comes from Box::into_raw in
            // sansip_endpoint_new and is freed only once (caller's contract).
            drop(unsafe { Box::from_raw(endpoint) });
        }
        Ok(())
    });
}

/// Copies the detail text of the last error on this endpoint (UTF-8, not
/// NUL-terminated, empty if none) into `buf`, at most `len` bytes (a longer
/// text is cut), and stores the number of bytes copied in `written`.
/// `(NULL, 0)` copies nothing. Works on a poisoned endpoint too.
#[no_mangle]
pub unsafe extern "C" fn sansip_last_error_message(
    endpoint: *const sansip_endpoint,
    buf: *mut u8,
    len: usize,
    written: *mut usize,
) -> sansip_result {
    guard(|| {
        // SAFETY: the caller passes a live endpoint (or NULL).
        let ep = unsafe { read(endpoint, "the endpoint")? };
        let written = out(written, "written")?;
        if buf.is_null() && len != 0 {
            return Err(Error::null("buf"));
        }
        let last = ep.last_error.borrow();
        let n = last.len().min(len);
        if n > 0 {
            // SAFETY: buf is not NULL (n > 0 implies len > 0) and the caller
            // passes it valid for len >= n bytes; the source is our String,
            // which cannot overlap the caller's buffer.
            unsafe { std::ptr::copy_nonoverlapping(last.as_ptr(), buf, n) };
        }
        // SAFETY: written was checked non-NULL.
        unsafe { put(written, n) };
        Ok(())
    })
}

/// Bytes arrived: one datagram (UDP), one WebSocket message, or a chunk
/// of a stream (TCP, TLS). `transport` is a `sansip_transport`, `flow_id`
/// the host's id for the socket or connection (or the id of a
/// `SANSIP_OUTPUT_KIND_CONNECT`), `source` the peer, `destination` this side.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_receive(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    transport: u32,
    flow_id: u64,
    source: *const sansip_addr,
    destination: *const sansip_addr,
    data: *const u8,
    len: usize,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let transport = transport_from_c(transport)?;
        // SAFETY: the caller passes valid addresses (or NULL).
        let source = unsafe { read(source, "source")? }.to_rust("source")?;
        // SAFETY: as above.
        let destination = unsafe { read(destination, "destination")? };
        let destination = destination.to_rust("destination")?;
        // SAFETY: the caller passes data valid for len bytes.
        let data = Bytes::copy_from_slice(unsafe { bytes(data, len, "data")? });
        let now = ep.clock.instant(now_us);
        ep.endpoint.handle_input(
            now,
            Input::Receive {
                transport,
                flow: FlowId(flow_id),
                source,
                destination,
                data,
            },
        );
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// The deadline of the last `SANSIP_OUTPUT_KIND_TIMEOUT` passed (or any time:
/// early calls do nothing).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_handle_timeout(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let now = ep.clock.instant(now_us);
        ep.endpoint.handle_timeout(now);
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// The connection asked for by a `SANSIP_OUTPUT_KIND_CONNECT` with this flow id
/// is open.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_flow_connected(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    flow_id: u64,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let now = ep.clock.instant(now_us);
        let flow = FlowId(flow_id);
        ep.endpoint.handle_input(now, Input::Connected { flow });
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// A connection closed or could not be opened; `reason` (UTF-8, may be
/// `(NULL, 0)`) says why, for events and logs.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_flow_closed(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    flow_id: u64,
    reason: *const u8,
    reason_len: usize,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        // SAFETY: the caller passes reason valid for reason_len bytes.
        let reason = unsafe { text(reason, reason_len, "the reason")? };
        let error = (!reason.is_empty()).then(|| reason.to_owned());
        let now = ep.clock.instant(now_us);
        let flow = FlowId(flow_id);
        ep.endpoint
            .handle_input(now, Input::FlowClosed { flow, error });
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// Registers the AOR with `registrar` (a URI; `(NULL, 0)`: the AOR's
/// domain) for `expires` seconds (0: sansip's default, 600). Stores the
/// registration's id in `registration_out`; the outcome comes as
/// `SANSIP_EVENT_REGISTERED` or `SANSIP_EVENT_REGISTRATION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_register(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    registrar: *const u8,
    registrar_len: usize,
    expires: u32,
    registration_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let registration_out = out(registration_out, "registration_out")?;
        // SAFETY: the caller passes registrar valid for its length.
        let registrar = unsafe { text(registrar, registrar_len, "the registrar")? };
        let mut options = RegisterOptions::default();
        if !registrar.is_empty() {
            options.registrar = Some(registrar.to_owned());
        }
        if expires != 0 {
            options.expires = expires;
        }
        let id = ep.endpoint.register(ep.clock.instant(now_us), options)?;
        // SAFETY: registration_out was checked non-NULL.
        unsafe { put(registration_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// Sends a MESSAGE (RFC 3428) to `target` (a URI) with a body of type
/// `content_type` (`text/plain`, ...). Stores its id in `message_out`; the
/// outcome comes as `SANSIP_EVENT_MESSAGE_DELIVERED` or
/// `SANSIP_EVENT_MESSAGE_FAILED`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_message(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    content_type: *const u8,
    content_type_len: usize,
    body: *const u8,
    body_len: usize,
    message_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let message_out = out(message_out, "message_out")?;
        // SAFETY: the caller passes each buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        // SAFETY: as above.
        let ctype = unsafe { text(content_type, content_type_len, "the content type")? };
        // SAFETY: as above.
        let body = Bytes::copy_from_slice(unsafe { bytes(body, body_len, "the body")? });
        let now = ep.clock.instant(now_us);
        let id = ep.endpoint.message(now, target, ctype, body, &[])?;
        // SAFETY: message_out was checked non-NULL.
        unsafe { put(message_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

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
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let session_out = out(session_out, "session_out")?;
        // SAFETY: the caller passes each buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        // SAFETY: as above.
        let sdp = unsafe { bytes(sdp, sdp_len, "the SDP")? };
        let options = InviteOptions {
            sdp: (!sdp.is_empty()).then(|| Bytes::copy_from_slice(sdp)),
            extra_headers: Vec::new(),
        };
        let id = ep
            .endpoint
            .invite(ep.clock.instant(now_us), target, options)?;
        // SAFETY: session_out was checked non-NULL.
        unsafe { put(session_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// Answers the incoming call `session` with 200 OK carrying `sdp` (the
/// answer, or an offer when the INVITE had none; `(NULL, 0)`: no body).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_accept(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
    sdp: *const u8,
    sdp_len: usize,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        // SAFETY: the caller passes sdp valid for sdp_len bytes.
        let sdp = unsafe { bytes(sdp, sdp_len, "the SDP")? };
        let sdp = (!sdp.is_empty()).then(|| Bytes::copy_from_slice(sdp));
        let now = ep.clock.instant(now_us);
        ep.endpoint.accept(now, SessionId(session), sdp)?;
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// Ends the call `session`: CANCEL before an answer (caller), BYE after.
/// `SANSIP_EVENT_CALL_ENDED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_hangup(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    session: u64,
) -> sansip_result {
    let run = |ep: &mut sansip_endpoint| -> Result<(), Error> {
        let now = ep.clock.instant(now_us);
        ep.endpoint.hangup(now, SessionId(session))?;
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_endpoint(endpoint, run) }
}

/// Whether an earlier call panicked and left the endpoint poisoned (then
/// only `sansip_endpoint_free` and `sansip_last_error_message` are of use).
/// NULL is not poisoned.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_is_poisoned(endpoint: *const sansip_endpoint) -> bool {
    // SAFETY: the caller passes a live endpoint (or NULL).
    let r = unsafe { with_endpoint_ref(endpoint, |_| Ok(())) };
    r == sansip_result::Poisoned
}
