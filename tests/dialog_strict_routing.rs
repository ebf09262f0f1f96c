//! RFC 3261 §12.2.1.1 with a strict router first in the route set: the
//! Request-URI is that router's URI (without parameters a Request-URI may
//! not carry) and the remote target goes last in the Route list. The
//! route set and target are those of the RFC's own example.

mod dialog_util;

use dialog_util::{sip, text};
use sansip::dialog::Dialog;
use sansip::message::Method;

fn dialog_with_strict_first_hop() -> Dialog {
    // The callee's Record-Route list comes reversed to the caller: this one
    // gives the route set (proxy1, proxy2, proxy3;lr, proxy4).
    let invite = sip("
        INVITE sip:user@example.com SIP/2.0
        From: <sip:caller@example.net>;tag=c1
        To: <sip:user@example.com>
        Call-ID: strict-1
        CSeq: 10 INVITE
        Contact: <sip:caller@192.0.2.50>
        ");
    let ok = sip("
        SIP/2.0 200 OK
        Record-Route: <sip:proxy4>, <sip:proxy3;lr>
        Record-Route: <sip:proxy2>, <sip:proxy1;method=INVITE?Subject=x>
        From: <sip:caller@example.net>;tag=c1
        To: <sip:user@example.com>;tag=u1
        Call-ID: strict-1
        CSeq: 10 INVITE
        Contact: <sip:user@remoteua>
        ");
    Dialog::uac(&invite, &ok).unwrap()
}

#[test]
fn a_strict_router_first_takes_the_request_uri_and_the_target_goes_last() {
    let mut dialog = dialog_with_strict_first_hop();
    assert_eq!(
        dialog.route_set(),
        [
            "<sip:proxy1;method=INVITE?Subject=x>",
            "<sip:proxy2>",
            "<sip:proxy3;lr>",
            "<sip:proxy4>"
        ]
    );
    let bye = dialog.request(Method::Bye).unwrap().build().unwrap();
    assert_eq!(
        text(&bye),
        "BYE sip:proxy1 SIP/2.0\n\
         Max-Forwards: 70\n\
         Route: <sip:proxy2>\n\
         Route: <sip:proxy3;lr>\n\
         Route: <sip:proxy4>\n\
         Route: <sip:user@remoteua>\n\
         From: <sip:caller@example.net>;tag=c1\n\
         To: <sip:user@example.com>;tag=u1\n\
         Call-ID: strict-1\n\
         CSeq: 11 BYE\n\
         Content-Length: 0\n\n"
    );
}

#[test]
fn a_loose_router_first_leaves_the_target_in_the_request_uri() {
    let invite = sip("
        INVITE sip:user@example.com SIP/2.0
        From: <sip:caller@example.net>;tag=c1
        To: <sip:user@example.com>
        Call-ID: loose-1
        CSeq: 1 INVITE
        Contact: <sip:caller@192.0.2.50>
        ");
    let ok = sip("
        SIP/2.0 200 OK
        Record-Route: <sip:proxy2>, <sip:proxy1;lr>
        From: <sip:caller@example.net>;tag=c1
        To: <sip:user@example.com>;tag=u1
        Call-ID: loose-1
        CSeq: 1 INVITE
        Contact: <sip:user@remoteua>
        ");
    let mut dialog = Dialog::uac(&invite, &ok).unwrap();
    let info = dialog.request(Method::Info).unwrap().build().unwrap();
    assert_eq!(info.request_uri_str(), Some("sip:user@remoteua"));
    let routes: Vec<_> = info
        .fields_by_name("Route")
        .map(|f| String::from_utf8_lossy(f.value).into_owned())
        .collect();
    assert_eq!(routes, ["<sip:proxy1;lr>", "<sip:proxy2>"]);
}
