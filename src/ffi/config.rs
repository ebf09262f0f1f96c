//! `sansip_config`: the settings an endpoint starts from — creating and
//! freeing the builder, local addresses, identity, routing and
//! credentials. Timers, limits and policies are in `config_policy.rs`,
//! media capabilities in `config_media.rs`.
//!
//! Setters store what they are given: they fail only on a NULL handle or
//! argument, text that is not UTF-8, or an integer outside its enum or
//! range. Whether the whole makes sense (a URI, a header-safe text) is
//! checked once, by `sansip_endpoint_new`, which explains a refusal in
//! `sansip_config_last_error_message`.

use super::addr::{sansip_addr, transport_from_c};
use super::boundary::{choice, guard, opt_text, out, put, read, text};
use super::handle::{free, into_raw, last_error, sansip_config, with_mut};
use super::result::{sansip_result, Error};
use crate::auth::UserCredentials;
use crate::endpoint::{Config, LocalAddr};
use crate::message::headers::Algorithm;

/// What a live `sansip_config` holds.
pub(crate) struct ConfigState {
    pub(crate) config: Config,
}

/// Runs `f` on the config behind `config` (see `handle::with_mut`).
///
/// # Safety
/// A non-NULL `config` must come from `sansip_config_new` (freed or not).
pub(crate) unsafe fn with_config(
    config: *mut sansip_config,
    f: impl FnOnce(&mut Config) -> Result<(), Error>,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe { with_mut(config, |c: &mut ConfigState| f(&mut c.config)) }
}

/// The digest algorithms of an HA1 (`sansip_config_set_realm_ha1`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_digest_algorithm {
    /// `MD5`.
    Md5 = 0,
    /// `MD5-sess`.
    Md5Sess = 1,
    /// `SHA-256`.
    Sha256 = 2,
    /// `SHA-256-sess`.
    Sha256Sess = 3,
    /// `SHA-512-256`.
    Sha512_256 = 4,
    /// `SHA-512-256-sess`.
    Sha512_256_Sess = 5,
}

fn algorithm_from_c(value: u32) -> Result<Algorithm<'static>, Error> {
    choice(
        value,
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
            Algorithm::Sha512_256,
            Algorithm::Sha512_256Sess,
        ],
        "sansip_digest_algorithm",
    )
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
        let cfg = into_raw::<sansip_config>(ConfigState {
            config: Config::new(aor),
        });
        // SAFETY: config_out was checked non-NULL; the caller passes it
        // valid for a write.
        unsafe { put(config_out, cfg) };
        Ok(())
    })
}

/// Frees a configuration. NULL is allowed and does nothing; so does a
/// configuration already freed (see `sansip_endpoint_free`).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_free(config: *mut sansip_config) {
    // SAFETY: the caller passes a config from sansip_config_new (or NULL).
    unsafe { free(config) }
}

/// Copies the detail text of the last error on this configuration — a
/// setter's, or why `sansip_endpoint_new` refused it — as
/// `sansip_last_error_message` does for an endpoint.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_last_error_message(
    config: *const sansip_config,
    buf: *mut u8,
    len: usize,
    written: *mut usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe { last_error(config, buf, len, written) }
}

/// Adds a local address the host serves: `transport` is a
/// `sansip_transport` value, `addr` the socket's address.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_add_local(
    config: *mut sansip_config,
    transport: u32,
    addr: *const sansip_addr,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes a valid addr (or NULL).
        let addr = unsafe { read(addr, "addr")? }.to_rust("addr")?;
        let transport = transport_from_c(transport)?;
        cfg.local.push(LocalAddr { transport, addr });
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets the transports sansip may use for requests, in order of preference
/// when DNS leaves the choice (RFC 3263 §4.1): `transports` is an array of
/// `transports_len` `sansip_transport` values. `(NULL, 0)`: those of the
/// local addresses, plus TCP (the default).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_transports(
    config: *mut sansip_config,
    transports: *const u32,
    transports_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes transports valid for its length.
        let list = unsafe { super::boundary::array(transports, transports_len, "transports")? };
        cfg.transports = list
            .iter()
            .map(|t| transport_from_c(*t))
            .collect::<Result<_, _>>()?;
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets the seed of every random token (branch, tag, Call-ID, cnonce):
/// from a CSPRNG in production, pinned in tests.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_seed(
    config: *mut sansip_config,
    seed: u64,
) -> sansip_result {
    // SAFETY: the caller passes a live config (or NULL).
    unsafe {
        with_config(config, |cfg| {
            cfg.seed = seed;
            Ok(())
        })
    }
}

/// Sets the digest credentials used for every realm without its own (UTF-8
/// user name and password, each pointer + length).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_password(
    config: *mut sansip_config,
    user: *const u8,
    user_len: usize,
    password: *const u8,
    password_len: usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller; (NULL, 0) is the default realm.
    unsafe {
        sansip_config_set_realm_password(
            config,
            std::ptr::null(),
            0,
            user,
            user_len,
            password,
            password_len,
        )
    }
}

/// Sets the digest credentials for `realm` (compared exactly, as RFC 7616
/// says; `(NULL, 0)`: every realm without its own, like
/// `sansip_config_set_password`), replacing earlier ones for it.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_config_set_realm_password(
    config: *mut sansip_config,
    realm: *const u8,
    realm_len: usize,
    user: *const u8,
    user_len: usize,
    password: *const u8,
    password_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes each buffer valid for its length.
        let realm = unsafe { text(realm, realm_len, "the realm")? };
        // SAFETY: as above.
        let user = unsafe { text(user, user_len, "the user name")? };
        // SAFETY: as above.
        let password = unsafe { text(password, password_len, "the password")? };
        let creds = UserCredentials::password(user, password);
        if realm.is_empty() {
            cfg.credentials.set_default(creds);
        } else {
            cfg.credentials.insert(realm, creds);
        }
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets digest credentials for `realm` (`(NULL, 0)`: every realm without
/// its own) as an HA1 instead of a password: `ha1` is the lower-case hex
/// of `H(user:realm:password)` for the hash of `algorithm` (a
/// `sansip_digest_algorithm`); the password itself need not be stored.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_config_set_realm_ha1(
    config: *mut sansip_config,
    realm: *const u8,
    realm_len: usize,
    user: *const u8,
    user_len: usize,
    algorithm: u32,
    ha1: *const u8,
    ha1_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes each buffer valid for its length.
        let realm = unsafe { text(realm, realm_len, "the realm")? };
        // SAFETY: as above.
        let user = unsafe { text(user, user_len, "the user name")? };
        // SAFETY: as above.
        let ha1 = unsafe { text(ha1, ha1_len, "the HA1")? };
        let creds = UserCredentials::ha1(user, algorithm_from_c(algorithm)?, ha1);
        if realm.is_empty() {
            cfg.credentials.set_default(creds);
        } else {
            cfg.credentials.insert(realm, creds);
        }
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// One optional text setting: `(NULL, 0)` clears it.
///
/// # Safety
/// As every setter.
unsafe fn set_opt_text(
    config: *mut sansip_config,
    ptr: *const u8,
    len: usize,
    what: &str,
    set: impl FnOnce(&mut Config, Option<String>),
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes ptr valid for len bytes.
        let value = unsafe { opt_text(ptr, len, what)? };
        set(cfg, value);
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets the display name put in From (`(NULL, 0)`: none, the default).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_display_name(
    config: *mut sansip_config,
    name: *const u8,
    name_len: usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_opt_text(config, name, name_len, "the display name", |c, v| {
            c.display_name = v
        })
    }
}

/// Sets the user part of our Contact (`(NULL, 0)`: the AOR's user, the
/// default).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_contact_user(
    config: *mut sansip_config,
    user: *const u8,
    user_len: usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_opt_text(config, user, user_len, "the contact user", |c, v| {
            c.contact_user = v
        })
    }
}

/// Sends every request outside a dialog through this proxy (a URI such as
/// `sip:proxy.example.com;transport=tcp`; `(NULL, 0)`: none, the default).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_outbound_proxy(
    config: *mut sansip_config,
    uri: *const u8,
    uri_len: usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_opt_text(config, uri, uri_len, "the outbound proxy", |c, v| {
            c.outbound_proxy = v
        })
    }
}

/// Sets our instance id for RFC 5626/5627 (`urn:uuid:...`): with it,
/// registrations use Outbound and may obtain GRUUs. `(NULL, 0)`: none.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_instance_id(
    config: *mut sansip_config,
    id: *const u8,
    id_len: usize,
) -> sansip_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_opt_text(config, id, id_len, "the instance id", |c, v| {
            c.instance_id = v
        })
    }
}

/// Sets the `User-Agent` (and `Server`) text; `(NULL, 0)` restores the
/// default (`sansip/<version>`).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_user_agent(
    config: *mut sansip_config,
    user_agent: *const u8,
    user_agent_len: usize,
) -> sansip_result {
    let default = Config::new("").user_agent;
    // SAFETY: forwarded from the caller.
    unsafe {
        set_opt_text(
            config,
            user_agent,
            user_agent_len,
            "the user agent",
            |c, v| c.user_agent = v.unwrap_or(default),
        )
    }
}

/// Appends a URI to the preloaded route set (used as Route after the
/// outbound proxy, in the order added).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_add_route(
    config: *mut sansip_config,
    uri: *const u8,
    uri_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes uri valid for uri_len bytes.
        let uri = unsafe { text(uri, uri_len, "the route")? };
        cfg.route_set.push(uri.to_owned());
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Appends an option tag to `Supported` (an extension we support).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_add_supported(
    config: *mut sansip_config,
    tag: *const u8,
    tag_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes tag valid for tag_len bytes.
        let tag = unsafe { text(tag, tag_len, "the option tag")? };
        cfg.supported.push(tag.to_owned());
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}
