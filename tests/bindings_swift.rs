//! The Swift binding (`bindings/swift/`, a SwiftPM package). No Swift
//! toolchain runs here, so this checks what can be checked without one:
//! - `Sources/CSansip/include/sansip.h` is byte-identical to
//!   `include/sansip.h` (the committed, cbindgen-checked header);
//! - every `sansip_*` function `Sources/Sansip/Sansip.swift` calls exists in
//!   the header;
//! - with clang: the module map builds as a Clang module — `@import CSansip;`
//!   in Objective-C (`-fmodules -fsyntax-only`, as Swift's `import CSansip`
//!   loads it), and `#include "sansip.h"` in C becomes an import of module
//!   `CSansip`, linked with the cdylib and run.
//!
//! Without clang the test FAILS, unless `SANSIP_SKIP_CLANG=1` is set, when
//! the clang part is skipped with a loud line. `.ci/run` installs `clang`.
#![cfg(feature = "capi")]

mod capi_util;

use std::path::Path;
use std::process::Command;

use capi_util::{cdylib, run};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn swift_package_header_is_a_byte_identical_copy_of_the_c_header() {
    let original = std::fs::read(root().join("include/sansip.h")).expect("include/sansip.h");
    let copy = std::fs::read(root().join("bindings/swift/Sources/CSansip/include/sansip.h"))
        .expect("the Swift package's header");
    assert!(
        original == copy,
        "bindings/swift/Sources/CSansip/include/sansip.h differs from include/sansip.h: \
         cp include/sansip.h bindings/swift/Sources/CSansip/include/sansip.h"
    );
}

#[test]
fn swift_wrapper_calls_only_functions_the_header_declares() {
    let header = std::fs::read_to_string(root().join("include/sansip.h")).expect("header");
    let swift = std::fs::read_to_string(root().join("bindings/swift/Sources/Sansip/Sansip.swift"))
        .expect("Sansip.swift");
    let mut called = Vec::new();
    for (i, _) in swift.match_indices("sansip_") {
        let name: String = swift[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let rest = &swift[i + name.len()..];
        // Calls (`sansip_x(`), functions passed by name (`sansip_x)`,
        // `sansip_x,`) and types used as values (`sansip_addr(`).
        if rest.starts_with('(') || rest.starts_with(')') || rest.starts_with(',') {
            called.push(name);
        }
    }
    assert!(called.len() > 40, "found only {called:?}");
    let missing: Vec<&String> = called
        .iter()
        .filter(|name| {
            // A function (` name(`, `*name(`) or a type (`} name;`, ` name;`).
            ![" ", "*"]
                .iter()
                .any(|before| header.contains(&format!("{before}{name}(")))
                && !header.contains(&format!(" {name};"))
        })
        .collect();
    assert!(missing.is_empty(), "not in include/sansip.h: {missing:?}");
}

#[test]
fn swift_module_map_builds_as_a_clang_module() {
    let clang_ok = Command::new("clang")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !clang_ok {
        if std::env::var("SANSIP_SKIP_CLANG").as_deref() == Ok("1") {
            eprintln!(
                "\n!!!!!! SKIPPED: the Swift module map was NOT checked (clang not installed, \
                 SANSIP_SKIP_CLANG=1) !!!!!!\n"
            );
            return;
        }
        panic!(
            "clang is not installed: the Swift package's module map cannot be checked. Install \
             it (apt-get install clang) or set SANSIP_SKIP_CLANG=1 to skip this test on purpose."
        );
    }
    let swift = root().join("bindings/swift");
    let include = swift.join("Sources/CSansip/include");
    let map = include.join("module.modulemap");
    let tmp = std::env::temp_dir().join(format!("sansip_swift_{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("a temporary directory");
    let module_flags = |cmd: &mut Command| {
        cmd.args(["-fmodules", "-Werror"])
            .arg(format!(
                "-fmodules-cache-path={}",
                tmp.join("cache").display()
            ))
            .arg(format!("-fmodule-map-file={}", map.display()));
    };

    // Objective-C `@import CSansip;`: what Swift's `import CSansip` loads.
    let mut objc = Command::new("clang");
    module_flags(&mut objc);
    run(objc.arg("-fsyntax-only").arg(swift.join("check/import.m")));

    // C `#include "sansip.h"` becomes an import of the module; then link and run.
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let exe = tmp.join("include_check");
    let mut c = Command::new("clang");
    module_flags(&mut c);
    let remarks = run(c
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-pedantic",
            "-Rmodule-import",
        ])
        .arg("-I")
        .arg(&include)
        .arg(swift.join("check/include.c"))
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-o")
        .arg(&exe));
    assert!(
        remarks.contains("importing module 'CSansip'"),
        "sansip.h was not imported as module CSansip:\n{remarks}"
    );
    let output = run(&mut Command::new(&exe));
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(output.contains("swift module check: ok"), "{output}");
}
