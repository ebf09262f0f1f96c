//! Writing a [`DialogInfo`] in the schema's order, dialog-info as the
//! default namespace.

use bytes::Bytes;

use super::{DialogEntry, DialogInfo, Identity, Participant, NS};
use crate::body::write::XmlWriter;

pub(super) fn dialog_info(info: &DialogInfo) -> Bytes {
    let mut w = XmlWriter::new(&[(None, NS)]);
    let version = info.version.to_string();
    let attrs = [
        ("version", Some(version.as_str())),
        ("state", Some(info.state.as_str())),
        ("entity", Some(info.entity.as_str())),
    ];
    let empty = info.dialogs.is_empty() && info.extensions.is_empty();
    w.root("dialog-info", &attrs, empty);
    if empty {
        return w.finish();
    }
    for d in &info.dialogs {
        dialog(&mut w, d);
    }
    for r in &info.extensions {
        w.raw(r);
    }
    w.close("dialog-info");
    w.finish()
}

fn dialog(w: &mut XmlWriter, d: &DialogEntry) {
    w.open(
        "dialog",
        &[
            ("id", Some(d.id.as_str())),
            ("call-id", d.call_id.as_deref()),
            ("local-tag", d.local_tag.as_deref()),
            ("remote-tag", d.remote_tag.as_deref()),
            ("direction", d.direction.map(|x| x.as_str())),
        ],
    );
    let code = d.state_code.map(|c| c.to_string());
    w.leaf(
        "state",
        &[
            ("event", d.state_event.map(|e| e.as_str())),
            ("code", code.as_deref()),
        ],
        d.state.as_str(),
    );
    if let Some(s) = d.duration {
        w.leaf("duration", &[], &s.to_string());
    }
    if let Some(r) = &d.replaces {
        w.empty(
            "replaces",
            &[
                ("call-id", Some(r.call_id.as_str())),
                ("local-tag", Some(r.local_tag.as_str())),
                ("remote-tag", Some(r.remote_tag.as_str())),
            ],
        );
    }
    if let Some(by) = &d.referred_by {
        identity(w, "referred-by", by);
    }
    if !d.route_set.is_empty() {
        w.open("route-set", &[]);
        for hop in &d.route_set {
            w.leaf("hop", &[], hop);
        }
        w.close("route-set");
    }
    if let Some(p) = &d.local {
        participant(w, "local", p);
    }
    if let Some(p) = &d.remote {
        participant(w, "remote", p);
    }
    for r in &d.extensions {
        w.raw(r);
    }
    w.close("dialog");
}

fn identity(w: &mut XmlWriter, name: &str, i: &Identity) {
    w.leaf(name, &[("display", i.display.as_deref())], &i.uri);
}

fn participant(w: &mut XmlWriter, name: &str, p: &Participant) {
    let empty = p.identity.is_none()
        && p.target.is_none()
        && p.session_description.is_none()
        && p.cseq.is_none()
        && p.extensions.is_empty();
    if empty {
        return w.empty(name, &[]);
    }
    w.open(name, &[]);
    if let Some(i) = &p.identity {
        identity(w, "identity", i);
    }
    if let Some(t) = &p.target {
        let uri = [("uri", Some(t.uri.as_str()))];
        if t.params.is_empty() {
            w.empty("target", &uri);
        } else {
            w.open("target", &uri);
            for (n, v) in &t.params {
                w.empty(
                    "param",
                    &[("pname", Some(n.as_str())), ("pval", Some(v.as_str()))],
                );
            }
            w.close("target");
        }
    }
    if let Some(s) = &p.session_description {
        w.leaf(
            "session-description",
            &[("type", Some(s.content_type.as_str()))],
            &s.body,
        );
    }
    if let Some(c) = p.cseq {
        w.leaf("cseq", &[], &c.to_string());
    }
    for r in &p.extensions {
        w.raw(r);
    }
    w.close(name);
}
