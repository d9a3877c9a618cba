//! The named-level reader: any text, no panic, and the title found is where it says it is.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(named) = joblevel::named::read(&text) {
        assert!(named.start <= named.end && named.end <= text.len());
        assert_eq!(&text[named.start..named.end], named.title);
    }
});
