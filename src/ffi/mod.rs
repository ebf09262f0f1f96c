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
//! - integers from C (transports, address families) are validated, never
//!   transmuted into enums;
//! - no panic crosses the boundary: a panic returns `SANSIP_RESULT_PANIC`
//!   and poisons the endpoint (later calls: `SANSIP_RESULT_POISONED`);
//!   no global state, no global hook;
//! - time is `uint64_t` microseconds of a monotonic clock, from an origin
//!   the host chooses (one per endpoint); `UINT64_MAX` is "no deadline".
//!
//! Safety, for every `unsafe extern "C"` function here: each pointer
//! argument is NULL (refused with `SANSIP_RESULT_NULL_ARGUMENT` where it is
//! required) or valid for its type or length; handles come from the
//! matching `_new` and are not freed; an endpoint is used by one thread at
//! a time.

#![allow(unsafe_code, non_camel_case_types, clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod addr;
mod boundary;
mod config;
mod endpoint;
mod event;
mod handle;
mod output;
mod result;

pub use addr::{sansip_addr, sansip_transport, SANSIP_FAMILY_IPV4, SANSIP_FAMILY_IPV6};
pub use config::{
    sansip_config, sansip_config_add_local, sansip_config_free, sansip_config_new,
    sansip_config_set_password, sansip_config_set_seed,
};
pub use endpoint::{
    sansip_endpoint_accept, sansip_endpoint_flow_closed, sansip_endpoint_flow_connected,
    sansip_endpoint_free, sansip_endpoint_handle_timeout, sansip_endpoint_hangup,
    sansip_endpoint_invite, sansip_endpoint_is_poisoned, sansip_endpoint_message,
    sansip_endpoint_new, sansip_endpoint_receive, sansip_endpoint_register,
    sansip_last_error_message,
};
pub use event::{
    sansip_event_body, sansip_event_content_type, sansip_event_expires, sansip_event_from,
    sansip_event_kind, sansip_event_message_id, sansip_event_reason, sansip_event_registration,
    sansip_event_session, sansip_event_status, sansip_event_to,
};
pub use handle::sansip_endpoint;
pub use output::{
    sansip_endpoint_poll_output, sansip_event, sansip_output, sansip_output_kind,
    sansip_record_type,
};
pub use result::{sansip_result, sansip_result_str};

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
