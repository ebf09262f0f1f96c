//! The C ABI from C: each program of `tests/c/` (with `harness.c`)
//! compiled against `include/sansip.h` and the cdylib twice — as C11 with
//! `cc -std=c11 -Wall -Wextra -Werror -pedantic`, and as C++17 with
//! `g++ -x c++ -std=c++17 -Wall -Wextra -Werror` — then run; and every
//! exported symbol of the cdylib carries the `sansip_` prefix; and the C
//! examples, built the same two ways, run over real UDP sockets on
//! loopback: `udp_host.c` alone, and two `phone.c` exchanging a MESSAGE
//! and a call. (`.ci/run`
//! runs the same programs under ASAN+UBSAN and Valgrind:
//! `tests/c/check.sh`.)
#![cfg(feature = "capi")]

mod capi_util;

use std::path::{Path, PathBuf};
use std::process::Command;

use capi_util::{cdylib, run};

/// The two ways every C program is built: as C11 and as C++17.
const LANGUAGES: [(&str, &[&str]); 2] = [
    (
        "cc",
        &["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"],
    ),
    (
        "g++",
        &["-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-Werror"],
    ),
];

/// Compiles `tests/c/<program>.c` with the harness as C and as C++
/// against the cdylib, runs both, and checks each printed `<program>: ok`.
fn build_and_run(program: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let c = root.join("tests/c");
    for (compiler, flags) in LANGUAGES {
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

/// Compiles `examples/c/<name>.c` alone against the cdylib with one of
/// [`LANGUAGES`]; the executable's path.
fn build_example(name: &str, compiler: &str, flags: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let exe = std::env::temp_dir().join(format!(
        "sansip_example_{name}_{}_{}",
        compiler.replace('+', "x"),
        std::process::id()
    ));
    run(Command::new(compiler)
        .args(flags)
        .arg("-g")
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join(format!("examples/c/{name}.c")))
        .args(["-x", "none"])
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-o")
        .arg(&exe));
    exe
}

#[test]
fn the_c_example_host_talks_over_real_udp_sockets() {
    for (compiler, flags) in LANGUAGES {
        let exe = build_example("udp_host", compiler, flags);
        let output = run(&mut Command::new(&exe));
        let _ = std::fs::remove_file(&exe);
        assert!(output.contains("udp_host: ok"), "{compiler}: {output}");
    }
}

/// The C phone's stdout lines (its first, `listening IP:PORT`, dropped).
fn event_lines(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.starts_with("listening "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_c_phone_sends_a_message_and_calls_another_over_real_udp() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    for (compiler, flags) in LANGUAGES {
        let exe = build_example("phone", compiler, flags);
        // Bob answers, on a port the system picks; `timeout` bounds him.
        let mut bob = Command::new("timeout")
            .arg("20")
            .arg(&exe)
            .args(["--aor", "sip:bob@127.0.0.1", "--listen", "127.0.0.1:0"])
            .args(["--answer", "--log", "3"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bob starts");
        let mut bob_out = BufReader::new(bob.stdout.take().expect("stdout"));
        let mut first = String::new();
        bob_out.read_line(&mut first).expect("bob's first line");
        let port = first
            .trim()
            .strip_prefix("listening 127.0.0.1:")
            .unwrap_or_else(|| panic!("{compiler}: bob said {first:?}"));
        let bob_uri = format!("sip:bob@127.0.0.1:{port}");
        let alice = Command::new("timeout")
            .arg("20")
            .arg(&exe)
            .args(["--aor", "sip:alice@127.0.0.1", "--listen", "127.0.0.1:0"])
            .args(["--message", &bob_uri, "hello from C"])
            .args(["--call", &bob_uri, "--hangup-after", "0.2"])
            .output()
            .expect("alice runs");
        let _ = Command::new("kill")
            .args(["-TERM", &bob.id().to_string()])
            .status();
        let status = bob.wait().expect("bob exits");
        let mut rest = Vec::new();
        bob_out.read_to_end(&mut rest).expect("bob's output");
        let mut bob_err = String::new();
        let _ = bob
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut bob_err);
        let _ = std::fs::remove_file(&exe);
        assert!(alice.status.success(), "{compiler}: alice {alice:?}");
        assert_eq!(
            event_lines(&alice.stdout),
            [
                "message-delivered status=200",
                "call-accepted",
                "call-ended reason=local-hangup"
            ],
            "{compiler}: alice"
        );
        // `timeout` passes SIGTERM on; the phone exits 0 on it.
        assert!(status.success(), "{compiler}: bob {status:?} {bob_err}");
        assert_eq!(
            event_lines(&rest),
            [
                "message from=sip:alice@127.0.0.1 body=hello from C",
                "call-incoming from=sip:alice@127.0.0.1",
                "call-accepted",
                "call-ended reason=remote-hangup"
            ],
            "{compiler}: bob"
        );
        assert!(
            bob_err.is_empty(),
            "{compiler}: nothing at INFO or worse: {bob_err}"
        );
    }
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
