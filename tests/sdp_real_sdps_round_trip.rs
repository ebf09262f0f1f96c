//! Real descriptions (a Chromium/SIP.js WebRTC offer, a baresip offer, a
//! desk phone's SDES offer with bare LF line ends, an answer that rejects
//! video) parse, read back through the typed views, and serialize to the
//! bytes they came from.

use bytes::Bytes;
use sansip::sdp::*;

fn load(name: &str) -> Bytes {
    let path = format!("{}/tests/data/sdp/{name}", env!("CARGO_MANIFEST_DIR"));
    Bytes::from(std::fs::read(path).expect("test data"))
}

const ALL: [&str; 4] = [
    "chrome_webrtc_offer.sdp",
    "baresip_pcmu_offer.sdp",
    "answer_video_rejected.sdp",
    "deskphone_sdes_lf.sdp",
];

#[test]
fn unmodified_real_sdps_serialize_to_identical_bytes() {
    for name in ALL {
        let raw = load(name);
        let sdp = Sdp::parse(raw.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(sdp.is_unmodified());
        assert_eq!(sdp.to_bytes(), raw, "{name}");
        // Written line by line, the description parses to the same lines.
        let again = Sdp::parse(sdp.normalized()).unwrap();
        assert_eq!(again.normalized(), sdp.normalized(), "{name}");
        assert_eq!(again.all_lines().count(), sdp.all_lines().count());
    }
}

#[test]
fn crlf_sdps_normalize_to_the_same_bytes() {
    for name in ["chrome_webrtc_offer.sdp", "baresip_pcmu_offer.sdp"] {
        let raw = load(name);
        assert_eq!(Sdp::parse(raw.clone()).unwrap().normalized(), raw);
    }
}

#[test]
fn parsed_lines_share_the_received_buffer() {
    let raw = load("chrome_webrtc_offer.sdp");
    let sdp = Sdp::parse(raw.clone()).unwrap();
    let range = raw.as_ptr() as usize..raw.as_ptr() as usize + raw.len();
    for line in sdp.all_lines() {
        assert!(range.contains(&(line.value().as_ptr() as usize)));
    }
}

#[test]
fn chromium_webrtc_offer_reads_bundle_ice_dtls_and_data_channel() {
    let sdp = Sdp::parse(load("chrome_webrtc_offer.sdp")).unwrap();
    let o = sdp.origin().unwrap();
    assert_eq!(
        (o.session_id, o.session_version),
        ("4611731400430051336", 2)
    );
    let g = sdp.attr::<Group>().unwrap().unwrap();
    assert!(g.is_bundle());
    assert_eq!(g.mids().collect::<Vec<_>>(), ["0", "1", "2"]);
    assert_eq!(sdp.media().len(), 3);

    let audio = &sdp.media()[0];
    assert_eq!(audio.proto(), "UDP/TLS/RTP/SAVPF");
    assert_eq!(audio.mid(), Some("0"));
    assert!(audio.has_attribute("rtcp-mux"));
    assert!(audio.has_attribute("end-of-candidates"));
    assert_eq!(audio.direction(), Some(Direction::SendRecv));
    assert_eq!(audio.attr::<IceUfrag>().unwrap().unwrap(), IceUfrag("Kq3v"));
    assert_eq!(audio.attr::<IcePwd>().unwrap().unwrap().0.len(), 24);
    let opts = audio.attr::<IceOptions>().unwrap().unwrap();
    assert_eq!(opts.iter().collect::<Vec<_>>(), ["trickle"]);
    assert_eq!(audio.attr::<Setup>().unwrap().unwrap(), Setup::ActPass);
    let fp = audio.attr::<Fingerprint>().unwrap().unwrap();
    assert_eq!(fp.hash, "sha-256");
    assert_eq!(fp.bytes().unwrap().len(), 32);
    let rtcp = audio.attr::<Rtcp>().unwrap().unwrap();
    assert_eq!(
        (rtcp.port, rtcp.connection.unwrap().address),
        (9, "0.0.0.0")
    );

    let cands: Vec<Candidate> = audio.attrs::<Candidate>().map(Result::unwrap).collect();
    assert_eq!(cands.len(), 5);
    assert_eq!(cands[0].kind, CandidateType::Host);
    assert_eq!(cands[0].extension("network-id"), Some("1"));
    assert_eq!(cands[1].kind, CandidateType::Srflx);
    assert_eq!(cands[1].related_address, Some("192.168.1.20"));
    assert_eq!(cands[1].related_port, Some(50874));
    assert_eq!(cands[2].transport, "tcp");
    assert_eq!(cands[2].extension("tcptype"), Some("active"));
    assert_eq!(
        (cands[3].kind, cands[3].priority),
        (CandidateType::Relay, 41885439)
    );
    assert!(cands[4].address.ends_with(".local"));
    // Each candidate writes back the text it was read from.
    for (c, a) in cands
        .iter()
        .zip(audio.attributes().filter(|a| a.name == "candidate"))
    {
        assert_eq!(c.to_string(), a.value.unwrap());
    }

    let maps: Vec<Rtpmap> = audio.attrs::<Rtpmap>().map(Result::unwrap).collect();
    assert_eq!(
        maps[0],
        Rtpmap {
            payload_type: 111,
            encoding: "opus",
            clock_rate: 48000,
            channels: Some(2)
        }
    );
    let fmtp = audio
        .attrs::<Fmtp>()
        .map(Result::unwrap)
        .find(|f| f.format == "111")
        .unwrap();
    assert_eq!(fmtp.param("minptime"), Some("10"));
    let ext: Vec<Extmap> = audio.attrs::<Extmap>().map(Result::unwrap).collect();
    assert_eq!(
        (ext[3].id, ext[3].uri),
        (4, "urn:ietf:params:rtp-hdrext:sdes:mid")
    );
    let ssrc = audio.attr::<Ssrc>().unwrap().unwrap();
    assert_eq!(
        (ssrc.ssrc, ssrc.attribute, ssrc.value),
        (3735928559, "cname", Some("f3Yk2sJ9bq0LpX7e"))
    );
    assert_eq!(
        audio.attr::<RtcpFb>().unwrap().unwrap().kind,
        "transport-cc"
    );

    let video = &sdp.media()[1];
    let fbs: Vec<RtcpFb> = video.attrs::<RtcpFb>().map(Result::unwrap).collect();
    assert_eq!((fbs[4].kind, fbs[4].params), ("nack", "pli"));

    let data = &sdp.media()[2];
    assert_eq!(
        (data.kind(), data.proto()),
        ("application", "UDP/DTLS/SCTP")
    );
    assert_eq!(data.formats().collect::<Vec<_>>(), ["webrtc-datachannel"]);
    assert_eq!(data.attr::<SctpPort>().unwrap().unwrap(), SctpPort(5000));
    assert_eq!(
        data.attr::<MaxMessageSize>().unwrap().unwrap(),
        MaxMessageSize(262144)
    );

    // Every typed attribute that parses writes back what it read.
    for m in sdp.media() {
        for a in m.attrs::<Rtpmap>().chain(m.attrs::<Rtpmap>()) {
            let a = a.unwrap();
            assert_eq!(Rtpmap::parse(&a.to_string()).unwrap(), a);
        }
    }
}

#[test]
fn baresip_offer_keeps_unknown_lines_and_reads_static_payload_types() {
    let raw = load("baresip_pcmu_offer.sdp");
    let mut sdp = Sdp::parse(raw.clone()).unwrap();
    assert_eq!(sdp.connection().unwrap().unwrap().address, "192.0.2.41");
    assert_eq!(sdp.attribute("tool").unwrap().value, Some("baresip 3.10.1"));
    let audio = &sdp.media()[0];
    assert_eq!(audio.formats().collect::<Vec<_>>(), ["0", "8", "9", "101"]);
    assert_eq!(
        audio.bandwidths().next().unwrap().unwrap(),
        Bandwidth {
            kind: "AS",
            value: 80
        }
    );
    assert_eq!(audio.line('y').unwrap().value(), b"0100000001");
    assert_eq!(
        audio.attribute("X-nat").unwrap().value,
        Some("0  odd   spacing")
    );

    // Changing the direction rewrites one line; the unknown ones stay as
    // they were, byte for byte.
    sdp.media_mut(0).unwrap().set_direction(Direction::SendOnly);
    let out = sdp.to_bytes();
    let expected = String::from_utf8(raw.to_vec())
        .unwrap()
        .replace("a=sendrecv", "a=sendonly");
    assert_eq!(out, expected.as_bytes());
}

#[test]
fn desk_phone_offer_with_bare_lf_reads_sdes_crypto() {
    let raw = load("deskphone_sdes_lf.sdp");
    assert!(!raw.contains(&b'\r'));
    let sdp = Sdp::parse(raw.clone()).unwrap();
    assert_eq!(sdp.to_bytes(), raw, "unmodified: the LF ends stay");
    let audio = &sdp.media()[0];
    let cryptos: Vec<Crypto> = audio.attrs::<Crypto>().map(Result::unwrap).collect();
    assert_eq!(cryptos.len(), 2);
    assert_eq!(
        (cryptos[0].tag, cryptos[0].suite),
        (1, "AES_CM_128_HMAC_SHA1_80")
    );
    let key = cryptos[0].keys().next().unwrap();
    assert_eq!(
        (key.method, key.lifetime, key.mki),
        ("inline", Some("2^31"), Some("1:1"))
    );
    assert_eq!(cryptos[1].keys().next().unwrap().lifetime, None);
    // Written line by line it gets CRLF ends.
    let n = sdp.normalized();
    assert_eq!(
        n,
        raw.iter()
            .flat_map(|&b| if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            })
            .collect::<Vec<_>>()
    );
}

#[test]
fn answer_with_port_zero_marks_the_stream_rejected() {
    let sdp = Sdp::parse(load("answer_video_rejected.sdp")).unwrap();
    let [audio, video] = sdp.media() else {
        panic!("two media sections")
    };
    assert!(!audio.is_rejected());
    assert_eq!(audio.direction(), Some(Direction::RecvOnly));
    assert!(video.is_rejected());
    assert_eq!(sdp.media_direction(1), Some(Direction::SendRecv));
    assert_eq!(sdp.session_name(), b"session");
    assert_eq!(
        sdp.timings().next().unwrap().unwrap(),
        Timing { start: 0, stop: 0 }
    );
}
