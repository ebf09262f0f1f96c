//! The C# binding (`bindings/csharp/`: `NativeMethods.cs` P/Invoke,
//! `Sansip.cs` SafeHandles and API): `bindings/csharp/tests/Loopback.cs`
//! compiled with `mcs` (warnings as errors) and run with `mono` against the
//! cdylib — two endpoints over in-memory UDP, a MESSAGE each way, MESSAGEs
//! to names the host resolves (or not), a call with application SDP set up
//! and hung up, refusals as `SansipException`, a disposed handle refused —
//! and the struct layouts the marshaller computes compared with the C
//! compiler's (`bindings/csharp/tests/layout.c`).
//!
//! Without mono (`mcs`, `mono`) the test FAILS, unless `SANSIP_SKIP_MONO=1`
//! is set, when it prints a loud line and returns. `.ci/run` installs
//! `mono-devel`.
#![cfg(feature = "capi")]

mod capi_util;

use std::path::Path;
use std::process::Command;

use capi_util::{cdylib, run};

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The `layout ...` line of a program's output.
fn layout(output: &str) -> &str {
    output
        .lines()
        .find(|l| l.starts_with("layout "))
        .unwrap_or_else(|| panic!("no layout line in:\n{output}"))
}

#[test]
fn csharp_binding_runs_messages_and_a_call_between_two_endpoints() {
    if !(installed("mcs") && installed("mono")) {
        if std::env::var("SANSIP_SKIP_MONO").as_deref() == Ok("1") {
            eprintln!(
                "\n!!!!!! SKIPPED: the C# binding test did NOT run (mcs/mono not installed, \
                 SANSIP_SKIP_MONO=1) !!!!!!\n"
            );
            return;
        }
        panic!(
            "mono is not installed (mcs, mono): the C# binding cannot be tested. Install it \
             (apt-get install mono-devel) or set SANSIP_SKIP_MONO=1 to skip this test on purpose."
        );
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cs = root.join("bindings/csharp");
    let lib = cdylib();
    let dir = lib.parent().expect("a directory");
    let tmp = std::env::temp_dir().join(format!("sansip_csharp_{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("a temporary directory");
    let exe = tmp.join("Loopback.exe");
    run(Command::new("mcs")
        .args(["-warnaserror+", "-warn:4", "-nologo"])
        .arg(format!("-out:{}", exe.display()))
        .arg(cs.join("NativeMethods.cs"))
        .arg(cs.join("Sansip.cs"))
        .arg(cs.join("tests/Loopback.cs")));
    let output = run(Command::new("mono")
        .arg(&exe)
        .env("LD_LIBRARY_PATH", dir)
        .env("DYLD_LIBRARY_PATH", dir));
    assert!(output.contains("csharp loopback: ok"), "{output}");

    let layout_exe = tmp.join("layout");
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(cs.join("tests/layout.c"))
        .arg("-o")
        .arg(&layout_exe));
    let c_layout = run(&mut Command::new(&layout_exe));
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(
        layout(&output),
        layout(&c_layout),
        "the C# structs do not have the C layout"
    );
}
