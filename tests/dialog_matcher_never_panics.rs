//! Whatever arrives, matching it to a dialog and judging it never panics:
//! requests built from arbitrary tags, Call-IDs, CSeqs, methods and
//! Contacts (some malformed), and arbitrary bytes that happen to parse, go
//! through `Dialogs::receive_request`, `Dialog::on_response` and
//! `DialogSet::on_response`.

mod dialog_util;

use bytes::Bytes;
use dialog_util::{bob_response, sip, ALICE_INVITE};
use proptest::prelude::*;
use sansip::dialog::{Dialog, DialogSet, Dialogs, Verdict};
use sansip::message::Message;

fn table() -> Dialogs {
    let mut dialogs = Dialogs::new();
    dialogs.insert(Dialog::uac(&sip(ALICE_INVITE), &bob_response("200 OK", "b1")).unwrap());
    dialogs
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("b1".to_owned()),
        Just("9fxced76sl".to_owned()),
        Just("3848276298220188511@atlanta.example.com".to_owned()),
        "[ -~]{0,12}",
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("INVITE"),
        Just("ACK"),
        Just("BYE"),
        Just("CANCEL"),
        Just("UPDATE"),
        Just("INFO"),
        Just("NOTIFY"),
        Just("REFER"),
        Just("X-ODD"),
    ]
    .prop_map(str::to_owned)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_in_dialog_request_is_judged_without_panic(
        method in method(),
        cseq_method in method(),
        from_tag in piece(),
        to_tag in piece(),
        call_id in piece(),
        cseq in "[0-9]{1,11}|[ -~]{0,6}",
        contact in "<sip:[a-z]{1,5}@192\\.0\\.2\\.[0-9]{1,3}>|\\*|[ -~]{0,16}",
    ) {
        let text = format!(
            "{method} sip:alice@client.atlanta.example.com SIP/2.0\r\n\
             Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKp\r\n\
             From: <sip:bob@biloxi.example.com>;tag={from_tag}\r\n\
             To: <sip:alice@atlanta.example.com>;tag={to_tag}\r\n\
             Call-ID: {call_id}\r\nCSeq: {cseq} {cseq_method}\r\nContact: {contact}\r\n\r\n"
        );
        let Ok(msg) = Message::parse(Bytes::from(text)) else { return Ok(()) };
        let mut dialogs = table();
        for _ in 0..2 {
            let verdict = dialogs.receive_request(&msg);
            if let Verdict::Reject { status, .. } = &verdict {
                prop_assert!(matches!(status, 400 | 481 | 500));
            }
            let _ = verdict.response(&msg).map(|b| b.build());
        }
        for d in dialogs.iter().cloned().collect::<Vec<_>>() {
            let mut d = d;
            let _ = d.on_response(&msg);
            let _ = d.response_sent(&msg);
            let _ = d.request(sansip::message::Method::Info).map(|b| b.build());
        }
    }

    #[test]
    fn any_parsable_bytes_are_judged_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut text = b"BYE sip:a@h SIP/2.0\r\nTo: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n".to_vec();
        text.extend_from_slice(&bytes);
        for buf in [bytes.clone(), text] {
            let Ok(msg) = Message::parse(Bytes::from(buf)) else { continue };
            let mut dialogs = table();
            let _ = dialogs.receive_request(&msg);
            let _ = dialogs.on_response(&msg);
            if let Ok(mut set) = DialogSet::new(&sip(ALICE_INVITE)) {
                let _ = set.on_response(&msg);
            }
            let _ = Dialog::uac(&sip(ALICE_INVITE), &msg);
            let _ = Dialog::uas(&msg, &msg);
        }
    }
}
