//! The fuzz targets' harnesses (tests/fuzz_harness), run on stable as part of `cargo test`:
//! the seed corpus is made of genuine deliveries that are accepted, the committed corpus in
//! `fuzz/corpus/<target>/` and every crash kept in `fuzz/regressions/<target>/` replay without a
//! panic or a broken invariant. Fuzzing itself needs nightly and `cargo fuzz`; see
//! docs/security.md § Fuzzing.
// The harness covers every preset, the Ed25519 and ECDSA ones included.
#![cfg(all(feature = "ed25519", feature = "ecdsa"))]

mod fuzz_harness;

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use fuzz_harness::{
    Format, FormatInput, KNOWN_HEADERS, PRESETS_TARGET, RequestInput, check_format, check_presets,
    format_seeds, preset_seeds, presets, run_format, run_presets, seeds,
};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Every file kept for `target`: its corpus and its crash regressions.
fn kept_inputs(target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(dir).join(target)) else {
            continue;
        };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

fn replay(target: &str, run: impl Fn(&[u8])) -> usize {
    let files = kept_inputs(target);
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&data)));
        assert!(result.is_ok(), "{} failed", file.display());
    }
    files.len()
}

#[test]
fn inputs_decode_from_the_bytes_they_encode_to() {
    for format in Format::ALL {
        for (name, input) in format_seeds(format) {
            let bytes = input.to_bytes();
            let back = FormatInput::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
            assert_eq!(back, input, "{name}");
        }
    }
    for (name, input) in preset_seeds() {
        let bytes = input.to_bytes();
        let back = RequestInput::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        assert_eq!(back, input, "{name}");
    }
}

#[test]
fn every_format_configuration_accepts_what_a_signer_writes() {
    for format in Format::ALL {
        let seeds = format_seeds(format);
        for (name, input) in &seeds {
            let accepted = check_format(format, input);
            if name.starts_with("signed-") {
                assert!(accepted, "{format:?} {name}");
            }
        }
        // The placeholder variants reach both verdicts.
        let accepted = seeds
            .iter()
            .filter(|(_, i)| check_format(format, i))
            .count();
        assert!(
            accepted > seeds.len() / 3 && accepted < seeds.len(),
            "{format:?}"
        );
    }
}

#[test]
fn every_preset_accepts_its_genuine_delivery_and_no_other_preset_does() {
    let labels: Vec<&str> = presets().iter().map(|p| p.label).collect();
    for (name, input) in preset_seeds() {
        let outcome = check_presets(&input);
        let expected: &[&str] = match name.as_str() {
            // Unsigned: only the preset that opted in lets it through.
            "woocommerce-unsigned-ping" => &["woocommerce-ping"],
            label => &[labels.iter().copied().find(|l| *l == label).unwrap()],
        };
        assert_eq!(outcome.accepted, expected, "{name}");
    }
}

#[test]
fn every_header_a_preset_signs_with_is_known_to_the_fuzzer() {
    for preset in presets() {
        for name in preset.scheme.signature_headers() {
            assert!(KNOWN_HEADERS.contains(&name.as_str()), "{name}");
        }
    }
}

#[test]
fn committed_corpus_and_crash_regressions_replay_cleanly() {
    let mut total = 0;
    for format in Format::ALL {
        total += replay(format.target(), |data| {
            run_format(format, data);
        });
    }
    total += replay(PRESETS_TARGET, |data| {
        run_presets(data);
    });
    assert!(total >= seeds().len(), "only {total} corpus files");
}

/// Writes the seed corpus to `fuzz/corpus/<target>/seed-*`:
/// `cargo test --all-features --test fuzz_regressions -- --ignored write_seed_corpus`.
#[test]
#[ignore = "writes files; run by hand to refresh the seed corpus"]
fn write_seed_corpus() {
    for (target, name, bytes) in seeds() {
        let dir = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}
