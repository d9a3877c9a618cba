//! The title parser: any string, no panic, and a title that names no level says why.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let title = String::from_utf8_lossy(data);
    let parsed = joblevel::title::parse(&title);
    assert!(parsed.level.is_some() || !parsed.reason.is_empty());
});
