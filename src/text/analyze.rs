//! Word analysis: what a word of text is to the later stages. [`analyze_word`] is the one
//! definition, shared by training (through [`analyze`]), the scorer (`features`, once per
//! distinct word) and evidence spans (`spans`), so what training learns is what scoring counts.

use super::{Stemmer, is_negation, is_stop_word, lowercase_into, strip_html, tokens};
use std::borrow::Cow;

/// One analysed word: its stem, or the value of a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Stem(String),
    Number(u32),
}

/// A lower-cased word read by [`analyze_word`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Analysis<'a> {
    /// A stop word: dropped, so the words around it are adjacent ("day-to-day" is "day day").
    Stop,
    /// A stop word that negates what follows ("not"): dropped like any stop word, and no cue
    /// starts at the next word.
    Negation,
    /// Any other word, stemmed.
    Stem(Cow<'a, str>),
}

/// Reads a lower-cased word that is not a number ([`super::Token::number`] decides that
/// first): stop words out, the rest stemmed.
pub fn analyze_word<'a>(word: &'a str, stemmer: &Stemmer) -> Analysis<'a> {
    if !is_stop_word(word) {
        Analysis::Stem(stemmer.stem(word))
    } else if is_negation(word) {
        Analysis::Negation
    } else {
        Analysis::Stop
    }
}

/// The whole text stage without caching: HTML stripped, numbers read, stop words dropped,
/// words stemmed. Used for training and for the cue patterns, where the text is small; the
/// scorer caches [`analyze_word`] per distinct word instead.
pub fn analyze(text: &str) -> Vec<Term> {
    let stemmer = Stemmer::default();
    let clean = strip_html(text);
    let mut buf = String::new();
    let mut out = Vec::new();
    for token in tokens(&clean) {
        if let Some(n) = token.number() {
            out.push(Term::Number(n));
            continue;
        }
        lowercase_into(token, &mut buf);
        if let Analysis::Stem(stem) = analyze_word(&buf, &stemmer) {
            out.push(Term::Stem(stem.into_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyze_drops_stop_words_and_stems() {
        let terms = analyze("Reports to the CEO with 10 years of managing");
        let want = [
            Term::Stem("report".into()),
            Term::Stem("ceo".into()),
            Term::Number(10),
            Term::Stem("year".into()),
            Term::Stem("manag".into()),
        ];
        assert_eq!(terms, want);
    }

    #[test]
    fn negations_are_stop_words_marked_as_such() {
        let s = Stemmer::default();
        assert_eq!(analyze_word("not", &s), Analysis::Negation);
        assert_eq!(analyze_word("the", &s), Analysis::Stop);
        assert_eq!(analyze_word("managing", &s), Analysis::Stem("manag".into()));
        assert_eq!(analyze_word("never", &s), Analysis::Stem("never".into()));
    }
}
