//! Features stage: analysed text to a sparse bag of feature counts.
//!
//! A feature is a stem ("oper"), a bigram of adjacent stems after stop words are dropped
//! ("day day" from "day-to-day"), or a cue: a phrase rule from `training/cues.csv` such as
//! "reports to * ceo|coo" (see [`CuePattern`]). The [`Vocabulary`] names every feature a model
//! has weights for; words outside it are skipped.

use crate::text::{self, Analysis, Packed, Stemmer, Term};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use thread_local::ThreadLocal;

/// Stems that name a level. They never become learned features: most postings name their own
/// level ("the Director will..."), which says nothing about what the job is. Mentions of other
/// roles ("reports to the VP") are read by cues instead.
pub const LEVEL_STEMS: [&str; 8] = [
    "avp", "director", "evp", "head", "presid", "svp", "vice", "vp",
];

/// Stems that name the function every level of this tool shares (operations). Not learned
/// either: the corpora label "Operations Manager" postings head, so "operations" would learn to
/// mean head, where the articles use it for all three levels.
pub const SHARED_FUNCTION_STEMS: [&str; 2] = ["oper", "ops"];

/// True for a stem that is never a learned feature: it names a level ([`LEVEL_STEMS`]) or
/// the shared function ([`SHARED_FUNCTION_STEMS`]).
pub fn is_unlearned_stem(stem: &str) -> bool {
    LEVEL_STEMS.contains(&stem) || SHARED_FUNCTION_STEMS.contains(&stem)
}

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
/// `a|b` (either word), `word?` (optional word), `*` (at most one word of any kind, as in
/// "reports *directly* to"), `#10+` (a number >= 10), `#2-5` (a number in 2..=5).
#[derive(Debug, Clone, PartialEq)]
pub struct CuePattern {
    source: String,
    elements: Vec<Element>,
    /// `!a|b` before the first word: the cue does not fire right after these stems ("direct
    /// reports include the director" is not a reporting line).
    not_after: Vec<u32>,
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
/// A stop word that negates what follows ([`Analysis::Negation`]): dropped from the stream
/// like any stop word, but the next word is marked negated, and no cue starts at a negated
/// word ("you will not report to a director").
const NEGATION: u32 = u32::MAX - 3;

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
struct Word {
    stem: u32,
    data: u32,
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
    cues: Vec<(CuePattern, u32)>,
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
    /// Per word of `stream`: it follows a negation.
    negated: Vec<bool>,
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
    ) -> Result<Vocabulary, String> {
        if keys.len() >= FEATURE_BITS as usize {
            return Err(format!("{} features is too many", keys.len()));
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
                        // Alternatives may share a stem (`set|sets`): one occurrence is one match.
                        if !cue_index[id as usize].contains(&i) {
                            cue_index[id as usize].push(i);
                        }
                        stem_data[id as usize] |= STARTS_CUE;
                    }
                }
                Element::Number { .. } => number_cues.push(i),
                Element::Gap(_) => return Err(format!("cue {:?} starts with *", pattern.source)),
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
        self.count_stream(&stream[..n], &negated[..n], counts, touched, out);
    }

    /// The analysed words of `text` without its stop words, written to the first returned
    /// number of slots of `stream`.
    fn analyse_into(
        &self,
        text: &str,
        cache: &mut WordCache,
        stream: &mut Vec<Word>,
        negated: &mut Vec<bool>,
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
            negated.resize(most, false);
        }
        let mut n = 0;
        let mut negating = false;
        let mut tokens = text::tokens(text);
        while let Some(token) = tokens.next_raw() {
            let word = if token.packed[0] != 0 && !token.is_packed_number() {
                match packed.get(token.packed) {
                    Some(word) => word,
                    None => {
                        text::lowercase_into(text::Token::from_raw(tokens.text(), token), buf);
                        let word = self.analyse(buf);
                        packed.insert(token.packed, word);
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
            negated[n] = negating;
            let kept = word.stem != STOP && word.stem != NEGATION;
            n += usize::from(kept);
            negating = word.stem == NEGATION || (negating && !kept);
        }
        n
    }

    /// The feature counts of an analysed word stream, into `out` in order of first
    /// occurrence. `counts` is all zero on entry and left so.
    fn count_stream(
        &self,
        stream: &[Word],
        negated: &[bool],
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
            if negated[i] {
                continue;
            }
            // The word matches the first element of a cue it starts, by construction of
            // `cue_index` (which takes no optional first word) or a number's range check.
            for &c in starting {
                let (pattern, fid) = &self.cues[c];
                let first = match pattern.elements[0] {
                    Element::Number { min, max } => (min..=max).contains(&w.data),
                    _ => true,
                } && !pattern.not_after.contains(&previous);
                if first && matches_at(&pattern.elements[1..], &stream[i + 1..]) {
                    add(*fid);
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

/// A key of a [`PackedTable`]: integers that are never all 0 for a real entry.
trait PackedKey: Copy + Eq + Default {
    /// A 64-bit hash whose high bits are well mixed (the table indexes by them).
    fn hash(self) -> u64;
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl PackedKey for u64 {
    #[inline(always)]
    fn hash(self) -> u64 {
        self.wrapping_mul(GOLDEN)
    }
}

impl PackedKey for Packed {
    #[inline(always)]
    fn hash(self) -> u64 {
        (self[0] ^ self[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).wrapping_mul(GOLDEN)
    }
}

/// An open-addressing hash table (linear probing, at most half full) from a non-zero integer
/// key to a small value. Key and value sit side by side, so a lookup usually reads one cache
/// line, where a general-purpose map reads a control byte and then the slot: the word cache
/// is looked up once per word of text and often misses the CPU caches on an open vocabulary.
struct PackedTable<K, V> {
    /// `(key, value)`; a zero key marks an empty slot. Empty, or a power of two long.
    slots: Vec<(K, V)>,
    len: usize,
    /// 64 - log2(slots.len()): the hash's top bits index the table.
    shift: u32,
}

impl<K: PackedKey, V: Copy + Default> Default for PackedTable<K, V> {
    fn default() -> Self {
        PackedTable {
            slots: Vec::new(),
            len: 0,
            shift: 64,
        }
    }
}

impl<K: PackedKey, V: Copy + Default> PackedTable<K, V> {
    fn len(&self) -> usize {
        self.len
    }

    fn clear(&mut self) {
        self.slots.fill((K::default(), V::default()));
        self.len = 0;
    }

    #[inline(always)]
    fn get(&self, key: K) -> Option<V> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = (key.hash().checked_shr(self.shift).unwrap_or(0)) as usize;
        loop {
            let &(k, v) = self.slots.get(i & mask)?;
            if k == key {
                return Some(v);
            }
            if k == K::default() {
                return None;
            }
            i += 1;
        }
    }

    /// Inserts or replaces `key`.
    fn insert(&mut self, key: K, value: V) {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        loop {
            let slot = &mut self.slots[i & mask];
            if slot.0 == key {
                slot.1 = value;
                return;
            }
            if slot.0 == K::default() {
                *slot = (key, value);
                self.len += 1;
                return;
            }
            i += 1;
        }
    }

    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(256);
        let old = std::mem::replace(
            &mut self.slots,
            vec![(K::default(), V::default()); capacity],
        );
        self.shift = 64 - capacity.trailing_zeros();
        self.len = 0;
        for (k, v) in old {
            if k != K::default() {
                self.insert(k, v);
            }
        }
    }
}

/// Whether `elements` match the words at the start of `words`.
///
/// Runs the pattern over the set of word offsets it can have reached so far (bit `p` of a
/// mask: the elements so far match `words[..p]`), so there is no backtracking; a pattern
/// spans at most [`MAX_SPAN`] words, so every offset fits in the mask.
#[inline]
fn matches_at(elements: &[Element], words: &[Word]) -> bool {
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

/// Parses a cue pattern (see [`CuePattern`]), interning its stems with `intern`.
fn parse_pattern(source: &str, intern: &mut dyn FnMut(&str) -> u32) -> Result<CuePattern, String> {
    let mut elements = Vec::new();
    let mut not_after = Vec::new();
    for (i, part) in source.split_whitespace().enumerate() {
        if let Some(words) = part.strip_prefix('!') {
            if i > 0 {
                return Err(format!(
                    "cue pattern {source:?}: `!{words}` is only allowed before the first word"
                ));
            }
            for alt in words.split('|') {
                for term in text::analyze(alt) {
                    if let Term::Stem(s) = term {
                        not_after.push(intern(&s));
                    }
                }
            }
        } else if part == "*" {
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
    if span(&elements) > MAX_SPAN {
        return Err(format!(
            "cue pattern {source:?} can cover more than {MAX_SPAN} words: shorten it"
        ));
    }
    Ok(CuePattern {
        source: source.to_string(),
        elements,
        not_after,
    })
}

/// The most words a cue pattern can cover: [`matches_at`] tracks offsets in a `u64`.
const MAX_SPAN: usize = 63;

/// The most words `elements` can cover.
fn span(elements: &[Element]) -> usize {
    elements
        .iter()
        .map(|e| match e {
            Element::Gap(n) => *n,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition [`matches_at`] implements, by backtracking.
    fn matches_recursive(elements: &[Element], words: &[Word]) -> bool {
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
    fn cue_matching_without_backtracking_agrees_with_the_definition() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..20_000 {
            let elements: Vec<Element> = (0..1 + next(6))
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
            assert_eq!(
                matches_at(&elements, &words),
                matches_recursive(&elements, &words),
                "{elements:?} on {words:?}"
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
        // 62 words and a gap of one reach the limit; one more word passes it.
        let mut intern = |_: &str| 0;
        let words = |n: usize| vec!["budget"; n].join(" ");
        assert!(parse_pattern(&format!("{} * ceo", words(61)), &mut intern).is_ok());
        let long = parse_pattern(&format!("{} * ceo", words(62)), &mut intern);
        assert!(long.is_err_and(|e| e.contains("more than 63 words")));
    }

    #[test]
    fn feature_keys_round_trip_through_strings() {
        for s in ["oper", "day day", "cue:reports_to_ceo"] {
            assert_eq!(FeatureKey::parse(s).to_string(), s);
        }
    }
}
