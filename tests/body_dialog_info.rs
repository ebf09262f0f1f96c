//! Dialog-info bodies (RFC 4235) as the RFC and real notifiers (Asterisk,
//! Kamailio's pua_dialoginfo, RFC 7463 shared appearances) write them read
//! into the expected typed values; every one survives serialize -> parse
//! with its extensions; BLF notifications built with the builder parse
//! back; malformed bodies give the error that says what and where.
//! (Generated documents: tests/body_roundtrip_properties.rs.)

use bytes::Bytes;
use sansip::body::dialog_info::*;
use sansip::body::{BodyError, Limits, Text, DIALOG_INFO_CONTENT_TYPE};

/// Asserts that `$e` matches `$p` (printing it otherwise).
macro_rules! assert_matches {
    ($e:expr, $p:pat $(if $guard:expr)?) => {{
        let e = &$e;
        assert!(matches!(e, $p $(if $guard)?), "{e:?}");
    }};
}

fn fixture(name: &str) -> DialogInfo {
    let path = format!(
        "{}/tests/data/dialog_info/{name}.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    DialogInfo::parse(Bytes::from(body)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse(text: &str) -> Result<DialogInfo, BodyError> {
    DialogInfo::parse_slice(text.as_bytes())
}

fn err(text: &str) -> BodyError {
    parse(text).expect_err(text)
}

/// Serialize -> parse gives the same value, and serializing again gives
/// the same bytes.
fn round_trips(d: &DialogInfo) {
    let written = d.to_bytes();
    let again = DialogInfo::parse(written.clone()).unwrap_or_else(|e| {
        panic!("{e} in\n{}", String::from_utf8_lossy(&written));
    });
    assert_eq!(&again, d, "{}", String::from_utf8_lossy(&written));
    assert_eq!(again.to_bytes(), written);
}

#[test]
fn rfc4235_trying_example_reads_the_half_dialog() {
    let d = fixture("rfc4235_4_1_trying");
    assert_eq!(
        (d.version, d.state, d.entity.as_str()),
        (0, InfoState::Full, "sip:alice@example.com")
    );
    let e = &d.dialogs[0];
    assert_eq!(e.id, "as7d900as8");
    assert_eq!(e.call_id.as_deref(), Some("a84b4c76e66710"));
    assert_eq!(e.local_tag.as_deref(), Some("1928301774"));
    assert_eq!(e.remote_tag, None);
    assert_eq!(e.direction, Some(Direction::Initiator));
    assert_eq!(e.state, DialogState::Trying);
    assert!(!d.is_idle());
    round_trips(&d);
}

#[test]
fn rfc4235_confirmed_example_reads_participants_and_target_params() {
    let d = fixture("rfc4235_4_2_confirmed");
    let e = d.dialog("as7d900as8").unwrap();
    assert_eq!(e.state, DialogState::Confirmed);
    assert_eq!(e.remote_tag.as_deref(), Some("456887766"));
    assert_eq!(e.duration, Some(274));
    let local = e.local.as_ref().unwrap();
    assert_eq!(
        local.identity,
        Some(Identity::new("sip:alice@example.com").with_display("Alice"))
    );
    let target = local.target.as_ref().unwrap();
    assert_eq!(target.uri, "sip:alice@pc33.example.com");
    assert_eq!(target.param("+sip.rendering"), Some("yes"));
    let remote = e.remote.as_ref().unwrap();
    assert_eq!(remote.display(), Some("Bob"));
    assert_eq!(remote.uri(), Some("sip:bob@example.org"));
    assert_eq!(
        remote.target,
        Some(Target::new("sip:bobster@phone21.example.org"))
    );
    round_trips(&d);
}

#[test]
fn terminated_state_reads_event_code_and_duration() {
    let d = fixture("rfc4235_partial_rejected");
    assert_eq!(d.state, InfoState::Partial);
    let e = &d.dialogs[0];
    assert_eq!(e.state, DialogState::Terminated);
    assert_eq!(e.state_event, Some(StateEvent::Rejected));
    assert_eq!(e.state_code, Some(486));
    assert_eq!(e.duration, Some(145));
    assert!(d.is_idle());
    round_trips(&d);
}

#[test]
fn replaces_referred_by_route_set_session_description_and_cseq_are_read() {
    let d = fixture("rfc4235_replaces_route_set");
    let e = &d.dialogs[0];
    assert_eq!(e.state_event, Some(StateEvent::Replaced));
    assert_eq!(
        e.replaces,
        Some(Replaces {
            call_id: "a84b4c76e66710".into(),
            local_tag: "1928301774".into(),
            remote_tag: "456887766".into(),
        })
    );
    assert_eq!(
        e.referred_by,
        Some(Identity::new("sip:carol@example.com").with_display("Carol"))
    );
    assert_eq!(
        e.route_set,
        ["sip:proxy1.example.com;lr", "sip:proxy2.example.com;lr"]
    );
    let local = e.local.as_ref().unwrap();
    let sdp = local.session_description.as_ref().unwrap();
    assert_eq!(sdp.content_type, "application/sdp");
    assert!(sdp.body.starts_with("v=0\no=bob "), "{:?}", sdp.body);
    assert_eq!(local.cseq, Some(102));
    round_trips(&d);
}

#[test]
fn asterisk_early_and_on_hold_notifications_are_read() {
    let d = fixture("asterisk_early");
    assert_eq!((d.version, d.state), (3, InfoState::Full));
    let e = &d.dialogs[0];
    assert_eq!(e.id, "1000");
    assert_eq!(e.direction, Some(Direction::Recipient));
    // <remote> before <local> and <state> last, as Asterisk writes them.
    assert_eq!(e.state, DialogState::Early);
    assert_eq!(e.remote.as_ref().unwrap().display(), Some("Alice"));
    assert_eq!(
        e.local.as_ref().unwrap().uri(),
        Some("sip:1000@pbx.example.com")
    );
    round_trips(&d);

    let d = fixture("asterisk_onhold");
    let local = d.dialogs[0].local.as_ref().unwrap();
    assert_eq!(local.identity, None);
    let target = local.target.as_ref().unwrap();
    assert_eq!(target.param("+sip.rendering"), Some("no"));
    round_trips(&d);
}

#[test]
fn kamailio_dialoginfo_and_idle_documents_are_read() {
    let d = fixture("kamailio_pua_dialoginfo");
    let e = &d.dialogs[0];
    assert_eq!(e.id, "a84b4c76e66710@pc33.example.com");
    assert_eq!(
        e.call_id.as_deref(),
        Some("a84b4c76e66710@pc33.example.com")
    );
    assert_eq!(e.state, DialogState::Early);
    assert_eq!(e.remote.as_ref().unwrap().display(), None);
    round_trips(&d);

    let idle = fixture("kamailio_idle");
    assert_eq!(idle.version, 9);
    assert!(idle.dialogs.is_empty());
    assert!(idle.is_idle());
    round_trips(&idle);
}

#[test]
fn shared_appearance_extensions_are_kept_where_they_were() {
    let d = fixture("rfc7463_shared_appearance");
    let sa = "urn:ietf:params:xml:ns:sa-dialog-info";
    assert!(d.extensions[0].is(sa, "exclusive"));
    let e = &d.dialogs[0];
    assert_eq!(e.state, DialogState::Confirmed);
    assert_eq!(e.state_code, Some(200));
    let names: Vec<_> = e.extensions.iter().map(|r| r.name()).collect();
    assert_eq!(names, ["appearance", "exclusive"]);
    let xml = std::str::from_utf8(e.extensions[0].as_bytes()).unwrap();
    assert_eq!(
        xml,
        r#"<sa:appearance xmlns:sa="urn:ietf:params:xml:ns:sa-dialog-info">2</sa:appearance>"#
    );
    round_trips(&d);
}

#[test]
fn blf_notifications_built_by_a_notifier_parse_back() {
    let alice = Participant::new("sip:alice@example.com")
        .with_display("Alice & Co <sales>")
        .with_target("sip:alice@192.0.2.10:5060");
    let bob = Participant {
        target: Some(Target::new("sip:bob@192.0.2.4").with_param("+sip.rendering", "no")),
        ..Participant::new("sip:bob@example.com")
    };
    let early = DialogEntry::new("d1", DialogState::Early)
        .with_dialog_id("f81d4fae@192.0.2.4", "1928301774", None)
        .with_direction(Direction::Recipient)
        .with_local(bob.clone())
        .with_remote(alice.clone());
    let confirmed = DialogEntry {
        state: DialogState::Confirmed,
        remote_tag: Some(Text::from("456887766")),
        duration: Some(3),
        ..early.clone()
    };
    let ended = DialogEntry::new("d1", DialogState::Terminated)
        .with_state_reason(StateEvent::RemoteBye, Some(200))
        .with_duration(61)
        .with_replaces(Replaces {
            call_id: "x@y".into(),
            local_tag: "1".into(),
            remote_tag: "2".into(),
        })
        .with_referred_by(Identity::new("sip:carol@example.com"));
    for (version, entry) in [(1, early), (2, confirmed), (3, ended)] {
        let info = DialogInfo::builder("sip:bob@example.com")
            .version(version)
            .partial()
            .dialog(entry)
            .build();
        round_trips(&info);
    }

    let text = String::from_utf8(
        DialogInfo::builder("sip:bob@example.com")
            .dialog(
                DialogEntry::new("d1", DialogState::Confirmed)
                    .with_direction(Direction::Initiator)
                    .with_remote(alice),
            )
            .build()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert_eq!(
        text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\" \
           entity=\"sip:bob@example.com\">\n\
         \x20 <dialog id=\"d1\" direction=\"initiator\">\n\
         \x20   <state>confirmed</state>\n\
         \x20   <remote>\n\
         \x20     <identity display=\"Alice &amp; Co &lt;sales&gt;\">sip:alice@example.com</identity>\n\
         \x20     <target uri=\"sip:alice@192.0.2.10:5060\"/>\n\
         \x20   </remote>\n\
         \x20 </dialog>\n\
         </dialog-info>\n"
    );
    assert_eq!(DIALOG_INFO_CONTENT_TYPE, "application/dialog-info+xml");
}

const ROOT: &str = r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:a@b">"#;

#[test]
fn wrong_documents_are_refused_with_what_was_wrong() {
    let e = err(r#"<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="e"/>"#);
    assert_matches!(e, BodyError::UnexpectedRoot { expected: "dialog-info", found, .. }
        if found == "presence");
    for (attr, doc) in [
        (
            "version",
            r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" state="full" entity="e"/>"#,
        ),
        (
            "state",
            r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" entity="e"/>"#,
        ),
        (
            "entity",
            r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full"/>"#,
        ),
    ] {
        assert_matches!(err(doc),
            BodyError::MissingAttribute { element: "dialog-info", attribute, .. }
            if *attribute == attr);
    }
    let doc = r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="-1" state="full" entity="e"/>"#;
    let e = err(doc);
    assert_matches!(
        e,
        BodyError::BadValue {
            what: "version",
            ..
        }
    );
    assert_eq!(e.offset(), doc.find("version="));
    let doc = r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="some" entity="e"/>"#;
    assert_matches!(err(doc), BodyError::BadValue { value, .. } if value == "some");
    assert_matches!(
        err(&format!(
            "{ROOT}<dialog><state>early</state></dialog></dialog-info>"
        )),
        BodyError::MissingAttribute {
            element: "dialog",
            attribute: "id",
            ..
        }
    );
    assert_matches!(
        err(&format!(
            "{ROOT}<dialog id='1'><duration>3</duration></dialog></dialog-info>"
        )),
        BodyError::MissingElement {
            parent: "dialog",
            element: "state",
            ..
        }
    );
    let text = format!("{ROOT}<dialog id='1'><state>ringing</state></dialog></dialog-info>");
    let e = err(&text);
    assert_matches!(e, BodyError::BadValue { what: "dialog state", value, .. }
        if value == "ringing");
    assert_eq!(e.offset(), text.find("ringing"));
    for (bad, what) in [
        ("<state event='hung-up'>terminated</state>", "state event"),
        ("<state code='99'>terminated</state>", "state code"),
        ("<state code='70000'>terminated</state>", "state code"),
        ("<state>early</state><duration>soon</duration>", "duration"),
    ] {
        let e = err(&format!(
            "{ROOT}<dialog id='1'>{bad}</dialog></dialog-info>"
        ));
        assert_matches!(e, BodyError::BadValue { what: w, .. } if *w == what);
    }
    let e = err(&format!(
        "{ROOT}<dialog id='1' direction='both'><state>early</state></dialog></dialog-info>"
    ));
    assert_matches!(
        e,
        BodyError::BadValue {
            what: "direction",
            ..
        }
    );
    let e = err(&format!(
        "{ROOT}<dialog id='1'><state>early</state><local><target/></local></dialog></dialog-info>"
    ));
    assert_matches!(
        e,
        BodyError::MissingAttribute {
            element: "target",
            attribute: "uri",
            ..
        }
    );
    let e = err(&format!(
        "{ROOT}<dialog id='1'><state>early</state><replaces call-id='x'/></dialog></dialog-info>"
    ));
    assert_matches!(
        e,
        BodyError::MissingAttribute {
            element: "replaces",
            ..
        }
    );
    let e = err(&format!(
        "{ROOT}<dialog id='1'><state>early</state><route-set><via/></route-set></dialog></dialog-info>"
    ));
    assert_matches!(
        e,
        BodyError::UnexpectedContent {
            element: "route-set",
            ..
        }
    );
}

#[test]
fn malformed_xml_and_limits_are_refused() {
    let text = format!("{ROOT}<dialog id='1'><state>early</dialog></dialog-info>");
    assert_matches!(err(&text), BodyError::MismatchedTag { open, .. } if open == "state");
    let text = format!("{ROOT}<dialog id='1'><state>early</state>");
    assert_matches!(err(&text), BodyError::Unclosed { element, .. } if element == "dialog");
    let text = format!("{ROOT}<dialog id='1&bogus;'><state/></dialog></dialog-info>");
    assert_matches!(err(&text), BodyError::BadReference { reference, .. }
        if reference == "&bogus;");

    let dialog = "<dialog id='x'><state>confirmed</state></dialog>";
    let many = format!("{ROOT}{}</dialog-info>", dialog.repeat(3));
    let two = Limits {
        max_dialogs: 2,
        ..Limits::default()
    };
    let e = DialogInfo::parse_with_limits(Bytes::from(many.clone()), &two).unwrap_err();
    assert_matches!(
        e,
        BodyError::Limit {
            what: "dialogs",
            limit: 2,
            ..
        }
    );
    assert_eq!(e.offset(), Some(ROOT.len() + 2 * dialog.len()));
    assert_eq!(
        DialogInfo::parse(Bytes::from(many)).unwrap().dialogs.len(),
        3
    );
}

#[test]
fn attribute_values_are_normalized_and_references_decoded() {
    let text = format!(
        "{ROOT}<dialog id='a&#x41;&#65;&lt;' call-id=\"x\ty\r\nz\"><state> \n early \n </state>\
         </dialog></dialog-info>"
    );
    let d = parse(&text).unwrap();
    let e = &d.dialogs[0];
    assert_eq!(e.id, "aAA<");
    // White space in an attribute value reads as spaces.
    assert_eq!(e.call_id.as_deref(), Some("x y z"));
    assert_eq!(e.state, DialogState::Early);
    round_trips(&d);
}
