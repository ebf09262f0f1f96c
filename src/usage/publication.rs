//! PUBLISH (RFC 3903): event state (a PIDF presence document, say) given
//! to a state agent, kept there by refreshes at 0.9 of the granted time
//! with the entity tag (`SIP-If-Match`, no body), modified or removed
//! with the same tag; a 412 (the agent lost the state) publishes it whole
//! again, a 423 retries with Min-Expires.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::headers::{Expires, MinExpires};
use crate::message::Method;
use crate::usage::message::{check_extra_header, check_target};

/// Identifies a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicationId(pub u64);

/// One publication.
#[derive(Debug)]
pub(crate) struct Publication {
    target: String,
    event: String,
    content_type: String,
    body: Bytes,
    expires: u32,
    etag: Option<String>,
    timer: Option<TimerKey>,
    removing: bool,
    retries: u8,
}

impl Endpoint {
    /// Publishes `body` (of `content_type`) for `event` at `target` (your
    /// AOR, usually) for `expires` seconds, kept until
    /// [`unpublish`](Self::unpublish). [`Event::Published`] on success.
    pub fn publish(
        &mut self,
        now: Instant,
        target: &str,
        event: &str,
        content_type: &str,
        body: Bytes,
        expires: u32,
    ) -> Result<PublicationId, CommandError> {
        check_target("the publication target", target)?;
        check_extra_header("Event", event)?;
        check_extra_header("Content-Type", content_type)?;
        if event.is_empty() || self.publications.len() >= self.config.max_usages {
            return Err(CommandError::Limit {
                what: "publications",
                limit: self.config.max_usages,
            });
        }
        let id = PublicationId(self.next_id());
        self.publications.insert(
            id,
            Publication {
                target: target.to_owned(),
                event: event.to_owned(),
                content_type: content_type.to_owned(),
                body,
                expires,
                etag: None,
                timer: None,
                removing: false,
                retries: 0,
            },
        );
        self.send_publish(now, id, true);
        self.pump(now);
        Ok(id)
    }

    /// Replaces the published state.
    pub fn modify_publication(
        &mut self,
        now: Instant,
        id: PublicationId,
        content_type: &str,
        body: Bytes,
    ) -> Result<(), CommandError> {
        check_extra_header("Content-Type", content_type)?;
        let p = self
            .publications
            .get_mut(&id)
            .filter(|p| !p.removing)
            .ok_or(CommandError::WrongState {
                what: "no such publication",
            })?;
        p.content_type = content_type.to_owned();
        p.body = body;
        self.send_publish(now, id, true);
        self.pump(now);
        Ok(())
    }

    /// Removes the published state (Expires 0); [`Event::Unpublished`]
    /// follows.
    pub fn unpublish(&mut self, now: Instant, id: PublicationId) -> Result<(), CommandError> {
        let p = self
            .publications
            .get_mut(&id)
            .ok_or(CommandError::WrongState {
                what: "no such publication",
            })?;
        p.removing = true;
        self.timers.stop(&mut p.timer);
        if p.etag.is_some() {
            self.send_publish(now, id, false);
        } else {
            self.publications.remove(&id);
            self.event(Event::Unpublished { publication: id });
        }
        self.pump(now);
        Ok(())
    }

    /// Sends a PUBLISH: with the body (`with_body`: first, modify, or after
    /// a 412) or as a refresh/removal (no body, `SIP-If-Match`).
    fn send_publish(&mut self, now: Instant, id: PublicationId, with_body: bool) {
        let Some(p) = self.publications.get(&id) else {
            return;
        };
        let target = p.target.clone();
        let (event, etag, expires) = (
            p.event.clone(),
            p.etag.clone(),
            if p.removing { 0 } else { p.expires },
        );
        let body = with_body.then(|| (p.content_type.clone(), p.body.clone()));
        let (mut b, _, _) = self.new_request(Method::Publish, &target);
        b = b
            .raw_header("Event", event.as_bytes())
            .header(&Expires(expires));
        if let Some(tag) = &etag {
            b = b.raw_header("SIP-If-Match", tag.as_bytes());
        }
        if let Some((ct, data)) = body {
            b = b.body(&ct, data.to_vec());
        }
        if let Ok(draft) = b.build() {
            let out = Outgoing::new(Owner::Publication(id), draft, ContactSpec::None, None);
            self.start_outgoing(now, out);
        }
    }

    /// The answer to a PUBLISH.
    pub(crate) fn publish_outcome(&mut self, now: Instant, id: PublicationId, outcome: Outcome) {
        let fraction = self.config.refresh_fraction;
        let Some(p) = self.publications.get_mut(&id) else {
            return;
        };
        let response = match outcome.result {
            Ok(r) => r,
            Err(f) => {
                self.publication_failed(id, None, f.to_string());
                return;
            }
        };
        let status = response.status().unwrap_or(0);
        match status {
            200..=299 => {
                if p.removing {
                    self.publications.remove(&id);
                    self.event(Event::Unpublished { publication: id });
                    return;
                }
                p.retries = 0;
                p.etag = response
                    .raw_by_name("SIP-ETag")
                    .map(|v| String::from_utf8_lossy(v).trim().to_owned())
                    .filter(|t| !t.is_empty() && !t.bytes().any(|b| b.is_ascii_control()));
                let granted = response.header::<Expires>().map_or(p.expires, |e| e.0);
                self.timers.stop(&mut p.timer);
                if granted > 0 {
                    let after =
                        Duration::from_millis((f64::from(granted) * 1000.0 * fraction) as u64);
                    p.timer = Some(self.timers.arm(now + after, Timer::Publication(id)));
                }
                let etag = p.etag.clone();
                self.event(Event::Published {
                    publication: id,
                    expires: granted,
                    etag,
                });
            }
            // §6: the agent no longer has our state: publish it whole.
            412 if p.retries < 2 && !p.removing => {
                p.retries += 1;
                p.etag = None;
                self.send_publish(now, id, true);
            }
            423 if p.retries < 2 => {
                p.retries += 1;
                if let Ok(min) = response.header::<MinExpires>() {
                    p.expires = p.expires.max(min.0);
                }
                let with_body = p.etag.is_none();
                self.send_publish(now, id, with_body);
            }
            _ => {
                let reason =
                    String::from_utf8_lossy(response.reason().unwrap_or_default()).into_owned();
                self.publication_failed(id, Some(status), reason);
            }
        }
    }

    fn publication_failed(&mut self, id: PublicationId, status: Option<u16>, reason: String) {
        if let Some(mut p) = self.publications.remove(&id) {
            self.timers.stop(&mut p.timer);
            self.event(Event::PublicationFailed {
                publication: id,
                status,
                reason,
            });
        }
    }

    pub(crate) fn publication_due(&mut self, now: Instant, id: PublicationId) {
        if let Some(p) = self.publications.get_mut(&id) {
            p.timer = None;
            let with_body = p.etag.is_none();
            self.send_publish(now, id, with_body);
        }
    }
}
