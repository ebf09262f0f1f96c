//! Matching and the layer's own answers (RFC 3261 §17.1.3, §17.2.3,
//! §8.2.2.2, §9, §18.1.1): retransmissions, ACK, CANCEL, RFC 2543 peers,
//! strays, merged requests, limits, flows and the UDP size rule. Every
//! scenario ends with the tables empty once the timers have run out.

mod transaction_util;

use std::time::Duration;

use bytes::Bytes;
use sansip::message::{headers::Via, HeaderName, Message, Method, RequestBuilder};
use sansip::transaction::{TxConfig, TxError, TxOutput, TxState};
use sansip::transport::{FlowId, Transport};
use transaction_util::*;

fn raw(text: &str) -> Message {
    Message::parse(Bytes::from(text.replace('\n', "\r\n"))).expect("test message parses")
}

// ---- retransmissions and keys (§17.2.3) -------------------------------

#[test]
fn retransmission_is_absorbed_in_trying_and_answered_with_the_last_response_later() {
    let mut h = Harness::new();
    let req = uas_request(Method::Register, "z9hG4bKreg", Transport::Udp);
    let udp = flow(Transport::Udp, 1);
    let tx = h.receive_new(Duration::ZERO, req.clone(), udp);
    assert_eq!(h.receive(ms(500), req.clone(), udp), vec![]);
    h.respond(ms(600), tx, &req, 100);
    assert_eq!(
        h.receive(ms(1500), req.clone(), udp),
        vec![send("SIP/2.0 100 Trying")]
    );
    h.respond(ms(1600), tx, &req, 200);
    assert_eq!(
        h.receive(ms(3500), req.clone(), udp),
        vec![send("SIP/2.0 200 OK")]
    );
    assert_eq!(h.layer.len(), 1, "all one transaction");
    h.assert_idle_after_timers();
}

#[test]
fn same_branch_from_another_sent_by_or_with_another_method_is_another_transaction() {
    let mut h = Harness::new();
    let udp = flow(Transport::Udp, 1);
    let first = uas_request(Method::Options, "z9hG4bKsame", Transport::Udp);
    let a = h.receive_new(Duration::ZERO, first.clone(), udp);
    let other_host = raw("OPTIONS sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.77:5060;branch=z9hG4bKsame
From: <sip:carol@192.0.2.77>;tag=c1
To: <sip:alice@192.0.2.1>
Call-ID: other@192.0.2.77
CSeq: 5 OPTIONS
Content-Length: 0

");
    let b = h.receive_new(ms(1), other_host.clone(), udp);
    let info = uas_request(Method::Info, "z9hG4bKsame", Transport::Udp);
    let c = h.receive_new(ms(2), info.clone(), udp);
    assert!(a != b && b != c && a != c);
    assert_eq!(h.layer.table_sizes()[..3], [3, 0, 3]);
    // Sent-by is compared without case.
    let upper = raw("OPTIONS sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP PC33.Example.COM:5060;branch=z9hG4bKcase
From: <sip:dave@pc33.example.com>;tag=d1
To: <sip:alice@192.0.2.1>
Call-ID: case@pc33
CSeq: 1 OPTIONS
Content-Length: 0

");
    let lower = raw("OPTIONS sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bKcase
From: <sip:dave@pc33.example.com>;tag=d1
To: <sip:alice@192.0.2.1>
Call-ID: case@pc33
CSeq: 1 OPTIONS
Content-Length: 0

");
    let d = h.receive_new(ms(3), upper.clone(), udp);
    assert_eq!(h.receive(ms(4), lower, udp), vec![], "a retransmission");
    assert_eq!(h.layer.len(), 4);
    for (tx, req) in [(a, first), (b, other_host), (c, info), (d, upper)] {
        h.respond(ms(5), tx, &req, 200);
    }
    h.assert_idle_after_timers();
}

#[test]
fn ack_for_a_non_2xx_is_absorbed_by_the_invite_server_transaction() {
    let mut h = Harness::new();
    let udp = flow(Transport::Udp, 1);
    let inv = uas_request(Method::Invite, "z9hG4bKinv", Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), udp);
    h.respond(ms(10), tx, &inv, 603);
    let ack = uas_request(Method::Ack, "z9hG4bKinv", Transport::Udp);
    assert_eq!(h.receive(ms(20), ack.clone(), udp), vec![], "no TU event");
    assert_eq!(h.layer.state(tx), Some(TxState::Confirmed));
    assert_eq!(
        h.receive(ms(30), ack, udp),
        vec![],
        "nor for its retransmission"
    );
    h.assert_idle_after_timers();
}

#[test]
fn ack_matching_no_transaction_goes_to_the_tu() {
    let mut h = Harness::new();
    let ack = uas_request(Method::Ack, "z9hG4bKnone", Transport::Udp);
    assert_eq!(
        h.receive(Duration::ZERO, ack, flow(Transport::Udp, 1)),
        vec![Seen::Ack(None)]
    );
    assert_eq!(h.layer.table_sizes(), [0; 4], "an ACK makes no transaction");
    h.assert_idle_after_timers();
}

// ---- CANCEL (§9) ---------------------------------------------------------

#[test]
fn received_cancel_is_its_own_transaction_and_names_the_invite_it_cancels() {
    let mut h = Harness::new();
    let udp = flow(Transport::Udp, 1);
    let inv = uas_request(Method::Invite, "z9hG4bKcall", Transport::Udp);
    let invite_tx = h.receive_new(Duration::ZERO, inv.clone(), udp);
    h.respond(ms(50), invite_tx, &inv, 180);
    let cancel = uas_request(Method::Cancel, "z9hG4bKcall", Transport::Udp);
    let out = h.receive(secs(2), cancel.clone(), udp);
    let cancel_tx = match out.as_slice() {
        [Seen::Request(tx, m, Some(c))] if m == "CANCEL" && *c == invite_tx => *tx,
        other => panic!("{other:?}"),
    };
    assert_ne!(cancel_tx, invite_tx);
    // The TU answers both: 200 to the CANCEL, 487 to the INVITE.
    assert_eq!(
        h.respond(secs(2), cancel_tx, &cancel, 200),
        vec![send("SIP/2.0 200 OK")]
    );
    assert_eq!(
        h.respond(secs(2), invite_tx, &inv, 487),
        vec![send("SIP/2.0 487 Request Terminated")]
    );
    // A CANCEL retransmission gets its 200 again.
    assert_eq!(
        h.receive(secs(3), cancel, udp),
        vec![send("SIP/2.0 200 OK")]
    );
    h.receive(
        secs(3),
        uas_request(Method::Ack, "z9hG4bKcall", Transport::Udp),
        udp,
    );
    h.assert_idle_after_timers();
}

#[test]
fn cancel_matching_no_invite_says_so() {
    let mut h = Harness::new();
    let cancel = uas_request(Method::Cancel, "z9hG4bKgone", Transport::Udp);
    let out = h.receive(Duration::ZERO, cancel.clone(), flow(Transport::Udp, 1));
    let tx = match out.as_slice() {
        [Seen::Request(tx, m, None)] if m == "CANCEL" => *tx,
        other => panic!("{other:?}"),
    };
    // §9.2: the TU answers 481.
    h.respond(ms(1), tx, &cancel, 481);
    h.assert_idle_after_timers();
}

#[test]
fn cancel_builds_a_cancel_with_the_invites_branch_uri_call_id_from_to_cseq_and_route() {
    let mut h = Harness::new();
    let (invite_tx, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 9),
        target(Transport::Udp),
    );
    h.receive(ms(100), response_to(&sent, 180), flow(Transport::Udp, 1));
    let cancel_tx = h.layer.cancel(h.at(secs(1)), invite_tx).expect("cancel");
    assert_ne!(cancel_tx, invite_tx);
    let out = h.transmits();
    assert_eq!(out.len(), 1);
    let c = &out[0].bytes[..];
    assert_eq!(start_line(c), "CANCEL sip:bob@192.0.2.9 SIP/2.0");
    assert_eq!(out[0].transport, Transport::Udp);
    // §9.1: one Via, the INVITE's top Via, so the same branch.
    assert_eq!(header_lines(c, "Via"), header_lines(&sent, "Via"));
    let (cm, im) = (
        Message::parse(out[0].bytes.clone()).unwrap(),
        Message::parse(sent.clone()).unwrap(),
    );
    assert_eq!(
        cm.header::<Via>().unwrap().branch(),
        im.header::<Via>().unwrap().branch()
    );
    for name in ["From", "To", "Call-ID", "Route"] {
        assert_eq!(header_lines(c, name), header_lines(&sent, name), "{name}");
    }
    assert_eq!(header_lines(c, "CSeq"), vec!["9 CANCEL".to_owned()]);
    assert!(header_lines(c, "Contact").is_empty());
    assert_eq!(h.layer.state(cancel_tx), Some(TxState::Trying));
    // A non-INVITE client transaction: Timer E from T1 after it was sent.
    assert_eq!(h.next_deadline(), Some(secs(1) + T1));

    // Its 200 and the INVITE's 487 match their own transactions.
    let ok = response_to(&out[0].bytes, 200);
    assert_eq!(
        h.receive(secs(2), ok, flow(Transport::Udp, 1)),
        vec![Seen::Response(cancel_tx, 200)]
    );
    assert_eq!(
        h.receive(secs(2), response_to(&sent, 487), flow(Transport::Udp, 1)),
        vec![send(ACK_LINE), Seen::Response(invite_tx, 487)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn cancel_is_refused_before_a_provisional_after_a_final_and_on_other_transactions() {
    let mut h = Harness::new();
    let (inv, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 1),
        target(Transport::Udp),
    );
    assert!(matches!(
        h.layer.cancel(h.at(ms(1)), inv),
        Err(TxError::WrongState(_))
    ));
    h.receive(ms(2), response_to(&sent, 486), flow(Transport::Udp, 1));
    assert!(matches!(
        h.layer.cancel(h.at(ms(3)), inv),
        Err(TxError::WrongState(_))
    ));
    let (opt, _) = h.send_request(
        ms(4),
        uac_request(Method::Options, 2),
        target(Transport::Udp),
    );
    assert!(matches!(
        h.layer.cancel(h.at(ms(5)), opt),
        Err(TxError::WrongState(_))
    ));
    let _ = h.drain();
    h.assert_idle_after_timers();
    assert_eq!(
        h.layer.cancel(h.at(secs(4000)), inv),
        Err(TxError::NoSuchTransaction(inv))
    );
}

#[test]
fn a_second_cancel_for_the_same_invite_is_refused_and_the_first_keeps_working() {
    let mut h = Harness::new();
    let (inv, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 1),
        target(Transport::Udp),
    );
    h.receive(ms(100), response_to(&sent, 180), flow(Transport::Udp, 1));
    let first = h.layer.cancel(h.at(secs(1)), inv).unwrap();
    let cancel_bytes = h.transmits()[0].bytes.clone();
    assert!(matches!(
        h.layer.cancel(h.at(secs(2)), inv),
        Err(TxError::WrongState(_))
    ));
    assert_eq!(h.transmits(), vec![], "one CANCEL on the wire");
    // Two transactions, and the one CANCEL indexed by its INVITE.
    assert_eq!(h.layer.table_sizes(), [2, 1, 0, 0]);
    assert_eq!(
        h.receive(
            secs(3),
            response_to(&cancel_bytes, 200),
            flow(Transport::Udp, 1)
        ),
        vec![Seen::Response(first, 200)]
    );
    h.receive(secs(3), response_to(&sent, 487), flow(Transport::Udp, 1));
    h.assert_idle_after_timers();
}

#[test]
fn cancelled_invite_without_a_final_response_is_destroyed_64_t1_after_the_cancel() {
    let mut h = Harness::new();
    let (inv, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 1),
        target(Transport::Tcp),
    );
    h.receive(ms(100), response_to(&sent, 180), flow(Transport::Tcp, 1));
    let cancel = h.layer.cancel(h.at(secs(10)), inv).unwrap();
    let cancel_bytes = h.transmits()[0].bytes.clone();
    // The peer (an RFC 2543 UAS) answers the CANCEL but never the INVITE.
    assert_eq!(
        h.receive(
            secs(11),
            response_to(&cancel_bytes, 200),
            flow(Transport::Tcp, 1)
        ),
        vec![Seen::Response(cancel, 200), Seen::Terminated(cancel)]
    );
    // A late provisional changes nothing.
    assert_eq!(
        h.receive(secs(12), response_to(&sent, 183), flow(Transport::Tcp, 1)),
        vec![Seen::Response(inv, 183)]
    );
    // §9.1: no final for the INVITE within 64·T1 of the CANCEL: the client
    // considers it cancelled and destroys its transaction.
    assert_eq!(
        h.run_until(secs(600)),
        vec![(
            secs(10) + T1 * 64,
            vec![Seen::Timeout(inv), Seen::Terminated(inv)]
        )]
    );
    h.assert_idle_after_timers();
}

// ---- RFC 2543 peers (§17.2.3) --------------------------------------------

/// An INVITE or ACK from an RFC 2543 peer: its branch has no magic cookie
/// (or there is no branch at all).
fn rfc2543(method: &str, via_params: &str, to_tag: Option<&str>) -> Message {
    let to = match to_tag {
        Some(t) => format!("<sip:alice@192.0.2.1>;tag={t}"),
        None => "<sip:alice@192.0.2.1>".to_owned(),
    };
    raw(&format!(
        "{method} sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9:5060{via_params}
From: <sip:old@192.0.2.9>;tag=o1
To: {to}
Call-ID: legacy@192.0.2.9
CSeq: 77 {method}
Content-Length: 0

"
    ))
}

#[test]
fn rfc2543_invite_is_matched_on_retransmission_and_its_ack_by_the_to_tag() {
    for via_params in ["", ";branch=1234abcd"] {
        let mut h = Harness::new();
        let udp = flow(Transport::Udp, 1);
        let inv = rfc2543("INVITE", via_params, None);
        let tx = h.receive_new(Duration::ZERO, inv.clone(), udp);
        assert_eq!(h.receive(ms(100), inv.clone(), udp), vec![], "absorbed");
        h.respond(ms(150), tx, &inv, 486);
        assert_eq!(
            h.receive(ms(300), inv.clone(), udp),
            vec![send("SIP/2.0 486 Busy Here")],
            "answered with the final again"
        );
        // An ACK whose To tag is not the one we sent does not match.
        let wrong = rfc2543("ACK", via_params, Some("someone-else"));
        assert_eq!(h.receive(ms(400), wrong, udp), vec![]);
        assert_eq!(h.layer.state(tx), Some(TxState::Completed));
        // The one with our tag does: Confirmed, absorbed.
        let ack = rfc2543("ACK", via_params, Some("uas-tag"));
        assert_eq!(h.receive(ms(500), ack, udp), vec![]);
        assert_eq!(
            h.layer.state(tx),
            Some(TxState::Confirmed),
            "{via_params:?}"
        );
        assert_eq!(h.layer.len(), 1);
        h.assert_idle_after_timers();
    }
}

#[test]
fn rfc2543_request_differing_in_call_id_is_another_transaction() {
    let mut h = Harness::new();
    let udp = flow(Transport::Udp, 1);
    let a = rfc2543("OPTIONS", "", None);
    let text = String::from_utf8(a.to_bytes().to_vec())
        .unwrap()
        .replace("legacy@", "other@")
        .replace("tag=o1", "tag=o2");
    let b = Message::parse(Bytes::from(text)).unwrap();
    let ta = h.receive_new(Duration::ZERO, a.clone(), udp);
    let tb = h.receive_new(ms(1), b.clone(), udp);
    assert_ne!(ta, tb);
    h.respond(ms(2), ta, &a, 200);
    h.respond(ms(2), tb, &b, 200);
    h.assert_idle_after_timers();
}

// ---- strays, merged requests, bad requests, limits -----------------------

#[test]
fn stray_responses_are_dropped_and_counted() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Options, 1),
        target(Transport::Udp),
    );
    let stray = raw("SIP/2.0 200 OK
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnotours
From: <sip:alice@192.0.2.1>;tag=a1
To: <sip:bob@192.0.2.9>;tag=b
Call-ID: call-1@192.0.2.1
CSeq: 1 OPTIONS
Content-Length: 0

");
    assert_eq!(h.receive(ms(1), stray, flow(Transport::Udp, 1)), vec![]);
    // Right branch, wrong CSeq method: no match either (§17.1.3).
    let text = String::from_utf8(response_to(&sent, 200).to_bytes().to_vec())
        .unwrap()
        .replace("1 OPTIONS", "1 INFO");
    let wrong_method = Message::parse(Bytes::from(text)).unwrap();
    assert_eq!(
        h.receive(ms(2), wrong_method, flow(Transport::Udp, 1)),
        vec![]
    );
    let no_via = raw("SIP/2.0 200 OK
From: <sip:alice@192.0.2.1>;tag=a1
Call-ID: x
CSeq: 1 OPTIONS
Content-Length: 0

");
    assert_eq!(h.receive(ms(3), no_via, flow(Transport::Udp, 1)), vec![]);
    // Right branch and method, but a sent-by we never wrote (§18.1.2).
    let text = String::from_utf8(response_to(&sent, 200).to_bytes().to_vec())
        .unwrap()
        .replace(
            "SIP/2.0/UDP 192.0.2.1:5060;",
            "SIP/2.0/UDP 198.51.100.66:5060;",
        );
    let foreign_sent_by = Message::parse(Bytes::from(text)).unwrap();
    assert_eq!(
        h.receive(ms(3), foreign_sent_by, flow(Transport::Udp, 1)),
        vec![]
    );
    // Our branch names the transaction it was made for; one that names
    // this transaction but has another random part is a guess, not ours.
    let text = String::from_utf8(response_to(&sent, 200).to_bytes().to_vec()).unwrap();
    let at = text.find("branch=z9hG4bK").unwrap() + "branch=z9hG4bK".len();
    let mut forged = text.into_bytes();
    forged[at] = if forged[at] == b'x' { b'y' } else { b'x' };
    let forged = Message::parse(Bytes::from(forged)).unwrap();
    assert_eq!(h.receive(ms(3), forged, flow(Transport::Udp, 1)), vec![]);
    assert_eq!(h.layer.stats().stray_responses, 5);
    assert_eq!(h.layer.state(tx), Some(TxState::Trying));
    h.receive(ms(4), response_to(&sent, 200), flow(Transport::Udp, 1));
    h.assert_idle_after_timers();
}

#[test]
fn a_cancel_is_matched_by_its_invites_branch_even_after_the_invite_ended() {
    let mut h = Harness::new();
    let tcp = flow(Transport::Tcp, 1);
    let (inv, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 1),
        target(Transport::Tcp),
    );
    h.receive(ms(100), response_to(&sent, 180), tcp);
    let cancel = h.layer.cancel(h.at(secs(1)), inv).unwrap();
    let cancel_bytes = h.transmits()[0].bytes.clone();
    // Over TCP Timer D is zero: the 487 ends the INVITE at once (the ACK
    // is sent and the transaction terminated) while its CANCEL waits.
    let out = h.receive(secs(2), response_to(&sent, 487), tcp);
    assert_eq!(
        out,
        vec![
            send("ACK sip:bob@192.0.2.9 SIP/2.0"),
            Seen::Response(inv, 487),
            Seen::Terminated(inv),
        ]
    );
    assert_eq!(h.layer.state(inv), None);
    assert_eq!(h.layer.table_sizes(), [1, 1, 0, 0]);
    // The 200 to the CANCEL carries the INVITE's branch, and still finds
    // the CANCEL.
    assert_eq!(
        h.receive(secs(3), response_to(&cancel_bytes, 200), tcp),
        vec![Seen::Response(cancel, 200), Seen::Terminated(cancel)]
    );
    assert_eq!(h.layer.stats().stray_responses, 0);
    h.assert_idle_after_timers();
}

#[test]
fn merged_request_is_answered_482_by_the_layer() {
    let mut h = Harness::new();
    let udp = flow(Transport::Udp, 1);
    let first = uas_request(Method::Invite, "z9hG4bKpath1", Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, first.clone(), udp);
    // The same request forked back to us along another path: same From
    // tag, Call-ID and CSeq, another branch, no To tag (§8.2.2.2).
    let text = String::from_utf8(first.to_bytes().to_vec())
        .unwrap()
        .replacen(";branch=z9hG4bKpath1", ";branch=z9hG4bKpath2", 1);
    let merged = Message::parse(Bytes::from(text)).unwrap();
    assert_eq!(
        h.receive(ms(5), merged.clone(), udp),
        vec![send("SIP/2.0 482 Loop Detected")]
    );
    assert_eq!(h.layer.stats().rejected_requests, 1);
    assert_eq!(h.layer.len(), 1, "no transaction for it");
    // With a To tag it is in a dialog, and not merged.
    let text = String::from_utf8(merged.to_bytes().to_vec())
        .unwrap()
        .replace(
            "To: <sip:alice@192.0.2.1>",
            "To: <sip:alice@192.0.2.1>;tag=x",
        )
        .replace("z9hG4bKpath2", "z9hG4bKpath3");
    let in_dialog = Message::parse(Bytes::from(text)).unwrap();
    let dialog_tx = h.receive_new(ms(6), in_dialog.clone(), udp);
    h.respond(ms(7), dialog_tx, &in_dialog, 200);
    h.respond(ms(10), tx, &first, 486);
    h.receive(
        ms(20),
        uas_request(Method::Ack, "z9hG4bKpath1", Transport::Udp),
        udp,
    );
    h.assert_idle_after_timers();
    // Once the first transaction is gone, the same request is new again.
    let again = h.receive_new(secs(3601), merged.clone(), udp);
    h.respond(secs(3601), again, &merged, 603);
    let text = String::from_utf8(
        uas_request(Method::Ack, "z9hG4bKpath1", Transport::Udp)
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
    .replacen(";branch=z9hG4bKpath1", ";branch=z9hG4bKpath2", 1);
    h.receive(secs(3602), Message::parse(Bytes::from(text)).unwrap(), udp);
    h.assert_idle_after_timers();
}

/// RFC 4475's requests whose identifying headers (§8.1.1) are missing,
/// repeated, out of range or at odds with the method: each is answered 400
/// with the fault as its reason, back to its sender, and never reaches the
/// TU or a table.
#[test]
fn rfc4475_requests_without_usable_identifying_headers_get_400_and_no_transaction() {
    for (file, reason) in [
        ("insuf", "Missing Call-ID Header"),
        ("mismatch01", "CSeq Method Does Not Match The Request"),
        ("mismatch02", "CSeq Method Does Not Match The Request"),
        ("multi01", "Multiple Call-ID Headers"),
        ("scalar02", "Bad CSeq Header"),
    ] {
        let path = format!(
            "{}/tests/data/rfc4475/{file}.dat",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("RFC 4475 message on disk");
        let msg = Message::parse(Bytes::from(bytes)).expect("frames");
        let mut h = Harness::new();
        let udp = flow(Transport::Udp, 1);
        h.layer.receive(h.at(Duration::ZERO), msg, udp);
        let out = h.drain();
        assert_eq!(out.len(), 1, "{file}: one answer, no event: {out:?}");
        let TxOutput::Transmit(t) = &out[0] else {
            panic!("{file}: {out:?}");
        };
        assert_eq!(
            start_line(&t.bytes),
            format!("SIP/2.0 400 {reason}"),
            "{file}"
        );
        assert_eq!(h.layer.stats().rejected_requests, 1, "{file}");
        assert_eq!(h.layer.len(), 0, "{file}");
    }
}

/// The same faults in an otherwise good request, one at a time; an ACK
/// with them is dropped, never answered.
#[test]
fn a_request_with_a_bad_cseq_or_without_from_gets_400_and_an_ack_is_dropped() {
    let good = "OPTIONS sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKid1
From: <sip:x@192.0.2.9>;tag=1
To: <sip:alice@192.0.2.1>
Call-ID: ids
CSeq: 1 OPTIONS
Content-Length: 0

";
    let udp = flow(Transport::Udp, 1);
    for (from, to, reason) in [
        ("CSeq: 1 OPTIONS", "CSeq: x OPTIONS", "Bad CSeq Header"),
        ("From: <sip:x@192.0.2.9>;tag=1\n", "", "Missing From Header"),
    ] {
        let mut h = Harness::new();
        h.layer
            .receive(h.at(Duration::ZERO), raw(&good.replace(from, to)), udp);
        let out = h.transmits();
        assert_eq!(out.len(), 1);
        assert_eq!(start_line(&out[0].bytes), format!("SIP/2.0 400 {reason}"));
        assert_eq!(h.layer.len(), 0);
    }
    let mut h = Harness::new();
    let ack = good
        .replace("OPTIONS sip", "ACK sip")
        .replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
    assert_eq!(h.receive(Duration::ZERO, raw(&ack), udp), vec![]);
    assert_eq!(h.layer.stats().dropped_requests, 1);
    assert_eq!(h.layer.stats().rejected_requests, 0);
}

#[test]
fn request_without_a_via_is_dropped_and_one_with_a_bad_via_gets_400() {
    let mut h = Harness::new();
    let udp = flow(Transport::Udp, 1);
    let no_via = raw("OPTIONS sip:alice@192.0.2.1 SIP/2.0
From: <sip:x@192.0.2.9>;tag=1
To: <sip:alice@192.0.2.1>
Call-ID: novia
CSeq: 1 OPTIONS
Content-Length: 0

");
    assert_eq!(h.receive(Duration::ZERO, no_via, udp), vec![]);
    assert_eq!(h.layer.stats().dropped_requests, 1);
    // A Via whose sent-by reads but whose parameters do not: the sender
    // can still recognise a 400 as its own.
    let bad_via = raw("OPTIONS sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9:5060;=
From: <sip:x@192.0.2.9>;tag=1
To: <sip:alice@192.0.2.1>
Call-ID: badvia
CSeq: 1 OPTIONS
Content-Length: 0

");
    h.layer.receive(h.at(ms(1)), bad_via, udp);
    let out = h.transmits();
    assert_eq!(out.len(), 1);
    assert_eq!(start_line(&out[0].bytes), "SIP/2.0 400 Bad Request");
    assert_eq!(
        out[0].destination,
        sansip::transaction::Destination::Addr(peer()),
        "back to where it came from"
    );
    assert_eq!(h.layer.stats().rejected_requests, 1);
    // An ACK is never answered.
    let bad_ack = raw("ACK sip:alice@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9:5060;=
From: <sip:x@192.0.2.9>;tag=1
To: <sip:alice@192.0.2.1>;tag=2
Call-ID: badvia
CSeq: 1 ACK
Content-Length: 0

");
    assert_eq!(h.receive(ms(2), bad_ack, udp), vec![]);
    assert_eq!(h.layer.stats().dropped_requests, 2);
    h.assert_idle_after_timers();
}

#[test]
fn at_the_transaction_limit_requests_get_503_and_send_request_fails() {
    let mut h = Harness::with_config(TxConfig {
        max_transactions: 2,
        ..TxConfig::default()
    });
    let udp = flow(Transport::Udp, 1);
    let a = uas_request(Method::Options, "z9hG4bKa", Transport::Udp);
    let ta = h.receive_new(Duration::ZERO, a.clone(), udp);
    let (tb, _) = h.send_request(
        ms(1),
        uac_request(Method::Options, 1),
        target(Transport::Udp),
    );
    assert_eq!(h.layer.len(), 2);
    let c = uas_request(Method::Options, "z9hG4bKc", Transport::Udp);
    assert_eq!(
        h.receive(ms(2), c, udp),
        vec![send("SIP/2.0 503 Service Unavailable")]
    );
    assert_eq!(h.layer.stats().rejected_requests, 1);
    assert_eq!(
        h.layer.send_request(
            h.at(ms(3)),
            uac_request(Method::Options, 2),
            target(Transport::Udp)
        ),
        Err(TxError::TooManyTransactions { limit: 2 })
    );
    assert_eq!(h.transmits(), vec![]);
    // Live transactions still work: a retransmission matches, an ACK passes.
    assert_eq!(h.receive(ms(4), a.clone(), udp), vec![]);
    assert_eq!(
        h.receive(
            ms(5),
            uas_request(Method::Ack, "z9hG4bKz", Transport::Udp),
            udp
        ),
        vec![Seen::Ack(None)]
    );
    assert!(h.layer.len() <= 2);
    h.respond(ms(6), ta, &a, 200);
    let _ = tb;
    h.assert_idle_after_timers();
    // Room again.
    h.send_request(
        secs(3601),
        uac_request(Method::Options, 3),
        target(Transport::Udp),
    );
}

// ---- flows and transports ------------------------------------------------

#[test]
fn closed_flow_fails_exactly_the_transactions_on_it() {
    let mut h = Harness::new();
    let f1 = flow(Transport::Tcp, 1);
    let f2 = flow(Transport::Tcp, 2);
    // On flow 1: a client INVITE (Proceeding), a server OPTIONS (Trying),
    // a server INVITE (Proceeding).
    let (c_inv, sent) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 1),
        target(Transport::Tcp),
    );
    h.receive(ms(1), response_to(&sent, 180), f1);
    let s_opt = h.receive_new(
        ms(2),
        uas_request(Method::Options, "z9hG4bKf1o", Transport::Tcp),
        f1,
    );
    let s_inv = h.receive_new(
        ms(3),
        uas_request(Method::Invite, "z9hG4bKf1i", Transport::Tcp),
        f1,
    );
    // Elsewhere: a server INVITE on flow 2, a client OPTIONS over UDP.
    let inv2 = uas_request(Method::Invite, "z9hG4bKf2i", Transport::Tcp);
    let other_flow = h.receive_new(ms(4), inv2.clone(), f2);
    let (udp_opt, _) = h.send_request(
        ms(5),
        uac_request(Method::Options, 2),
        target(Transport::Udp),
    );
    h.layer.flow_closed(h.at(ms(10)), FlowId(1));
    assert_eq!(
        h.seen(),
        vec![
            Seen::TransportError(c_inv),
            Seen::Terminated(c_inv),
            Seen::TransportError(s_opt),
            Seen::Terminated(s_opt),
            Seen::TransportError(s_inv),
            Seen::Terminated(s_inv),
        ]
    );
    assert_eq!(h.layer.state(other_flow), Some(TxState::Proceeding));
    assert_eq!(h.layer.state(udp_opt), Some(TxState::Trying));
    assert_eq!(h.layer.len(), 2);
    // Closing it again does nothing.
    h.layer.flow_closed(h.at(ms(11)), FlowId(1));
    assert_eq!(h.seen(), vec![]);
    h.respond(ms(20), other_flow, &inv2, 500);
    h.receive(
        ms(30),
        uas_request(Method::Ack, "z9hG4bKf2i", Transport::Tcp),
        f2,
    );
    h.assert_idle_after_timers();
}

/// An OPTIONS whose serialized form, once the layer has stamped its Via,
/// is exactly `size` bytes.
fn options_of_size(size: usize) -> Message {
    let build = |body: usize| {
        RequestBuilder::new(Method::Options, "sip:bob@192.0.2.9")
            .raw_header("From", b"<sip:alice@192.0.2.1>;tag=a1")
            .raw_header("To", b"<sip:bob@192.0.2.9>")
            .raw_header("Call-ID", b"big@192.0.2.1")
            .raw_header("CSeq", b"1 OPTIONS")
            .raw_header("Max-Forwards", b"70")
            .body("text/plain", vec![b'x'; body])
            .build()
            .unwrap()
    };
    for body in 0..2000 {
        let mut probe = Harness::new();
        let (_, sent) = probe.send_request(Duration::ZERO, build(body), target(Transport::Udp));
        if sent.len() == size {
            return build(body);
        }
    }
    panic!("no body gives {size} bytes");
}

#[test]
fn a_1400_byte_request_switches_from_udp_to_tcp_and_its_via_says_tcp() {
    let mut h = Harness::new();
    let t0 = h.t0;
    let tx = h
        .layer
        .send_request(t0, options_of_size(1400), target(Transport::Udp))
        .unwrap();
    let out = h.transmits();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].bytes.len(), 1400);
    assert_eq!(out[0].transport, Transport::Tcp);
    let msg = Message::parse(out[0].bytes.clone()).unwrap();
    assert_eq!(msg.fields_named(HeaderName::Via).count(), 1);
    assert_eq!(msg.header::<Via>().unwrap().transport, "TCP");
    // Reliable now: no Timer E, only F.
    assert_eq!(h.next_deadline(), Some(T1 * 64));
    let ok = response_to(&out[0].bytes, 200);
    assert_eq!(
        h.receive(ms(100), ok, flow(Transport::Tcp, 5)),
        vec![Seen::Response(tx, 200), Seen::Terminated(tx)],
        "Timer K = 0"
    );
    h.assert_idle_after_timers();
}

#[test]
fn a_1200_byte_request_stays_on_udp() {
    let mut h = Harness::new();
    let t0 = h.t0;
    for size in [1200, 1300] {
        h.layer
            .send_request(t0, options_of_size(size), target(Transport::Udp))
            .unwrap();
        let out = h.transmits();
        assert_eq!(out[0].bytes.len(), size);
        assert_eq!(out[0].transport, Transport::Udp, "{size}");
        let msg = Message::parse(out[0].bytes.clone()).unwrap();
        assert_eq!(msg.header::<Via>().unwrap().transport, "UDP");
    }
    // 1301 bytes is over the §18.1.1 limit for an unknown MTU.
    h.layer
        .send_request(t0, options_of_size(1301), target(Transport::Udp))
        .unwrap();
    assert_eq!(h.transmits()[0].transport, Transport::Tcp);
    assert_eq!(h.next_deadline(), Some(T1), "the UDP ones retransmit");
    h.assert_idle_after_timers();
}

#[test]
fn a_known_path_mtu_moves_the_udp_limit_to_200_bytes_below_it() {
    let mut h = Harness::with_config(TxConfig {
        path_mtu: Some(1000),
        ..TxConfig::default()
    });
    let t0 = h.t0;
    for (size, expected) in [(800, Transport::Udp), (801, Transport::Tcp)] {
        h.layer
            .send_request(t0, options_of_size(size), target(Transport::Udp))
            .unwrap();
        assert_eq!(h.transmits()[0].transport, expected, "{size}");
    }
    h.assert_idle_after_timers();
}

#[test]
fn a_table_full_of_ringing_invites_can_still_cancel_them_all() {
    let mut h = Harness::with_config(TxConfig {
        max_transactions: 4,
        ..TxConfig::default()
    });
    // Each INVITE keeps a slot for its CANCEL: two INVITEs fill four.
    let mut invites = Vec::new();
    for seq in 1..=2 {
        let (tx, sent) = h.send_request(
            Duration::ZERO,
            uac_request(Method::Invite, seq),
            target(Transport::Udp),
        );
        h.receive(ms(10), response_to(&sent, 180), flow(Transport::Udp, 1));
        invites.push(tx);
    }
    assert_eq!(h.layer.len(), 2);
    assert_eq!(
        h.layer.send_request(
            h.at(ms(20)),
            uac_request(Method::Options, 9),
            target(Transport::Udp)
        ),
        Err(TxError::TooManyTransactions { limit: 4 })
    );
    assert_eq!(
        h.receive(
            ms(30),
            uas_request(Method::Options, "z9hG4bKfull", Transport::Udp),
            flow(Transport::Udp, 1)
        ),
        vec![send("SIP/2.0 503 Service Unavailable")]
    );
    // The peer never answers; the CANCELs still go out and, 64·T1 later,
    // §9.1 ends the INVITEs.
    for &tx in &invites {
        h.layer
            .cancel(h.at(secs(1)), tx)
            .expect("room kept for the CANCEL");
    }
    assert_eq!(h.layer.len(), 4);
    assert_eq!(h.transmits().len(), 2);
    h.assert_idle_after_timers();
    // With the reservations gone, four OPTIONS fit.
    for seq in 1..=4 {
        h.send_request(
            secs(4000),
            uac_request(Method::Options, seq),
            target(Transport::Udp),
        );
    }
}
