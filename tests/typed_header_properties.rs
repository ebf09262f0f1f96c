//! Properties of the typed header parsers on arbitrary text: they never
//! panic, and whatever they accept writes back to text that parses to an
//! equal value and writes the same again.

use proptest::prelude::*;
use sansip::message::headers::*;
use sansip::message::TypedHeader;

/// Pieces of header grammar, glued in random order.
const ATOMS: &[&str] = &[
    "a",
    "Z9",
    "realm",
    "nonce",
    "nc",
    "00000001",
    "=",
    ",",
    ";",
    " ",
    "\"x, y\"",
    "\"\\\"\"",
    "/",
    "*",
    "q",
    "0.5",
    "(",
    ")",
    "\\",
    ":",
    "@",
    "[::1]",
    "\u{e9}",
    "\r\n ",
    "GMT",
    "Nov",
    "23:29:00",
    "2010",
    "13",
    ".",
    "-",
    "1",
    "Digest",
    "expires",
    "refresher",
    "uac",
    "text",
    "\"t\"",
    "5060",
    "example.com",
];

/// Text built from the characters header grammars care about (plus
/// multi-byte characters), or from grammar pieces, after a prefix that
/// reaches deeper grammar.
fn header_text() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec![
        "",
        "Digest ",
        "Digest realm=",
        "Digest nc=",
        "Basic ",
        "text/plain",
        "*/*;q=",
        "presence",
        "terminated;",
        "1 2 ",
        "120 (",
        "120 ",
        "Sat, 13 Nov 2010 ",
        "Sat, 13 Nov 2010 23:29:0",
        "399 a \"",
        "399 [::1]:5060 ",
        "SIP;cause=",
        "54.",
    ]);
    let chars = "[ a-zA-Z0-9\"\\\\,;=:/.()@<>\\[\\]*\t\r\n\u{e9}\u{1F600}-]{0,40}";
    let atoms = prop::collection::vec(prop::sample::select(ATOMS), 0..14).prop_map(|v| v.concat());
    prop_oneof![
        (prefix.clone(), chars).prop_map(|(p, b)| format!("{p}{b}")),
        (prefix, atoms).prop_map(|(p, b)| format!("{p}{b}")),
    ]
}

fn round_trips<'a, H>(text: &'a str) -> Result<(), TestCaseError>
where
    H: TypedHeader<'a> + PartialEq + std::fmt::Debug,
{
    let Ok(value) = H::parse(text) else {
        return Ok(());
    };
    let first = value.to_value_bytes();
    let first_text =
        String::from_utf8(first.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    // Leak so the re-parsed view can borrow for 'a (tests only).
    let first_text: &'a str = Box::leak(first_text.into_boxed_str());
    let again = H::parse(first_text)
        .map_err(|e| TestCaseError::fail(format!("{text:?} wrote {first_text:?}: {e}")))?;
    prop_assert_eq!(&again, &value, "{:?} -> {:?}", text, first_text);
    prop_assert_eq!(again.to_value_bytes(), first, "{:?}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_and_round_trip(s in header_text()) {
        let s: &'static str = Box::leak(s.into_boxed_str());
        round_trips::<WwwAuthenticate>(s)?;
        round_trips::<ProxyAuthenticate>(s)?;
        round_trips::<Authorization>(s)?;
        round_trips::<ProxyAuthorization>(s)?;
        round_trips::<AuthenticationInfo>(s)?;
        round_trips::<Allow>(s)?;
        round_trips::<Supported>(s)?;
        round_trips::<Require>(s)?;
        round_trips::<ProxyRequire>(s)?;
        round_trips::<Unsupported>(s)?;
        round_trips::<AllowEvents>(s)?;
        round_trips::<Accept>(s)?;
        round_trips::<AcceptEncoding>(s)?;
        round_trips::<AcceptLanguage>(s)?;
        round_trips::<ContentType>(s)?;
        round_trips::<ContentEncoding>(s)?;
        round_trips::<ContentDisposition>(s)?;
        round_trips::<ContentLanguage>(s)?;
        round_trips::<Event>(s)?;
        round_trips::<SubscriptionState>(s)?;
        round_trips::<RAck>(s)?;
        round_trips::<SessionExpires>(s)?;
        round_trips::<MinSe>(s)?;
        round_trips::<Reason>(s)?;
        round_trips::<RetryAfter>(s)?;
        round_trips::<Timestamp>(s)?;
        round_trips::<Date>(s)?;
        round_trips::<Warning>(s)?;
        round_trips::<Priority>(s)?;
        round_trips::<MimeVersion>(s)?;
        round_trips::<InReplyTo>(s)?;
    }

    #[test]
    fn accessors_never_panic(s in header_text()) {
        if let Ok(c) = Challenge::parse(&s) {
            let _ = (c.realm(), c.domain(), c.nonce(), c.opaque(), c.stale(), c.algorithm(), c.userhash(), c.charset());
            let _ = c.qop_options().map(|q| q.iter().count());
            let _ = c.algorithm().map(|a| a.is_session());
        }
        if let Ok(c) = Credentials::parse(&s) {
            let _ = (c.username(), c.uri(), c.response(), c.cnonce(), c.qop(), c.nc(), c.userhash());
        }
        let p = AuthParams::new(&s);
        prop_assert!(p.iter().take(1000).count() < 1000);
        let _ = QopOptions::new(&s).iter().count();
        let _ = SipDate::parse(&s).map(|d| (d.unix_time(), d.to_string()));
    }

    #[test]
    fn unix_time_round_trips(secs in 0u64..253_402_300_800) {
        let d = SipDate::from_unix_time(secs).expect("year below 10000");
        prop_assert_eq!(d.unix_time(), secs as i64);
        prop_assert_eq!(SipDate::parse(&d.to_string()).ok(), Some(d));
    }
}
