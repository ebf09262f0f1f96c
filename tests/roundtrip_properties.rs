//! Round-trip properties over generated messages: typed header values
//! built into a request or a response, serialized and parsed, read back
//! equal; changing one header of a parsed message re-serializes only that
//! field.
//!
//! The generator and the checks are shared with the `roundtrip` fuzz target
//! (`fuzz/src/built.rs`): every choice is drawn from bytes, here from
//! proptest's, which it shrinks towards fewer and smaller bytes (simpler
//! values) when a case fails.

#[allow(unreachable_pub)]
#[path = "../fuzz/src/built.rs"]
mod built;

use built::{check_built, check_change, BuiltMessage, ByteSource, Change};
use proptest::prelude::*;

/// Enough bytes for every choice of a large message; shorter inputs leave
/// the later choices at their simplest.
fn entropy() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..4096)
}

proptest! {
    #[test]
    fn built_request_reads_back_the_same_typed_values(data in entropy()) {
        check_built(&BuiltMessage::generate(&mut ByteSource::new(&data), false));
    }

    #[test]
    fn built_response_reads_back_the_same_typed_values(data in entropy()) {
        check_built(&BuiltMessage::generate(&mut ByteSource::new(&data), true));
    }

    #[test]
    fn changed_header_reserializes_only_that_field(data in entropy()) {
        let mut g = ByteSource::new(&data);
        let change = Change::generate(&mut g);
        let response = g.flag();
        check_change(&BuiltMessage::generate(&mut g, response), &change);
    }
}

/// The simplest message (all choices 0) and a few fixed ones, so a failure
/// here does not depend on proptest's seed.
#[test]
fn fixed_inputs_round_trip() {
    for data in [&[][..], &[0xff; 64], &[0x5a; 4096]] {
        for response in [false, true] {
            let m = BuiltMessage::generate(&mut ByteSource::new(data), response);
            check_built(&m);
            check_change(&m, &Change::generate(&mut ByteSource::new(data)));
        }
    }
}
