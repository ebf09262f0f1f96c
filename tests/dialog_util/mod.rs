//! Shared by the `dialog_*` tests: messages written as text, one line per
//! header, turned into real CRLF-terminated SIP bytes and parsed.

#![allow(dead_code)]

use bytes::Bytes;
use sansip::message::Message;

/// Parses `text` (no body) after turning each `\n` into CRLF. Lines are
/// trimmed of leading indentation, so messages can be indented in the
/// source, and empty lines are dropped, so an optional header can be left
/// out as `""`; the blank line ending the header section is added.
pub(crate) fn sip(text: &str) -> Message {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    Message::parse(Bytes::from(out)).expect("test message parses")
}

/// A built message as text, with CRLF shown as `\n` for readable asserts.
pub(crate) fn text(msg: &Message) -> String {
    msg.to_string().replace("\r\n", "\n")
}

/// Alice's INVITE of RFC 3261 §24.2, as it left her phone (the proxies
/// add their Record-Route on the way).
pub(crate) const ALICE_INVITE: &str = "
    INVITE sip:bob@biloxi.example.com SIP/2.0
    Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9
    Max-Forwards: 70
    From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
    To: Bob <sip:bob@biloxi.example.com>
    Call-ID: 3848276298220188511@atlanta.example.com
    CSeq: 1 INVITE
    Contact: <sip:alice@client.atlanta.example.com;transport=tcp>
    Content-Length: 0
";

/// A response to [`ALICE_INVITE`] from Bob as Alice receives it through
/// both record-routing proxies.
pub(crate) fn bob_response(status: &str, to_tag: &str) -> Message {
    sip(&format!(
        "SIP/2.0 {status}
        Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101
        Record-Route: <sip:ss2.biloxi.example.com;lr>, <sip:ss1.atlanta.example.com;lr>
        From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
        To: Bob <sip:bob@biloxi.example.com>;tag={to_tag}
        Call-ID: 3848276298220188511@atlanta.example.com
        CSeq: 1 INVITE
        Contact: <sip:bob@client.biloxi.example.com;transport=tcp>
        Content-Length: 0
        "
    ))
}
