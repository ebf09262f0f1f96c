//! `sansip_endpoint_*`: create and free an endpoint, read its last error,
//! and pass it inputs (bytes, timeouts, connection news). Commands are in
//! `requests.rs`, `calls.rs`, `in_call.rs` and `subscriptions.rs`, DNS
//! answers in `dns.rs`.

use std::time::Instant;

use bytes::Bytes;

use super::addr::{sansip_addr, transport_from_c};
use super::boundary::{bytes, out, put, read, text};
use super::config::ConfigState;
use super::handle::{
    free, into_raw, is_poisoned, last_error, sansip_config, sansip_endpoint, with_mut, with_ref,
    Clock, EndpointState,
};
use super::result::{sansip_result, Error};
use crate::endpoint::{Endpoint, Input};
use crate::transport::FlowId;

/// Runs a command on the endpoint behind `endpoint` at host time `now_us`
/// (see `handle::with_mut`).
///
/// # Safety
/// A non-NULL `endpoint` must come from `sansip_endpoint_new` (freed or
/// not) and not be in use by another thread.
pub(crate) unsafe fn command(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    f: impl FnOnce(&mut Endpoint, Instant) -> Result<(), Error>,
) -> sansip_result {
    let run = |ep: &mut EndpointState| {
        let now = ep.clock.instant(now_us);
        f(&mut ep.endpoint, now)
    };
    // SAFETY: forwarded from the caller.
    unsafe { with_mut(endpoint, run) }
}

/// Creates an endpoint from `config` (copied: free the config when
/// convenient). `now_us` is the host's monotonic clock in microseconds;
/// every later `now_us` counts from the same origin. On
/// `SANSIP_RESULT_BAD_CONFIG` (a bad AOR, no local address, ...) nothing
/// is created and `sansip_config_last_error_message` says why.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_new(
    config: *const sansip_config,
    now_us: u64,
    endpoint_out: *mut *mut sansip_endpoint,
) -> sansip_result {
    let run = |c: &ConfigState| {
        let endpoint_out = out(endpoint_out, "endpoint_out")?;
        let bad = |why: String| Error::new(sansip_result::BadConfig, why);
        super::config_media::check(&c.config).map_err(bad)?;
        let clock = Clock::new(now_us);
        let endpoint = Endpoint::new(c.config.clone(), clock.instant(now_us))
            .map_err(|e| bad(e.to_string()))?;
        let ep = into_raw::<sansip_endpoint>(EndpointState {
            endpoint,
            clock,
            current: None,
            scratch: Bytes::new(),
        });
        // SAFETY: endpoint_out was checked non-NULL; the caller passes it
        // valid for a write.
        unsafe { put(endpoint_out, ep) };
        Ok(())
    };
    // SAFETY: the caller passes a config from sansip_config_new (or NULL).
    unsafe { with_ref(config, run) }
}

/// Frees an endpoint and everything it handed out. Works on a poisoned
/// endpoint too. NULL is allowed and does nothing.
///
/// Stale handles: a freed endpoint keeps a small header (64 bytes,
/// never deallocated; the endpoint itself is freed), marked freed, so
/// that a second `sansip_endpoint_free` does nothing and any other call
/// with the freed pointer returns `SANSIP_RESULT_STALE_HANDLE` instead of
/// touching freed memory. The same holds for `sansip_config`. A pointer
/// that never came from a `_new` cannot be checked.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_free(endpoint: *mut sansip_endpoint) {
    // SAFETY: the caller passes an endpoint from sansip_endpoint_new (or NULL).
    unsafe { free(endpoint) }
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
    // SAFETY: forwarded from the caller.
    unsafe { last_error(endpoint, buf, len, written) }
}

/// Whether an earlier call panicked and left the endpoint poisoned (then
/// only `sansip_endpoint_free` and `sansip_last_error_message` are of use).
/// NULL and a freed endpoint are not poisoned.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_is_poisoned(endpoint: *const sansip_endpoint) -> bool {
    // SAFETY: the caller passes an endpoint from sansip_endpoint_new (or NULL).
    unsafe { is_poisoned(endpoint) }
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
    let run = |ep: &mut Endpoint, now| {
        let transport = transport_from_c(transport)?;
        // SAFETY: the caller passes valid addresses (or NULL).
        let source = unsafe { read(source, "source")? }.to_rust("source")?;
        // SAFETY: as above.
        let destination = unsafe { read(destination, "destination")? };
        let destination = destination.to_rust("destination")?;
        // SAFETY: the caller passes data valid for len bytes.
        let data = Bytes::copy_from_slice(unsafe { bytes(data, len, "data")? });
        ep.handle_input(
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
    unsafe { command(endpoint, now_us, run) }
}

/// The deadline of the last `SANSIP_OUTPUT_KIND_TIMEOUT` passed (or any time:
/// early calls do nothing).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_handle_timeout(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            ep.handle_timeout(now);
            Ok(())
        })
    }
}

/// The connection asked for by a `SANSIP_OUTPUT_KIND_CONNECT` with this flow id
/// is open.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_flow_connected(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    flow_id: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            let flow = FlowId(flow_id);
            ep.handle_input(now, Input::Connected { flow });
            Ok(())
        })
    }
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
    let run = |ep: &mut Endpoint, now| {
        // SAFETY: the caller passes reason valid for reason_len bytes.
        let reason = unsafe { text(reason, reason_len, "the reason")? };
        let error = (!reason.is_empty()).then(|| reason.to_owned());
        let flow = FlowId(flow_id);
        ep.handle_input(now, Input::FlowClosed { flow, error });
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::{
        sansip_endpoint_invite, sansip_endpoint_poll_output, sansip_event_kind, sansip_output,
    };

    #[test]
    fn after_a_panic_every_call_but_free_and_last_error_is_refused() {
        let ep = crate::ffi::test_util::alice();
        // SAFETY: every pointer is a live local or comes from a _new
        // call; the endpoint is freed once (a second free is refused).
        unsafe {
            let poison = with_mut(ep, |_: &mut EndpointState| panic!("a bug"));
            assert_eq!(poison, sansip_result::Panic);
            assert!(sansip_endpoint_is_poisoned(ep));
            let mut out = std::mem::MaybeUninit::<sansip_output>::uninit();
            let r = sansip_endpoint_poll_output(ep, out.as_mut_ptr());
            assert_eq!(r, sansip_result::Poisoned);
            let mut id = 0;
            let target = "sip:bob@127.0.0.1";
            let r = sansip_endpoint_invite(
                ep,
                1,
                target.as_ptr(),
                target.len(),
                std::ptr::null(),
                0,
                &mut id,
            );
            assert_eq!(r, sansip_result::Poisoned);
            assert_eq!(id, 0, "out-parameters are written only on success");
            let mut kind = crate::ffi::sansip_event::None;
            assert_eq!(sansip_event_kind(ep, &mut kind), sansip_result::Poisoned);
            assert_eq!(
                sansip_endpoint_handle_timeout(ep, 2),
                sansip_result::Poisoned
            );
            let mut buf = [0u8; 128];
            let mut n = 0;
            let r = sansip_last_error_message(ep, buf.as_mut_ptr(), buf.len(), &mut n);
            assert_eq!(r, sansip_result::Ok);
            assert!(String::from_utf8_lossy(&buf[..n]).contains("a bug"));
            sansip_endpoint_free(ep);
            assert_eq!(
                sansip_endpoint_handle_timeout(ep, 3),
                sansip_result::StaleHandle
            );
            assert!(!sansip_endpoint_is_poisoned(ep));
            sansip_endpoint_free(ep);
        }
    }
}
