//! Every seed, every corpus input and every crasher ever found, run through
//! its target: a crasher checked in under `fuzz/crashes/TARGET` fails here
//! until the decoder is fixed.

use std::path::{Path, PathBuf};

use ecabinet_fuzz::{run, seeds, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect();
    found.sort();
    found
}

#[test]
fn every_target_has_seeds_and_a_corpus() {
    for target in TARGETS {
        assert!(!seeds(target.name).is_empty(), "{}: no seeds", target.name);
        let corpus = inputs(&fuzz_dir().join("corpus").join(target.name));
        assert!(
            !corpus.is_empty(),
            "{}: nothing checked in under fuzz/corpus/{} (run ./scripts/fuzz {} 1)",
            target.name,
            target.name,
            target.name
        );
    }
    assert!(!run("no-such-target", b""), "an unknown target must say so");
}

#[test]
fn seeds_corpus_and_crashers_replay_cleanly() {
    let mut count = 0;
    for target in TARGETS {
        for seed in seeds(target.name) {
            (target.run)(&seed);
            count += 1;
        }
        for kind in ["corpus", "crashes"] {
            for (path, bytes) in inputs(&fuzz_dir().join(kind).join(target.name)) {
                let outcome = std::panic::catch_unwind(|| (target.run)(&bytes));
                assert!(
                    outcome.is_ok(),
                    "{} fails on {}",
                    target.name,
                    path.display()
                );
                count += 1;
            }
        }
    }
    assert!(count >= TARGETS.len() * 2, "only {count} inputs replayed");
}

#[test]
fn the_targets_do_check_their_properties() {
    // A forged wrapped key is refused, so this input passes quietly...
    let forged = br#"{"ephemeral_public":"AAAA","ciphertext":"AAAA"}"#;
    assert!(run("wrapped_key", forged));
    // ...and a session log that ends, then goes on, is refused by the rules
    // (the target would panic if the rules accepted the event after the end).
    assert!(run("session_rules", &[0, 0, 0, 14, 0, 0, 0, 0, 0, 1, 1, 0]));
}
