//! RFC 3261 §12.1.1 at the callee: the route set is the INVITE's
//! Record-Route list in order, the remote target its Contact, the remote
//! CSeq its CSeq; the callee's BYE goes back through the same proxies.

mod dialog_util;

use dialog_util::{sip, text};
use sansip::dialog::{Dialog, DialogState, Role};
use sansip::message::{Method, ResponseBuilder};

/// Alice's INVITE as Bob receives it (RFC 3261 §24.2, F6).
const INVITE_AT_BOB: &str = "
    INVITE sip:bob@client.biloxi.example.com SIP/2.0
    Via: SIP/2.0/TCP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1
    Via: SIP/2.0/TCP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1;received=192.0.2.111
    Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101
    Max-Forwards: 68
    Record-Route: <sip:ss2.biloxi.example.com;lr>, <sip:ss1.atlanta.example.com;lr>
    From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
    To: Bob <sip:bob@biloxi.example.com>
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: 1 INVITE
    Contact: <sip:alice@client.atlanta.example.com;transport=tcp>
    Content-Length: 0
";

#[test]
fn the_callee_keeps_record_route_in_order_and_byes_through_it() {
    let invite = sip(INVITE_AT_BOB);
    let ok = ResponseBuilder::for_request(&invite, 200, "OK")
        .raw_header(
            "Contact",
            b"<sip:bob@client.biloxi.example.com;transport=tcp>",
        )
        .build()
        .unwrap();
    // The To tag is ours to add: rebuild the 200 with it.
    let ok = sip(&text(&ok).replace(
        "To: Bob <sip:bob@biloxi.example.com>",
        "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356",
    ));
    let mut dialog = Dialog::uas(&invite, &ok).unwrap();
    assert_eq!(dialog.role(), Role::Uas);
    assert_eq!(dialog.state(), DialogState::Confirmed);
    assert_eq!(dialog.id().local_tag, "8321234356");
    assert_eq!(dialog.id().remote_tag, "9fxced76sl");
    assert_eq!(
        dialog.route_set(),
        [
            "<sip:ss2.biloxi.example.com;lr>",
            "<sip:ss1.atlanta.example.com;lr>"
        ]
    );
    assert_eq!(
        dialog.remote_target(),
        "sip:alice@client.atlanta.example.com;transport=tcp"
    );
    assert_eq!(dialog.remote_cseq(), Some(1));

    let bye = dialog.request(Method::Bye).unwrap().build().unwrap();
    assert_eq!(
        text(&bye),
        "BYE sip:alice@client.atlanta.example.com;transport=tcp SIP/2.0\n\
         Max-Forwards: 70\n\
         Route: <sip:ss2.biloxi.example.com;lr>\n\
         Route: <sip:ss1.atlanta.example.com;lr>\n\
         From: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n\
         To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n\
         Call-ID: 3848276298220188511@atlanta.example.com\n\
         CSeq: 1 BYE\n\
         Content-Length: 0\n\n"
    );
}

#[test]
fn a_ringing_callee_has_an_early_dialog_that_its_200_confirms() {
    let invite = sip(INVITE_AT_BOB);
    let ringing = sip("SIP/2.0 180 Ringing
        From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
        To: Bob <sip:bob@biloxi.example.com>;tag=b0b
        Call-ID: 3848276298220188511@atlanta.example.com
        CSeq: 1 INVITE
        Contact: <sip:bob@client.biloxi.example.com>
        ");
    let mut dialog = Dialog::uas(&invite, &ringing).unwrap();
    assert_eq!(dialog.state(), DialogState::Early);
    assert_eq!(
        dialog.local_contact(),
        Some("<sip:bob@client.biloxi.example.com>")
    );
    let ok = sip(&text(&ringing).replace("180 Ringing", "200 OK"));
    assert!(dialog.response_sent(&ok).confirmed);
    assert_eq!(dialog.state(), DialogState::Confirmed);
}
