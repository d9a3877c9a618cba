//! Text decoding, HTML stripping, tokenizing and title masking: any bytes, no panic, and
//! every token is a non-empty slice of the text it came from.
#![no_main]

use joblevel::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = text::decode_any(data) else {
        return;
    };
    let stripped = text::strip_html(&decoded);
    for token in text::tokens(&stripped) {
        assert!(!token.text.is_empty());
        let start = token.text.as_ptr() as usize - stripped.as_ptr() as usize;
        assert!(start + token.text.len() <= stripped.len());
        assert_eq!(token.ascii, token.text.is_ascii());
    }
    let _ = text::analyze(&decoded);
    let first_line = decoded.lines().next().unwrap_or("");
    let masked = text::mask_title(&decoded, first_line);
    assert!(masked.len() <= decoded.len() + first_line.len());
});
