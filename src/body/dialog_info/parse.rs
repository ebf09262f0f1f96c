//! Reading a [`DialogInfo`] from a parsed document. Children are matched by
//! namespace and local name in any order; the first of a kind that occurs
//! once is typed, any later one is kept raw with the unknown elements.

use super::{
    DialogEntry, DialogInfo, DialogState, Direction, Identity, InfoState, Participant, Replaces,
    SessionDescription, StateEvent, Target, NS,
};
use crate::body::error::BodyError;
use crate::body::raw::RawElement;
use crate::body::read::{
    self, attr_offset, count, no_text, number, optional_attr, required_attr, token,
};
use crate::body::xml::Document;
use crate::body::Limits;

pub(super) fn dialog_info(doc: &Document, limits: &Limits) -> Result<DialogInfo, BodyError> {
    read::root(doc, NS, "dialog-info")?;
    no_text(doc, 0, "dialog-info")?;
    let version = required_attr(doc, 0, "dialog-info", "version")?;
    let version = number(&version, "version", attr_offset(doc, 0, "version"))?;
    let state = required_attr(doc, 0, "dialog-info", "state")?;
    let state = InfoState::parse(state.trim_xml().as_str()).ok_or_else(|| {
        BodyError::bad_value(
            "dialog-info state (full or partial)",
            &state,
            Some(attr_offset(doc, 0, "state")),
        )
    })?;
    let entity = required_attr(doc, 0, "dialog-info", "entity")?;
    let mut info = DialogInfo::new(entity, version, state);
    let mut dialogs = 0;
    for c in doc.children(0) {
        let el = doc.el(c);
        if el.is(NS, "dialog") {
            count(&mut dialogs, limits.max_dialogs, "dialogs", el.start)?;
            info.dialogs.push(dialog(doc, c)?);
        } else {
            info.extensions.push(RawElement::capture(doc, c));
        }
    }
    Ok(info)
}

/// A token attribute read with `parse`, or a [`BodyError::BadValue`].
fn enum_attr<T>(
    doc: &Document,
    i: usize,
    name: &str,
    what: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, BodyError> {
    let Some(a) = doc.el(i).attr(name) else {
        return Ok(None);
    };
    parse(a.value.trim_xml().as_str())
        .map(Some)
        .ok_or_else(|| BodyError::bad_value(what, &a.value, Some(a.offset)))
}

fn dialog(doc: &Document, i: usize) -> Result<DialogEntry, BodyError> {
    no_text(doc, i, "dialog")?;
    let mut d = DialogEntry::new(required_attr(doc, i, "dialog", "id")?, DialogState::Trying);
    d.call_id = optional_attr(doc, i, "call-id");
    d.local_tag = optional_attr(doc, i, "local-tag");
    d.remote_tag = optional_attr(doc, i, "remote-tag");
    d.direction = enum_attr(doc, i, "direction", "direction", Direction::parse)?;
    let mut state = false;
    for c in doc.children(i) {
        let el = doc.el(c);
        let at = el.text_offset.unwrap_or(el.start);
        if el.is(NS, "state") && !state {
            state = true;
            let text = token(doc, c, "state")?;
            d.state = DialogState::parse(&text)
                .ok_or_else(|| BodyError::bad_value("dialog state", &text, Some(at)))?;
            d.state_event = enum_attr(doc, c, "event", "state event", StateEvent::parse)?;
            if let Some(a) = el.attr("code") {
                let code: u16 = number(&a.value, "state code", a.offset)?;
                if !(100..=699).contains(&code) {
                    return Err(BodyError::bad_value("state code", &a.value, Some(a.offset)));
                }
                d.state_code = Some(code);
            }
        } else if el.is(NS, "duration") && d.duration.is_none() {
            d.duration = Some(number(&token(doc, c, "duration")?, "duration", at)?);
        } else if el.is(NS, "replaces") && d.replaces.is_none() {
            d.replaces = Some(Replaces {
                call_id: required_attr(doc, c, "replaces", "call-id")?,
                local_tag: required_attr(doc, c, "replaces", "local-tag")?,
                remote_tag: required_attr(doc, c, "replaces", "remote-tag")?,
            });
        } else if el.is(NS, "referred-by") && d.referred_by.is_none() {
            d.referred_by = Some(identity(doc, c, "referred-by")?);
        } else if el.is(NS, "route-set") && d.route_set.is_empty() {
            no_text(doc, c, "route-set")?;
            for hop in doc.children(c) {
                if !doc.el(hop).is(NS, "hop") {
                    return Err(BodyError::UnexpectedContent {
                        element: "route-set",
                        content: "element",
                        offset: doc.el(hop).start,
                    });
                }
                d.route_set.push(token(doc, hop, "hop")?);
            }
        } else if el.is(NS, "local") && d.local.is_none() {
            d.local = Some(participant(doc, c, "local")?);
        } else if el.is(NS, "remote") && d.remote.is_none() {
            d.remote = Some(participant(doc, c, "remote")?);
        } else {
            d.extensions.push(RawElement::capture(doc, c));
        }
    }
    if !state {
        return Err(BodyError::MissingElement {
            parent: "dialog",
            element: "state",
            offset: doc.el(i).start,
        });
    }
    Ok(d)
}

fn identity(doc: &Document, i: usize, element: &'static str) -> Result<Identity, BodyError> {
    Ok(Identity {
        uri: token(doc, i, element)?,
        display: optional_attr(doc, i, "display"),
    })
}

fn participant(doc: &Document, i: usize, element: &'static str) -> Result<Participant, BodyError> {
    no_text(doc, i, element)?;
    let mut p = Participant::default();
    for c in doc.children(i) {
        let el = doc.el(c);
        if el.is(NS, "identity") && p.identity.is_none() {
            p.identity = Some(identity(doc, c, "identity")?);
        } else if el.is(NS, "target") && p.target.is_none() {
            p.target = Some(target(doc, c)?);
        } else if el.is(NS, "session-description") && p.session_description.is_none() {
            p.session_description = Some(SessionDescription {
                content_type: required_attr(doc, c, "session-description", "type")?,
                body: read::leaf_text(doc, c, "session-description")?,
            });
        } else if el.is(NS, "cseq") && p.cseq.is_none() {
            let at = el.text_offset.unwrap_or(el.start);
            p.cseq = Some(number(&token(doc, c, "cseq")?, "cseq", at)?);
        } else {
            p.extensions.push(RawElement::capture(doc, c));
        }
    }
    Ok(p)
}

fn target(doc: &Document, i: usize) -> Result<Target, BodyError> {
    no_text(doc, i, "target")?;
    let mut t = Target::new(required_attr(doc, i, "target", "uri")?);
    for c in doc.children(i) {
        if !doc.el(c).is(NS, "param") {
            return Err(BodyError::UnexpectedContent {
                element: "target",
                content: "element",
                offset: doc.el(c).start,
            });
        }
        t.params.push((
            required_attr(doc, c, "param", "pname")?,
            required_attr(doc, c, "param", "pval")?,
        ));
    }
    Ok(t)
}
