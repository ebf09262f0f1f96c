//! `Endpoint::new` refuses a configuration that would break on the wire
//! or in time, saying which setting and why; commands refuse text that
//! would forge fields sansip writes itself.

mod endpoint_util;

use std::time::Duration;

use endpoint_util::*;
use sansip::endpoint::{CommandError, ConfigError, EndCause, Endpoint, InviteOptions};

fn refused(tweak: impl FnOnce(&mut sansip::endpoint::Config)) -> ConfigError {
    let mut c = config();
    tweak(&mut c);
    #[allow(clippy::disallowed_methods)] // any instant: nothing runs
    let now = std::time::Instant::now();
    Endpoint::new(c, now).expect_err("refused")
}

#[test]
fn timers_must_be_usable() {
    assert!(matches!(
        refused(|c| c.timers.t1 = Duration::ZERO),
        ConfigError::BadTimers { .. }
    ));
    let e = refused(|c| c.timers.t2 = Duration::from_millis(100));
    assert!(matches!(e, ConfigError::BadTimers { .. }));
    assert!(e.to_string().contains("T2 >= T1"), "{e}");
}

#[test]
fn event_packages_and_message_types_must_be_tokens() {
    assert_eq!(
        refused(|c| c.events.push("presence\r\nVia: x".into())),
        ConfigError::BadText {
            setting: "events",
            value: "presence\r\nVia: x".into()
        }
    );
    assert!(matches!(
        refused(|c| c.messages.accept.push("text plain".into())),
        ConfigError::BadText {
            setting: "messages.accept",
            ..
        }
    ));
}

#[test]
fn extra_headers_cannot_forge_what_sansip_writes() {
    let mut h = Harness::new(config());
    for name in ["Via", "call-id", "CSeq", "Route", "Content-Length", "f"] {
        let r = h.ep.invite(
            h.now,
            "sip:bob@10.0.0.9",
            InviteOptions {
                extra_headers: vec![(name.into(), "x".into())],
                ..Default::default()
            },
        );
        assert!(matches!(r, Err(CommandError::BadText { .. })), "{name}");
    }
    assert!(h.take_sent().is_empty());
}

#[test]
fn a_reason_protocol_must_be_a_token() {
    let mut h = Harness::new(config());
    let id =
        h.ep.invite(h.now, "sip:bob@10.0.0.9", InviteOptions::default())
            .unwrap();
    let r = h.ep.hangup_with_cause(
        h.now,
        id,
        EndCause {
            protocol: "SIP;cause=1\r\nX: y".into(),
            cause: None,
            text: None,
        },
    );
    assert!(matches!(r, Err(CommandError::BadText { .. })), "{r:?}");
}
