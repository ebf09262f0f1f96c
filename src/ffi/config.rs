//! `sansip_config`: the settings an endpoint starts from.

use super::addr::{sansip_addr, transport_from_c};
use super::boundary::{guard, out, put, read, text};
use super::result::{sansip_result, Error};
use crate::auth::UserCredentials;
use crate::endpoint::{Config, LocalAddr};

/// The settings of an endpoint, built with the `sansip_config_*` calls and
/// read (copied) by `sansip_endpoint_new`. Opaque.
pub struct sansip_config {
    pub(crate) config: Config,
}

/// The mutable config behind a handle.
///
/// # Safety
/// A non-NULL `cfg` must come from `sansip_config_new` and not be freed.
unsafe fn config_mut<'a>(cfg: *mut sansip_config) -> Result<&'a mut Config, Error> {
    // SAFETY: the caller guarantees a non-NULL cfg is a live sansip_config
    // not used elsewhere during this call.
    unsafe { cfg.as_mut() }
        .map(|c| &mut c.config)
        .ok_or_else(|| Error::null("the config"))
}

/// Creates a configuration for the address of record `aor`
/// (`sip:alice@example.com`, UTF-8, `aor_len` bytes) with sansip's defaults.
/// Add at least one local address. The AOR is checked by
/// `sansip_endpoint_new`. Free with `sansip_config_free`.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_new(
    aor: *const u8,
    aor_len: usize,
    config_out: *mut *mut sansip_config,
) -> sansip_result {
    guard(|| {
        let config_out = out(config_out, "config_out")?;
        // SAFETY: the caller passes aor valid for aor_len bytes (or NULL, 0).
        let aor = unsafe { text(aor, aor_len, "the AOR")? };
        let cfg = Box::new(sansip_config {
            config: Config::new(aor),
        });
        // SAFETY: config_out was checked non-NULL; the caller passes it
        // valid for a write.
        unsafe { put(config_out, Box::into_raw(cfg)) };
        Ok(())
    })
}

/// Frees a configuration (NULL is allowed and does nothing).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_free(config: *mut sansip_config) {
    let _ = guard(|| {
        if !config.is_null() {
            // SAFETY: a non-NULL config comes from Box::into_raw in
            // sansip_config_new and is freed only once (caller's contract).
            drop(unsafe { Box::from_raw(config) });
        }
        Ok(())
    });
}

/// Adds a local address the host serves: `transport` is a
/// `sansip_transport` value, `addr` the socket's address.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_add_local(
    config: *mut sansip_config,
    transport: u32,
    addr: *const sansip_addr,
) -> sansip_result {
    guard(|| {
        // SAFETY: the caller passes a live config.
        let cfg = unsafe { config_mut(config)? };
        // SAFETY: the caller passes a valid addr (or NULL).
        let addr = unsafe { read(addr, "addr")? }.to_rust("addr")?;
        let transport = transport_from_c(transport)?;
        cfg.local.push(LocalAddr { transport, addr });
        Ok(())
    })
}

/// Sets the seed of every random token (branch, tag, Call-ID, cnonce):
/// from a CSPRNG in production, pinned in tests.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_seed(
    config: *mut sansip_config,
    seed: u64,
) -> sansip_result {
    guard(|| {
        // SAFETY: the caller passes a live config.
        unsafe { config_mut(config)? }.seed = seed;
        Ok(())
    })
}

/// Sets the digest credentials used for every realm (UTF-8 user name and
/// password, each pointer + length).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_password(
    config: *mut sansip_config,
    user: *const u8,
    user_len: usize,
    password: *const u8,
    password_len: usize,
) -> sansip_result {
    guard(|| {
        // SAFETY: the caller passes a live config.
        let cfg = unsafe { config_mut(config)? };
        // SAFETY: the caller passes each buffer valid for its length.
        let user = unsafe { text(user, user_len, "the user name")? };
        // SAFETY: as above.
        let password = unsafe { text(password, password_len, "the password")? };
        cfg.credentials
            .set_default(UserCredentials::password(user, password));
        Ok(())
    })
}
