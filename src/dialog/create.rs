//! Creating a dialog from the messages that establish it (RFC 3261
//! §12.1.1 for the UAS, §12.1.2 for the UAC), and the header readings
//! both creation and later updates share.

use super::{Dialog, DialogError, DialogId, DialogState, Role};
use crate::message::headers::{CSeq, Contact, FromHeader, RecordRoute, Route, ToHeader};
use crate::message::{split_list, HeaderName, Message, NameAddr, TypedHeader, Uri};

const REQUEST: &str = "the request";
const RESPONSE: &str = "the response";

/// A typed header of `msg`, with which message it was in the error.
pub(super) fn header<'m, H: TypedHeader<'m> + 'm>(
    msg: &'m Message,
    message: &'static str,
) -> Result<H, DialogError> {
    msg.header::<H>()
        .map_err(|source| DialogError::Header { message, source })
}

/// An address as a name-addr in brackets, so that `;tag=` can follow it.
fn name_addr_text(addr: &NameAddr<'_>) -> String {
    NameAddr {
        angle: true,
        ..*addr
    }
    .to_string()
}

/// The URI of the first Contact value, as text (`None` without a Contact
/// or with `*`); an unreadable Contact is an error.
pub(super) fn contact_uri(
    msg: &Message,
    message: &'static str,
) -> Result<Option<String>, DialogError> {
    match msg.header_opt::<Contact>() {
        Ok(Some(c)) => Ok(c.uri().map(Uri::to_string)),
        Ok(None) => Ok(None),
        Err(source) => Err(DialogError::Header { message, source }),
    }
}

/// The first Contact value as written (our own, to repeat in target
/// refresh requests).
fn contact_value(msg: &Message) -> Option<String> {
    let raw = std::str::from_utf8(msg.raw(HeaderName::Contact)?).ok()?;
    split_list(raw).next().map(|(_, v)| v.to_owned())
}

/// The Record-Route values of `msg`, in message order, as Route values.
pub(super) fn record_routes(
    msg: &Message,
    message: &'static str,
) -> Result<Vec<String>, DialogError> {
    msg.headers::<RecordRoute>()
        .map(|rr| {
            let rr = rr.map_err(|source| DialogError::Header { message, source })?;
            let route = Route {
                addr: rr.addr,
                params: rr.params,
            };
            Ok(String::from_utf8_lossy(&route.to_value_bytes()).into_owned())
        })
        .collect()
}

/// Whether the Request-URI is a `sips:` URI.
fn is_sips(request: &Message) -> bool {
    matches!(request.request_uri(), Some(Ok(Uri::Sip(s))) if s.secure)
}

/// The status of a response that creates a dialog: 101–299.
fn creating_status(response: &Message) -> Result<u16, DialogError> {
    let status = response.status().ok_or(DialogError::WrongKind {
        expected: "a response",
    })?;
    if !(101..=299).contains(&status) {
        return Err(DialogError::NotDialogCreating { status });
    }
    Ok(status)
}

/// Checks that `response` answers `request`: same Call-ID, From tag and
/// CSeq. Returns the Call-ID and the request's CSeq.
fn answering<'m>(request: &'m Message, response: &Message) -> Result<(&'m str, CSeq), DialogError> {
    let call_id = request.call_id().ok_or(DialogError::Missing {
        message: REQUEST,
        what: "Call-ID",
    })?;
    if response.call_id() != Some(call_id) {
        return Err(DialogError::Mismatch { what: "Call-ID" });
    }
    let cseq = header::<CSeq>(request, REQUEST)?;
    if header::<CSeq>(response, RESPONSE)? != cseq {
        return Err(DialogError::Mismatch { what: "CSeq" });
    }
    let tag = |m: &Message, which| -> Result<Option<String>, DialogError> {
        Ok(header::<FromHeader>(m, which)?.tag().map(str::to_owned))
    };
    if tag(request, REQUEST)? != tag(response, RESPONSE)? {
        return Err(DialogError::Mismatch { what: "From tag" });
    }
    Ok((call_id, cseq))
}

fn state_for(status: u16) -> DialogState {
    if status >= 200 {
        DialogState::Confirmed
    } else {
        DialogState::Early
    }
}

impl Dialog {
    /// The dialog at the UAC (RFC 3261 §12.1.2): from the request we sent
    /// (INVITE, SUBSCRIBE, REFER, ...) and a 101–299 response to it with
    /// a To tag. Early on a 1xx, confirmed on a 2xx. The route set is the
    /// response's Record-Route list reversed, the remote target its
    /// Contact, the local CSeq follows the request's.
    ///
    /// Errors when the response does not answer the request, has no To
    /// tag or no Contact, or when the request has no From tag.
    pub fn uac(request: &Message, response: &Message) -> Result<Dialog, DialogError> {
        let method = request.method().ok_or(DialogError::WrongKind {
            expected: "a request",
        })?;
        let status = creating_status(response)?;
        let (call_id, cseq) = answering(request, response)?;
        let from = header::<FromHeader>(request, REQUEST)?;
        let local_tag = from.tag().ok_or(DialogError::Missing {
            message: REQUEST,
            what: "From tag",
        })?;
        let remote_tag =
            header::<ToHeader>(response, RESPONSE)?
                .tag()
                .ok_or(DialogError::Missing {
                    message: RESPONSE,
                    what: "To tag",
                })?;
        let to = header::<ToHeader>(request, REQUEST)?;
        let remote_target = contact_uri(response, RESPONSE)?.ok_or(DialogError::Missing {
            message: RESPONSE,
            what: "Contact",
        })?;
        let mut route_set = record_routes(response, RESPONSE)?;
        route_set.reverse();
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.to_owned(),
                local_tag: local_tag.to_owned(),
                remote_tag: remote_tag.to_owned(),
            },
            state: state_for(status),
            role: Role::Uac,
            method: method.clone(),
            local_uri: name_addr_text(&from.addr),
            remote_uri: name_addr_text(&to.addr),
            remote_target,
            route_set,
            local_cseq: cseq.seq.saturating_add(1),
            remote_cseq: None,
            secure: is_sips(request),
            local_contact: contact_value(request),
        })
    }

    /// The dialog at the UAS (RFC 3261 §12.1.1): from the request we
    /// received and the 101–299 response we send to it, which carries our
    /// To tag. Early on a 1xx, confirmed on a 2xx. The route set is the
    /// request's Record-Route list in order, the remote target its Contact,
    /// the remote CSeq the request's; our first request will carry CSeq 1.
    ///
    /// Errors when the response has no To tag or does not answer the
    /// request, or when the request has no Contact.
    pub fn uas(request: &Message, response: &Message) -> Result<Dialog, DialogError> {
        let method = request.method().ok_or(DialogError::WrongKind {
            expected: "a request",
        })?;
        let status = creating_status(response)?;
        let (call_id, cseq) = answering(request, response)?;
        let from = header::<FromHeader>(request, REQUEST)?;
        let to = header::<ToHeader>(request, REQUEST)?;
        let local_tag =
            header::<ToHeader>(response, RESPONSE)?
                .tag()
                .ok_or(DialogError::Missing {
                    message: RESPONSE,
                    what: "To tag",
                })?;
        let remote_target = contact_uri(request, REQUEST)?.ok_or(DialogError::Missing {
            message: REQUEST,
            what: "Contact",
        })?;
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.to_owned(),
                local_tag: local_tag.to_owned(),
                remote_tag: from.tag().unwrap_or_default().to_owned(),
            },
            state: state_for(status),
            role: Role::Uas,
            method: method.clone(),
            local_uri: name_addr_text(&to.addr),
            remote_uri: name_addr_text(&from.addr),
            remote_target,
            route_set: record_routes(request, REQUEST)?,
            local_cseq: 1,
            remote_cseq: Some(cseq.seq),
            secure: is_sips(request),
            local_contact: contact_value(response),
        })
    }

    /// Replaces the remote target with the URI of `msg`'s Contact, if it
    /// has a readable one. Returns whether the target changed.
    pub(super) fn refresh_target(&mut self, msg: &Message) -> bool {
        match contact_uri(msg, "the message") {
            Ok(Some(uri)) if uri != self.remote_target => {
                self.remote_target = uri;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn msg(text: &str) -> Message {
        Message::parse(Bytes::from(text.to_owned())).unwrap()
    }

    const INVITE: &str = "INVITE sips:bob@b.example SIP/2.0\r\nFrom: \"A\" <sips:a@a.example>;tag=1\r\n\
        To: sips:bob@b.example\r\nCall-ID: c\r\nCSeq: 5 INVITE\r\nContact: <sips:a@192.0.2.1>;+sip.instance=\"<urn:x>\"\r\n\
        Record-Route: <sips:p1.example;lr>, <sips:p2.example;lr>\r\n\r\n";

    #[test]
    fn uac_and_uas_views_of_one_exchange_mirror_each_other() {
        let invite = msg(INVITE);
        let ok = msg("SIP/2.0 200 OK\r\nFrom: \"A\" <sips:a@a.example>;tag=1\r\nTo: <sips:bob@b.example>;tag=2\r\n\
            Call-ID: c\r\nCSeq: 5 INVITE\r\nContact: <sips:bob@192.0.2.2>\r\n\
            Record-Route: <sips:p1.example;lr>, <sips:p2.example;lr>\r\n\r\n");
        let uac = Dialog::uac(&invite, &ok).unwrap();
        let uas = Dialog::uas(&invite, &ok).unwrap();
        assert_eq!(uac.id.local_tag, uas.id.remote_tag);
        assert_eq!(uac.local_uri, "\"A\" <sips:a@a.example>");
        assert_eq!(uac.remote_uri, "<sips:bob@b.example>");
        assert_eq!(uac.local_uri, uas.remote_uri);
        assert_eq!(
            uac.route_set,
            ["<sips:p2.example;lr>", "<sips:p1.example;lr>"]
        );
        assert_eq!(
            uas.route_set,
            ["<sips:p1.example;lr>", "<sips:p2.example;lr>"]
        );
        assert_eq!((uac.local_cseq, uac.remote_cseq), (6, None));
        assert_eq!((uas.local_cseq, uas.remote_cseq), (1, Some(5)));
        assert!(uac.secure && uas.secure);
        assert_eq!(
            uac.local_contact.as_deref(),
            Some("<sips:a@192.0.2.1>;+sip.instance=\"<urn:x>\"")
        );
        assert_eq!(uas.remote_target, "sips:a@192.0.2.1");
    }

    #[test]
    fn responses_that_do_not_create_or_answer_are_refused() {
        let invite = msg(INVITE);
        let trying = msg(
            "SIP/2.0 100 Trying\r\nFrom: <sips:a@a.example>;tag=1\r\nTo: <sips:bob@b.example>\r\n\
            Call-ID: c\r\nCSeq: 5 INVITE\r\n\r\n",
        );
        assert_eq!(
            Dialog::uac(&invite, &trying),
            Err(DialogError::NotDialogCreating { status: 100 })
        );
        let other = msg("SIP/2.0 180 Ringing\r\nFrom: <sips:a@a.example>;tag=1\r\nTo: <sips:bob@b.example>;tag=2\r\n\
            Call-ID: c\r\nCSeq: 6 INVITE\r\nContact: <sips:b@h>\r\n\r\n");
        assert_eq!(
            Dialog::uac(&invite, &other),
            Err(DialogError::Mismatch { what: "CSeq" })
        );
        let untagged = msg(
            "SIP/2.0 180 Ringing\r\nFrom: <sips:a@a.example>;tag=1\r\nTo: <sips:bob@b.example>\r\n\
            Call-ID: c\r\nCSeq: 5 INVITE\r\nContact: <sips:b@h>\r\n\r\n",
        );
        assert!(matches!(
            Dialog::uac(&invite, &untagged),
            Err(DialogError::Missing { what: "To tag", .. })
        ));
        let e = Dialog::uac(&trying, &untagged).unwrap_err();
        assert_eq!(e.to_string(), "expected a request");
    }
}
