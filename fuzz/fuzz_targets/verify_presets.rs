#![no_main]
//! The full entry point: arbitrary header maps, bodies and clocks through `Verifier::verify` for
//! every preset, and through the middleware (see tests/fuzz_harness).

use libfuzzer_sys::fuzz_target;
use webhook_guard_fuzz::harness::run_presets;

fuzz_target!(|data: &[u8]| {
    run_presets(data);
});
