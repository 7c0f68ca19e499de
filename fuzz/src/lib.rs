//! The fuzz targets' harnesses. They live in `tests/fuzz_harness/mod.rs` so that
//! `cargo test` on stable (tests/fuzz_regressions.rs) replays the corpus and every crash through
//! exactly the code the fuzzers run; this crate only includes that file.

#[path = "../../tests/fuzz_harness/mod.rs"]
pub mod harness;
