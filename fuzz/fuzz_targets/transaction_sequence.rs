//! Any sequence of received requests and responses, TU commands, elapsed
//! time and closed flows: the transaction layer stays within its limit,
//! never brings a terminated transaction back, and drains to empty tables.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: sansip_fuzz::TxSequence| {
    sansip_fuzz::check_transaction_sequence(&input)
});
