//! The C ABI from C: each program of `tests/c/` (with `harness.c`)
//! compiled against `include/sansip.h` and the cdylib twice — as C11 with
//! `cc -std=c11 -Wall -Wextra -Werror -pedantic`, and as C++17 with
//! `g++ -x c++ -std=c++17 -Wall -Wextra -Werror` — then run; and every
//! exported symbol of the cdylib carries the `sansip_` prefix; and
//! `examples/c/udp_host.c` runs over real UDP sockets. (`.ci/run`
//! runs the same programs under ASAN+UBSAN and Valgrind:
//! `tests/c/check.sh`.)
#![cfg(feature = "capi")]

mod capi_util;

use std::path::Path;
use std::process::Command;

use capi_util::{cdylib, run};

/// Compiles `tests/c/<program>.c` with the harness as C and as C++
/// against the cdylib, runs both, and checks each printed `<program>: ok`.
fn build_and_run(program: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let c = root.join("tests/c");
    let languages: [(&str, &[&str]); 2] = [
        (
            "cc",
            &["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"],
        ),
        (
            "g++",
            &["-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-Werror"],
        ),
    ];
    for (compiler, flags) in languages {
        let exe = std::env::temp_dir().join(format!(
            "sansip_{program}_{}_{}",
            compiler.replace('+', "x"),
            std::process::id()
        ));
        run(Command::new(compiler)
            .args(flags)
            .arg("-g")
            .arg("-I")
            .arg(root.join("include"))
            .arg(c.join("harness.c"))
            .arg(c.join(format!("{program}.c")))
            .args(["-x", "none"])
            .arg(&lib)
            .arg(format!("-Wl,-rpath,{}", dir.display()))
            .arg("-o")
            .arg(&exe));
        let output = run(&mut Command::new(&exe));
        let _ = std::fs::remove_file(&exe);
        assert!(
            output.contains(&format!("{program}: ok")),
            "{compiler}: {output}"
        );
    }
}

#[test]
fn loopback_exchanges_messages_by_address_and_by_name_and_a_call() {
    build_and_run("loopback");
}

#[test]
fn calls_are_rejected_cancelled_held_transferred_and_hung_up_with_a_cause() {
    build_and_run("calls");
}

#[test]
fn subscriptions_are_notified_and_refused_publications_and_registrations_fail() {
    build_and_run("presence");
}

#[test]
fn log_records_reach_the_callback_of_their_endpoint_filtered_by_level() {
    build_and_run("log");
}

#[test]
fn misuse_is_refused_with_a_result_and_stale_handles_are_caught() {
    build_and_run("misuse");
}

#[test]
fn the_c_example_host_talks_over_real_udp_sockets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let exe = std::env::temp_dir().join(format!("sansip_udp_host_{}", std::process::id()));
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("examples/c/udp_host.c"))
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-o")
        .arg(&exe));
    let output = run(&mut Command::new(&exe));
    let _ = std::fs::remove_file(&exe);
    assert!(output.contains("udp_host: ok"), "{output}");
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
