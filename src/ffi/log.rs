//! `sansip_endpoint_set_log`: an endpoint's diagnostics to a C callback
//! (see `sansip::log`). Per endpoint, never global: two endpoints in one
//! process may log to two places, or one may stay quiet.

use std::ffi::c_void;

use super::handle::{sansip_endpoint, with_mut};
use super::result::{sansip_result, Error};
use crate::log::{Level, Record};

/// How much a log record matters, most severe first
/// (`sansip_endpoint_set_log`'s `max_level`; the callback's `level`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_log_level {
    /// Reserved: nothing logs at this level yet.
    Error = 1,
    /// Input dropped or refused, a flow given up on.
    Warn = 2,
    /// A flow closed, a transaction timed out, a name did not resolve.
    Info = 3,
    /// The first line and addresses of every message received and sent;
    /// stray responses.
    Debug = 4,
    /// Whole messages as received and sent.
    Trace = 5,
}

impl From<Level> for sansip_log_level {
    fn from(level: Level) -> Self {
        match level {
            Level::Error => sansip_log_level::Error,
            Level::Warn => sansip_log_level::Warn,
            Level::Info => sansip_log_level::Info,
            Level::Debug => sansip_log_level::Debug,
            Level::Trace => sansip_log_level::Trace,
        }
    }
}

/// Receives one log record: `userdata` as given to
/// `sansip_endpoint_set_log`, the record's level, its target (`transport`,
/// `transaction`, `dispatch`, `resolve`) and its text, UTF-8, not
/// NUL-terminated. Both texts are valid only during the call. It runs
/// inside the sansip call that made the record: it must not call sansip
/// functions on the same endpoint (they return
/// `SANSIP_RESULT_INVALID_ARGUMENT`, "in use").
pub type sansip_log_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        level: sansip_log_level,
        target: *const u8,
        target_len: usize,
        message: *const u8,
        message_len: usize,
    ),
>;

/// The C callback and its userdata, as a Rust sink.
struct CSink {
    callback:
        unsafe extern "C" fn(*mut c_void, sansip_log_level, *const u8, usize, *const u8, usize),
    userdata: *mut c_void,
    /// The text of the record being delivered, reused so that logging
    /// allocates only while records grow.
    text: String,
}

// SAFETY: the sink lives inside one endpoint, and an endpoint is used by
// one thread at a time (the documented contract of `sansip_endpoint`);
// the host that moves an endpoint to another thread moves the callback's
// userdata along with it, which `sansip_endpoint_set_log` documents.
unsafe impl Send for CSink {}

impl CSink {
    fn deliver(&mut self, record: &Record<'_>) {
        use std::fmt::Write;
        self.text.clear();
        let _ = write!(self.text, "{record}");
        let target = record.target();
        // SAFETY: the host gave a callback with this signature; both texts
        // are valid for their lengths for the whole call.
        unsafe {
            (self.callback)(
                self.userdata,
                record.level().into(),
                target.as_ptr(),
                target.len(),
                self.text.as_ptr(),
                self.text.len(),
            );
        }
    }
}

/// Sends the endpoint's log records at `max_level` (a `sansip_log_level`,
/// 1–5) and more severe to `callback`, with `userdata`; replaces any
/// earlier callback. A NULL `callback` stops logging (the default;
/// `max_level` is then ignored). The callback is called from inside
/// sansip calls on this endpoint, on the thread making them; `userdata`
/// must stay valid until the callback is replaced or the endpoint freed.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_set_log(
    endpoint: *mut sansip_endpoint,
    callback: sansip_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) -> sansip_result {
    let run = |ep: &mut super::handle::EndpointState| {
        let Some(callback) = callback else {
            ep.endpoint.clear_log_sink();
            return Ok(());
        };
        let level = Level::from_u32(max_level).ok_or_else(|| {
            Error::new(
                sansip_result::InvalidArgument,
                format!("{max_level} is not a sansip_log_level (1-5)"),
            )
        })?;
        let mut sink = CSink {
            callback,
            userdata,
            text: String::new(),
        };
        ep.endpoint
            .set_log_sink(level, move |record| sink.deliver(record));
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_mut(endpoint, run) }
}
