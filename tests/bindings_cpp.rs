//! The C++ binding (`bindings/cpp/sansip.hpp`, header-only C++17): its
//! loopback program (`bindings/cpp/tests/loopback.cpp`: two endpoints over
//! in-memory UDP, a MESSAGE each way, a call with application SDP set up
//! and hung up, refused commands as `sansip::Error`) compiled with
//! `g++ -std=c++17 -Wall -Wextra -Werror -pedantic` against the cdylib,
//! then run.
#![cfg(feature = "capi")]

mod capi_util;

use std::path::Path;
use std::process::Command;

use capi_util::{cdylib, run};

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
