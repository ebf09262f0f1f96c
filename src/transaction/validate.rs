//! The headers that identify a request (RFC 3261 §8.1.1): without a
//! readable Call-ID, From, To and CSeq whose method is the request's, no
//! transaction or dialog can be matched, so a server answers 400 before
//! it builds anything on them (§8.2; RFC 4475 §3.1.2.4 `scalar02`,
//! §3.1.2.17 `mismatch01`, §3.3.1 `insuf`, §3.3.8 `multi01`).
//!
//! Max-Forwards is not required here: a user agent is not a proxy, and
//! refusing a request for lack of it would only lose calls from the old
//! devices that omit it.

use std::fmt;

use crate::message::headers::{CSeq, FromHeader, ToHeader};
use crate::message::{HeaderError, HeaderName, Message};

/// What is wrong with a request's identifying headers; its `Display` is
/// the reason phrase of the 400 that answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    Missing(HeaderName),
    Repeated(HeaderName),
    Unreadable(HeaderName),
    /// The CSeq names another method than the request line.
    MethodMismatch,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Missing(h) => write!(f, "Missing {} Header", h.as_str()),
            Fault::Repeated(h) => write!(f, "Multiple {} Headers", h.as_str()),
            Fault::Unreadable(h) => write!(f, "Bad {} Header", h.as_str()),
            Fault::MethodMismatch => f.write_str("CSeq Method Does Not Match The Request"),
        }
    }
}

/// The first fault of a request's identifying headers, in the order
/// Call-ID, From, To, CSeq; `None` for a request that has them all.
pub(super) fn request_fault(request: &Message) -> Option<Fault> {
    let method = request.method()?;
    for name in [
        HeaderName::CallId,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CSeq,
    ] {
        let mut fields = request.fields_named(name);
        if fields.next().is_none() {
            return Some(Fault::Missing(name));
        }
        if fields.next().is_some() {
            return Some(Fault::Repeated(name));
        }
    }
    if request.call_id().map_or(true, str::is_empty) {
        return Some(Fault::Unreadable(HeaderName::CallId));
    }
    if request.header::<FromHeader>().is_err() {
        return Some(Fault::Unreadable(HeaderName::From));
    }
    if request.header::<ToHeader>().is_err() {
        return Some(Fault::Unreadable(HeaderName::To));
    }
    match request.header::<CSeq>() {
        Ok(cseq) if &cseq.method == method => None,
        Ok(_) => Some(Fault::MethodMismatch),
        Err(HeaderError::Missing { .. }) => Some(Fault::Missing(HeaderName::CSeq)),
        Err(_) => Some(Fault::Unreadable(HeaderName::CSeq)),
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
            let got = request_fault(&options(change)).map(|f| f.to_string());
            assert_eq!(got.as_deref(), Some(fault), "{change:?}");
        }
    }
}
