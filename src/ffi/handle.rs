//! `sansip_endpoint`: the handle, its clock origin, its last error and the
//! panic boundary of every call on it.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::output::Current;
use super::result::{sansip_result, Error};
use crate::endpoint::Endpoint;

/// One user agent (a `sansip::endpoint::Endpoint`), created by
/// `sansip_endpoint_new` and released by `sansip_endpoint_free`. Opaque.
/// Not thread-safe: one call at a time per endpoint.
pub struct sansip_endpoint {
    pub(crate) endpoint: Endpoint,
    pub(crate) clock: Clock,
    /// The output `sansip_endpoint_poll_output` handed out last: its
    /// pointers stay valid until the next poll (or free).
    pub(crate) current: Option<Current>,
    pub(crate) last_error: RefCell<String>,
    pub(crate) poisoned: Cell<bool>,
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

/// Runs `f` on the endpoint behind `ep` inside the panic boundary: NULL is
/// `SANSIP_RESULT_NULL_ARGUMENT`, a poisoned endpoint
/// `SANSIP_RESULT_POISONED`, an error is kept for
/// `sansip_last_error_message`, a panic poisons the endpoint.
///
/// # Safety
/// A non-NULL `ep` must come from `sansip_endpoint_new`, not be freed, and
/// not be in use by another call.
pub(crate) unsafe fn with_endpoint(
    ep: *mut sansip_endpoint,
    f: impl FnOnce(&mut sansip_endpoint) -> Result<(), Error>,
) -> sansip_result {
    // SAFETY: the caller guarantees a non-NULL ep is live and unaliased.
    let Some(ep) = (unsafe { ep.as_mut() }) else {
        return sansip_result::NullArgument;
    };
    if ep.poisoned.get() {
        return sansip_result::Poisoned;
    }
    let result = catch_unwind(AssertUnwindSafe(|| f(ep)));
    finish(ep, result)
}

/// [`with_endpoint`] for calls that only read the endpoint.
///
/// # Safety
/// A non-NULL `ep` must come from `sansip_endpoint_new` and not be freed.
pub(crate) unsafe fn with_endpoint_ref(
    ep: *const sansip_endpoint,
    f: impl FnOnce(&sansip_endpoint) -> Result<(), Error>,
) -> sansip_result {
    // SAFETY: the caller guarantees a non-NULL ep is live.
    let Some(ep) = (unsafe { ep.as_ref() }) else {
        return sansip_result::NullArgument;
    };
    if ep.poisoned.get() {
        return sansip_result::Poisoned;
    }
    let result = catch_unwind(AssertUnwindSafe(|| f(ep)));
    finish(ep, result)
}

fn finish(ep: &sansip_endpoint, result: std::thread::Result<Result<(), Error>>) -> sansip_result {
    match result {
        Ok(Ok(())) => sansip_result::Ok,
        Ok(Err(e)) => {
            // A panic in Display (or here) would poison nothing: keep going.
            if let Ok(mut last) = ep.last_error.try_borrow_mut() {
                *last = e.message;
            }
            e.result
        }
        Err(panic) => {
            ep.poisoned.set(true);
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if let Ok(mut last) = ep.last_error.try_borrow_mut() {
                *last = format!("sansip panicked (a bug; the endpoint is poisoned): {what}");
            }
            sansip_result::Panic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{Config, LocalAddr};
    use crate::transport::Transport;

    #[test]
    fn a_panic_poisons_the_endpoint() {
        let mut config = Config::new("sip:alice@127.0.0.1");
        config.local.push(LocalAddr {
            transport: Transport::Udp,
            addr: "127.0.0.1:5060".parse().unwrap(),
        });
        let clock = Clock::new(0);
        let mut ep = sansip_endpoint {
            endpoint: Endpoint::new(config, clock.instant(0)).unwrap(),
            clock,
            current: None,
            last_error: RefCell::new(String::new()),
            poisoned: Cell::new(false),
        };
        let ep: *mut sansip_endpoint = &mut ep;
        // SAFETY: ep points to a live endpoint on this stack frame.
        let ok = unsafe { with_endpoint(ep, |_| Ok(())) };
        assert_eq!(ok, sansip_result::Ok);
        // SAFETY: as above.
        let panicked = unsafe { with_endpoint(ep, |_| panic!("boom")) };
        assert_eq!(panicked, sansip_result::Panic);
        // SAFETY: as above.
        let after = unsafe { with_endpoint(ep, |_| Ok(())) };
        assert_eq!(after, sansip_result::Poisoned);
        // SAFETY: as above.
        let read = unsafe { with_endpoint_ref(ep, |_| Ok(())) };
        assert_eq!(read, sansip_result::Poisoned);
        // SAFETY: as above; nothing else borrows it now.
        let message = unsafe { (*ep).last_error.borrow().clone() };
        assert!(message.contains("boom"), "{message}");
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
