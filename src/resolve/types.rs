//! The resolver's public types: ids, queries and the records that answer
//! them, what to look up, what comes out, settings and errors.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use thiserror::Error;

use crate::message::{Host, SipUri};
use crate::transport::Transport;

/// Identifies one DNS query the resolver asked the host to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryId(pub u64);

/// Identifies one lookup (one [`TargetSpec`] being located).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LookupId(pub u64);

/// The DNS record type a query asks for. The host follows CNAMEs itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// NAPTR (RFC 3403), to pick a transport (RFC 3263 §4.1).
    Naptr,
    /// SRV (RFC 2782), to find the servers of one transport.
    Srv,
    /// IPv4 addresses.
    A,
    /// IPv6 addresses.
    Aaaa,
}

/// A DNS query for the host to make; answer it with
/// [`Resolver::handle_answer`](super::Resolver::handle_answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The id to answer with.
    pub id: QueryId,
    /// The name to look up, lower case, without a trailing dot.
    pub name: String,
    /// The record type wanted.
    pub kind: RecordKind,
}

/// One record of an answer. Records of a kind other than the one asked
/// for are ignored, except [`Record::Address`], which any query accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A NAPTR record (RFC 3403).
    Naptr {
        /// Lower is tried first.
        order: u16,
        /// Lower is tried first among records of one order.
        preference: u16,
        /// Flags; only `s` (the replacement is an SRV name) is used.
        flags: String,
        /// The service, such as `SIP+D2U` or `SIPS+D2W`.
        service: String,
        /// The name to look up next.
        replacement: String,
        /// Seconds the record may be cached.
        ttl: u32,
    },
    /// An SRV record (RFC 2782).
    Srv {
        /// Lower is tried first.
        priority: u16,
        /// Relative share among records of one priority.
        weight: u16,
        /// The port of the service on the target.
        port: u16,
        /// The server's name; `.` says the service is not offered.
        target: String,
        /// Seconds the record may be cached.
        ttl: u32,
    },
    /// An IPv4 address.
    A {
        /// The address.
        addr: Ipv4Addr,
        /// Seconds the record may be cached.
        ttl: u32,
    },
    /// An IPv6 address.
    Aaaa {
        /// The address.
        addr: Ipv6Addr,
        /// Seconds the record may be cached.
        ttl: u32,
    },
    /// A ready address, for a host that resolves by other means
    /// (getaddrinfo, a fixed table) and answers any query with it. It ends
    /// that branch of the lookup: no further query follows from it.
    Address {
        /// The address. Port 0 means "the port the lookup chose" (from SRV
        /// or the transport's default).
        addr: SocketAddr,
        /// The transport, or `None` for the one the lookup chose. A
        /// transport the lookup cannot use drops the record.
        transport: Option<Transport>,
        /// Seconds the record may be cached.
        ttl: u32,
    },
}

impl Record {
    /// The record's TTL in seconds.
    pub fn ttl(&self) -> u32 {
        match *self {
            Record::Naptr { ttl, .. }
            | Record::Srv { ttl, .. }
            | Record::A { ttl, .. }
            | Record::Aaaa { ttl, .. }
            | Record::Address { ttl, .. } => ttl,
        }
    }
}

/// Why a query has no records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryFailure {
    /// The name does not exist, or has no records of the kind (NXDOMAIN,
    /// NODATA). Cached for [`ResolverConfig::negative_ttl`].
    NotFound,
    /// The query could not be answered (SERVFAIL, a timeout on the host's
    /// side). Not cached.
    Failed,
}

/// The host part of a [`TargetSpec`], owned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TargetHost {
    /// A domain name.
    Name(String),
    /// An IP address: no DNS is needed.
    Ip(IpAddr),
}

impl From<Host<'_>> for TargetHost {
    fn from(host: Host<'_>) -> Self {
        match host {
            Host::Domain(d) => TargetHost::Name(d.to_owned()),
            Host::Ipv4(a) => TargetHost::Ip(IpAddr::V4(a)),
            Host::Ipv6(a) => TargetHost::Ip(IpAddr::V6(a)),
        }
    }
}

/// What to locate: read from a SIP or SIPS URI with
/// [`TargetSpec::from_uri`], or built directly (an outbound proxy, a Via
/// sent-by).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetSpec {
    /// The host to locate.
    pub host: TargetHost,
    /// The port, if given: then no NAPTR or SRV query is made.
    pub port: Option<u16>,
    /// The transport, if given: then no NAPTR query is made.
    pub transport: Option<Transport>,
    /// A `sips:` target: only TLS and WSS may be used.
    pub secure: bool,
}

impl TargetSpec {
    /// The target of a SIP or SIPS URI (RFC 3263 §4): `maddr`, when
    /// present, stands in for the host; `transport=tcp` in a `sips:` URI
    /// means TLS and `transport=ws` means WSS.
    ///
    /// A `transport` value this stack does not run (`sctp`, an extension)
    /// is dropped, as if absent; the caller can check
    /// [`SipUri::transport`] itself to refuse such a URI instead.
    ///
    /// ```
    /// use sansip::message::Uri;
    /// use sansip::resolve::{TargetHost, TargetSpec};
    /// use sansip::transport::Transport;
    ///
    /// let uri = Uri::parse("sips:alice@Example.com;transport=tcp;maddr=192.0.2.9").unwrap();
    /// let spec = TargetSpec::from_uri(uri.as_sip().unwrap());
    /// assert_eq!(spec.host, TargetHost::Ip("192.0.2.9".parse().unwrap()));
    /// assert_eq!(spec.transport, Some(Transport::Tls));
    /// assert!(spec.secure);
    /// ```
    pub fn from_uri(uri: &SipUri<'_>) -> Self {
        let host = match uri.maddr() {
            // An unreadable maddr still overrides the host, so that the
            // lookup fails rather than silently going somewhere else.
            Some(maddr) => Host::parse(maddr)
                .map(TargetHost::from)
                .unwrap_or_else(|_| TargetHost::Name(maddr.to_owned())),
            None => TargetHost::from(uri.host),
        };
        let transport = uri
            .transport()
            .and_then(|t| transport_from_param(t, uri.secure));
        TargetSpec {
            host,
            port: uri.port,
            transport,
            secure: uri.secure,
        }
    }
}

/// The transport a `transport=` URI parameter names.
fn transport_from_param(value: &str, secure: bool) -> Option<Transport> {
    let t = if value.eq_ignore_ascii_case("udp") {
        Transport::Udp
    } else if value.eq_ignore_ascii_case("tcp") {
        if secure {
            Transport::Tls
        } else {
            Transport::Tcp
        }
    } else if value.eq_ignore_ascii_case("tls") {
        // Deprecated by RFC 3261 but still seen.
        Transport::Tls
    } else if value.eq_ignore_ascii_case("ws") {
        if secure {
            Transport::Wss
        } else {
            Transport::Ws
        }
    } else if value.eq_ignore_ascii_case("wss") {
        Transport::Wss
    } else {
        return None;
    };
    Some(t)
}

/// One place to send to, in the order to try.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedTarget {
    /// The transport.
    pub transport: Transport,
    /// The address and port.
    pub addr: SocketAddr,
    /// The domain the lookup started from (lower case), or the IP literal:
    /// the name to send in TLS SNI and check the certificate against
    /// (RFC 5922 §4) and to put in a WebSocket `Host`.
    pub host: String,
}

/// Settings of a [`Resolver`](super::Resolver).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverConfig {
    /// The transports the user agent can use. Their order is the
    /// preference when DNS gives none (no NAPTR records).
    pub transports: Vec<Transport>,
    /// Also ask AAAA for every server name (after A in the result).
    pub ipv6: bool,
    /// How long the host has to answer a query before it counts as
    /// [`QueryFailure::Failed`].
    pub query_timeout: Duration,
    /// Most cached answers; past it the one expiring first is dropped.
    pub max_cache_entries: usize,
    /// Most lookups under way or finished but not yet taken by
    /// [`Resolver::poll_done`](super::Resolver::poll_done).
    pub max_lookups: usize,
    /// How long a name that does not exist is remembered.
    pub negative_ttl: Duration,
}

impl Default for ResolverConfig {
    fn default() -> Self {
        ResolverConfig {
            transports: vec![Transport::Udp, Transport::Tcp, Transport::Tls],
            ipv6: false,
            query_timeout: Duration::from_secs(5),
            max_cache_entries: 1024,
            max_lookups: 256,
            negative_ttl: Duration::from_secs(30),
        }
    }
}

/// Why a lookup gave no target.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// DNS gave no usable address for the name (every branch ended in
    /// NXDOMAIN, no records, failures, or SRV's "not offered").
    #[error("no address found for {name}")]
    NotFound {
        /// The name looked up.
        name: String,
    },
    /// The target asks for a transport the user agent cannot use, or is
    /// `sips:` and the user agent has no secure transport.
    #[error("no usable transport for {name} (asked for {asked:?}, secure: {secure})")]
    NoUsableTransport {
        /// The host looked up.
        name: String,
        /// The transport the target asked for, if any.
        asked: Option<Transport>,
        /// Whether the target required TLS or WSS.
        secure: bool,
    },
    /// The name cannot be a DNS name (empty, too long, a stray character).
    #[error("{name:?} is not a valid host name")]
    InvalidName {
        /// The name as given.
        name: String,
    },
    /// [`ResolverConfig::max_lookups`] lookups are already under way.
    #[error("too many lookups under way (limit {limit})")]
    TooManyLookups {
        /// The limit.
        limit: usize,
    },
}
