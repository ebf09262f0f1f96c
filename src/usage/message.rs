//! MESSAGE (RFC 3428): instant messages outside any dialog, sent with
//! [`Endpoint::message`] and reported by `MessageDelivered` /
//! `MessageFailed`, never lost silently.

use std::time::Instant;

use bytes::Bytes;

use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::{CommandError, Endpoint, Event, Failure, MessageId};
use crate::message::headers::{CSeq, MaxForwards};
use crate::message::{Method, RequestBuilder, Uri};

/// Checks a URI the application gives as a request target: a `sip:` or
/// `sips:` URI that cannot break out of the `<...>` or the start line.
pub(crate) fn check_target(what: &'static str, target: &str) -> Result<(), CommandError> {
    let usable = !target
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b'>')
        && Uri::parse(target).is_ok_and(|u| u.as_sip().is_some());
    if usable {
        Ok(())
    } else {
        Err(CommandError::BadUri {
            what,
            uri: target.to_owned(),
        })
    }
}

impl Endpoint {
    /// The start of a request outside any dialog: Request-URI `target`,
    /// Max-Forwards, the Route set for new requests, From with a new tag,
    /// To, a new Call-ID and CSeq 1. Returns the builder and the From tag
    /// and Call-ID it chose.
    pub(crate) fn new_request(
        &mut self,
        method: Method,
        target: &str,
    ) -> (RequestBuilder, String, String) {
        let tag = self.rng.token(10);
        let call_id = self.rng.token(22);
        let mut b = RequestBuilder::new(method.clone(), target).header(&MaxForwards(70));
        for r in self.request_routes() {
            b = b.raw_header("Route", r.as_bytes());
        }
        let b = b
            .raw_header("From", self.identity.our_from(&tag).as_bytes())
            .raw_header("To", format!("<{target}>").as_bytes())
            .raw_header("Call-ID", call_id.as_bytes())
            .header(&CSeq { seq: 1, method })
            .raw_header("User-Agent", self.config.user_agent.as_bytes());
        (b, tag, call_id)
    }
}

/// Checks a header name and value given by the application.
pub(crate) fn check_extra_header(name: &str, value: &str) -> Result<(), CommandError> {
    // The fields sansip writes itself: a second copy would contradict the
    // transaction, the dialog or the framing (and Via/Route would reroute).
    const OURS: &[&str] = &[
        "via",
        "v",
        "from",
        "f",
        "to",
        "t",
        "call-id",
        "i",
        "cseq",
        "max-forwards",
        "content-length",
        "l",
        "route",
        "record-route",
    ];
    let name_ok = !name.is_empty()
        && !OURS.iter().any(|o| o.eq_ignore_ascii_case(name))
        && crate::message::grammar::is_token(name);
    if !name_ok || value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(CommandError::BadText {
            what: "an extra header",
            value: format!("{name}: {value}"),
        });
    }
    Ok(())
}

impl Endpoint {
    /// Sends a MESSAGE to `target` (a SIP URI) with `body` of
    /// `content_type`; the outcome arrives as [`Event::MessageDelivered`]
    /// or [`Event::MessageFailed`]. The request goes through the
    /// Service-Route of a registration when there is one (RFC 3608), else
    /// through the configured outbound proxy and route set.
    pub fn message(
        &mut self,
        now: Instant,
        target: &str,
        content_type: &str,
        body: impl Into<Bytes>,
        extra_headers: &[(&str, &str)],
    ) -> Result<MessageId, CommandError> {
        check_target("the MESSAGE target", target)?;
        let bad_uri = || CommandError::BadUri {
            what: "the MESSAGE target",
            uri: target.to_owned(),
        };
        let type_ok = content_type
            .split_once('/')
            .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
            && !content_type.bytes().any(|b| b.is_ascii_control());
        if !type_ok {
            return Err(CommandError::BadText {
                what: "the content type",
                value: content_type.to_owned(),
            });
        }
        for (n, v) in extra_headers {
            check_extra_header(n, v)?;
        }
        if self.messages.len() >= self.config.max_usages {
            return Err(CommandError::Limit {
                what: "MESSAGEs in flight",
                limit: self.config.max_usages,
            });
        }
        let body: Bytes = body.into();
        let (mut b, _, _) = self.new_request(Method::Message, target);
        for (n, v) in extra_headers {
            b = b.raw_header(n, v.as_bytes());
        }
        let draft = b
            .body(content_type, body.to_vec())
            .build()
            .map_err(|_| bad_uri())?;
        let id = MessageId(self.next_id());
        let out = self.start_outgoing(
            now,
            Outgoing::new(Owner::Message(id), draft, ContactSpec::None, None),
        );
        if self.outgoing_contains(out) {
            self.messages.insert(id, out);
        }
        self.pump(now);
        Ok(id)
    }

    pub(crate) fn message_outcome(&mut self, id: MessageId, outcome: Outcome) {
        self.messages.remove(&id);
        let event = match outcome.result {
            Ok(resp) => match resp.status() {
                Some(status @ 200..=299) => Event::MessageDelivered { id, status },
                Some(code) => Event::MessageFailed {
                    id,
                    failure: Failure::Status {
                        code,
                        reason: String::from_utf8_lossy(resp.reason().unwrap_or_default())
                            .into_owned(),
                    },
                },
                None => Event::MessageFailed {
                    id,
                    failure: Failure::Local("not a response".into()),
                },
            },
            Err(failure) => Event::MessageFailed { id, failure },
        };
        self.event(event);
    }
}
