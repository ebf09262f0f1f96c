//! `sansip_event_*` for the fields of registration and subscription
//! events: GRUUs, Service-Route, the flow, retries and reconnections; the
//! event package, the state and forks of subscriptions. Same rules as
//! `event.rs`.

use super::event::{item, slice, value};
use super::handle::{duration_us, sansip_endpoint};
use super::result::sansip_result;
use super::subscriptions::{sansip_subscription_state, state_to_c};
use crate::endpoint::Event;

/// The public GRUU (RFC 5627) the registrar assigned
/// (`SANSIP_EVENT_REGISTERED`, when it gave one).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_gruu_public(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "public GRUU", |e, _| match e {
            Event::Registered { gruu: Some(g), .. } => {
                g.public.as_deref().map(|s| s.as_bytes() as *const [u8])
            }
            _ => None,
        })
    }
}

/// The temporary GRUU the registrar assigned, when it gave one.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_gruu_temporary(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(
            endpoint,
            ptr_out,
            len_out,
            "temporary GRUU",
            |e, _| match e {
                Event::Registered { gruu: Some(g), .. } => {
                    g.temporary.as_deref().map(|s| s.as_bytes() as *const [u8])
                }
                _ => None,
            },
        )
    }
}

fn service_route(e: &Event) -> Option<&[String]> {
    match e {
        Event::Registered { service_route, .. } => Some(service_route),
        _ => None,
    }
}

/// How many Service-Route (RFC 3608) entries our requests now use
/// (`SANSIP_EVENT_REGISTERED`; 0 when none).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_service_route_count(
    endpoint: *const sansip_endpoint,
    count_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, count_out, "service route", |e, _| {
            service_route(e).map(<[_]>::len)
        })
    }
}

/// Service-Route entry number `index` (from 0).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_service_route(
    endpoint: *const sansip_endpoint,
    index: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        item(
            endpoint,
            index,
            ptr_out,
            len_out,
            "service route",
            service_route,
        )
    }
}

/// The flow (connection) the registration lives on
/// (`SANSIP_EVENT_REGISTERED` on a stream transport).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_flow(
    endpoint: *const sansip_endpoint,
    flow_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, flow_out, "flow", |e, _| match e {
            Event::Registered { flow, .. } => flow.map(|f| f.0),
            _ => None,
        })
    }
}

/// When sansip tries the registration again by itself, in microseconds
/// from now (`SANSIP_EVENT_REGISTRATION_FAILED`; `SANSIP_RESULT_NO_VALUE`:
/// it does not, register again).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_retry_after_us(
    endpoint: *const sansip_endpoint,
    retry_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, retry_out, "retry", |e, _| match e {
            Event::RegistrationFailed { retry_after, .. } => retry_after.map(duration_us),
            _ => None,
        })
    }
}

/// Which reconnection attempt this is, from 1 (`SANSIP_EVENT_RECONNECTING`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_attempt(
    endpoint: *const sansip_endpoint,
    attempt_out: *mut u32,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, attempt_out, "attempt", |e, _| match e {
            Event::Reconnecting { attempt, .. } => Some(*attempt),
            _ => None,
        })
    }
}

/// How long until that attempt, in microseconds.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_delay_us(
    endpoint: *const sansip_endpoint,
    delay_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, delay_out, "delay", |e, _| match e {
            Event::Reconnecting { delay, .. } => Some(duration_us(*delay)),
            _ => None,
        })
    }
}

/// The event package (`presence`, `dialog`, ...) a peer asks to subscribe
/// to (`SANSIP_EVENT_SUBSCRIPTION_REQUESTED`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_package(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(
            endpoint,
            ptr_out,
            len_out,
            "event package",
            |e, _| match e {
                Event::SubscriptionRequested { event, .. } => Some(event.as_bytes() as *const [u8]),
                _ => None,
            },
        )
    }
}

/// The state a NOTIFY reports (`SANSIP_EVENT_NOTIFICATION`).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_subscription_state(
    endpoint: *const sansip_endpoint,
    state_out: *mut sansip_subscription_state,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(endpoint, state_out, "subscription state", |e, _| match e {
            Event::Notification { state, .. } => Some(state_to_c(*state)),
            _ => None,
        })
    }
}

/// The new subscription another notifier made of our forked SUBSCRIBE
/// (`SANSIP_EVENT_SUBSCRIPTION_FORKED`; `sansip_event_subscription` is
/// the one we asked for). It has its own notifications and end.
#[no_mangle]
pub unsafe extern "C" fn sansip_event_forked_subscription(
    endpoint: *const sansip_endpoint,
    subscription_out: *mut u64,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        value(
            endpoint,
            subscription_out,
            "forked subscription",
            |e, _| match e {
                Event::SubscriptionForked { fork, .. } => Some(fork.0),
                _ => None,
            },
        )
    }
}

/// The entity tag (RFC 3903 `SIP-ETag`) the server gave our published
/// state (`SANSIP_EVENT_PUBLISHED`; `SANSIP_RESULT_NO_VALUE` when the 2xx
/// carried none).
#[no_mangle]
pub unsafe extern "C" fn sansip_event_etag(
    endpoint: *const sansip_endpoint,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        slice(endpoint, ptr_out, len_out, "entity tag", |e, _| match e {
            Event::Published { etag, .. } => etag.as_ref().map(|t| t.as_bytes() as *const [u8]),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::{
        sansip_addr, sansip_endpoint_free, sansip_endpoint_poll_output, sansip_endpoint_publish,
        sansip_endpoint_receive, sansip_event, sansip_output, sansip_output_kind, sansip_transport,
    };
    use crate::message::{HeaderName, Message};

    /// Polls `ep` until an event or the timeout; the datagrams sent meanwhile.
    ///
    /// # Safety
    /// `ep` must be a live endpoint.
    unsafe fn poll(ep: *mut sansip_endpoint) -> (Vec<Vec<u8>>, Option<sansip_event>) {
        let mut sent = Vec::new();
        loop {
            let mut out = std::mem::MaybeUninit::<sansip_output>::uninit();
            // SAFETY: ep is live; out is written on success.
            let out = unsafe {
                assert_eq!(
                    sansip_endpoint_poll_output(ep, out.as_mut_ptr()),
                    sansip_result::Ok
                );
                out.assume_init()
            };
            match out.kind {
                sansip_output_kind::Transmit => {
                    // SAFETY: a TRANSMIT's data is valid until the next poll.
                    sent.push(
                        unsafe { super::super::boundary::bytes(out.data, out.data_len, "data") }
                            .unwrap()
                            .to_vec(),
                    );
                }
                sansip_output_kind::Event => return (sent, Some(out.event)),
                sansip_output_kind::Timeout => return (sent, None),
                _ => {}
            }
        }
    }

    #[test]
    fn the_etag_of_an_accepted_publish_is_read_from_the_event() {
        let local = sansip_addr::from_rust("127.0.0.1:5060".parse().unwrap());
        let server = sansip_addr::from_rust("127.0.0.1:5070".parse().unwrap());
        let (target, event, ctype, body) = (
            "sip:alice@127.0.0.1:5070",
            "presence",
            "application/pidf+xml",
            "<presence/>",
        );
        let (ep, mut id) = (crate::ffi::test_util::alice(), 0);
        // SAFETY: every pointer is a live local or comes from a _new call;
        // the endpoint is freed once.
        unsafe {
            let udp = sansip_transport::Udp as u32;
            let r = sansip_endpoint_publish(
                ep,
                1,
                target.as_ptr(),
                target.len(),
                event.as_ptr(),
                event.len(),
                ctype.as_ptr(),
                ctype.len(),
                body.as_ptr(),
                body.len(),
                600,
                &mut id,
            );
            assert_eq!(r, sansip_result::Ok);
            let (sent, none) = poll(ep);
            assert!(none.is_none());
            let publish = Message::parse(sent[0].clone().into()).expect("a PUBLISH");
            let field = |n| String::from_utf8_lossy(publish.raw(n).unwrap()).into_owned();
            let ok = format!(
                "SIP/2.0 200 OK\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=s1\r\nCall-ID: {}\r\n\
                 CSeq: {}\r\nSIP-ETag: kwj449x\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n",
                field(HeaderName::Via),
                field(HeaderName::From),
                field(HeaderName::To),
                field(HeaderName::CallId),
                field(HeaderName::CSeq),
            );
            let r = sansip_endpoint_receive(ep, 2, udp, 1, &server, &local, ok.as_ptr(), ok.len());
            assert_eq!(r, sansip_result::Ok);
            let (_, ev) = poll(ep);
            assert_eq!(ev, Some(sansip_event::Published));
            let (mut ptr, mut len) = (std::ptr::null(), 0);
            assert_eq!(sansip_event_etag(ep, &mut ptr, &mut len), sansip_result::Ok);
            assert_eq!(
                super::super::boundary::bytes(ptr, len, "etag").unwrap(),
                b"kwj449x"
            );
            let mut g = std::ptr::null();
            assert_eq!(
                sansip_event_gruu_public(ep, &mut g, &mut len),
                sansip_result::NoValue,
                "a PUBLISHED event has no GRUU"
            );
            sansip_endpoint_free(ep);
        }
    }
}
