//! Any bytes: parse as a datagram; a parsed message must read and
//! re-serialize without panicking, and re-parse to the same bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sansip_fuzz::check_parse_message(data));
