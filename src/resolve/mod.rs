//! RFC 3263 server location (placeholder until the resolver lands).
#![allow(missing_docs, dead_code)]

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use crate::message::{Host, SipUri};
use crate::transport::Transport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryId(pub u64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LookupId(pub u64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Naptr,
    Srv,
    A,
    Aaaa,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub id: QueryId,
    pub name: String,
    pub kind: RecordKind,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Naptr {
        order: u16,
        preference: u16,
        flags: String,
        service: String,
        replacement: String,
        ttl: u32,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
        ttl: u32,
    },
    A {
        addr: Ipv4Addr,
        ttl: u32,
    },
    Aaaa {
        addr: Ipv6Addr,
        ttl: u32,
    },
    Address {
        addr: SocketAddr,
        transport: Option<Transport>,
        ttl: u32,
    },
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryFailure {
    NotFound,
    Failed,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    pub host: String,
    pub port: Option<u16>,
    pub transport: Option<Transport>,
    pub secure: bool,
}
impl TargetSpec {
    pub fn from_uri(uri: &SipUri<'_>) -> Self {
        TargetSpec {
            host: uri
                .maddr()
                .map_or_else(|| uri.host.to_string(), str::to_owned),
            port: uri.port,
            transport: uri
                .transport()
                .and_then(|t| match t.to_ascii_lowercase().as_str() {
                    "udp" => Some(Transport::Udp),
                    "tcp" => Some(if uri.secure {
                        Transport::Tls
                    } else {
                        Transport::Tcp
                    }),
                    "tls" => Some(Transport::Tls),
                    "ws" => Some(if uri.secure {
                        Transport::Wss
                    } else {
                        Transport::Ws
                    }),
                    "wss" => Some(Transport::Wss),
                    _ => None,
                }),
            secure: uri.secure,
        }
    }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTarget {
    pub transport: Transport,
    pub addr: SocketAddr,
    pub host: String,
}
#[derive(Debug, Clone)]
pub struct ResolverConfig {
    pub transports: Vec<Transport>,
    pub query_timeout: Duration,
    pub max_cache_entries: usize,
    pub max_lookups: usize,
    pub negative_ttl: Duration,
}
impl Default for ResolverConfig {
    fn default() -> Self {
        ResolverConfig {
            transports: vec![Transport::Udp],
            query_timeout: Duration::from_secs(5),
            max_cache_entries: 256,
            max_lookups: 64,
            negative_ttl: Duration::from_secs(30),
        }
    }
}
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("{name} has no address")]
    NotFound { name: String },
}
#[derive(Debug)]
pub struct Resolver {
    done: std::collections::VecDeque<(LookupId, Result<Vec<ResolvedTarget>, ResolveError>)>,
    next: u64,
}
impl Resolver {
    pub fn new(_config: ResolverConfig, _seed: u64) -> Self {
        Resolver {
            done: Default::default(),
            next: 1,
        }
    }
    pub fn lookup(&mut self, _now: Instant, t: &TargetSpec) -> Result<LookupId, ResolveError> {
        let id = LookupId(self.next);
        self.next += 1;
        let r = match Host::parse(&t.host).ok().and_then(|h| h.ip()) {
            Some(ip) => {
                let transport = t.transport.unwrap_or(if t.secure {
                    Transport::Tls
                } else {
                    Transport::Udp
                });
                Ok(vec![ResolvedTarget {
                    transport,
                    addr: SocketAddr::new(ip, t.port.unwrap_or(transport.default_port())),
                    host: t.host.clone(),
                }])
            }
            None => Err(ResolveError::NotFound {
                name: t.host.clone(),
            }),
        };
        self.done.push_back((id, r));
        Ok(id)
    }
    pub fn poll_query(&mut self) -> Option<Query> {
        None
    }
    pub fn handle_answer(
        &mut self,
        _now: Instant,
        _q: QueryId,
        _a: Result<Vec<Record>, QueryFailure>,
    ) {
    }
    pub fn poll_done(&mut self) -> Option<(LookupId, Result<Vec<ResolvedTarget>, ResolveError>)> {
        self.done.pop_front()
    }
    pub fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    pub fn handle_timeout(&mut self, _now: Instant) {}
    pub fn cancel(&mut self, _l: LookupId) {}
}
