//! The settings of an [`Endpoint`](super::Endpoint).

use std::net::SocketAddr;
use std::time::Duration;

use crate::auth::CredentialStore;
use crate::message::Limits;
use crate::transaction::TimerConfig;
use crate::transport::Transport;

/// A local address the host listens on (or sends from) for one transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalAddr {
    /// The transport.
    pub transport: Transport,
    /// The address (for UDP: the socket sansip sends from).
    pub addr: SocketAddr,
}

/// Which sources may send us requests outside a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourcePolicy {
    /// Anyone.
    #[default]
    Any,
    /// Only the flows and addresses of our registrars and outbound proxy:
    /// a phone behind a PBX ignores scanners. Other requests are dropped
    /// without an answer (counted in [`EndpointStats`](super::EndpointStats)).
    RegisteredOnly,
}

/// What happens to an incoming MESSAGE (RFC 3428).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePolicy {
    /// Content types accepted (`type/subtype`, without case); others get
    /// 415 with an `Accept` header. Empty: any.
    pub accept: Vec<String>,
    /// Largest body accepted; larger gets 413.
    pub max_body: usize,
}

impl Default for MessagePolicy {
    fn default() -> Self {
        MessagePolicy {
            accept: vec!["text/plain".into()],
            max_body: 1300,
        }
    }
}

/// How sansip reconnects a registration's flow after it fails (the
/// defaults are those the SIP.js guide recommends to apps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Connection attempts before the registration is reported failed and
    /// left to the RFC 5626 §4.5 backoff.
    pub attempts: u32,
    /// Delay before each attempt.
    pub delay: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            attempts: 3,
            delay: Duration::from_secs(4),
        }
    }
}

/// What sansip sends by itself when a call arrives (after reporting
/// [`Event::IncomingCall`](super::Event::IncomingCall)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RingPolicy {
    /// Nothing: the application sends `progress` (the INVITE transaction
    /// still sends 100 Trying after 200 ms).
    #[default]
    Manual,
    /// 180 Ringing at once; reliable (RFC 3262) only when the INVITE
    /// requires 100rel.
    Ringing,
    /// 180 Ringing at once, reliable whenever the caller supports 100rel:
    /// the caller then knows for sure that the phone rings.
    ReliableRinging,
}

/// Settings of an [`Endpoint`](super::Endpoint).
///
/// Only `aor` and one local address are required:
/// ```
/// use sansip::endpoint::{Config, LocalAddr};
/// use sansip::transport::Transport;
/// let config = Config {
///     local: vec![LocalAddr { transport: Transport::Udp, addr: "192.0.2.1:5060".parse()? }],
///     ..Config::new("sip:alice@example.com")
/// };
/// assert_eq!(config.refresh_fraction, 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Our address of record (`sip:alice@example.com`).
    pub aor: String,
    /// Display name for From.
    pub display_name: Option<String>,
    /// User part of our Contact (default: the AOR's user).
    pub contact_user: Option<String>,
    /// The addresses the host has, per transport.
    pub local: Vec<LocalAddr>,
    /// Transports the host can use for requests, in order of preference
    /// when DNS leaves the choice (RFC 3263 §4.1). Empty: those of `local`.
    pub transports: Vec<Transport>,
    /// Send every request outside a dialog through this proxy (a URI such
    /// as `sip:proxy.example.com;transport=tcp`); it becomes the first Route.
    pub outbound_proxy: Option<String>,
    /// A preloaded route set (URIs, used as Route after the outbound proxy).
    pub route_set: Vec<String>,
    /// Digest credentials, per realm.
    pub credentials: CredentialStore,
    /// The `User-Agent` (and `Server`) text.
    pub user_agent: String,
    /// T1, T2, T4 and the derived timers.
    pub timers: TimerConfig,
    /// Parser limits for received messages.
    pub limits: Limits,
    /// Most live transactions.
    pub max_transactions: usize,
    /// Most flows (connections) tracked at once.
    pub max_flows: usize,
    /// Most registrations, and most MESSAGEs in flight.
    pub max_usages: usize,
    /// Seed of every random token (branch, tag, Call-ID, cnonce). Seed it
    /// from a CSPRNG in production; pin it in tests.
    pub seed: u64,
    /// Our instance id for RFC 5626/5627 (`urn:uuid:...`): with it,
    /// registrations use Outbound and may obtain GRUUs.
    pub instance_id: Option<String>,
    /// Extensions we support (option tags for `Supported`).
    pub supported: Vec<String>,
    /// The event packages we take subscriptions for (RFC 6665 §8.2.2):
    /// a SUBSCRIBE for another gets 489 Bad Event, and the list goes out
    /// in `Allow-Events` (OPTIONS answers, REGISTER, INVITE and our
    /// answers to it). Empty: any package reaches the application, and no
    /// `Allow-Events` is sent. Default: `presence`, `dialog`,
    /// `message-summary`.
    pub events: Vec<String>,
    /// Refresh a registration after this fraction of the granted time.
    pub refresh_fraction: f64,
    /// Reconnection after a registration's flow fails.
    pub reconnect: ReconnectPolicy,
    /// Who may send us requests.
    pub sources: SourcePolicy,
    /// Incoming MESSAGE handling.
    pub messages: MessagePolicy,
    /// Keep-alive interval on a registration's flow when the registrar
    /// sends no `Flow-Timer` (RFC 5626 §4.4.1 suggests 95–120 s for
    /// connections; UDP NAT bindings need 25–30 s).
    pub keepalive_interval: Duration,
    /// Session timers (RFC 4028) asked for in our INVITEs and granted to
    /// callers that ask (`None`: none asked, none granted).
    pub session_timer: Option<crate::usage::session_timer::SessionTimerConfig>,
    /// What this user agent's media can do, so that sansip answers offers
    /// by itself (RFC 3264, first common codec): `accept` without SDP, the
    /// peer's offer in the 2xx to an INVITE without one, a re-INVITE or
    /// UPDATE that adds a stream. `None`: answers come from the
    /// application, or from the media already agreed in the call.
    pub media: Option<crate::sdp::Capabilities>,
    /// What sansip sends by itself when a call arrives, before the
    /// application answers it (default [`RingPolicy::Manual`]).
    pub ring: RingPolicy,
    /// An incoming call neither answered nor rejected within this is
    /// declined with 480 (default 180 s, as a proxy's Timer C; `None`:
    /// never, the caller must give up). Without it a caller that vanishes
    /// without CANCEL would hold a call slot for ever. The same limit
    /// cancels our own INVITE, and our re-INVITE, that the peer only
    /// rings for (a re-INVITE left ringing would block every later offer
    /// of the call).
    pub unanswered_timeout: Option<Duration>,
    /// How long the host has to open a connection asked for with
    /// `Output::Connect` before sansip gives up on it.
    pub connect_timeout: Duration,
    /// STUN keep-alive interval on a UDP registration without `Flow-Timer`
    /// (NAT bindings for UDP last about 30 s).
    pub udp_keepalive_interval: Duration,
}

impl Config {
    /// Defaults for the AOR `aor`; add at least one [`LocalAddr`].
    pub fn new(aor: impl Into<String>) -> Config {
        Config {
            aor: aor.into(),
            display_name: None,
            contact_user: None,
            local: Vec::new(),
            transports: Vec::new(),
            outbound_proxy: None,
            route_set: Vec::new(),
            credentials: CredentialStore::new(),
            user_agent: concat!("sansip/", env!("CARGO_PKG_VERSION")).into(),
            timers: TimerConfig::default(),
            limits: Limits::default(),
            max_transactions: 10_000,
            max_flows: 1_024,
            max_usages: 1_024,
            seed: 0,
            instance_id: None,
            supported: Vec::new(),
            events: ["presence", "dialog", "message-summary"]
                .map(String::from)
                .to_vec(),
            refresh_fraction: 0.9,
            reconnect: ReconnectPolicy::default(),
            sources: SourcePolicy::Any,
            messages: MessagePolicy::default(),
            keepalive_interval: Duration::from_secs(120),
            udp_keepalive_interval: Duration::from_secs(25),
            connect_timeout: Duration::from_secs(10),
            session_timer: Some(Default::default()),
            media: None,
            ring: RingPolicy::Manual,
            unanswered_timeout: Some(Duration::from_secs(180)),
        }
    }
}

/// Why a [`Config`] was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The AOR is not a SIP or SIPS URI with a user.
    #[error("the AOR {aor:?} is not a sip: or sips: URI with a user part")]
    BadAor {
        /// The AOR as given.
        aor: String,
    },
    /// A proxy or route URI is not a SIP or SIPS URI.
    #[error("the route URI {uri:?} is not a sip: or sips: URI")]
    BadRoute {
        /// The URI as given.
        uri: String,
    },
    /// No local address was given.
    #[error("no local address: add one per transport the host serves")]
    NoLocalAddress,
    /// A text setting holds a line break or is otherwise unusable in a header.
    #[error("the setting {setting} cannot go into a header: {value:?}")]
    BadText {
        /// Which setting.
        setting: &'static str,
        /// Its value.
        value: String,
    },
    /// `refresh_fraction` is not in (0, 1].
    #[error("refresh_fraction must be in (0, 1], got {0}")]
    BadRefreshFraction(f64),
    /// T1 or T4 is zero, or T2 is below T1 (RFC 3261 §17: T1 doubles up
    /// to T2).
    #[error("timers must have T1 > 0, T2 >= T1 and T4 > 0, got T1 {t1:?}, T2 {t2:?}, T4 {t4:?}")]
    BadTimers {
        /// T1.
        t1: Duration,
        /// T2.
        t2: Duration,
        /// T4.
        t4: Duration,
    },
}
