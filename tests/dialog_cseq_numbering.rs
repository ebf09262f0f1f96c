//! CSeq in a dialog (RFC 3261 §12.2.1.1, §12.2.2, §13.2.2.4): each request
//! we send takes the next number; the ACK for a 2xx reuses the INVITE's
//! number and credentials; ACK and CANCEL are not built as in-dialog
//! requests; a received request below the last CSeq is out of order (500);
//! a request for a dialog we do not have gets 481.

mod dialog_util;

use dialog_util::{bob_response, sip, text, ALICE_INVITE};
use sansip::dialog::{Dialog, DialogError, Dialogs, Verdict};
use sansip::message::{HeaderName, Method};

fn confirmed() -> (Dialog, sansip::message::Message) {
    let invite = sip(ALICE_INVITE);
    let dialog = Dialog::uac(&invite, &bob_response("200 OK", "b1")).unwrap();
    (dialog, invite)
}

#[test]
fn the_ack_for_the_2xx_reuses_the_invite_cseq_and_later_requests_count_up() {
    let (mut dialog, invite) = confirmed();
    let ack = dialog.ack(&invite).unwrap().build().unwrap();
    assert_eq!(ack.raw(HeaderName::CSeq), Some(&b"1 ACK"[..]));
    assert_eq!(
        ack.request_uri_str(),
        Some("sip:bob@client.biloxi.example.com;transport=tcp")
    );
    assert_eq!(ack.raw(HeaderName::Contact), None);
    assert_eq!(dialog.local_cseq(), 2);

    let reinvite = dialog.request(Method::Invite).unwrap().build().unwrap();
    assert_eq!(reinvite.raw(HeaderName::CSeq), Some(&b"2 INVITE"[..]));
    assert_eq!(
        reinvite.raw(HeaderName::Contact),
        Some(&b"<sip:alice@client.atlanta.example.com;transport=tcp>"[..])
    );
    let ack2 = dialog.ack(&reinvite).unwrap().build().unwrap();
    assert_eq!(ack2.raw(HeaderName::CSeq), Some(&b"2 ACK"[..]));

    let bye = dialog.request(Method::Bye).unwrap().build().unwrap();
    assert_eq!(bye.raw(HeaderName::CSeq), Some(&b"3 BYE"[..]));
    assert_eq!(bye.raw(HeaderName::Contact), None);
}

#[test]
fn the_ack_carries_the_invites_credentials() {
    let invite = sip(&ALICE_INVITE.replace(
        "CSeq: 1 INVITE",
        "CSeq: 2 INVITE\nProxy-Authorization: Digest username=\"alice\", realm=\"atlanta.example.com\", nonce=\"n\", uri=\"sip:bob@biloxi.example.com\", response=\"0123\"",
    ));
    let ok = sip(&text(&bob_response("200 OK", "b1")).replace("CSeq: 1 INVITE", "CSeq: 2 INVITE"));
    let dialog = Dialog::uac(&invite, &ok).unwrap();
    let ack = dialog.ack(&invite).unwrap().build().unwrap();
    assert_eq!(ack.raw(HeaderName::CSeq), Some(&b"2 ACK"[..]));
    assert_eq!(
        ack.raw(HeaderName::ProxyAuthorization),
        invite.raw(HeaderName::ProxyAuthorization)
    );
}

#[test]
fn ack_and_cancel_are_not_in_dialog_requests_and_numbers_skip_past_resent_ones() {
    let (mut dialog, _) = confirmed();
    assert!(matches!(
        dialog.request(Method::Ack),
        Err(DialogError::NotInDialog {
            method: Method::Ack,
            ..
        })
    ));
    assert!(matches!(
        dialog.request(Method::Cancel),
        Err(DialogError::NotInDialog {
            method: Method::Cancel,
            ..
        })
    ));
    assert_eq!(dialog.local_cseq(), 2);
    // A re-INVITE re-sent with credentials took CSeq 3 outside the dialog.
    dialog.request(Method::Invite).unwrap();
    dialog.note_cseq_sent(3);
    let info = dialog.request(Method::Info).unwrap().build().unwrap();
    assert_eq!(info.raw(HeaderName::CSeq), Some(&b"4 INFO"[..]));
}

fn from_bob(method: &str, cseq: u32) -> sansip::message::Message {
    sip(&format!(
        "{method} sip:alice@client.atlanta.example.com;transport=tcp SIP/2.0
        Via: SIP/2.0/TCP client.biloxi.example.com:5060;branch=z9hG4bKnashds7{cseq}
        From: Bob <sip:bob@biloxi.example.com>;tag=b1
        To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
        Call-ID: 3848276298220188511@atlanta.example.com
        CSeq: {cseq} {method}
        Content-Length: 0
        "
    ))
}

#[test]
fn a_request_below_the_last_cseq_gets_500() {
    let (dialog, _) = confirmed();
    let mut dialogs = Dialogs::new();
    let id = dialog.id().clone();
    dialogs.insert(dialog);
    assert!(matches!(
        dialogs.receive_request(&from_bob("INFO", 20)),
        Verdict::Accept { .. }
    ));
    assert_eq!(dialogs.get(&id).unwrap().remote_cseq(), Some(20));
    let late = from_bob("INFO", 19);
    let verdict = dialogs.receive_request(&late);
    assert_eq!(
        verdict,
        Verdict::Reject {
            id: Some(id.clone()),
            status: 500,
            reason: "Server Internal Error"
        }
    );
    let answer = verdict.response(&late).unwrap().build().unwrap();
    assert_eq!(answer.status(), Some(500));
    assert_eq!(answer.raw(HeaderName::CSeq), Some(&b"19 INFO"[..]));
    // Equal is not lower (RFC 3261 §12.2.2), and the remote CSeq holds.
    assert!(matches!(
        dialogs.receive_request(&from_bob("INFO", 20)),
        Verdict::Accept { .. }
    ));
    assert_eq!(dialogs.get(&id).unwrap().remote_cseq(), Some(20));
}

#[test]
fn a_request_for_an_unknown_or_ended_dialog_gets_481() {
    let mut dialogs = Dialogs::new();
    let bye = from_bob("BYE", 5);
    let verdict = dialogs.receive_request(&bye);
    assert!(matches!(verdict, Verdict::Reject { status: 481, .. }));
    let answer = verdict.response(&bye).unwrap().build().unwrap();
    assert_eq!(answer.status(), Some(481));
    // An ACK is never answered, even when it matches nothing.
    let ack = from_bob("ACK", 5);
    assert!(dialogs.receive_request(&ack).response(&ack).is_none());

    let (dialog, _) = confirmed();
    dialogs.insert(dialog);
    let Verdict::Accept { id, changes } = dialogs.receive_request(&bye) else {
        panic!("the BYE matches")
    };
    assert!(changes.terminated);
    assert!(matches!(
        dialogs.receive_request(&from_bob("BYE", 6)),
        Verdict::Reject { status: 481, .. }
    ));
    assert_eq!(dialogs.remove_terminated(), [id]);
    assert!(dialogs.is_empty());
    // Without a To tag a request is outside any dialog.
    let fresh = sip(&text(&from_bob("OPTIONS", 1)).replace(";tag=9fxced76sl", ""));
    assert_eq!(dialogs.receive_request(&fresh), Verdict::OutOfDialog);
}
