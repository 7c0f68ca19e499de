#![no_main]
//! The `SignatureFormat` of this target's name, in custom schemes (see tests/fuzz_harness).

use libfuzzer_sys::fuzz_target;
use webhook_guard_fuzz::harness::{Format, run_format};

fuzz_target!(|data: &[u8]| {
    run_format(Format::Bare, data);
});
