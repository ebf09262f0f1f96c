//! Shared pieces of the resolver tests: record builders, a zone the test
//! answers queries from, and a strategy for arbitrary records.
#![allow(dead_code, clippy::disallowed_methods)] // each test file uses a part; Instant::now() is the origin of virtual time

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Instant;

use proptest::prelude::*;
use sansip::message::Uri;
use sansip::resolve::{
    LookupId, QueryFailure, Record, RecordKind, ResolveError, ResolvedTarget, Resolver,
    ResolverConfig, TargetHost, TargetSpec,
};
use sansip::transport::Transport;

pub(crate) type Zone = BTreeMap<(String, RecordKind), Result<Vec<Record>, QueryFailure>>;
/// The queries a test saw asked, in order.
pub(crate) type Asked = Vec<(String, RecordKind)>;
/// What one lookup ended with.
pub(crate) type Outcome = Result<Vec<ResolvedTarget>, ResolveError>;
pub(crate) type Done = (LookupId, Outcome);

pub(crate) fn config() -> ResolverConfig {
    ResolverConfig {
        transports: vec![Transport::Udp, Transport::Tcp, Transport::Tls],
        ..ResolverConfig::default()
    }
}

pub(crate) fn domain(name: &str) -> TargetSpec {
    TargetSpec {
        host: TargetHost::Name(name.into()),
        port: None,
        transport: None,
        secure: false,
    }
}

pub(crate) fn spec_of(uri: &str) -> TargetSpec {
    let uri = Uri::parse(uri).expect("test URI parses");
    TargetSpec::from_uri(uri.as_sip().expect("a SIP URI"))
}

pub(crate) fn a(ip: &str, ttl: u32) -> Record {
    Record::A {
        addr: ip.parse().expect("IPv4"),
        ttl,
    }
}

pub(crate) fn srv(priority: u16, weight: u16, port: u16, target: &str) -> Record {
    Record::Srv {
        priority,
        weight,
        port,
        target: target.into(),
        ttl: 300,
    }
}

pub(crate) fn naptr(
    order: u16,
    preference: u16,
    flags: &str,
    service: &str,
    replacement: &str,
) -> Record {
    Record::Naptr {
        order,
        preference,
        flags: flags.into(),
        service: service.into(),
        replacement: replacement.into(),
        ttl: 300,
    }
}

pub(crate) fn zone(entries: Vec<(&str, RecordKind, Vec<Record>)>) -> Zone {
    entries
        .into_iter()
        .map(|(n, k, rs)| ((n.to_owned(), k), Ok(rs)))
        .collect()
}

/// Answers every query from `zone` (absent names: NotFound) until none
/// is left; returns the queries asked, in order, and the lookups done.
pub(crate) fn drive(r: &mut Resolver, now: Instant, zone: &Zone) -> (Asked, Vec<Done>) {
    let mut asked = Vec::new();
    for _ in 0..1000 {
        let Some(q) = r.poll_query() else { break };
        asked.push((q.name.clone(), q.kind));
        let answer = zone
            .get(&(q.name, q.kind))
            .cloned()
            .unwrap_or(Err(QueryFailure::NotFound));
        r.handle_answer(now, q.id, answer);
    }
    (asked, std::iter::from_fn(|| r.poll_done()).collect())
}

pub(crate) fn target(t: Transport, addr: &str, host: &str) -> ResolvedTarget {
    ResolvedTarget {
        transport: t,
        addr: addr.parse::<SocketAddr>().expect("socket address"),
        host: host.into(),
    }
}

pub(crate) fn q(n: &str, k: RecordKind) -> (String, RecordKind) {
    (n.to_owned(), k)
}

/// Looks `spec` up against `zone` and returns the queries and the result.
pub(crate) fn resolve_once(
    cfg: ResolverConfig,
    spec: &TargetSpec,
    zone: &Zone,
) -> (Asked, Outcome) {
    let t0 = Instant::now();
    let mut r = Resolver::new(cfg, 1);
    let id = r.lookup(t0, spec).expect("lookup starts");
    let (asked, mut done) = drive(&mut r, t0, zone);
    assert_eq!(done.len(), 1, "exactly one result");
    let (got, result) = done.remove(0);
    assert_eq!(got, id);
    (asked, result)
}

/// An arbitrary record, biased to names the resolver might ask about.
pub(crate) fn any_record() -> impl Strategy<Value = Record> {
    let name = prop_oneof![
        Just(String::from("example.com")),
        Just(String::from("h.example.com")),
        Just(String::from("_sip._udp.example.com")),
        Just(String::from(".")),
        Just(String::new()),
        "[a-z._é ]{0,12}",
    ];
    let service = prop_oneof![
        Just(String::from("SIP+D2U")),
        Just(String::from("SIPS+D2T")),
        "[A-Z+0-9]{0,8}",
    ];
    prop_oneof![
        (
            any::<u16>(),
            any::<u16>(),
            "[sSua]{0,2}",
            service,
            name.clone(),
            any::<u32>()
        )
            .prop_map(|(order, preference, flags, service, replacement, ttl)| {
                Record::Naptr {
                    order,
                    preference,
                    flags,
                    service,
                    replacement,
                    ttl,
                }
            }),
        (any::<u16>(), any::<u16>(), any::<u16>(), name, any::<u32>()).prop_map(
            |(priority, weight, port, target, ttl)| Record::Srv {
                priority,
                weight,
                port,
                target,
                ttl
            }
        ),
        (any::<u32>(), any::<u32>()).prop_map(|(ip, ttl)| Record::A {
            addr: ip.into(),
            ttl
        }),
        (any::<u128>(), any::<u32>()).prop_map(|(ip, ttl)| Record::Aaaa {
            addr: ip.into(),
            ttl
        }),
        (any::<u32>(), any::<u16>(), any::<u32>()).prop_map(|(ip, port, ttl)| Record::Address {
            addr: SocketAddr::new(std::net::Ipv4Addr::from(ip).into(), port),
            transport: None,
            ttl
        }),
    ]
}
