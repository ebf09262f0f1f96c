//! Header values from every message the tests and benchmarks keep on disk
//! (RFC 4475 and RFC 5118 torture tests, the benchmark corpus), for tests
//! that check a fast path against the full grammar on real input.

use super::{HeaderName, Message};

/// Every message file in those directories, raw (unparsable ones too),
/// with its path.
pub(crate) fn raw_files() -> Vec<(String, Vec<u8>)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut out = Vec::new();
    for dir in ["tests/data/rfc4475", "tests/data/rfc5118", "benches/corpus"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .expect("test data directory")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "dat" || x == "sip"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "no messages in {dir}");
        for p in paths {
            let raw = std::fs::read(&p).expect("readable message");
            out.push((p.display().to_string(), raw));
        }
    }
    assert!(out.len() > 50, "only {} message files", out.len());
    out
}

/// Every message in those directories that parses.
pub(crate) fn messages() -> Vec<Message> {
    let out: Vec<Message> = raw_files()
        .into_iter()
        .filter_map(|(_, raw)| Message::parse(raw.into()).ok())
        .collect();
    assert!(out.len() > 50, "only {} messages", out.len());
    out
}

/// `(name, value)` of every field of every message in those directories
/// that parses (values that are not UTF-8 are left out).
pub(crate) fn field_values() -> Vec<(HeaderName, String)> {
    let mut out = Vec::new();
    for msg in messages() {
        for f in msg.fields() {
            if let Ok(v) = std::str::from_utf8(f.value) {
                out.push((f.name, v.to_owned()));
            }
        }
    }
    assert!(out.len() > 500, "only {} field values", out.len());
    out
}
