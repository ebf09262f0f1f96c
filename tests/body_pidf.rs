//! PIDF bodies (RFC 3863, with RFC 4479 persons and devices and RFC 4480
//! RPID) as the RFCs and real peers write them read into the expected
//! typed values; every one survives serialize -> parse with its unknown
//! extensions; builder output parses back; malformed and oversized
//! bodies give the error that says what and where. (Generated documents:
//! tests/body_roundtrip_properties.rs.)

use bytes::Bytes;
use sansip::body::pidf::*;
use sansip::body::{BodyError, Limits, RawElement, PIDF_CONTENT_TYPE};
use sansip::message::headers::QValue;

/// Asserts that `$e` matches `$p` (printing it otherwise).
macro_rules! assert_matches {
    ($e:expr, $p:pat $(if $guard:expr)?) => {{
        let e = &$e;
        assert!(matches!(e, $p $(if $guard)?), "{e:?}");
    }};
}

fn fixture(name: &str) -> Presence {
    let path = format!("{}/tests/data/pidf/{name}.xml", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Presence::parse(Bytes::from(body)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse(text: &str) -> Result<Presence, BodyError> {
    Presence::parse_slice(text.as_bytes())
}

/// Serialize -> parse gives the same value, and serializing again gives
/// the same bytes.
fn round_trips(p: &Presence) {
    let written = p.to_bytes();
    let again = Presence::parse(written.clone()).unwrap_or_else(|e| {
        panic!("{e} in\n{}", String::from_utf8_lossy(&written));
    });
    assert_eq!(&again, p, "{}", String::from_utf8_lossy(&written));
    assert_eq!(again.to_bytes(), written);
}

fn q(s: &str) -> QValue {
    s.parse().unwrap()
}

#[test]
fn rfc3863_example_reads_tuples_notes_and_status_extensions() {
    let p = fixture("rfc3863_3_4_example");
    assert_eq!(p.entity, "pres:someone@example.com");
    assert_eq!(p.tuples.len(), 2);
    let t = &p.tuples[0];
    assert_eq!(t.id, "bs35r9");
    assert_eq!(t.status.basic, Some(Basic::Open));
    let ext: Vec<_> = t.status.extensions.iter().map(|r| r.name()).collect();
    assert_eq!(ext, ["im", "location"]);
    assert!(t.status.extensions[0].is("urn:ietf:params:xml:ns:pidf:im", "im"));
    assert_eq!(
        t.contact,
        Some(Contact {
            uri: "im:someone@mobilecarrier.net".into(),
            priority: Some(q("0.8"))
        })
    );
    assert_eq!(t.notes[0], Note::with_lang("Don't Disturb Please!", "en"));
    // A character reference decoded.
    assert_eq!(
        t.notes[1],
        Note::with_lang("Ne dérangez pas, s'il vous plait", "fr")
    );
    assert_eq!(
        t.timestamp.as_ref().map(Timestamp::as_str),
        Some("2001-10-27T16:49:29Z")
    );
    assert_eq!(
        p.tuples[1].contact.as_ref().unwrap().priority,
        Some(QValue::ONE)
    );
    assert_eq!(p.notes, [Note::new("I'll be in Tokyo next week")]);
    assert!(p.is_open());
    round_trips(&p);
}

#[test]
fn prefixed_pidf_elements_are_matched_by_namespace_not_prefix() {
    let p = fixture("rfc3863_prefixed_impp");
    assert_eq!(p.tuples[0].id, "sg89ae");
    assert_eq!(p.tuples[0].status.basic, Some(Basic::Open));
    assert_eq!(
        p.tuples[0].contact.as_ref().unwrap().uri,
        "tel:+09012345678"
    );
    // The same local names in another namespace are not PIDF's.
    let foreign = parse(
        r#"<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:x="urn:example:x" entity="e">
             <x:tuple id="1"><x:status/></x:tuple></presence>"#,
    )
    .unwrap();
    assert!(foreign.tuples.is_empty());
    assert!(foreign.extensions[0].is("urn:example:x", "tuple"));
    round_trips(&p);
    round_trips(&foreign);
}

#[test]
fn rfc4480_example_reads_persons_devices_activities_and_keeps_rpid_extensions() {
    let p = fixture("rfc4480_example");
    assert_eq!(p.tuples.len(), 3);
    let t = &p.tuples[0];
    assert_eq!(t.device_id.as_deref(), Some("urn:device:0003ba4811e3"));
    let ext: Vec<_> = t.extensions.iter().map(|r| r.name()).collect();
    assert_eq!(ext, ["relationship", "service-class"]);
    assert_eq!(p.devices.len(), 1);
    let d = &p.devices[0];
    assert_eq!(d.id, "pc147");
    assert_eq!(d.device_id.as_deref(), Some("urn:device:0003ba4811e3"));
    assert_eq!(d.notes, [Note::new("PC")]);
    assert!(d.extensions[0].is(NS_RPID, "user-input"));

    let person = &p.persons[0];
    assert_eq!(person.id, "p1");
    let a = person.activities.as_ref().unwrap();
    assert_eq!(a.list, [Activity::Away]);
    assert_eq!(a.notes, [Note::new("Far away")]);
    assert_eq!(
        a.from.as_ref().unwrap().as_str(),
        "2005-05-30T12:00:00+05:00"
    );
    assert_eq!(
        a.until.as_ref().unwrap().as_str(),
        "2005-05-30T17:00:00+05:00"
    );
    let ext: Vec<_> = person.extensions.iter().map(|r| r.name()).collect();
    assert_eq!(
        ext,
        [
            "class",
            "mood",
            "place-is",
            "place-type",
            "privacy",
            "sphere",
            "status-icon",
            "time-offset"
        ]
    );
    assert_eq!(person.notes, [Note::new("Scoring 120")]);
    assert_eq!(
        person.timestamp.as_ref().unwrap().as_str(),
        "2005-05-30T16:09:44+05:00"
    );
    // The mood extension is self-contained: it parses alone and says
    // which namespace `rpid:` is.
    let mood = RawElement::parse(person.extensions[1].to_bytes()).unwrap();
    assert_eq!(mood, person.extensions[1]);
    assert_eq!(mood.namespace(), Some(NS_RPID));
    // `lt:` was declared on the root only: the extension carries it now.
    let place = std::str::from_utf8(person.extensions[3].as_bytes()).unwrap();
    assert!(
        place.contains(r#"xmlns:lt="urn:ietf:params:xml:ns:location-type""#),
        "{place}"
    );
    round_trips(&p);
}

#[test]
fn asterisk_chan_sip_latin1_body_with_pp_person_is_read_and_kept() {
    let p = fixture("asterisk_chan_sip");
    assert_eq!(p.entity, "sip:6001@192.168.1.10");
    // Contact before status, as chan_sip writes it: order does not matter.
    assert_eq!(p.tuples[0].status.basic, Some(Basic::Open));
    assert_eq!(
        p.tuples[0].contact.as_ref().unwrap().priority,
        Some(QValue::ONE)
    );
    assert_eq!(p.notes, [Note::new("On the phone")]);
    // `pp:person` is not the data model's person: kept raw, with the
    // default namespace its `<status>` child relied on.
    assert!(p.persons.is_empty());
    let pp = &p.extensions[0];
    assert!(pp.is("urn:ietf:params:xml:ns:pidf:person", "person"));
    let xml = std::str::from_utf8(pp.as_bytes()).unwrap();
    assert!(
        xml.contains(r#"xmlns="urn:ietf:params:xml:ns:pidf""#),
        "{xml}"
    );
    assert!(xml.contains("xmlns:ep="), "{xml}");
    round_trips(&p);

    // A Latin-1 note is converted to UTF-8.
    let mut latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n\
        <presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:6001@h\">\
        <note>R"
        .to_vec();
    latin1.extend_from_slice(&[0xe9]);
    latin1.extend_from_slice(b"union</note></presence>");
    let p = Presence::parse_slice(&latin1).unwrap();
    assert_eq!(p.notes[0].text, "Réunion");
}

#[test]
fn asterisk_pjsip_eyebeam_supplement_is_read() {
    let p = fixture("asterisk_pjsip_eyebeam");
    assert_eq!(p.entity, "sip:1000@pbx.example.com");
    assert_eq!(p.tuples[0].id, "1000");
    assert_eq!(p.basic(), Some(Basic::Open));
    assert_eq!(p.notes[0].text, "On the phone");
    assert_eq!(p.extensions.len(), 1);
    round_trips(&p);
}

#[test]
fn kamailio_bodies_are_read() {
    let p = fixture("kamailio_pua_usrloc");
    assert_eq!(p.tuples[0].id, "0x7f81475a0");
    assert_eq!(p.basic(), Some(Basic::Open));
    assert_eq!(p.activities().collect::<Vec<_>>(), [&Activity::Unknown]);
    assert_eq!(p.persons[0].notes[0].text, "Online");
    round_trips(&p);

    let p = fixture("kamailio_presence_xml_offline");
    assert_eq!(p.basic(), Some(Basic::Closed));
    assert!(!p.is_open());
    assert_eq!(p.notes[0].text, "Offline");
    round_trips(&p);
}

#[test]
fn linphone_jitsi_baresip_and_sipjs_bodies_are_read() {
    let p = fixture("linphone");
    assert_eq!(
        p.tuples[0].contact.as_ref().unwrap().uri,
        "sip:bob@sip.example.org"
    );
    assert_eq!(
        p.tuples[0].timestamp.as_ref().unwrap().as_str(),
        "2014-02-05T09:30:02Z"
    );
    assert_eq!(p.persons[0].id, "bbc1kvz");
    assert_eq!(p.activities().collect::<Vec<_>>(), [&Activity::Away]);
    assert_eq!(
        p.persons[0].notes[0],
        Note::with_lang("Gone for lunch", "en")
    );
    round_trips(&p);

    let p = fixture("jitsi");
    assert_eq!(p.tuples[0].notes[0].text, "Online");
    assert_eq!(p.persons[0].activities, Some(Activities::default()));
    round_trips(&p);

    let p = fixture("baresip");
    assert_eq!(p.persons[0].id, "p4159");
    assert_eq!(p.activities().count(), 0);
    assert_eq!(
        p.tuples[0].contact.as_ref().unwrap().uri,
        "sip:dave@192.0.2.77:5060;transport=udp"
    );
    round_trips(&p);

    let p = fixture("sipjs_busy");
    assert_eq!(p.activities().collect::<Vec<_>>(), [&Activity::Busy]);
    assert_eq!(
        p.persons[0].notes[0].text,
        "In a meeting & on a call <until 3pm>"
    );
    round_trips(&p);
}

#[test]
fn parsed_text_is_a_slice_of_the_received_body() {
    let body = Bytes::from_static(
        br#"<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><note>hi</note></presence>"#,
    );
    let p = Presence::parse(body.clone()).unwrap();
    let note = p.notes[0].text.as_bytes_shared();
    let range = body.as_ptr() as usize..body.as_ptr() as usize + body.len();
    assert!(range.contains(&(note.as_ptr() as usize)), "no copy");
}

#[test]
fn builder_writes_a_document_with_its_namespaces_that_parses_back() {
    let p = Presence::builder("sip:alice@example.com", Basic::Open)
        .tuple_id("t-alice")
        .contact("sip:alice@192.0.2.10:5060")
        .priority(q("0.5"))
        .note("Lunch <12:00-13:00> & \"tea\"")
        .note_in("Déjeuner", "fr")
        .timestamp(Timestamp::parse("2024-05-01T12:00:00.5+02:00").unwrap())
        .activity(Activity::Meal)
        .activity(Activity::Other("eating tacos".into()))
        .person_note("back soon")
        .build();
    let xml = p.to_bytes();
    let text = std::str::from_utf8(&xml).unwrap();
    let root = concat!(
        r#"<presence xmlns="urn:ietf:params:xml:ns:pidf""#,
        r#" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model""#,
        r#" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com">"#
    );
    assert!(text.contains(root), "{text}");
    assert!(
        text.contains("<note>Lunch &lt;12:00-13:00&gt; &amp; \"tea\"</note>"),
        "{text}"
    );
    assert!(
        text.contains(r#"<contact priority="0.5">sip:alice@192.0.2.10:5060</contact>"#),
        "{text}"
    );
    assert!(text.contains("<rpid:meal/>"), "{text}");
    round_trips(&p);

    let closed = Presence::builder("sip:bob@example.com", Basic::Closed).build();
    let text = String::from_utf8(closed.to_bytes().to_vec()).unwrap();
    assert_eq!(
        text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:bob@example.com\">\n  \
           <tuple id=\"t1\">\n    <status>\n      <basic>closed</basic>\n    </status>\n  </tuple>\n\
         </presence>\n"
    );
    assert_eq!(PIDF_CONTENT_TYPE, "application/pidf+xml");
}

#[test]
fn characters_xml_cannot_carry_are_replaced_and_cr_survives() {
    let mut p = Presence::new("sip:a@b\"c");
    p.notes.push(Note::new("line1\r\nline2\ttab"));
    p.notes.push(Note::new("bell\u{7}"));
    let again = Presence::parse(p.to_bytes()).unwrap();
    assert_eq!(again.entity, "sip:a@b\"c");
    assert_eq!(again.notes[0].text, "line1\r\nline2\ttab");
    assert_eq!(again.notes[1].text, "bell\u{FFFD}");
}

fn err(text: &str) -> BodyError {
    parse(text).expect_err(text)
}

const OPEN: &str = r#"<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">"#;

#[test]
fn wrong_documents_are_refused_with_what_was_wrong() {
    let e = err(r#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>"#);
    assert_matches!(e, BodyError::UnexpectedRoot { expected: "presence", found, .. }
        if found == "dialog-info");
    // The right name in no namespace is not PIDF either.
    let e = err(r#"<presence entity="x"/>"#);
    assert_matches!(
        e,
        BodyError::UnexpectedRoot {
            namespace: None,
            ..
        }
    );
    assert_matches!(
        err(r#"<presence xmlns="urn:ietf:params:xml:ns:pidf"/>"#),
        BodyError::MissingAttribute {
            element: "presence",
            attribute: "entity",
            offset: 0
        }
    );
    assert_matches!(
        err(&format!("{OPEN}<tuple><status/></tuple></presence>")),
        BodyError::MissingAttribute {
            element: "tuple",
            attribute: "id",
            ..
        }
    );
    assert_matches!(
        err(&format!(
            "{OPEN}<tuple id='1'><contact>sip:x</contact></tuple></presence>"
        )),
        BodyError::MissingElement {
            parent: "tuple",
            element: "status",
            ..
        }
    );
    let text =
        format!("{OPEN}<tuple id='1'><status><basic>busy</basic></status></tuple></presence>");
    let e = err(&text);
    assert_matches!(e, BodyError::BadValue { value, .. } if value == "busy");
    assert_eq!(e.offset(), text.find("busy"));
    let e = err(&format!(
        "{OPEN}<tuple id='1'><status/><contact priority='2'>x</contact></tuple></presence>"
    ));
    assert_matches!(
        e,
        BodyError::BadValue {
            what: "contact priority",
            ..
        }
    );
    let e = err(&format!(
        "{OPEN}<tuple id='1'><status/><timestamp>yesterday</timestamp></tuple></presence>"
    ));
    assert_matches!(
        e,
        BodyError::BadValue {
            what: "timestamp",
            ..
        }
    );
    assert_matches!(
        err(&format!(
            "{OPEN}<tuple id='1'>open<status/></tuple></presence>"
        )),
        BodyError::UnexpectedContent {
            element: "tuple",
            content: "text",
            ..
        }
    );
    assert_matches!(
        err(&format!("{OPEN}<note>a<b/>c</note></presence>")),
        BodyError::UnexpectedContent {
            element: "note",
            content: "element",
            ..
        }
    );
    let dm = concat!(
        r#"<presence xmlns="urn:ietf:params:xml:ns:pidf""#,
        r#" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="e">"#
    );
    assert_matches!(
        err(&format!("{dm}<dm:person/></presence>")),
        BodyError::MissingAttribute {
            element: "dm:person",
            attribute: "id",
            ..
        }
    );
}

#[test]
fn malformed_xml_is_refused_with_the_byte_offset() {
    let text = format!("{OPEN}<tuple id='1'><status></tuple></presence>");
    match err(&text) {
        BodyError::MismatchedTag {
            offset,
            open,
            found,
        } => {
            assert_eq!((open.as_str(), found.as_str()), ("status", "tuple"));
            assert_eq!(offset, text.find("</tuple>").unwrap());
        }
        e => panic!("{e}"),
    }
    let text = format!("{OPEN}<tuple id='1'><status/>");
    match err(&text) {
        BodyError::Unclosed { element, offset } => {
            assert_eq!((element.as_str(), offset), ("tuple", OPEN.len()));
        }
        e => panic!("{e}"),
    }
    let text = format!("{OPEN}<note>caf&eacute;</note></presence>");
    match err(&text) {
        BodyError::BadReference { offset, reference } => {
            assert_eq!(
                (offset, reference.as_str()),
                (text.find('&').unwrap(), "&eacute;")
            );
        }
        e => panic!("{e}"),
    }
    for bad in ["&#0;", "&#xD800;", "&#x;", "&amp", "& ", "&#-1;", "&#x+1;"] {
        let e = err(&format!("{OPEN}<note>{bad}</note></presence>"));
        assert!(matches!(e, BodyError::BadReference { .. }), "{bad}: {e}");
    }
    let e = err(r#"<p:presence xmlns="urn:ietf:params:xml:ns:pidf" entity="e"/>"#);
    assert_matches!(e, BodyError::UnboundPrefix { offset: 1, prefix } if prefix == "p");
    let e = err(&format!(
        "{OPEN}<tuple id='1' id='2'><status/></tuple></presence>"
    ));
    assert_matches!(
        e,
        BodyError::Syntax {
            expected: "unique attribute names",
            ..
        }
    );
    // The same attribute through two prefixes bound to one namespace.
    let e = err(
        r#"<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:a="u" xmlns:b="u" a:x="1" b:x="2" entity="e"/>"#,
    );
    assert_matches!(
        e,
        BodyError::Syntax {
            expected: "unique attribute names",
            ..
        }
    );
    for (text, what) in [
        ("", "empty"),
        ("   ", "blank"),
        ("hello", "text"),
        (&*format!("{OPEN}</presence><presence/>"), "two roots"),
        (
            &*format!("{OPEN}</presence>trailing"),
            "text after the root",
        ),
        (
            &*format!("{OPEN}<tuple id=1><status/></tuple></presence>"),
            "unquoted",
        ),
        (
            &*format!("{OPEN}<tuple id='<'><status/></tuple></presence>"),
            "< in a value",
        ),
        (
            &*format!("{OPEN}<!-- a -- b --></presence>"),
            "-- in a comment",
        ),
        (
            &*format!("{OPEN}<note>]]></note></presence>"),
            "]]> in text",
        ),
        (&*format!("{OPEN}<![CDATA[x</presence>"), "open CDATA"),
        (
            &*format!("{OPEN}<?xml version='1.0'?></presence>"),
            "late declaration",
        ),
        (
            "<?xml version='1.0' encoding='UTF-16'?><presence/>",
            "UTF-16",
        ),
        ("<?xml encoding='UTF-8'?><presence/>", "no version"),
        (
            &*format!("{OPEN}<note>\u{1}</note></presence>"),
            "control character",
        ),
        (&*format!("{OPEN}<a:b:c/></presence>"), "two colons"),
        ("<presence xmlns:p='' entity='e'/>", "empty prefix binding"),
    ] {
        let e = err(text);
        assert!(
            matches!(e, BodyError::Syntax { .. } | BodyError::BadValue { .. }),
            "{what}: {e}"
        );
    }
    let mut not_utf8 = format!("{OPEN}<note>").into_bytes();
    not_utf8.extend_from_slice(&[0xff, 0xfe]);
    not_utf8.extend_from_slice(b"</note></presence>");
    let e = Presence::parse_slice(&not_utf8).unwrap_err();
    assert_eq!(
        e,
        BodyError::Syntax {
            offset: OPEN.len() + 6,
            expected: "UTF-8 text"
        }
    );
}

#[test]
fn a_doctype_is_refused_so_no_entity_can_expand() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&lol2;"/>"#;
    let e = err(laughs);
    assert_matches!(
        e,
        BodyError::Syntax {
            expected: "no DOCTYPE",
            ..
        }
    );
}

#[test]
fn limits_bound_size_depth_elements_attributes_and_tuples() {
    let tuple = "<tuple id='x'><status><basic>open</basic></status></tuple>";
    let many = format!("{OPEN}{}</presence>", tuple.repeat(300));
    let e = err(&many);
    assert_matches!(
        e,
        BodyError::Limit {
            what: "tuples",
            limit: 256,
            ..
        }
    );
    let e = Presence::parse_with_limits(
        Bytes::from(many.clone()),
        &Limits {
            max_tuples: 1000,
            max_elements: 100,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_matches!(
        e,
        BodyError::Limit {
            what: "elements",
            limit: 100,
            ..
        }
    );
    let e = Presence::parse_with_limits(
        Bytes::from(many),
        &Limits {
            max_size: 1000,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_matches!(
        e,
        BodyError::Limit {
            what: "bytes",
            limit: 1000,
            ..
        }
    );

    let deep = format!(
        "{OPEN}{}{}</presence>",
        "<x:a xmlns:x='u'>".repeat(40),
        "</x:a>".repeat(40)
    );
    let e = err(&deep);
    assert_matches!(
        e,
        BodyError::Limit {
            what: "levels of nesting",
            limit: 32,
            ..
        }
    );
    // Deep but within the limit: kept as one raw extension.
    let ok = format!(
        "{OPEN}{}{}</presence>",
        "<x:a xmlns:x='u'>".repeat(20),
        "</x:a>".repeat(20)
    );
    let p = parse(&ok).unwrap();
    assert_eq!(p.extensions.len(), 1);
    round_trips(&p);

    let attrs: String = (0..70).map(|i| format!(" a{i}='1'")).collect();
    let e = err(&format!(
        "{OPEN}<tuple id='1'{attrs}><status/></tuple></presence>"
    ));
    assert_matches!(
        e,
        BodyError::Limit {
            what: "attributes on one element",
            ..
        }
    );
}

#[test]
fn comments_pis_cdata_bom_and_duplicates_are_handled() {
    let text = "\u{feff}<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n\
        <!-- a comment --><?app data?>\n\
        <presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:a@b'>\n\
        <tuple id='1'><status><basic> open </basic><basic>closed</basic></status></tuple>\n\
        <note><![CDATA[<b>bold</b> & more]]> and <!-- hidden -->more</note>\n\
        </presence>\n<!-- trailing -->\n";
    let p = parse(text).unwrap();
    assert_eq!(p.tuples[0].status.basic, Some(Basic::Open));
    // The second <basic> is kept, not lost.
    assert_eq!(p.tuples[0].status.extensions[0].name(), "basic");
    assert_eq!(p.notes[0].text, "<b>bold</b> & more and more");
    round_trips(&p);
}

#[test]
fn an_extension_relying_on_a_declaration_of_its_parent_carries_it() {
    let p = parse(&format!(
        "{OPEN}<tuple id='1' xmlns:c='urn:example:caps'><status/>\
         <c:servcaps><c:audio>true</c:audio><video xmlns='urn:example:v'/></c:servcaps>\
         </tuple></presence>"
    ))
    .unwrap();
    let caps = &p.tuples[0].extensions[0];
    assert!(caps.is("urn:example:caps", "servcaps"));
    assert_eq!(
        std::str::from_utf8(caps.as_bytes()).unwrap(),
        "<c:servcaps xmlns:c=\"urn:example:caps\"><c:audio>true</c:audio>\
         <video xmlns='urn:example:v'/></c:servcaps>"
    );
    round_trips(&p);
}

#[test]
fn a_second_contact_or_timestamp_stays_second_through_a_round_trip() {
    // Found by the parse_presence fuzz target: the duplicate is kept raw
    // and must be written after the typed one, or it would take its place.
    let dm = concat!(
        r#"<presence xmlns="urn:ietf:params:xml:ns:pidf""#,
        r#" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="e">"#
    );
    let p = parse(&format!(
        "{dm}<tuple id='1'><status/><contact>sip:a</contact><contact>sip:b</contact>\
         <timestamp>2001-10-27T16:49:29Z</timestamp><timestamp>2002-10-27T16:49:29Z</timestamp>\
         <x:y xmlns:x='urn:x'/></tuple>\
         <dm:person id='p'><dm:timestamp>2001-10-27T16:49:29Z</dm:timestamp>\
         <dm:timestamp>2003-10-27T16:49:29Z</dm:timestamp></dm:person>\
         <dm:device id='d'><dm:deviceID>urn:a</dm:deviceID><dm:deviceID>urn:b</dm:deviceID>\
         </dm:device></presence>"
    ))
    .unwrap();
    let t = &p.tuples[0];
    assert_eq!(t.contact.as_ref().unwrap().uri, "sip:a");
    let names: Vec<_> = t.extensions.iter().map(|r| r.name()).collect();
    assert_eq!(names, ["y", "contact", "timestamp"]);
    assert_eq!(p.devices[0].device_id.as_deref(), Some("urn:a"));
    round_trips(&p);
}
