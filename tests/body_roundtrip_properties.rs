//! Round-trip properties over generated bodies: any PIDF or dialog-info
//! document built from generated values (text with every character that
//! needs escaping, CR, LF, tab, non-ASCII) is written to a body that
//! parses back equal; any bytes, and real bodies cut or mutated, hold the
//! `parse_presence` fuzz target's property (`fuzz/src/presence.rs`): no
//! panic, and what parses is stable through serialize -> parse.

#[allow(unreachable_pub, dead_code)]
#[path = "../fuzz/src/presence.rs"]
mod fuzz_presence;

use fuzz_presence::check_parse_presence;
use proptest::prelude::*;
use sansip::body::dialog_info::*;
use sansip::body::pidf::*;
use sansip::body::Text;
use sansip::message::headers::QValue;

// ---- PIDF ---------------------------------------------------------------

/// Text with the characters that need escaping, CR, LF, tab, and
/// non-ASCII.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('<'),
            Just('&'),
            Just('>'),
            Just('"'),
            Just('\''),
            Just('\r'),
            Just('\n'),
            Just('\t'),
            Just(' '),
            Just('é'),
            Just('😀'),
            proptest::char::range('a', 'z'),
        ],
        0..12,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9:@._;=+-]{1,16}"
}

fn note() -> impl Strategy<Value = Note> {
    (text(), proptest::option::of("[a-z]{2}")).prop_map(|(t, l)| Note {
        text: t.into(),
        lang: l.map(Text::from),
    })
}

fn tuple() -> impl Strategy<Value = Tuple> {
    (
        text(),
        proptest::option::of(any::<bool>()),
        proptest::option::of((token(), proptest::option::of(0u16..=1000))),
        proptest::collection::vec(note(), 0..3),
        any::<bool>(),
        proptest::option::of(token()),
    )
        .prop_map(|(id, basic, contact, notes, stamp, device)| {
            let mut t = Tuple::new(id, Basic::Open);
            t.status.basic = basic.map(|o| if o { Basic::Open } else { Basic::Closed });
            t.contact = contact.map(|(uri, p)| Contact {
                uri: uri.into(),
                priority: p.and_then(QValue::from_thousandths),
            });
            t.notes = notes;
            t.timestamp = stamp.then(|| Timestamp::parse("2020-02-29T23:59:60.123-03:30").unwrap());
            t.device_id = device.map(Text::from);
            t
        })
}

fn person() -> impl Strategy<Value = Person> {
    (
        token(),
        proptest::option::of(proptest::collection::vec(0usize..4, 0..4)),
        proptest::collection::vec(note(), 0..2),
        text(),
    )
        .prop_map(|(id, acts, notes, other)| {
            let mut p = Person::new(id);
            p.activities = acts.map(|v| {
                Activities::of(v.into_iter().map(|k| match k {
                    0 => Activity::OnThePhone,
                    1 => Activity::Away,
                    2 => Activity::Busy,
                    _ => Activity::Other(other.as_str().into()),
                }))
            });
            p.notes = notes;
            p
        })
}

// ---- dialog-info ----------------------------------------------------------

fn participant() -> impl Strategy<Value = Participant> {
    (
        proptest::option::of((token(), proptest::option::of(text()))),
        proptest::option::of((token(), proptest::collection::vec((text(), text()), 0..3))),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(|(identity, target, cseq)| Participant {
            identity: identity.map(|(uri, display)| Identity {
                uri: uri.into(),
                display: display.map(Text::from),
            }),
            target: target.map(|(uri, params)| Target {
                uri: uri.into(),
                params: params
                    .into_iter()
                    .map(|(n, v)| (n.into(), v.into()))
                    .collect(),
            }),
            cseq,
            ..Participant::default()
        })
}

fn entry() -> impl Strategy<Value = DialogEntry> {
    (
        (
            text(),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
        (
            0usize..5,
            proptest::option::of(0usize..7),
            proptest::option::of(100u16..700),
        ),
        (
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<u64>()),
        ),
        proptest::collection::vec(token(), 0..3),
        proptest::option::of(participant()),
        proptest::option::of(participant()),
    )
        .prop_map(
            |((id, call, tag), (s, ev, code), (dir, dur), hops, local, remote)| {
                let states = [
                    DialogState::Trying,
                    DialogState::Proceeding,
                    DialogState::Early,
                    DialogState::Confirmed,
                    DialogState::Terminated,
                ];
                let events = [
                    StateEvent::Cancelled,
                    StateEvent::Rejected,
                    StateEvent::Replaced,
                    StateEvent::LocalBye,
                    StateEvent::RemoteBye,
                    StateEvent::Error,
                    StateEvent::Timeout,
                ];
                let mut e = DialogEntry::new(id, states[s]);
                e.call_id = call.map(Text::from);
                e.local_tag = tag.map(Text::from);
                e.state_event = ev.map(|i| events[i]);
                e.state_code = code;
                e.direction = dir.map(|i| {
                    if i {
                        Direction::Initiator
                    } else {
                        Direction::Recipient
                    }
                });
                e.duration = dur;
                e.route_set = hops.into_iter().map(Text::from).collect();
                e.local = local;
                e.remote = remote;
                e
            },
        )
}

/// Every body in tests/data/pidf and tests/data/dialog_info.
fn real_bodies() -> Vec<Vec<u8>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut out: Vec<Vec<u8>> = ["pidf", "dialog_info"]
        .iter()
        .flat_map(|kind| std::fs::read_dir(format!("{root}/tests/data/{kind}")).unwrap())
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

proptest! {
    #[test]
    fn generated_pidf_documents_round_trip(
        entity in text(),
        tuples in proptest::collection::vec(tuple(), 0..4),
        notes in proptest::collection::vec(note(), 0..3),
        persons in proptest::collection::vec(person(), 0..3),
    ) {
        let mut p = Presence::new(entity);
        p.tuples = tuples;
        p.notes = notes;
        p.persons = persons;
        let again = Presence::parse(p.to_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, p);
    }

    #[test]
    fn generated_dialog_info_documents_round_trip(
        entity in text(),
        version in any::<u64>(),
        partial in any::<bool>(),
        dialogs in proptest::collection::vec(entry(), 0..4),
    ) {
        let state = if partial { InfoState::Partial } else { InfoState::Full };
        let mut d = DialogInfo::new(entity, version, state);
        d.dialogs = dialogs;
        let again = DialogInfo::parse(d.to_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, d);
    }

    #[test]
    fn any_bytes_hold_the_fuzz_property(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        check_parse_presence(&data);
    }

    #[test]
    fn cut_or_mutated_real_bodies_hold_the_fuzz_property(
        which in any::<proptest::sample::Index>(),
        cut in any::<proptest::sample::Index>(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let bodies = real_bodies();
        let mut body = which.get(&bodies).clone();
        for (at, byte) in edits {
            let i = at.index(body.len());
            body[i] = byte;
        }
        body.truncate(cut.index(body.len() + 1));
        check_parse_presence(&body);
    }
}
