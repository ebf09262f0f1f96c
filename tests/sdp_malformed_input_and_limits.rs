//! Malformed descriptions are refused with the line number and what was
//! expected there; limits are enforced with typed errors; typed views of
//! bad attributes fail alone, without failing the description.

use bytes::Bytes;
use sansip::sdp::*;

const HEAD: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

fn parse(text: &str) -> Result<Sdp, SdpError> {
    Sdp::parse(Bytes::copy_from_slice(text.as_bytes()))
}

fn syntax_line(text: &str) -> usize {
    match parse(text) {
        Err(SdpError::Syntax { line, .. }) => line,
        other => panic!("{text:?} gave {other:?}"),
    }
}

#[test]
fn malformed_lines_are_reported_with_their_line_number() {
    assert_eq!(
        syntax_line("o=- 1 1 IN IP4 h\r\nv=0\r\n"),
        1,
        "v= must come first"
    );
    assert_eq!(syntax_line("v=1\r\n"), 1, "only version 0");
    assert_eq!(syntax_line(&format!("{HEAD}m=audio x RTP/AVP 0\r\n")), 5);
    assert_eq!(
        syntax_line(&format!("{HEAD}m=audio 4000 RTP/AVP\r\n")),
        5,
        "m= needs a format"
    );
    assert_eq!(
        syntax_line(&format!("{HEAD}m=audio 70000 RTP/AVP 0\r\n")),
        5
    );
    assert_eq!(syntax_line(&format!("{HEAD}c=IN IP4\r\n")), 5);
    assert_eq!(syntax_line(&format!("{HEAD}a=x\r\nnot a line\r\n")), 6);
    assert_eq!(syntax_line(&format!("{HEAD}a =rtcp-mux\r\n")), 5);
    assert_eq!(syntax_line(&format!("{HEAD}=x\r\n")), 5);
    assert_eq!(syntax_line(&format!("{HEAD}a=x\0y\r\n")), 5);
    assert_eq!(syntax_line(&format!("{HEAD}a=x\ry\r\n")), 5);
    assert_eq!(
        syntax_line(&format!("{HEAD}\r\na=x\r\n")),
        5,
        "blank line inside"
    );
    assert_eq!(syntax_line("v=0\r\no=- x 1 IN IP4 h\r\ns=-\r\n"), 2);
    assert_eq!(syntax_line("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n"), 2);
    assert_eq!(
        syntax_line("v=0\r\no=- 1 1 IN IP4 h\r\no=- 1 1 IN IP4 h\r\ns=-\r\n"),
        3
    );
    assert_eq!(syntax_line(""), 1);
    let e = parse(&format!("{HEAD}m=audio x RTP/AVP 0\r\n")).unwrap_err();
    assert_eq!(e.line(), Some(5));
    assert!(e.to_string().contains("line 5"), "{e}");
}

#[test]
fn missing_origin_or_session_name_is_refused() {
    assert_eq!(
        parse("v=0\r\ns=-\r\nt=0 0\r\n"),
        Err(SdpError::Missing { field: "o=" })
    );
    assert_eq!(
        parse("v=0\r\no=- 1 1 IN IP4 h\r\nt=0 0\r\n"),
        Err(SdpError::Missing { field: "s=" })
    );
}

#[test]
fn trailing_blank_lines_and_a_missing_final_line_end_are_accepted() {
    let with_blank = format!("{HEAD}m=audio 1 RTP/AVP 0\r\n\r\n");
    let sdp = parse(&with_blank).unwrap();
    assert_eq!(sdp.to_bytes(), with_blank.as_bytes());
    assert_eq!(sdp.media().len(), 1);
    let unterminated = format!("{HEAD}m=audio 1 RTP/AVP 0");
    let sdp = parse(&unterminated).unwrap();
    assert_eq!(sdp.to_bytes(), unterminated.as_bytes());
    assert!(sdp.normalized().ends_with(b"m=audio 1 RTP/AVP 0\r\n"));
}

#[test]
fn bad_attributes_fail_only_their_typed_view() {
    let text = format!(
        "{HEAD}m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\na=rtpmap:200 x/8000\r\n\
         a=candidate:1 1 udp 1 h 9 type host\r\na=fingerprint:sha-256 GG:00\r\n\
         a=setup:sideways\r\na=sctp-port:99999\r\na=crypto:1 S\r\na=extmap:x u\r\n"
    );
    let sdp = parse(&text).unwrap();
    let m = &sdp.media()[0];
    let errs: Vec<FieldError> = m.attrs::<Rtpmap>().map(Result::unwrap_err).collect();
    assert_eq!(errs[0].line, Some(6));
    assert_eq!(errs[0].field, "rtpmap");
    assert_eq!(errs[0].expected, "'/' and clock rate");
    assert_eq!(errs[1].line, Some(7));
    assert_eq!(errs[1].offset, "rtpmap:".len());
    let c = m.attr::<Candidate>().unwrap().unwrap_err();
    assert_eq!((c.line, c.expected), (Some(8), "'typ'"));
    assert_eq!(c.offset, "candidate:1 1 udp 1 h 9 ".len());
    assert_eq!(m.attr::<Fingerprint>().unwrap().unwrap_err().line, Some(9));
    assert_eq!(m.attr::<Setup>().unwrap().unwrap_err().line, Some(10));
    assert_eq!(m.attr::<SctpPort>().unwrap().unwrap_err().line, Some(11));
    assert_eq!(m.attr::<Crypto>().unwrap().unwrap_err().line, Some(12));
    assert_eq!(m.attr::<Extmap>().unwrap().unwrap_err().line, Some(13));
    assert!(m.attr::<Mid>().is_none());
}

#[test]
fn every_limit_has_its_typed_error() {
    let l = SdpLimits::default();
    let big = format!("{HEAD}a={}\r\n", "x".repeat(l.max_size));
    assert!(matches!(
        Sdp::parse(Bytes::from(big)),
        Err(SdpError::TooLarge { limit, .. }) if limit == l.max_size
    ));

    let lines = SdpLimits {
        max_lines: 5,
        ..SdpLimits::default()
    };
    let text = format!("{HEAD}a=1\r\na=2\r\n");
    assert_eq!(
        Sdp::parse_with_limits(Bytes::from(text.clone()), &lines),
        Err(SdpError::TooManyLines { line: 6, limit: 5 })
    );

    let long = SdpLimits {
        max_line_length: 10,
        ..SdpLimits::default()
    };
    assert_eq!(
        Sdp::parse_with_limits(Bytes::from(text.clone()), &long),
        Err(SdpError::LineTooLong { line: 2, limit: 10 })
    );

    let attrs = SdpLimits {
        max_attributes: 1,
        ..SdpLimits::default()
    };
    assert_eq!(
        Sdp::parse_with_limits(Bytes::from(text), &attrs),
        Err(SdpError::TooManyAttributes { line: 6, limit: 1 })
    );
    // The count starts again in each media section.
    let per_section = format!("{HEAD}a=1\r\nm=audio 1 RTP/AVP 0\r\na=2\r\n");
    assert!(Sdp::parse_with_limits(Bytes::from(per_section), &attrs).is_ok());

    let media = SdpLimits {
        max_media: 2,
        ..SdpLimits::default()
    };
    let three = format!("{HEAD}{}", "m=audio 1 RTP/AVP 0\r\n".repeat(3));
    assert_eq!(
        Sdp::parse_with_limits(Bytes::from(three), &media),
        Err(SdpError::TooManyMedia { line: 7, limit: 2 })
    );
}

#[test]
fn builders_refuse_values_that_would_break_the_grammar() {
    let o = Origin {
        username: "-",
        session_id: "1",
        session_version: 1,
        net_type: "IN",
        addr_type: "IP4",
        address: "192.0.2.1",
    };
    let mut sdp = Sdp::new(&o, "-").unwrap();
    assert!(sdp
        .push_attribute("x", Some("a\r\nm=audio 1 RTP/AVP 0"))
        .is_err());
    assert!(sdp.push_line('c', "nonsense").is_err());
    assert!(sdp.push_line('m', "audio 1 RTP/AVP 0").is_err());
    assert!(sdp.push_line('1', "x").is_err());
    assert!(Media::new("audio", 1, "RTP/AVP", &["0 \n"]).is_err());
    assert!(Sdp::new(
        &Origin {
            address: "two words",
            ..o
        },
        "-"
    )
    .is_err());
    let mut m = Media::new("audio", 1, "RTP/AVP", &["0"]).unwrap();
    assert!(m.push_line('c', "IN IP4").is_err());
    assert!(m.push_attr(&Mid("a\nb")).is_err());
}

#[test]
fn built_descriptions_keep_rfc_8866_line_order() {
    let o = Origin {
        username: "alice",
        session_id: "7",
        session_version: 3,
        net_type: "IN",
        addr_type: "IP6",
        address: "2001:db8::1",
    };
    let mut sdp = Sdp::new(&o, "call").unwrap();
    sdp.push_attribute("group", Some("BUNDLE a")).unwrap();
    sdp.push_line('b', "AS:64").unwrap();
    sdp.push_line('c', "IN IP6 2001:db8::1").unwrap();
    sdp.push_line('i', "info").unwrap();
    let mut m = Media::new("audio", 5004, "RTP/AVP", &["0", "101"]).unwrap();
    m.push_attr(&Rtpmap {
        payload_type: 101,
        encoding: "telephone-event",
        clock_rate: 8000,
        channels: None,
    })
    .unwrap();
    m.push_line('c', "IN IP6 2001:db8::2").unwrap();
    m.push_attr(&Mid("a")).unwrap();
    m.set_direction(Direction::RecvOnly);
    m.push_line('b', "AS:64").unwrap();
    sdp.push_media(m);
    let text = String::from_utf8(sdp.to_bytes().to_vec()).unwrap();
    assert_eq!(
        text,
        "v=0\r\no=alice 7 3 IN IP6 2001:db8::1\r\ns=call\r\ni=info\r\nc=IN IP6 2001:db8::1\r\n\
         b=AS:64\r\nt=0 0\r\na=group:BUNDLE a\r\nm=audio 5004 RTP/AVP 0 101\r\n\
         c=IN IP6 2001:db8::2\r\nb=AS:64\r\na=rtpmap:101 telephone-event/8000\r\na=mid:a\r\na=recvonly\r\n"
    );
    let again = Sdp::parse(sdp.to_bytes()).unwrap();
    assert_eq!(again.media()[0].direction(), Some(Direction::RecvOnly));
    assert_eq!(again.origin().unwrap(), o);
}
