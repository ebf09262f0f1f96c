//! RFC 3263 through the Endpoint: it asks the host for NAPTR, SRV and A
//! records, sends to the servers in SRV order, fails over when the first
//! does not answer, and asks again once the answers' TTLs have run out.

mod endpoint_util;

use std::net::Ipv4Addr;
use std::time::Duration;

use endpoint_util::*;
use sansip::endpoint::{Event, Input, RegisterOptions};
use sansip::message::headers::{CSeq, Via};
use sansip::resolve::{Query, QueryFailure, Record, RecordKind};

fn example_config() -> sansip::endpoint::Config {
    let mut c = config();
    c.aor = "sip:alice@example.com".into();
    c
}

/// The one query asked since the last call, answered with `records`.
fn answer(h: &mut Harness, kind: RecordKind, name: &str, records: Vec<Record>) {
    let pos = h
        .queries
        .iter()
        .position(|q| q.kind == kind && q.name == name)
        .unwrap_or_else(|| panic!("no {kind:?} query for {name}: {:?}", h.queries));
    let q: Query = h.queries.remove(pos);
    h.input(Input::Resolved {
        query: q.id,
        records: Ok(records),
    });
}

fn srv(priority: u16, target: &str) -> Record {
    Record::Srv {
        priority,
        weight: 10,
        port: 5060,
        target: target.into(),
        ttl: 60,
    }
}

fn a(last: u8) -> Record {
    Record::A {
        addr: Ipv4Addr::new(10, 0, 0, last),
        ttl: 60,
    }
}

#[test]
fn naptr_srv_a_then_failover_to_the_second_server_then_a_new_query_after_the_ttl() {
    let mut h = Harness::new(example_config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    assert!(
        h.sent.is_empty(),
        "nothing is sent before the name resolves"
    );
    answer(
        &mut h,
        RecordKind::Naptr,
        "example.com",
        vec![Record::Naptr {
            order: 10,
            preference: 10,
            flags: "s".into(),
            service: "SIP+D2U".into(),
            replacement: "_sip._udp.example.com".into(),
            ttl: 60,
        }],
    );
    answer(
        &mut h,
        RecordKind::Srv,
        "_sip._udp.example.com",
        vec![srv(20, "b.example.com"), srv(10, "a.example.com")],
    );
    answer(&mut h, RecordKind::A, "a.example.com", vec![a(21)]);
    assert!(
        h.take_sent().is_empty(),
        "the list is complete only with both addresses"
    );
    answer(&mut h, RecordKind::A, "b.example.com", vec![a(22)]);

    // Priority 10 first.
    h.drain();
    assert_eq!(h.sent[0].1.destination, addr("10.0.0.21:5060"));
    let first = h.take_sent().remove(0);
    assert!(first
        .to_string()
        .starts_with("REGISTER sip:example.com SIP/2.0\r\n"));
    // It never answers: Timer F, then the next server, as a new transaction.
    h.advance(Duration::from_secs(32) - ms(1));
    assert!(h
        .sent
        .iter()
        .all(|(_, t)| t.destination == addr("10.0.0.21:5060")));
    h.sent.clear();
    h.advance(ms(1));
    assert_eq!(h.sent.len(), 1, "{:?}", h.sent);
    assert_eq!(h.sent[0].1.destination, addr("10.0.0.22:5060"));
    let second = h.take_one();
    assert_eq!(second.header::<CSeq>().unwrap().seq, 2);
    assert_ne!(
        second.header::<Via>().unwrap().branch(),
        first.header::<Via>().unwrap().branch()
    );
    assert!(h.take_events().is_empty(), "a failover is not a failure");
    h.udp_from(
        "10.0.0.22:5060",
        respond(&second, 200, "OK", &[("Expires", "600")]),
    );
    assert!(matches!(h.take_events()[..], [Event::Registered { id: i, .. }] if i == id));

    // The refresh at 540 s comes long after the answers' TTLs (60 s):
    // sansip asks DNS again before sending it.
    h.advance(Duration::from_secs(540));
    assert!(h.take_sent().is_empty());
    assert!(
        h.queries
            .iter()
            .any(|q| q.kind == RecordKind::Naptr && q.name == "example.com"),
        "{:?}",
        h.queries
    );
    answer(&mut h, RecordKind::Naptr, "example.com", vec![]);
    answer(
        &mut h,
        RecordKind::Srv,
        "_sip._udp.example.com",
        vec![srv(10, "c.example.com")],
    );
    // Without NAPTR, SRV is asked for every transport the UA can use.
    answer(&mut h, RecordKind::Srv, "_sip._tcp.example.com", vec![]);
    answer(&mut h, RecordKind::A, "c.example.com", vec![a(23)]);
    h.drain();
    assert_eq!(h.sent.len(), 1);
    assert_eq!(h.sent[0].1.destination, addr("10.0.0.23:5060"));
    assert_eq!(h.take_one().header::<CSeq>().unwrap().seq, 3);
}

#[test]
fn answers_within_their_ttl_are_reused_without_asking() {
    let mut h = Harness::new(example_config());
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    answer(&mut h, RecordKind::Naptr, "example.com", vec![]);
    answer(
        &mut h,
        RecordKind::Srv,
        "_sip._udp.example.com",
        vec![srv(10, "a.example.com")],
    );
    // Without NAPTR, SRV is asked for every transport the UA can use.
    answer(&mut h, RecordKind::Srv, "_sip._tcp.example.com", vec![]);
    answer(&mut h, RecordKind::A, "a.example.com", vec![a(21)]);
    assert_eq!(h.take_sent().len(), 1);
    h.ep.message(
        h.now + ms(10),
        "sip:bob@example.com",
        "text/plain",
        "hi",
        &[],
    )
    .unwrap();
    h.drain();
    assert!(h.queries.is_empty(), "cached: {:?}", h.queries);
    assert_eq!(h.sent.last().unwrap().1.destination, addr("10.0.0.21:5060"));
}

#[test]
fn a_name_that_does_not_resolve_fails_the_message_with_the_reason() {
    let mut h = Harness::new(example_config());
    let id =
        h.ep.message(h.now, "sip:bob@nowhere.example", "text/plain", "hi", &[])
            .unwrap();
    h.drain();
    for kind in [RecordKind::Naptr, RecordKind::Srv, RecordKind::A] {
        while let Some(pos) = h.queries.iter().position(|q| q.kind == kind) {
            let q = h.queries.remove(pos);
            h.input(Input::Resolved {
                query: q.id,
                records: Err(QueryFailure::NotFound),
            });
        }
    }
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::MessageFailed { id: i, failure: sansip::endpoint::Failure::Unresolvable(why) }]
            if *i == id && why.contains("nowhere.example")),
        "{events:?}"
    );
    assert_eq!(h.ep.messages_in_flight(), 0);
}

#[test]
fn a_response_to_a_via_maddr_name_waits_for_its_address() {
    let mut h = Harness::new(example_config());
    let req = "OPTIONS sip:alice@10.0.0.1 SIP/2.0\r\n\
        Via: SIP/2.0/UDP 10.0.0.9:5060;maddr=relay.example.net;branch=z9hG4bKm1\r\n\
        From: <sip:bob@example.net>;tag=b\r\nTo: <sip:alice@example.com>\r\n\
        Call-ID: maddr-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    h.udp_from("10.0.0.9:5060", req);
    assert!(h.take_sent().is_empty(), "the response waits for DNS");
    // The maddr gives no port: §5 asks SRV for the Via's transport
    // (with the sent-by port the host could also answer A only).
    let q = h.queries.pop().expect("a query for the maddr");
    assert_eq!(q.name.trim_start_matches("_sip._udp."), "relay.example.net");
    let records = match q.kind {
        RecordKind::A => vec![a(77)],
        _ => vec![Record::Address {
            addr: addr("10.0.0.77:5060"),
            transport: None,
            ttl: 60,
        }],
    };
    h.input(Input::Resolved {
        query: q.id,
        records: Ok(records),
    });
    assert_eq!(h.sent.len(), 1, "{:?}", h.queries);
    assert_eq!(h.sent[0].1.destination, addr("10.0.0.77:5060"));
    assert_eq!(h.take_one().status(), Some(200));
}
