//! `sansip_config_*` for behaviour: timers, limits, session timers, what
//! sansip does with incoming calls, MESSAGEs and SUBSCRIBEs, and who may
//! send us requests.

use std::time::Duration;

use super::boundary::choice;
use super::config::with_config;
use super::handle::sansip_config;
use super::result::{sansip_result, Error};
use super::str::{sansip_str, strings};
use crate::endpoint::{Config, RingPolicy, SourcePolicy};
use crate::usage::session_timer::SessionTimerConfig;

/// What sansip sends by itself when a call arrives
/// (`sansip_config_set_ring_policy`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_ring_policy {
    /// Nothing: the application calls `sansip_endpoint_progress` (the
    /// INVITE transaction still sends 100 Trying after 200 ms). The default.
    Manual = 0,
    /// 180 Ringing at once; reliable (RFC 3262) only when the INVITE
    /// requires 100rel.
    Ringing = 1,
    /// 180 Ringing at once, reliable whenever the caller supports 100rel.
    ReliableRinging = 2,
}

/// Who may send us requests outside a dialog
/// (`sansip_config_set_source_policy`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_source_policy {
    /// Anyone (the default).
    Any = 0,
    /// Only our registrars and outbound proxy; other requests are dropped.
    RegisteredOnly = 1,
}

/// The durations `sansip_config_set_duration` sets.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_duration {
    /// T1, the RTT estimate (default 500 ms; must not be 0).
    T1 = 0,
    /// T2, the longest retransmit interval (default 4 s; not below T1).
    T2 = 1,
    /// T4, the longest time a message stays in the network (default 5 s).
    T4 = 2,
    /// How long an INVITE server transaction waits before it sends 100
    /// Trying itself (default 200 ms).
    TryingDelay = 3,
    /// Timer D on unreliable transports (default 32 s).
    TimerD = 4,
    /// Keep-alive interval on a registration's connection without
    /// `Flow-Timer` (default 120 s).
    KeepaliveInterval = 5,
    /// STUN keep-alive interval on a UDP registration without
    /// `Flow-Timer` (default 25 s).
    UdpKeepaliveInterval = 6,
    /// How long the host has to open a connection (default 10 s).
    ConnectTimeout = 7,
    /// The delay before each reconnection attempt of a registration's
    /// flow (default 4 s).
    ReconnectDelay = 8,
}

/// The limits `sansip_config_set_limit` sets.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_limit {
    /// Largest message received, in bytes (default 65536).
    MaxMessageSize = 0,
    /// Largest body received, in bytes (default 61440).
    MaxBodySize = 1,
    /// Most header fields in a message received (default 128).
    MaxHeaders = 2,
    /// Longest line of a message received, in bytes (default 8192).
    MaxLineLength = 3,
    /// Most Via values (default 71).
    MaxVia = 4,
    /// Most Route plus Record-Route values (default 32).
    MaxRoute = 5,
    /// Most live transactions (default 10000).
    MaxTransactions = 6,
    /// Most connections tracked (default 1024).
    MaxFlows = 7,
    /// Most registrations, calls, subscriptions, and MESSAGEs in flight
    /// (each; default 1024).
    MaxUsages = 8,
    /// Largest body of an incoming MESSAGE accepted (larger gets 413;
    /// default 1300).
    MaxIncomingMessageBody = 9,
    /// Connection attempts before a registration's failed flow is reported
    /// (default 3).
    ReconnectAttempts = 10,
}

const DURATIONS: [sansip_duration; 9] = [
    sansip_duration::T1,
    sansip_duration::T2,
    sansip_duration::T4,
    sansip_duration::TryingDelay,
    sansip_duration::TimerD,
    sansip_duration::KeepaliveInterval,
    sansip_duration::UdpKeepaliveInterval,
    sansip_duration::ConnectTimeout,
    sansip_duration::ReconnectDelay,
];

const LIMITS: [sansip_limit; 11] = [
    sansip_limit::MaxMessageSize,
    sansip_limit::MaxBodySize,
    sansip_limit::MaxHeaders,
    sansip_limit::MaxLineLength,
    sansip_limit::MaxVia,
    sansip_limit::MaxRoute,
    sansip_limit::MaxTransactions,
    sansip_limit::MaxFlows,
    sansip_limit::MaxUsages,
    sansip_limit::MaxIncomingMessageBody,
    sansip_limit::ReconnectAttempts,
];

/// Sets one duration (`which`, a `sansip_duration`) to `value_us`
/// microseconds.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_duration(
    config: *mut sansip_config,
    which: u32,
    value_us: u64,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        let d = Duration::from_micros(value_us);
        match choice(which, DURATIONS, "sansip_duration")? {
            sansip_duration::T1 => cfg.timers.t1 = d,
            sansip_duration::T2 => cfg.timers.t2 = d,
            sansip_duration::T4 => cfg.timers.t4 = d,
            sansip_duration::TryingDelay => cfg.timers.trying_delay = d,
            sansip_duration::TimerD => cfg.timers.timer_d = d,
            sansip_duration::KeepaliveInterval => cfg.keepalive_interval = d,
            sansip_duration::UdpKeepaliveInterval => cfg.udp_keepalive_interval = d,
            sansip_duration::ConnectTimeout => cfg.connect_timeout = d,
            sansip_duration::ReconnectDelay => cfg.reconnect.delay = d,
        }
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets one limit (`which`, a `sansip_limit`) to `value`.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_limit(
    config: *mut sansip_config,
    which: u32,
    value: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        let l = &mut cfg.limits;
        match choice(which, LIMITS, "sansip_limit")? {
            sansip_limit::MaxMessageSize => l.max_message_size = value,
            sansip_limit::MaxBodySize => l.max_body_size = value,
            sansip_limit::MaxHeaders => l.max_headers = value,
            sansip_limit::MaxLineLength => l.max_line_length = value,
            sansip_limit::MaxVia => l.max_via = value,
            sansip_limit::MaxRoute => l.max_route = value,
            sansip_limit::MaxTransactions => cfg.max_transactions = value,
            sansip_limit::MaxFlows => cfg.max_flows = value,
            sansip_limit::MaxUsages => cfg.max_usages = value,
            sansip_limit::MaxIncomingMessageBody => cfg.messages.max_body = value,
            sansip_limit::ReconnectAttempts => {
                cfg.reconnect.attempts = u32::try_from(value).map_err(|_| {
                    Error::new(
                        sansip_result::InvalidArgument,
                        format!("{value} reconnection attempts is too many"),
                    )
                })?
            }
        }
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Session timers (RFC 4028): `enabled` asks for `expires` seconds in our
/// INVITEs and grants them to callers that ask, refusing intervals below
/// `min_se` (at least 90). 0 for either keeps sansip's default (1800, 90).
/// Disabled: none asked, none granted. On by default.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_session_timer(
    config: *mut sansip_config,
    enabled: bool,
    expires: u32,
    min_se: u32,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        if !enabled {
            cfg.session_timer = None;
            return Ok(());
        }
        let default = SessionTimerConfig::default();
        let t = SessionTimerConfig {
            expires: if expires == 0 {
                default.expires
            } else {
                expires
            },
            min_se: if min_se == 0 { default.min_se } else { min_se },
        };
        if t.min_se < 90 || t.expires < t.min_se {
            return Err(Error::new(
                sansip_result::InvalidArgument,
                format!(
                    "a session interval of {} s with Min-SE {} s: Min-SE must be at least 90 \
                     and the interval at least Min-SE (RFC 4028 §4)",
                    t.expires, t.min_se
                ),
            ));
        }
        cfg.session_timer = Some(t);
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets what sansip sends by itself when a call arrives (`policy`, a
/// `sansip_ring_policy`).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_ring_policy(
    config: *mut sansip_config,
    policy: u32,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        cfg.ring = choice(
            policy,
            [
                RingPolicy::Manual,
                RingPolicy::Ringing,
                RingPolicy::ReliableRinging,
            ],
            "sansip_ring_policy",
        )?;
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets who may send us requests outside a dialog (`policy`, a
/// `sansip_source_policy`).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_source_policy(
    config: *mut sansip_config,
    policy: u32,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        cfg.sources = choice(
            policy,
            [SourcePolicy::Any, SourcePolicy::RegisteredOnly],
            "sansip_source_policy",
        )?;
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Refreshes registrations after this fraction of the granted time
/// (default 0.9; `sansip_endpoint_new` refuses values outside (0, 1]).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_refresh_fraction(
    config: *mut sansip_config,
    fraction: f64,
) -> sansip_result {
    // SAFETY: the caller passes a live config (or NULL).
    unsafe {
        with_config(config, |cfg| {
            cfg.refresh_fraction = fraction;
            Ok(())
        })
    }
}

/// Sets the event packages we take subscriptions for (RFC 6665 §8.2.2),
/// replacing the list: a SUBSCRIBE for another gets 489, and the list goes
/// out in `Allow-Events`. `(NULL, 0)`: any package reaches the application
/// and no `Allow-Events` is sent. Default: `presence`, `dialog`,
/// `message-summary`.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_events(
    config: *mut sansip_config,
    events: *const sansip_str,
    events_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes events valid for events_len items.
        cfg.events = unsafe { strings(events, events_len, "an event package")? };
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets the content types (`type/subtype`) accepted in an incoming
/// MESSAGE, replacing the list; others get 415. `(NULL, 0)`: any.
/// Default: `text/plain`.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_message_types(
    config: *mut sansip_config,
    types: *const sansip_str,
    types_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes types valid for types_len items.
        cfg.messages.accept = unsafe { strings(types, types_len, "a content type")? };
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}
