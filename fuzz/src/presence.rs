//! The `parse_presence` target's check, in its own file so that `cargo
//! test` runs it over the seed bodies (the test below).

use sansip::body::dialog_info::DialogInfo;
use sansip::body::pidf::Presence;
use sansip::body::RawElement;

/// Presence target: any bytes as a PIDF body, a dialog-info body and a
/// raw element. Parsing never panics; what parses reads through its
/// accessors, serializes to a body that parses to an equal value, and
/// serializing that gives the same bytes again.
pub fn check_parse_presence(data: &[u8]) {
    if let Ok(p) = Presence::parse_slice(data) {
        let _ = (p.basic(), p.is_open(), p.activities().count());
        for r in p
            .extensions
            .iter()
            .chain(p.tuples.iter().flat_map(|t| &t.extensions))
        {
            let _ = (r.name(), r.namespace());
        }
        let written = p.to_bytes();
        let again = Presence::parse(written.clone()).unwrap_or_else(|e| {
            panic!(
                "{e}: PIDF written from {p:?} does not parse:\n{}",
                lossy(&written)
            )
        });
        assert_eq!(again, p, "PIDF changed through\n{}", lossy(&written));
        assert_eq!(again.to_bytes(), written, "PIDF writing is not stable");
    }
    if let Ok(d) = DialogInfo::parse_slice(data) {
        let _ = (d.is_idle(), d.dialogs.first().map(|e| d.dialog(&e.id)));
        let written = d.to_bytes();
        let again = DialogInfo::parse(written.clone()).unwrap_or_else(|e| {
            panic!(
                "{e}: dialog-info written from {d:?} does not parse:\n{}",
                lossy(&written)
            )
        });
        assert_eq!(again, d, "dialog-info changed through\n{}", lossy(&written));
        assert_eq!(
            again.to_bytes(),
            written,
            "dialog-info writing is not stable"
        );
    }
    if let Ok(r) = RawElement::parse_slice(data) {
        let again = RawElement::parse(r.to_bytes()).expect("a raw element parses again");
        assert_eq!(again, r, "a raw element is self-contained");
    }
}

fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
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

    /// The PIDF and dialog-info bodies of tests/data.
    fn seeds() -> Vec<Vec<u8>> {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut out = Vec::new();
        for kind in ["pidf", "dialog_info"] {
            let dir = [
                format!("{root}/../tests/data/{kind}"),
                format!("{root}/tests/data/{kind}"),
            ]
            .into_iter()
            .find(|d| std::path::Path::new(d).is_dir())
            .unwrap_or_else(|| panic!("tests/data/{kind}"));
            out.extend(
                std::fs::read_dir(dir)
                    .expect("readable seed directory")
                    .flatten()
                    .map(|e| std::fs::read(e.path()).expect("readable seed")),
            );
        }
        out.sort();
        assert!(out.len() >= 10, "presence seeds are missing");
        out
    }

    #[test]
    fn parse_presence_target_holds_on_seeds_cuts_and_mutations() {
        for (k, seed) in seeds().iter().enumerate() {
            check_parse_presence(seed);
            for cut in (0..seed.len()).step_by(3) {
                check_parse_presence(&seed[..cut]);
            }
            let flips = noise(k as u64 + 1, 1024);
            for j in 0..512 {
                let mut m = seed.clone();
                let at = usize::from(flips[2 * j]) * m.len() / 256;
                m[at] = flips[2 * j + 1];
                check_parse_presence(&m);
                // A character that means something to XML.
                m[at] = [b'<', b'>', b'&', b'"', b'/', b':', b'=', b' '][j % 8];
                check_parse_presence(&m);
            }
        }
    }
}
