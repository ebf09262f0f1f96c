//! Every parser limit and structural error: the right variant, the right
//! offset, and never a panic.

use bytes::Bytes;
use sansip::message::{Limits, Message, ParseError};

fn parse(raw: &[u8]) -> Result<Message, ParseError> {
    Message::parse(Bytes::copy_from_slice(raw))
}

fn parse_with(raw: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    Message::parse_with(Bytes::copy_from_slice(raw), limits)
}

const OPTIONS_HEAD: &str = "OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: x\r\n";

#[test]
fn message_over_the_size_limit_is_refused_before_scanning() {
    let limits = Limits {
        max_message_size: 64,
        ..Limits::default()
    };
    let raw = format!("{OPTIONS_HEAD}X-Pad: {}\r\n\r\n", "a".repeat(100));
    assert_eq!(
        parse_with(raw.as_bytes(), &limits).unwrap_err(),
        ParseError::MessageTooLarge {
            size: raw.len(),
            limit: 64
        }
    );
}

#[test]
fn header_count_limit_points_at_the_first_field_over_it() {
    let limits = Limits {
        max_headers: 3,
        ..Limits::default()
    };
    let raw = format!("{OPTIONS_HEAD}A: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    let offset = raw.find("C: 3").unwrap();
    assert_eq!(
        parse_with(raw.as_bytes(), &limits).unwrap_err(),
        ParseError::TooManyHeaders { offset, limit: 3 }
    );
}

#[test]
fn long_folded_header_line_hits_the_line_limit() {
    let limits = Limits {
        max_line_length: 50,
        ..Limits::default()
    };
    let raw = format!(
        "{OPTIONS_HEAD}Subject: {}\r\n {}\r\n\r\n",
        "a".repeat(30),
        "b".repeat(30)
    );
    let offset = raw.find("Subject").unwrap();
    assert_eq!(
        parse_with(raw.as_bytes(), &limits).unwrap_err(),
        ParseError::LineTooLong { offset, limit: 50 }
    );
}

#[test]
fn via_values_are_counted_across_fields_and_commas() {
    let limits = Limits {
        max_via: 3,
        ..Limits::default()
    };
    let ok = format!("{OPTIONS_HEAD}Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b\r\nv: SIP/2.0/UDP c\r\n\r\n");
    assert!(parse_with(ok.as_bytes(), &limits).is_ok());
    let over = format!("{OPTIONS_HEAD}Via: SIP/2.0/UDP a, SIP/2.0/UDP b\r\nVia: SIP/2.0/UDP c, SIP/2.0/UDP d\r\n\r\n");
    let offset = over.rfind("Via:").unwrap();
    assert_eq!(
        parse_with(over.as_bytes(), &limits).unwrap_err(),
        ParseError::TooManyValues {
            header: "Via",
            offset,
            limit: 3
        }
    );
}

#[test]
fn route_limit_counts_route_and_record_route() {
    let limits = Limits {
        max_route: 2,
        ..Limits::default()
    };
    let raw = format!(
        "{OPTIONS_HEAD}Route: <sip:p1;lr>\r\nRecord-Route: <sip:p2;lr>, <sip:p3;lr>\r\n\r\n"
    );
    assert!(matches!(
        parse_with(raw.as_bytes(), &limits),
        Err(ParseError::TooManyValues {
            header: "Record-Route",
            limit: 2,
            ..
        })
    ));
}

#[test]
fn content_length_beyond_the_datagram_is_truncation() {
    let raw = format!("{OPTIONS_HEAD}Content-Length: 10\r\n\r\nabc");
    assert_eq!(
        parse(raw.as_bytes()).unwrap_err(),
        ParseError::BodyTruncated {
            declared: 10,
            available: 3
        }
    );
}

#[test]
fn content_length_over_the_body_limit_is_refused() {
    let limits = Limits {
        max_body_size: 2,
        ..Limits::default()
    };
    let raw = format!("{OPTIONS_HEAD}Content-Length: 3\r\n\r\nabc");
    assert_eq!(
        parse_with(raw.as_bytes(), &limits).unwrap_err(),
        ParseError::BodyTooLarge {
            declared: 3,
            limit: 2
        }
    );
}

#[test]
fn bytes_after_content_length_in_a_datagram_are_not_body() {
    let raw = format!("{OPTIONS_HEAD}Content-Length: 3\r\n\r\nabcdef");
    let m = parse(raw.as_bytes()).unwrap();
    assert_eq!(m.body(), b"abc");
    assert_eq!(m.to_bytes().len(), raw.len() - 3);
}

#[test]
fn datagram_without_content_length_takes_the_rest_as_body() {
    let raw = format!("{OPTIONS_HEAD}\r\nhello");
    assert_eq!(parse(raw.as_bytes()).unwrap().body(), b"hello");
}

#[test]
fn conflicting_content_lengths_are_an_error() {
    let raw = format!("{OPTIONS_HEAD}Content-Length: 3\r\nl: 4\r\n\r\nabcd");
    let offset = raw.find("4\r\n\r\n").unwrap();
    assert_eq!(
        parse(raw.as_bytes()).unwrap_err(),
        ParseError::InvalidContentLength {
            offset,
            reason: "a second Content-Length differs from the first"
        }
    );
}

#[test]
fn structural_errors_say_where_and_what() {
    let cases: &[(&[u8], &str, &str)] = &[
        (
            b"OPTIONS sip:a SIP/2.0\r\nNoColonHere\r\n\r\n",
            "header field",
            "':' after the header name",
        ),
        (
            b"OPTIONS sip:a SIP/2.0\r\nBad Name: x\r\n\r\n",
            "header name",
            "a token character or ':'",
        ),
        (
            b"OPTIONS  sip:a SIP/2.0\r\n\r\n",
            "Request-Line",
            "a Request-URI (one SP between elements)",
        ),
        (
            b"OPTIONS sip:a HTTP/1.1\r\n\r\n",
            "Request-Line",
            "a SIP version like SIP/2.0 at the end of the line",
        ),
        (
            b"SIP/2.0 20 OK\r\n\r\n",
            "Status-Line",
            "a three-digit status code",
        ),
        (
            b"SIP/2.0 700 Nope\r\n\r\n",
            "Status-Line",
            "a status code from 100 to 699",
        ),
        (
            b"SIP/2.0 200OK\r\n\r\n",
            "Status-Line",
            "SP after the status code",
        ),
        (
            b"OPTIONS sip:a SIP/2.0\r\n folded-first: x\r\n\r\n",
            "header field",
            "a header name (not a continuation line)",
        ),
    ];
    for (raw, what, expected) in cases {
        match parse(raw) {
            Err(ParseError::Syntax {
                what: w,
                expected: e,
                ..
            }) => {
                assert_eq!(
                    (w, e),
                    (*what, *expected),
                    "{}",
                    String::from_utf8_lossy(raw)
                );
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(raw)),
        }
    }
}

#[test]
fn request_line_errors_point_at_the_offending_byte() {
    // (line, offset, expected): white space inside the Request-URI, after
    // the version, or no version at all (RFC 4475 lwsruri, trws, test.dat).
    let cases: &[(&[u8], usize, &str)] = &[
        (
            b"INVITE sip:a@h; lr SIP/2.0\r\n\r\n",
            15,
            "a Request-URI without white space",
        ),
        (
            b"OPTIONS sip:a SIP/2.0  \r\n\r\n",
            21,
            "CRLF after the SIP version",
        ),
        (
            b"INVITE sip:a@h\r\n\r\n",
            14,
            "SP and a SIP version after the Request-URI",
        ),
        (
            b"OPTIONS sip:a SIP/2.0 x\r\n\r\n",
            14,
            "a SIP version like SIP/2.0 at the end of the line",
        ),
    ];
    for (raw, offset, expected) in cases {
        assert_eq!(
            parse(raw).unwrap_err(),
            ParseError::Syntax {
                what: "Request-Line",
                offset: *offset,
                expected
            },
            "{}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn missing_blank_line_is_incomplete_for_a_datagram() {
    let raw = b"OPTIONS sip:a SIP/2.0\r\nCall-ID: x\r\n";
    assert_eq!(
        parse(raw).unwrap_err(),
        ParseError::Incomplete {
            len: raw.len(),
            what: "header section"
        }
    );
}

#[test]
fn leading_crlfs_and_bare_lf_line_ends_are_accepted() {
    let m = parse(b"\r\n\r\nOPTIONS sip:a SIP/2.0\nCall-ID: x\n\n").unwrap();
    assert_eq!(m.call_id(), Some("x"));
    assert_eq!(&m.to_bytes()[..], b"OPTIONS sip:a SIP/2.0\nCall-ID: x\n\n");
}

#[test]
fn every_prefix_of_a_message_fails_cleanly() {
    let raw = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/corpus/02-invite-webrtc-wss.sip"
    ))
    .unwrap();
    // The message declares its Content-Length, so every proper prefix is an
    // error: Incomplete before the blank line, BodyTruncated after it. And
    // none may panic.
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    for cut in 0..raw.len() {
        match parse(&raw[..cut]) {
            Err(ParseError::BodyTruncated { available, .. }) => {
                assert!(cut >= head_end, "cut {cut}");
                assert_eq!(available, cut - head_end);
            }
            Err(_) => assert!(
                cut < head_end,
                "cut {cut}: body cut should be BodyTruncated"
            ),
            Ok(_) => panic!("a {cut}-byte prefix of a {}-byte message parsed", raw.len()),
        }
    }
    assert!(parse(&raw).is_ok());
}
