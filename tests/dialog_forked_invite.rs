//! A forked INVITE (RFC 3261 §12.1.2, §13.2.2.4): two forks ring (two
//! early dialogs, one per To tag), both answer 200; the first 2xx confirms
//! its dialog and drops the other early one, the second must be ACKed and
//! ended with BYE, and its retransmission is ACKed again without a second
//! BYE.

mod dialog_util;

use dialog_util::{sip, ALICE_INVITE};
use sansip::dialog::{DialogSet, DialogState, ForkOutcome};
use sansip::message::{HeaderName, Message, Method};

/// A response from fork `tag` (its own Contact), through one proxy.
fn fork(status: &str, tag: &str) -> Message {
    sip(&format!(
        "SIP/2.0 {status}
        Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9
        Record-Route: <sip:ss1.atlanta.example.com;lr>
        From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
        To: Bob <sip:bob@biloxi.example.com>;tag={tag}
        Call-ID: 3848276298220188511@atlanta.example.com
        CSeq: 1 INVITE
        Contact: <sip:bob@{tag}.biloxi.example.com>
        "
    ))
}

fn tag_of(outcome: &ForkOutcome) -> &str {
    match outcome {
        ForkOutcome::Early { id, .. }
        | ForkOutcome::Confirmed { id, .. }
        | ForkOutcome::Retransmission { id }
        | ForkOutcome::MustEnd { id, .. } => &id.remote_tag,
        other => panic!("no dialog in {other:?}"),
    }
}

#[test]
fn two_forks_ring_and_answer_one_is_confirmed_the_other_acked_and_ended() {
    let invite = sip(ALICE_INVITE);
    let mut set = DialogSet::new(&invite).unwrap();
    assert_eq!(set.call_id(), "3848276298220188511@atlanta.example.com");
    assert_eq!(set.local_tag(), "9fxced76sl");

    let trying = sip(&ALICE_INVITE.replace(
        "INVITE sip:bob@biloxi.example.com SIP/2.0",
        "SIP/2.0 100 Trying",
    ));
    assert_eq!(set.on_response(&trying).unwrap(), ForkOutcome::Ignored);

    let first = set.on_response(&fork("180 Ringing", "one")).unwrap();
    assert!(matches!(first, ForkOutcome::Early { new: true, .. }));
    assert_eq!(tag_of(&first), "one");
    let second = set.on_response(&fork("180 Ringing", "two")).unwrap();
    assert!(matches!(second, ForkOutcome::Early { new: true, .. }));
    assert!(matches!(
        set.on_response(&fork("180 Ringing", "one")).unwrap(),
        ForkOutcome::Early { new: false, .. }
    ));
    assert_eq!(set.early().count(), 2);

    // Fork "two" answers first.
    let ForkOutcome::Confirmed { id, dropped } = set.on_response(&fork("200 OK", "two")).unwrap()
    else {
        panic!("the first 2xx confirms")
    };
    assert_eq!(id.remote_tag, "two");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].remote_tag, "one");
    assert_eq!(set.early().count(), 0);
    let confirmed = set.confirmed().unwrap();
    assert_eq!(confirmed.state(), DialogState::Confirmed);
    assert_eq!(confirmed.remote_target(), "sip:bob@two.biloxi.example.com");
    let ack = confirmed.ack(set.invite()).unwrap().build().unwrap();
    assert_eq!(
        ack.request_uri_str(),
        Some("sip:bob@two.biloxi.example.com")
    );
    assert_eq!(ack.raw(HeaderName::CSeq), Some(&b"1 ACK"[..]));

    // Its retransmission is ACKed again.
    assert_eq!(
        set.on_response(&fork("200 OK", "two")).unwrap(),
        ForkOutcome::Retransmission { id: id.clone() }
    );
    // A late 180 from the dropped fork changes nothing.
    assert_eq!(
        set.on_response(&fork("180 Ringing", "one")).unwrap(),
        ForkOutcome::Ignored
    );

    // Fork "one" answers too: ACK it, then BYE it.
    let ForkOutcome::MustEnd {
        id: extra,
        retransmission: false,
    } = set.on_response(&fork("200 OK", "one")).unwrap()
    else {
        panic!("a second 2xx must be ended")
    };
    assert_eq!(extra.remote_tag, "one");
    assert_eq!(set.to_end().count(), 1);
    let ack = set
        .dialog(&extra)
        .unwrap()
        .ack(set.invite())
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        ack.request_uri_str(),
        Some("sip:bob@one.biloxi.example.com")
    );
    assert_eq!(
        ack.raw(HeaderName::To),
        Some(&b"Bob <sip:bob@biloxi.example.com>;tag=one"[..])
    );
    let bye = set
        .dialog_mut(&extra)
        .unwrap()
        .request(Method::Bye)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        bye.request_uri_str(),
        Some("sip:bob@one.biloxi.example.com")
    );
    assert_eq!(bye.raw(HeaderName::CSeq), Some(&b"2 BYE"[..]));
    assert_eq!(
        bye.raw(HeaderName::Route),
        Some(&b"<sip:ss1.atlanta.example.com;lr>"[..])
    );
    assert_eq!(set.to_end().count(), 0);
    // Its retransmission: ACK only.
    assert_eq!(
        set.on_response(&fork("200 OK", "one")).unwrap(),
        ForkOutcome::MustEnd {
            id: extra,
            retransmission: true
        }
    );
    // The session goes on with the confirmed dialog.
    let dialog = set.remove(&id).unwrap();
    assert_eq!(dialog.id().remote_tag, "two");
    assert_eq!(
        set.on_response(&fork("200 OK", "two")).unwrap(),
        ForkOutcome::Retransmission { id }
    );
}

#[test]
fn a_final_failure_drops_every_early_dialog() {
    let mut set = DialogSet::new(&sip(ALICE_INVITE)).unwrap();
    set.on_response(&fork("180 Ringing", "one")).unwrap();
    set.on_response(&fork("183 Session Progress", "two"))
        .unwrap();
    let ForkOutcome::Failed { dropped } = set.on_response(&fork("486 Busy Here", "three")).unwrap()
    else {
        panic!("a non-2xx final fails the INVITE")
    };
    let tags: Vec<_> = dropped.iter().map(|d| d.remote_tag.as_str()).collect();
    assert_eq!(tags, ["one", "two"]);
    assert!(set.is_failed());
    assert_eq!(set.dialogs().count(), 0);
}

#[test]
fn a_response_to_another_invite_is_refused() {
    let mut set = DialogSet::new(&sip(ALICE_INVITE)).unwrap();
    let other =
        sip(&dialog_util::text(&fork("180 Ringing", "one"))
            .replace("CSeq: 1 INVITE", "CSeq: 2 INVITE"));
    assert!(set.on_response(&other).is_err());
    let no_contact = sip(&dialog_util::text(&fork("180 Ringing", "one"))
        .replace("Contact: <sip:bob@one.biloxi.example.com>", ""));
    let err = set.on_response(&no_contact).unwrap_err();
    assert_eq!(err.to_string(), "the response has no Contact");
}
