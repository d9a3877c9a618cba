//! Text stage: raw bytes to normalised, stemmed words.
//!
//! A chain of small steps, one file each, each testable alone:
//! [`decode`] (UTF-8, UTF-16 and binary checks) -> [`strip_html`] -> [`tokens`] (with an
//! ASCII fast path) -> [`lowercase_into`] -> [`is_stop_word`] -> [`Stemmer::stem`], the last
//! two joined in [`analyze_word`], the one definition of a word that training and scoring
//! share. [`mask_title`] takes a posting's own title out of its text before it is read.
//!
//! Callers that score many documents cache [`analyze_word`] per distinct word (see
//! `features`), so a word is lower-cased, checked and stemmed once. This stage knows nothing
//! of features or models: every later stage builds on it, never the other way round.

mod analyze;
mod decode;
mod html;
mod mask;
mod stem;
mod stop_words;
mod tokens;

pub use analyze::{Analysis, Term, analyze, analyze_word};
#[cfg(test)]
pub(crate) use decode::utf16_with_bom;
pub use decode::{check_not_blank, decode, decode_any, decode_utf16, looks_like_utf16, utf16_bom};
pub use html::strip_html;
pub(crate) use mask::KEEP_BYTES;
pub use mask::{mask_title, mask_title_into, title_mentions};
pub use stem::Stemmer;
pub(crate) use stop_words::is_negation;
pub use stop_words::is_stop_word;
pub use tokens::{Packed, Token, Tokens, lowercase_into, tokens};

/// `n` texts of up to `max_pieces` pieces each, drawn by a seeded xorshift generator (the same
/// texts on every run): for the tests that hold a fast reader to a plain reference.
#[cfg(test)]
pub(crate) fn random_texts<'a>(
    pieces: &'a [&'a str],
    max_pieces: u64,
    n: usize,
) -> impl Iterator<Item = String> + 'a {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    (0..n).map(move |_| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut text = String::new();
        for k in 0..(seed % max_pieces) {
            let r = seed.rotate_left(k as u32 * 7) ^ k.wrapping_mul(0x2545_F491_4F6C_DD1D);
            text.push_str(pieces[(r % pieces.len() as u64) as usize]);
        }
        text
    })
}
