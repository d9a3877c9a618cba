//! The cue pattern parser and matcher: any pattern, no panic; a pattern that compiles is
//! matched against its own words and a fixed text without panicking.
#![no_main]

use joblevel::features::{FeatureKey, Vocabulary};
use libfuzzer_sys::fuzz_target;
use rustc_hash::FxHashMap;

fuzz_target!(|data: &[u8]| {
    let pattern = String::from_utf8_lossy(data);
    let mut patterns = FxHashMap::default();
    patterns.insert("fuzz".to_string(), pattern.to_string());
    if let Ok(vocabulary) = Vocabulary::new(vec![FeatureKey::Cue("fuzz".into())], &patterns) {
        let _ = vocabulary.count(&pattern);
        let _ = vocabulary.count("You report to the CEO; 10+ years leading a team of 12.");
    }
});
