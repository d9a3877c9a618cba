//! Features stage: analysed text to a sparse bag of feature counts.
//!
//! A feature is a stem ("oper"), a bigram of adjacent stems after stop words are dropped
//! ("day day" from "day-to-day"), or a cue: a phrase rule from `training/cues.csv` such as
//! "reports to * ceo|coo" (see [`CuePattern`]). The [`Vocabulary`] names every feature a model
//! has weights for; words outside it are skipped.

use crate::text::{self, Stemmer, Term};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use thread_local::ThreadLocal;

/// Stems that name a level. They never become learned features: most postings name their own
/// level ("the Director will..."), which says nothing about what the job is. Mentions of other
/// roles ("reports to the VP") are read by cues instead.
pub const LEVEL_STEMS: [&str; 8] = [
    "avp", "director", "evp", "head", "presid", "svp", "vice", "vp",
];

/// True for a stem that names a level; see [`LEVEL_STEMS`].
pub fn is_level_stem(stem: &str) -> bool {
    LEVEL_STEMS.contains(&stem)
}

/// A feature's identity, written in model files as a string: `"oper"`, `"day day"`,
/// `"cue:reports_to_ceo"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureKey {
    Unigram(String),
    Bigram(String, String),
    Cue(String),
}

impl FeatureKey {
    /// Parses the string form used in model files.
    pub fn parse(s: &str) -> FeatureKey {
        if let Some(name) = s.strip_prefix("cue:") {
            FeatureKey::Cue(name.to_string())
        } else if let Some((a, b)) = s.split_once(' ') {
            FeatureKey::Bigram(a.to_string(), b.to_string())
        } else {
            FeatureKey::Unigram(s.to_string())
        }
    }
}

impl std::fmt::Display for FeatureKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeatureKey::Unigram(a) => f.write_str(a),
            FeatureKey::Bigram(a, b) => write!(f, "{a} {b}"),
            FeatureKey::Cue(name) => write!(f, "cue:{name}"),
        }
    }
}

/// One element of a cue pattern.
#[derive(Debug, Clone, PartialEq)]
enum Element {
    /// Any of these stems (ids into the vocabulary's stem table); `optional` may match nothing.
    Stems { ids: Vec<u32>, optional: bool },
    /// A number in `min..=max`.
    Number { min: u32, max: u32 },
    /// Zero to `n` arbitrary words.
    Gap(usize),
}

/// A phrase rule over the analysed word stream.
///
/// Written as words separated by spaces, each analysed like the text (lower-cased, stop words
/// dropped, stemmed), so `reports to the CEO` matches "reporting to our CEO". Special elements:
/// `a|b` (either word), `word?` (optional word), `*` (at most one word of any kind, as in "reports *directly* to"), `#10+` (a number >= 10), `#2-5`
/// (a number in 2..=5).
#[derive(Debug, Clone, PartialEq)]
pub struct CuePattern {
    source: String,
    elements: Vec<Element>,
}

impl CuePattern {
    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Sentinel stem ids in the analysed stream.
const NUMBER: u32 = u32::MAX - 2;
const UNKNOWN: u32 = u32::MAX - 1;
const STOP: u32 = u32::MAX;
const NO_FEATURE: u32 = u32::MAX;

/// One analysed word: a stem id (or a sentinel) and, for numbers, the value.
#[derive(Debug, Clone, Copy)]
struct Word {
    stem: u32,
    value: u32,
}

/// Feature counts of one document: `(feature id, count)`, in order of first occurrence.
pub type Counts = Vec<(u32, u32)>;

/// The features a model knows, with the lookup tables to extract them fast.
pub struct Vocabulary {
    keys: Vec<FeatureKey>,
    stems: FxHashMap<Box<str>, u32>,
    /// stem id -> unigram feature id (or NO_FEATURE).
    unigram: Vec<u32>,
    bigram: FxHashMap<(u32, u32), u32>,
    /// stem id -> whether any bigram starts with it: most adjacent pairs skip the hash lookup.
    starts_bigram: Vec<bool>,
    cues: Vec<(CuePattern, u32)>,
    /// stem id -> cues starting with it; cues starting with a number are in `number_cues`.
    cue_index: Vec<Vec<usize>>,
    number_cues: Vec<usize>,
    stemmer: Stemmer,
    /// Per-thread cache: lower-cased word -> stem id (or sentinel). Bounded; see `word_id`.
    cache: ThreadLocal<RefCell<Scratch>>,
}

#[derive(Default)]
struct Scratch {
    /// ASCII words of up to 16 bytes, lower-cased and packed into an integer: most words,
    /// looked up without hashing a string or chasing a pointer to compare it.
    short: FxHashMap<u128, u32>,
    /// The same for words of up to 8 bytes (most of them), in a table half the size.
    tiny: FxHashMap<u64, u32>,
    words: FxHashMap<Box<str>, u32>,
    buf: String,
    stream: Vec<Word>,
    /// Dense per-feature counts, all zero between calls, and the ids touched in this call.
    counts: Vec<u32>,
    touched: Vec<u32>,
}

/// Past this many distinct words a thread's cache is cleared, so memory stays bounded on
/// endless streams of names and typos.
const CACHE_LIMIT: usize = 200_000;

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vocabulary")
            .field("features", &self.keys.len())
            .field("cues", &self.cues.len())
            .finish()
    }
}

impl Vocabulary {
    /// Builds the lookup tables for `keys` (feature id = position). Cue keys take their
    /// pattern from `cue_patterns` (name -> pattern text); a cue without one is an error.
    pub fn new(
        keys: Vec<FeatureKey>,
        cue_patterns: &FxHashMap<String, String>,
    ) -> Result<Vocabulary, String> {
        let mut stems: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut intern = |s: &str| -> u32 {
            let next = stems.len() as u32;
            *stems.entry(s.into()).or_insert(next)
        };
        let mut unigram_pairs = Vec::new();
        let mut bigram = FxHashMap::default();
        let mut cue_sources = Vec::new();
        for (fid, key) in keys.iter().enumerate() {
            let fid = fid as u32;
            match key {
                FeatureKey::Unigram(a) => unigram_pairs.push((intern(a), fid)),
                FeatureKey::Bigram(a, b) => {
                    bigram.insert((intern(a), intern(b)), fid);
                }
                FeatureKey::Cue(name) => {
                    let src = cue_patterns
                        .get(name)
                        .ok_or_else(|| format!("cue {name:?} has no pattern"))?;
                    cue_sources.push((src.clone(), fid));
                }
            }
        }
        let mut cues = Vec::new();
        for (src, fid) in cue_sources {
            cues.push((parse_pattern(&src, &mut intern)?, fid));
        }
        let mut starts_bigram = vec![false; stems.len()];
        for &(first, _) in bigram.keys() {
            starts_bigram[first as usize] = true;
        }
        let mut unigram = vec![NO_FEATURE; stems.len()];
        for (stem, fid) in unigram_pairs {
            unigram[stem as usize] = fid;
        }
        let mut cue_index: Vec<Vec<usize>> = vec![Vec::new(); stems.len()];
        let mut number_cues = Vec::new();
        for (i, (pattern, _)) in cues.iter().enumerate() {
            match &pattern.elements[0] {
                Element::Stems { optional: true, .. } => {
                    return Err(format!(
                        "cue {:?} starts with an optional word",
                        pattern.source
                    ));
                }
                Element::Stems { ids, .. } => {
                    for &id in ids {
                        cue_index[id as usize].push(i);
                    }
                }
                Element::Number { .. } => number_cues.push(i),
                Element::Gap(_) => return Err(format!("cue {:?} starts with *", pattern.source)),
            }
        }
        Ok(Vocabulary {
            keys,
            stems,
            unigram,
            bigram,
            starts_bigram,
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
        let clean = text::strip_html(text);
        let cell = self.cache.get_or_default();
        let mut scratch = cell.borrow_mut();
        let Scratch {
            short,
            tiny,
            words,
            buf,
            stream,
            counts,
            touched,
        } = &mut *scratch;
        counts.resize(self.keys.len(), 0);
        let mut add = |fid: u32| {
            let c = &mut counts[fid as usize];
            if *c == 0 {
                touched.push(fid);
            }
            *c += 1;
        };
        if words.len() + short.len() + tiny.len() > CACHE_LIMIT {
            words.clear();
            short.clear();
            tiny.clear();
        }
        stream.clear();
        for token in text::tokens(&clean) {
            if let Some(value) = token.number() {
                stream.push(Word {
                    stem: NUMBER,
                    value,
                });
                continue;
            }
            let stem = match pack_ascii_lower(token.text, token.ascii) {
                Some(key) if token.text.len() <= 8 => {
                    // The upper 8 bytes are zero padding for words this short.
                    let key = key as u64;
                    match tiny.get(&key) {
                        Some(&id) => id,
                        None => {
                            text::lowercase_into(token, buf);
                            let id = self.word_id(buf);
                            tiny.insert(key, id);
                            id
                        }
                    }
                }
                Some(key) => match short.get(&key) {
                    Some(&id) => id,
                    None => {
                        text::lowercase_into(token, buf);
                        let id = self.word_id(buf);
                        short.insert(key, id);
                        id
                    }
                },
                None => {
                    text::lowercase_into(token, buf);
                    match words.get(buf.as_str()) {
                        Some(&id) => id,
                        None => {
                            let id = self.word_id(buf);
                            words.insert(buf.as_str().into(), id);
                            id
                        }
                    }
                }
            };
            if stem != STOP {
                stream.push(Word { stem, value: 0 });
            }
        }
        let mut prev = UNKNOWN;
        for (i, w) in stream.iter().enumerate() {
            if let Some(&fid) = self.unigram.get(w.stem as usize)
                && fid != NO_FEATURE
            {
                add(fid);
            }
            if w.stem < NUMBER
                && self
                    .starts_bigram
                    .get(prev as usize)
                    .copied()
                    .unwrap_or(false)
                && let Some(&fid) = self.bigram.get(&(prev, w.stem))
            {
                add(fid);
            }
            prev = w.stem;
            let starting: &[usize] = match w.stem {
                NUMBER => &self.number_cues,
                s => self.cue_index.get(s as usize).map_or(&[], Vec::as_slice),
            };
            for &c in starting {
                let (pattern, fid) = &self.cues[c];
                if matches_at(&pattern.elements, &stream[i..]) {
                    add(*fid);
                }
            }
        }
        touched
            .drain(..)
            .map(|id| (id, std::mem::take(&mut counts[id as usize])))
            .collect()
    }

    /// Stop word -> STOP, known stem -> its id, else UNKNOWN.
    fn word_id(&self, word: &str) -> u32 {
        if text::is_stop_word(word) {
            return STOP;
        }
        let stem = self.stemmer.stem(word);
        self.stems.get(stem.as_ref()).copied().unwrap_or(UNKNOWN)
    }
}

/// The lower-cased bytes of a short ASCII word as one integer. Words are alphanumeric, so they
/// hold no zero byte and the zero padding keeps keys of different lengths apart; and for ASCII
/// letters and digits alike, lower-casing is setting bit 0x20, done here for 16 bytes at once.
fn pack_ascii_lower(word: &str, ascii: bool) -> Option<u128> {
    let len = word.len();
    if !ascii || len == 0 || len > 16 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes[..len].copy_from_slice(word.as_bytes());
    let case_bits = u128::from_le_bytes([0x20; 16]) & (u128::MAX >> (8 * (16 - len)));
    Some(u128::from_le_bytes(bytes) | case_bits)
}

fn matches_at(elements: &[Element], words: &[Word]) -> bool {
    let Some((first, rest)) = elements.split_first() else {
        return true;
    };
    match first {
        Element::Gap(n) => {
            (0..=*n).any(|skip| skip <= words.len() && matches_at(rest, &words[skip..]))
        }
        Element::Stems { ids, optional } => {
            let here = words
                .first()
                .is_some_and(|w| ids.contains(&w.stem) && matches_at(rest, &words[1..]));
            here || (*optional && matches_at(rest, words))
        }
        Element::Number { min, max } => words.first().is_some_and(|w| {
            w.stem == NUMBER && (*min..=*max).contains(&w.value) && matches_at(rest, &words[1..])
        }),
    }
}

/// Parses a cue pattern (see [`CuePattern`]), interning its stems with `intern`.
fn parse_pattern(source: &str, intern: &mut dyn FnMut(&str) -> u32) -> Result<CuePattern, String> {
    let mut elements = Vec::new();
    for part in source.split_whitespace() {
        if part == "*" {
            elements.push(Element::Gap(1));
        } else if let Some(range) = part.strip_prefix('#') {
            let bad = || format!("bad number {part:?} in cue {source:?}: use #N+ or #N-M");
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
            let mut ids = Vec::new();
            for alt in part.split('|') {
                for term in text::analyze(alt) {
                    if let Term::Stem(s) = term {
                        ids.push(intern(&s));
                    }
                }
            }
            // A word that is all stop words ("to") adds nothing: the stream has none either.
            if !ids.is_empty() {
                elements.push(Element::Stems { ids, optional });
            }
        }
    }
    if elements.is_empty() || matches!(elements.last(), Some(Element::Gap(_))) {
        return Err(format!("cue pattern {source:?} is empty or ends with *"));
    }
    Ok(CuePattern {
        source: source.to_string(),
        elements,
    })
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
    fn bad_patterns_are_rejected() {
        let p: FxHashMap<String, String> = [("x".to_string(), "* ceo".to_string())]
            .into_iter()
            .collect();
        assert!(Vocabulary::new(vec![FeatureKey::Cue("x".into())], &p).is_err());
        let p: FxHashMap<String, String> = [("x".to_string(), "#ten+ years".to_string())]
            .into_iter()
            .collect();
        assert!(Vocabulary::new(vec![FeatureKey::Cue("x".into())], &p).is_err());
        assert!(Vocabulary::new(vec![FeatureKey::Cue("y".into())], &p).is_err());
    }

    #[test]
    fn feature_keys_round_trip_through_strings() {
        for s in ["oper", "day day", "cue:reports_to_ceo"] {
            assert_eq!(FeatureKey::parse(s).to_string(), s);
        }
    }
}
