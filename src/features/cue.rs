//! Cue patterns: the phrase rules of `training/cues.csv` ("reports to * ceo|coo"), parsed
//! once here for the scorer and for evidence spans alike, and matched over the scorer's
//! analysed word stream.

use super::vocabulary::{NUMBER, Word};
use crate::text::{self, Term};

/// A phrase rule over the analysed word stream.
///
/// Written as words separated by spaces, each analysed like the text (lower-cased, stop words
/// dropped, stemmed), so `reports to the CEO` matches "reporting to our CEO". Special elements:
/// `a|b` (either word), `word?` (optional word), `*` (at most one word of any kind, as in
/// "reports *directly* to"), `#10+` (a number >= 10), `#2-5` (a number in 2..=5), and
/// `!a|b` before the first word (the cue does not fire right after these words: "direct
/// reports include the director" is not a reporting line).
///
/// A pattern starts with a required word or a number, so a match is found by looking only at
/// the words that start one. `S` is how a stem is held: an id into the scorer's stem table,
/// or the stem itself for evidence spans. The default, empty pattern matches nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CuePattern<S = u32> {
    pub(crate) elements: Vec<Element<S>>,
    /// The stems of `!a|b`: no match starts right after one of them.
    pub(crate) not_after: Vec<S>,
}

/// One element of a cue pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Element<S> {
    /// Any of these stems; `optional` may match nothing.
    Stems { ids: Vec<S>, optional: bool },
    /// A number in `min..=max`.
    Number { min: u32, max: u32 },
    /// Zero to `n` arbitrary words.
    Gap(usize),
}

/// A cue whose pattern cannot be used, with the cue's name and pattern so that the row of
/// `training/cues.csv` (or of a model file's `cues`) is easy to find.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cue {name:?} (pattern {pattern:?}): {problem}")]
pub struct CueError {
    pub name: String,
    pub pattern: String,
    pub problem: CueProblem,
}

/// What is wrong with a cue pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CueProblem {
    #[error("`!{0}` is only allowed before the first word")]
    NotAfterLate(String),
    #[error("bad number {0:?}: use #N+ or #N-M")]
    BadNumber(String),
    #[error("it has no word to match (stop words such as \"to\" do not count)")]
    Empty,
    #[error("it starts with *: start with a word or a number")]
    StartsWithGap,
    #[error("it starts with an optional word: start with a required word or a number")]
    StartsOptional,
    #[error("it ends with *: end with a word or a number")]
    EndsWithGap,
    #[error("it can cover more than {MAX_SPAN} words: shorten it")]
    TooLong,
}

/// The most words a cue pattern can cover: [`matches_at`] tracks offsets in a `u64`.
pub(crate) const MAX_SPAN: usize = 63;

impl<S> CuePattern<S> {
    /// Parses `source` (see [`CuePattern`]), turning each stem into an `S` with `intern`.
    pub(crate) fn parse(
        source: &str,
        mut intern: impl FnMut(&str) -> S,
    ) -> Result<CuePattern<S>, CueProblem> {
        // The stems of `a|b`: each alternative analysed as text is.
        let mut stems = |part: &str| -> Vec<S> {
            part.split('|')
                .flat_map(text::analyze)
                .filter_map(|term| match term {
                    Term::Stem(s) => Some(intern(&s)),
                    Term::Number(_) => None,
                })
                .collect()
        };
        let mut elements = Vec::new();
        let mut not_after = Vec::new();
        for (i, part) in source.split_whitespace().enumerate() {
            if let Some(words) = part.strip_prefix('!') {
                if i > 0 {
                    return Err(CueProblem::NotAfterLate(words.to_string()));
                }
                not_after = stems(words);
            } else if part == "*" {
                elements.push(Element::Gap(1));
            } else if let Some(range) = part.strip_prefix('#') {
                let bad = || CueProblem::BadNumber(part.to_string());
                let (min, max) = match range.strip_suffix('+') {
                    Some(min) => (min.parse().map_err(|_| bad())?, u32::MAX),
                    None => {
                        let (a, b) = range.split_once('-').ok_or_else(bad)?;
                        (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?)
                    }
                };
                elements.push(Element::Number { min, max });
            } else {
                let (part, optional) = match part.strip_suffix('?') {
                    Some(p) => (p, true),
                    None => (part, false),
                };
                let ids = stems(part);
                // A word that is all stop words ("to") adds nothing: the stream has none either.
                if !ids.is_empty() {
                    elements.push(Element::Stems { ids, optional });
                }
            }
        }
        match (elements.first(), elements.last()) {
            (None, _) => return Err(CueProblem::Empty),
            (Some(Element::Gap(_)), _) => return Err(CueProblem::StartsWithGap),
            (Some(Element::Stems { optional: true, .. }), _) => {
                return Err(CueProblem::StartsOptional);
            }
            (_, Some(Element::Gap(_))) => return Err(CueProblem::EndsWithGap),
            _ => {}
        }
        if span(&elements) > MAX_SPAN {
            return Err(CueProblem::TooLong);
        }
        Ok(CuePattern {
            elements,
            not_after,
        })
    }
}

/// Checks that a cue's pattern parses, naming the cue when it does not: for readers of
/// `training/cues.csv`, which can then point at the row.
pub fn check_cue(name: &str, pattern: &str) -> Result<(), CueError> {
    CuePattern::parse(pattern, |_| ())
        .map(drop)
        .map_err(|problem| CueError {
            name: name.to_string(),
            pattern: pattern.to_string(),
            problem,
        })
}

/// The most words `elements` can cover.
fn span<S>(elements: &[Element<S>]) -> usize {
    elements
        .iter()
        .map(|e| match e {
            Element::Gap(n) => *n,
            _ => 1,
        })
        .sum()
}

/// Whether `elements` match the words at the start of `words`.
///
/// Runs the pattern over the set of word offsets it can have reached so far (bit `p` of a
/// mask: the elements so far match `words[..p]`), so there is no backtracking; a pattern
/// spans at most [`MAX_SPAN`] words, so every offset fits in the mask.
#[inline]
pub(super) fn matches_at(elements: &[Element<u32>], words: &[Word]) -> bool {
    // Offsets past the end of the words are not reachable.
    let within = u64::MAX >> 63usize.saturating_sub(words.len());
    let mut at = 1u64;
    for element in elements {
        at = match element {
            Element::Gap(n) => (0..=*n).fold(0, |reach, skip| reach | at << skip) & within,
            Element::Stems { ids, optional } => {
                let mut next = step(at, words, |w| ids.contains(&w.stem));
                if *optional {
                    next |= at;
                }
                next
            }
            Element::Number { min, max } => step(at, words, |w| {
                w.stem == NUMBER && (*min..=*max).contains(&w.data)
            }),
        };
        if at == 0 {
            return false;
        }
    }
    true
}

/// The word after a cue's first word, as a bit for [`next_word_filter`]: one of 64, picked by
/// the stem id's top bits after a multiplicative hash.
#[inline(always)]
pub(super) fn filter_bit(stem: u32) -> u64 {
    1 << (stem.wrapping_mul(0x9E37_79B9) >> 26)
}

/// A filter of the words that may follow a cue's first word in a match of the rest,
/// `elements` (all but the first): the [`filter_bit`]s of what the first element to take a
/// word takes (the stems of each optional element up to the first required one, or a number),
/// or every bit when that may be any word (a gap) or no word need follow (all optional). A
/// start whose next word's bit is not in it cannot match; most starts are ruled out so, for
/// the cost of one test ("manager" starts a cue, and is seldom followed by "direct reports").
pub(super) fn next_word_filter(elements: &[Element<u32>]) -> u64 {
    let mut filter = 0;
    for element in elements {
        match element {
            Element::Gap(_) => return u64::MAX,
            Element::Number { .. } => return filter | filter_bit(NUMBER),
            Element::Stems { ids, optional } => {
                filter |= ids.iter().fold(0, |f, &id| f | filter_bit(id));
                if !optional {
                    return filter;
                }
            }
        }
    }
    u64::MAX
}

/// The offsets `p + 1` for each offset `p` in `at` whose word passes `test`.
#[inline]
fn step(mut at: u64, words: &[Word], test: impl Fn(&Word) -> bool) -> u64 {
    let mut next = 0;
    while at != 0 {
        let p = at.trailing_zeros() as usize;
        at &= at - 1;
        if words.get(p).is_some_and(&test) {
            next |= 2 << p;
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::vocabulary::UNKNOWN;

    /// The definition [`matches_at`] implements, by backtracking.
    fn matches_recursive(elements: &[Element<u32>], words: &[Word]) -> bool {
        let Some((first, rest)) = elements.split_first() else {
            return true;
        };
        match first {
            Element::Gap(n) => {
                (0..=*n).any(|skip| skip <= words.len() && matches_recursive(rest, &words[skip..]))
            }
            Element::Stems { ids, optional } => {
                let here = words
                    .first()
                    .is_some_and(|w| ids.contains(&w.stem) && matches_recursive(rest, &words[1..]));
                here || (*optional && matches_recursive(rest, words))
            }
            Element::Number { min, max } => words.first().is_some_and(|w| {
                w.stem == NUMBER
                    && (*min..=*max).contains(&w.data)
                    && matches_recursive(rest, &words[1..])
            }),
        }
    }

    fn parse(source: &str) -> Result<CuePattern<String>, CueProblem> {
        CuePattern::parse(source, str::to_string)
    }

    #[test]
    fn patterns_read_their_words_as_the_text_is_read() {
        let p = parse("!direct reports directly? to the * CEO|COO #10+ #2-5").unwrap();
        assert_eq!(p.not_after, ["direct"]);
        let stems = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            p.elements,
            [
                Element::Stems {
                    ids: stems(&["report"]),
                    optional: false
                },
                Element::Stems {
                    ids: stems(&["direct"]),
                    optional: true
                },
                Element::Gap(1),
                Element::Stems {
                    ids: stems(&["ceo", "coo"]),
                    optional: false
                },
                Element::Number {
                    min: 10,
                    max: u32::MAX
                },
                Element::Number { min: 2, max: 5 },
            ]
        );
    }

    #[test]
    fn bad_patterns_are_rejected_with_their_problem() {
        let cases = [
            ("* ceo", CueProblem::StartsWithGap),
            ("ceo *", CueProblem::EndsWithGap),
            ("directly? reports", CueProblem::StartsOptional),
            ("to the", CueProblem::Empty),
            ("#ten+ years", CueProblem::BadNumber("#ten+".into())),
            ("#3 years", CueProblem::BadNumber("#3".into())),
            ("reports !direct", CueProblem::NotAfterLate("direct".into())),
        ];
        for (source, problem) in cases {
            assert_eq!(parse(source), Err(problem), "{source:?}");
        }
        // 62 words and a gap of one reach the limit; one more word passes it.
        let words = |n: usize| vec!["budget"; n].join(" ");
        assert!(parse(&format!("{} * ceo", words(61))).is_ok());
        assert_eq!(
            parse(&format!("{} * ceo", words(62))),
            Err(CueProblem::TooLong)
        );
    }

    #[test]
    fn a_cue_error_names_the_cue_its_pattern_and_the_problem() {
        let e = check_cue("reports_to_ceo", "* ceo").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cue \"reports_to_ceo\" (pattern \"* ceo\"): it starts with *: start with a word or a number"
        );
        assert_eq!(check_cue("ok", "reports to * ceo"), Ok(()));
    }

    #[test]
    fn cue_matching_without_backtracking_agrees_with_the_definition() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..20_000 {
            let elements: Vec<Element<u32>> = (0..1 + next(6))
                .map(|_| match next(4) {
                    0 => Element::Gap(1 + next(2) as usize),
                    1 => Element::Number {
                        min: next(5) as u32,
                        max: next(8) as u32,
                    },
                    _ => Element::Stems {
                        ids: (0..1 + next(2)).map(|_| next(4) as u32).collect(),
                        optional: next(3) == 0,
                    },
                })
                .collect();
            let words: Vec<Word> = (0..next(9))
                .map(|_| match next(6) {
                    0 => Word {
                        stem: NUMBER,
                        data: next(8) as u32,
                    },
                    1 => Word {
                        stem: UNKNOWN,
                        data: 0,
                    },
                    _ => Word {
                        stem: next(4) as u32,
                        data: 0,
                    },
                })
                .collect();
            let matches = matches_at(&elements, &words);
            assert_eq!(
                matches,
                matches_recursive(&elements, &words),
                "{elements:?} on {words:?}"
            );
            // The filter never rules out a match: the word after a cue's first word is the
            // first of `words` here.
            let next = words.first().map_or(u64::MAX, |w| filter_bit(w.stem));
            assert!(
                !matches || next_word_filter(&elements) & next != 0,
                "the filter rules out {elements:?} on {words:?}"
            );
        }
    }
}
