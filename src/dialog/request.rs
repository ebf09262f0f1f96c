//! Requests within a dialog (RFC 3261 §12.2.1.1) and the ACK for a 2xx
//! (§13.2.2.4).

use super::{is_target_refresh, Dialog, DialogError, DialogState, Role};
use crate::message::headers::{CSeq, MaxForwards, Route};
use crate::message::{
    HeaderName, Message, Method, Params, RequestBuilder, SipUri, TypedHeader, Uri,
};

/// The Request-URI and the Route values of a request in the dialog.
struct Routing {
    request_uri: String,
    routes: Vec<String>,
}

/// The first route's URI as a Request-URI: without the parameters and
/// headers a Request-URI may not carry (RFC 3261 §19.1.1: `method` and
/// `?headers`).
fn strip_for_request_uri(uri: &Uri<'_>) -> String {
    let Uri::Sip(s) = uri else {
        return uri.to_string();
    };
    let mut params = String::new();
    for (name, value) in s.params.iter() {
        if name.eq_ignore_ascii_case("method") {
            continue;
        }
        params.push(';');
        params.push_str(name);
        if let Some(v) = value {
            params.push('=');
            params.push_str(v);
        }
    }
    SipUri {
        params: Params::new(&params),
        headers: Params::with_separator("", b'&'),
        ..*s
    }
    .to_string()
}

impl Dialog {
    /// Where a request goes (§12.2.1.1). With an empty route set or a
    /// loose router first (`lr`): the remote target as Request-URI, the
    /// route set as Route. With a strict router first: its URI as
    /// Request-URI, the rest of the route set and then the remote target
    /// as Route.
    fn routing(&self) -> Result<Routing, DialogError> {
        let Some(first) = self.route_set.first() else {
            return Ok(Routing {
                request_uri: self.remote_target.clone(),
                routes: Vec::new(),
            });
        };
        let bad = || DialogError::BadUri {
            what: "route",
            value: first.clone(),
        };
        let route = Route::parse(first).map_err(|_| bad())?;
        if route.is_loose_route() {
            return Ok(Routing {
                request_uri: self.remote_target.clone(),
                routes: self.route_set.clone(),
            });
        }
        let mut routes: Vec<String> = self.route_set[1..].to_vec();
        routes.push(format!("<{}>", self.remote_target));
        Ok(Routing {
            request_uri: strip_for_request_uri(route.uri()),
            routes,
        })
    }

    /// The headers every request in the dialog has: Request-URI,
    /// Max-Forwards, Route, From and To with tags, Call-ID, CSeq.
    fn base_request(&self, method: Method, seq: u32) -> Result<RequestBuilder, DialogError> {
        if Uri::parse(&self.remote_target).is_err() {
            return Err(DialogError::BadUri {
                what: "remote target",
                value: self.remote_target.clone(),
            });
        }
        let routing = self.routing()?;
        let mut b =
            RequestBuilder::new(method.clone(), &routing.request_uri).header(&MaxForwards(70));
        for r in &routing.routes {
            b = b.raw_header("Route", r.as_bytes());
        }
        let from = format!("{};tag={}", self.local_uri, self.id.local_tag);
        let mut to = self.remote_uri.clone();
        if !self.id.remote_tag.is_empty() {
            to = format!("{to};tag={}", self.id.remote_tag);
        }
        Ok(b.raw_header("From", from.as_bytes())
            .raw_header("To", to.as_bytes())
            .raw_header("Call-ID", self.id.call_id.as_bytes())
            .header(&CSeq { seq, method }))
    }

    /// Builds a request in the dialog (RFC 3261 §12.2.1.1) and counts its
    /// CSeq. Request-URI and Route follow the route set (loose or strict
    /// routing); From and To carry the tags; CSeq is the local number,
    /// which then goes up by one; target refresh methods (INVITE, UPDATE,
    /// SUBSCRIBE, NOTIFY, REFER) carry our Contact. No Via: the transport
    /// layer adds it. A BYE ends the dialog.
    ///
    /// The caller adds a body and other headers, then builds. ACK and
    /// CANCEL are refused ([`DialogError::NotInDialog`]): the ACK for a
    /// 2xx comes from [`Dialog::ack`], a CANCEL from the INVITE's
    /// transaction. So are requests in a terminated dialog, and a BYE from
    /// the caller on an early dialog (§15: it cancels instead).
    ///
    /// ```
    /// # use bytes::Bytes;
    /// # use sansip::{dialog::Dialog, message::{HeaderName, Message, Method}};
    /// # let invite = Message::parse(Bytes::from_static(b"INVITE sip:b@b.example SIP/2.0\r\n\
    /// #   From: <sip:a@a.example>;tag=a1\r\nTo: <sip:b@b.example>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\
    /// #   Contact: <sip:a@192.0.2.1>\r\n\r\n"))?;
    /// # let ok = Message::parse(Bytes::from_static(b"SIP/2.0 200 OK\r\nFrom: <sip:a@a.example>;tag=a1\r\n\
    /// #   To: <sip:b@b.example>;tag=b1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:b@192.0.2.2>\r\n\r\n"))?;
    /// let mut dialog = Dialog::uac(&invite, &ok)?;
    /// let reinvite = dialog
    ///     .request(Method::Invite)?
    ///     .body("application/sdp", "v=0\r\n")
    ///     .build()?;
    /// assert_eq!(reinvite.raw(HeaderName::CSeq), Some(&b"2 INVITE"[..]));
    /// assert_eq!(reinvite.raw(HeaderName::To), Some(&b"<sip:b@b.example>;tag=b1"[..]));
    /// assert_eq!(reinvite.raw(HeaderName::Contact), Some(&b"<sip:a@192.0.2.1>"[..]));
    /// assert_eq!(dialog.local_cseq(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request(&mut self, method: Method) -> Result<RequestBuilder, DialogError> {
        match method {
            Method::Ack => {
                return Err(DialogError::NotInDialog {
                    method,
                    hint: "the ACK for a 2xx comes from Dialog::ack",
                })
            }
            Method::Cancel => {
                return Err(DialogError::NotInDialog {
                    method,
                    hint: "a CANCEL belongs to the INVITE's transaction",
                })
            }
            _ => {}
        }
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated {
                id: self.id.clone(),
            });
        }
        if method == Method::Bye && self.state == DialogState::Early && self.role == Role::Uac {
            return Err(DialogError::ByeOnEarlyDialog {
                id: self.id.clone(),
            });
        }
        if self.local_cseq >= 1 << 31 {
            return Err(DialogError::CSeqExhausted {
                id: self.id.clone(),
            });
        }
        let refresh = is_target_refresh(&method);
        let bye = method == Method::Bye;
        let mut b = self.base_request(method, self.local_cseq)?;
        if let (true, Some(contact)) = (refresh, &self.local_contact) {
            b = b.raw_header("Contact", contact.as_bytes());
        }
        self.local_cseq += 1;
        if bye {
            self.state = DialogState::Terminated;
        }
        Ok(b)
    }

    /// The ACK for a 2xx to `invite` (RFC 3261 §13.2.2.4): built like any
    /// request in the dialog, with the INVITE's CSeq number and the same
    /// Authorization and Proxy-Authorization fields. The local CSeq does not
    /// move. Allowed in any state: every 2xx, retransmissions and those of
    /// a fork about to be ended with BYE, is acknowledged. An offer in the
    /// 2xx is answered by adding a body to the result.
    pub fn ack(&self, invite: &Message) -> Result<RequestBuilder, DialogError> {
        if invite.method() != Some(&Method::Invite) {
            return Err(DialogError::WrongKind {
                expected: "the INVITE request",
            });
        }
        let seq = super::create::header::<CSeq>(invite, "the INVITE")?.seq;
        Ok(self.base_request(Method::Ack, seq)?.copy_headers(
            invite,
            &[HeaderName::Authorization, HeaderName::ProxyAuthorization],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_uri_loses_method_and_headers_only() {
        let u = Uri::parse("sip:p1.example.com;method=INVITE;lr;transport=tcp?Subject=x").unwrap();
        assert_eq!(
            strip_for_request_uri(&u),
            "sip:p1.example.com;lr;transport=tcp"
        );
        let t = Uri::parse("tel:+1234").unwrap();
        assert_eq!(strip_for_request_uri(&t), "tel:+1234");
    }
}
