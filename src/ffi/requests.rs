//! Requests outside a call: registrations (REGISTER), MESSAGE and
//! publications (PUBLISH, RFC 3903).

use bytes::Bytes;

use super::boundary::{bytes, out, put, text};
use super::endpoint::command;
use super::handle::sansip_endpoint;
use super::result::sansip_result;
use super::str::{header_list, sansip_header};
use crate::endpoint::{RegisterOptions, RegistrationId};
use crate::usage::publication::PublicationId;

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
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
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
        let id = ep.register(now, options)?;
        // SAFETY: registration_out was checked non-NULL.
        unsafe { put(registration_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Removes our binding of `registration` (`all`: every binding of the
/// AOR, `Contact: *`) and ends the registration;
/// `SANSIP_EVENT_UNREGISTERED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_unregister(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    registration: u64,
    all: bool,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.unregister(now, RegistrationId(registration), all)?)
        })
    }
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
    // SAFETY: forwarded from the caller; no headers.
    unsafe {
        sansip_endpoint_message_with_headers(
            endpoint,
            now_us,
            target,
            target_len,
            content_type,
            content_type_len,
            body,
            body_len,
            std::ptr::null(),
            0,
            message_out,
        )
    }
}

/// `sansip_endpoint_message` with extra header fields: `headers` is an
/// array of `headers_len` `sansip_header` (`(NULL, 0)`: none), read during
/// the call only.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_message_with_headers(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    content_type: *const u8,
    content_type_len: usize,
    body: *const u8,
    body_len: usize,
    headers: *const sansip_header,
    headers_len: usize,
    message_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        let message_out = out(message_out, "message_out")?;
        // SAFETY: the caller passes each buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        // SAFETY: as above.
        let ctype = unsafe { text(content_type, content_type_len, "the content type")? };
        // SAFETY: as above.
        let body = Bytes::copy_from_slice(unsafe { bytes(body, body_len, "the body")? });
        // SAFETY: as above, for the array and each of its items.
        let extra = unsafe { header_list(headers, headers_len)? };
        let extra: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (&**n, &**v)).collect();
        let id = ep.message(now, target, ctype, body, &extra)?;
        // SAFETY: message_out was checked non-NULL.
        unsafe { put(message_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Publishes `body` (of `content_type`) for `event` (`presence`, ...) at
/// `target` (your AOR, usually) for `expires` seconds, refreshed until
/// `sansip_endpoint_unpublish`. Stores the publication's id in
/// `publication_out`; `SANSIP_EVENT_PUBLISHED` or
/// `SANSIP_EVENT_PUBLICATION_FAILED` follows.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_endpoint_publish(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    event: *const u8,
    event_len: usize,
    content_type: *const u8,
    content_type_len: usize,
    body: *const u8,
    body_len: usize,
    expires: u32,
    publication_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        let publication_out = out(publication_out, "publication_out")?;
        // SAFETY: the caller passes each buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        // SAFETY: as above.
        let event = unsafe { text(event, event_len, "the event package")? };
        // SAFETY: as above.
        let ctype = unsafe { text(content_type, content_type_len, "the content type")? };
        // SAFETY: as above.
        let body = Bytes::copy_from_slice(unsafe { bytes(body, body_len, "the body")? });
        let id = ep.publish(now, target, event, ctype, body, expires)?;
        // SAFETY: publication_out was checked non-NULL.
        unsafe { put(publication_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Replaces the state published by `publication` with `body` of
/// `content_type`; `SANSIP_EVENT_PUBLISHED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_modify_publication(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    publication: u64,
    content_type: *const u8,
    content_type_len: usize,
    body: *const u8,
    body_len: usize,
) -> sansip_result {
    let run = |ep: &mut crate::endpoint::Endpoint, now| {
        // SAFETY: the caller passes each buffer valid for its length.
        let ctype = unsafe { text(content_type, content_type_len, "the content type")? };
        // SAFETY: as above.
        let body = Bytes::copy_from_slice(unsafe { bytes(body, body_len, "the body")? });
        Ok(ep.modify_publication(now, PublicationId(publication), ctype, body)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Removes the state published by `publication` (Expires 0);
/// `SANSIP_EVENT_UNPUBLISHED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_unpublish(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    publication: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe {
        command(endpoint, now_us, |ep, now| {
            Ok(ep.unpublish(now, PublicationId(publication))?)
        })
    }
}
