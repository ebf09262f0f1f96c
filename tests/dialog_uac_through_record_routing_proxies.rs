//! RFC 3261 §12.1.2 and §12.2.1.1 at the caller: a 180 then a 200 through
//! two record-routing proxies make an early, then a confirmed dialog whose
//! route set is the Record-Route list reversed; the BYE goes to the
//! callee's Contact through both proxies.

mod dialog_util;

use dialog_util::{bob_response, sip, text, ALICE_INVITE};
use sansip::dialog::{Dialog, DialogState, Role};
use sansip::message::Method;

#[test]
fn ringing_makes_an_early_dialog_and_the_200_confirms_it() {
    let invite = sip(ALICE_INVITE);
    let ringing = bob_response("180 Ringing", "8321234356");
    let mut dialog = Dialog::uac(&invite, &ringing).unwrap();
    assert_eq!(dialog.state(), DialogState::Early);
    assert_eq!(dialog.role(), Role::Uac);
    assert_eq!(
        dialog.id().call_id,
        "3848276298220188511@atlanta.example.com"
    );
    assert_eq!(dialog.id().local_tag, "9fxced76sl");
    assert_eq!(dialog.id().remote_tag, "8321234356");
    assert_eq!(dialog.local_uri(), "Alice <sip:alice@atlanta.example.com>");
    assert_eq!(dialog.remote_uri(), "Bob <sip:bob@biloxi.example.com>");
    assert_eq!(dialog.remote_cseq(), None);
    assert_eq!(dialog.local_cseq(), 2);
    assert!(!dialog.is_secure());

    let ok = bob_response("200 OK", "8321234356");
    let changes = dialog.on_response(&ok);
    assert!(changes.confirmed && !changes.terminated);
    assert_eq!(dialog.state(), DialogState::Confirmed);
    assert_eq!(
        dialog.route_set(),
        [
            "<sip:ss1.atlanta.example.com;lr>",
            "<sip:ss2.biloxi.example.com;lr>"
        ]
    );
    assert_eq!(
        dialog.remote_target(),
        "sip:bob@client.biloxi.example.com;transport=tcp"
    );
}

#[test]
fn the_bye_goes_to_the_contact_through_the_reversed_record_route() {
    let invite = sip(ALICE_INVITE);
    let mut dialog = Dialog::uac(&invite, &bob_response("200 OK", "8321234356")).unwrap();
    let bye = dialog.request(Method::Bye).unwrap().build().unwrap();
    // RFC 3261 §24.2, message F13, without the Via the transport adds.
    assert_eq!(
        text(&bye),
        "BYE sip:bob@client.biloxi.example.com;transport=tcp SIP/2.0\n\
         Max-Forwards: 70\n\
         Route: <sip:ss1.atlanta.example.com;lr>\n\
         Route: <sip:ss2.biloxi.example.com;lr>\n\
         From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n\
         To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n\
         Call-ID: 3848276298220188511@atlanta.example.com\n\
         CSeq: 2 BYE\n\
         Content-Length: 0\n\n"
    );
    assert_eq!(dialog.state(), DialogState::Terminated);
    assert!(dialog.request(Method::Bye).is_err());
}

#[test]
fn the_caller_cannot_bye_an_early_dialog() {
    let invite = sip(ALICE_INVITE);
    let mut dialog = Dialog::uac(&invite, &bob_response("183 Session Progress", "x")).unwrap();
    let err = dialog.request(Method::Bye).unwrap_err();
    assert!(
        err.to_string().contains("CANCEL the INVITE instead"),
        "{err}"
    );
    // Other requests (PRACK, UPDATE) are fine in an early dialog.
    let update = dialog.request(Method::Update).unwrap().build().unwrap();
    assert!(text(&update).contains("CSeq: 2 UPDATE\n"));
    assert!(
        text(&update).contains("Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\n")
    );
}

#[test]
fn a_non_2xx_final_ends_the_early_dialog() {
    let invite = sip(ALICE_INVITE);
    let mut dialog = Dialog::uac(&invite, &bob_response("180 Ringing", "t")).unwrap();
    let changes = dialog.on_response(&bob_response("486 Busy Here", "t"));
    assert!(changes.terminated);
    assert_eq!(dialog.state(), DialogState::Terminated);
}
