//! Whole messages read through the typed address headers: From, To,
//! Contact, Route and friends, with compact forms, lists, `Contact: *` and
//! display names holding commas.

use bytes::Bytes;
use sansip::message::headers::{
    Contact, FromHeader, PAssertedIdentity, Path, RecordRoute, ReferTo, ReferredBy, Route,
    ServiceRoute, ToHeader,
};
use sansip::message::{HeaderError, Host, Message, TypedHeader, Uri};

fn parse(raw: &'static [u8]) -> Message {
    Message::parse(Bytes::from_static(raw)).expect("message parses")
}

const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com;transport=tcp SIP/2.0\r\n\
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n\
Max-Forwards: 70\r\n\
Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
Route: <sip:[2001:db8::10]:5070;lr>\r\n\
Record-Route: <sip:rr.example.com;lr;transport=tcp>\r\n\
From: \"Doe, John\" <sip:john.doe@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:john@client.atlanta.example.com;transport=tcp;ob>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1\r\n\
P-Asserted-Identity: \"Doe, John\" <sip:john.doe@atlanta.example.com>, tel:+1-201-555-0123\r\n\
Content-Length: 0\r\n\r\n";

#[test]
fn from_to_and_request_uri() {
    let msg = parse(INVITE);
    let uri = Uri::parse(msg.request_uri_str().unwrap()).unwrap();
    assert_eq!(uri.as_sip().and_then(|s| s.transport()), Some("tcp"));

    let from = msg.header::<FromHeader>().unwrap();
    assert_eq!(from.tag(), Some("9fxced76sl"));
    assert_eq!(
        from.addr.display_name_unquoted().as_deref(),
        Some("Doe, John")
    );
    let sip = from.uri().as_sip().unwrap();
    assert_eq!(
        (sip.user, sip.host),
        (Some("john.doe"), Host::Domain("atlanta.example.com"))
    );

    let to = msg.header::<ToHeader>().unwrap();
    assert_eq!(to.tag(), None);
    assert_eq!(to.addr.display_name, Some("Bob"));
    assert!(to
        .uri()
        .equivalent(&Uri::parse("sip:bob@BILOXI.example.com").unwrap()));
}

#[test]
fn routes_across_fields_and_list_elements() {
    let msg = parse(INVITE);
    let routes: Vec<Route<'_>> = msg.headers::<Route>().collect::<Result<_, _>>().unwrap();
    assert_eq!(routes.len(), 3);
    assert!(routes.iter().all(Route::is_loose_route));
    let hosts: Vec<String> = routes
        .iter()
        .map(|r| r.uri().as_sip().unwrap().host.to_string())
        .collect();
    assert_eq!(
        hosts,
        ["p1.example.com", "p2.example.com", "[2001:db8::10]"]
    );
    assert_eq!(routes[2].uri().as_sip().unwrap().port, Some(5070));

    let rr = msg.header::<RecordRoute>().unwrap();
    assert_eq!(rr.uri().as_sip().unwrap().transport(), Some("tcp"));
}

#[test]
fn contact_outbound_params_and_identities() {
    let msg = parse(INVITE);
    let c = msg.header::<Contact>().unwrap();
    assert!(c.is_outbound_ob());
    assert_eq!(c.reg_id(), Some(1));
    assert_eq!(
        c.sip_instance().as_deref(),
        Some("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>")
    );
    let ids: Vec<_> = msg
        .headers::<PAssertedIdentity>()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        ids[0].addr.display_name_unquoted().as_deref(),
        Some("Doe, John")
    );
    assert_eq!(
        ids[1].uri().as_tel().map(|t| t.number),
        Some("+1-201-555-0123")
    );
}

#[test]
fn compact_forms_and_several_contacts_on_one_line() {
    let msg = parse(
        b"REGISTER sip:registrar.example.com SIP/2.0\r\n\
v: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds7\r\n\
f: <sip:alice@example.com>;tag=456248\r\n\
t: sip:alice@example.com\r\n\
i: 843817637684230@998sdasdh09\r\n\
CSeq: 1826 REGISTER\r\n\
m: <sip:alice@192.0.2.4>;expires=3600;q=0.7, \"Alice, mobile\" <sip:alice@198.51.100.7;transport=tcp>;q=1,\r\n sip:alice@203.0.113.9;expires=60\r\n\
Path: <sip:pcscf.example.com;lr>\r\n\
l: 0\r\n\r\n",
    );
    assert_eq!(msg.header::<FromHeader>().unwrap().tag(), Some("456248"));
    let to = msg.header::<ToHeader>().unwrap();
    assert!(!to.addr.angle);
    let contacts: Vec<Contact<'_>> = msg.headers::<Contact>().collect::<Result<_, _>>().unwrap();
    assert_eq!(contacts.len(), 3);
    assert_eq!(
        (contacts[0].expires(), contacts[0].q()),
        (Some(3600), Some(700))
    );
    let second = contacts[1].address().unwrap();
    assert_eq!(
        second.addr.display_name_unquoted().as_deref(),
        Some("Alice, mobile")
    );
    assert_eq!(second.q(), Some(1000));
    // addr-spec form: `;expires` is a header parameter, not the URI's.
    assert_eq!(contacts[2].expires(), Some(60));
    assert!(contacts[2]
        .uri()
        .and_then(Uri::as_sip)
        .is_some_and(|s| s.params.is_empty()));
    assert!(msg.header::<Path>().unwrap().is_loose_route());
    assert!(msg.header_opt::<ServiceRoute>().unwrap().is_none());
}

#[test]
fn contact_star_in_a_deregistration() {
    let msg = parse(
        b"REGISTER sip:registrar.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds8\r\n\
From: <sip:alice@example.com>;tag=1\r\n\
To: <sip:alice@example.com>\r\n\
Call-ID: x@y\r\n\
CSeq: 2 REGISTER\r\n\
Contact: *\r\n\
Expires: 0\r\n\
Content-Length: 0\r\n\r\n",
    );
    let c = msg.header::<Contact>().unwrap();
    assert!(c.is_star());
    assert_eq!(c.uri(), None);
}

#[test]
fn refer_with_embedded_replaces_and_referred_by() {
    let msg = parse(
        b"REFER sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKrefer\r\n\
f: <sip:alice@example.com>;tag=1\r\n\
t: <sip:bob@biloxi.example.com>;tag=2\r\n\
i: refer@y\r\n\
CSeq: 3 REFER\r\n\
r: <sip:carol@chicago.example.com?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472>\r\n\
b: <sip:alice@example.com>;cid=\"1@example.com\"\r\n\
Content-Length: 0\r\n\r\n",
    );
    let refer = msg.header::<ReferTo>().unwrap();
    let embedded = refer.embedded_replaces().unwrap().unwrap();
    let replaces = embedded.replaces();
    assert_eq!(replaces.call_id, "425928@bobster.example.org");
    assert_eq!(
        (replaces.to_tag(), replaces.from_tag()),
        (Some("7743"), Some("6472"))
    );
    assert_eq!(
        msg.header::<ReferredBy>().unwrap().cid().as_deref(),
        Some("1@example.com")
    );
}

#[test]
fn invalid_values_report_absolute_offsets() {
    let raw: &'static [u8] = b"OPTIONS sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKbad\r\n\
From: <sip:al ice@example.com>;tag=1\r\n\
To: <sip:bob@example.com>\r\n\
Route: sip:p1.example.com;lr\r\n\
Call-ID: bad@y\r\n\
CSeq: 1 OPTIONS\r\n\
Content-Length: 0\r\n\r\n";
    let msg = parse(raw);
    let text = std::str::from_utf8(raw).unwrap();
    let space = text.find("al ice").unwrap() + 2;
    assert_eq!(
        msg.header::<FromHeader>().unwrap_err(),
        HeaderError::Invalid {
            header: "From",
            offset: space,
            expected: "a character allowed in a SIP URI user part",
        }
    );
    let route = text.find("sip:p1").unwrap();
    assert_eq!(
        msg.header::<Route>().unwrap_err(),
        HeaderError::Invalid {
            header: "Route",
            offset: route,
            expected: "'<' (this header takes a name-addr)",
        }
    );
}

#[test]
fn set_header_writes_typed_values_back() {
    let mut msg = parse(INVITE);
    let to = ToHeader::parse("Bob <sip:bob@biloxi.example.com>;tag=314159").unwrap();
    msg.set_header(&to);
    assert_eq!(msg.header::<ToHeader>().unwrap().tag(), Some("314159"));
    let reparsed = Message::parse(msg.to_bytes()).unwrap();
    assert_eq!(reparsed.header::<ToHeader>().unwrap(), to);
    assert_eq!(reparsed.headers::<Route>().count(), 3);
}

mod properties {
    use proptest::prelude::*;
    use sansip::message::headers::{Contact, FromHeader, ReferTo, Replaces, Route};
    use sansip::message::{unescape, NameAddr, TypedHeader, Uri};

    /// Text that looks enough like URIs and addresses to reach deep into
    /// the parsers.
    fn uri_like() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![
            Just("sip:"),
            Just("SIPS:"),
            Just("tel:"),
            Just("urn:"),
            Just("<sip:"),
            Just("\"a, b\" <sip:"),
            Just("")
        ];
        let noise = proptest::string::string_regex(
            "[a-zA-Z0-9@:;=?&%+.\\-\\[\\]<>\" ,_~*()/$!'#\\\\é\t]{0,40}",
        )
        .expect("regex");
        let piece = prop_oneof![
            Just("alice"),
            Just("a%20b"),
            Just("%00"),
            Just(":pw"),
            Just("@"),
            Just("h.example"),
            Just("192.0.2.1"),
            Just("[2001:db8::1]"),
            Just(":5060"),
            Just(";lr"),
            Just(";transport=TCP"),
            Just(";x=%41"),
            Just(";maddr=[::1]"),
            Just("?h=v"),
            Just("?Replaces=a%40b%3Bto-tag%3D1%3Bfrom-tag%3D2"),
            Just("&a="),
            Just("+1-201"),
            Just(";phone-context=ex.com"),
            Just(">"),
            Just(";tag=1"),
            Just(";q=0.5"),
            Just(";+sip.instance=\"<urn:x>\""),
            Just(" "),
            Just(","),
            Just("<"),
            Just("\""),
            Just("%"),
            Just(";"),
        ];
        let pieces = proptest::collection::vec(piece, 0..4).prop_map(|v| v.concat());
        let host = prop_oneof![
            Just("h.example"),
            Just("alice@h.example"),
            Just("a%00:x@[2001:db8::1]"),
            Just("+1-201-555"),
            Just("service:sos"),
        ];
        let body = prop_oneof![
            1 => noise,
            3 => (host, pieces).prop_map(|(h, p)| format!("{h}{p}")),
        ];
        let suffix = prop_oneof![Just(""), Just(">"), Just(">;tag=1"), Just("> ; q=1")];
        (scheme, body, suffix).prop_map(|(s, b, x)| format!("{s}{b}{x}"))
    }

    /// Parses `$value` as `$ty`; if that works, what is written parses
    /// back to the same value and is written the same way.
    macro_rules! round_trips {
        ($ty:ident, $value:expr) => {
            round_trips!($ty, $value, |_: &mut $ty<'_>| {})
        };
        ($ty:ident, $value:expr, $normalize:expr) => {
            if let Ok(h) = $ty::parse($value) {
                let written = String::from_utf8(h.to_value_bytes()).expect("UTF-8 output");
                let again = $ty::parse(&written);
                prop_assert!(again.is_ok(), "{:?} -> {:?}: {:?}", $value, written, again);
                if let Ok(mut again) = again {
                    let mut h = h;
                    ($normalize)(&mut again);
                    ($normalize)(&mut h);
                    prop_assert_eq!(again, h, "{:?} -> {:?}", $value, written);
                    prop_assert_eq!(again.to_value_bytes(), written.as_bytes());
                }
            }
        };
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn uris_round_trip_and_never_panic(s in uri_like()) {
            if let Ok(u) = Uri::parse(&s) {
                let text = u.to_string();
                prop_assert_eq!(Uri::parse(&text), Ok(u), "{:?} -> {:?}", s, text);
                prop_assert!(u.equivalent(&u));
                if let Some(user) = u.as_sip().and_then(|s| s.user) {
                    let _ = unescape(user);
                }
            }
            if let Ok(a) = NameAddr::parse(&s) {
                let text = a.to_string();
                let back = NameAddr::parse(&text);
                prop_assert_eq!(back.map(|b| b.uri), Ok(a.uri), "{:?} -> {:?}", s, text);
            }
        }

        #[test]
        fn headers_round_trip_and_never_panic(s in uri_like()) {
            // A non-conforming addr-spec is written in brackets.
            round_trips!(FromHeader, &s, |h: &mut FromHeader<'_>| h.addr.angle |= h.addr.uri.needs_angle_brackets());
            round_trips!(Route, &s);
            round_trips!(ReferTo, &s, |h: &mut ReferTo<'_>| h.addr.angle |= h.addr.uri.needs_angle_brackets());
            round_trips!(Replaces, &s);
            round_trips!(Contact, &s, |h: &mut Contact<'_>| if let Contact::Address(a) = h {
                a.addr.angle |= a.addr.uri.needs_angle_brackets();
            });
            if let Ok(r) = ReferTo::parse(&s) {
                let _ = r.embedded_replaces();
            }
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,60}") {
            let _ = Uri::parse(&s);
            let _ = NameAddr::parse(&s);
            let _ = Contact::parse(&s);
            let _ = Replaces::parse(&s);
            let _ = unescape(&s);
        }
    }
}
