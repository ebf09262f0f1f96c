//! The secure flag (RFC 3261 §12.1.1, §12.1.2): a dialog created by a
//! request to a `sips:` Request-URI is secure, at both ends; one created
//! through a `sip:` URI is not.

mod dialog_util;

use dialog_util::sip;
use sansip::dialog::Dialog;
use sansip::message::Method;

fn exchange(scheme: &str) -> (sansip::message::Message, sansip::message::Message) {
    let invite = sip(&format!(
        "INVITE {scheme}:bob@biloxi.example.com SIP/2.0
        From: <{scheme}:alice@atlanta.example.com>;tag=a
        To: <{scheme}:bob@biloxi.example.com>
        Call-ID: secure-1
        CSeq: 1 INVITE
        Contact: <{scheme}:alice@client.atlanta.example.com>
        Record-Route: <{scheme}:ss1.atlanta.example.com;lr>
        "
    ));
    let ok = sip(&format!(
        "SIP/2.0 200 OK
        Record-Route: <{scheme}:ss1.atlanta.example.com;lr>
        From: <{scheme}:alice@atlanta.example.com>;tag=a
        To: <{scheme}:bob@biloxi.example.com>;tag=b
        Call-ID: secure-1
        CSeq: 1 INVITE
        Contact: <{scheme}:bob@client.biloxi.example.com>
        "
    ));
    (invite, ok)
}

#[test]
fn a_sips_request_uri_makes_a_secure_dialog_at_both_ends() {
    let (invite, ok) = exchange("sips");
    let mut uac = Dialog::uac(&invite, &ok).unwrap();
    let uas = Dialog::uas(&invite, &ok).unwrap();
    assert!(uac.is_secure() && uas.is_secure());
    let bye = uac.request(Method::Bye).unwrap().build().unwrap();
    assert_eq!(
        bye.request_uri_str(),
        Some("sips:bob@client.biloxi.example.com")
    );
}

#[test]
fn a_sip_request_uri_does_not() {
    let (invite, ok) = exchange("sip");
    assert!(!Dialog::uac(&invite, &ok).unwrap().is_secure());
    assert!(!Dialog::uas(&invite, &ok).unwrap().is_secure());
}
