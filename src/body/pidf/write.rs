//! Writing a [`Presence`]: the schema's order, PIDF as the default
//! namespace, `dm:` and `rpid:` declared on the root when used.

use bytes::Bytes;

use super::{
    Activities, Activity, Device, Note, Person, Presence, Tuple, NS, NS_DATA_MODEL, NS_RPID,
};
use crate::body::raw::RawElement;
use crate::body::write::XmlWriter;

pub(super) fn presence(p: &Presence) -> Bytes {
    let dm = !p.persons.is_empty()
        || !p.devices.is_empty()
        || p.tuples.iter().any(|t| t.device_id.is_some());
    let rpid = p.persons.iter().any(|x| x.activities.is_some());
    let mut w = XmlWriter::new(match (dm, rpid) {
        (false, false) => &[(None, NS)],
        (true, false) => &[(None, NS), (Some("dm"), NS_DATA_MODEL)],
        (false, true) => &[(None, NS), (Some("rpid"), NS_RPID)],
        (true, true) => &[
            (None, NS),
            (Some("dm"), NS_DATA_MODEL),
            (Some("rpid"), NS_RPID),
        ],
    });
    let attrs = [("entity", Some(p.entity.as_str()))];
    let empty = p.tuples.is_empty()
        && p.notes.is_empty()
        && p.persons.is_empty()
        && p.devices.is_empty()
        && p.extensions.is_empty();
    w.root("presence", &attrs, empty);
    if empty {
        return w.finish();
    }
    for t in &p.tuples {
        tuple(&mut w, t);
    }
    notes(&mut w, "note", &p.notes);
    for x in &p.persons {
        person(&mut w, x);
    }
    for d in &p.devices {
        device(&mut w, d);
    }
    raws(&mut w, &p.extensions);
    w.close("presence");
    w.finish()
}

fn tuple(w: &mut XmlWriter, t: &Tuple) {
    w.open("tuple", &[("id", Some(&t.id))]);
    let s = &t.status;
    if s.extensions.is_empty() {
        match s.basic {
            Some(b) => {
                w.open("status", &[]);
                w.leaf("basic", &[], b.as_str());
                w.close("status");
            }
            None => w.empty("status", &[]),
        }
    } else {
        w.open("status", &[]);
        if let Some(b) = s.basic {
            w.leaf("basic", &[], b.as_str());
        }
        raws(w, &s.extensions);
        w.close("status");
    }
    if let Some(d) = &t.device_id {
        w.leaf("dm:deviceID", &[], d);
    }
    raws_except(w, &t.extensions, NS);
    if let Some(c) = &t.contact {
        let priority = c.priority.map(|q| q.to_string());
        w.leaf("contact", &[("priority", priority.as_deref())], &c.uri);
    }
    notes(w, "note", &t.notes);
    if let Some(ts) = &t.timestamp {
        w.leaf("timestamp", &[], ts.as_str());
    }
    raws_in(w, &t.extensions, NS);
    w.close("tuple");
}

fn person(w: &mut XmlWriter, p: &Person) {
    let id = [("id", Some(p.id.as_str()))];
    if p.activities.is_none()
        && p.notes.is_empty()
        && p.timestamp.is_none()
        && p.extensions.is_empty()
    {
        return w.empty("dm:person", &id);
    }
    w.open("dm:person", &id);
    if let Some(a) = &p.activities {
        activities(w, a);
    }
    raws_except(w, &p.extensions, NS_DATA_MODEL);
    notes(w, "dm:note", &p.notes);
    if let Some(ts) = &p.timestamp {
        w.leaf("dm:timestamp", &[], ts.as_str());
    }
    raws_in(w, &p.extensions, NS_DATA_MODEL);
    w.close("dm:person");
}

fn activities(w: &mut XmlWriter, a: &Activities) {
    let attrs = [
        ("id", a.id.as_deref()),
        ("from", a.from.as_ref().map(|t| t.as_str())),
        ("until", a.until.as_ref().map(|t| t.as_str())),
    ];
    if a.list.is_empty() && a.notes.is_empty() {
        return w.empty("rpid:activities", &attrs);
    }
    w.open("rpid:activities", &attrs);
    notes(w, "rpid:note", &a.notes);
    for act in &a.list {
        match act {
            Activity::Other(text) => w.leaf("rpid:other", &[], text),
            Activity::Extension(raw) => w.raw(raw),
            known => {
                let name = format!("rpid:{}", known.name().unwrap_or("unknown"));
                w.empty(&name, &[]);
            }
        }
    }
    w.close("rpid:activities");
}

fn device(w: &mut XmlWriter, d: &Device) {
    let id = [("id", Some(d.id.as_str()))];
    if d.device_id.is_none()
        && d.notes.is_empty()
        && d.timestamp.is_none()
        && d.extensions.is_empty()
    {
        return w.empty("dm:device", &id);
    }
    w.open("dm:device", &id);
    raws_except(w, &d.extensions, NS_DATA_MODEL);
    if let Some(id) = &d.device_id {
        w.leaf("dm:deviceID", &[], id);
    }
    notes(w, "dm:note", &d.notes);
    if let Some(ts) = &d.timestamp {
        w.leaf("dm:timestamp", &[], ts.as_str());
    }
    raws_in(w, &d.extensions, NS_DATA_MODEL);
    w.close("dm:device");
}

fn notes(w: &mut XmlWriter, name: &str, notes: &[Note]) {
    for n in notes {
        w.leaf(name, &[("xml:lang", n.lang.as_deref())], &n.text);
    }
}

/// Extensions from other namespaces than the parent's (the schema's
/// `##other`), in their place among the typed children.
fn raws_except(w: &mut XmlWriter, raws: &[RawElement], ns: &str) {
    for r in raws.iter().filter(|r| r.namespace() != Some(ns)) {
        w.raw(r);
    }
}

/// Extensions in the parent's own namespace (a second `<contact>`, ...)
/// after the typed children, so that they read back as extensions again.
fn raws_in(w: &mut XmlWriter, raws: &[RawElement], ns: &str) {
    for r in raws.iter().filter(|r| r.namespace() == Some(ns)) {
        w.raw(r);
    }
}

fn raws(w: &mut XmlWriter, raws: &[RawElement]) {
    for r in raws {
        w.raw(r);
    }
}
