//! `include/sansip.h` is what cbindgen makes of `src/ffi/` now: the test
//! regenerates it with the installed cbindgen (the version `.ci/run` pins)
//! and fails on any difference, or when cbindgen is missing.
#![cfg(feature = "capi")]

use std::path::Path;
use std::process::Command;

#[test]
fn header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = std::env::temp_dir().join(format!("sansip_{}.h", std::process::id()));
    let out = Command::new("cbindgen")
        .args([
            "--quiet",
            "--config",
            "cbindgen.toml",
            "--crate",
            "sansip",
            "--output",
        ])
        .arg(&fresh)
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cbindgen is needed to check include/sansip.h ({e}): \
                 install it with `cargo install cbindgen --version 0.29.4 --locked`"
            )
        });
    assert!(
        out.status.success(),
        "cbindgen failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh_text = std::fs::read_to_string(&fresh).expect("cbindgen wrote the header");
    let _ = std::fs::remove_file(&fresh);
    let committed =
        std::fs::read_to_string(root.join("include/sansip.h")).expect("include/sansip.h");
    if fresh_text != committed {
        let first = fresh_text
            .lines()
            .zip(committed.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(fresh_text.lines().count().min(committed.lines().count()));
        panic!(
            "include/sansip.h is stale (first difference at line {}): regenerate it with \
             `cbindgen --config cbindgen.toml --crate sansip --output include/sansip.h`",
            first + 1
        );
    }
}
