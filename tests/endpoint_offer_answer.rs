//! Offer/answer inside calls (RFC 3264, RFC 6337, RFC 3262 §5, RFC 3311),
//! on the wire, against a hand-driven peer in virtual time: where every SDP
//! goes (INVITE, reliable 1xx, PRACK, 2xx, ACK, re-INVITE, UPDATE), what
//! it says (directions, `o=` versions, rejected streams), and what happens
//! when the peer gets it wrong.

mod endpoint_util;

use bytes::Bytes;
use endpoint_util::*;
use sansip::endpoint::{CommandError, Config, EndReason, Event, InviteOptions, SessionId};
use sansip::message::{HeaderName, Message, Method, ResponseBuilder};
use sansip::sdp::{Capabilities, Codec, MediaCapability};

const PEER: &str = "10.0.0.9:5060";

/// Alice's offer: her own o= line, version 5.
const ALICE: &str = "v=0\r\no=alice 100 5 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
    m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

/// Bob's SDP with direction `dir` and o= version `v` (and `extra` lines).
fn bob(dir: &str, v: u32, extra: &str) -> String {
    format!(
        "v=0\r\no=bob 200 {v} IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n\
         m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\na={dir}\r\n{extra}"
    )
}

fn caps() -> Capabilities {
    Capabilities {
        address: "10.0.0.1".into(),
        media: vec![MediaCapability::new(
            "audio",
            6000,
            vec![Codec::new("PCMU", 8000), Codec::new("PCMA", 8000)],
        )],
    }
}

fn with_media() -> Config {
    let mut c = config();
    c.media = Some(caps());
    c
}

fn body(m: &Message) -> String {
    String::from_utf8_lossy(m.body()).into_owned()
}

/// The `o=` version of a message's SDP.
fn version(m: &Message) -> u64 {
    let b = body(m);
    let o = b.lines().find(|l| l.starts_with("o=")).expect("an o= line");
    o.split(' ')
        .nth(2)
        .and_then(|v| v.parse().ok())
        .expect("version")
}

fn has(m: &Message, line: &str) -> bool {
    body(m).lines().any(|l| l == line)
}

/// A response of the peer's with its Contact and, if given, SDP.
fn reply(request: &Message, code: u16, headers: &[(&str, &str)], sdp: Option<&str>) -> Bytes {
    let mut all = vec![("Contact", "<sip:bob@10.0.0.9:5060>")];
    all.extend_from_slice(headers);
    let plain = Message::parse(respond(request, code, "Whatever", &all)).expect("response");
    match sdp {
        None => plain.to_bytes(),
        Some(sdp) => {
            let mut b = ResponseBuilder::new(code, "Whatever");
            for name in [
                "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Require", "RSeq",
            ] {
                if let Some(v) = plain.raw_by_name(name) {
                    b = b.raw_header(name, v);
                }
            }
            b.body("application/sdp", sdp.as_bytes().to_vec())
                .build()
                .expect("response")
                .to_bytes()
        }
    }
}

/// Alice calls bob; returns the call and the INVITE.
fn call(h: &mut Harness, sdp: Option<&str>) -> (SessionId, Message) {
    let id =
        h.ep.invite(
            h.now,
            "sip:bob@10.0.0.9",
            InviteOptions {
                sdp: sdp.map(|s| Bytes::copy_from_slice(s.as_bytes())),
                ..Default::default()
            },
        )
        .expect("invite");
    let invite = h.take_one();
    assert_eq!(invite.method(), Some(&Method::Invite));
    (id, invite)
}

/// Bob's request in the dialog of alice's `invite` (alice called).
fn from_callee(invite: &Message, method: &str, cseq: u32, sdp: Option<&str>) -> String {
    let from = hdr(invite, "From").expect("From");
    let call_id = hdr(invite, "Call-ID").expect("Call-ID");
    let body = sdp.unwrap_or("");
    let ct = if sdp.is_some() {
        "Content-Type: application/sdp\r\n"
    } else {
        ""
    };
    format!(
        "{method} sip:alice@10.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKb{method}{cseq}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=reg1\r\nTo: {from}\r\nCall-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\nContact: <sip:bob@10.0.0.9:5060>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Bob calls alice (with `headers` and an offer if given).
fn incoming(h: &mut Harness, headers: &str, sdp: Option<&str>) -> SessionId {
    let body = sdp.unwrap_or("");
    let ct = if sdp.is_some() {
        "Content-Type: application/sdp\r\n"
    } else {
        ""
    };
    h.udp_from(
        PEER,
        format!(
            "INVITE sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKinv1\r\n\
             Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: <sip:alice@10.0.0.2>\r\n\
             Call-ID: call-1@10.0.0.9\r\nCSeq: 1 INVITE\r\nContact: <sip:bob@10.0.0.9:5060>\r\n\
             {headers}{ct}Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    match &h.take_events()[..] {
        [Event::IncomingCall { session, .. }] => *session,
        other => panic!("{other:?}"),
    }
}

/// Bob's request in the dialog of his call to alice, whose responses
/// carry `to` (with alice's tag).
fn from_caller(to: &str, method: &str, cseq: u32, extra: &str, sdp: Option<&str>) -> String {
    let body = sdp.unwrap_or("");
    let ct = if sdp.is_some() {
        "Content-Type: application/sdp\r\n"
    } else {
        ""
    };
    format!(
        "{method} sip:alice@10.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKc{method}{cseq}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: {to}\r\nCall-ID: call-1@10.0.0.9\r\n\
         CSeq: {cseq} {method}\r\nContact: <sip:bob@10.0.0.9:5060>\r\n{extra}{ct}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn sdp_bytes(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

#[test]
fn our_offer_keeps_its_origin_and_every_later_offer_gets_the_next_version() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, Some(ALICE));
    assert_eq!(
        body(&invite),
        ALICE,
        "the application's offer goes out as given"
    );
    h.udp_from(
        PEER,
        reply(&invite, 200, &[], Some(&bob("sendrecv", 1, ""))),
    );
    let ack = h.take_one();
    assert_eq!(ack.method(), Some(&Method::Ack));
    assert!(ack.body().is_empty(), "nothing to answer in the ACK");
    assert!(matches!(
        &h.take_events()[..],
        [Event::CallAccepted { sdp: Some(_), .. }]
    ));
    assert_eq!(h.ep.local_sdp(id).as_deref(), Some(ALICE.as_bytes()));
    assert_eq!(
        h.ep.remote_sdp(id).as_deref(),
        Some(bob("sendrecv", 1, "").as_bytes())
    );

    // Hold: sendonly, next version, same username and session id.
    h.ep.hold(h.now, id).unwrap();
    let hold = h.take_one();
    assert!(has(&hold, "a=sendonly"), "{}", body(&hold));
    assert_eq!(version(&hold), 6);
    assert!(body(&hold).contains("o=alice 100 6 IN IP4 10.0.0.1\r\n"));
    // A second offer while one is pending is refused, with the reason.
    assert!(matches!(
        h.ep.resume(h.now, id),
        Err(CommandError::WrongState { .. })
    ));

    // Refused: the media stay as they were (SIP.js #685).
    h.udp_from(PEER, reply(&hold, 488, &[], None));
    h.take_sent(); // the transaction's ACK for the 488
    assert!(
        matches!(
            &h.take_events()[..],
            [Event::CallUpdateFailed { status: 488, .. }]
        ),
        "refusal reported"
    );
    assert!(!h.ep.is_on_hold(id));
    assert_eq!(h.ep.local_sdp(id).as_deref(), Some(ALICE.as_bytes()));

    // Again, accepted this time: the version moved on past the refused one.
    h.ep.hold(h.now, id).unwrap();
    let hold = h.take_one();
    assert_eq!(version(&hold), 7);
    h.udp_from(PEER, reply(&hold, 200, &[], Some(&bob("recvonly", 2, ""))));
    let ack = h.take_one();
    assert_eq!(ack.method(), Some(&Method::Ack));
    assert!(h.ep.is_on_hold(id));
    assert!(matches!(
        &h.take_events()[..],
        [Event::CallUpdated { sdp: Some(_), .. }]
    ));

    h.ep.resume(h.now, id).unwrap();
    let resume = h.take_one();
    assert!(has(&resume, "a=sendrecv"));
    assert_eq!(version(&resume), 8);
}

#[test]
fn a_late_offer_in_the_2xx_is_answered_in_the_ack_from_the_configured_media() {
    let mut h = Harness::new(with_media());
    let (id, invite) = call(&mut h, None);
    assert!(invite.body().is_empty(), "no offer in the INVITE");
    h.udp_from(
        PEER,
        reply(&invite, 200, &[], Some(&bob("sendonly", 1, ""))),
    );
    let ack = h.take_one();
    assert_eq!(ack.method(), Some(&Method::Ack));
    // First common codec in the offerer's order (PCMA), our port, the
    // offerer's sendonly answered recvonly.
    assert!(has(&ack, "m=audio 6000 RTP/AVP 8"), "{}", body(&ack));
    assert!(has(&ack, "c=IN IP4 10.0.0.1"));
    assert!(has(&ack, "a=recvonly"));
    assert!(
        matches!(&h.take_events()[..], [Event::CallAccepted { session, .. }] if *session == id)
    );
    assert_eq!(
        h.ep.remote_sdp(id).as_deref(),
        Some(bob("sendonly", 1, "").as_bytes())
    );
}

#[test]
fn a_late_offer_waits_for_the_applications_answer_before_the_ack() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, None);
    let ok = reply(&invite, 200, &[], Some(&bob("sendrecv", 1, "")));
    h.udp_from(PEER, ok.clone());
    assert!(h.take_sent().is_empty(), "no ACK without an answer");
    match &h.take_events()[..] {
        [Event::AnswerNeeded { session, offer }] => {
            assert_eq!(*session, id);
            assert_eq!(offer, bob("sendrecv", 1, "").as_bytes());
        }
        other => panic!("{other:?}"),
    }
    // The 2xx is resent: still nothing to ACK with.
    h.udp_from(PEER, ok.clone());
    assert!(h.take_sent().is_empty());
    // An answer with a stream too many is refused; the wait goes on.
    let two = format!("{}m=video 0 RTP/AVP 96\r\n", ALICE);
    assert!(matches!(
        h.ep.answer(h.now, id, Bytes::from(two)),
        Err(CommandError::Sdp { .. })
    ));
    h.ep.answer(h.now, id, Bytes::from_static(ALICE.as_bytes()))
        .unwrap();
    let ack = h.take_one();
    assert_eq!(ack.method(), Some(&Method::Ack));
    assert_eq!(body(&ack), ALICE);
    assert!(matches!(&h.take_events()[..], [Event::CallAccepted { .. }]));
    // A later retransmission of the 2xx gets the same ACK again.
    h.udp_from(PEER, ok);
    assert_eq!(body(&h.take_one()), ALICE);
    assert!(h
        .ep
        .answer(h.now, id, Bytes::from_static(ALICE.as_bytes()))
        .is_err());
}

#[test]
fn hanging_up_while_the_ack_waits_for_an_answer_acknowledges_then_byes() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, None);
    h.udp_from(
        PEER,
        reply(&invite, 200, &[], Some(&bob("sendrecv", 1, ""))),
    );
    assert!(matches!(&h.take_events()[..], [Event::AnswerNeeded { .. }]));
    h.ep.hangup(h.now, id).unwrap();
    let methods: Vec<_> = h
        .take_sent()
        .iter()
        .filter_map(|m| m.method().cloned())
        .collect();
    assert_eq!(methods, [Method::Ack, Method::Bye]);
}

#[test]
fn a_late_offer_in_a_reliable_183_is_answered_in_the_prack() {
    let mut h = Harness::new(with_media());
    let (id, invite) = call(&mut h, None);
    let rel = [("Require", "100rel"), ("RSeq", "77")];
    h.udp_from(
        PEER,
        reply(&invite, 183, &rel, Some(&bob("sendrecv", 1, ""))),
    );
    let prack = h.take_one();
    assert_eq!(prack.method(), Some(&Method::Prack));
    assert_eq!(hdr(&prack, "RAck").as_deref(), Some("77 1 INVITE"));
    assert!(has(&prack, "m=audio 6000 RTP/AVP 8"), "{}", body(&prack));
    h.udp_from(PEER, reply(&prack, 200, &[], None));
    // The 2xx carries no SDP: the exchange is complete already.
    h.udp_from(PEER, reply(&invite, 200, &[], None));
    let ack = h
        .take_sent()
        .into_iter()
        .find(|m| m.method() == Some(&Method::Ack));
    assert!(ack.expect("ACK").body().is_empty());
    let events = h.take_events();
    assert!(
        events.iter().any(
            |e| matches!(e, Event::CallAccepted { sdp: Some(_), session, .. } if *session == id)
        ),
        "{events:?}"
    );
    assert!(h
        .ep
        .local_sdp(id)
        .is_some_and(|s| s.windows(4).any(|w| w == b"6000")));
}

#[test]
fn an_answer_that_does_not_fit_our_offer_ends_the_call_after_the_ack() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, Some(ALICE));
    let two = bob("sendrecv", 1, "m=video 4002 RTP/AVP 96\r\n");
    h.udp_from(PEER, reply(&invite, 200, &[], Some(&two)));
    let sent = h.take_sent();
    let methods: Vec<_> = sent.iter().filter_map(|m| m.method().cloned()).collect();
    assert_eq!(methods, [Method::Ack, Method::Bye], "ACK first, then BYE");
    // RFC 3326: the BYE says why.
    let reason = hdr(&sent[1], "Reason").expect("a Reason");
    assert!(
        reason.starts_with("SIP;cause=488;text=\"the answer in the 2xx"),
        "{reason}"
    );
    h.udp_from(PEER, respond(&sent[1], 200, "OK", &[]));
    match &h.take_events()[..] {
        [Event::CallEnded {
            session,
            reason: EndReason::OfferAnswerFailed { why },
            cause: Some(cause),
        }] => {
            assert_eq!(*session, id);
            assert!(why.contains("media sections"), "{why}");
            assert_eq!((cause.protocol.as_str(), cause.cause), ("SIP", Some(488)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unreadable_offer_is_refused_before_anything_is_sent() {
    let mut h = Harness::new(config());
    let r = h.ep.invite(
        h.now,
        "sip:bob@10.0.0.9",
        InviteOptions {
            sdp: sdp_bytes("this is not SDP"),
            ..Default::default()
        },
    );
    assert!(
        matches!(
            r,
            Err(CommandError::Sdp {
                what: "the offer",
                ..
            })
        ),
        "{r:?}"
    );
    assert!(h.take_sent().is_empty());
    assert_eq!(h.ep.calls(), 0);
}

#[test]
fn an_incoming_invite_with_unreadable_sdp_gets_488_with_a_warning() {
    let mut h = Harness::new(config());
    h.udp_from(
        PEER,
        "INVITE sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKbad\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: <sip:alice@10.0.0.2>\r\n\
         Call-ID: bad@10.0.0.9\r\nCSeq: 1 INVITE\r\nContact: <sip:bob@10.0.0.9>\r\n\
         Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nhello",
    );
    let resp = h
        .take_sent()
        .into_iter()
        .find(|m| m.status().unwrap_or(0) >= 200)
        .expect("a final response");
    assert_eq!(resp.status(), Some(488));
    assert!(hdr(&resp, "Warning").is_some_and(|w| w.starts_with("399 ")));
    assert!(h.take_events().is_empty(), "no call reported");
    assert_eq!(h.ep.calls(), 0);
}

#[test]
fn callee_offers_in_the_200_when_the_invite_had_none_and_the_ack_answers() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h, "", None);
    assert!(matches!(
        h.ep.accept(h.now, id, None),
        Err(CommandError::WrongState { .. })
    ));
    h.ep.accept(h.now, id, sdp_bytes(ALICE)).unwrap();
    let ok = h.take_one();
    assert_eq!(ok.status(), Some(200));
    assert_eq!(body(&ok), ALICE);
    let to = hdr(&ok, "To").unwrap();
    h.udp_from(
        PEER,
        from_caller(&to, "ACK", 1, "", Some(&bob("sendrecv", 1, ""))),
    );
    match &h.take_events()[..] {
        [Event::CallAccepted { sdp: Some(sdp), .. }] => {
            assert_eq!(sdp, bob("sendrecv", 1, "").as_bytes())
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        h.ep.remote_sdp(id).as_deref(),
        Some(bob("sendrecv", 1, "").as_bytes())
    );
}

#[test]
fn an_ack_without_the_answer_to_our_offer_ends_the_call_with_bye() {
    let mut h = Harness::new(with_media());
    let id = incoming(&mut h, "", None);
    // Config::media makes the offer.
    h.ep.accept(h.now, id, None).unwrap();
    let ok = h.take_one();
    assert!(has(&ok, "m=audio 6000 RTP/AVP 0 8"), "{}", body(&ok));
    let to = hdr(&ok, "To").unwrap();
    h.udp_from(PEER, from_caller(&to, "ACK", 1, "", None));
    let bye = h.take_one();
    assert_eq!(bye.method(), Some(&Method::Bye));
    h.udp_from(PEER, respond(&bye, 200, "OK", &[]));
    assert!(matches!(
        &h.take_events()[..],
        [Event::CallEnded { reason: EndReason::OfferAnswerFailed { .. }, session, .. }] if *session == id
    ));
}

#[test]
fn callee_answers_in_a_reliable_183_and_the_200_carries_no_sdp() {
    let mut h = Harness::new(config());
    let id = incoming(
        &mut h,
        "Supported: 100rel\r\n",
        Some(&bob("sendrecv", 1, "")),
    );
    h.ep.progress_reliable(h.now, id, 183, sdp_bytes(ALICE))
        .unwrap();
    let p183 = h.take_one();
    assert_eq!(p183.status(), Some(183));
    assert_eq!(body(&p183), ALICE);
    let to = hdr(&p183, "To").unwrap();
    let rseq = hdr(&p183, "RSeq").unwrap();
    h.udp_from(
        PEER,
        from_caller(&to, "PRACK", 2, &format!("RAck: {rseq} 1 INVITE\r\n"), None),
    );
    let ok_prack = h.take_one();
    assert_eq!(ok_prack.status(), Some(200));
    // The peer holds the call by UPDATE in the early dialog (RFC 3311).
    h.udp_from(
        PEER,
        from_caller(&to, "UPDATE", 3, "", Some(&bob("sendonly", 2, ""))),
    );
    let ok_update = h.take_one();
    assert_eq!(ok_update.status(), Some(200));
    assert!(has(&ok_update, "a=recvonly"), "{}", body(&ok_update));
    assert_eq!(version(&ok_update), 6);
    // Nothing left to negotiate: the 2xx has no body.
    h.ep.accept(h.now, id, None).unwrap();
    let ok = h.take_one();
    assert_eq!(ok.status(), Some(200));
    assert!(ok.body().is_empty());
}

#[test]
fn callee_offers_in_a_reliable_183_and_the_prack_answers() {
    let mut h = Harness::new(config());
    let id = incoming(&mut h, "Supported: 100rel\r\n", None);
    h.ep.progress_reliable(h.now, id, 183, sdp_bytes(ALICE))
        .unwrap();
    let p183 = h.take_one();
    assert_eq!(body(&p183), ALICE);
    // The 2xx must wait for the answer (RFC 3262 §5).
    assert!(matches!(
        h.ep.accept(h.now, id, None),
        Err(CommandError::WrongState { .. })
    ));
    let to = hdr(&p183, "To").unwrap();
    let rseq = hdr(&p183, "RSeq").unwrap();
    h.udp_from(
        PEER,
        from_caller(
            &to,
            "PRACK",
            2,
            &format!("RAck: {rseq} 1 INVITE\r\n"),
            Some(&bob("sendrecv", 1, "")),
        ),
    );
    let ok_prack = h.take_one();
    assert_eq!(ok_prack.status(), Some(200));
    assert!(ok_prack.body().is_empty(), "an answer is not answered");
    assert_eq!(
        h.ep.remote_sdp(id).as_deref(),
        Some(bob("sendrecv", 1, "").as_bytes())
    );
    h.ep.accept(h.now, id, None).unwrap();
    assert!(h.take_one().body().is_empty());
}

#[test]
fn caller_updates_in_the_early_dialog_once_the_183_answered() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, Some(ALICE));
    // Before any answer there is nothing to update.
    assert!(h
        .ep
        .update(h.now, id, Bytes::from_static(ALICE.as_bytes()))
        .is_err());
    let rel = [("Require", "100rel"), ("RSeq", "1")];
    h.udp_from(
        PEER,
        reply(&invite, 183, &rel, Some(&bob("sendrecv", 1, ""))),
    );
    let prack = h.take_one();
    assert!(prack.body().is_empty());
    h.udp_from(PEER, reply(&prack, 200, &[], None));
    let held = ALICE.replace("a=sendrecv", "a=sendonly");
    h.ep.update(h.now, id, Bytes::from(held)).unwrap();
    let update = h.take_one();
    assert_eq!(update.method(), Some(&Method::Update));
    assert!(
        hdr(&update, "To").unwrap().contains("tag=reg1"),
        "in the early dialog"
    );
    assert!(has(&update, "a=sendonly"));
    assert_eq!(version(&update), 6);
    h.udp_from(
        PEER,
        reply(&update, 200, &[], Some(&bob("recvonly", 2, ""))),
    );
    let events = h.take_events();
    assert!(
        matches!(
            &events[..],
            [
                Event::CallProgress { status: 183, .. },
                Event::CallUpdated { .. }
            ]
        ),
        "{events:?}"
    );
    assert!(h.ep.is_on_hold(id));
}

/// A call alice → bob, up, with alice's offer answered by bob.
fn up(h: &mut Harness) -> (SessionId, Message) {
    let (id, invite) = call(h, Some(ALICE));
    h.udp_from(
        PEER,
        reply(&invite, 200, &[], Some(&bob("sendrecv", 1, ""))),
    );
    h.take_sent();
    h.take_events();
    (id, invite)
}

#[test]
fn the_peers_hold_and_resume_are_answered_by_direction() {
    let mut h = Harness::new(config());
    let (id, invite) = up(&mut h);
    h.udp_from(
        PEER,
        from_callee(&invite, "INVITE", 2, Some(&bob("sendonly", 2, ""))),
    );
    let ok = h.take_one();
    assert!(has(&ok, "a=recvonly"), "{}", body(&ok));
    assert_eq!(version(&ok), 6);
    assert!(!h.ep.is_on_hold(id), "the peer holds, not us");
    h.udp_from(PEER, from_callee(&invite, "ACK", 2, None));
    // Resumed: sendrecv again (not recvonly from our last answer).
    h.udp_from(
        PEER,
        from_callee(&invite, "INVITE", 3, Some(&bob("sendrecv", 3, ""))),
    );
    let ok = h.take_one();
    assert!(has(&ok, "a=sendrecv"), "{}", body(&ok));
    assert_eq!(version(&ok), 7);
    h.udp_from(PEER, from_callee(&invite, "ACK", 3, None));
    // The peer adds video: we have none, the stream is rejected (port 0).
    let video = bob(
        "sendrecv",
        4,
        "m=video 4002 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n",
    );
    h.udp_from(PEER, from_callee(&invite, "INVITE", 4, Some(&video)));
    let ok = h.take_one();
    assert_eq!(ok.status(), Some(200));
    assert!(has(&ok, "m=video 0 RTP/AVP 96"), "{}", body(&ok));
    assert!(body(&ok).starts_with("v=0\r\no=alice 100 8 "));
}

#[test]
fn an_offerless_reinvite_gets_our_sdp_unchanged_and_the_ack_answers() {
    let mut h = Harness::new(config());
    let (id, invite) = up(&mut h);
    h.udp_from(PEER, from_callee(&invite, "INVITE", 2, None));
    let ok = h.take_one();
    assert_eq!(body(&ok), ALICE, "same SDP, same version (RFC 3264 §8)");
    // The ACK carries the answer.
    h.udp_from(
        PEER,
        from_callee(&invite, "ACK", 2, Some(&bob("sendonly", 2, ""))),
    );
    assert_eq!(
        h.ep.remote_sdp(id).as_deref(),
        Some(bob("sendonly", 2, "").as_bytes())
    );
    // And the negotiation is open for the next offer.
    h.ep.hold(h.now, id).unwrap();
    assert_eq!(version(&h.take_one()), 6);
}

#[test]
fn a_new_offer_in_a_prack_is_answered_in_its_200() {
    let mut h = Harness::new(config());
    let id = incoming(
        &mut h,
        "Supported: 100rel\r\n",
        Some(&bob("sendrecv", 1, "")),
    );
    h.ep.progress_reliable(h.now, id, 180, sdp_bytes(ALICE))
        .unwrap();
    let p180 = h.take_one();
    let to = hdr(&p180, "To").unwrap();
    let rseq = hdr(&p180, "RSeq").unwrap();
    h.udp_from(
        PEER,
        from_caller(
            &to,
            "PRACK",
            2,
            &format!("RAck: {rseq} 1 INVITE\r\n"),
            Some(&bob("inactive", 2, "")),
        ),
    );
    let ok = h.take_one();
    assert_eq!(ok.status(), Some(200));
    assert!(has(&ok, "a=inactive"), "{}", body(&ok));
    assert_eq!(version(&ok), 6);
}

#[test]
fn accept_without_sdp_answers_from_the_configured_media() {
    let mut h = Harness::new(with_media());
    let id = incoming(&mut h, "", Some(&bob("sendrecv", 1, "")));
    h.ep.accept(h.now, id, None).unwrap();
    let ok = h.take_one();
    assert!(has(&ok, "m=audio 6000 RTP/AVP 8"), "{}", body(&ok));
    assert!(has(&ok, "a=sendrecv"));
    // The answer's origin is ours: "-", a session id from the seed, and
    // the capabilities' address.
    let o = body(&ok)
        .lines()
        .find(|l| l.starts_with("o="))
        .unwrap()
        .to_owned();
    assert!(
        o.starts_with("o=- ") && o.ends_with(" 1 IN IP4 10.0.0.1"),
        "{o}"
    );
    assert!(ok.raw(HeaderName::ContentType).is_some());
}

/// Found by fuzzing: the callee ends an early dialog with BYE (which RFC
/// 3261 §15 forbids it, but it happens); our INVITE, still ringing, must
/// be cancelled, not left in its transaction for ever.
#[test]
fn a_bye_in_an_early_dialog_ends_the_call_and_cancels_the_invite() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, Some(ALICE));
    let rel = [("Require", "100rel"), ("RSeq", "1")];
    h.udp_from(PEER, reply(&invite, 183, &rel, Some("this is not sdp")));
    let prack = h.take_one();
    assert_eq!(prack.method(), Some(&Method::Prack));
    h.udp_from(PEER, reply(&prack, 200, &[], None));
    h.udp_from(PEER, from_callee(&invite, "BYE", 1, None));
    let sent = h.take_sent();
    assert!(
        sent.iter().any(|m| m.status() == Some(200)),
        "the BYE answered"
    );
    let cancel = sent
        .iter()
        .find(|m| m.method() == Some(&Method::Cancel))
        .expect("the ringing INVITE cancelled");
    assert_eq!(hdr(cancel, "Call-ID"), hdr(&invite, "Call-ID"));
    assert!(h.take_events().iter().any(|e| matches!(
        e,
        Event::CallEnded {
            reason: EndReason::RemoteHangup,
            session,
            ..
        } if *session == id
    )));
    // Nobody answers the CANCEL or the INVITE: 64·T1 later all is gone.
    h.advance(std::time::Duration::from_secs(40));
    assert_eq!(h.ep.transactions(), 0);
    assert_eq!(h.ep.timers_armed(), 0);
}

#[test]
fn our_call_nobody_answers_is_cancelled_after_three_minutes() {
    let mut h = Harness::new(config());
    let (id, invite) = call(&mut h, Some(ALICE));
    h.udp_from(PEER, reply(&invite, 180, &[], None));
    h.take_events();
    h.advance(std::time::Duration::from_secs(179));
    assert!(h
        .take_sent()
        .iter()
        .all(|m| m.method() != Some(&Method::Cancel)));
    h.advance(std::time::Duration::from_secs(1));
    let cancel = h
        .take_sent()
        .into_iter()
        .find(|m| m.method() == Some(&Method::Cancel))
        .expect("CANCEL at 180 s");
    h.udp_from(PEER, respond(&cancel, 200, "OK", &[]));
    h.udp_from(PEER, reply(&invite, 487, &[], None));
    assert!(h.take_events().iter().any(|e| matches!(
        e,
        Event::CallEnded {
            reason: EndReason::Failed(sansip::endpoint::Failure::Timeout),
            session,
            ..
        } if *session == id
    )));
}

#[test]
fn a_reinvite_the_peer_only_rings_for_is_cancelled_and_the_call_can_offer_again() {
    let mut h = Harness::new(config());
    let (id, _invite) = up(&mut h);
    h.ep.hold(h.now, id).expect("hold");
    let reinvite = h.take_one();
    assert_eq!(reinvite.method(), Some(&Method::Invite));
    h.udp_from(PEER, reply(&reinvite, 180, &[], None));
    assert!(matches!(
        h.ep.resume(h.now, id),
        Err(CommandError::WrongState { .. })
    ));
    // Nothing until the unanswered limit (180 s by default) ...
    h.advance(ms(180_000 - 1));
    assert!(h.take_sent().is_empty());
    // ... then a CANCEL for the re-INVITE (its branch, its CSeq number).
    h.advance(ms(1));
    let cancel = h.take_one();
    assert_eq!(cancel.method(), Some(&Method::Cancel));
    assert_eq!(hdr(&cancel, "Via"), hdr(&reinvite, "Via"));
    let n = |m: &Message| {
        hdr(m, "CSeq")
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(n(&cancel), n(&reinvite));
    assert_eq!(
        hdr(&cancel, "CSeq").unwrap(),
        format!("{} CANCEL", n(&reinvite))
    );
    h.udp_from(PEER, reply(&cancel, 200, &[], None));
    h.udp_from(PEER, reply(&reinvite, 487, &[], None));
    let ack = h.take_one();
    assert_eq!(ack.method(), Some(&Method::Ack));
    assert_eq!(
        h.take_events(),
        vec![Event::CallUpdateFailed {
            session: id,
            status: 487
        }]
    );
    assert!(!h.ep.is_on_hold(id), "the hold never took effect");
    // The call is still up and takes a new offer.
    h.ep.hold(h.now, id).expect("a new offer");
    assert_eq!(h.take_one().method(), Some(&Method::Invite));
}
