//! Stemmer: the Snowball English algorithm (Porter2) from `rust-stemmers`.

use std::borrow::Cow;

/// Snowball English stemmer (Porter2) from `rust-stemmers`.
pub struct Stemmer(rust_stemmers::Stemmer);

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::English,
        ))
    }
}

impl Stemmer {
    /// Stems a lower-case word: "managing" -> "manag", "operations" -> "oper".
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.0.stem(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stemmer_conflates_inflections() {
        let s = Stemmer::default();
        assert_eq!(s.stem("operations"), s.stem("operational"));
        assert_eq!(s.stem("managing"), s.stem("manage"));
    }
}
