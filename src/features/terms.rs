//! What training may learn from a text: the stem and stem-pair features it extracts. It lives
//! beside the scorer ([`super::Vocabulary`]) so that the two read text one way: a term this
//! extracts is a term the scorer counts, which the test below checks on random texts.

use super::{FeatureKey, is_unlearned_stem};
use crate::text::{self, Term};

/// The learnable terms of a text, in order, repeated as often as they occur: stems and
/// (optionally) bigrams of adjacent stems once stop words are dropped. Level words, the
/// shared function and numbers are not learned (and no bigram spans them).
///
/// ```
/// use joblevel::features::{FeatureKey, terms};
/// let keys = terms("Lead the day-to-day operations of 3 sites", true);
/// let words: Vec<String> = keys.iter().map(FeatureKey::to_string).collect();
/// assert_eq!(words, ["lead", "day", "day", "site", "lead day", "day day"]);
/// ```
pub fn terms(text: &str, bigrams: bool) -> Vec<FeatureKey> {
    let stems: Vec<Option<String>> = text::analyze(text)
        .into_iter()
        .map(|t| match t {
            // Single letters ("P" of P&L, "G" of G Suite) are fragments, not words.
            Term::Stem(s) if s.chars().nth(1).is_some() && !is_unlearned_stem(&s) => Some(s),
            _ => None,
        })
        .collect();
    let mut out: Vec<FeatureKey> = stems
        .iter()
        .flatten()
        .cloned()
        .map(FeatureKey::Unigram)
        .collect();
    if bigrams {
        for pair in stems.windows(2) {
            if let [Some(a), Some(b)] = pair {
                out.push(FeatureKey::Bigram(a.clone(), b.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Vocabulary;
    use std::collections::BTreeMap;

    /// Pieces of job-posting text with every case the two paths must agree on: stop words and
    /// negations (dropped, joining their neighbours), apostrophes, numbers (short, long,
    /// overflowing), level words and single letters (not learned), HTML tags and entities,
    /// case, non-ASCII words, words longer than the scorer's 16-byte packed form.
    const PIECES: &[&str] = &[
        "Managing",
        "operations",
        "day",
        "to",
        "the",
        "Director",
        "VP",
        "head",
        "of",
        "budget",
        "budgets",
        "P&L",
        "don't",
        "company's",
        "not",
        "never",
        "no",
        "nor",
        "10",
        "12+",
        "99999999999999999999",
        "0",
        "Équipe",
        "ÉQUIPE",
        "straße",
        "internationalisation",
        "INTERNATIONALISATION",
        "a",
        "x",
        "G",
        "<b>",
        "</b>",
        "&amp;",
        "&nbsp;",
        "<li>",
        "<script>ops()</script>",
        "day-to-day",
        "cross-functional",
        "café",
        "naïve",
        "٣",
        "中文",
        "reports",
        "Reporting",
        "CEO",
        "team",
        "teams",
        "strategy",
        "strategic",
        "SVP",
        "Ops",
        "set",
        "sets",
        "hire",
        "hiring",
        "site",
        "sites",
        "vendor",
        "KPIs",
        "you",
        "will",
        "is",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "2024",
    ];
    const GAPS: &[&str] = &[" ", " ", " ", ", ", ". ", "\n", "-", "/", "'", "; ", "  "];

    /// `n` random texts from a seeded generator: the same texts on every run.
    fn random_texts(n: usize) -> Vec<String> {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        (0..n)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..next(60) {
                    text.push_str(PIECES[next(PIECES.len())]);
                    text.push_str(GAPS[next(GAPS.len())]);
                }
                text
            })
            .collect()
    }

    /// Occurrences of each key.
    fn tally(keys: impl IntoIterator<Item = FeatureKey>) -> BTreeMap<FeatureKey, u32> {
        let mut out = BTreeMap::new();
        for key in keys {
            *out.entry(key).or_insert(0) += 1;
        }
        out
    }

    /// For random texts, the scorer counts every key training extracts, as often as training
    /// extracts it, and nothing else: with a vocabulary that holds all their keys, and with one
    /// built from half of the texts, so the other half has words the scorer does not know.
    #[test]
    fn the_scorer_counts_exactly_the_terms_training_extracts() {
        let texts = random_texts(3000);
        for bigrams in [true, false] {
            let extracted: Vec<BTreeMap<FeatureKey, u32>> =
                texts.iter().map(|t| tally(terms(t, bigrams))).collect();
            for learned_from in [1, 2] {
                let known: Vec<FeatureKey> = tally(
                    extracted
                        .iter()
                        .step_by(learned_from)
                        .flat_map(|keys| keys.keys().cloned()),
                )
                .into_keys()
                .collect();
                let vocabulary = Vocabulary::new(known, &Default::default()).unwrap();
                // Twice: the second pass reads every word from the scorer's cache.
                for _ in 0..2 {
                    for (text, keys) in texts.iter().zip(&extracted) {
                        let counted =
                            tally(vocabulary.count(text).into_iter().flat_map(|(id, n)| {
                                std::iter::repeat_n(vocabulary.key(id).clone(), n as usize)
                            }));
                        let expected: BTreeMap<FeatureKey, u32> = keys
                            .iter()
                            .filter(|(key, _)| vocabulary.keys().binary_search(key).is_ok())
                            .map(|(key, &n)| (key.clone(), n))
                            .collect();
                        assert_eq!(counted, expected, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn level_words_numbers_and_single_letters_are_not_learned_and_break_bigrams() {
        let keys: Vec<String> = terms("budget Director budget 10 budget P&L budget", true)
            .iter()
            .map(FeatureKey::to_string)
            .collect();
        assert_eq!(keys, ["budget", "budget", "budget", "budget"]);
    }
}
