//! Building notifications: [`DialogInfoBuilder`] and the `with_*`
//! methods of [`DialogEntry`].

use super::{
    DialogEntry, DialogInfo, DialogState, Direction, Identity, InfoState, Participant, Replaces,
    StateEvent,
};
use crate::body::text::Text;

/// Builds a [`DialogInfo`] for a notifier.
///
/// RFC 4235 §4.1: the `version` starts at 0 on a subscription and grows by
/// one with each NOTIFY; a `full` document lists every dialog of the
/// entity (none at all when it is idle), a `partial` one only those that
/// changed.
///
/// ```
/// use sansip::body::dialog_info::{DialogEntry, DialogInfo, DialogState, InfoState, StateEvent};
///
/// // The call ended: a partial update with the one dialog that changed.
/// let info = DialogInfo::builder("sip:bob@example.com")
///     .version(8)
///     .partial()
///     .dialog(DialogEntry::new("call-1", DialogState::Terminated)
///         .with_state_reason(StateEvent::RemoteBye, None))
///     .build();
/// assert_eq!(info.state, InfoState::Partial);
/// let text = String::from_utf8(info.to_bytes().to_vec()).unwrap();
/// assert!(text.contains(r#"<state event="remote-bye">terminated</state>"#));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct DialogInfoBuilder {
    info: DialogInfo,
}

impl DialogInfoBuilder {
    /// A full document about `entity`, version 0, no dialog.
    pub fn new(entity: impl Into<Text>) -> DialogInfoBuilder {
        DialogInfoBuilder {
            info: DialogInfo::new(entity, 0, InfoState::Full),
        }
    }

    /// The version.
    pub fn version(mut self, version: u64) -> Self {
        self.info.version = version;
        self
    }

    /// A partial update instead of the full state.
    pub fn partial(mut self) -> Self {
        self.info.state = InfoState::Partial;
        self
    }

    /// One more dialog.
    pub fn dialog(mut self, dialog: DialogEntry) -> Self {
        self.info.dialogs.push(dialog);
        self
    }

    /// The document.
    pub fn build(self) -> DialogInfo {
        self.info
    }
}

impl DialogEntry {
    /// A dialog with id `id` in `state`, nothing else known.
    pub fn new(id: impl Into<Text>, state: DialogState) -> DialogEntry {
        DialogEntry {
            id: id.into(),
            call_id: None,
            local_tag: None,
            remote_tag: None,
            direction: None,
            state,
            state_event: None,
            state_code: None,
            duration: None,
            replaces: None,
            referred_by: None,
            route_set: Vec::new(),
            local: None,
            remote: None,
            extensions: Vec::new(),
        }
    }

    /// With the SIP dialog's Call-ID and tags (the remote tag is unknown
    /// until a tagged response).
    #[must_use]
    pub fn with_dialog_id(
        mut self,
        call_id: impl Into<Text>,
        local_tag: impl Into<Text>,
        remote_tag: Option<Text>,
    ) -> DialogEntry {
        self.call_id = Some(call_id.into());
        self.local_tag = Some(local_tag.into());
        self.remote_tag = remote_tag;
        self
    }

    /// With the direction.
    #[must_use]
    pub fn with_direction(mut self, direction: Direction) -> DialogEntry {
        self.direction = Some(direction);
        self
    }

    /// With why the state was reached (for `terminated`: cancelled,
    /// rejected with 486, ...).
    #[must_use]
    pub fn with_state_reason(mut self, event: StateEvent, code: Option<u16>) -> DialogEntry {
        self.state_event = Some(event);
        self.state_code = code;
        self
    }

    /// With the duration in seconds.
    #[must_use]
    pub fn with_duration(mut self, seconds: u64) -> DialogEntry {
        self.duration = Some(seconds);
        self
    }

    /// With the dialog it replaced.
    #[must_use]
    pub fn with_replaces(mut self, replaces: Replaces) -> DialogEntry {
        self.replaces = Some(replaces);
        self
    }

    /// With who referred the entity.
    #[must_use]
    pub fn with_referred_by(mut self, by: Identity) -> DialogEntry {
        self.referred_by = Some(by);
        self
    }

    /// With the entity's side.
    #[must_use]
    pub fn with_local(mut self, local: Participant) -> DialogEntry {
        self.local = Some(local);
        self
    }

    /// With the other side.
    #[must_use]
    pub fn with_remote(mut self, remote: Participant) -> DialogEntry {
        self.remote = Some(remote);
        self
    }
}
