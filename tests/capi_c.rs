//! The C ABI from C: `tests/c/loopback.c` compiled with `cc` against
//! `include/sansip.h` and the cdylib, then run; and every exported symbol
//! of the cdylib carries the `sansip_` prefix.
#![cfg(feature = "capi")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the library (`cargo build --lib --features capi`, the same
/// target directory: a no-op when `cargo test` just built it) and returns
/// the cdylib's path as cargo reports it.
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
        // The "filenames" array: pick the shared library.
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
fn loopback_c_program_exchanges_messages_and_a_call_and_refuses_misuse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let exe = std::env::temp_dir().join(format!("sansip_loopback_{}", std::process::id()));
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c/loopback.c"))
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-o")
        .arg(&exe));
    let output = run(&mut Command::new(&exe));
    let _ = std::fs::remove_file(&exe);
    assert!(output.contains("loopback: ok"), "{output}");
}

#[test]
fn every_exported_symbol_is_prefixed() {
    let lib = cdylib();
    let text = run(Command::new("nm").args(["-D", "--defined-only"]).arg(&lib));
    let symbols: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert!(symbols.contains(&"sansip_endpoint_new"), "{text}");
    let stray: Vec<&&str> = symbols
        .iter()
        .filter(|s| !s.starts_with("sansip_"))
        .collect();
    assert!(stray.is_empty(), "unprefixed exports: {stray:?}");
}
