//! Round-trip properties over generated descriptions: any well-formed
//! SDP (CRLF or LF ends, known and unknown lines and attributes) parses,
//! keeps its bytes, and is stable through parse -> serialize -> parse;
//! typed attributes built from generated fields read back equal; any
//! bytes at all never make the parser panic.
//!
//! The check is the `parse_sdp` fuzz target's (`fuzz/src/sdp.rs`).

#[allow(unreachable_pub, dead_code)]
#[path = "../fuzz/src/sdp.rs"]
mod fuzz_sdp;

use bytes::Bytes;
use fuzz_sdp::check_parse_sdp;
use proptest::prelude::*;
use sansip::sdp::*;

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9+/._-]{1,12}"
}

fn attribute() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            0u8..128,
            word(),
            1u32..200_000,
            proptest::option::of(1u16..9)
        )
            .prop_map(|(pt, enc, clock, ch)| match ch {
                Some(c) => format!("rtpmap:{pt} {enc}/{clock}/{c}"),
                None => format!("rtpmap:{pt} {enc}/{clock}"),
            }),
        (
            0u8..128,
            "[a-z-]{1,8}=[0-9]{1,4}(;[a-z]{1,5}=[0-9]{1,3}){0,3}"
        )
            .prop_map(|(pt, p)| format!("fmtp:{pt} {p}")),
        prop_oneof![
            Just("sendrecv"),
            Just("sendonly"),
            Just("recvonly"),
            Just("inactive")
        ]
        .prop_map(str::to_owned),
        word().prop_map(|m| format!("mid:{m}")),
        proptest::collection::vec(word(), 0..4)
            .prop_map(|m| format!("group:BUNDLE {}", m.join(" "))),
        (
            "[a-zA-Z0-9+/]{1,32}",
            1u16..3,
            any::<u32>(),
            "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
            any::<u16>(),
            prop_oneof![Just("host"), Just("srflx"), Just("relay"), Just("prflx")],
            proptest::option::of(any::<u16>()),
        )
            .prop_map(|(f, c, p, a, port, t, r)| {
                let rel = r.map_or(String::new(), |r| format!(" raddr {a} rport {r}"));
                format!("candidate:{f} {c} udp {p} {a} {port} typ {t}{rel} generation 0")
            }),
        proptest::collection::vec(any::<u8>(), 1..40).prop_map(|b| {
            let hex: Vec<String> = b.iter().map(|x| format!("{x:02X}")).collect();
            format!("fingerprint:sha-256 {}", hex.join(":"))
        }),
        prop_oneof![
            Just("active"),
            Just("passive"),
            Just("actpass"),
            Just("holdconn")
        ]
        .prop_map(|s| format!("setup:{s}")),
        any::<u16>().prop_map(|p| format!("rtcp:{p} IN IP4 0.0.0.0")),
        (0u8..128, word()).prop_map(|(p, k)| format!("rtcp-fb:{p} {k} pli")),
        (any::<u32>(), word()).prop_map(|(s, c)| format!("ssrc:{s} cname:{c}")),
        (1u16..15, word()).prop_map(|(i, u)| format!("extmap:{i}/sendonly urn:{u}")),
        any::<u16>().prop_map(|p| format!("sctp-port:{p}")),
        any::<u64>().prop_map(|p| format!("max-message-size:{p}")),
        (any::<u32>(), "[A-Za-z0-9+/]{40}")
            .prop_map(|(t, k)| format!("crypto:{t} AES_CM_128_HMAC_SHA1_80 inline:{k}|2^20|1:4")),
        Just("rtcp-mux".to_owned()),
        Just("end-of-candidates".to_owned()),
        // Unknown attributes, odd white space and all.
        "[a-zA-Z-]{1,10}(:[ -~]{0,30})?",
    ]
}

/// A line of a type this crate has no view for.
fn unknown_line() -> impl Strategy<Value = String> {
    ("[dfghjlnqwxy]", "[ -~]{1,30}").prop_map(|(k, v)| format!("{k}={v}"))
}

fn media() -> impl Strategy<Value = Vec<String>> {
    (
        prop_oneof![Just("audio"), Just("video"), Just("application")],
        any::<u16>(),
        prop_oneof![
            Just("RTP/AVP"),
            Just("UDP/TLS/RTP/SAVPF"),
            Just("UDP/DTLS/SCTP")
        ],
        proptest::collection::vec(0u8..128, 1..6),
        proptest::collection::vec(attribute(), 0..12),
        proptest::collection::vec(unknown_line(), 0..2),
    )
        .prop_map(|(kind, port, proto, fmts, attrs, unknown)| {
            let f: Vec<String> = fmts.iter().map(u8::to_string).collect();
            let mut lines = vec![format!("m={kind} {port} {proto} {}", f.join(" "))];
            lines.push("c=IN IP4 192.0.2.1".to_owned());
            lines.extend(attrs.into_iter().map(|a| format!("a={a}")));
            lines.extend(unknown);
            lines
        })
}

fn description() -> impl Strategy<Value = (Vec<u8>, usize)> {
    (
        any::<u64>(),
        any::<u64>(),
        proptest::collection::vec(attribute(), 0..6),
        proptest::collection::vec(unknown_line(), 0..3),
        proptest::collection::vec(media(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(id, version, attrs, unknown, media, lf)| {
            let mut lines = vec![
                "v=0".to_owned(),
                format!("o=- {id} {version} IN IP4 192.0.2.1"),
                "s=-".to_owned(),
                "t=0 0".to_owned(),
            ];
            lines.extend(unknown);
            lines.extend(attrs.into_iter().map(|a| format!("a={a}")));
            let n = media.len();
            lines.extend(media.into_iter().flatten());
            let end = if lf { "\n" } else { "\r\n" };
            let mut text = lines.join(end);
            text.push_str(end);
            (text.into_bytes(), n)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_sdp_round_trips_and_reads_back((text, media) in description()) {
        let sdp = Sdp::parse(Bytes::from(text.clone())).unwrap();
        prop_assert_eq!(sdp.media().len(), media);
        prop_assert_eq!(&sdp.to_bytes()[..], &text[..]);
        check_parse_sdp(&text);
    }

    #[test]
    fn any_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_parse_sdp(&data);
        let mut prefixed = b"v=0\no=- 1 1 IN IP4 h\ns=-\nm=audio 1 RTP/AVP 0\n".to_vec();
        prefixed.extend(data);
        check_parse_sdp(&prefixed);
    }

    #[test]
    fn built_typed_attributes_read_back_equal(
        pt in 0u8..128, enc in "[a-zA-Z0-9-]{1,12}", clock in any::<u32>(),
        ch in proptest::option::of(any::<u16>()), mid in word(),
        found in "[a-zA-Z0-9+/]{1,32}", prio in any::<u32>(), port in any::<u16>(),
        rport in proptest::option::of(any::<u16>()), ssrc in any::<u32>(),
    ) {
        let rtpmap = Rtpmap { payload_type: pt, encoding: &enc, clock_rate: clock, channels: ch };
        let cand = Candidate {
            foundation: &found, component: 1, transport: "UDP", priority: prio,
            address: "2001:db8::7", port, kind: CandidateType::Relay,
            related_address: rport.map(|_| "192.0.2.9"), related_port: rport,
            extensions: "generation 0",
        };
        let s = Ssrc { ssrc, attribute: "cname", value: Some(&mid) };
        let mut m = Media::new("audio", port, "RTP/AVP", &[&pt.to_string()]).unwrap();
        m.push_attr(&rtpmap).unwrap();
        m.push_attr(&Mid(&mid)).unwrap();
        m.push_attr(&cand).unwrap();
        m.push_attr(&s).unwrap();
        m.push_attr(&Setup::Passive).unwrap();
        m.push_attr(&SctpPort(port)).unwrap();
        let o = Origin { username: "-", session_id: "1", session_version: 1,
            net_type: "IN", addr_type: "IP4", address: "h" };
        let mut sdp = Sdp::new(&o, "-").unwrap();
        sdp.push_media(m);
        let back = Sdp::parse(sdp.to_bytes()).unwrap();
        let m = &back.media()[0];
        prop_assert_eq!(m.attr::<Rtpmap>().unwrap().unwrap(), rtpmap);
        prop_assert_eq!(m.mid(), Some(mid.as_str()));
        prop_assert_eq!(m.attr::<Candidate>().unwrap().unwrap(), cand);
        prop_assert_eq!(m.attr::<Ssrc>().unwrap().unwrap(), s);
        prop_assert_eq!(m.attr::<Setup>().unwrap().unwrap(), Setup::Passive);
        prop_assert_eq!(m.attr::<SctpPort>().unwrap().unwrap(), SctpPort(port));
        prop_assert_eq!(back.to_bytes(), sdp.to_bytes());
    }
}
