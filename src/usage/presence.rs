//! The presence (RFC 3856) and dialog (RFC 4235) event packages on top of
//! the typed bodies in [`crate::body`]: notifying and publishing typed
//! documents, and the dialog-info document of this user agent's own calls
//! (what a busy-lamp field shows), kept in step with the calls by sansip.

use std::time::Instant;

use super::publication::PublicationId;
use super::session::SessionState;
use super::subscription::{SubState, SubscriptionId};
use crate::body::dialog_info::{DialogEntry, DialogInfo, DialogState, Direction, Participant};
use crate::body::pidf::Presence;
use crate::body::{DIALOG_INFO_CONTENT_TYPE, PIDF_CONTENT_TYPE};
use crate::endpoint::{CommandError, Endpoint};

impl Endpoint {
    /// [`notify`](Self::notify) with a PIDF document
    /// (`application/pidf+xml`), for a `presence` subscription.
    pub fn notify_presence(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        state: SubState,
        presence: &Presence,
    ) -> Result<(), CommandError> {
        self.notify(now, id, state, PIDF_CONTENT_TYPE, presence.to_bytes())
    }

    /// [`notify`](Self::notify) with a dialog-info document
    /// (`application/dialog-info+xml`), for a `dialog` subscription; see
    /// [`dialog_info`](Self::dialog_info) for our own calls' document.
    pub fn notify_dialog_info(
        &mut self,
        now: Instant,
        id: SubscriptionId,
        state: SubState,
        info: &DialogInfo,
    ) -> Result<(), CommandError> {
        self.notify(now, id, state, DIALOG_INFO_CONTENT_TYPE, info.to_bytes())
    }

    /// [`publish`](Self::publish) our presence (RFC 3903, event
    /// `presence`) to `target` (usually our own AOR, for the presence
    /// server to serve our watchers).
    pub fn publish_presence(
        &mut self,
        now: Instant,
        target: &str,
        presence: &Presence,
        expires: u32,
    ) -> Result<PublicationId, CommandError> {
        self.publish(
            now,
            target,
            "presence",
            PIDF_CONTENT_TYPE,
            presence.to_bytes(),
            expires,
        )
    }

    /// The dialog-info document (RFC 4235, `state="full"`) of our calls,
    /// with `version` (one more for every notification to one watcher):
    /// each call is a `<dialog>` with its Call-ID and tags, its direction,
    /// a state (trying, proceeding, early, confirmed) and both parties;
    /// no call, no dialog (the lamp is off).
    ///
    /// ```
    /// use std::time::Instant;
    /// use sansip::endpoint::{Config, Endpoint, LocalAddr};
    /// use sansip::transport::Transport;
    ///
    /// let mut config = Config::new("sip:alice@example.com");
    /// config.local.push(LocalAddr { transport: Transport::Udp, addr: "192.0.2.1:5060".parse()? });
    /// let now = Instant::now(); // the host's clock (sans-io-ok: the example is the host)
    /// let ep = Endpoint::new(config, now)?;
    /// let info = ep.dialog_info(0);
    /// assert!(info.is_idle());
    /// assert_eq!(info.entity.as_str(), "sip:alice@example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dialog_info(&self, version: u64) -> DialogInfo {
        let mut b = DialogInfo::builder(self.config.aor.as_str()).version(version);
        for (id, s) in &self.sessions {
            let state = match s.state {
                SessionState::Calling => DialogState::Trying,
                SessionState::Early if s.dialog.is_none() && s.prack.early.is_empty() => {
                    DialogState::Proceeding
                }
                SessionState::Early | SessionState::Incoming => DialogState::Early,
                SessionState::Answered | SessionState::Confirmed => DialogState::Confirmed,
                // A call on its way out is shown until it is gone.
                SessionState::Ending => DialogState::Confirmed,
            };
            let direction = if s.caller {
                Direction::Initiator
            } else {
                Direction::Recipient
            };
            let mut entry =
                DialogEntry::new(format!("sansip-{}", id.0), state).with_direction(direction);
            let invite = s.invite.as_ref();
            let (local_uri, remote_uri) = match invite {
                Some(i) => {
                    let from = i.header::<crate::message::headers::FromHeader>().ok();
                    let to = i.header::<crate::message::headers::ToHeader>().ok();
                    let from = from.map(|f| f.uri().to_string());
                    let to = to.map(|t| t.uri().to_string());
                    if s.caller {
                        (from, to)
                    } else {
                        (to, from)
                    }
                }
                None => (None, None),
            };
            if let Some(d) = s.dialog.as_ref() {
                let id = d.id();
                entry = entry.with_dialog_id(
                    id.call_id.as_str(),
                    id.local_tag.as_str(),
                    Some(id.remote_tag.as_str().into()),
                );
            } else if let Some(call_id) = invite.and_then(|i| i.call_id()) {
                let local_tag = if s.caller {
                    invite
                        .and_then(|i| i.header::<crate::message::headers::FromHeader>().ok())
                        .and_then(|f| f.tag().map(str::to_owned))
                        .unwrap_or_default()
                } else {
                    s.to_tag.clone()
                };
                entry = entry.with_dialog_id(call_id, local_tag, None);
            }
            if let Some(uri) = local_uri {
                entry = entry.with_local(Participant::new(uri));
            }
            if let Some(uri) = remote_uri {
                entry = entry.with_remote(Participant::new(uri));
            }
            b = b.dialog(entry);
        }
        b.build()
    }
}
