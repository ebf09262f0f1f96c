//! Calls driven by hand-written messages in virtual time. The callee's
//! side: the 2xx is retransmitted at T1, 2·T1, 4·T1 … capped at T2 until
//! the ACK arrives, and a 2xx never acknowledged ends the call with BYE
//! after 64·T1 (RFC 3261 §13.3.1.4); the 200 carries our tag, Contact and
//! the Record-Route of the INVITE. The caller's side: a proxy's
//! credentials stay out of requests inside the call.

mod endpoint_util;

use std::time::Duration;

use bytes::Bytes;
use endpoint_util::*;
use sansip::endpoint::{EndReason, Event, SessionId};
use sansip::message::{HeaderName, Message, Method, ResponseBuilder};

const PEER: &str = "10.0.0.9:5060";

fn invite() -> String {
    let sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    format!(
        "INVITE sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKinv1\r\n\
         Max-Forwards: 70\r\nRecord-Route: <sip:10.0.0.7;lr>\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\n\
         To: <sip:alice@10.0.0.2>\r\nCall-ID: call-1@10.0.0.9\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:bob@10.0.0.9:5060>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
}

/// Alice's answer to the offer of `invite()`.
fn answer() -> Option<Bytes> {
    Some(Bytes::from_static(
        b"v=0\r\no=- 7 7 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
    ))
}

fn incoming(h: &mut Harness) -> SessionId {
    h.udp_from(PEER, invite());
    let events = h.take_events();
    match &events[..] {
        [Event::IncomingCall {
            session,
            from,
            sdp_offer: Some(_),
            ..
        }] => {
            assert_eq!(from, "sip:bob@10.0.0.9");
            *session
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_200_is_resent_until_the_ack_and_carries_tag_contact_and_record_route() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.accept(h.now, id, answer()).unwrap();
    let ok = h.take_one();
    assert_eq!(ok.status(), Some(200));
    assert!(hdr(&ok, "To")
        .unwrap()
        .starts_with("<sip:alice@10.0.0.2>;tag="));
    assert_eq!(
        hdr(&ok, "Contact").as_deref(),
        Some("<sip:alice@10.0.0.1:5060>")
    );
    assert_eq!(
        hdr(&ok, "Record-Route").as_deref(),
        Some("<sip:10.0.0.7;lr>")
    );
    let t0 = h.now;
    // Resent at 0.5, 1.5, 3.5, 7.5 s (T1 doubling, then T2 = 4 s).
    let mut at = Vec::new();
    for _ in 0..8000 {
        h.advance(ms(1));
        if !h.take_sent().is_empty() {
            at.push(h.now - t0);
        }
        if at.len() == 4 {
            break;
        }
    }
    assert_eq!(at, vec![ms(500), ms(1500), ms(3500), ms(7500)]);
    // The ACK stops it and confirms the call.
    let to = hdr(&ok, "To").unwrap();
    let ack = format!(
        "ACK sip:alice@10.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKack1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: {to}\r\nCall-ID: call-1@10.0.0.9\r\n\
         CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
    );
    h.udp_from(PEER, ack);
    assert!(matches!(h.take_events()[..], [Event::CallAccepted { session, .. }] if session == id));
    h.advance(Duration::from_secs(40));
    assert!(h.take_sent().is_empty(), "no more 200s after the ACK");
}

#[test]
fn a_200_never_acknowledged_ends_the_call_with_bye_after_64_t1() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.accept(h.now, id, answer()).unwrap();
    h.take_sent();
    let t0 = h.now;
    let mut bye_at = None;
    for _ in 0..40_000 {
        h.advance(ms(1));
        let bye_dest = h
            .sent
            .iter()
            .find(|(_, t)| t.data.starts_with(b"BYE "))
            .map(|(_, t)| t.destination);
        let sent = h.take_sent();
        if let Some(bye) = sent.iter().find(|m| m.method() == Some(&Method::Bye)) {
            bye_at = Some(h.now - t0);
            assert_eq!(bye.request_uri_str(), Some("sip:bob@10.0.0.9:5060"));
            assert_eq!(hdr(bye, "Route").as_deref(), Some("<sip:10.0.0.7;lr>"));
            // Loose routing: to the record-routing proxy, not the Contact.
            assert_eq!(bye_dest, Some(addr("10.0.0.7:5060")));
            assert_eq!(
                hdr(bye, "Reason").as_deref(),
                Some("SIP;cause=408;text=\"No ACK for the 2xx\"")
            );
            break;
        }
    }
    assert_eq!(bye_at, Some(Duration::from_secs(32)));
    h.advance(Duration::from_secs(40));
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::CallEnded { session, reason: EndReason::NoAck, cause: Some(_) }] if *session == id),
        "{events:?}"
    );
}

#[test]
fn an_incoming_call_can_ring_then_be_rejected() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.progress(h.now, id, 180, None).unwrap();
    let ringing = h.take_one();
    assert_eq!(ringing.status(), Some(180));
    h.ep.reject(h.now, id, 486, "Busy Here").unwrap();
    let busy = h.take_one();
    assert_eq!(busy.status(), Some(486));
    assert_eq!(
        hdr(&busy, "To"),
        hdr(&ringing, "To"),
        "one To tag for the whole call"
    );
    assert!(matches!(
        h.take_events()[..],
        [Event::CallEnded {
            reason: EndReason::Declined { status: 486 },
            ..
        }]
    ));
    assert!(h.ep.accept(h.now, id, None).is_err());
}

/// A proxy's credentials (407) go preemptively with later requests outside
/// dialogs, but not with requests inside the call: those follow the route
/// set, often to the peer itself, which must not see them.
#[test]
fn proxy_credentials_are_reused_outside_dialogs_but_not_inside_the_call() {
    use sansip::auth::UserCredentials;
    use sansip::endpoint::InviteOptions;
    let mut c = config();
    c.credentials
        .insert("example.com", UserCredentials::password("alice", "secret"));
    let mut h = Harness::new(c);
    let offer = "v=0\r\no=- 2 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";
    let options = InviteOptions {
        sdp: Some(Bytes::from_static(offer.as_bytes())),
        ..Default::default()
    };
    let id = h.ep.invite(h.now, "sip:bob@10.0.0.9", options).unwrap();
    let invite = h.take_one();
    let challenge = r#"Digest realm="example.com", nonce="n1", algorithm=MD5, qop="auth""#;
    h.udp_from(
        PEER,
        respond(
            &invite,
            407,
            "Proxy Authentication Required",
            &[("Proxy-Authenticate", challenge)],
        ),
    );
    let sent = h.take_sent();
    let retry = sent
        .iter()
        .find(|m| m.method() == Some(&Method::Invite))
        .expect("the INVITE again");
    assert!(hdr(retry, "Proxy-Authorization").is_some_and(|a| a.contains("realm=\"example.com\"")));
    let sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    let ok = Message::parse(respond(
        retry,
        200,
        "OK",
        &[("Contact", "<sip:bob@10.0.0.9:5060>")],
    ))
    .unwrap();
    let ok = ResponseBuilder::new(200, "OK")
        .copy_headers(
            &ok,
            &[
                HeaderName::Via,
                HeaderName::From,
                HeaderName::To,
                HeaderName::CallId,
                HeaderName::CSeq,
                HeaderName::Contact,
            ],
        )
        .body("application/sdp", sdp.as_bytes().to_vec())
        .build()
        .unwrap();
    h.udp_from(PEER, ok.to_bytes());
    let ack = h.take_one();
    assert_eq!(ack.method(), Some(&Method::Ack));
    // §13.2.2.4: the ACK for a 2xx carries the INVITE's credentials.
    assert!(hdr(&ack, "Proxy-Authorization").is_some());
    h.ep.message(h.now, "sip:carol@10.0.0.9", "text/plain", "hi", &[])
        .unwrap();
    let message = h
        .take_sent()
        .into_iter()
        .find(|m| m.method() == Some(&Method::Message))
        .expect("the MESSAGE");
    assert!(
        hdr(&message, "Proxy-Authorization").is_some(),
        "outside a dialog the proxy's credentials save a round trip"
    );
    h.ep.hangup(h.now, id).unwrap();
    let bye = h.take_one();
    assert_eq!(bye.method(), Some(&Method::Bye));
    assert!(hdr(&bye, "Proxy-Authorization").is_none(), "{bye:?}");
}

#[test]
fn the_ring_policy_sends_180_by_itself_reliably_when_the_caller_can_prack() {
    use sansip::endpoint::RingPolicy;
    for (policy, supported, reliable) in [
        (RingPolicy::Ringing, false, false),
        (RingPolicy::Ringing, true, false),
        (RingPolicy::ReliableRinging, true, true),
        (RingPolicy::ReliableRinging, false, false),
    ] {
        let mut c = config();
        c.ring = policy;
        let mut h = Harness::new(c);
        let mut inv = invite();
        if supported {
            inv = inv.replace(
                "CSeq: 1 INVITE\r\n",
                "CSeq: 1 INVITE\r\nSupported: 100rel\r\n",
            );
        }
        h.udp_from(PEER, inv);
        assert!(matches!(&h.take_events()[..], [Event::IncomingCall { .. }]));
        let ringing = h.take_one();
        assert_eq!(ringing.status(), Some(180), "{policy:?}");
        assert_eq!(
            hdr(&ringing, "Require").as_deref() == Some("100rel"),
            reliable,
            "{policy:?} supported={supported}"
        );
    }
    // Manual: nothing until the application says so (100 Trying after
    // 200 ms is the transaction's).
    let mut h = Harness::new(config());
    h.udp_from(PEER, invite());
    assert!(h.take_sent().is_empty());
}

#[test]
fn cancel_is_for_unanswered_outgoing_calls_only() {
    use sansip::endpoint::InviteOptions;
    let mut h = Harness::new(config());
    let incoming_id = incoming(&mut h);
    assert!(matches!(
        h.ep.cancel(h.now, incoming_id),
        Err(sansip::endpoint::CommandError::WrongState { .. })
    ));
    let out =
        h.ep.invite(h.now, "sip:carol@10.0.0.8", InviteOptions::default())
            .unwrap();
    let invite = h
        .take_sent()
        .into_iter()
        .find(|m| m.method() == Some(&Method::Invite))
        .unwrap();
    // A CANCEL waits for the first provisional response (§9.1).
    h.ep.cancel(h.now, out).unwrap();
    assert!(h.take_sent().is_empty());
    h.udp_from("10.0.0.8:5060", respond(&invite, 180, "Ringing", &[]));
    let cancel = h
        .take_sent()
        .into_iter()
        .find(|m| m.method() == Some(&Method::Cancel));
    assert!(cancel.is_some(), "CANCEL after the 180");
}

/// RFC 3326 both ways: the peer's Reason on BYE and CANCEL is reported
/// with the end of the call, a CANCEL saying another device answered is
/// not a missed call, and our hangup can say why.
#[test]
fn reason_headers_on_bye_and_cancel_both_ways() {
    use sansip::endpoint::EndCause;
    // A CANCEL from a forking proxy: answered elsewhere.
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.progress(h.now, id, 180, None).unwrap();
    h.take_sent();
    h.udp_from(
        PEER,
        "CANCEL sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKinv1\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: <sip:alice@10.0.0.2>\r\n\
         Call-ID: call-1@10.0.0.9\r\nCSeq: 1 CANCEL\r\n\
         Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\nContent-Length: 0\r\n\r\n",
    );
    match &h.take_events()[..] {
        [Event::CallEnded {
            reason: EndReason::AnsweredElsewhere,
            cause: Some(cause),
            ..
        }] => assert_eq!(cause.text.as_deref(), Some("Call completed elsewhere")),
        other => panic!("{other:?}"),
    }

    // A BYE from a gateway with a Q.850 cause.
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.accept(h.now, id, answer()).unwrap();
    let ok = h.take_one();
    let to = hdr(&ok, "To").unwrap();
    let in_dialog = |method: &str, cseq: u32, extra: &str| {
        format!(
            "{method} sip:alice@10.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK{method}{cseq}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: {to}\r\nCall-ID: call-1@10.0.0.9\r\n\
             CSeq: {cseq} {method}\r\n{extra}Content-Length: 0\r\n\r\n"
        )
    };
    h.udp_from(PEER, in_dialog("ACK", 1, ""));
    h.take_events();
    h.udp_from(
        PEER,
        in_dialog(
            "BYE",
            2,
            "Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n",
        ),
    );
    match &h.take_events()[..] {
        [Event::CallEnded {
            reason: EndReason::RemoteHangup,
            cause: Some(cause),
            ..
        }] => {
            assert_eq!(
                cause,
                &EndCause {
                    protocol: "Q.850".into(),
                    cause: Some(16),
                    text: Some("Normal call clearing".into())
                }
            );
        }
        other => panic!("{other:?}"),
    }

    // Our hangup with a cause.
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.accept(h.now, id, answer()).unwrap();
    h.take_sent();
    h.ep.hangup_with_cause(
        h.now,
        id,
        EndCause {
            protocol: "Q.850".into(),
            cause: Some(17),
            text: Some("User busy \"now\"".into()),
        },
    )
    .unwrap();
    let bye = h.take_one();
    assert_eq!(bye.method(), Some(&Method::Bye));
    assert_eq!(
        hdr(&bye, "Reason").as_deref(),
        Some("Q.850;cause=17;text=\"User busy now\""),
        "quotes inside the text are dropped"
    );
}

#[test]
fn an_incoming_call_nobody_answers_is_declined_with_480_after_three_minutes() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.progress(h.now, id, 180, None).unwrap();
    h.take_sent();
    h.advance(Duration::from_secs(179));
    assert!(
        h.take_sent().iter().all(|m| m.status() != Some(480)),
        "still ringing"
    );
    h.advance(Duration::from_secs(1));
    let sent = h.take_sent();
    assert!(sent.iter().any(|m| m.status() == Some(480)), "{sent:?}");
    assert!(matches!(
        &h.take_events()[..],
        [Event::CallEnded {
            reason: EndReason::Declined { status: 480 },
            ..
        }]
    ));
    h.advance(Duration::from_secs(60));
    assert_eq!(h.ep.timers_armed(), 0);
    assert_eq!(h.ep.calls(), 0);
}

#[test]
fn a_rejection_without_a_phrase_gets_the_usual_one() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h);
    h.ep.reject(h.now, id, 486, "").unwrap();
    let busy = h
        .take_sent()
        .into_iter()
        .find(|m| m.status() == Some(486))
        .unwrap();
    assert_eq!(busy.reason(), Some(&b"Busy Here"[..]));
}
