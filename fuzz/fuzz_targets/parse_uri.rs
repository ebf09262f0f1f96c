//! Any text as a URI or an address: what parses must write back to text
//! that parses to an equal value; escaping round-trips for every URI
//! component.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sansip_fuzz::check_parse_uri(data));
