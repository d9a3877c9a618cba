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
