//! Requests that arrive outside a dialog, by method (RFC 3261 §8.2): who
//! may send them, whether the Request-URI is ours (404), the extensions
//! they require (420), the methods we take (405 with Allow); OPTIONS is
//! answered with our capabilities, MESSAGE per [`MessagePolicy`](super::MessagePolicy).

use std::time::Instant;

use super::outgoing::body_of;
use super::{Endpoint, Event, SourcePolicy};
use crate::message::headers::{ContentType, FromHeader, Require, ToHeader};
use crate::message::{HeaderName, Message, Method, ResponseBuilder, Uri};
use crate::transaction::TxId;
use crate::transport::FlowInfo;
use crate::usage::registration::ALLOW;

/// Extensions we can honour when a request requires them.
/// Extensions the Endpoint implements (RFC 3327, 5627, 5626, 3262, 4028,
/// 3891): a request requiring them is served, and OPTIONS lists them.
const UNDERSTOOD: &[&str] = &["path", "gruu", "outbound", "100rel", "timer", "replaces"];

impl Endpoint {
    pub(crate) fn dispatch_request(
        &mut self,
        now: Instant,
        tx: TxId,
        request: Message,
        flow: FlowInfo,
        cancels: Option<TxId>,
    ) {
        let Some(method) = request.method().cloned() else {
            return;
        };
        if method == Method::Ack {
            return;
        }
        if self.config.sources == SourcePolicy::RegisteredOnly && !self.is_trusted_source(&flow) {
            self.stats.refused_sources += 1;
            crate::log::log_at!(
                self.log,
                Info,
                "dispatch",
                "{method} from {} refused with 403: not a registrar or proxy we use",
                flow.remote
            );
            self.reply(now, tx, &request, 403, "Forbidden", &[], None);
            return;
        }
        if method == Method::Cancel {
            // §9.2: the CANCEL is answered at once; the INVITE it cancels
            // gets 487 if it was still pending.
            let (code, reason) = match cancels {
                Some(_) => (200, "OK"),
                None => (481, "Call/Transaction Does Not Exist"),
            };
            self.reply(now, tx, &request, code, reason, &[], None);
            if let Some(invite) = cancels {
                self.session_cancelled(now, invite, &request);
            }
            return;
        }
        // §8.2.2.1: a URI scheme we do not serve.
        let uri_ours = match request.request_uri() {
            Some(Ok(Uri::Sip(s))) => {
                let user = s.user;
                user.map_or(true, |u| {
                    u == self.identity.aor_user || u == self.identity.contact_user
                })
            }
            Some(Ok(_)) => {
                self.reply(now, tx, &request, 416, "Unsupported URI Scheme", &[], None);
                return;
            }
            _ => false,
        };
        if !uri_ours {
            self.reply(now, tx, &request, 404, "Not Found", &[], None);
            return;
        }
        // §8.2.2.3: every required extension must be understood.
        let unsupported: Vec<String> = request
            .headers::<Require>()
            .flatten()
            .filter(|r| {
                !UNDERSTOOD.iter().any(|u| r.is(u))
                    && !self.config.supported.iter().any(|s| r.is(s))
            })
            .map(|r| r.0.to_owned())
            .collect();
        if !unsupported.is_empty() {
            let list = unsupported.join(", ");
            self.reply(
                now,
                tx,
                &request,
                420,
                "Bad Extension",
                &[("Unsupported", list)],
                None,
            );
            return;
        }
        // §12.2.2: a To tag names a dialog: one of our calls, or 481.
        let in_dialog = request
            .header::<ToHeader>()
            .is_ok_and(|t| t.tag().is_some());
        if in_dialog && method != Method::Options && method != Method::Message {
            self.in_dialog_request(now, tx, &request);
            return;
        }
        match method {
            Method::Options => {
                let mut headers = vec![
                    ("Allow", ALLOW.to_owned()),
                    ("Accept", self.accepted_types()),
                    ("Supported", self.supported_list()),
                ];
                if let Some(events) = self.allow_events() {
                    headers.push(("Allow-Events", events));
                }
                self.reply(now, tx, &request, 200, "OK", &headers, None);
            }
            Method::Message => self.incoming_message(now, tx, &request),
            Method::Invite => self.incoming_call(now, tx, request, flow),
            Method::Subscribe => self.incoming_subscribe(now, tx, request, flow),
            Method::Bye | Method::Info | Method::Update | Method::Prack => self.reply(
                now,
                tx,
                &request,
                481,
                "Call/Transaction Does Not Exist",
                &[],
                None,
            ),
            _ => self.reply(
                now,
                tx,
                &request,
                405,
                "Method Not Allowed",
                &[("Allow", ALLOW.to_owned())],
                None,
            ),
        }
    }

    fn incoming_message(&mut self, now: Instant, tx: TxId, request: &Message) {
        let content_type = match request.header::<ContentType>() {
            Ok(ct) => format!("{}/{}", ct.media_type, ct.subtype),
            Err(_) => "text/plain".to_owned(),
        };
        let policy = &self.config.messages;
        if request.body().len() > policy.max_body {
            self.reply(now, tx, request, 413, "Request Entity Too Large", &[], None);
            return;
        }
        let accepted = policy.accept.is_empty()
            || policy
                .accept
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&content_type));
        if !accepted {
            let accept = self.accepted_types();
            self.reply(
                now,
                tx,
                request,
                415,
                "Unsupported Media Type",
                &[("Accept", accept)],
                None,
            );
            return;
        }
        let from = request
            .header::<FromHeader>()
            .map(|f| f.uri().to_string())
            .unwrap_or_default();
        let to = request
            .header::<ToHeader>()
            .map(|t| t.uri().to_string())
            .unwrap_or_default();
        self.reply(now, tx, request, 200, "OK", &[], None);
        self.event(Event::Message {
            from,
            to,
            content_type,
            body: body_of(request),
        });
    }

    fn accepted_types(&self) -> String {
        let mut types = vec!["application/sdp".to_owned()];
        for t in &self.config.messages.accept {
            if !types.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                types.push(t.clone());
            }
        }
        types.join(", ")
    }

    fn supported_list(&self) -> String {
        let mut tags: Vec<&str> = UNDERSTOOD.to_vec();
        for s in &self.config.supported {
            if !tags.contains(&s.as_str()) {
                tags.push(s);
            }
        }
        tags.join(", ")
    }

    /// The `Allow-Events` value (RFC 6665 §8.2.2), if we restrict packages.
    pub(crate) fn allow_events(&self) -> Option<String> {
        (!self.config.events.is_empty()).then(|| self.config.events.join(", "))
    }

    /// Whether we take subscriptions to `event` (its package name, before
    /// any parameter).
    pub(crate) fn allows_event(&self, event: &str) -> bool {
        let package = event.split(';').next().unwrap_or("").trim();
        self.config.events.is_empty()
            || self
                .config
                .events
                .iter()
                .any(|e| e.eq_ignore_ascii_case(package))
    }

    /// Whether `flow` leads to a registrar or proxy we use: a connection
    /// we opened ourselves, or the flow or address of a registration.
    fn is_trusted_source(&self, flow: &FlowInfo) -> bool {
        if flow.flow.0 & super::flows::OWN_FLOW_BIT != 0 {
            return true;
        }
        self.registrations.values().any(|r| {
            r.flow == Some(flow.flow) || r.target_addr().is_some_and(|a| a.ip() == flow.remote.ip())
        })
    }

    /// Answers a server transaction, with a To tag when the request had
    /// none (§8.2.6.2) and our Server header.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn reply(
        &mut self,
        now: Instant,
        tx: TxId,
        request: &Message,
        code: u16,
        reason: &str,
        extra: &[(&str, String)],
        body: Option<(&str, Vec<u8>)>,
    ) {
        let mut to = request.raw(HeaderName::To).unwrap_or_default().to_vec();
        let has_tag = request
            .header::<ToHeader>()
            .is_ok_and(|t| t.tag().is_some());
        if !has_tag && code > 100 {
            to.extend_from_slice(b";tag=");
            to.extend_from_slice(self.rng.token(10).as_bytes());
        }
        let mut b = ResponseBuilder::new(code, reason)
            .copy_headers(request, &[HeaderName::Via, HeaderName::From])
            .raw_header("To", &to)
            .copy_headers(request, &[HeaderName::CallId, HeaderName::CSeq])
            .raw_header("Server", self.config.user_agent.as_bytes());
        for (name, value) in extra {
            b = b.raw_header(name, value.as_bytes());
        }
        if let Some((ct, data)) = body {
            b = b.body(ct, data);
        }
        if let Ok(response) = b.build() {
            let _ = self.layer.respond(now, tx, response);
        }
    }
}
