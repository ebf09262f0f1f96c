//! What the C ABI's tests share: the cdylib built by cargo, and running a
//! command that must succeed.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::process::Command;

/// Builds the library (`cargo build --lib --features capi`, the same
/// target directory: a no-op when `cargo test` just built it) and returns
/// the cdylib's path as cargo reports it.
pub fn cdylib() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--lib",
            "--features",
            "capi",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout
        .lines()
        .filter(|l| l.contains("\"compiler-artifact\""))
    {
        if !line.contains("\"name\":\"sansip\"") {
            continue;
        }
        // The "filenames" array: pick the shared library.
        for part in line.split('"') {
            if part.ends_with(".so") || part.ends_with(".dylib") {
                return PathBuf::from(part);
            }
        }
    }
    panic!("cargo reported no sansip cdylib:\n{stdout}");
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} cannot start: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}
