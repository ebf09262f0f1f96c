//! Handles (`sansip_endpoint`, `sansip_config`): what a C pointer points
//! to, the check every call makes on it, the panic boundary of every call
//! on it, and how a freed handle is told apart from a live one.
//!
//! # Stale handles
//!
//! A handle is a heap block with a magic word, the poison flag, the last
//! error text and the state (boxed). `_free` drops the state, sets the
//! magic to [`FREED`] and keeps the block: it is never deallocated. A
//! later call with the freed pointer (a second `_free`, any use after
//! free) therefore reads a block that is still allocated and still a
//! valid value of its type, sees [`FREED`], and returns
//! `SANSIP_RESULT_STALE_HANDLE` (`_free` does nothing). Nothing here reads
//! freed memory, so it is sound Rust, not a lucky read.
//!
//! The price is one small block (the header: 64 bytes on a 64-bit
//! target; the state itself is freed) per handle ever freed, for the life
//! of the process. The blocks' addresses are kept in a static list only
//! so that leak checkers (Valgrind, LeakSanitizer) see them as reachable
//! rather than "definitely lost" (without it Valgrind reports every freed
//! handle); the list is never read.
//!
//! The limits, honestly: a pointer that never came from a `_new` (garbage,
//! a pointer into the middle of a handle, a `sansip_config *` cast to a
//! `sansip_endpoint *`) cannot be checked — reading it at all is already
//! undefined behaviour on the C side. The magic word differs per handle
//! type and is checked before anything else is touched, which catches
//! most such mistakes in practice, but that is a diagnostic, not a
//! guarantee. Two threads using one handle at once are a data race (the
//! handles are not thread-safe); a call made while another on the same
//! handle is running (which only a signal handler could do) is refused.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::config::ConfigState;
use super::output::Current;
use super::result::{sansip_result, Error};
use crate::endpoint::Endpoint;

/// The magic word of a freed handle (of any type).
pub(crate) const FREED: u64 = 0x5a5a_f4ee_dead_5a5a;

/// The addresses of freed handles' headers, kept only so leak checkers
/// see the headers as reachable (see the module documentation).
static FREED_HEADERS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// The part of a handle that outlives `_free`.
#[derive(Debug)]
pub(crate) struct Handle<T> {
    magic: Cell<u64>,
    poisoned: Cell<bool>,
    last_error: RefCell<String>,
    state: RefCell<Option<Box<T>>>,
}

/// A C handle type: its magic word and its header.
pub(crate) trait Opaque: Sized {
    /// What the handle holds while it is live.
    type State;
    /// The magic word of a live handle of this type.
    const LIVE: u64;
    /// The handle's name in error texts.
    const NAME: &'static str;
    /// A new handle.
    fn wrap(handle: Handle<Self::State>) -> Self;
    /// Its header.
    fn header(&self) -> &Handle<Self::State>;
}

/// One user agent (a `sansip::endpoint::Endpoint`), created by
/// `sansip_endpoint_new` and released by `sansip_endpoint_free`. Opaque.
/// Not thread-safe: one call at a time per endpoint.
pub struct sansip_endpoint(Handle<EndpointState>);

/// The settings of an endpoint, built with the `sansip_config_*` calls and
/// read (copied) by `sansip_endpoint_new`. Opaque. Not thread-safe.
pub struct sansip_config(Handle<ConfigState>);

impl Opaque for sansip_endpoint {
    type State = EndpointState;
    const LIVE: u64 = 0x5a5a_e4d0_1417_5a5a;
    const NAME: &'static str = "sansip_endpoint";
    fn wrap(handle: Handle<EndpointState>) -> Self {
        sansip_endpoint(handle)
    }
    fn header(&self) -> &Handle<EndpointState> {
        &self.0
    }
}

impl Opaque for sansip_config {
    type State = ConfigState;
    const LIVE: u64 = 0x5a5a_c0f1_9000_5a5a;
    const NAME: &'static str = "sansip_config";
    fn wrap(handle: Handle<ConfigState>) -> Self {
        sansip_config(handle)
    }
    fn header(&self) -> &Handle<ConfigState> {
        &self.0
    }
}

/// What a live `sansip_endpoint` holds.
pub(crate) struct EndpointState {
    pub(crate) endpoint: Endpoint,
    pub(crate) clock: Clock,
    /// The output `sansip_endpoint_poll_output` handed out last: its
    /// pointers stay valid until the next poll (or free).
    pub(crate) current: Option<Current>,
    /// A document handed out by pointer (`sansip_endpoint_dialog_info`),
    /// kept until the next such call or free.
    pub(crate) scratch: bytes::Bytes,
}

/// A new live handle holding `state`, as the pointer C gets.
pub(crate) fn into_raw<H: Opaque>(state: H::State) -> *mut H {
    let handle = Handle {
        magic: Cell::new(H::LIVE),
        poisoned: Cell::new(false),
        last_error: RefCell::new(String::new()),
        state: RefCell::new(Some(Box::new(state))),
    };
    Box::into_raw(Box::new(H::wrap(handle)))
}

/// The header behind `ptr`, if it is a live handle.
///
/// # Safety
/// A non-NULL `ptr` must come from [`into_raw`] for `H` (freed or not).
unsafe fn live<'a, H: Opaque + 'a>(ptr: *const H) -> Result<&'a Handle<H::State>, Error> {
    if ptr.is_null() {
        return Err(Error::null(H::NAME));
    }
    if !ptr.is_aligned() {
        return Err(Error::new(
            sansip_result::StaleHandle,
            format!("this is not a {} (misaligned pointer)", H::NAME),
        ));
    }
    // SAFETY: the caller guarantees ptr came from into_raw for H; those
    // blocks are never deallocated (a freed handle keeps its header, with
    // its state None), so ptr points to a valid H whatever its magic.
    let h = unsafe { &*ptr }.header();
    match h.magic.get() {
        m if m == H::LIVE => Ok(h),
        FREED => Err(Error::new(
            sansip_result::StaleHandle,
            format!("this {} was freed", H::NAME),
        )),
        _ => Err(Error::new(
            sansip_result::StaleHandle,
            format!("this is not a {}", H::NAME),
        )),
    }
}

/// Runs `f` on the state behind `ptr` inside the panic boundary: NULL is
/// `SANSIP_RESULT_NULL_ARGUMENT`, a freed handle
/// `SANSIP_RESULT_STALE_HANDLE`, a poisoned one `SANSIP_RESULT_POISONED`;
/// an error is kept for the handle's last-error text, a panic poisons it.
///
/// # Safety
/// A non-NULL `ptr` must come from the `_new` of its type (freed or not),
/// and not be in use by another thread.
pub(crate) unsafe fn with_mut<H: Opaque>(
    ptr: *mut H,
    f: impl FnOnce(&mut H::State) -> Result<(), Error>,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    let h = match unsafe { live(ptr.cast_const()) } {
        Ok(h) => h,
        Err(e) => return e.result,
    };
    if h.poisoned.get() {
        return sansip_result::Poisoned;
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut state = h.state.try_borrow_mut().map_err(|_| in_use::<H>())?;
        let state = state.as_deref_mut().ok_or_else(|| in_use::<H>())?;
        f(state)
    }));
    h.finish(result)
}

/// [`with_mut`] for calls that only read the state.
///
/// # Safety
/// As [`with_mut`].
pub(crate) unsafe fn with_ref<H: Opaque>(
    ptr: *const H,
    f: impl FnOnce(&H::State) -> Result<(), Error>,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    let h = match unsafe { live(ptr) } {
        Ok(h) => h,
        Err(e) => return e.result,
    };
    if h.poisoned.get() {
        return sansip_result::Poisoned;
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        let state = h.state.try_borrow().map_err(|_| in_use::<H>())?;
        let state = state.as_deref().ok_or_else(|| in_use::<H>())?;
        f(state)
    }));
    h.finish(result)
}

fn in_use<H: Opaque>() -> Error {
    Error::new(
        sansip_result::InvalidArgument,
        format!("this {} is in use by another call", H::NAME),
    )
}

/// Frees the handle behind `ptr` (see the module documentation): NULL,
/// a freed handle and a handle in use are left alone.
///
/// # Safety
/// As [`with_mut`].
pub(crate) unsafe fn free<H: Opaque>(ptr: *mut H) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from the caller.
        let Ok(h) = (unsafe { live(ptr.cast_const()) }) else {
            return;
        };
        let Ok(mut state) = h.state.try_borrow_mut() else {
            return;
        };
        h.magic.set(FREED);
        let old = state.take();
        drop(state);
        *h.last_error.borrow_mut() = String::new();
        FREED_HEADERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(ptr as usize);
        // Last: if the state's drop panics, the handle is freed anyway.
        drop(old);
    }));
}

/// Whether the handle behind `ptr` is live and poisoned.
///
/// # Safety
/// As [`with_mut`].
pub(crate) unsafe fn is_poisoned<H: Opaque>(ptr: *const H) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { live(ptr) }.is_ok_and(|h| h.poisoned.get())
}

/// Copies the handle's last error text into `(buf, len)` and its length
/// into `written` (see `sansip_last_error_message`). Works on a poisoned
/// handle too.
///
/// # Safety
/// As [`with_mut`]; a non-NULL `buf` valid for writes of `len` bytes, a
/// non-NULL `written` valid for a write.
pub(crate) unsafe fn last_error<H: Opaque>(
    ptr: *const H,
    buf: *mut u8,
    len: usize,
    written: *mut usize,
) -> sansip_result {
    super::boundary::guard(|| {
        // SAFETY: forwarded from the caller.
        let h = unsafe { live(ptr)? };
        let written = super::boundary::out(written, "written")?;
        if buf.is_null() && len != 0 {
            return Err(Error::null("buf"));
        }
        let last = h.last_error.try_borrow().map_err(|_| in_use::<H>())?;
        let n = last.len().min(len);
        if n > 0 {
            // SAFETY: buf is not NULL (n > 0 implies len > 0) and the caller
            // passes it valid for len >= n bytes; the source is our String,
            // which cannot overlap the caller's buffer.
            unsafe { std::ptr::copy_nonoverlapping(last.as_ptr(), buf, n) };
        }
        // SAFETY: written was checked non-NULL.
        unsafe { super::boundary::put(written, n) };
        Ok(())
    })
}

impl<T> Handle<T> {
    /// Keeps an error's text, or poisons the handle after a panic.
    fn finish(&self, result: std::thread::Result<Result<(), Error>>) -> sansip_result {
        match result {
            Ok(Ok(())) => sansip_result::Ok,
            Ok(Err(e)) => {
                self.set_error(e.message);
                e.result
            }
            Err(panic) => {
                self.poisoned.set(true);
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                self.set_error(format!(
                    "sansip panicked (a bug; the handle is poisoned): {what}"
                ));
                sansip_result::Panic
            }
        }
    }

    fn set_error(&self, message: String) {
        if let Ok(mut last) = self.last_error.try_borrow_mut() {
            *last = message;
        }
    }
}

/// Host microseconds ↔ `Instant`: the host's `now_us` at creation is
/// `base`, an `Instant` taken then.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    base: Instant,
    base_us: u64,
}

impl Clock {
    pub(crate) fn new(now_us: u64) -> Clock {
        // The one clock read of the C ABI: only to get an `Instant` to
        // count from; all later time comes from the host's `now_us`.
        #[allow(clippy::disallowed_methods)]
        let base = Instant::now();
        Clock {
            base,
            base_us: now_us,
        }
    }

    /// The instant of host time `us` (clamped to what `Instant` can hold).
    pub(crate) fn instant(&self, us: u64) -> Instant {
        if us >= self.base_us {
            let d = Duration::from_micros(us - self.base_us);
            self.base.checked_add(d).unwrap_or(self.base)
        } else {
            let d = Duration::from_micros(self.base_us - us);
            self.base.checked_sub(d).unwrap_or(self.base)
        }
    }

    /// Host microseconds of `at` (saturating; never `UINT64_MAX`, which
    /// means "no deadline").
    pub(crate) fn micros(&self, at: Instant) -> u64 {
        let us = if at >= self.base {
            let d = u64::try_from((at - self.base).as_micros()).unwrap_or(u64::MAX);
            self.base_us.saturating_add(d)
        } else {
            let d = u64::try_from((self.base - at).as_micros()).unwrap_or(u64::MAX);
            self.base_us.saturating_sub(d)
        };
        us.min(u64::MAX - 1)
    }
}

/// A duration as C sees it: microseconds, saturating.
pub(crate) fn duration_us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{Config, LocalAddr};
    use crate::transport::Transport;

    fn endpoint() -> *mut sansip_endpoint {
        let mut config = Config::new("sip:alice@127.0.0.1");
        config.local.push(LocalAddr {
            transport: Transport::Udp,
            addr: "127.0.0.1:5060".parse().unwrap(),
        });
        let clock = Clock::new(0);
        into_raw::<sansip_endpoint>(EndpointState {
            endpoint: Endpoint::new(config, clock.instant(0)).unwrap(),
            clock,
            current: None,
            scratch: bytes::Bytes::new(),
        })
    }

    fn message(ep: *const sansip_endpoint) -> String {
        let mut buf = [0u8; 256];
        let mut n = 0;
        // SAFETY: ep came from into_raw; buf and n are live locals.
        let r = unsafe { last_error(ep, buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(r, sansip_result::Ok);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    #[test]
    fn a_panic_poisons_the_endpoint() {
        let ep = endpoint();
        // SAFETY: ep came from into_raw and is not freed until the end.
        unsafe {
            assert_eq!(with_mut(ep, |_| Ok(())), sansip_result::Ok);
            assert_eq!(with_mut(ep, |_| panic!("boom")), sansip_result::Panic);
            assert_eq!(with_mut(ep, |_| Ok(())), sansip_result::Poisoned);
            assert_eq!(with_ref(ep, |_| Ok(())), sansip_result::Poisoned);
            assert!(is_poisoned(ep));
        }
        assert!(message(ep).contains("boom"));
        // SAFETY: as above; freed once.
        unsafe { free(ep) };
    }

    #[test]
    fn a_freed_handle_is_refused_and_a_second_free_does_nothing() {
        let ep = endpoint();
        // SAFETY: ep came from into_raw; freed handles are never
        // deallocated, so every later call reads a valid header.
        unsafe {
            assert_eq!(
                with_mut(ep, |_| Err(Error::new(sansip_result::WrongState, "x"))),
                sansip_result::WrongState
            );
            free(ep);
            assert_eq!(with_mut(ep, |_| Ok(())), sansip_result::StaleHandle);
            assert_eq!(with_ref(ep, |_| Ok(())), sansip_result::StaleHandle);
            assert!(!is_poisoned(ep));
            let mut n = 0;
            let r = last_error(ep, std::ptr::null_mut(), 0, &mut n);
            assert_eq!(r, sansip_result::StaleHandle);
            free(ep);
            free(std::ptr::null_mut::<sansip_endpoint>());
        }
    }

    #[test]
    fn a_call_inside_a_call_is_refused() {
        let ep = endpoint();
        // SAFETY: ep came from into_raw and is freed once, at the end.
        unsafe {
            let inner = with_mut(ep, |_| {
                assert_eq!(with_ref(ep, |_| Ok(())), sansip_result::InvalidArgument);
                free(ep); // refused: in use
                Ok(())
            });
            assert_eq!(inner, sansip_result::Ok);
            assert_eq!(with_ref(ep, |_| Ok(())), sansip_result::Ok);
            free(ep);
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn what_a_freed_handle_keeps_is_64_bytes() {
        assert_eq!(size_of::<sansip_endpoint>(), 64);
        assert_eq!(size_of::<sansip_config>(), 64);
    }

    #[test]
    fn host_microseconds_map_to_instants_and_back() {
        let c = Clock::new(1_000_000);
        for us in [0, 999_999, 1_000_000, 1_000_001, 86_400_000_000] {
            assert_eq!(c.micros(c.instant(us)), us);
        }
        assert_eq!(
            c.instant(1_500_000) - c.instant(1_000_000),
            Duration::from_millis(500)
        );
    }
}
