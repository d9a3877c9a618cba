//! The vocabulary: the features a model knows, and the scorer's hot path that counts them in
//! a text (tokens -> cached word analysis -> stream of stem ids -> unigrams, bigrams, cues).

use super::FeatureKey;
use super::cue::{CueError, CuePattern, Element, filter_bit, matches_at, next_word_filter};
use super::table::PackedTable;
use crate::text::{self, Analysis, Packed, Stemmer};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use thread_local::ThreadLocal;

/// Why a [`Vocabulary`] cannot be built from a model's features and cues.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabularyError {
    #[error("{0} features is too many")]
    TooManyFeatures(usize),
    #[error("cue {0:?} has no pattern")]
    NoPattern(String),
    #[error(transparent)]
    Cue(#[from] CueError),
}

/// Sentinel stem ids in the analysed stream. The two dropped from the stream are the
/// highest, so one comparison tells a word kept (`stem < NEGATION`).
pub(super) const NUMBER: u32 = u32::MAX - 3;
pub(super) const UNKNOWN: u32 = u32::MAX - 2;
const STOP: u32 = u32::MAX;
/// A stop word that negates what follows ([`Analysis::Negation`]): dropped from the stream
/// like any stop word, but the next word is marked negated, and no cue starts at a negated
/// word ("you will not report to a director").
const NEGATION: u32 = u32::MAX - 1;

/// The low bits of [`Word::data`] for a word: its stem's unigram feature id, or the id one
/// past the last feature when it has none (counted in a spare slot and dropped, so counting
/// needs no branch).
const FEATURE_BITS: u32 = (1 << 30) - 1;
/// Bits of [`Word::data`]: the stem starts a bigram / starts a cue.
const STARTS_BIGRAM: u32 = 1 << 30;
const STARTS_CUE: u32 = 1 << 31;

/// One analysed word: a stem id (or a sentinel) and, for a number, its value, else its
/// unigram feature and what it starts ([`FEATURE_BITS`], [`STARTS_BIGRAM`], [`STARTS_CUE`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Word {
    pub(super) stem: u32,
    pub(super) data: u32,
}

/// Feature counts of one document: `(feature id, count)`, in order of first occurrence.
pub type Counts = Vec<(u32, u32)>;

/// The features a model knows, with the lookup tables to extract them fast.
pub struct Vocabulary {
    keys: Vec<FeatureKey>,
    stems: FxHashMap<Box<str>, u32>,
    /// stem id -> [`Word::data`] of a word with that stem.
    stem_data: Vec<u32>,
    /// `bigram_key(first, second)` -> bigram feature id.
    bigram: PackedTable<u64, u32>,
    cues: Vec<Cue>,
    /// stem id -> cues starting with it; cues starting with a number are in `number_cues`.
    cue_index: Vec<Vec<usize>>,
    number_cues: Vec<usize>,
    stemmer: Stemmer,
    /// Per-thread cache: lower-cased word -> analysed word. Bounded; see `CACHE_LIMIT`.
    cache: ThreadLocal<RefCell<Scratch>>,
}

/// A thread's buffers, reused from one document to the next.
#[derive(Default)]
struct Scratch {
    cache: WordCache,
    /// The analysed words; its length only grows, the words of this call are a prefix.
    stream: Vec<Word>,
    /// Dense per-feature counts (one spare slot), all zero between calls.
    counts: Vec<u32>,
    /// The ids counted in this call, in order of first occurrence; only grows.
    touched: Vec<u32>,
    /// The places in `stream` of the words that follow a negation, in order (few: most
    /// texts have none, so they are not marked word by word).
    negated: Vec<u32>,
}

/// A cue as the scorer matches it.
struct Cue {
    pattern: CuePattern,
    /// Its feature id.
    feature: u32,
    /// [`next_word_filter`] of the rest of the pattern.
    next: u64,
}

/// Lower-cased word -> analysed word.
#[derive(Default)]
struct WordCache {
    /// ASCII words of up to 16 bytes (nearly all words), keyed by
    /// [`Packed`]: looked up without hashing a string or chasing a pointer.
    packed: PackedTable<Packed, Word>,
    /// Longer and non-ASCII words, lower-cased.
    words: FxHashMap<Box<str>, Word>,
    /// The word being analysed, lower-cased.
    buf: String,
}

/// Past this many distinct words a thread's cache is cleared, so memory stays bounded on
/// endless streams of names and typos (a few MB per thread at most).
const CACHE_LIMIT: usize = 1 << 17;

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vocabulary")
            .field("features", &self.keys.len())
            .field("cues", &self.cues.len())
            .finish()
    }
}

/// The bigram table's key for a pair of stem ids; never 0 (0 marks an empty slot).
fn bigram_key(first: u32, second: u32) -> u64 {
    (u64::from(first) + 1) << 32 | u64::from(second)
}

impl Vocabulary {
    /// Builds the lookup tables for `keys` (feature id = position). Cue keys take their
    /// pattern from `cue_patterns` (name -> pattern text); a cue without one is an error.
    pub fn new(
        keys: Vec<FeatureKey>,
        cue_patterns: &FxHashMap<String, String>,
    ) -> Result<Vocabulary, VocabularyError> {
        if keys.len() >= FEATURE_BITS as usize {
            return Err(VocabularyError::TooManyFeatures(keys.len()));
        }
        let mut stems: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut intern = |s: &str| -> u32 {
            let next = stems.len() as u32;
            *stems.entry(s.into()).or_insert(next)
        };
        let mut unigram_pairs = Vec::new();
        let mut bigram_pairs = Vec::new();
        let mut cue_sources = Vec::new();
        for (fid, key) in keys.iter().enumerate() {
            let fid = fid as u32;
            match key {
                FeatureKey::Unigram(a) => unigram_pairs.push((intern(a), fid)),
                FeatureKey::Bigram(a, b) => bigram_pairs.push((intern(a), intern(b), fid)),
                FeatureKey::Cue(name) => {
                    let pattern = cue_patterns
                        .get(name)
                        .ok_or_else(|| VocabularyError::NoPattern(name.clone()))?;
                    cue_sources.push((name, pattern, fid));
                }
            }
        }
        let mut cues = Vec::new();
        for (name, pattern, fid) in cue_sources {
            let parsed = CuePattern::parse(pattern, &mut intern).map_err(|problem| CueError {
                name: name.clone(),
                pattern: pattern.clone(),
                problem,
            })?;
            cues.push(Cue {
                next: next_word_filter(&parsed.elements[1..]),
                pattern: parsed,
                feature: fid,
            });
        }
        let no_feature = keys.len() as u32;
        let mut stem_data = vec![no_feature; stems.len()];
        // A key seen twice (a malformed model) keeps its last feature id.
        for (stem, fid) in unigram_pairs {
            stem_data[stem as usize] = fid;
        }
        let mut bigram = PackedTable::default();
        for (first, second, fid) in bigram_pairs {
            bigram.insert(bigram_key(first, second), fid);
            stem_data[first as usize] |= STARTS_BIGRAM;
        }
        let mut cue_index: Vec<Vec<usize>> = vec![Vec::new(); stems.len()];
        let mut number_cues = Vec::new();
        for (i, cue) in cues.iter().enumerate() {
            // A pattern starts with a required word or a number (checked by the parser).
            match &cue.pattern.elements[0] {
                Element::Stems { ids, .. } => {
                    for &id in ids {
                        // Alternatives may share a stem (`set|sets`): one occurrence is one match.
                        if !cue_index[id as usize].contains(&i) {
                            cue_index[id as usize].push(i);
                        }
                        stem_data[id as usize] |= STARTS_CUE;
                    }
                }
                Element::Number { .. } => number_cues.push(i),
                Element::Gap(_) => {}
            }
        }
        Ok(Vocabulary {
            keys,
            stems,
            stem_data,
            bigram,
            cues,
            cue_index,
            number_cues,
            stemmer: Stemmer::default(),
            cache: ThreadLocal::new(),
        })
    }

    /// Number of features; feature ids are `0..len()`.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when the vocabulary has no feature.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key of feature `id`.
    pub fn key(&self, id: u32) -> &FeatureKey {
        &self.keys[id as usize]
    }

    /// All keys, in feature-id order.
    pub fn keys(&self) -> &[FeatureKey] {
        &self.keys
    }

    /// Counts the features of `text` (HTML is stripped first), in order of first occurrence.
    pub fn count(&self, text: &str) -> Counts {
        let mut counts = Counts::new();
        self.count_into(text, &mut counts);
        counts
    }

    /// [`Vocabulary::count`] into `out` (cleared first), so a caller scoring many documents
    /// reuses one buffer.
    pub fn count_into(&self, text: &str, out: &mut Counts) {
        out.clear();
        let clean = text::strip_html(text);
        let cell = self.cache.get_or_default();
        let mut scratch = cell.borrow_mut();
        let Scratch {
            cache,
            stream,
            counts,
            touched,
            negated,
        } = &mut *scratch;
        let n = self.analyse_into(&clean, cache, stream, negated);
        self.count_stream(&stream[..n], negated, counts, touched, out);
    }

    /// The analysed words of `text` without its stop words, written to the first returned
    /// number of slots of `stream`.
    fn analyse_into(
        &self,
        text: &str,
        cache: &mut WordCache,
        stream: &mut Vec<Word>,
        negated: &mut Vec<u32>,
    ) -> usize {
        let WordCache { packed, words, buf } = cache;
        if packed.len() + words.len() > CACHE_LIMIT {
            packed.clear();
            words.clear();
        }
        // A text of n bytes has at most n / 2 + 1 words. Writing every word and counting
        // only those that are not stop words takes no branch on the word.
        let most = text.len() / 2 + 2;
        if stream.len() < most {
            stream.resize(most, Word::default());
        }
        negated.clear();
        let mut n = 0;
        let mut negating = false;
        let mut tokens = text::tokens(text);
        while let Some(token) = tokens.next_raw() {
            let token_key = token.packed;
            let word = if token.packed[0] != 0 {
                // Numbers of up to 16 digits are cached like words (the same digits have the
                // same value), so the common case asks nothing of a word but the look-up.
                match packed.get(token.packed) {
                    Some(word) => word,
                    None => {
                        let token = text::Token::from_raw(tokens.text(), token);
                        let word = match token.number() {
                            Some(value) => Word {
                                stem: NUMBER,
                                data: value,
                            },
                            None => {
                                text::lowercase_into(token, buf);
                                self.analyse(buf)
                            }
                        };
                        packed.insert(token_key, word);
                        word
                    }
                }
            } else {
                let token = text::Token::from_raw(tokens.text(), token);
                match token.number() {
                    Some(value) => Word {
                        stem: NUMBER,
                        data: value,
                    },
                    None => {
                        text::lowercase_into(token, buf);
                        match words.get(buf.as_str()) {
                            Some(&word) => word,
                            None => {
                                let word = self.analyse(buf);
                                words.insert(buf.as_str().into(), word);
                                word
                            }
                        }
                    }
                }
            };
            stream[n] = word;
            // A kept word ends a negation; a stop word carries it on; "not" starts one.
            let kept = word.stem < NEGATION;
            if negating & kept {
                negated.push(n as u32);
            }
            n += usize::from(kept);
            negating = !kept & (negating | (word.stem == NEGATION));
        }
        n
    }

    /// The feature counts of an analysed word stream, into `out` in order of first
    /// occurrence. `counts` is all zero on entry and left so.
    fn count_stream(
        &self,
        stream: &[Word],
        mut negated: &[u32],
        counts: &mut Vec<u32>,
        touched: &mut Vec<u32>,
        out: &mut Counts,
    ) {
        let spare = self.keys.len();
        if counts.len() <= spare {
            counts.resize(spare + 1, 0);
        }
        if touched.len() <= spare + 1 {
            touched.resize(spare + 2, 0);
        }
        let mut distinct = 0;
        let mut add = |fid: u32| {
            let c = &mut counts[fid as usize];
            touched[distinct] = fid;
            distinct += usize::from(*c == 0);
            *c += 1;
        };
        // Features in the order they first occur: at each word its unigram, the bigram it
        // ends, then the cues it starts (the order the values are summed in when scoring).
        let mut prev = UNKNOWN;
        let mut prev_starts_bigram = false;
        for (i, w) in stream.iter().enumerate() {
            let starting: &[usize] = if w.stem != NUMBER {
                // An unknown word counts in the spare slot, starts nothing and ends no bigram
                // (no bigram has an unknown second word).
                add(w.data & FEATURE_BITS);
                if prev_starts_bigram && let Some(fid) = self.bigram.get(bigram_key(prev, w.stem)) {
                    add(fid);
                }
                prev_starts_bigram = w.data & STARTS_BIGRAM != 0;
                if w.data & STARTS_CUE != 0 {
                    &self.cue_index[w.stem as usize]
                } else {
                    &[]
                }
            } else {
                prev_starts_bigram = false;
                &self.number_cues
            };
            let previous = prev;
            prev = w.stem;
            let follows_negation = negated.first() == Some(&(i as u32));
            if follows_negation {
                negated = &negated[1..];
            }
            if follows_negation || starting.is_empty() {
                continue;
            }
            let next = stream.get(i + 1).map_or(u64::MAX, |w| filter_bit(w.stem));
            // The word matches the first element of a cue it starts, by construction of
            // `cue_index` (which takes no optional first word) or a number's range check.
            for &c in starting {
                let Cue {
                    pattern,
                    feature,
                    next: follows,
                } = &self.cues[c];
                if follows & next == 0 {
                    continue;
                }
                let first = match pattern.elements[0] {
                    Element::Number { min, max } => (min..=max).contains(&w.data),
                    _ => true,
                } && !pattern.not_after.contains(&previous);
                if first && matches_at(&pattern.elements[1..], &stream[i + 1..]) {
                    add(*feature);
                }
            }
        }
        for &id in &touched[..distinct] {
            let count = std::mem::take(&mut counts[id as usize]);
            if id as usize != spare {
                out.push((id, count));
            }
        }
    }

    /// A lower-cased word analysed ([`text::analyze_word`]): stop word -> STOP, negation ->
    /// NEGATION, known stem -> its id and data, else UNKNOWN.
    fn analyse(&self, word: &str) -> Word {
        let no_feature = self.keys.len() as u32;
        let stem = match text::analyze_word(word, &self.stemmer) {
            Analysis::Stop => STOP,
            Analysis::Negation => NEGATION,
            Analysis::Stem(stem) => match self.stems.get(stem.as_ref()) {
                Some(&id) => {
                    return Word {
                        stem: id,
                        data: self.stem_data[id as usize],
                    };
                }
                None => UNKNOWN,
            },
        };
        Word {
            stem,
            data: no_feature,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(keys: &[&str], cues: &[(&str, &str)]) -> Vocabulary {
        let patterns = cues
            .iter()
            .map(|(n, p)| (n.to_string(), p.to_string()))
            .collect();
        let mut keys: Vec<FeatureKey> = keys.iter().map(|k| FeatureKey::parse(k)).collect();
        keys.extend(cues.iter().map(|(n, _)| FeatureKey::Cue(n.to_string())));
        Vocabulary::new(keys, &patterns).unwrap()
    }

    /// Counts by feature name, in feature-id order.
    fn named(v: &Vocabulary, counts: &Counts) -> Vec<(String, u32)> {
        let mut counts = counts.clone();
        counts.sort_unstable();
        counts
            .iter()
            .map(|&(id, n)| (v.key(id).to_string(), n))
            .collect()
    }

    #[test]
    fn counts_unigrams_and_bigrams_across_stop_words() {
        let v = vocab(&["manag", "oper", "day", "day day"], &[]);
        let c = v.count("Managing the day-to-day operations; manages ops.");
        assert_eq!(
            named(&v, &c),
            [
                ("manag".into(), 2),
                ("oper".into(), 1),
                ("day".into(), 2),
                ("day day".into(), 1)
            ]
        );
    }

    #[test]
    fn cue_matches_through_stop_words_and_gaps() {
        let v = vocab(&[], &[("ceo", "reports to * ceo|coo")]);
        assert_eq!(v.count("This role reports directly to the COO.").len(), 1);
        assert_eq!(v.count("Reporting to our CEO").len(), 1);
        assert!(
            v.count("reports to the head of sales, not the CEO")
                .is_empty()
        );
    }

    #[test]
    fn optional_words_may_be_absent() {
        let v = vocab(&[], &[("dir", "reports directly? to the director")]);
        assert_eq!(v.count("reports directly to the Director").len(), 1);
        assert_eq!(v.count("reporting to a director").len(), 1);
        assert!(v.count("reports to the board of directors").is_empty());
    }

    #[test]
    fn number_cues_check_the_value() {
        let v = vocab(&[], &[("senior", "#10+ years"), ("mid", "#3-5 years")]);
        assert_eq!(
            named(&v, &v.count("12+ years of experience")),
            [("cue:senior".into(), 1)]
        );
        assert_eq!(named(&v, &v.count("4 years")), [("cue:mid".into(), 1)]);
        assert!(v.count("2 years").is_empty());
    }

    #[test]
    fn long_and_unicode_words_are_cached_like_short_ones() {
        let v = vocab(&["internationalis", "équip"], &[]);
        let text = "Internationalisation INTERNATIONALISATION équipe Équipe";
        for _ in 0..2 {
            assert_eq!(
                named(&v, &v.count(text)),
                [("internationalis".into(), 2), ("équip".into(), 2)]
            );
        }
    }

    #[test]
    fn html_is_stripped_before_counting() {
        let v = vocab(&["budget"], &[]);
        assert_eq!(v.count("<b>budget</b> <budget-tag>").len(), 1);
    }

    #[test]
    fn bad_models_are_rejected_naming_the_cue() {
        let p: FxHashMap<String, String> = [("x".to_string(), "* ceo".to_string())]
            .into_iter()
            .collect();
        let e = Vocabulary::new(vec![FeatureKey::Cue("x".into())], &p).unwrap_err();
        assert!(matches!(&e, VocabularyError::Cue(CueError { name, .. }) if name == "x"));
        assert!(e.to_string().contains("starts with *"), "{e}");
        assert_eq!(
            Vocabulary::new(vec![FeatureKey::Cue("y".into())], &p).unwrap_err(),
            VocabularyError::NoPattern("y".into())
        );
    }
}
