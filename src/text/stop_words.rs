//! Stop words: the words dropped before stemming. The list is data a person reads and edits
//! (`stop_words.txt`, one word a line), compiled in and parsed once.

use std::sync::LazyLock;

/// `stop_words.txt`: `#` starts a comment line.
const LIST: &str = include_str!("stop_words.txt");

/// The words of [`LIST`], sorted for binary search.
static STOP_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut words: Vec<&str> = LIST
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
});

/// True for an English stop word; `word` must already be lower-case.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The stop words that negate what follows: dropped like any stop word, but the scorer marks
/// the next word negated and starts no cue there ("you will not report to a director").
/// "never" is not a stop word, so it stays a word of its own and negates nothing.
pub(crate) const NEGATION_WORDS: [&str; 3] = ["no", "nor", "not"];

/// True for a stop word that negates what follows (see [`NEGATION_WORDS`]).
pub(crate) fn is_negation(word: &str) -> bool {
    NEGATION_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn listed() -> Vec<&'static str> {
        LIST.lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .collect()
    }

    #[test]
    fn the_list_is_sorted_lower_case_and_without_duplicates_so_a_reader_finds_a_word() {
        let words = listed();
        assert!(words.windows(2).all(|w| w[0] < w[1]), "sort stop_words.txt");
        assert!(
            words
                .iter()
                .all(|w| *w == w.trim() && *w == w.to_lowercase())
        );
        assert_eq!(words, *STOP_WORDS);
        assert!(is_stop_word("the") && is_stop_word("yourselves"));
        assert!(!is_stop_word("director") && !is_stop_word("head"));
    }

    /// A stop word the tokenizer cannot produce ("don't" is read as "don", "t") would be
    /// dead weight in the list.
    #[test]
    fn every_stop_word_is_a_word_the_tokenizer_can_produce() {
        for word in listed() {
            let got: Vec<&str> = tokens(word).map(|t| t.text).collect();
            assert_eq!(got, [word], "{word:?} is split by the tokenizer");
        }
    }

    #[test]
    fn negation_words_are_stop_words() {
        assert!(NEGATION_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(is_negation("not") && !is_negation("never") && !is_negation("the"));
    }
}
