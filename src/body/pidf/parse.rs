//! Reading a [`Presence`] from a parsed document. Children are matched by
//! namespace and local name in any order; the first of a kind that occurs
//! once is typed, any later one is kept raw with the unknown elements.

use super::{
    Activities, Activity, Basic, Contact, Device, Note, Person, Presence, Status, Timestamp, Tuple,
    NS, NS_DATA_MODEL, NS_RPID,
};
use crate::body::error::BodyError;
use crate::body::raw::RawElement;
use crate::body::read::{self, count, no_text, required_attr, token};
use crate::body::xml::{Document, XML_NS};
use crate::body::Limits;
use crate::message::headers::QValue;

pub(super) fn presence(doc: &Document, limits: &Limits) -> Result<Presence, BodyError> {
    read::root(doc, NS, "presence")?;
    no_text(doc, 0, "presence")?;
    let mut p = Presence::new(required_attr(doc, 0, "presence", "entity")?);
    let mut tuples = 0;
    for c in doc.children(0) {
        let el = doc.el(c);
        if el.is(NS, "tuple") {
            count(&mut tuples, limits.max_tuples, "tuples", el.start)?;
            p.tuples.push(tuple(doc, c)?);
        } else if el.is(NS, "note") {
            p.notes.push(note(doc, c, "note")?);
        } else if el.is(NS_DATA_MODEL, "person") {
            p.persons.push(person(doc, c)?);
        } else if el.is(NS_DATA_MODEL, "device") {
            p.devices.push(device(doc, c)?);
        } else {
            p.extensions.push(RawElement::capture(doc, c));
        }
    }
    Ok(p)
}

fn tuple(doc: &Document, i: usize) -> Result<Tuple, BodyError> {
    no_text(doc, i, "tuple")?;
    let mut t = Tuple::new(required_attr(doc, i, "tuple", "id")?, Basic::Open);
    let mut status = None;
    for c in doc.children(i) {
        let el = doc.el(c);
        if el.is(NS, "status") && status.is_none() {
            status = Some(self::status(doc, c)?);
        } else if el.is(NS, "contact") && t.contact.is_none() {
            t.contact = Some(contact(doc, c)?);
        } else if el.is(NS, "note") {
            t.notes.push(note(doc, c, "note")?);
        } else if el.is(NS, "timestamp") && t.timestamp.is_none() {
            t.timestamp = Some(timestamp(doc, c, "timestamp")?);
        } else if el.is(NS_DATA_MODEL, "deviceID") && t.device_id.is_none() {
            t.device_id = Some(token(doc, c, "dm:deviceID")?);
        } else {
            t.extensions.push(RawElement::capture(doc, c));
        }
    }
    same_namespace_last(&mut t.extensions, NS);
    t.status = status.ok_or(BodyError::MissingElement {
        parent: "tuple",
        element: "status",
        offset: doc.el(i).start,
    })?;
    Ok(t)
}

fn status(doc: &Document, i: usize) -> Result<Status, BodyError> {
    no_text(doc, i, "status")?;
    let mut s = Status::default();
    for c in doc.children(i) {
        let el = doc.el(c);
        if el.is(NS, "basic") && s.basic.is_none() {
            let value = token(doc, c, "basic")?;
            let basic = Basic::parse(&value);
            let offset = el.text_offset.unwrap_or(el.start);
            s.basic = Some(basic.ok_or(BodyError::bad_value(
                "basic status (open or closed)",
                &value,
                Some(offset),
            ))?);
        } else {
            s.extensions.push(RawElement::capture(doc, c));
        }
    }
    Ok(s)
}

fn contact(doc: &Document, i: usize) -> Result<Contact, BodyError> {
    let uri = token(doc, i, "contact")?;
    let priority = match doc.el(i).attr("priority") {
        None => None,
        Some(a) => {
            let q = QValue::parse(a.value.trim_xml().as_str());
            let bad = BodyError::bad_value("contact priority", &a.value, Some(a.offset));
            Some(q.map_err(|_| bad)?)
        }
    };
    Ok(Contact { uri, priority })
}

/// A note (`<note>`, `<dm:note>` or `<rpid:note>`, named `element`).
fn note(doc: &Document, i: usize, element: &'static str) -> Result<Note, BodyError> {
    Ok(Note {
        text: read::leaf_text(doc, i, element)?,
        lang: doc.el(i).attr_ns(XML_NS, "lang").map(|a| a.value.clone()),
    })
}

fn timestamp(doc: &Document, i: usize, element: &'static str) -> Result<Timestamp, BodyError> {
    let el = doc.el(i);
    Timestamp::read(
        token(doc, i, element)?,
        Some(el.text_offset.unwrap_or(el.start)),
    )
}

fn person(doc: &Document, i: usize) -> Result<Person, BodyError> {
    no_text(doc, i, "dm:person")?;
    let mut p = Person::new(required_attr(doc, i, "dm:person", "id")?);
    for c in doc.children(i) {
        let el = doc.el(c);
        if el.is(NS_RPID, "activities") && p.activities.is_none() {
            p.activities = Some(activities(doc, c)?);
        } else if el.is(NS_DATA_MODEL, "note") {
            p.notes.push(note(doc, c, "dm:note")?);
        } else if el.is(NS_DATA_MODEL, "timestamp") && p.timestamp.is_none() {
            p.timestamp = Some(timestamp(doc, c, "dm:timestamp")?);
        } else {
            p.extensions.push(RawElement::capture(doc, c));
        }
    }
    same_namespace_last(&mut p.extensions, NS_DATA_MODEL);
    Ok(p)
}

fn activities(doc: &Document, i: usize) -> Result<Activities, BodyError> {
    no_text(doc, i, "rpid:activities")?;
    let el = doc.el(i);
    let time = |name: &str| -> Result<Option<Timestamp>, BodyError> {
        el.attr(name)
            .map(|a| Timestamp::read(a.value.trim_xml(), Some(a.offset)))
            .transpose()
    };
    let mut a = Activities {
        id: el.attr("id").map(|a| a.value.clone()),
        from: time("from")?,
        until: time("until")?,
        ..Activities::default()
    };
    for c in doc.children(i) {
        let el = doc.el(c);
        let rpid = el.ns.as_deref() == Some(NS_RPID);
        let known = Activity::from_name(&el.local)
            .filter(|_| rpid && el.end_index == c + 1 && el.text_offset.is_none());
        if let Some(known) = known {
            a.list.push(known);
        } else if el.is(NS_RPID, "note") {
            a.notes.push(note(doc, c, "rpid:note")?);
        } else if el.is(NS_RPID, "other") {
            a.list
                .push(Activity::Other(read::leaf_text(doc, c, "rpid:other")?));
        } else {
            a.list
                .push(Activity::Extension(RawElement::capture(doc, c)));
        }
    }
    Ok(a)
}

fn device(doc: &Document, i: usize) -> Result<Device, BodyError> {
    no_text(doc, i, "dm:device")?;
    let mut d = Device::new(required_attr(doc, i, "dm:device", "id")?);
    for c in doc.children(i) {
        let el = doc.el(c);
        if el.is(NS_DATA_MODEL, "deviceID") && d.device_id.is_none() {
            d.device_id = Some(token(doc, c, "dm:deviceID")?);
        } else if el.is(NS_DATA_MODEL, "note") {
            d.notes.push(note(doc, c, "dm:note")?);
        } else if el.is(NS_DATA_MODEL, "timestamp") && d.timestamp.is_none() {
            d.timestamp = Some(timestamp(doc, c, "dm:timestamp")?);
        } else {
            d.extensions.push(RawElement::capture(doc, c));
        }
    }
    same_namespace_last(&mut d.extensions, NS_DATA_MODEL);
    Ok(d)
}

/// Puts the extensions in the parent's own namespace (a second `<contact>`
/// or `<dm:timestamp>`) after the others, keeping each group's order: the
/// writer puts them after the typed children, where they read back as
/// extensions again.
fn same_namespace_last(extensions: &mut [RawElement], ns: &str) {
    extensions.sort_by_key(|r| r.namespace() == Some(ns));
}
