//! The model loader: any JSON, no panic; a model that loads scores a text to finite values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let json = String::from_utf8_lossy(data);
    if let Ok(model) = joblevel::Model::from_json(&json) {
        let classifier = joblevel::Classifier::new(model);
        if let Ok(p) = classifier.classify("Report to the CEO and run the shift teams.") {
            assert!(p.confidence.is_finite(), "confidence {}", p.confidence);
        }
    }
});
