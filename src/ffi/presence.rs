//! Presence and dialog state from C without writing XML: a PIDF document
//! (RFC 3863, with an RPID activity) from a flat `sansip_presence`, to
//! NOTIFY a watcher or PUBLISH to a presence server; and the dialog-info
//! document (RFC 4235) of our own calls, for a busy lamp field.

use super::boundary::{choice, opt_text, out, put, text};
use super::endpoint::command;
use super::handle::{sansip_endpoint, with_mut, EndpointState};
use super::result::{sansip_result, Error};
use crate::body::pidf::{Activity, Basic, Presence};
use crate::endpoint::Endpoint;
use crate::usage::subscription::{SubState, SubscriptionId};

/// Our presence, as simple as a phone shows it: one PIDF tuple and,
/// optionally, what the person is doing. Texts are UTF-8 pointer + length,
/// `(NULL, 0)` when absent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sansip_presence {
    /// `true`: open (reachable); `false`: closed.
    pub open: bool,
    /// A note for people (`"In a meeting"`), or empty.
    pub note: *const u8,
    /// The length of `note`.
    pub note_len: usize,
    /// An RPID activity name (`away`, `busy`, `on-the-phone`, `meeting`,
    /// `vacation`, ... as RFC 4480 names them), or empty.
    pub activity: *const u8,
    /// The length of `activity`.
    pub activity_len: usize,
    /// The contact URI of the tuple (where to reach us), or empty.
    pub contact: *const u8,
    /// The length of `contact`.
    pub contact_len: usize,
}

/// The PIDF document of `p` for the presentity `entity`.
///
/// # Safety
/// A non-NULL `p` must point to a `sansip_presence` whose texts are valid
/// for their lengths.
unsafe fn presence_of(p: *const sansip_presence, entity: &str) -> Result<Presence, Error> {
    if p.is_null() {
        return Err(Error::new(sansip_result::NullArgument, "presence is NULL"));
    }
    // SAFETY: checked non-NULL; the caller passes a valid struct.
    let p = unsafe { &*p };
    let basic = if p.open { Basic::Open } else { Basic::Closed };
    let mut b = Presence::builder(entity, basic);
    // SAFETY: the caller passes each text valid for its length.
    if let Some(note) = unsafe { opt_text(p.note, p.note_len, "the note")? } {
        b = b.note(note);
    }
    // SAFETY: as above.
    if let Some(name) = unsafe { opt_text(p.activity, p.activity_len, "the activity")? } {
        let activity = Activity::from_name(&name).ok_or_else(|| {
            Error::new(
                sansip_result::BadText,
                format!("{name:?} is not an RPID activity (RFC 4480)"),
            )
        })?;
        b = b.activity(activity);
    }
    // SAFETY: as above.
    if let Some(contact) = unsafe { opt_text(p.contact, p.contact_len, "the contact")? } {
        b = b.contact(contact);
    }
    Ok(b.build())
}

fn sub_state(state: u32) -> Result<SubState, Error> {
    choice(
        state,
        [SubState::Active, SubState::Pending, SubState::Terminated],
        "sansip_subscription_state",
    )
}

/// Sends the watcher of an accepted `presence` subscription our presence
/// `presence` (a PIDF document for our AOR) with `state` (a
/// `sansip_subscription_state`).
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_notify_presence(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    subscription: u64,
    state: u32,
    presence: *const sansip_presence,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let state = sub_state(state)?;
        // SAFETY: the caller passes a valid struct (or NULL).
        let doc = unsafe { presence_of(presence, &ep.config().aor)? };
        Ok(ep.notify_presence(now, SubscriptionId(subscription), state, &doc)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Publishes our presence `presence` (RFC 3903, event `presence`) to
/// `target` (usually our own AOR) for `expires` seconds, refreshed until
/// `sansip_endpoint_unpublish`. Stores the publication's id in
/// `publication_out`; `SANSIP_EVENT_PUBLISHED` or
/// `SANSIP_EVENT_PUBLICATION_FAILED` follows.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_publish_presence(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    target: *const u8,
    target_len: usize,
    presence: *const sansip_presence,
    expires: u32,
    publication_out: *mut u64,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let publication_out = out(publication_out, "publication_out")?;
        // SAFETY: the caller passes the buffer valid for its length.
        let target = unsafe { text(target, target_len, "the target")? };
        // SAFETY: the caller passes a valid struct (or NULL).
        let doc = unsafe { presence_of(presence, &ep.config().aor)? };
        let id = ep.publish_presence(now, target, &doc, expires)?;
        // SAFETY: publication_out was checked non-NULL.
        unsafe { put(publication_out, id.0) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// Sends the watcher of an accepted `dialog` subscription the dialog-info
/// document of our calls now (RFC 4235, `version` as given: start at 0 and
/// add one per NOTIFY of a subscription), with `state` (a
/// `sansip_subscription_state`). Call it again whenever a call event
/// arrives: sansip does not notify dialog watchers by itself.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_notify_dialog_info(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    subscription: u64,
    state: u32,
    version: u64,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let state = sub_state(state)?;
        let doc = ep.dialog_info(version);
        Ok(ep.notify_dialog_info(now, SubscriptionId(subscription), state, &doc)?)
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

/// The dialog-info document (RFC 4235, `application/dialog-info+xml`) of
/// our calls now, with `version`: stores a pointer to it and its length in
/// `ptr_out` and `len_out`, valid until the next call on this endpoint.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_dialog_info(
    endpoint: *mut sansip_endpoint,
    version: u64,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> sansip_result {
    let run = |ep: &mut EndpointState| {
        let ptr_out = out(ptr_out, "ptr_out")?;
        let len_out = out(len_out, "len_out")?;
        ep.scratch = ep.endpoint.dialog_info(version).to_bytes();
        // SAFETY: both were checked non-NULL; the bytes live in the
        // endpoint until the next call replaces or frees them.
        unsafe {
            put(ptr_out, ep.scratch.as_ptr());
            put(len_out, ep.scratch.len());
        }
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_mut(endpoint, run) }
}
