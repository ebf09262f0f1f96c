//! Typed header values drawn from the input: build -> serialize -> parse
//! must give the same typed values back, and changing one header of the
//! parsed message must re-serialize only that field.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sansip_fuzz::check_roundtrip(data));
