//! Shared by the RFC 4475 and RFC 5118 suites: the archived messages.

/// Reads every message of `tests/data/<rfc>/`, checking that the directory
/// holds exactly the archive's members (`(name, size)`, sorted by name) at
/// their archived sizes, and returns `(name, bytes)` in that order.
pub(crate) fn load_archive(
    rfc: &str,
    archive: &[(&'static str, usize)],
) -> Vec<(&'static str, Vec<u8>)> {
    let dir = format!("{}/tests/data/{rfc}", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("data directory")
        .filter_map(|e| {
            let name = e.expect("entry").file_name().into_string().expect("name");
            name.strip_suffix(".dat").map(str::to_owned)
        })
        .collect();
    names.sort();
    let expected: Vec<&str> = archive.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, expected, "members of the {rfc} archive");
    archive
        .iter()
        .map(|&(name, size)| {
            let raw = std::fs::read(format!("{dir}/{name}.dat")).expect("read");
            assert_eq!(raw.len(), size, "{name}");
            (name, raw)
        })
        .collect()
}
