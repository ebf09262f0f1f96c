//! RFC 3263 server location through the sans-IO `Resolver`: each test is a
//! scenario, with a small zone the test answers queries from and virtual
//! time from an arbitrary origin.
#![allow(clippy::disallowed_methods)] // Instant::now() is only the origin of virtual time

mod resolve_util;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use resolve_util::*;
use sansip::resolve::{
    QueryFailure, QueryId, Record, RecordKind, ResolveError, Resolver, ResolverConfig, TargetHost,
    TargetSpec,
};
use sansip::transport::Transport;

#[test]
fn numeric_ipv4_host_asks_no_query_and_uses_udp_on_5060() {
    let (asked, result) = resolve_once(config(), &spec_of("sip:bob@192.0.2.7"), &Zone::new());
    assert!(asked.is_empty());
    assert_eq!(
        result.unwrap(),
        [target(Transport::Udp, "192.0.2.7:5060", "192.0.2.7")]
    );
}

#[test]
fn numeric_ipv6_sips_host_uses_tls_on_5061_and_a_given_port_wins() {
    let (asked, result) = resolve_once(config(), &spec_of("sips:[2001:db8::1]"), &Zone::new());
    assert!(asked.is_empty());
    assert_eq!(
        result.unwrap(),
        [target(Transport::Tls, "[2001:db8::1]:5061", "2001:db8::1")]
    );
    let (_, result) = resolve_once(
        config(),
        &spec_of("sip:192.0.2.7:7000;transport=tcp"),
        &Zone::new(),
    );
    assert_eq!(
        result.unwrap(),
        [target(Transport::Tcp, "192.0.2.7:7000", "192.0.2.7")]
    );
}

#[test]
fn explicit_port_skips_naptr_and_srv_and_asks_a_only() {
    let z = zone(vec![(
        "example.com",
        RecordKind::A,
        vec![a("192.0.2.1", 60), a("192.0.2.2", 60)],
    )]);
    let (asked, result) = resolve_once(config(), &spec_of("sip:example.com:5070"), &z);
    assert_eq!(asked, [q("example.com", RecordKind::A)]);
    assert_eq!(
        result.unwrap(),
        [
            target(Transport::Udp, "192.0.2.1:5070", "example.com"),
            target(Transport::Udp, "192.0.2.2:5070", "example.com"),
        ]
    );
}

#[test]
fn transport_param_asks_srv_for_that_transport_only() {
    let z = zone(vec![
        (
            "_sip._tcp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5080, "pbx.example.com.")],
        ),
        ("pbx.example.com", RecordKind::A, vec![a("192.0.2.3", 60)]),
    ]);
    let (asked, result) = resolve_once(config(), &spec_of("sip:EXAMPLE.com;transport=TCP"), &z);
    assert_eq!(
        asked,
        [
            q("_sip._tcp.example.com", RecordKind::Srv),
            q("pbx.example.com", RecordKind::A)
        ]
    );
    assert_eq!(
        result.unwrap(),
        [target(Transport::Tcp, "192.0.2.3:5080", "example.com")]
    );
}

#[test]
fn naptr_then_srv_priorities_then_a_gives_the_ordered_list() {
    let z = zone(vec![
        (
            "example.com",
            RecordKind::Naptr,
            vec![naptr(10, 50, "s", "SIP+D2T", "_sip._tcp.example.com")],
        ),
        (
            "_sip._tcp.example.com",
            RecordKind::Srv,
            // Listed backwards: priority, not the answer's order, decides.
            vec![
                srv(20, 0, 5070, "backup.example.com"),
                srv(10, 0, 5060, "main.example.com"),
            ],
        ),
        (
            "main.example.com",
            RecordKind::A,
            vec![a("192.0.2.10", 60), a("192.0.2.11", 60)],
        ),
        (
            "backup.example.com",
            RecordKind::A,
            vec![a("192.0.2.20", 60)],
        ),
    ]);
    let (asked, result) = resolve_once(config(), &domain("example.com"), &z);
    assert_eq!(
        asked,
        [
            q("example.com", RecordKind::Naptr),
            q("_sip._tcp.example.com", RecordKind::Srv),
            q("main.example.com", RecordKind::A),
            q("backup.example.com", RecordKind::A),
        ]
    );
    assert_eq!(
        result.unwrap(),
        [
            target(Transport::Tcp, "192.0.2.10:5060", "example.com"),
            target(Transport::Tcp, "192.0.2.11:5060", "example.com"),
            target(Transport::Tcp, "192.0.2.20:5070", "example.com"),
        ]
    );
}

#[test]
fn naptr_order_then_preference_orders_transports() {
    let z = zone(vec![
        (
            "example.com",
            RecordKind::Naptr,
            vec![
                naptr(20, 10, "s", "SIP+D2U", "_sip._udp.example.com"),
                naptr(10, 90, "S", "SIP+D2T", "_sip._tcp.example.com"),
                naptr(10, 50, "s", "SIPS+D2T", "_sips._tcp.example.com"),
            ],
        ),
        (
            "_sip._udp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5060, "h.example.com")],
        ),
        (
            "_sip._tcp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5060, "h.example.com")],
        ),
        (
            "_sips._tcp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5061, "h.example.com")],
        ),
        ("h.example.com", RecordKind::A, vec![a("192.0.2.1", 60)]),
    ]);
    let (asked, result) = resolve_once(config(), &domain("example.com"), &z);
    // One A query for the one server name shared by three services.
    assert_eq!(asked.iter().filter(|x| x.1 == RecordKind::A).count(), 1);
    let order: Vec<Transport> = result.unwrap().iter().map(|t| t.transport).collect();
    assert_eq!(order, [Transport::Tls, Transport::Tcp, Transport::Udp]);
}

fn weighted_zone() -> Zone {
    zone(vec![
        (
            "_sip._udp.example.com",
            RecordKind::Srv,
            vec![
                srv(1, 25, 5060, "light.example.com"),
                srv(1, 75, 5060, "heavy.example.com"),
            ],
        ),
        ("light.example.com", RecordKind::A, vec![a("192.0.2.1", 60)]),
        ("heavy.example.com", RecordKind::A, vec![a("192.0.2.2", 60)]),
    ])
}

fn first_with_seed(seed: u64) -> SocketAddr {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), seed);
    r.lookup(t0, &spec_of("sip:example.com;transport=udp"))
        .unwrap();
    let (_, done) = drive(&mut r, t0, &weighted_zone());
    let list = done.into_iter().next().unwrap().1.unwrap();
    assert_eq!(list.len(), 2, "both servers listed whatever the draw");
    list[0].addr
}

#[test]
fn srv_weights_are_deterministic_per_seed_and_roughly_proportional() {
    for seed in 0..20 {
        assert_eq!(first_with_seed(seed), first_with_seed(seed));
    }
    let heavy: SocketAddr = "192.0.2.2:5060".parse().unwrap();
    let n = 2000;
    let heavy_first = (0..n).filter(|&s| first_with_seed(s) == heavy).count();
    // Weight 75 of 100: about 75% first (RFC 2782's draw over 0..=sum
    // gives 75/101 in expectation).
    let share = heavy_first as f64 / n as f64;
    assert!((0.70..0.80).contains(&share), "heavy first {share}");
}

#[test]
fn naptr_with_unsupported_services_or_flags_is_ignored() {
    let z = zone(vec![
        (
            "example.com",
            RecordKind::Naptr,
            vec![
                naptr(1, 1, "s", "SIP+D2S", "_sip._sctp.example.com"),
                naptr(2, 1, "u", "E2U+sip", "!^.*$!sip:x@y!"),
                naptr(3, 1, "s", "SIP+D2W", "_sip._ws.example.com"),
                naptr(4, 1, "a", "SIP+D2T", "tcp.example.com"),
                naptr(5, 1, "s", "SIP+D2U", "_sip._udp.example.com"),
            ],
        ),
        (
            "_sip._udp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5060, "h.example.com")],
        ),
        ("h.example.com", RecordKind::A, vec![a("192.0.2.1", 60)]),
    ]);
    let (asked, result) = resolve_once(config(), &domain("example.com"), &z);
    assert_eq!(asked[1], q("_sip._udp.example.com", RecordKind::Srv));
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert_eq!(
        result.unwrap(),
        [target(Transport::Udp, "192.0.2.1:5060", "example.com")]
    );
}

#[test]
fn websocket_naptr_is_used_when_the_ua_runs_ws() {
    let z = zone(vec![
        (
            "example.com",
            RecordKind::Naptr,
            vec![naptr(1, 1, "s", "SIPS+D2W", "_sips._ws.example.com")],
        ),
        (
            "_sips._ws.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 443, "ws.example.com")],
        ),
        ("ws.example.com", RecordKind::A, vec![a("192.0.2.5", 60)]),
    ]);
    let cfg = ResolverConfig {
        transports: vec![Transport::Wss],
        ..config()
    };
    let (_, result) = resolve_once(cfg, &domain("example.com"), &z);
    assert_eq!(
        result.unwrap(),
        [target(Transport::Wss, "192.0.2.5:443", "example.com")]
    );
}

#[test]
fn no_naptr_falls_back_to_srv_for_each_configured_transport() {
    let z = zone(vec![
        (
            "_sip._tcp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5060, "t.example.com")],
        ),
        (
            "_sips._tcp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5061, "s.example.com")],
        ),
        ("t.example.com", RecordKind::A, vec![a("192.0.2.6", 60)]),
        ("s.example.com", RecordKind::A, vec![a("192.0.2.7", 60)]),
    ]);
    let (asked, result) = resolve_once(config(), &domain("example.com"), &z);
    assert_eq!(
        asked[..4],
        [
            q("example.com", RecordKind::Naptr),
            q("_sip._udp.example.com", RecordKind::Srv),
            q("_sip._tcp.example.com", RecordKind::Srv),
            q("_sips._tcp.example.com", RecordKind::Srv),
        ]
    );
    assert_eq!(
        result.unwrap(),
        [
            target(Transport::Tcp, "192.0.2.6:5060", "example.com"),
            target(Transport::Tls, "192.0.2.7:5061", "example.com"),
        ]
    );
}

#[test]
fn no_srv_falls_back_to_a_on_the_preferred_transports_default_port() {
    let z = zone(vec![(
        "example.com",
        RecordKind::A,
        vec![a("192.0.2.8", 60)],
    )]);
    let cfg = ResolverConfig {
        transports: vec![Transport::Tcp, Transport::Udp],
        ..config()
    };
    let (asked, result) = resolve_once(cfg, &domain("example.com"), &z);
    assert_eq!(asked.last().unwrap(), &q("example.com", RecordKind::A));
    assert_eq!(
        result.unwrap(),
        [target(Transport::Tcp, "192.0.2.8:5060", "example.com")]
    );
}

#[test]
fn srv_target_dot_means_not_offered_and_is_not_a_fallback_to_a() {
    let z = zone(vec![
        (
            "_sip._udp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 0, ".")],
        ),
        ("example.com", RecordKind::A, vec![a("192.0.2.8", 60)]),
    ]);
    let (asked, result) = resolve_once(config(), &spec_of("sip:example.com;transport=udp"), &z);
    assert_eq!(asked.len(), 1);
    assert_eq!(
        result.unwrap_err(),
        ResolveError::NotFound {
            name: "example.com".into()
        }
    );
}

#[test]
fn sips_uses_secure_transports_only() {
    // NAPTR offers UDP, TCP and TLS: only TLS is considered.
    let z = zone(vec![
        (
            "example.com",
            RecordKind::Naptr,
            vec![
                naptr(1, 1, "s", "SIP+D2U", "_sip._udp.example.com"),
                naptr(2, 1, "s", "SIP+D2T", "_sip._tcp.example.com"),
                naptr(3, 1, "s", "SIPS+D2T", "_sips._tcp.example.com"),
            ],
        ),
        (
            "_sips._tcp.example.com",
            RecordKind::Srv,
            vec![srv(0, 0, 5061, "h.example.com")],
        ),
        ("h.example.com", RecordKind::A, vec![a("192.0.2.9", 60)]),
    ]);
    let (asked, result) = resolve_once(config(), &spec_of("sips:alice@example.com"), &z);
    assert!(
        !asked.iter().any(|(n, _)| n.starts_with("_sip.")),
        "{asked:?}"
    );
    assert_eq!(
        result.unwrap(),
        [target(Transport::Tls, "192.0.2.9:5061", "example.com")]
    );
    // Without NAPTR, only the secure SRV names are asked.
    let (asked, _) = resolve_once(config(), &spec_of("sips:example.com"), &Zone::new());
    assert_eq!(
        asked,
        [
            q("example.com", RecordKind::Naptr),
            q("_sips._tcp.example.com", RecordKind::Srv),
            q("example.com", RecordKind::A),
        ]
    );
    // sips with transport=udp cannot be honoured.
    let mut r = Resolver::new(config(), 1);
    let err = r
        .lookup(Instant::now(), &spec_of("sips:example.com;transport=udp"))
        .unwrap_err();
    assert!(
        matches!(err, ResolveError::NoUsableTransport { secure: true, .. }),
        "{err}"
    );
}

#[test]
fn cache_hit_within_ttl_asks_nothing_and_expiry_asks_again() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    let spec = spec_of("sip:example.com:5060");
    let z = zone(vec![(
        "example.com",
        RecordKind::A,
        vec![a("192.0.2.1", 30)],
    )]);
    r.lookup(t0, &spec).unwrap();
    let (asked, done) = drive(&mut r, t0, &z);
    assert_eq!((asked.len(), done.len()), (1, 1));

    r.lookup(t0 + Duration::from_secs(29), &spec).unwrap();
    assert!(r.poll_query().is_none(), "fresh answer: no query");
    let (_, result) = r.poll_done().unwrap();
    assert_eq!(result.unwrap()[0].addr, "192.0.2.1:5060".parse().unwrap());

    r.lookup(t0 + Duration::from_secs(30), &spec).unwrap();
    let (asked, done) = drive(&mut r, t0 + Duration::from_secs(30), &z);
    assert_eq!(asked, [q("example.com", RecordKind::A)]);
    assert_eq!(done.len(), 1);
}

#[test]
fn negative_answers_are_cached_for_negative_ttl() {
    let t0 = Instant::now();
    let cfg = ResolverConfig {
        negative_ttl: Duration::from_secs(10),
        ..config()
    };
    let mut r = Resolver::new(cfg, 1);
    let spec = spec_of("sip:gone.example.com:5060");
    r.lookup(t0, &spec).unwrap();
    let (asked, done) = drive(&mut r, t0, &Zone::new());
    assert_eq!(asked.len(), 1);
    assert!(matches!(done[0].1, Err(ResolveError::NotFound { .. })));

    r.lookup(t0 + Duration::from_secs(9), &spec).unwrap();
    assert!(r.poll_query().is_none());
    assert!(r.poll_done().unwrap().1.is_err());

    r.lookup(t0 + Duration::from_secs(10), &spec).unwrap();
    assert!(r.poll_query().is_some());
}

#[test]
fn concurrent_lookups_share_one_outstanding_query() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    let spec = spec_of("sip:example.com:5060");
    let first = r.lookup(t0, &spec).unwrap();
    let second = r
        .lookup(t0, &spec_of("sip:EXAMPLE.COM:5060;transport=tcp"))
        .unwrap();
    let query = r.poll_query().unwrap();
    assert!(r.poll_query().is_none(), "one query for both");
    r.handle_answer(t0, query.id, Ok(vec![a("192.0.2.1", 60)]));
    let done: Vec<_> = std::iter::from_fn(|| r.poll_done()).collect();
    assert_eq!(done.len(), 2);
    assert_eq!(done[0].0, first);
    assert_eq!(done[1].0, second);
    assert_eq!(done[1].1.as_ref().unwrap()[0].transport, Transport::Tcp);
}

#[test]
fn unanswered_query_times_out_and_the_lookup_fails() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    r.lookup(t0, &spec_of("sip:slow.example.com:5060")).unwrap();
    let query = r.poll_query().unwrap();
    assert_eq!(r.poll_timeout(), Some(t0 + Duration::from_secs(5)));
    r.handle_timeout(t0 + Duration::from_millis(4999));
    assert!(r.poll_done().is_none());
    r.handle_timeout(t0 + Duration::from_secs(5));
    let (_, result) = r.poll_done().unwrap();
    assert_eq!(
        result.unwrap_err(),
        ResolveError::NotFound {
            name: "slow.example.com".into()
        }
    );
    assert_eq!(r.poll_timeout(), None);
    // The late answer is ignored, and the failure was not cached.
    r.handle_answer(
        t0 + Duration::from_secs(6),
        query.id,
        Ok(vec![a("192.0.2.1", 60)]),
    );
    assert!(r.poll_done().is_none());
    r.lookup(
        t0 + Duration::from_secs(6),
        &spec_of("sip:slow.example.com:5060"),
    )
    .unwrap();
    assert!(r.poll_query().is_some());
}

#[test]
fn naptr_timeout_falls_through_to_srv() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    r.lookup(t0, &domain("example.com")).unwrap();
    assert_eq!(r.poll_query().unwrap().kind, RecordKind::Naptr);
    r.handle_timeout(t0 + Duration::from_secs(5));
    let next = r.poll_query().unwrap();
    assert_eq!(next.name, "_sip._udp.example.com");
    assert_eq!(r.poll_timeout(), Some(t0 + Duration::from_secs(10)));
}

#[test]
fn address_answer_short_circuits_the_naptr_branch() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    r.lookup(t0, &domain("example.com")).unwrap();
    let query = r.poll_query().unwrap();
    r.handle_answer(
        t0,
        query.id,
        Ok(vec![
            Record::Address {
                addr: "192.0.2.1:0".parse().unwrap(),
                transport: Some(Transport::Tls),
                ttl: 60,
            },
            Record::Address {
                addr: "192.0.2.2:5999".parse().unwrap(),
                transport: None,
                ttl: 60,
            },
            // A transport the UA does not run: dropped.
            Record::Address {
                addr: "192.0.2.3:80".parse().unwrap(),
                transport: Some(Transport::Ws),
                ttl: 60,
            },
        ]),
    );
    assert!(r.poll_query().is_none());
    assert_eq!(
        r.poll_done().unwrap().1.unwrap(),
        [
            target(Transport::Tls, "192.0.2.1:5061", "example.com"),
            target(Transport::Udp, "192.0.2.2:5999", "example.com"),
        ]
    );
}

#[test]
fn address_answer_to_an_a_query_keeps_the_srv_port() {
    let z: Zone = [
        (
            q("_sip._tcp.example.com", RecordKind::Srv),
            Ok(vec![srv(0, 0, 5090, "h.example.com")]),
        ),
        (
            q("h.example.com", RecordKind::A),
            Ok(vec![Record::Address {
                addr: "[2001:db8::5]:0".parse().unwrap(),
                transport: None,
                ttl: 60,
            }]),
        ),
    ]
    .into_iter()
    .collect();
    let (_, result) = resolve_once(config(), &spec_of("sip:example.com;transport=tcp"), &z);
    assert_eq!(
        result.unwrap(),
        [target(Transport::Tcp, "[2001:db8::5]:5090", "example.com")]
    );
}

#[test]
fn ipv6_config_asks_aaaa_and_lists_it_after_a() {
    let z = zone(vec![
        ("example.com", RecordKind::A, vec![a("192.0.2.1", 60)]),
        (
            "example.com",
            RecordKind::Aaaa,
            vec![Record::Aaaa {
                addr: "2001:db8::1".parse().unwrap(),
                ttl: 60,
            }],
        ),
    ]);
    let cfg = ResolverConfig {
        ipv6: true,
        ..config()
    };
    let (asked, result) = resolve_once(cfg, &spec_of("sip:example.com:5060"), &z);
    assert_eq!(
        asked,
        [
            q("example.com", RecordKind::A),
            q("example.com", RecordKind::Aaaa)
        ]
    );
    assert_eq!(
        result.unwrap(),
        [
            target(Transport::Udp, "192.0.2.1:5060", "example.com"),
            target(Transport::Udp, "[2001:db8::1]:5060", "example.com"),
        ]
    );
}

#[test]
fn maddr_overrides_the_host() {
    let spec = spec_of("sip:bob@example.com;maddr=proxy.example.net;transport=ws");
    assert_eq!(spec.host, TargetHost::Name("proxy.example.net".into()));
    assert_eq!(spec.transport, Some(Transport::Ws));
    assert_eq!(
        spec_of("sips:a@b.example;transport=ws").transport,
        Some(Transport::Wss)
    );
}

#[test]
fn max_lookups_is_enforced_and_cancel_frees_a_slot() {
    let t0 = Instant::now();
    let cfg = ResolverConfig {
        max_lookups: 2,
        ..config()
    };
    let mut r = Resolver::new(cfg, 1);
    let first = r.lookup(t0, &spec_of("sip:a.example.com:5060")).unwrap();
    r.lookup(t0, &spec_of("sip:b.example.com:5060")).unwrap();
    assert_eq!(
        r.lookup(t0, &spec_of("sip:c.example.com:5060"))
            .unwrap_err(),
        ResolveError::TooManyLookups { limit: 2 }
    );
    let q_a = r.poll_query().unwrap();
    r.cancel(first);
    assert_eq!(r.lookups_in_progress(), 1);
    // The abandoned query's answer is ignored; no result for `first`.
    r.handle_answer(t0, q_a.id, Ok(vec![a("192.0.2.1", 60)]));
    assert!(r.poll_done().is_none());
    r.lookup(t0, &spec_of("sip:c.example.com:5060")).unwrap();
}

#[test]
fn cancelling_one_of_two_sharing_lookups_keeps_the_query_for_the_other() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    let spec = spec_of("sip:example.com:5060");
    let first = r.lookup(t0, &spec).unwrap();
    let second = r.lookup(t0, &spec).unwrap();
    let query = r.poll_query().unwrap();
    r.cancel(first);
    r.handle_answer(t0, query.id, Ok(vec![a("192.0.2.1", 60)]));
    let (id, result) = r.poll_done().unwrap();
    assert_eq!(id, second);
    assert!(result.is_ok());
    assert!(r.poll_done().is_none());
    // A finished result not yet polled is dropped by cancel too.
    let third = r.lookup(t0, &spec).unwrap();
    r.cancel(third);
    assert!(r.poll_done().is_none());
}

#[test]
fn invalid_names_and_missing_transports_are_refused() {
    let mut r = Resolver::new(config(), 1);
    let t0 = Instant::now();
    let bad = TargetSpec {
        host: TargetHost::Name("bad name".into()),
        ..domain("x")
    };
    assert!(matches!(
        r.lookup(t0, &bad),
        Err(ResolveError::InvalidName { .. })
    ));
    let ws = TargetSpec {
        transport: Some(Transport::Ws),
        ..domain("example.com")
    };
    assert!(matches!(
        r.lookup(t0, &ws),
        Err(ResolveError::NoUsableTransport { .. })
    ));
}

#[test]
fn hostile_answers_are_capped() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    r.lookup(t0, &spec_of("sip:example.com;transport=udp"))
        .unwrap();
    let query = r.poll_query().unwrap();
    let many: Vec<Record> = (0..1000)
        .map(|i| srv(0, 1, 5060, &format!("h{i}.example.com")))
        .collect();
    r.handle_answer(t0, query.id, Ok(many));
    let mut a_queries = 0;
    while let Some(q) = r.poll_query() {
        a_queries += 1;
        r.handle_answer(
            t0,
            q.id,
            Ok((0..100)
                .map(|i| a(&format!("10.{a_queries}.{i}.1"), 60))
                .collect()),
        );
    }
    assert_eq!(a_queries, 16);
    let list = r.poll_done().unwrap().1.unwrap();
    assert_eq!(list.len(), 64);
}

#[test]
fn wrong_kinds_empty_answers_and_unknown_ids_do_not_confuse_it() {
    let t0 = Instant::now();
    let mut r = Resolver::new(config(), 1);
    r.handle_answer(t0, QueryId(99), Ok(vec![a("192.0.2.1", 60)]));
    r.lookup(t0, &spec_of("sip:example.com:5060")).unwrap();
    let query = r.poll_query().unwrap();
    r.handle_answer(
        t0,
        query.id,
        Ok(vec![srv(0, 0, 1, "x"), naptr(0, 0, "s", "SIP+D2U", "y")]),
    );
    assert!(matches!(
        r.poll_done().unwrap().1,
        Err(ResolveError::NotFound { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn garbage_answers_never_panic_and_every_lookup_ends(
        answers in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any_record(), 0..20).prop_map(Ok),
                Just(Err(QueryFailure::NotFound)),
                Just(Err(QueryFailure::Failed)),
            ],
            0..40,
        ),
        ipv6 in any::<bool>(),
        secure in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let t0 = Instant::now();
        let cfg = ResolverConfig { ipv6, transports: Transport::ALL.to_vec(), max_cache_entries: 4, ..config() };
        let mut r = Resolver::new(cfg, seed);
        let spec = TargetSpec { secure, ..domain("example.com") };
        let ids = [r.lookup(t0, &spec).unwrap(), r.lookup(t0, &spec).unwrap()];
        let mut answers = answers.into_iter();
        let mut now = t0;
        let mut finished = Vec::new();
        for _ in 0..500 {
            while let Some(done) = r.poll_done() {
                finished.push(done.0);
            }
            match r.poll_query() {
                Some(q) => {
                    // Out of answers: the query is left to time out.
                    if let Some(ans) = answers.next() {
                        r.handle_answer(now, q.id, ans);
                    }
                }
                None => match r.poll_timeout() {
                    Some(deadline) => {
                        now = deadline;
                        r.handle_timeout(now);
                    }
                    None => break,
                },
            }
        }
        while let Some(done) = r.poll_done() {
            finished.push(done.0);
        }
        finished.sort();
        prop_assert_eq!(finished, ids.to_vec());
    }
}
