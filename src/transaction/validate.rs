//! The headers that identify a request (RFC 3261 §8.1.1): without a
//! readable Call-ID, From, To and CSeq whose method is the request's, no
//! transaction or dialog can be matched, so a server answers 400 before
//! it builds anything on them (§8.2; RFC 4475 §3.1.2.11 `mismatch01`,
//! §3.1.2.18 `multi01`, §3.3.1 `insuf`).
//!
//! Max-Forwards is not required here: a user agent is not a proxy, and
//! refusing a request for lack of it would only lose calls from the old
//! devices that omit it.

use crate::message::headers::{CSeq, FromHeader, ToHeader};
use crate::message::{HeaderError, HeaderName, Message};

/// What is wrong with a request's identifying headers, as the reason
/// phrase of the 400 that answers it; `None` for a request that has them.
pub(super) fn request_fault(request: &Message) -> Option<&'static str> {
    let method = request.method()?;
    for (name, missing, repeated) in [
        (
            HeaderName::CallId,
            "Missing Call-ID Header",
            "Multiple Call-ID Headers",
        ),
        (
            HeaderName::From,
            "Missing From Header",
            "Multiple From Headers",
        ),
        (HeaderName::To, "Missing To Header", "Multiple To Headers"),
        (
            HeaderName::CSeq,
            "Missing CSeq Header",
            "Multiple CSeq Headers",
        ),
    ] {
        let mut fields = request.fields_named(name);
        if fields.next().is_none() {
            return Some(missing);
        }
        if fields.next().is_some() {
            return Some(repeated);
        }
    }
    if request.call_id().map_or(true, str::is_empty) {
        return Some("Bad Call-ID Header");
    }
    if request.header::<FromHeader>().is_err() {
        return Some("Bad From Header");
    }
    if request.header::<ToHeader>().is_err() {
        return Some("Bad To Header");
    }
    match request.header::<CSeq>() {
        Ok(cseq) if &cseq.method == method => None,
        Ok(_) => Some("CSeq Method Does Not Match The Request"),
        Err(HeaderError::Missing { .. }) => Some("Missing CSeq Header"),
        Err(_) => Some("Bad CSeq Header"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn options(change: (&str, &str)) -> Message {
        let text = "OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n\
            Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1\r\n\
            From: <sip:b@192.0.2.9>;tag=1\r\nTo: <sip:a@192.0.2.1>\r\n\
            Call-ID: c1\r\nCSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n"
            .replace(change.0, change.1);
        Message::parse(Bytes::from(text)).expect("parses")
    }

    #[test]
    fn each_identifying_header_must_be_there_once_and_readable() {
        assert_eq!(request_fault(&options(("", ""))), None);
        for (change, fault) in [
            (("Call-ID: c1\r\n", ""), "Missing Call-ID Header"),
            (("Call-ID: c1", "Call-ID: "), "Bad Call-ID Header"),
            (
                ("Call-ID: c1\r\n", "i: c1\r\ni: c2\r\n"),
                "Multiple Call-ID Headers",
            ),
            (
                ("From: <sip:b@192.0.2.9>;tag=1\r\n", ""),
                "Missing From Header",
            ),
            (
                ("From: <sip:b@192.0.2.9>", "From: <sip:b@"),
                "Bad From Header",
            ),
            (("To: <sip:a@192.0.2.1>\r\n", ""), "Missing To Header"),
            (
                (
                    "To: <sip:a@192.0.2.1>\r\n",
                    "To: <sip:a@192.0.2.1>\r\nt: <sip:x@h>\r\n",
                ),
                "Multiple To Headers",
            ),
            (
                ("To: <sip:a@192.0.2.1>", "To: sip:a@192.0.2.1>"),
                "Bad To Header",
            ),
            (("CSeq: 7 OPTIONS\r\n", ""), "Missing CSeq Header"),
            (("CSeq: 7 OPTIONS", "CSeq: x OPTIONS"), "Bad CSeq Header"),
            (
                ("CSeq: 7 OPTIONS", "CSeq: 2147483648 OPTIONS"),
                "Bad CSeq Header",
            ),
            (
                ("CSeq: 7 OPTIONS", "CSeq: 7 INVITE"),
                "CSeq Method Does Not Match The Request",
            ),
        ] {
            assert_eq!(request_fault(&options(change)), Some(fault), "{change:?}");
        }
    }
}
