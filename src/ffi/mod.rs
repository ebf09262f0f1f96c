//! The C ABI (feature `capi`): the header is `include/sansip.h`, generated
//! from this module by cbindgen (`cbindgen.toml`) and checked by
//! `tests/capi_header.rs`.
//!
//! Conventions (as rustls-ffi):
//! - every fallible function returns a `sansip_result` (0 is OK); other
//!   outputs are out-parameters, last, written only on success;
//! - `_new` creates, `_free` frees once and accepts NULL; a `const *`
//!   first argument means the call does not mutate;
//! - bytes and text cross as pointer + `size_t` length (text is UTF-8,
//!   never NUL-terminated); `(NULL, 0)` is an empty slice;
//! - arrays cross as pointer + count (`sansip_header`, `sansip_str`,
//!   `sansip_dns_record` items), read during the call only;
//! - integers from C (transports, address families, every enum) are
//!   validated, never transmuted into enums;
//! - no panic crosses the boundary: a panic returns `SANSIP_RESULT_PANIC`
//!   and poisons the handle (later calls: `SANSIP_RESULT_POISONED`);
//!   no global hook; the only global is the list that keeps freed
//!   handles' headers reachable (see `handle.rs`);
//! - a freed handle is refused (`SANSIP_RESULT_STALE_HANDLE`) and a second
//!   `_free` does nothing: freed handles keep their header (`handle.rs`);
//! - time is `uint64_t` microseconds of a monotonic clock, from an origin
//!   the host chooses (one per endpoint); `UINT64_MAX` is "no deadline".
//!
//! Safety, for every `unsafe extern "C"` function here: each pointer
//! argument is NULL (refused with `SANSIP_RESULT_NULL_ARGUMENT` where it is
//! required) or valid for its type or length; handles come from the
//! matching `_new` (freed or not: a freed one is refused); a handle is
//! used by one thread at a time.

#![allow(unsafe_code, non_camel_case_types, clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod addr;
mod boundary;
mod calls;
mod config;
mod config_media;
mod config_policy;
mod dns;
mod endpoint;
mod event;
mod event_calls;
mod event_usages;
mod handle;
mod in_call;
mod log;
mod output;
mod presence;
mod requests;
mod result;
mod str;
mod subscriptions;

pub use addr::{sansip_addr, sansip_transport, SANSIP_FAMILY_IPV4, SANSIP_FAMILY_IPV6};
pub use calls::*;
pub use config::*;
pub use config_media::*;
pub use config_policy::*;
pub use dns::*;
pub use endpoint::*;
pub use event::*;
pub use event_calls::*;
pub use event_usages::*;
pub use handle::{sansip_config, sansip_endpoint};
pub use in_call::*;
pub use log::*;
pub use output::*;
pub use presence::*;
pub use requests::*;
pub use result::{sansip_result, sansip_result_str};
pub use str::{sansip_header, sansip_str};
pub use subscriptions::*;

/// The version of the C ABI: bumped on any incompatible change (the ABI is
/// append-only within one version).
pub const SANSIP_ABI_VERSION: u32 = 1;

/// sansip's version (`"0.1.0"`), a static NUL-terminated string.
#[no_mangle]
pub extern "C" fn sansip_version() -> *const std::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version this library implements (`SANSIP_ABI_VERSION` of its
/// header): compare it with the constant the host was compiled with.
#[no_mangle]
pub extern "C" fn sansip_abi_version() -> u32 {
    SANSIP_ABI_VERSION
}

/// What the C-side unit tests share.
#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// An endpoint for `sip:alice@127.0.0.1` on UDP 127.0.0.1:5060, made
    /// through the C calls a host makes (config, local address, new).
    pub(crate) fn alice() -> *mut sansip_endpoint {
        let aor = "sip:alice@127.0.0.1";
        let local = sansip_addr::from_rust("127.0.0.1:5060".parse().unwrap());
        let (mut cfg, mut ep) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: every pointer is a live local or comes from a _new call;
        // the config is freed once.
        unsafe {
            assert_eq!(
                sansip_config_new(aor.as_ptr(), aor.len(), &mut cfg),
                sansip_result::Ok
            );
            let udp = sansip_transport::Udp as u32;
            assert_eq!(sansip_config_add_local(cfg, udp, &local), sansip_result::Ok);
            assert_eq!(sansip_endpoint_new(cfg, 0, &mut ep), sansip_result::Ok);
            sansip_config_free(cfg);
        }
        ep
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: sansip_version returns a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(super::sansip_version()) };
        assert_eq!(v.to_str(), Ok(env!("CARGO_PKG_VERSION")));
        assert_eq!(super::sansip_abi_version(), super::SANSIP_ABI_VERSION);
    }
}
