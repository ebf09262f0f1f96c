//! RFC 4475 (SIP torture test messages): one test per message of the
//! archive in `tests/data/rfc4475`, named after it.
//!
//! Offsets, values and the valid/invalid split come from
//! `tests/data/rfc4475/EXPECTATIONS.md`. All messages are datagrams:
//! `Message::parse` frames the body by Content-Length, or to the end of the
//! buffer without one.
//!
//! For an invalid message a test expects one of two things, and says which:
//! - the message cannot be framed or its start line is wrong, so
//!   `Message::parse` fails (the datagram is discarded or answered 400);
//! - the message frames fine but one header is wrong, so parsing succeeds and
//!   the typed read of that header fails with `HeaderError::Invalid` at the
//!   fault; the UA answers 400 naming that header.
//!
//! §3.2–§3.4 cases are decided above the message layer (the UA layer does
//! not exist yet): those tests check what the message layer hands up, and
//! name the response the UA layer will send.

mod torture;

use std::net::Ipv4Addr;

use bytes::Bytes;
use sansip::message::headers::{
    Accept, Authorization, CSeq, CallId, Contact, ContentType, Date, Expires, FromHeader,
    MaxForwards, ProxyRequire, RecordRoute, Require, RetryAfter, Route, Subject, ToHeader,
    UserAgent, Via, Warning, Weekday, BRANCH_MAGIC_COOKIE,
};
use sansip::message::{
    frame, unescape, Frame, HeaderError, HeaderName, Host, Limits, Message, Method, ParseError,
    SipUri, StreamFramer, TypedHeader, Uri,
};

/// Reads a torture message byte for byte and checks its size against the
/// EXPECTATIONS index.
macro_rules! load {
    ($name:literal, $size:expr) => {{
        let raw = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/rfc4475/",
            $name,
            ".dat"
        ))
        .expect(concat!("read ", $name, ".dat"));
        assert_eq!(raw.len(), $size, "size of {}.dat", $name);
        raw
    }};
}

/// Parses a datagram that must parse, and checks that what it serializes to
/// parses again to the same bytes.
fn parse_ok(raw: &[u8]) -> Message {
    let msg = Message::parse(Bytes::copy_from_slice(raw))
        .unwrap_or_else(|e| panic!("expected the message to parse: {e}"));
    assert_reparses(&msg);
    msg
}

fn assert_reparses(msg: &Message) {
    let bytes = msg.to_bytes();
    let again = Message::parse(bytes.clone()).expect("serialized message parses again");
    assert_eq!(again.to_bytes(), bytes);
}

fn parse_err(raw: &[u8]) -> ParseError {
    match Message::parse(Bytes::copy_from_slice(raw)) {
        Ok(m) => panic!("expected a parse error, got {m}"),
        Err(e) => e,
    }
}

fn invalid(header: &'static str, offset: usize, expected: &'static str) -> HeaderError {
    HeaderError::Invalid {
        header,
        offset,
        expected,
    }
}

fn syntax(what: &'static str, offset: usize, expected: &'static str) -> ParseError {
    ParseError::Syntax {
        what,
        offset,
        expected,
    }
}

/// Every value of `H`, all of which must parse.
fn all<'m, H: TypedHeader<'m> + 'm>(msg: &'m Message) -> Vec<H> {
    msg.headers::<H>()
        .collect::<Result<_, _>>()
        .expect("every value parses")
}

fn sip<'u, 'a>(uri: &'u Uri<'a>) -> &'u SipUri<'a> {
    uri.as_sip()
        .unwrap_or_else(|| panic!("expected a SIP URI: {uri}"))
}

fn uri_params<'a>(uri: &SipUri<'a>) -> Vec<(&'a str, Option<&'a str>)> {
    uri.params.iter().collect()
}

/// Splits `data` at every occurrence of `delim`.
fn split_on<'d>(data: &'d [u8], delim: &[u8]) -> Vec<&'d [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(k) = rest.windows(delim.len()).position(|w| w == delim) {
        out.push(&rest[..k]);
        rest = &rest[k + delim.len()..];
    }
    out.push(rest);
    out
}

/// Replaces each line fold (CRLF and the white space after it) by one SP.
fn unfold(value: &[u8]) -> String {
    let text = std::str::from_utf8(value).expect("UTF-8 value");
    let mut out = String::new();
    let mut rest = text;
    while let Some(k) = rest.find("\r\n") {
        out.push_str(&rest[..k]);
        out.push(' ');
        rest = rest[k + 2..].trim_start_matches([' ', '\t']);
    }
    out.push_str(rest);
    out
}

/// The first single-valued header (RFC 3261 §7.3.1) that appears twice, in
/// field order, with where its second field's value starts.
fn first_duplicate_single_value(msg: &Message) -> Option<(HeaderName, usize)> {
    let mut seen = Vec::new();
    for f in msg.fields() {
        if f.name == HeaderName::Other || f.name.is_list() {
            continue;
        }
        if seen.contains(&f.name) {
            return Some((f.name, f.offset));
        }
        seen.push(f.name);
    }
    None
}

/// The headers every request needs (RFC 3261 §8.1.1) that are absent.
fn missing_required(msg: &Message) -> Vec<HeaderName> {
    [
        HeaderName::To,
        HeaderName::From,
        HeaderName::CSeq,
        HeaderName::CallId,
        HeaderName::MaxForwards,
        HeaderName::Via,
    ]
    .into_iter()
    .filter(|&h| !msg.has(h))
    .collect()
}

// ---- archive -------------------------------------------------------------

const ARCHIVE: &[(&str, usize)] = &[
    ("badaspec", 346),
    ("badbranch", 262),
    ("baddate", 532),
    ("baddn", 331),
    ("badinv01", 472),
    ("badvers", 291),
    ("bcast", 516),
    ("bext01", 381),
    ("bigcode", 332),
    ("clerr", 498),
    ("cparam01", 321),
    ("cparam02", 311),
    ("dblreq", 750),
    ("esc01", 543),
    ("esc02", 439),
    ("escnull", 359),
    ("escruri", 550),
    ("insuf", 304),
    ("intmeth", 641),
    ("inv2543", 445),
    ("invut", 391),
    ("longreq", 3515),
    ("ltgtruri", 452),
    ("lwsdisp", 255),
    ("lwsruri", 541),
    ("lwsstart", 506),
    ("mcl01", 382),
    ("mismatch01", 236),
    ("mismatch02", 449),
    ("mpart01", 1290),
    ("multi01", 643),
    ("ncl", 486),
    ("noreason", 274),
    ("novelsc", 277),
    ("quotbal", 485),
    ("regaut01", 304),
    ("regbadct", 307),
    ("regescrt", 302),
    ("scalar02", 476),
    ("scalarlg", 385),
    ("sdp01", 494),
    ("semiuri", 380),
    ("test", 318),
    ("transports", 503),
    ("trws", 327),
    ("unkscm", 291),
    ("unksm2", 282),
    ("unreason", 526),
    ("wsinv", 1001),
    ("zeromf", 272),
];

#[test]
fn archive_has_fifty_messages_and_none_makes_the_parser_panic() {
    let mut parsed = 0;
    for (_, raw) in torture::load_archive("rfc4475", ARCHIVE) {
        if let Ok(msg) = Message::parse(Bytes::from(raw)) {
            assert_reparses(&msg);
            // Reading every typed header must not panic either.
            let _ = msg.request_uri();
            let _ = msg.headers::<Via>().count();
            let _ = msg.headers::<Contact>().count();
            let _ = (msg.header::<CSeq>(), msg.header::<FromHeader>());
            let _ = (msg.header::<ToHeader>(), msg.header::<Date>());
            parsed += 1;
        }
    }
    // Nine do not parse as archived: baddn, bigcode, clerr, lwsruri,
    // lwsstart, mcl01, ncl, test and trws.
    assert_eq!(parsed, 50 - 9);
}

// ---- §3.1.1 valid messages -------------------------------------------------

#[test]
fn wsinv_short_tortuous_invite_is_accepted() {
    let raw = load!("wsinv", 1001);
    let msg = parse_ok(&raw);
    wsinv_values(&msg, &raw);
}

fn wsinv_values<'m>(msg: &'m Message, raw: &[u8]) {
    assert_eq!(&msg.to_bytes()[..], raw);
    assert_eq!(msg.method(), Some(&Method::Invite));
    assert!(msg.is_sip_2_0());
    assert_eq!(
        msg.request_uri_str(),
        Some("sip:vivekg@chair-dnrc.example.com;unknownparam")
    );
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    let r = sip(&ruri);
    assert_eq!(r.user, Some("vivekg"));
    assert_eq!(r.host, Host::Domain("chair-dnrc.example.com"));
    assert_eq!(uri_params(r), [("unknownparam", None)]);

    // 14 fields; odd case, LWS before ':' and compact forms are recognised.
    let names: Vec<(HeaderName, &[u8])> = msg.fields().map(|f| (f.name, f.name_bytes)).collect();
    let expected: [(HeaderName, &[u8]); 14] = [
        (HeaderName::To, b"TO"),
        (HeaderName::From, b"from"),
        (HeaderName::MaxForwards, b"MaX-fOrWaRdS"),
        (HeaderName::CallId, b"Call-ID"),
        (HeaderName::ContentLength, b"Content-Length"),
        (HeaderName::CSeq, b"cseq"),
        (HeaderName::Via, b"Via"),
        (HeaderName::Subject, b"s"),
        (HeaderName::Other, b"NewFangledHeader"),
        (HeaderName::Other, b"UnknownHeaderWithUnusualValue"),
        (HeaderName::ContentType, b"Content-Type"),
        (HeaderName::Route, b"Route"),
        (HeaderName::Via, b"v"),
        (HeaderName::Contact, b"m"),
    ];
    assert_eq!(names, expected);

    // To: the value starts on the continuation line after "TO :".
    assert!(msg.raw(HeaderName::To).expect("To").starts_with(b"sip:"));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:vivekg@chair-dnrc.example.com");
    assert_eq!(to.tag(), Some("1918181833n"));

    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.addr.display_name, Some(r#""J Rosenberg \\\"""#));
    assert_eq!(
        from.addr.display_name_unquoted().as_deref(),
        Some(r#"J Rosenberg \""#)
    );
    assert_eq!(from.uri().to_string(), "sip:jdrosen@example.com");
    assert_eq!(from.tag(), Some("98asjd8"));

    assert_eq!(msg.raw(HeaderName::MaxForwards), Some(&b"0068"[..]));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(68)));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (9, Method::Invite));
    assert_eq!(msg.call_id(), Some("wsinv.ndaksdj@192.0.2.1"));
    assert_eq!(msg.content_length(), Some(150));
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));

    let vias: Vec<Via> = all(msg);
    assert_eq!(vias.len(), 3);
    let tuple = |v: &Via<'m>| (v.protocol, v.version, v.transport, v.host, v.branch());
    assert_eq!(
        tuple(&vias[0]),
        (
            "SIP",
            "2.0",
            "UDP",
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 2)),
            Some("390skdjuw")
        )
    );
    assert!(!vias[0].has_magic_cookie());
    assert_eq!(vias[0].rport(), None);
    assert_eq!(
        tuple(&vias[1]),
        (
            "SIP",
            "2.0",
            "TCP",
            Host::Domain("spindle.example.com"),
            Some("z9hG4bK9ikj8")
        )
    );
    assert_eq!(
        tuple(&vias[2]),
        (
            "SIP",
            "2.0",
            "UDP",
            Host::Ipv4(Ipv4Addr::new(192, 168, 255, 111)),
            Some("z9hG4bK30239")
        )
    );

    assert_eq!(msg.raw(HeaderName::Subject), Some(&b""[..]));
    assert_eq!(msg.header::<Subject>(), Ok(Subject("")));

    let newfangled = msg.raw_by_name("NewFangledHeader").expect("kept");
    assert_eq!(
        unfold(newfangled),
        "newfangled value continued newfangled value"
    );
    // One opaque value: not split on ',' or ';'.
    let unusual: Vec<_> = msg
        .fields_by_name("UnknownHeaderWithUnusualValue")
        .collect();
    assert_eq!(unusual.len(), 1);
    assert_eq!(unusual[0].value, b";;,,;;,;");

    let route = msg.header::<Route>().expect("Route");
    let r = sip(route.uri());
    assert_eq!(
        (r.user, r.host),
        (None, Host::Domain("services.example.com"))
    );
    assert!(route.is_loose_route());
    assert_eq!(
        uri_params(r),
        [
            ("lr", None),
            ("unknownwith", Some("value")),
            ("unknown-no-value", None)
        ]
    );
    assert!(route.params.is_empty());

    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert_eq!(
        c.addr.display_name_unquoted().as_deref(),
        Some(r#"Quoted string """#)
    );
    assert_eq!(c.uri().to_string(), "sip:jdrosen@example.com");
    assert_eq!(
        c.params.iter().collect::<Vec<_>>(),
        [
            ("newparam", Some("newvalue")),
            ("secondparam", None),
            ("q", Some("0.33"))
        ]
    );
    assert_eq!(c.q(), Some(330));

    assert_eq!(msg.body(), &raw[851..]);
    assert_eq!(msg.body().len(), 150);
    assert!(msg.body().starts_with(b"v=0\r\n"));
}

#[test]
fn intmeth_wide_range_of_valid_characters_is_accepted() {
    const METHOD: &str = "!interesting-Method0123456789_*+`.%indeed'~";
    const USER: &str = "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*";
    let raw = load!("intmeth", 641);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    let method = msg.method().expect("request");
    assert!(matches!(method, Method::Extension(_)));
    assert_eq!(method.as_str(), METHOD);

    let ruri = msg.request_uri().expect("request").expect("valid URI");
    let r = sip(&ruri);
    assert_eq!(r.user, Some(USER));
    assert_eq!(
        r.password,
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(r.host, Host::Domain("example.com"));
    assert!(r.params.is_empty() && r.headers.is_empty());

    let via = msg.header::<Via>().expect("Via");
    assert_eq!(via.transport, "TCP");
    assert_eq!(via.host, Host::Domain("host1.example.com"));
    assert_eq!(via.branch(), Some("z9hG4bK-.!%66*_+`'~"));

    // The To display name holds quoted-pairs of BEL, NUL (offset 241) and DEL.
    assert_eq!(raw[241], 0);
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(
        to.addr.display_name_unquoted().as_deref(),
        Some("BEL:\u{7} NUL:\u{0} DEL:\u{7f}")
    );
    let t = sip(to.uri());
    assert_eq!((t.user, t.host), (Some(USER), Host::Domain("example.com")));

    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(
        from.addr.display_name,
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.uri().to_string(), "sip:mundane@example.com");
    let value = from
        .params
        .get("fromParam''~+*_!.-%")
        .flatten()
        .expect("fromParam");
    assert_eq!(
        sansip::message::unquote(value).as_bytes(),
        [
            0xD1, 0x80, 0xD0, 0xB0, 0xD0, 0xB1, 0xD0, 0xBE, 0xD1, 0x82, 0xD0, 0xB0, 0xD1, 0x8E,
            0xD1, 0x89, 0xD0, 0xB8, 0xD0, 0xB9
        ]
    );
    assert_eq!(sansip::message::unquote(value), "работающий");
    assert_eq!(from.tag(), Some("_token~1'+`*%!-."));

    let call_id = "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{";
    assert_eq!(msg.call_id(), Some(call_id));
    assert_eq!(msg.header::<CallId>(), Ok(CallId(call_id)));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!(cseq.seq, 139122385);
    assert_eq!(&cseq.method, method);
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(255)));

    let ext: Vec<_> = msg.fields_by_name("extensionHeader-!.%*+_`'~").collect();
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0].name, HeaderName::Other);
    assert_eq!(ext[0].offset, 606, "no space after the colon at 605");
    assert_eq!(
        ext[0].value,
        [0xEF, 0xBB, 0xBF, 0xE5, 0xA4, 0xA7, 0xE5, 0x81, 0x9C, 0xE9, 0x9B, 0xBB]
    );
    assert_eq!(std::str::from_utf8(ext[0].value), Ok("\u{feff}大停電"));
    assert_eq!(msg.content_length(), Some(0));
    assert!(msg.body().is_empty());
}

#[test]
fn esc01_valid_use_of_percent_escaping_is_accepted() {
    let raw = load!("esc01", 543);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Invite));
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    let r = sip(&ruri);
    assert_eq!(r.user, Some("sips%3Auser%40example.com"));
    assert_eq!(
        r.user_unescaped().as_deref(),
        Some(&b"sips:user@example.com"[..])
    );
    assert_eq!(r.host, Host::Domain("example.net"));

    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(
        sip(to.uri()).user_unescaped().as_deref(),
        Some(&b"user"[..])
    );
    let from = msg.header::<FromHeader>().expect("From");
    let f = sip(from.uri());
    assert_eq!(f.user_unescaped().as_deref(), Some(&b"I have spaces"[..]));
    assert_eq!(f.host, Host::Domain("example.net"));
    assert_eq!(from.tag(), Some("938"));

    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(87)));
    assert_eq!(msg.call_id(), Some("esc01.239409asdfakjkn23onasd0-3234"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (234234, Method::Invite));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        (
            "UDP",
            Host::Domain("host5.example.net"),
            Some("z9hG4bKkdjuw")
        )
    );
    // Compact forms `i:` (Call-ID) and `C:` (Content-Type).
    let compact: Vec<_> = msg
        .fields()
        .filter(|f| f.name_bytes.len() == 1)
        .map(|f| (f.name, f.name_bytes))
        .collect();
    assert_eq!(
        compact,
        [
            (HeaderName::CallId, &b"i"[..]),
            (HeaderName::ContentType, &b"C"[..])
        ]
    );
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));

    // Contact (folded): escapes in the user part and in parameter names and
    // values. Each is unescaped once: n%61me=v%61lue%25%34%31 is
    // name=value%41, not valueA.
    let contact = msg.header::<Contact>().expect("Contact");
    let c = sip(contact.uri().expect("not *"));
    assert_eq!(c.user_unescaped().as_deref(), Some(&b"caller"[..]));
    assert_eq!(c.host, Host::Domain("host5.example.net"));
    let params = uri_params(c);
    assert_eq!(
        params,
        [("%6C%72", None), ("n%61me", Some("v%61lue%25%34%31"))]
    );
    assert_eq!(&*unescape(params[0].0), b"lr");
    assert_eq!(&*unescape(params[1].0), b"name");
    let value = unescape(params[1].1.expect("value"));
    assert_eq!(&*value, b"value%41");
    assert_ne!(&*value, b"valueA");
    // RFC 3261 §19.1.4: comparison decodes escapes (once).
    let same = Uri::parse("sip:caller@host5.example.net;lr;name=value%2541").expect("URI");
    let other = Uri::parse("sip:caller@host5.example.net;lr;name=valueA").expect("URI");
    assert!(contact.uri().expect("not *").equivalent(&same));
    assert!(!contact.uri().expect("not *").equivalent(&other));

    assert_eq!(msg.content_length(), Some(150));
    assert_eq!(msg.body(), &raw[393..]);
}

#[test]
fn escnull_escaped_nulls_in_uris_are_accepted() {
    let raw = load!("escnull", 359);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Register));
    assert_eq!(msg.request_uri_str(), Some("sip:example.com"));
    let to = msg.header::<ToHeader>().expect("To");
    let from = msg.header::<FromHeader>().expect("From");
    for uri in [to.uri(), from.uri()] {
        let user = sip(uri).user_unescaped().expect("user");
        // 11 bytes: unescaping does not stop at the NUL.
        assert_eq!(&*user, b"null-\0-null");
        assert_eq!(user.len(), 11);
    }
    assert_eq!(from.tag(), Some("839923423"));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    assert_eq!(
        msg.call_id(),
        Some("escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (14398234, Method::Register));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.host, via.branch()),
        (Host::Domain("host5.example.com"), Some("z9hG4bKkdjuw"))
    );

    // Two Contact fields, two different bindings.
    let contacts: Vec<Contact> = all(&msg);
    assert_eq!(contacts.len(), 2);
    let a = contacts[0].uri().expect("not *");
    let b = contacts[1].uri().expect("not *");
    assert_eq!(sip(a).user_unescaped().as_deref(), Some(&b"\0"[..]));
    assert_eq!(sip(b).user_unescaped().as_deref(), Some(&b"\0\0"[..]));
    assert!(!a.equivalent(b));

    // `L:0`: compact form, no space after the colon.
    let cl = msg
        .fields_named(HeaderName::ContentLength)
        .next()
        .expect("Content-Length");
    assert_eq!((cl.name_bytes, cl.value), (&b"L"[..], &b"0"[..]));
    assert_eq!(msg.content_length(), Some(0));
    assert!(msg.body().is_empty());
}

#[test]
fn esc02_percent_that_is_not_an_escape_is_accepted() {
    let raw = load!("esc02", 439);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    // An unknown method, not REGISTER: `%47` is not decoded in a method.
    let method = msg.method().expect("request");
    assert_eq!(method.as_str(), "RE%47IST%45R");
    assert!(matches!(method, Method::Extension(_)));
    assert_ne!(method, &Method::Register);
    assert_eq!(msg.request_uri_str(), Some("sip:registrar.example.com"));

    let to = msg.header::<ToHeader>().expect("To");
    let from = msg.header::<FromHeader>().expect("From");
    for addr in [&to.addr, &from.addr] {
        assert_eq!(addr.display_name, Some("\"%Z%45\""));
        assert_eq!(addr.display_name_unquoted().as_deref(), Some("%Z%45"));
        assert_eq!(addr.uri.to_string(), "sip:resource@example.com");
    }
    assert_eq!(from.tag(), Some("f232jadfj23"));
    assert_eq!(
        msg.call_id(),
        Some("esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf")
    );
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        (
            "TCP",
            Host::Domain("host.example.com"),
            Some("z9hG4bK209%fzsnel234")
        )
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!(cseq.seq, 29344);
    assert_eq!(&cseq.method, method);
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));

    // Exactly two Contacts; `C%6Fntact` (offset 347) is an extension header.
    let contacts: Vec<String> = all::<Contact>(&msg)
        .iter()
        .map(|c| c.uri().expect("not *").to_string())
        .collect();
    assert_eq!(
        contacts,
        [
            "sip:alias1@host1.example.com",
            "sip:alias3@host3.example.com"
        ]
    );
    assert_eq!(&raw[347..356], b"C%6Fntact");
    let odd: Vec<_> = msg.fields_by_name("C%6Fntact").collect();
    assert_eq!(odd.len(), 1);
    assert_eq!(odd[0].name, HeaderName::Other);
    assert_eq!(odd[0].value, b"<sip:alias2@host2.example.com>");
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn lwsdisp_no_lws_between_display_name_and_angle_is_accepted() {
    let raw = load!("lwsdisp", 255);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Options));
    assert_eq!(msg.request_uri_str(), Some("sip:user@example.com"));
    // `caller<sip:...>`: strict RFC 3261 needs LWS here; a known spec bug.
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.addr.display_name, Some("caller"));
    assert_eq!(from.uri().to_string(), "sip:caller@example.com");
    assert_eq!(from.tag(), Some("323"));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:user@example.com");
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    assert_eq!(msg.call_id(), Some("lwsdisp.1234abcd@funky.example.com"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (60, Method::Options));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        (
            "UDP",
            Host::Domain("funky.example.com"),
            Some("z9hG4bKkdjuw")
        )
    );
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn longreq_long_values_in_header_fields_are_accepted() {
    let raw = load!("longreq", 3515);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Invite));
    assert_eq!(msg.request_uri_str(), Some("sip:user@example.com"));
    assert_eq!(msg.field_count(), 43);

    let to = msg.header::<ToHeader>().expect("To");
    let name = format!("I have a user name of {} proportion", "extreme".repeat(10));
    assert_eq!(to.addr.display_name_unquoted().as_deref(), Some(&*name));
    // The closing quote is followed directly by '<'.
    let quoted_then_angle = format!("{name}\"<sip:");
    assert!(raw
        .windows(quoted_then_angle.len())
        .any(|w| w == quoted_then_angle.as_bytes()));
    let t = sip(to.uri());
    assert_eq!(
        (t.user, t.host, t.port),
        (Some("user"), Host::Domain("example.com"), Some(6000))
    );
    let p1 = format!("very{}value", "long".repeat(20));
    let p2 = format!("longparam{}", "name".repeat(25));
    let p3 = format!("very{}ParameterNameWithNoValue", "long".repeat(25));
    assert_eq!(
        uri_params(t),
        [
            ("unknownparam1", Some(&*p1)),
            (&*p2, Some("shortvalue")),
            (&*p3, None)
        ]
    );
    assert!(to.params.is_empty());

    let from = msg.header::<FromHeader>().expect("From");
    let caller = "amazinglylongcallername".repeat(5);
    assert_eq!(from.uri().to_string(), format!("sip:{caller}@example.net"));
    let tag = format!("12{}424", "982".repeat(50));
    assert_eq!(tag.len(), 155);
    let hp_name = format!("unknownheaderparam{}", "name".repeat(20));
    let hp_value = format!("unknowheaderparam{}", "value".repeat(15));
    let flag = format!("unknownValueless{}", "paramname".repeat(10));
    assert_eq!(
        from.params.iter().collect::<Vec<_>>(),
        [
            ("tag", Some(&*tag)),
            (&*hp_name, Some(&*hp_value)),
            (&*flag, None)
        ]
    );

    let call_id = format!("longreq.one{}longcallid", "really".repeat(20));
    assert_eq!(call_id.len(), 141);
    assert_eq!(msg.call_id(), Some(&*call_id));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (3882340, Method::Invite));
    let ext_name = format!("Unknown-{}-Name", "Long".repeat(20));
    let ext = msg.raw_by_name(&ext_name).expect("extension header kept");
    let long = "long".repeat(20);
    assert_eq!(
        std::str::from_utf8(ext),
        Ok(&*format!(
            "unknown-{long}-value; unknown-{long}-parameter-name = unknown-{long}-parameter-value"
        ))
    );

    // 34 Via fields, one value each, names in every case and spacing.
    let via_names: Vec<&[u8]> = msg
        .fields_named(HeaderName::Via)
        .map(|f| f.name_bytes)
        .collect();
    assert_eq!(via_names.len(), 34);
    for spelling in [
        "Via", "v", "V", "ViA", "VIa", "VIA", "via", "viA", "vIa", "vIA",
    ] {
        assert!(via_names.contains(&spelling.as_bytes()), "{spelling}");
    }
    let vias: Vec<Via> = all(&msg);
    assert_eq!(vias.len(), 34);
    for (k, via) in vias[..33].iter().enumerate() {
        let host = format!("sip{}.example.com", 33 - k);
        assert_eq!(
            (via.transport, via.host),
            ("TCP", Host::Domain(&host)),
            "Via {k}"
        );
    }
    assert_eq!(vias[0].branch(), None);
    let last = &vias[33];
    assert_eq!(
        (last.transport, last.host, last.received()),
        ("TCP", Host::Domain("host.example.com"), Some("192.0.2.5"))
    );
    let branch = format!("very{}branchvalue", "long".repeat(50));
    assert_eq!(last.branch(), Some(&*branch));

    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        contact.uri().expect("not *").to_string(),
        format!("sip:{caller}@host5.example.net")
    );
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    assert_eq!(msg.content_length(), Some(150));
    assert_eq!(msg.body(), &raw[3365..]);
}

#[test]
fn dblreq_extra_trailing_octets_in_a_udp_datagram_are_dropped() {
    let raw = load!("dblreq", 750);
    let msg = parse_ok(&raw);
    // The message proper is the first 300 bytes (the header section ends at
    // 296); the 450 bytes after it are datagram noise and never surface.
    assert_eq!(&msg.to_bytes()[..], &raw[..300]);
    assert_eq!(&raw[296..300], b"\r\n\r\n");
    assert!(msg.body().is_empty());
    assert_eq!(msg.content_length(), Some(0));
    assert_eq!(msg.field_count(), 8);
    assert!(msg
        .fields()
        .all(|f| !f.value.windows(3).any(|w| w == b"joe")));

    assert_eq!(msg.method(), Some(&Method::Register));
    assert_eq!(msg.request_uri_str(), Some("sip:example.com"));
    let to = msg.header::<ToHeader>().expect("To");
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(to.uri().to_string(), "sip:j.user@example.com");
    assert_eq!(from.uri().to_string(), "sip:j.user@example.com");
    assert_eq!(from.tag(), Some("43251j3j324"));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(8)));
    assert_eq!(
        msg.call_id(),
        Some("dblreq.0ha0isndaksdj99sdfafnl3lk233412")
    );
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        contact.uri().expect("not *").to_string(),
        "sip:j.user@host.example.com"
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8, Method::Register));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        (
            "UDP",
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 125)),
            Some("z9hG4bKkdjuw23492")
        )
    );
}

#[test]
fn semiuri_semicolons_in_the_uri_user_part_are_accepted() {
    let raw = load!("semiuri", 380);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Options));
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    let r = sip(&ruri);
    // The ';' come before '@': they are in the user part, not parameters.
    assert_eq!(r.user, Some("user;par=u%40example.net"));
    assert_eq!(
        r.user_unescaped().as_deref(),
        Some(&b"user;par=u@example.net"[..])
    );
    assert_eq!(r.host, Host::Domain("example.com"));
    assert!(r.params.is_empty());

    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:j_user@example.com");
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.uri().to_string(), "sip:caller@example.org");
    assert_eq!(from.tag(), Some("33242"));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(3)));
    assert_eq!(msg.call_id(), Some("semiuri.0ha0isndaksdj"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8, Method::Options));
    // Accept, folded over three lines: six values.
    let accept: Vec<(&str, &str)> = all::<Accept>(&msg)
        .iter()
        .map(|a| (a.media_type, a.subtype))
        .collect();
    assert_eq!(
        accept,
        [
            ("application", "sdp"),
            ("application", "pkcs7-mime"),
            ("multipart", "mixed"),
            ("multipart", "signed"),
            ("message", "sip"),
            ("message", "sipfrag")
        ]
    );
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.host, via.branch()),
        (
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
            Some("z9hG4bKkdjuw")
        )
    );
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn transports_varied_and_unknown_transport_types_are_accepted() {
    let raw = load!("transports", 503);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Options));
    assert_eq!(msg.request_uri_str(), Some("sip:user@example.com"));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:user@example.com");
    let from = msg.header::<FromHeader>().expect("From");
    assert!(from.addr.angle);
    assert_eq!(from.uri().to_string(), "sip:caller@example.com");
    assert_eq!(from.tag(), Some("323"));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    // Two spaces after the colon; the value does not carry them.
    assert_eq!(
        msg.raw(HeaderName::CallId),
        Some(&b"transports.kijh4akdnaqjkwendsasfdj"[..])
    );
    assert_eq!(
        msg.header::<CallId>(),
        Ok(CallId("transports.kijh4akdnaqjkwendsasfdj"))
    );
    assert!(msg
        .header::<Accept>()
        .expect("Accept")
        .matches("application", "sdp"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (60, Method::Options));
    let vias: Vec<(&str, String, Option<&str>)> = all::<Via>(&msg)
        .iter()
        .map(|v| (v.transport, v.host.to_string(), v.branch()))
        .collect();
    let expected = [
        ("UDP", "t1", "z9hG4bKkdjuw"),
        ("SCTP", "t2", "z9hG4bKklasjdhf"),
        ("TLS", "t3", "z9hG4bK2980unddj"),
        ("UNKNOWN", "t4", "z9hG4bKasd0f3en"),
        ("TCP", "t5", "z9hG4bK0a9idfnee"),
    ]
    .map(|(t, h, b)| (t, format!("{h}.example.com"), Some(b)));
    assert_eq!(vias, expected);
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn mpart01_multipart_mime_message_is_accepted() {
    let raw = load!("mpart01", 1290);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Message));
    assert_eq!(msg.request_uri_str(), Some("sip:kumiko@example.org"));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.port),
        ("UDP", Host::Ipv4(Ipv4Addr::LOCALHOST), Some(5070))
    );
    assert_eq!(
        via.branch(),
        Some("z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-")
    );
    assert_eq!(via.rport(), Some(None));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    let route = msg.header::<Route>().expect("Route");
    assert_eq!(route.uri().to_string(), "sip:127.0.0.1:5080");
    let identity = msg.raw(HeaderName::Identity).expect("Identity");
    assert!(identity.ends_with(b"="));
    assert!(identity
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b)));
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        contact.uri().expect("not *").to_string(),
        "sip:fluffy@127.0.0.1:5070"
    );
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:kumiko@example.org");
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.uri().to_string(), "sip:fluffy@example.com");
    assert_eq!(from.tag(), Some("2fb0dcc9"));
    assert_eq!(
        msg.call_id(),
        Some("3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (1, Method::Message));
    assert_eq!(
        msg.raw_by_name("Content-Transfer-Encoding"),
        Some(&b"binary"[..])
    );
    let ct = msg.header::<ContentType>().expect("Content-Type");
    assert!(ct.is("multipart", "mixed"));
    assert_eq!(ct.params.get("boundary"), Some(Some("7a9cbec02ceef655")));
    let date = msg.header::<Date>().expect("Date").date();
    assert_eq!(
        (
            date.weekday,
            date.day,
            date.month,
            date.year,
            date.hour,
            date.minute,
            date.second
        ),
        (Weekday::Sat, 15, 10, 2005, 4, 44, 56)
    );
    assert_eq!(
        msg.header::<UserAgent>(),
        Ok(UserAgent("SIPimp.org/0.2.5 (curses)"))
    );

    // Framed by Content-Length: the body holds NUL, CR, LF and high bytes.
    assert_eq!(msg.content_length(), Some(553));
    let body = msg.body();
    assert_eq!(body, &raw[737..]);
    assert_eq!((body[1105 - 737], body[1134 - 737]), (0, 0));
    assert!(body.ends_with(b"--7a9cbec02ceef655--\r\n"));
    let parts = split_on(body, b"--7a9cbec02ceef655");
    // preamble, two parts, epilogue after the closing delimiter.
    assert_eq!(parts.len(), 4);
    let content = |part: &[u8]| -> (Vec<u8>, Vec<u8>) {
        let k = part
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part head");
        let head = part[..k].to_vec();
        let data = part[k + 4..part.len() - 2].to_vec(); // CRLF before the delimiter
        (head, data)
    };
    let (head1, data1) = content(parts[1]);
    assert!(head1.ends_with(b"Content-Type: text/plain\r\nContent-Transfer-Encoding: binary"));
    assert_eq!(data1, b"Hello");
    let (head2, data2) = content(parts[2]);
    assert!(head2.starts_with(b"\r\nContent-Type: application/octet-stream\r\n"));
    assert_eq!(data2.len(), 342);
    assert_eq!(
        &data2[..4],
        [0x30, 0x82, 0x01, 0x52],
        "a DER SEQUENCE of 338 bytes"
    );
    assert!(data2.contains(&b'\r') && data2.contains(&b'\n') && data2.iter().any(|&b| b >= 0x80));
}

#[test]
fn unreason_unusual_reason_phrase_is_accepted() {
    let raw = load!("unreason", 526);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.status(), Some(200));
    let reason = msg.reason().expect("response");
    assert_eq!(reason.len(), 74);
    assert_eq!(
        std::str::from_utf8(reason),
        Ok("= 2**3 * 5**2 но сто девяносто девять - простое")
    );
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.host, via.branch()),
        (
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 198)),
            Some("z9hG4bK1324923")
        )
    );
    assert_eq!(msg.call_id(), Some("unreason.1234ksdfak3j2erwedfsASdf"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (35, Method::Invite));
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(
        (from.uri().to_string(), from.tag()),
        ("sip:user@example.com".to_string(), Some("11141343"))
    );
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(
        (to.uri().to_string(), to.tag()),
        ("sip:user@example.edu".to_string(), Some("2229"))
    );
    assert_eq!(msg.content_length(), Some(154));
    assert_eq!(msg.body().len(), 154);
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        contact.uri().expect("not *").to_string(),
        "sip:user@host198.example.com"
    );
}

#[test]
fn noreason_empty_reason_phrase_is_accepted() {
    let raw = load!("noreason", 274);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    // `SIP/2.0 100 ` CRLF: the SP after the code (offset 11) is there.
    assert_eq!(&raw[8..14], b"100 \r\n");
    assert_eq!(msg.status(), Some(100));
    assert_eq!(msg.reason(), Some(&b""[..]));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.host, via.branch()),
        (
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 105)),
            Some("z9hG4bK2398ndaoe")
        )
    );
    assert_eq!(msg.call_id(), Some("noreason.asndj203insdf99223ndf"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (35, Method::Invite));
    assert_eq!(
        msg.header::<FromHeader>().expect("From").tag(),
        Some("39ansfi3")
    );
    assert_eq!(
        msg.header::<ToHeader>().expect("To").tag(),
        Some("902jndnke3")
    );
    assert_eq!(msg.content_length(), Some(0));
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        contact.uri().expect("not *").to_string(),
        "sip:user@host105.example.com"
    );
}

// ---- §3.1.2 invalid messages -----------------------------------------------

#[test]
fn badinv01_extraneous_header_field_separators_are_rejected() {
    // Frames fine (Content-Length 152, 152 body bytes): the message parses
    // and the typed reads of Via and Contact fail. Via (field at 189) is the
    // first bad field; the UA answers 400 naming it.
    let raw = load!("badinv01", 472);
    let msg = parse_ok(&raw);
    assert_eq!(msg.content_length(), Some(152));
    assert_eq!(msg.body().len(), 152);
    assert_eq!(msg.call_id(), Some("badinv01.0ha0isndaksdjasdf3234nas"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8, Method::Invite));

    // `SIP/2.0/UDP 192.0.2.15;;,;,,`: the stray separators start at 216; the
    // ';' there opens a parameter whose name is missing at 217.
    assert_eq!(&raw[216..222], b";;,;,,");
    assert_eq!(
        msg.header::<Via>(),
        Err(invalid("Via", 217, "a parameter name"))
    );
    // The empty comma-separated values are skipped; the lone ';' is not a Via.
    let vias: Vec<_> = msg.headers::<Via>().collect();
    assert_eq!(
        vias,
        [
            Err(invalid("Via", 217, "a parameter name")),
            Err(invalid("Via", 219, "a protocol name (SIP)"))
        ]
    );
    // `"Joe" <sip:joe@example.org>;;;;`: empty parameters from offset 260.
    assert_eq!(&raw[260..264], b";;;;");
    assert_eq!(
        msg.header::<Contact>(),
        Err(invalid("Contact", 261, "a parameter name"))
    );
}

#[test]
fn clerr_content_length_larger_than_message_is_rejected() {
    // As a datagram: parse fails (UA answers 400); the body is 154 bytes, not
    // the 9999 declared at offset 336.
    let raw = load!("clerr", 498);
    assert_eq!(&raw[336..340], b"9999");
    assert_eq!(&raw[340..344], b"\r\n\r\n");
    assert_eq!(
        parse_err(&raw),
        ParseError::BodyTruncated {
            declared: 9999,
            available: 154
        }
    );
    // On a stream the same bytes are an incomplete message: wait for more,
    // never make one up.
    assert_eq!(frame(&raw, &Limits::default()), Ok(Frame::Partial));
    let mut framer = StreamFramer::new(Limits::default());
    framer.push(&raw);
    assert!(matches!(framer.next_item(), Ok(None)));
    assert_eq!(framer.buffered(), raw.len());
}

#[test]
fn ncl_negative_content_length_is_rejected() {
    // Parse fails; the value is never read as a number.
    let raw = load!("ncl", 486);
    assert_eq!(&raw[326..330], b"-999");
    let err = ParseError::InvalidContentLength {
        offset: 326,
        reason: "not a decimal number of at most 10 digits",
    };
    assert_eq!(parse_err(&raw), err);
    // A stream cannot recover the framing either.
    assert_eq!(frame(&raw, &Limits::default()), Err(err.clone()));
    // `Content-Length: five` is handled the same way.
    let five = [&raw[..326], b"five", &raw[330..]].concat();
    assert_eq!(parse_err(&five), err);
}

#[test]
fn scalar02_overlarge_request_scalar_values_are_rejected() {
    // Frames fine: parse succeeds and each overlarge value is an error of
    // its typed header, without wrapping. The UA answers 400 because of CSeq.
    let raw = load!("scalar02", 476);
    let msg = parse_ok(&raw);
    assert_eq!(msg.content_length(), Some(0));
    assert_eq!(
        msg.call_id(),
        Some("scalar02.23o0pd9vanlq3wnrlnewofjas9ui32")
    );
    assert_eq!(&raw[174..194], b"36893488147419103232");
    assert_eq!(
        msg.header::<CSeq>(),
        Err(invalid("CSeq", 174, "a sequence number below 2**31"))
    );
    // Alone, this one could be read as if Max-Forwards were absent.
    assert_eq!(&raw[269..272], b"300");
    assert_eq!(
        msg.header::<MaxForwards>(),
        Err(invalid("Max-Forwards", 269, "a number from 0 to 255"))
    );
    // Alone, the expiry values could fall back to the default 3600.
    assert_eq!(&raw[283..285], b"10");
    assert_eq!(
        msg.header::<Expires>(),
        Err(invalid("Expires", 283, "a decimal number up to 4294967295"))
    );
    // The Contact is folded at 425; its expires parameter is at 438. sansip
    // saturates an overlarge Contact expires at 2**32-1 (documented on
    // `ContactAddress::expires`) instead of falling back to 3600; the raw
    // value is kept for a registrar that wants the RFC's fallback.
    assert_eq!(&raw[425..429], b"\r\n  ");
    assert_eq!(&raw[438..453], b"280297596632815");
    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert_eq!(c.params.get("expires"), Some(Some("280297596632815")));
    assert_eq!(c.expires(), Some(u32::MAX));
    assert_eq!(c.uri().to_string(), "sip:user@host129.example.com");
}

#[test]
fn scalarlg_overlarge_response_scalar_values_are_rejected() {
    // Frames fine: parse succeeds; CSeq, Retry-After and Warning each fail
    // their typed read. The UAC cannot match it to a transaction without a
    // CSeq and discards it.
    let raw = load!("scalarlg", 385);
    let msg = parse_ok(&raw);
    assert_eq!(msg.status(), Some(503));
    assert_eq!(msg.reason(), Some(&b"Service Unavailable"[..]));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch(), via.received()),
        (
            "TCP",
            Host::Domain("host129.example.com"),
            Some("z9hG4bKzzxdiwo34sw"),
            Some("192.0.2.129")
        )
    );
    assert_eq!(
        msg.call_id(),
        Some("scalarlg.noase0of0234hn2qofoaf0232aewf2394r")
    );
    assert_eq!(msg.content_length(), Some(0));
    assert_eq!(&raw[198..220], b"9292394834772304023312");
    assert_eq!(
        msg.header::<CSeq>(),
        Err(invalid("CSeq", 198, "a sequence number below 2**31"))
    );
    assert_eq!(&raw[297..299], b"94");
    assert_eq!(
        msg.header::<RetryAfter>(),
        Err(invalid(
            "Retry-After",
            297,
            "delta-seconds (a number up to 4294967295)"
        ))
    );
    assert_eq!(&raw[335..339], b"1812");
    assert_eq!(
        msg.header::<Warning>(),
        Err(invalid("Warning", 335, "a 3-digit warning code"))
    );
}

#[test]
fn quotbal_unterminated_quoted_string_is_rejected() {
    // Frames fine: parse succeeds, the To header does not; the UA answers
    // 400 naming To. sansip does not infer a closing quote.
    let raw = load!("quotbal", 485);
    let msg = parse_ok(&raw);
    assert_eq!(msg.content_length(), Some(152));
    assert_eq!(msg.body().len(), 152);
    assert_eq!(msg.call_id(), Some("quotbal.aksdj"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8, Method::Invite));
    assert_eq!(raw[41], b'"');
    assert_eq!(
        msg.header::<ToHeader>(),
        Err(invalid("To", 41, "a closing quote"))
    );
    assert!(msg.header::<FromHeader>().is_ok());
}

#[test]
fn ltgtruri_angle_brackets_around_the_request_uri_are_rejected() {
    // The start line has its three parts, so the message parses; the
    // Request-URI does not, at the '<' (offset 7): the UA answers 400.
    // sansip does not strip the brackets.
    let raw = load!("ltgtruri", 452);
    let msg = parse_ok(&raw);
    assert_eq!((raw[7], raw[28]), (b'<', b'>'));
    assert_eq!(msg.request_uri_str(), Some("<sip:user@example.com>"));
    assert_eq!(
        msg.request_uri().expect("request"),
        Err(invalid("Request-URI", 7, "a URI scheme"))
    );
    assert_eq!(msg.call_id(), Some("ltgtruri.1@192.0.2.5"));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(via.branch(), None);
    assert_eq!(msg.content_length(), Some(159));
    assert_eq!(msg.body().len(), 159);
}

#[test]
fn lwsruri_lws_inside_the_request_uri_is_rejected() {
    // `INVITE sip:user@example.com; lr SIP/2.0`: four SP-separated parts.
    // Parse fails at the SP after the ';' (offset 28); the UA answers 400.
    // sansip does not ignore the LWS.
    let raw = load!("lwsruri", 541);
    assert_eq!(&raw[27..29], b"; ");
    assert_eq!(
        parse_err(&raw),
        syntax("Request-Line", 28, "a Request-URI without white space")
    );
}

#[test]
fn lwsstart_multiple_sp_between_request_line_elements_are_rejected() {
    // Strict: parse fails at the second SP of the first pair (6–7); the
    // RFC allows rejecting.
    let raw = load!("lwsstart", 506);
    assert_eq!(&raw[6..8], b"  ");
    assert_eq!(&raw[28..30], b"  ");
    assert_eq!(
        parse_err(&raw),
        syntax("Request-Line", 7, "a Request-URI (one SP between elements)")
    );
}

#[test]
fn trws_sp_at_the_end_of_the_request_line_is_rejected() {
    // Strict: parse fails at the first trailing SP (45); the RFC allows
    // rejecting.
    let raw = load!("trws", 327);
    assert_eq!(&raw[45..49], b"  \r\n");
    assert_eq!(
        parse_err(&raw),
        syntax("Request-Line", 45, "CRLF after the SIP version")
    );
    // Without the two SPs the message is fine (note the archive's
    // `examle.com`).
    let fixed = [&raw[..45], &raw[47..]].concat();
    let msg = parse_ok(&fixed);
    assert_eq!(msg.method(), Some(&Method::Options));
    assert_eq!(msg.request_uri_str(), Some("sip:remote-target@example.com"));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.host, via.branch()),
        (Host::Domain("host1.examle.com"), Some("z9hG4bK299342093"))
    );
    assert_eq!(msg.call_id(), Some("trws.oicu34958239neffasdhr2345r"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (238923, Method::Options));
}

#[test]
fn escruri_escaped_headers_in_the_request_uri_are_exposed_not_applied() {
    // The RFC allows either a 400 or ignoring the headers. sansip's message
    // layer is liberal: the Request-URI parses and hands its URI headers up
    // (from the '?' at 27) so the UA can answer 400 (RFC 3261 §19.1.1
    // forbids headers in a Request-URI); they never become header fields,
    // and a proxy must drop them before forwarding.
    let raw = load!("escruri", 550);
    let msg = parse_ok(&raw);
    assert_eq!(raw[27], b'?');
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    let r = sip(&ruri);
    assert_eq!(
        (r.user, r.host),
        (Some("user"), Host::Domain("example.com"))
    );
    assert!(!r.headers.is_empty());
    assert_eq!(r.headers.as_str(), "Route=%3Csip:example.com%3E");
    let route = r.header("Route").expect("URI header");
    assert_eq!(&*unescape(route), b"<sip:example.com>");
    assert!(!msg.has(HeaderName::Route));
    assert_eq!(
        msg.call_id(),
        Some("escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (149209342, Method::Invite));
    assert_eq!(msg.content_length(), Some(150));
}

#[test]
fn baddate_non_gmt_time_zone_is_rejected_by_the_date_header() {
    // Frames fine: parse succeeds; only the typed Date read fails, at the
    // zone (282). An element that does not use Date can ignore it.
    let raw = load!("baddate", 532);
    let msg = parse_ok(&raw);
    assert_eq!(&raw[250..254], b"Date");
    assert_eq!(&raw[282..285], b"EST");
    assert_eq!(msg.header::<Date>(), Err(invalid("Date", 282, "GMT")));
    assert_eq!(
        msg.call_id(),
        Some("baddate.239423mnsadf3j23lj42--sedfnm234")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (1392934, Method::Invite));
    assert_eq!(msg.content_length(), Some(150));
    assert_eq!(msg.body().len(), 150);
    // UT, UTC and UCT are just as invalid; GMT is the only zone.
    for zone in ["UT", "UTC", "UCT"] {
        let other = [&raw[..282], zone.as_bytes(), &raw[285..]].concat();
        let m = parse_ok(&other);
        assert_eq!(
            m.header::<Date>(),
            Err(invalid("Date", 282, "GMT")),
            "{zone}"
        );
    }
    let gmt = [&raw[..282], b"GMT", &raw[285..]].concat();
    let m = parse_ok(&gmt);
    let d = m.header::<Date>().expect("Date").date();
    assert_eq!(
        (d.weekday, d.day, d.month, d.year, d.hour),
        (Weekday::Fri, 1, 1, 2010, 16)
    );
}

#[test]
fn regbadct_uri_with_headers_not_in_angle_brackets_is_rejected() {
    // Frames fine: parse succeeds; the Contact read fails where the
    // addr-spec ends and the '?' (265) begins: a URI with headers needs the
    // name-addr form. The registrar answers 400; sansip does not infer the
    // brackets.
    let raw = load!("regbadct", 307);
    let msg = parse_ok(&raw);
    assert_eq!(&raw[236..244], b"Contact:");
    assert_eq!(raw[265], b'?');
    assert_eq!(
        msg.header::<Contact>(),
        Err(invalid("Contact", 265, "end of value"))
    );
    assert_eq!(msg.call_id(), Some("regbadct.k345asrl3fdbv@10.0.0.1"));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn badaspec_spaces_within_addr_spec_are_tolerated() {
    // The RFC allows a 400 or ignoring the spaces; the parser must not
    // break. sansip is liberal: white space just inside '<' (206) and
    // before '>' (231) is skipped. The comma in each quoted display name
    // does not split the field.
    let raw = load!("badaspec", 346);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!((raw[206], raw[231]), (b' ', b' '));
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(
        from.addr.display_name_unquoted().as_deref(),
        Some("Bell, Alexander")
    );
    assert_eq!(from.uri().to_string(), "sip:a.g.bell@example.com");
    assert_eq!(from.tag(), Some("433423"));
    let tos: Vec<ToHeader> = all(&msg);
    assert_eq!(tos.len(), 1);
    assert_eq!(
        tos[0].addr.display_name_unquoted().as_deref(),
        Some("Watson, Thomas")
    );
    assert_eq!(tos[0].uri().to_string(), "sip:t.watson@example.org");
    assert_eq!(
        msg.call_id(),
        Some("badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (3923239, Method::Options));
}

#[test]
fn baddn_non_token_characters_in_display_names_are_rejected() {
    // As archived the file ends after `l: 0\r\n` with no empty line: the
    // header section never ends, and a datagram parse fails.
    let raw = load!("baddn", 331);
    assert!(raw.ends_with(b"l: 0\r\n"));
    assert_eq!(
        parse_err(&raw),
        ParseError::Incomplete {
            len: 331,
            what: "header section"
        }
    );
    // With the empty line added the message frames, and From and To fail
    // their typed reads at the unquoted ',' (139, 201): the UA answers 400
    // naming From. Neither field is split in two at the comma.
    let closed = [&raw[..], b"\r\n"].concat();
    let msg = parse_ok(&closed);
    assert_eq!((raw[139], raw[201]), (b',', b','));
    assert_eq!(
        msg.headers::<FromHeader>().collect::<Vec<_>>(),
        [Err(invalid("From", 139, "'<' after the display name"))]
    );
    assert_eq!(
        msg.headers::<ToHeader>().collect::<Vec<_>>(),
        [Err(invalid("To", 201, "'<' after the display name"))]
    );
    assert_eq!(msg.call_id(), Some("baddn.31415@c.example.com"));
}

#[test]
fn badvers_unknown_protocol_version_is_exposed_for_a_505() {
    // Parses: the version is exposed as 7.0 and `is_sip_2_0()` is false, so
    // the UA answers 505. The rest is well formed.
    let raw = load!("badvers", 291);
    let msg = parse_ok(&raw);
    assert_eq!(&raw[33..40], b"SIP/7.0");
    assert_eq!(msg.version(), b"SIP/7.0");
    assert!(!msg.is_sip_2_0());
    assert_eq!(msg.method(), Some(&Method::Options));
    assert_eq!(msg.request_uri_str(), Some("sip:t.watson@example.org"));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.protocol, via.version, via.transport),
        ("SIP", "7.0", "UDP")
    );
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.addr.display_name, Some("A. Bell"));
    assert_eq!(from.uri().to_string(), "sip:a.g.bell@example.com");
    assert_eq!(from.tag(), Some("qweoiqpe"));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.addr.display_name, Some("T. Watson"));
    assert_eq!(msg.call_id(), Some("badvers.31417@c.example.com"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (1, Method::Options));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn mismatch01_start_line_and_cseq_method_mismatch_is_exposed_for_a_400() {
    // Syntactically fine: both methods are exposed and differ, so the UA
    // answers 400.
    let raw = load!("mismatch01", 236);
    let msg = parse_ok(&raw);
    assert_eq!(&raw[165..171], b"INVITE");
    assert_eq!(msg.method(), Some(&Method::Options));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, &cseq.method), (8, &Method::Invite));
    assert_ne!(Some(&cseq.method), msg.method());
    assert_eq!(msg.call_id(), Some("mismatch01.dj0234sxdfl3"));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn mismatch02_unknown_method_with_cseq_mismatch_is_exposed_for_a_501() {
    // Parses: the method is an unknown extension (the UA answers 501, which
    // the RFC prefers to 400) and the CSeq method differs.
    let raw = load!("mismatch02", 449);
    let msg = parse_ok(&raw);
    let method = msg.method().expect("request");
    assert!(matches!(method, Method::Extension(_)));
    assert_eq!(method.as_str(), "NEWMETHOD");
    assert_eq!(&raw[167..173], b"INVITE");
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, &cseq.method), (8, &Method::Invite));
    assert_ne!(&cseq.method, method);
    assert_eq!(msg.call_id(), Some("mismatch02.dj0234sxdfl3"));
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    assert_eq!(msg.content_length(), Some(138));
    let body = msg.body();
    assert_eq!(body.len(), 138);
    assert!(!body
        .split(|&b| b == b'\n')
        .any(|l| l.starts_with(b"s=") || l.starts_with(b"t=")));
}

#[test]
fn bigcode_overlarge_response_code_is_rejected() {
    // Parse fails inside the status code (8–17): a fourth digit where the
    // SP must follow three. It is never read as a number, so 2**32+5 cannot
    // wrap to 5. The response is dropped.
    let raw = load!("bigcode", 332);
    assert_eq!(&raw[8..18], b"4294967301");
    let err = parse_err(&raw);
    assert_eq!(err, syntax("Status-Line", 11, "SP after the status code"));
    assert!((8..18).contains(&err.offset().expect("offset")));
}

// ---- §3.2 transaction layer ------------------------------------------------

#[test]
fn badbranch_branch_that_is_only_the_magic_cookie_is_exposed() {
    // Parses, branch = `z9hG4bK` (value at 155). The transaction layer may
    // answer 400 (statelessly) or fall back to RFC 2543 matching.
    let raw = load!("badbranch", 262);
    let msg = parse_ok(&raw);
    assert_eq!(&raw[155..164], b"z9hG4bK\r\n");
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(via.branch(), Some(BRANCH_MAGIC_COOKIE));
    assert!(via.has_magic_cookie());
    assert_eq!(via.host, Host::Ipv4(Ipv4Addr::new(192, 0, 2, 1)));
    assert_eq!(msg.call_id(), Some("badbranch.sadonfo23i420jv0as0derf3j3n"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8, Method::Options));
    assert!(msg
        .header::<Accept>()
        .expect("Accept")
        .matches("application", "sdp"));
    assert_eq!(msg.content_length(), Some(0));
}

// ---- §3.3 application layer ------------------------------------------------

#[test]
fn insuf_missing_required_headers_are_reported_for_a_400() {
    // Parses; Call-ID, From, To and Max-Forwards are absent and reading them
    // says so. The UA answers 400 naming them.
    let raw = load!("insuf", 304);
    let msg = parse_ok(&raw);
    assert_eq!(msg.method(), Some(&Method::Invite));
    assert_eq!(
        missing_required(&msg),
        [
            HeaderName::To,
            HeaderName::From,
            HeaderName::CallId,
            HeaderName::MaxForwards
        ]
    );
    assert_eq!(msg.call_id(), None);
    assert_eq!(
        msg.header::<CallId>(),
        Err(HeaderError::Missing { header: "Call-ID" })
    );
    assert_eq!(
        msg.header::<FromHeader>(),
        Err(HeaderError::Missing { header: "From" })
    );
    assert_eq!(
        msg.header::<ToHeader>(),
        Err(HeaderError::Missing { header: "To" })
    );
    assert_eq!(msg.header_opt::<MaxForwards>(), Ok(None));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (193942, Method::Invite));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(via.branch(), Some("z9hG4bKkdj.insuf"));
    assert_eq!(&raw[148..152], b"\r\n\r\n");
    assert_eq!(msg.content_length(), Some(152));
    assert_eq!(msg.body(), &raw[152..]);
}

#[test]
fn unkscm_unknown_request_uri_scheme_is_exposed_for_a_416() {
    // Parses; the Request-URI is a generic absolute URI whose scheme the UA
    // does not serve: 416. The To header (a sip URI) is not used to route.
    let raw = load!("unkscm", 291);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    assert_eq!(
        ruri,
        Uri::Other {
            scheme: "nobodyKnowsThisScheme",
            rest: "totallyopaquecontent"
        }
    );
    assert!(ruri.as_sip().is_none() && ruri.as_tel().is_none());
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:user@example.com");
    assert_eq!(msg.header::<FromHeader>().expect("From").tag(), Some("384"));
    assert_eq!(msg.call_id(), Some("unkscm.nasdfasser0q239nwsdfasdkl34"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (3923423, Method::Options));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        (
            "TCP",
            Host::Domain("host9.example.com"),
            Some("z9hG4bKkdjuw39234")
        )
    );
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn novelsc_known_but_atypical_request_uri_scheme_is_exposed_for_a_416() {
    // Parses as an absolute URI (a '.' in the scheme is allowed). 416 if the
    // scheme is never served, 404 if only some of its URIs are.
    let raw = load!("novelsc", 277);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    assert_eq!(
        ruri,
        Uri::Other {
            scheme: "soap.beep",
            rest: "//192.0.2.103:3002"
        }
    );
    assert_eq!(ruri.scheme(), "soap.beep");
    assert_eq!(msg.call_id(), Some("novelsc.asdfasser0q239nwsdfasdkl34"));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn unksm2_unknown_uri_schemes_in_header_fields_are_accepted() {
    // Parses. A registrar answers 400 because To is not a SIP or SIPS AOR;
    // a proxy handles it as any other request.
    let raw = load!("unksm2", 282);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Register));
    let to = msg.header::<ToHeader>().expect("To");
    assert!(!to.addr.angle);
    assert_eq!(
        *to.uri(),
        Uri::Other {
            scheme: "isbn",
            rest: "2983792873"
        }
    );
    assert!(to.uri().as_sip().is_none());
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(
        *from.uri(),
        Uri::Other {
            scheme: "http",
            rest: "//www.example.com"
        }
    );
    assert_eq!(from.tag(), Some("3234233"));
    let contact_field = msg
        .fields_named(HeaderName::Contact)
        .next()
        .expect("Contact");
    assert_eq!(contact_field.offset, 255);
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        *contact.uri().expect("not *"),
        Uri::Other {
            scheme: "name",
            rest: "John_Smith"
        }
    );
    assert_eq!(
        msg.call_id(),
        Some("unksm2.daksdj@hyphenated-host.example.com")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (234902, Method::Register));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn bext01_unknown_require_and_proxy_require_tags_are_exposed_for_a_420() {
    // Parses; the option tags are handed up. A UAS answers 420 with the
    // Require tags in Unsupported, a proxy with the Proxy-Require tags.
    let raw = load!("bext01", 381);
    let msg = parse_ok(&raw);
    assert_eq!(&raw[155..163], b"Require:");
    assert_eq!(&raw[212..226], b"Proxy-Require:");
    let require: Vec<&str> = all::<Require>(&msg).iter().map(|r| r.as_str()).collect();
    assert_eq!(
        require,
        ["nothingSupportsThis", "nothingSupportsThisEither"]
    );
    let proxy: Vec<&str> = all::<ProxyRequire>(&msg)
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(
        proxy,
        ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]
    );
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        (
            "TLS",
            Host::Domain("fold-and-staple.example.com"),
            Some("z9hG4bKkdjuw")
        )
    );
    assert_eq!(msg.call_id(), Some("bext01.0ha0isndaksdj"));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn invut_unknown_content_type_is_exposed_for_a_415() {
    // Parses; a UA answers 415, a proxy forwards it as any INVITE.
    let raw = load!("invut", 391);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    let ct_field = msg
        .fields_named(HeaderName::ContentType)
        .next()
        .expect("Content-Type");
    assert_eq!(ct_field.offset, 302);
    let ct = msg.header::<ContentType>().expect("Content-Type");
    assert_eq!(
        (ct.media_type, ct.subtype),
        ("application", "unknownformat")
    );
    assert_eq!(msg.content_length(), Some(40));
    assert_eq!(
        msg.body(),
        b"<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n"
    );
    assert_eq!(msg.call_id(), Some("invut.0ha0isndaksdjadsfij34n23d"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (235448, Method::Invite));
}

#[test]
fn regaut01_unknown_authorization_scheme_is_accepted() {
    // Parses; the credentials keep their scheme and parameter. A proxy
    // forwards the field unchanged (the bytes are kept); a registrar ignores
    // it or answers 401; a UA that is not a registrar answers 405.
    let raw = load!("regaut01", 304);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(&raw[245..265], b"NoOneKnowsThisScheme");
    assert_eq!(
        msg.raw(HeaderName::Authorization),
        Some(&b"NoOneKnowsThisScheme opaque-data=here"[..])
    );
    let auth = msg.header::<Authorization>().expect("Authorization");
    assert_eq!(auth.scheme, "NoOneKnowsThisScheme");
    assert!(!auth.is_digest());
    assert_eq!(auth.params.get("opaque-data"), Some("here"));
    assert_eq!(auth.params.iter().count(), 1);
    // `Content-Length:0`, no space.
    assert_eq!(msg.content_length(), Some(0));
    assert_eq!(msg.call_id(), Some("regaut01.0ha0isndaksdj"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (9338, Method::Register));
}

#[test]
fn multi01_multiple_values_in_single_value_headers_are_exposed_for_a_400() {
    // Parses; every single-valued header appears twice and each occurrence
    // is readable. The UA answers 400 naming the first duplicate in field
    // order: CSeq at 197.
    let raw = load!("multi01", 643);
    let msg = parse_ok(&raw);
    assert_eq!(msg.method(), Some(&Method::Invite));
    let line_of = |offset: usize| {
        let start = raw[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |k| k + 1);
        start
    };
    let starts = |name: HeaderName| -> Vec<usize> {
        msg.fields_named(name).map(|f| line_of(f.offset)).collect()
    };
    assert_eq!(starts(HeaderName::MaxForwards), [128, 470]);
    assert_eq!(starts(HeaderName::CSeq), [146, 197]);
    assert_eq!(starts(HeaderName::CallId), [162, 214]);
    assert_eq!(starts(HeaderName::From), [249, 344]);
    assert_eq!(starts(HeaderName::To), [291, 317]);
    assert_eq!(starts(HeaderName::Contact), [37, 428]);

    assert_eq!(all::<MaxForwards>(&msg), [MaxForwards(70), MaxForwards(5)]);
    let cseqs: Vec<u32> = all::<CSeq>(&msg).iter().map(|c| c.seq).collect();
    assert_eq!(cseqs, [5, 59]);
    assert_eq!(
        all::<CallId>(&msg),
        [
            CallId("multi01.98asdh@192.0.2.1"),
            CallId("multi01.98asdh@192.0.2.2")
        ]
    );
    let froms: Vec<(String, Option<&str>)> = all::<FromHeader>(&msg)
        .iter()
        .map(|f| (f.uri().to_string(), f.tag()))
        .collect();
    assert_eq!(
        froms,
        [
            ("sip:caller@example.com".to_string(), Some("3413415")),
            ("sip:caller@example.net".to_string(), Some("2923420123"))
        ]
    );
    let tos: Vec<String> = all::<ToHeader>(&msg)
        .iter()
        .map(|t| t.uri().to_string())
        .collect();
    assert_eq!(tos, ["sip:user@example.com", "sip:other@example.net"]);
    // Two Contact fields are legal (Contact is a list header).
    assert_eq!(all::<Contact>(&msg).len(), 2);

    let (name, offset) = first_duplicate_single_value(&msg).expect("a duplicate");
    assert_eq!((name, line_of(offset)), (HeaderName::CSeq, 197));
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    assert_eq!(msg.content_length(), Some(154));
    assert_eq!(msg.body().len(), 154);
}

#[test]
fn mcl01_multiple_content_length_values_are_rejected() {
    // Invalid framing: parse fails at the second, conflicting value (its
    // field starts at 268). Over UDP the datagram is discarded; a stream is
    // closed.
    let raw = load!("mcl01", 382);
    assert_eq!(&raw[230..248], b"Content-Length: 13");
    assert_eq!(&raw[268..285], b"Content-Length: 5");
    let err = ParseError::InvalidContentLength {
        offset: 284,
        reason: "a second Content-Length differs from the first",
    };
    assert_eq!(parse_err(&raw), err);
    assert_eq!(frame(&raw, &Limits::default()), Err(err));
    // The body actually present is 67 bytes, matching neither value.
    assert_eq!(raw.len() - 315, 67);
}

#[test]
fn bcast_response_with_a_broadcast_via_is_exposed() {
    // Parses; the second Via's sent-by (offset 85) is the broadcast address.
    // A UA discards the response; a proxy drops it instead of forwarding it
    // there.
    let raw = load!("bcast", 516);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.status(), Some(200));
    assert_eq!(msg.reason(), Some(&b"OK"[..]));
    let vias: Vec<Via> = all(&msg);
    assert_eq!(vias.len(), 2);
    assert_eq!(
        (vias[0].host, vias[0].branch()),
        (
            Host::Ipv4(Ipv4Addr::new(192, 0, 2, 198)),
            Some("z9hG4bK1324923")
        )
    );
    assert_eq!(&raw[85..100], b"255.255.255.255");
    assert_eq!(
        (vias[1].host, vias[1].branch()),
        (Host::Ipv4(Ipv4Addr::BROADCAST), Some("z9hG4bK1saber23"))
    );
    assert!(matches!(vias[1].host.ip(), Some(std::net::IpAddr::V4(a)) if a.is_broadcast()));
    assert_eq!(
        msg.call_id(),
        Some("bcast.0384840201234ksdfak3j2erwedfsASdf")
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (35, Method::Invite));
    assert_eq!(msg.content_length(), Some(154));
    assert_eq!(msg.body().len(), 154);
    let contact = msg.header::<Contact>().expect("Contact");
    assert_eq!(
        contact.uri().expect("not *").to_string(),
        "sip:user@host28.example.com"
    );
}

#[test]
fn zeromf_max_forwards_of_zero_is_accepted() {
    // Parses with Max-Forwards 0 (field at 234): a proxy answers 483 and does
    // not forward; a UA processes the request.
    let raw = load!("zeromf", 272);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(&raw[234..249], b"Max-Forwards: 0");
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(0)));
    assert_eq!(msg.call_id(), Some("zeromf.jfasdlfnm2o2l43r5u0asdfas"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (39234321, Method::Options));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn cparam01_contact_header_parameter_is_accepted() {
    // addr-spec form: `;unknownparam` (at 298) belongs to the Contact header,
    // not to the URI.
    let raw = load!("cparam01", 321);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(&raw[298..311], b";unknownparam");
    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert!(!c.addr.angle);
    let u = sip(c.uri());
    assert_eq!(c.uri().to_string(), "sip:+19725552222@gw1.example.net");
    assert!(u.params.is_empty());
    assert_eq!(
        c.params.iter().collect::<Vec<_>>(),
        [("unknownparam", None)]
    );
    assert_eq!(
        msg.header::<FromHeader>().expect("From").tag(),
        Some("DkfVgjkrtMwaerKKpe")
    );
    assert_eq!(msg.call_id(), Some("cparam01.70710@saturn.example.com"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (2, Method::Register));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn cparam02_contact_uri_parameter_is_accepted() {
    // name-addr form: `;unknownparam` (at 287) is inside '<...>', a URI
    // parameter; the Contact has no header parameters.
    let raw = load!("cparam02", 311);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(&raw[287..301], b";unknownparam>");
    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert!(c.addr.angle);
    let u = sip(c.uri());
    assert_eq!(
        (u.user, u.host),
        (Some("+19725552222"), Host::Domain("gw1.example.net"))
    );
    assert_eq!(uri_params(u), [("unknownparam", None)]);
    assert!(c.params.is_empty());
    assert_eq!(
        msg.header::<FromHeader>().expect("From").tag(),
        Some("838293")
    );
    assert_eq!(msg.call_id(), Some("cparam02.70710@saturn.example.com"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (3, Method::Register));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn regescrt_contact_uri_with_an_escaped_header_is_accepted() {
    // Compact `M:`; the URI keeps its `Route` header (the '?' at 260), which
    // unescapes to `<sip:sip.example.com>`; the binding keeps it as written.
    let raw = load!("regescrt", 302);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(raw[260], b'?');
    let field = msg
        .fields_named(HeaderName::Contact)
        .next()
        .expect("Contact");
    assert_eq!(field.name_bytes, b"M");
    let contact = msg.header::<Contact>().expect("Contact");
    let u = sip(contact.uri().expect("not *"));
    assert_eq!(
        (u.user, u.host),
        (Some("user"), Host::Domain("example.com"))
    );
    assert_eq!(u.headers.iter().count(), 1);
    let route = u.header("Route").expect("URI header");
    assert_eq!(route, "%3Csip:sip.example.com%3E");
    assert_eq!(&*unescape(route), b"<sip:sip.example.com>");
    // Written back, the URI header is still there.
    assert_eq!(contact.to_value_bytes(), field.value);
    assert_eq!(msg.content_length(), Some(0));
    assert_eq!(msg.call_id(), Some("regescrt.k345asrl3fdbv@192.0.2.1"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (14398234, Method::Register));
    assert_eq!(msg.header::<FromHeader>().expect("From").tag(), Some("8"));
}

#[test]
fn sdp01_unacceptable_accept_offering_is_exposed_for_a_406() {
    // Parses; the only acceptable type is one nobody knows (value at 203).
    // The UA answers 406 with a Warning 399, or 400 (SDP is mandatory).
    let raw = load!("sdp01", 494);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    let accept: Vec<Accept> = all(&msg);
    assert_eq!(accept.len(), 1);
    assert_eq!(
        (accept[0].media_type, accept[0].subtype),
        ("text", "nobodyKnowsThis")
    );
    assert!(!accept[0].matches("application", "sdp"));
    let field = msg.fields_named(HeaderName::Accept).next().expect("Accept");
    assert_eq!(field.offset, 203);
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    assert_eq!(msg.content_length(), Some(150));
    assert_eq!(msg.body().len(), 150);
    assert_eq!(msg.call_id(), Some("sdp01.ndaksdj9342dasdd"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8, Method::Invite));
}

// ---- §3.4 backward compatibility -------------------------------------------

#[test]
fn inv2543_rfc_2543_syntax_is_accepted_as_a_datagram() {
    // No branch, no From tag, no Max-Forwards, no Content-Length: as a
    // datagram it parses and the body runs to the end (offsets 340–444). A
    // UA keeping RFC 2543 compatibility matches transactions the old way.
    let raw = load!("inv2543", 445);
    let msg = parse_ok(&raw);
    assert_eq!(&msg.to_bytes()[..], &raw[..]);
    assert_eq!(msg.method(), Some(&Method::Invite));
    assert_eq!(msg.request_uri_str(), Some("sip:UserB@example.com"));
    let via = msg.header::<Via>().expect("Via");
    assert_eq!(
        (via.transport, via.host, via.branch()),
        ("UDP", Host::Domain("iftgw.example.com"), None)
    );
    assert!(!via.has_magic_cookie());
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.tag(), None);
    assert_eq!(sip(from.uri()).user_param(), Some("phone"));
    let rr = msg.header::<RecordRoute>().expect("Record-Route");
    assert_eq!(sip(rr.uri()).maddr(), Some("ss1.example.com"));
    // addr-spec form: `;user=phone` is a To header parameter.
    let to = msg.header::<ToHeader>().expect("To");
    assert!(sip(to.uri()).params.is_empty());
    assert_eq!(to.params.get("user"), Some(Some("phone")));
    assert_eq!(to.uri().to_string(), "sip:+16505552222@ss1.example.net");
    assert_eq!(msg.call_id(), Some("inv2543.1717@ift.client.example.com"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (56, Method::Invite));
    assert_eq!(msg.content_length(), None);
    assert_eq!(msg.header_opt::<MaxForwards>(), Ok(None));
    assert_eq!(msg.body(), &raw[340..]);
    assert_eq!(msg.body().len(), 105);
    // On a stream the missing Content-Length is a framing error.
    assert_eq!(
        Message::parse_stream_message(Bytes::from(raw.clone()), &Limits::default())
            .map(|m| m.to_bytes()),
        Err(ParseError::MissingContentLength { offset: 0 })
    );
}

// ---- not described by the RFC ----------------------------------------------

#[test]
fn test_dat_without_a_sip_version_is_rejected() {
    // In the archive but in no section. sansip rejects it at its first
    // error: the request line ends (26) with no SP and SIP-Version.
    let raw = load!("test", 318);
    assert_eq!(&raw[..28], b"INVITE sip:alan@jasomi.com\r\n");
    assert_eq!(
        parse_err(&raw),
        syntax(
            "Request-Line",
            26,
            "SP and a SIP version after the Request-URI"
        )
    );
}
