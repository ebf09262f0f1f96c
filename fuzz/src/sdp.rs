//! The SDP target's check, in its own file so that `cargo test` (the seed
//! test below) and the proptest in `tests/sdp_roundtrip_properties.rs`
//! run it too.

use bytes::Bytes;
use sansip::sdp::*;

/// Every attribute of type `$ty` that parses writes text that parses back
/// and writes the same text again: a typed value is stable once written
/// (white space may be normalized on the first write, never after).
macro_rules! typed {
    ($s:expr, $ty:ident) => {
        for v in $s.attrs::<$ty>().flatten() {
            let text = v.to_string();
            let again = <$ty>::parse(&text).unwrap_or_else(|e| {
                panic!("{} wrote {text:?} that does not parse: {e}", $ty::NAME)
            });
            assert_eq!(again.to_string(), text, "{} is not stable", $ty::NAME);
        }
    };
}

/// Reads every typed view of one section's attributes.
macro_rules! read_section {
    ($s:expr) => {{
        let s = $s;
        let _ = (s.direction(), s.connection(), s.bandwidths().count());
        for a in s.attributes() {
            let _ = (a.name, a.value);
        }
        typed!(s, Rtpmap);
        typed!(s, Fmtp);
        typed!(s, Mid);
        typed!(s, Group);
        typed!(s, IceUfrag);
        typed!(s, IcePwd);
        typed!(s, IceOptions);
        typed!(s, Candidate);
        typed!(s, Fingerprint);
        typed!(s, Setup);
        typed!(s, Rtcp);
        typed!(s, RtcpFb);
        typed!(s, Ssrc);
        typed!(s, Extmap);
        typed!(s, SctpPort);
        typed!(s, MaxMessageSize);
        typed!(s, Crypto);
        for f in s.attrs::<Fmtp>().flatten() {
            let _ = f.params().count();
        }
        for c in s.attrs::<Candidate>().flatten() {
            let _ = (c.extensions().count(), c.kind.as_str());
        }
        for f in s.attrs::<Fingerprint>().flatten() {
            let _ = f.bytes();
        }
        for c in s.attrs::<Crypto>().flatten() {
            let _ = c.keys().count();
        }
        for g in s.attrs::<Group>().flatten() {
            let _ = (g.mids().count(), g.is_bundle());
        }
    }};
}

/// SDP target: any bytes. What parses reads through every typed view
/// without panicking, serializes to the very bytes it came from, and
/// written line by line parses to the same lines again. A change to a
/// media section re-serializes to a description that parses.
pub fn check_parse_sdp(data: &[u8]) {
    let input = Bytes::copy_from_slice(data);
    let Ok(sdp) = Sdp::parse(input.clone()) else {
        return;
    };
    assert_eq!(sdp.to_bytes(), input, "unmodified SDP must keep its bytes");
    let origin = sdp.origin().expect("a parsed SDP has a valid o= line");
    assert_eq!(Origin::parse(&origin.to_string()).as_ref(), Ok(&origin));
    let _ = (sdp.session_name(), sdp.timings().count());
    read_section!(&sdp);
    for (i, m) in sdp.media().iter().enumerate() {
        let line = m.media_line().expect("a parsed m= line parses");
        let text = line.to_string();
        let again = MediaLine::parse(&text).expect("a written m= line parses");
        assert_eq!((again.to_string(), again.port), (text, line.port));
        let _ = (
            m.kind(),
            m.port(),
            m.proto(),
            m.mid(),
            sdp.media_direction(i),
        );
        read_section!(m);
    }

    let written = sdp.normalized();
    let again = Sdp::parse(written.clone()).expect("a normalized SDP parses");
    assert_eq!(again.normalized(), written, "normalizing is stable");
    assert!(again
        .all_lines()
        .map(Line::value)
        .eq(sdp.all_lines().map(Line::value)));
    assert_eq!(again.media().len(), sdp.media().len());

    // Changing the first media section writes one that parses again with
    // the change, and with every other line as it was.
    let mut changed = sdp.clone();
    if let Some(m) = changed.media_mut(0) {
        m.set_direction(Direction::Inactive);
        m.set_port(0).expect("a parsed m= line takes a new port");
        let reparsed = Sdp::parse(changed.to_bytes()).expect("a changed SDP parses");
        assert_eq!(reparsed.media()[0].direction(), Some(Direction::Inactive));
        assert!(reparsed.media()[0].is_rejected());
        assert!(reparsed
            .lines()
            .iter()
            .map(Line::value)
            .eq(sdp.lines().iter().map(Line::value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random bytes (xorshift).
    fn noise(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn seeds() -> Vec<Vec<u8>> {
        // From the fuzz crate or, where tests/sdp_roundtrip_properties.rs
        // includes this file, from the main one.
        let root = env!("CARGO_MANIFEST_DIR");
        let dir = [
            format!("{root}/../tests/data/sdp"),
            format!("{root}/tests/data/sdp"),
        ]
        .into_iter()
        .find(|d| std::path::Path::new(d).is_dir())
        .expect("tests/data/sdp");
        let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
            .expect("tests/data/sdp")
            .flatten()
            .map(|e| std::fs::read(e.path()).expect("readable seed"))
            .collect();
        out.sort();
        assert!(out.len() >= 4, "SDP seeds are missing");
        out
    }

    #[test]
    fn parse_sdp_target_holds_on_seeds_cuts_and_mutations() {
        for (k, seed) in seeds().iter().enumerate() {
            check_parse_sdp(seed);
            for cut in (0..seed.len()).step_by(2) {
                check_parse_sdp(&seed[..cut]);
            }
            let flips = noise(k as u64 + 1, 1024);
            for j in 0..512 {
                let mut m = seed.clone();
                let at = usize::from(flips[2 * j]) * m.len() / 256;
                m[at] = flips[2 * j + 1];
                check_parse_sdp(&m);
                // A line break or a space dropped into a line.
                m[at] = [b'\n', b' ', b':', b'/'][j % 4];
                check_parse_sdp(&m);
            }
        }
    }
}
