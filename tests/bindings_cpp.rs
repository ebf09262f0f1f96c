//! The C++ binding (`bindings/cpp/sansip.hpp`, header-only C++17): its
//! loopback program (`bindings/cpp/tests/loopback.cpp`: two endpoints over
//! in-memory UDP, a MESSAGE each way, a call with application SDP set up
//! and hung up, refused commands as `sansip::Error`) compiled with
//! `g++ -std=c++17 -Wall -Wextra -Werror -pedantic` against the cdylib,
//! then run.
#![cfg(feature = "capi")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the library (`cargo build --lib --features capi`, the same
/// target directory: a no-op when `cargo test` just built it) and returns
/// the cdylib's path as cargo reports it (as `tests/capi_c.rs` does).
fn cdylib() -> PathBuf {
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
        for part in line.split('"') {
            if part.ends_with(".so") || part.ends_with(".dylib") {
                return PathBuf::from(part);
            }
        }
    }
    panic!("cargo reported no sansip cdylib:\n{stdout}");
}

fn run(cmd: &mut Command) -> String {
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

#[test]
fn cpp_wrapper_runs_messages_and_a_call_between_two_endpoints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let exe = std::env::temp_dir().join(format!("sansip_cpp_loopback_{}", std::process::id()));
    run(Command::new("g++")
        .args([
            "-std=c++17",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-g",
        ])
        .arg("-I")
        .arg(root.join("include"))
        .arg("-I")
        .arg(root.join("bindings/cpp"))
        .arg(root.join("bindings/cpp/tests/loopback.cpp"))
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-o")
        .arg(&exe));
    let output = run(&mut Command::new(&exe));
    let _ = std::fs::remove_file(&exe);
    assert!(output.contains("cpp loopback: ok"), "{output}");
}
