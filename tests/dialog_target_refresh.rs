//! Target refresh (RFC 3261 §12.2.1.2, §12.2.2; RFC 3311 for UPDATE): a
//! received re-INVITE or UPDATE with a Contact moves the remote target, and
//! so does the 2xx to one we send; a 481 or 408 to a request in the dialog,
//! or its timeout, ends the dialog.

mod dialog_util;

use dialog_util::{bob_response, sip, ALICE_INVITE};
use sansip::dialog::{Changes, Dialog, Dialogs, Verdict};
use sansip::message::{HeaderName, Method};

fn confirmed() -> Dialog {
    Dialog::uac(&sip(ALICE_INVITE), &bob_response("200 OK", "b1")).unwrap()
}

fn from_bob(method: &str, cseq: u32, contact: &str) -> sansip::message::Message {
    sip(&format!(
        "{method} sip:alice@client.atlanta.example.com;transport=tcp SIP/2.0
        Via: SIP/2.0/TCP 192.0.2.200:5060;branch=z9hG4bKr{cseq}
        From: Bob <sip:bob@biloxi.example.com>;tag=b1
        To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
        Call-ID: 3848276298220188511@atlanta.example.com
        CSeq: {cseq} {method}
        {contact}
        Content-Length: 0
        "
    ))
}

fn accepted(verdict: Verdict) -> Changes {
    match verdict {
        Verdict::Accept { changes, .. } => changes,
        other => panic!("expected Accept, got {other:?}"),
    }
}

#[test]
fn a_received_reinvite_moves_the_remote_target() {
    let mut dialogs = Dialogs::new();
    assert!(dialogs.insert(confirmed()).is_none());
    let reinvite = from_bob("INVITE", 7, "Contact: <sip:bob@192.0.2.200:5060>");
    let changes = accepted(dialogs.receive_request(&reinvite));
    assert!(changes.target_refreshed && !changes.terminated);
    let dialog = dialogs.iter().next().unwrap();
    assert_eq!(dialog.remote_target(), "sip:bob@192.0.2.200:5060");
    // Our next request goes there.
    let mut dialog = dialog.clone();
    let bye = dialog.request(Method::Bye).unwrap().build().unwrap();
    assert_eq!(bye.request_uri_str(), Some("sip:bob@192.0.2.200:5060"));
}

#[test]
fn a_received_update_moves_the_remote_target_but_info_does_not() {
    let mut dialog = confirmed();
    let info = from_bob("INFO", 3, "Contact: <sip:bob@192.0.2.9>");
    assert!(!accepted(dialog.receive_request(&info)).target_refreshed);
    assert_eq!(
        dialog.remote_target(),
        "sip:bob@client.biloxi.example.com;transport=tcp"
    );
    let update = from_bob("UPDATE", 4, "Contact: <sip:bob@192.0.2.10;transport=udp>");
    assert!(accepted(dialog.receive_request(&update)).target_refreshed);
    assert_eq!(dialog.remote_target(), "sip:bob@192.0.2.10;transport=udp");
    // Without a Contact the target stays.
    let bare = from_bob("UPDATE", 5, "");
    assert!(!accepted(dialog.receive_request(&bare)).target_refreshed);
    assert_eq!(dialog.remote_target(), "sip:bob@192.0.2.10;transport=udp");
}

/// The 2xx Bob sends to a request of ours in the dialog.
fn bob_answers(
    request: &sansip::message::Message,
    status: &str,
    contact: &str,
) -> sansip::message::Message {
    let cseq = String::from_utf8_lossy(request.raw(HeaderName::CSeq).unwrap()).into_owned();
    sip(&format!(
        "SIP/2.0 {status}
        From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
        To: Bob <sip:bob@biloxi.example.com>;tag=b1
        Call-ID: 3848276298220188511@atlanta.example.com
        CSeq: {cseq}
        {contact}
        "
    ))
}

#[test]
fn the_2xx_to_our_reinvite_or_update_moves_the_remote_target() {
    let mut dialog = confirmed();
    let reinvite = dialog.request(Method::Invite).unwrap().build().unwrap();
    let changes = dialog.on_response(&bob_answers(
        &reinvite,
        "200 OK",
        "Contact: <sip:bob@192.0.2.77>",
    ));
    assert_eq!(
        changes,
        Changes {
            target_refreshed: true,
            ..Changes::default()
        }
    );
    assert_eq!(dialog.remote_target(), "sip:bob@192.0.2.77");

    let update = dialog.request(Method::Update).unwrap().build().unwrap();
    // A failed UPDATE moves nothing.
    let changes = dialog.on_response(&bob_answers(
        &update,
        "491 Request Pending",
        "Contact: <sip:bob@192.0.2.1>",
    ));
    assert_eq!(changes, Changes::default());
    let update = dialog.request(Method::Update).unwrap().build().unwrap();
    assert!(
        dialog
            .on_response(&bob_answers(
                &update,
                "200 OK",
                "Contact: <sip:bob@192.0.2.78>"
            ))
            .target_refreshed
    );
    assert_eq!(dialog.remote_target(), "sip:bob@192.0.2.78");
}

#[test]
fn a_481_or_408_to_a_request_in_the_dialog_ends_it() {
    for status in ["481 Call/Transaction Does Not Exist", "408 Request Timeout"] {
        let mut dialog = confirmed();
        let info = dialog.request(Method::Info).unwrap().build().unwrap();
        let changes = dialog.on_response(&bob_answers(&info, status, ""));
        assert!(changes.terminated, "{status}");
        assert!(dialog.is_terminated());
        assert!(dialog.request(Method::Info).is_err());
    }
    let mut dialog = confirmed();
    let _ = dialog.request(Method::Options).unwrap();
    assert!(dialog.on_request_timeout().terminated);
    assert!(!dialog.on_request_timeout().terminated, "reported once");
    // Another failure (a 486 to a re-INVITE, say) leaves the dialog up.
    let mut dialog = confirmed();
    let reinvite = dialog.request(Method::Invite).unwrap().build().unwrap();
    assert_eq!(
        dialog.on_response(&bob_answers(&reinvite, "486 Busy Here", "")),
        Changes::default()
    );
    assert!(dialog.is_confirmed());
}
