//! Requests arriving outside a dialog (RFC 3261 §8.2): OPTIONS answered
//! with our capabilities, 405 with Allow, 420 with Unsupported, 404 for a
//! Request-URI that is not ours, 416 for a scheme we do not serve, 481 for
//! a dialog we do not have, MESSAGE delivered (RFC 3428) or refused with
//! 415/413, and the source policy.

mod endpoint_util;

use endpoint_util::*;
use sansip::endpoint::{Event, MessagePolicy, SourcePolicy};
use sansip::message::Message;

const PEER: &str = "10.0.0.9:5060";

fn request(method: &str, ruri: &str, extra: &str, body: &str) -> String {
    format!(
        "{method} {ruri} SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK{method}1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: <sip:alice@10.0.0.2>\r\n\
         Call-ID: {method}-call@10.0.0.9\r\nCSeq: 1 {method}\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A SUBSCRIBE from the peer for `event`, for 600 s.
fn subscribe(event: &str) -> String {
    request(
        "SUBSCRIBE",
        "sip:alice@10.0.0.1",
        &format!("Event: {event}\r\nContact: <sip:bob@10.0.0.9>\r\nExpires: 600\r\n"),
        "",
    )
}

/// Sends `req` from the peer and returns the one response.
fn exchange(h: &mut Harness, req: String) -> Message {
    h.udp_from(PEER, req);
    let (_, t) = h.sent.last().expect("a response").clone();
    assert_eq!(
        t.destination,
        addr(PEER),
        "responses go back to the source port (rport/sent-by)"
    );
    h.take_one()
}

#[test]
fn options_is_answered_with_allow_accept_and_supported() {
    let mut h = Harness::new(config());
    let r = exchange(
        &mut h,
        request(
            "OPTIONS",
            "sip:alice@10.0.0.1",
            "Accept: application/sdp\r\n",
            "",
        ),
    );
    assert_eq!(r.status(), Some(200));
    assert_eq!(
        hdr(&r, "Allow").as_deref(),
        Some("INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, REFER, SUBSCRIBE, NOTIFY, OPTIONS, MESSAGE, INFO")
    );
    assert_eq!(
        hdr(&r, "Accept").as_deref(),
        Some("application/sdp, text/plain")
    );
    assert_eq!(
        hdr(&r, "Supported").as_deref(),
        Some("path, gruu, outbound, 100rel, timer, replaces")
    );
    assert_eq!(
        hdr(&r, "Allow-Events").as_deref(),
        Some("presence, dialog, message-summary")
    );
    assert!(
        hdr(&r, "To")
            .unwrap()
            .starts_with("<sip:alice@10.0.0.2>;tag="),
        "§8.2.6.2: a To tag"
    );
    assert_eq!(hdr(&r, "Call-ID").as_deref(), Some("OPTIONS-call@10.0.0.9"));
    assert!(h.take_events().is_empty());
}

#[test]
fn options_without_a_user_part_is_ours_too() {
    let mut h = Harness::new(config());
    let r = exchange(&mut h, request("OPTIONS", "sip:10.0.0.1:5060", "", ""));
    assert_eq!(r.status(), Some(200));
}

#[test]
fn a_method_we_do_not_take_gets_405_with_allow() {
    let mut h = Harness::new(config());
    let r = exchange(
        &mut h,
        request("PUBLISH", "sip:alice@10.0.0.1", "Event: presence\r\n", ""),
    );
    assert_eq!(r.status(), Some(405));
    assert_eq!(
        hdr(&r, "Allow").as_deref(),
        Some("INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, REFER, SUBSCRIBE, NOTIFY, OPTIONS, MESSAGE, INFO")
    );
}

#[test]
fn an_unknown_required_extension_gets_420_naming_it() {
    let mut h = Harness::new(config());
    let r = exchange(
        &mut h,
        request(
            "OPTIONS",
            "sip:alice@10.0.0.1",
            "Require: 100rel, foo, path, sec-agree\r\n",
            "",
        ),
    );
    assert_eq!(r.status(), Some(420));
    assert_eq!(hdr(&r, "Unsupported").as_deref(), Some("foo, sec-agree"));
}

#[test]
fn a_request_uri_that_is_not_ours_gets_404() {
    let mut h = Harness::new(config());
    let r = exchange(
        &mut h,
        request(
            "MESSAGE",
            "sip:carol@10.0.0.1",
            "Content-Type: text/plain\r\n",
            "hi",
        ),
    );
    assert_eq!(r.status(), Some(404));
    assert!(h.take_events().is_empty(), "not delivered");
}

#[test]
fn a_tel_request_uri_gets_416() {
    let mut h = Harness::new(config());
    let r = exchange(&mut h, request("OPTIONS", "tel:+15551234", "", ""));
    assert_eq!(r.status(), Some(416));
}

#[test]
fn a_bye_for_a_dialog_we_do_not_have_gets_481() {
    let mut h = Harness::new(config());
    let req = request("BYE", "sip:alice@10.0.0.1", "", "").replace(
        "To: <sip:alice@10.0.0.2>",
        "To: <sip:alice@10.0.0.2>;tag=x9",
    );
    let r = exchange(&mut h, req);
    assert_eq!(r.status(), Some(481));
}

#[test]
fn an_incoming_message_is_answered_200_and_reported() {
    let mut h = Harness::new(config());
    let r = exchange(
        &mut h,
        request(
            "MESSAGE",
            "sip:alice@10.0.0.1",
            "Content-Type: text/plain;charset=utf-8\r\n",
            "hello alice",
        ),
    );
    assert_eq!(r.status(), Some(200));
    assert_eq!(
        h.take_events(),
        vec![Event::Message {
            from: "sip:bob@10.0.0.9".into(),
            to: "sip:alice@10.0.0.2".into(),
            content_type: "text/plain".into(),
            body: bytes::Bytes::from_static(b"hello alice"),
        }]
    );
    // A retransmission is absorbed by the transaction: one event only.
    let again = request(
        "MESSAGE",
        "sip:alice@10.0.0.1",
        "Content-Type: text/plain;charset=utf-8\r\n",
        "hello alice",
    );
    h.udp_from(PEER, again);
    assert_eq!(h.take_one().status(), Some(200));
    assert!(h.take_events().is_empty());
}

#[test]
fn a_message_of_a_type_not_accepted_gets_415_with_accept() {
    let mut h = Harness::new(config());
    let r = exchange(
        &mut h,
        request(
            "MESSAGE",
            "sip:alice@10.0.0.1",
            "Content-Type: application/im-iscomposing+xml\r\n",
            "<x/>",
        ),
    );
    assert_eq!(r.status(), Some(415));
    assert_eq!(
        hdr(&r, "Accept").as_deref(),
        Some("application/sdp, text/plain")
    );
    assert!(h.take_events().is_empty());
}

#[test]
fn a_message_over_the_size_policy_gets_413() {
    let mut c = config();
    c.messages = MessagePolicy {
        accept: vec![],
        max_body: 8,
    };
    let mut h = Harness::new(c);
    let r = exchange(
        &mut h,
        request(
            "MESSAGE",
            "sip:alice@10.0.0.1",
            "Content-Type: text/plain\r\n",
            "123456789",
        ),
    );
    assert_eq!(r.status(), Some(413));
}

#[test]
fn registered_only_sources_refuse_strangers_with_403() {
    let mut c = config();
    c.sources = SourcePolicy::RegisteredOnly;
    let mut h = Harness::new(c);
    let r = exchange(
        &mut h,
        request(
            "MESSAGE",
            "sip:alice@10.0.0.1",
            "Content-Type: text/plain\r\n",
            "spam",
        ),
    );
    assert_eq!(r.status(), Some(403));
    assert!(h.take_events().is_empty());
    assert_eq!(h.ep.stats().refused_sources, 1);
    // The registrar's address is trusted once registered.
    h.ep.register(h.now, sansip::endpoint::RegisterOptions::default())
        .unwrap();
    let reg = h.take_one();
    h.udp_from(REGISTRAR, respond(&reg, 200, "OK", &[("Expires", "600")]));
    h.take_events();
    let from_proxy = request(
        "MESSAGE",
        "sip:alice@10.0.0.1",
        "Content-Type: text/plain\r\n",
        "relayed",
    )
    .replace("10.0.0.9:5060;branch", "10.0.0.2:5060;branch")
    .replace("MESSAGE-call@", "relayed-call@");
    h.udp_from(REGISTRAR, from_proxy);
    assert_eq!(h.take_one().status(), Some(200));
    assert!(matches!(h.take_events()[..], [Event::Message { .. }]));
}

#[test]
fn garbage_datagrams_are_counted_and_ignored() {
    let mut h = Harness::new(config());
    h.udp_from(PEER, &b"\x00\x01\x02 not sip"[..]);
    h.udp_from(PEER, &b"INVITE sip:a@b SIP/2.0\r\nVia: broken\r\n\r\n"[..]);
    assert!(h.take_events().is_empty());
    assert!(h.ep.stats().unparsable >= 1);
    assert_eq!(h.ep.transactions(), 0);
}

#[test]
fn a_subscribe_for_a_package_we_do_not_take_gets_489_with_allow_events() {
    let mut h = Harness::new(config());
    let r = exchange(&mut h, subscribe("conference"));
    assert_eq!(r.status(), Some(489));
    assert_eq!(
        hdr(&r, "Allow-Events").as_deref(),
        Some("presence, dialog, message-summary")
    );
    assert!(h.take_events().is_empty());
    // A package we take (with a parameter) reaches the application.
    h.udp_from(
        PEER,
        subscribe("Presence;id=7")
            .replace("SUBSCRIBE1", "SUBSCRIBE2")
            .replace("SUBSCRIBE-call", "SUBSCRIBE-call-2"),
    );
    assert!(matches!(
        &h.take_events()[..],
        [Event::SubscriptionRequested { event, .. }] if event == "Presence;id=7"
    ));
}

#[test]
fn an_invite_requiring_100rel_or_timer_is_served_not_refused_with_420() {
    let mut h = Harness::new(config());
    h.udp_from(
        PEER,
        request(
            "INVITE",
            "sip:alice@10.0.0.1",
            "Require: 100rel, timer\r\nSupported: 100rel, timer\r\nSession-Expires: 1800\r\n\
             Contact: <sip:bob@10.0.0.9>\r\n",
            "",
        ),
    );
    let session = match &h.take_events()[..] {
        [Event::IncomingCall { session, .. }] => *session,
        other => panic!("{other:?}"),
    };
    let trying = h.take_sent();
    assert!(trying.iter().all(|m| m.status() != Some(420)));
    // With 100rel required, every ringing is reliable.
    h.ep.progress(h.now, session, 180, None).unwrap();
    let ringing = h.take_one();
    assert_eq!(ringing.status(), Some(180));
    assert_eq!(hdr(&ringing, "Require").as_deref(), Some("100rel"));
    assert!(hdr(&ringing, "RSeq").is_some());
}

#[test]
fn a_subscription_request_left_unanswered_is_declined_in_time() {
    let mut h = Harness::new(config());
    h.udp_from(PEER, subscribe("presence"));
    assert!(matches!(
        &h.take_events()[..],
        [Event::SubscriptionRequested { .. }]
    ));
    h.take_sent();
    h.advance(std::time::Duration::from_secs(29));
    assert!(h.take_sent().is_empty(), "the application has 30 s");
    h.advance(std::time::Duration::from_secs(1));
    let declined = h.take_sent();
    assert_eq!(declined.len(), 1);
    assert_eq!(declined[0].status(), Some(480));
    h.advance(std::time::Duration::from_secs(3600));
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::SubscriptionEnded { .. }]),
        "{events:?}"
    );
    assert_eq!(h.ep.transactions(), 0);
    assert_eq!(h.ep.timers_armed(), 0);
}

#[test]
fn a_refusal_with_a_bad_status_keeps_the_subscribe_to_answer() {
    let mut h = Harness::new(config());
    h.udp_from(PEER, subscribe("presence"));
    let id = match &h.take_events()[..] {
        [Event::SubscriptionRequested { subscription, .. }] => *subscription,
        other => panic!("{other:?}"),
    };
    h.take_sent();
    assert!(h.ep.reject_subscription(h.now, id, 200).is_err());
    // Still pending: a proper refusal goes out with its usual phrase.
    h.ep.reject_subscription(h.now, id, 603).unwrap();
    let r = h.take_one();
    assert_eq!(r.status(), Some(603));
    assert_eq!(r.reason(), Some(&b"Decline"[..]));
}

#[test]
fn a_subscribe_over_tcp_is_accepted_with_a_tcp_contact_on_its_connection() {
    use sansip::endpoint::LocalAddr;
    use sansip::transport::{FlowId, Transport};
    let mut c = config();
    c.local.push(LocalAddr {
        transport: Transport::Tcp,
        addr: addr("10.0.0.1:5060"),
    });
    let mut h = Harness::new(c);
    let over_tcp = subscribe("presence").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    h.flow_data(Transport::Tcp, FlowId(4), PEER, over_tcp);
    let id = match &h.take_events()[..] {
        [Event::SubscriptionRequested { subscription, .. }] => *subscription,
        other => panic!("{other:?}"),
    };
    h.ep.accept_subscription(h.now, id, 600).expect("accept");
    h.drain();
    let (_, ok) = h
        .sent
        .iter()
        .find(|(_, t)| t.data.starts_with(b"SIP/2.0 200"))
        .expect("a 200")
        .clone();
    assert_eq!(ok.flow, Some(FlowId(4)), "on the SUBSCRIBE's connection");
    let ok = Message::parse(ok.data).expect("a response");
    assert_eq!(
        hdr(&ok, "Contact").as_deref(),
        Some("<sip:alice@10.0.0.1:5060;transport=tcp>"),
        "the subscriber refreshes over TCP, as it subscribed"
    );
}

#[test]
fn an_invite_with_an_unreadable_cseq_gets_400_and_rings_nothing() {
    let invite = request(
        "INVITE",
        "sip:alice@10.0.0.1",
        "Contact: <sip:bob@10.0.0.9>\r\n",
        "",
    )
    .replace("CSeq: 1 INVITE", "CSeq: x INVITE");
    let mut h = Harness::new(config());
    let r = exchange(&mut h, invite);
    assert_eq!(r.status(), Some(400));
    assert_eq!(r.reason(), Some(&b"Bad CSeq Header"[..]));
    assert_eq!(h.take_events(), vec![], "no incoming call");
}
