//! Registration through the Endpoint, driven by hand-written registrar
//! answers in virtual time: the REGISTER on the wire, refresh timing to the
//! millisecond, digest challenges, 423, failures and retries, unregister,
//! Outbound/GRUU and Service-Route.

mod endpoint_util;

use std::time::Duration;

use endpoint_util::*;
use sansip::auth::{
    verify_digest, ChallengeParams, NonceTracker, Secret, UserCredentials, UserStore, Verdict,
};
use sansip::endpoint::{Event, RegisterOptions, RegistrationState};
use sansip::message::headers::{Algorithm, CSeq};
use sansip::rng::Rng;

fn with_password(pw: &str) -> sansip::endpoint::Config {
    let mut c = config();
    c.credentials
        .insert("example.com", UserCredentials::password("alice", pw));
    c
}

#[test]
fn the_first_register_carries_what_rfc_3261_section_10_2_asks() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Registering));
    h.drain();
    let (_, t) = &h.sent[0];
    assert_eq!(t.destination, addr(REGISTRAR));
    assert_eq!(t.source, addr(LOCAL));
    let reg = h.take_one();
    let text = reg.to_string();
    assert!(
        text.starts_with(
            "REGISTER sip:10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK"
        ),
        "{text}"
    );
    assert!(text.contains(";rport\r\n"), "{text}");
    assert_eq!(hdr(&reg, "Max-Forwards").as_deref(), Some("70"));
    assert!(hdr(&reg, "From")
        .unwrap()
        .starts_with("<sip:alice@10.0.0.2>;tag="));
    assert_eq!(hdr(&reg, "To").as_deref(), Some("<sip:alice@10.0.0.2>"));
    assert_eq!(hdr(&reg, "CSeq").as_deref(), Some("1 REGISTER"));
    assert_eq!(
        hdr(&reg, "Contact").as_deref(),
        Some("<sip:alice@10.0.0.1:5060>;expires=600")
    );
    assert_eq!(hdr(&reg, "Expires").as_deref(), Some("600"));
    assert_eq!(hdr(&reg, "Supported").as_deref(), Some("path"));
    assert!(hdr(&reg, "User-Agent").unwrap().starts_with("sansip/"));
    assert!(hdr(&reg, "Call-ID").is_some_and(|c| c.len() >= 16));
}

#[test]
fn a_registration_refreshes_at_nine_tenths_of_the_granted_time_to_the_millisecond() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let first = h.take_one();
    h.advance(ms(37));
    h.udp_from(
        REGISTRAR,
        respond(
            &first,
            200,
            "OK",
            &[("Contact", "<sip:alice@10.0.0.1:5060>;expires=300")],
        ),
    );
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Registered { id: i, expires: 300, contacts, .. }]
            if *i == id && contacts == &["sip:alice@10.0.0.1:5060".to_owned()]),
        "{events:?}"
    );
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Registered));
    assert_eq!(
        h.ep.contact(id, false).as_deref(),
        Some("sip:alice@10.0.0.1:5060")
    );
    // 0.9 × 300 s after the 200 arrived at 37 ms: not a millisecond early.
    h.advance(Duration::from_millis(270_000 - 1));
    assert!(h.take_sent().is_empty());
    h.advance(ms(1));
    let refresh = h.take_one();
    assert_eq!(h.elapsed(), ms(270_037));
    assert_eq!(
        refresh.call_id(),
        first.call_id(),
        "refreshes keep the Call-ID"
    );
    assert_eq!(refresh.header::<CSeq>().unwrap().seq, 2);
    assert_eq!(
        hdr(&refresh, "From"),
        hdr(&first, "From"),
        "and the From tag"
    );
}

#[test]
fn the_registrar_grant_in_the_expires_header_is_used_when_the_contact_has_none() {
    let mut h = Harness::new(config());
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let first = h.take_one();
    h.udp_from(
        REGISTRAR,
        respond(
            &first,
            200,
            "OK",
            &[("Contact", "<sip:alice@10.0.0.1:5060>"), ("Expires", "100")],
        ),
    );
    assert!(matches!(
        h.take_events()[..],
        [Event::Registered { expires: 100, .. }]
    ));
    h.advance(ms(90_000));
    assert_eq!(h.take_sent().len(), 1);
}

/// A registrar for realm example.com that checks digests for real.
struct Challenger {
    users: UserStore,
    nonces: NonceTracker,
    rng: Rng,
}

impl Challenger {
    fn new(password: &str) -> Challenger {
        let mut rng = Rng::new(9);
        let mut users = UserStore::new();
        users.insert("alice", Secret::Password(password.into()));
        Challenger {
            users,
            nonces: NonceTracker::new(&mut rng, 16),
            rng,
        }
    }

    fn challenge(&mut self, alg: Algorithm<'_>, stale: bool) -> String {
        self.nonces.challenge(
            &mut self.rng,
            &ChallengeParams {
                realm: "example.com",
                algorithm: alg,
                stale,
            },
        )
    }

    fn verdict(&mut self, req: &sansip::message::Message) -> Verdict {
        verify_digest(req, &self.users, "example.com", &mut self.nonces)
    }
}

/// The verdict on alice's good credentials.
fn alice_ok() -> Verdict {
    Verdict::Ok {
        username: "alice".into(),
    }
}

/// Answers `request` with 401 and these challenges; returns the retry.
fn challenged(
    h: &mut Harness,
    request: &sansip::message::Message,
    challenges: &[&str],
) -> sansip::message::Message {
    let headers: Vec<(&str, &str)> = challenges
        .iter()
        .map(|c| ("WWW-Authenticate", *c))
        .collect();
    h.udp_from(REGISTRAR, respond(request, 401, "Unauthorized", &headers));
    h.take_one()
}

#[test]
fn an_md5_challenge_is_answered_with_a_digest_the_registrar_accepts() {
    let mut h = Harness::new(with_password("secret"));
    let mut server = Challenger::new("secret");
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let first = h.take_one();
    assert_eq!(server.verdict(&first), Verdict::Missing);
    let www = server.challenge(Algorithm::Md5, false);
    h.udp_from(
        REGISTRAR,
        respond(&first, 401, "Unauthorized", &[("WWW-Authenticate", &www)]),
    );
    assert!(h.take_events().is_empty(), "a challenge is not a failure");
    let second = h.take_one();
    assert_eq!(second.header::<CSeq>().unwrap().seq, 2, "§22.2: new CSeq");
    assert_eq!(second.call_id(), first.call_id());
    let auth = hdr(&second, "Authorization").unwrap();
    assert!(
        auth.contains("algorithm=MD5") && auth.contains("qop=auth") && auth.contains("nc=00000001"),
        "{auth}"
    );
    assert_eq!(server.verdict(&second), alice_ok());
    h.udp_from(
        REGISTRAR,
        respond(
            &second,
            200,
            "OK",
            &[("Contact", "<sip:alice@10.0.0.1:5060>;expires=600")],
        ),
    );
    assert!(matches!(h.take_events()[..], [Event::Registered { id: i, .. }] if i == id));
    // The refresh reuses the nonce with the next count: no new 401 round.
    h.advance(Duration::from_secs(540));
    let refresh = h.take_one();
    assert!(hdr(&refresh, "Authorization")
        .unwrap()
        .contains("nc=00000002"));
    assert_eq!(server.verdict(&refresh), alice_ok());
}

#[test]
fn sha_256_is_chosen_when_offered_beside_md5() {
    let mut h = Harness::new(with_password("secret"));
    let mut server = Challenger::new("secret");
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let first = h.take_one();
    let md5 = server.challenge(Algorithm::Md5, false);
    let sha = server.challenge(Algorithm::Sha256, false);
    let second = challenged(&mut h, &first, &[&md5, &sha]);
    let auth = hdr(&second, "Authorization").unwrap();
    assert!(auth.contains("algorithm=SHA-256"), "{auth}");
    assert_eq!(server.verdict(&second), alice_ok());
}

#[test]
fn a_stale_nonce_is_retried_without_telling_the_user() {
    let mut h = Harness::new(with_password("secret"));
    let mut server = Challenger::new("secret");
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    let c1 = server.challenge(Algorithm::Sha256, false);
    let r2 = challenged(&mut h, &r1, &[&c1]);
    let c2 = server.challenge(Algorithm::Sha256, true);
    let r3 = challenged(&mut h, &r2, &[&c2]);
    assert_eq!(r3.header::<CSeq>().unwrap().seq, 3);
    assert_eq!(server.verdict(&r3), alice_ok());
    h.udp_from(REGISTRAR, respond(&r3, 200, "OK", &[("Expires", "600")]));
    assert!(matches!(h.take_events()[..], [Event::Registered { .. }]));
}

#[test]
fn a_wrong_password_fails_after_one_retry_instead_of_looping() {
    let mut h = Harness::new(with_password("wrong"));
    let mut server = Challenger::new("secret");
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let mut registers = 0;
    let mut req = h.take_one();
    loop {
        registers += 1;
        assert!(registers <= 4, "the UA keeps answering a refused challenge");
        let www = server.challenge(Algorithm::Md5, false);
        h.udp_from(
            REGISTRAR,
            respond(&req, 401, "Unauthorized", &[("WWW-Authenticate", &www)]),
        );
        let mut sent = h.take_sent();
        match sent.pop() {
            Some(next) => req = next,
            None => break,
        }
    }
    assert_eq!(registers, 2, "one answer, then the refusal is final");
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::RegistrationFailed { id: i, status: Some(401), retry_after: None, .. }] if *i == id),
        "{events:?}"
    );
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Failed));
    h.advance(Duration::from_secs(3600));
    assert!(h.take_sent().is_empty(), "no retry after an auth failure");
}

#[test]
fn interval_too_brief_is_retried_with_min_expires() {
    let mut h = Harness::new(config());
    h.ep.register(
        h.now,
        RegisterOptions {
            expires: 60,
            ..RegisterOptions::default()
        },
    )
    .unwrap();
    let r1 = h.take_one();
    assert_eq!(hdr(&r1, "Expires").as_deref(), Some("60"));
    h.udp_from(
        REGISTRAR,
        respond(&r1, 423, "Interval Too Brief", &[("Min-Expires", "1800")]),
    );
    let r2 = h.take_one();
    assert_eq!(hdr(&r2, "Expires").as_deref(), Some("1800"));
    assert_eq!(
        hdr(&r2, "Contact").as_deref(),
        Some("<sip:alice@10.0.0.1:5060>;expires=1800")
    );
    assert_eq!(r2.header::<CSeq>().unwrap().seq, 2);
    h.udp_from(
        REGISTRAR,
        respond(
            &r2,
            200,
            "OK",
            &[("Contact", "<sip:alice@10.0.0.1:5060>;expires=1800")],
        ),
    );
    assert!(matches!(
        h.take_events()[..],
        [Event::Registered { expires: 1800, .. }]
    ));
    h.advance(Duration::from_secs(1620));
    assert_eq!(
        hdr(&h.take_one(), "Expires").as_deref(),
        Some("1800"),
        "refreshes keep the raised interval"
    );
}

#[test]
fn a_403_is_reported_and_not_retried() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    h.udp_from(REGISTRAR, respond(&r1, 403, "Forbidden", &[]));
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::RegistrationFailed { id: i, status: Some(403), reason, retry_after: None }] if *i == id && reason == "Forbidden"),
        "{events:?}"
    );
    h.advance(Duration::from_secs(7200));
    assert!(h.take_sent().is_empty());
}

#[test]
fn retry_after_on_a_503_sets_the_time_of_the_next_attempt() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    h.udp_from(
        REGISTRAR,
        respond(&r1, 503, "Service Unavailable", &[("Retry-After", "30")]),
    );
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::RegistrationFailed { id: i, status: Some(503), retry_after: Some(d), .. }] if *i == id && *d == Duration::from_secs(30)),
        "{events:?}"
    );
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Waiting));
    h.advance(Duration::from_millis(29_999));
    assert!(h.take_sent().is_empty());
    h.advance(ms(1));
    let r2 = h.take_one();
    assert_eq!(r2.header::<CSeq>().unwrap().seq, 2);
}

#[test]
fn an_unanswered_register_fails_after_timer_f_and_backs_off_per_rfc_5626() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.advance(Duration::from_secs(40));
    // UDP retransmissions (Timer E) until Timer F at 64·T1 = 32 s.
    assert_eq!(h.take_sent().len(), 11);
    let events: Vec<(Duration, Event)> = h
        .events
        .iter()
        .map(|(at, e)| (*at - h.t0, e.clone()))
        .collect();
    let [(
        at,
        Event::RegistrationFailed {
            id: i,
            status: None,
            retry_after: Some(wait),
            ..
        },
    )] = &events[..]
    else {
        panic!("{events:?}");
    };
    assert_eq!(*i, id);
    assert_eq!(*at, Duration::from_secs(32), "Timer F = 64·T1");
    // §4.5 after one failure: between half and all of 30 s × 2¹.
    assert!(
        (Duration::from_secs(30)..=Duration::from_secs(60)).contains(wait),
        "{wait:?}"
    );
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Waiting));
    // The retry goes out when announced, as a new transaction.
    let retry_at = Duration::from_secs(32) + *wait;
    h.advance(retry_at - h.elapsed() - ms(1));
    assert!(h.take_sent().is_empty());
    h.advance(ms(1));
    assert_eq!(h.take_sent()[0].header::<CSeq>().unwrap().seq, 2);
}

#[test]
fn unregister_removes_our_contact_and_ends_the_registration() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    h.udp_from(REGISTRAR, respond(&r1, 200, "OK", &[("Expires", "600")]));
    h.take_events();
    h.ep.unregister(h.now, id, false).unwrap();
    h.drain();
    let r2 = h.take_one();
    assert_eq!(
        hdr(&r2, "Contact").as_deref(),
        Some("<sip:alice@10.0.0.1:5060>;expires=0")
    );
    assert_eq!(hdr(&r2, "Expires").as_deref(), Some("0"));
    assert_eq!(r2.call_id(), r1.call_id());
    h.udp_from(REGISTRAR, respond(&r2, 200, "OK", &[]));
    assert_eq!(h.take_events(), vec![Event::Unregistered { id }]);
    assert_eq!(h.ep.registration(id), None);
    h.advance(Duration::from_secs(3600));
    assert!(h.take_sent().is_empty(), "no refresh after unregister");
    assert_eq!(h.ep.timers_armed(), 0);
}

#[test]
fn unregister_all_sends_a_star_contact() {
    let mut h = Harness::new(config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    h.udp_from(REGISTRAR, respond(&r1, 200, "OK", &[("Expires", "600")]));
    h.ep.unregister(h.now, id, true).unwrap();
    h.drain();
    let r2 = h.take_one();
    assert_eq!(hdr(&r2, "Contact").as_deref(), Some("*"));
    assert_eq!(hdr(&r2, "Expires").as_deref(), Some("0"));
}

#[test]
fn outbound_and_gruu_are_asked_for_with_an_instance_id_and_exposed() {
    let mut c = config();
    c.instance_id = Some("urn:uuid:00000000-0000-1000-8000-000a95a0e128".into());
    let mut h = Harness::new(c);
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    assert_eq!(
        hdr(&r1, "Contact").as_deref(),
        Some("<sip:alice@10.0.0.1:5060;ob>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000a95a0e128>\";reg-id=1;expires=600")
    );
    assert_eq!(
        hdr(&r1, "Supported").as_deref(),
        Some("path, gruu, outbound")
    );
    let contact = "<sip:alice@10.0.0.1:5060;ob>;expires=600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000a95a0e128>\";reg-id=1;\
        pub-gruu=\"sip:alice@10.0.0.2;gr=urn:uuid:00000000-0000-1000-8000-000a95a0e128\";temp-gruu=\"sip:tgruu.7hs==jd7vnzga5w7fa@10.0.0.2;gr\"";
    h.udp_from(
        REGISTRAR,
        respond(
            &r1,
            200,
            "OK",
            &[("Contact", contact), ("Require", "outbound")],
        ),
    );
    let events = h.take_events();
    let [Event::Registered { gruu: Some(g), .. }] = &events[..] else {
        panic!("{events:?}");
    };
    assert_eq!(
        g.public.as_deref(),
        Some("sip:alice@10.0.0.2;gr=urn:uuid:00000000-0000-1000-8000-000a95a0e128")
    );
    assert_eq!(
        g.temporary.as_deref(),
        Some("sip:tgruu.7hs==jd7vnzga5w7fa@10.0.0.2;gr")
    );
    assert_eq!(h.ep.gruu(id), Some(g));
    // RFC 5627: the GRUU is the Contact for dialogs of this instance.
    assert_eq!(h.ep.contact(id, false), g.public.clone());
    assert_eq!(h.ep.contact(id, true), g.temporary.clone());
}

#[test]
fn the_service_route_of_the_200_routes_the_next_message() {
    let mut h = Harness::new(config());
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    h.udp_from(
        REGISTRAR,
        respond(
            &r1,
            200,
            "OK",
            &[
                ("Expires", "600"),
                (
                    "Service-Route",
                    "<sip:10.0.0.2:5060;lr>, <sip:core.example.com;lr>",
                ),
            ],
        ),
    );
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Registered { service_route, .. }] if service_route.len() == 2),
        "{events:?}"
    );
    h.ep.message(h.now, "sip:bob@example.com", "text/plain", "hi", &[])
        .unwrap();
    h.drain();
    let (_, t) = h.sent.last().unwrap().clone();
    assert_eq!(t.destination, addr(REGISTRAR), "sent to the first route");
    let m = h.take_one();
    assert!(m
        .to_string()
        .starts_with("MESSAGE sip:bob@example.com SIP/2.0\r\n"));
    let routes: Vec<String> = m
        .fields_named(sansip::message::HeaderName::Route)
        .map(|f| String::from_utf8_lossy(f.value).into_owned())
        .collect();
    assert_eq!(
        routes,
        vec![
            "<sip:10.0.0.2:5060;lr>".to_owned(),
            "<sip:core.example.com;lr>".to_owned()
        ]
    );
}

#[test]
fn a_nextnonce_in_authentication_info_is_used_by_the_refresh() {
    let mut h = Harness::new(with_password("secret"));
    let mut server = Challenger::new("secret");
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    let www = server.challenge(Algorithm::Md5, false);
    let r2 = challenged(&mut h, &r1, &[&www]);
    h.udp_from(
        REGISTRAR,
        respond(
            &r2,
            200,
            "OK",
            &[
                ("Expires", "600"),
                (
                    "Authentication-Info",
                    "nextnonce=\"fresh-nonce-2\", qop=auth",
                ),
            ],
        ),
    );
    h.take_events();
    h.advance(Duration::from_secs(540));
    let refresh = h.take_one();
    let auth = hdr(&refresh, "Authorization").unwrap();
    assert!(
        auth.contains("nonce=\"fresh-nonce-2\"") && auth.contains("nc=00000001"),
        "{auth}"
    );
}

#[test]
fn the_registrars_credentials_are_not_sent_on_other_requests() {
    let mut h = Harness::new(with_password("secret"));
    let mut server = Challenger::new("secret");
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let r1 = h.take_one();
    let www = server.challenge(Algorithm::Md5, false);
    let r2 = challenged(&mut h, &r1, &[&www]);
    h.udp_from(REGISTRAR, respond(&r2, 200, "OK", &[("Expires", "600")]));
    h.ep.message(h.now, "sip:bob@10.0.0.9", "text/plain", "hi", &[])
        .unwrap();
    let m = h.take_one();
    assert_eq!(m.method(), Some(&sansip::message::Method::Message));
    assert!(
        hdr(&m, "Authorization").is_none(),
        "a MESSAGE to a peer carries no registrar credentials"
    );
}
