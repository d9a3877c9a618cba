//! Where evidence terms occur in a text, as byte ranges, so a page can highlight them.
//!
//! Scoring counts features and forgets where they were; this stage reads the text again the
//! same way (tokens, lower case, stop words dropped, Snowball stems) and keeps each word's
//! byte range, then finds the terms evidence names: a stem (`oper`), a pair of adjacent stems
//! (`day day`) or a cue (`cue:reports_to_ceo`, matched with the pattern syntax of
//! [`crate::features::CuePattern`], parsed by the scorer's own parser). It runs for the few terms a user looks at, not per row
//! of a batch, so it favours plainness over the scorer's speed.
//!
//! Tags and `<script>`/`<style>` bodies of HTML text are skipped in place, so ranges index
//! the text as given, not the stripped text the scorer read.

use crate::features::{CuePattern, Element};
use crate::model::Model;
use crate::text::{self, Analysis, Stemmer};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

/// One analysed word of the text with its place.
#[derive(Debug, Clone, PartialEq)]
enum Word {
    Stem(Rc<str>),
    Number(u32),
}

/// The analysed words of a text (stop words dropped), each with its byte range.
#[derive(Debug, Clone)]
pub struct Analysed {
    words: Vec<(Word, Range<usize>)>,
    /// Per word: it follows a negation ("not", "never"...), so no cue starts at it, as in the
    /// scorer ("you will not report to a director").
    negated: Vec<bool>,
}

/// Past this many distinct words a thread's stem cache is cleared: memory stays bounded.
const CACHE_LIMIT: usize = 1 << 16;

/// A word as [`text::analyze_word`] read it, its stem shared with the cache.
#[derive(Debug, Clone)]
enum Read {
    Stem(Rc<str>),
    Stop,
    Negation,
}

/// Lower-cased word -> how it reads.
type StemCache = FxHashMap<Box<str>, Read>;

thread_local! {
    /// Cue patterns parsed, by their source text.
    static PATTERNS: RefCell<FxHashMap<Box<str>, Rc<Pattern>>> = RefCell::default();
    /// Stemming is most of the work, and postings share most of their words.
    static STEMS: RefCell<(Stemmer, StemCache)> =
        RefCell::new((Stemmer::default(), FxHashMap::default()));
}

impl Analysed {
    /// Reads `text` as the scorer does and keeps where each word is.
    ///
    /// ```
    /// let a = joblevel::spans::Analysed::new("Owns <b>day-to-day</b> operations.");
    /// assert_eq!(a.find_term("oper", &[]), vec![23..33]);
    /// assert_eq!(a.find_term("day day", &[]), vec![8..18]);
    /// ```
    pub fn new(text: &str) -> Analysed {
        Analysed::masked(text, &[])
    }

    /// As [`Analysed::new`], the byte ranges `mask` left out as the scorer leaves out a
    /// masked title (see [`crate::text::title_mentions`]).
    pub fn masked(text: &str, mask: &[Range<usize>]) -> Analysed {
        let mut blanked = blank_markup(text);
        if !mask.is_empty() {
            let mut bytes = blanked.into_owned().into_bytes();
            for r in mask {
                if let Some(cut) = bytes.get_mut(r.clone()) {
                    blank(cut);
                }
            }
            // Mask ranges fall between characters; should one not, the text is read unmasked.
            blanked = std::borrow::Cow::Owned(
                String::from_utf8(bytes).unwrap_or_else(|_| blank_markup(text).into_owned()),
            );
        }
        let mut words = Vec::new();
        let mut negated = Vec::new();
        let mut negating = false;
        let mut buf = String::new();
        STEMS.with(|cell| {
            let (stemmer, cache) = &mut *cell.borrow_mut();
            if cache.len() > CACHE_LIMIT {
                cache.clear();
            }
            let mut tokens = text::tokens(&blanked);
            while let Some(raw) = tokens.next_raw() {
                let token = text::Token::from_raw(&blanked, raw);
                let range = raw.start..raw.end;
                if let Some(n) = token.number() {
                    words.push((Word::Number(n), range));
                    negated.push(std::mem::take(&mut negating));
                    continue;
                }
                text::lowercase_into(token, &mut buf);
                let read = match cache.get(buf.as_str()) {
                    Some(read) => read.clone(),
                    None => {
                        let read = match text::analyze_word(&buf, stemmer) {
                            Analysis::Stem(stem) => Read::Stem(stem.into()),
                            Analysis::Stop => Read::Stop,
                            Analysis::Negation => Read::Negation,
                        };
                        cache.insert(buf.as_str().into(), read.clone());
                        read
                    }
                };
                match read {
                    Read::Stem(stem) => {
                        words.push((Word::Stem(stem), range));
                        negated.push(std::mem::take(&mut negating));
                    }
                    Read::Stop => {}
                    Read::Negation => negating = true,
                }
            }
        });
        Analysed { words, negated }
    }

    /// Byte ranges of the matches of an evidence term (`stem`, `stem stem` or `cue:NAME`) in
    /// order; a cue is looked up by name in `cues` (see [`Model::cues`]), an unknown one
    /// matches nothing.
    pub fn find_term(&self, term: &str, cues: &[crate::model::Cue]) -> Vec<Range<usize>> {
        if let Some(name) = term.strip_prefix("cue:") {
            return match pattern_of(name, cues) {
                Some(pattern) => (0..self.words.len())
                    .filter_map(|start| self.match_at(&pattern, start))
                    .collect(),
                None => Vec::new(),
            };
        }
        let is = |w: &Word, s: &str| matches!(w, Word::Stem(x) if &**x == s);
        match term.split_once(' ') {
            None => self
                .words
                .iter()
                .filter(|(w, _)| is(w, term))
                .map(|(_, r)| r.clone())
                .collect(),
            Some((a, b)) => self
                .words
                .windows(2)
                .filter(|p| is(&p[0].0, a) && is(&p[1].0, b))
                .map(|p| p[0].1.start..p[1].1.end)
                .collect(),
        }
    }

    /// Where a cue pattern matches starting at word `start`: from that word to the furthest
    /// word it can reach.
    ///
    /// As the scorer, the offsets reachable after each element are the bits of a mask (a
    /// pattern spans at most 63 words): no allocation and no backtracking per word.
    fn match_at(&self, pattern: &Pattern, start: usize) -> Option<Range<usize>> {
        let elements = &pattern.elements;
        // Most words start nothing: test the first element before any bookkeeping.
        if !may_start(elements.first()?, &self.words[start].0) || self.negated[start] {
            return None;
        }
        if let Some(Word::Stem(prev)) = start.checked_sub(1).map(|p| &self.words[p].0)
            && pattern.not_after.iter().any(|s| **s == **prev)
        {
            return None;
        }
        // Offsets past the end of the words are not reachable.
        let left = self.words.len() - start;
        let within = u64::MAX >> 63usize.saturating_sub(left);
        let word = |p: usize| self.words.get(start + p).map(|(w, _)| w);
        let mut at = 1u64;
        for element in elements {
            let mut next = 0;
            match element {
                Element::Gap(n) => next = (0..=*n).fold(0, |reach, k| reach | at << k) & within,
                Element::Stems { ids, optional } => {
                    for p in bits(at) {
                        if let Some(Word::Stem(s)) = word(p)
                            && ids.iter().any(|x| **x == **s)
                        {
                            next |= 2 << p;
                        }
                    }
                    if *optional {
                        next |= at;
                    }
                }
                Element::Number { min, max } => {
                    for p in bits(at) {
                        if let Some(Word::Number(n)) = word(p)
                            && (*min..=*max).contains(n)
                        {
                            next |= 2 << p;
                        }
                    }
                }
            }
            at = next;
            if at == 0 {
                return None;
            }
        }
        let end = 63 - at.leading_zeros() as usize;
        (end > 0).then(|| self.words[start].1.start..self.words[start + end - 1].1.end)
    }
}

/// The offsets set in a mask, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let p = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            p
        })
    })
}

/// The pattern of the cue `name` among `cues`, parsed once per thread.
fn pattern_of(name: &str, cues: &[crate::model::Cue]) -> Option<Rc<Pattern>> {
    let cue = cues.iter().find(|c| c.name == name)?;
    Some(PATTERNS.with(|cell| {
        // A model has a few dozen cues; each is parsed once per thread.
        let mut patterns = cell.borrow_mut();
        match patterns.get(cue.pattern.as_str()) {
            Some(p) => Rc::clone(p),
            None => {
                // The model validated its cues when it was loaded: should one not parse, it
                // matches nothing, as the scorer counts nothing.
                let parsed =
                    Rc::new(CuePattern::parse(&cue.pattern, str::to_string).unwrap_or_default());
                patterns.insert(cue.pattern.as_str().into(), Rc::clone(&parsed));
                parsed
            }
        }
    }))
}

/// Byte ranges of each of `terms` in `text`, for a model's evidence (its cues give the
/// patterns of `cue:` terms).
///
/// ```
/// use joblevel::{builtin, spans};
/// let model = builtin::model("articles").unwrap();
/// let text = "Reporting directly to the CEO, you own operations.";
/// let found = spans::find(&model, text, &["cue:reports_to_ceo", "oper"]);
/// assert_eq!(&text[found[0][0].clone()], "Reporting directly to the CEO");
/// assert_eq!(&text[found[1][0].clone()], "operations");
/// ```
pub fn find(model: &Model, text: &str, terms: &[&str]) -> Vec<Vec<Range<usize>>> {
    find_masked(model, text, &[], terms)
}

/// [`find`] in a text scored with the byte ranges `mask` left out (a masked title).
pub fn find_masked(
    model: &Model,
    text: &str,
    mask: &[Range<usize>],
    terms: &[&str],
) -> Vec<Vec<Range<usize>>> {
    let analysed = Analysed::masked(text, mask);
    let mut out = vec![Vec::new(); terms.len()];
    // Stems and stem pairs are looked up in one pass over the words; cues one by one.
    let mut unigrams: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let mut bigrams: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
    // Cues by the stem they start with (or starting with a number): a word is tried only
    // against the cues it can start, so many cues cost no more passes over the text.
    let mut cues_by_stem: FxHashMap<String, Vec<(usize, Rc<Pattern>)>> = FxHashMap::default();
    let mut cues_by_number: Vec<(usize, Rc<Pattern>)> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        if let Some(name) = term.strip_prefix("cue:") {
            let Some(pattern) = pattern_of(name, model.cues()) else {
                continue;
            };
            match pattern.elements.first() {
                Some(Element::Stems { ids, .. }) => {
                    for id in ids {
                        cues_by_stem
                            .entry(id.clone())
                            .or_default()
                            .push((i, Rc::clone(&pattern)));
                    }
                }
                Some(Element::Number { .. }) => cues_by_number.push((i, pattern)),
                _ => {}
            }
        } else if let Some(pair) = term.split_once(' ') {
            bigrams.entry(pair).or_default().push(i);
        } else {
            unigrams.entry(term).or_default().push(i);
        }
    }
    fn stem(w: &Word) -> Option<&str> {
        match w {
            Word::Stem(s) => Some(s),
            Word::Number(_) => None,
        }
    }
    for (at, (word, range)) in analysed.words.iter().enumerate() {
        let cues = match word {
            Word::Stem(s) => cues_by_stem.get(&**s).map_or(&[][..], Vec::as_slice),
            Word::Number(_) => &cues_by_number,
        };
        let mut tried = usize::MAX;
        for (i, pattern) in cues {
            // A cue whose first word has two stems both of this word is tried once.
            if *i != tried
                && let Some(found) = analysed.match_at(pattern, at)
            {
                out[*i].push(found);
            }
            tried = *i;
        }
        let Some(first) = stem(word) else { continue };
        if let Some(slots) = unigrams.get(first) {
            for &i in slots {
                out[i].push(range.clone());
            }
        }
        if let Some(second) = analysed.words.get(at + 1).and_then(|(w, _)| stem(w))
            && let Some(slots) = bigrams.get(&(first, second))
        {
            for &i in slots {
                out[i].push(range.start..analysed.words[at + 1].1.end);
            }
        }
    }
    out
}

/// A cue pattern as the scorer parses it (see [`CuePattern`]), its stems held as strings.
type Pattern = CuePattern<String>;

/// False when a match cannot start at `word`: a pattern starts with a required word or a
/// number (the parser rejects any other start).
fn may_start(element: &Element<String>, word: &Word) -> bool {
    match (element, word) {
        (Element::Stems { ids, .. }, Word::Stem(s)) => ids.iter().any(|x| **x == **s),
        (Element::Number { min, max }, Word::Number(n)) => (*min..=*max).contains(n),
        _ => false,
    }
}

/// `text` with HTML tags, `<script>`/`<style>` bodies and entities replaced by spaces, byte
/// for byte, so the words left are those the scorer reads and offsets still index `text`.
fn blank_markup(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    if !bytes.iter().any(|&b| b == b'<' || b == b'&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    let mut i = 0;
    // The first '>' at or after `i`, found again only once `i` passes it: text full of stray
    // '<' ("a<b<c...") would otherwise look up to a tag's length ahead from each.
    let (mut next_close, mut searched) = (None, false);
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let starts_tag = bytes
                    .get(i + 1)
                    .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'));
                if !searched || next_close.is_some_and(|c| c < i) {
                    next_close = memchr::memchr(b'>', &bytes[i..]).map(|c| i + c);
                    searched = true;
                }
                let close = next_close.filter(|&c| c < i + 1025).map(|c| c - i);
                if let (true, Some(close)) = (starts_tag, close) {
                    let mut end = i + close + 1;
                    let name = &bytes[i + 1..i + close];
                    for raw in [&b"script"[..], b"style"] {
                        if name.len() >= raw.len() && name[..raw.len()].eq_ignore_ascii_case(raw) {
                            end = closing(bytes, end, raw);
                        }
                    }
                    blank(&mut out[i..end]);
                    i = end;
                    continue;
                }
            }
            b'&' => {
                let rest = &bytes[i + 1..bytes.len().min(i + 12)];
                if rest
                    .first()
                    .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'#')
                    && let Some(semi) = rest.iter().position(|&b| b == b';')
                    && rest[..semi]
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'#')
                {
                    blank(&mut out[i..i + semi + 2]);
                    i += semi + 2;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Only whole ASCII runs were replaced by ASCII spaces, so the bytes are still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

fn blank(bytes: &mut [u8]) {
    bytes.fill(b' ');
}

/// The offset just past the `</name ...>` closing a raw-text element at or after `from`, or
/// the end of the text.
fn closing(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut at = from;
    while let Some(pos) = memchr::memmem::find(&bytes[at..], b"</") {
        let tag = at + pos + 2;
        if bytes.len() >= tag + name.len()
            && bytes[tag..tag + name.len()].eq_ignore_ascii_case(name)
        {
            return bytes[tag..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(bytes.len(), |p| tag + p + 1);
        }
        at = tag;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Classifier, builtin};

    const VP: &str = "Reporting directly to our CEO, you will own the company's entire \
                      operational structure and set strategy with 10+ years of experience \
                      leading day-to-day operations across sites.";

    #[test]
    fn every_evidence_term_of_a_posting_is_found_in_it() {
        let model = builtin::model("default").unwrap();
        let classifier = Classifier::new(builtin::model("default").unwrap()).with_top(20);
        let p = classifier.classify(VP).unwrap();
        assert!(p.evidence.iter().any(|e| e.term.starts_with("cue:")));
        let terms: Vec<&str> = p.evidence.iter().map(|e| e.term.as_str()).collect();
        for (e, found) in p.evidence.iter().zip(find(&model, VP, &terms)) {
            assert_eq!(found.len() as u32, e.count, "{} at {found:?}", e.term);
        }
    }

    #[test]
    fn finding_many_terms_at_once_agrees_with_one_at_a_time() {
        let model = builtin::model("default").unwrap();
        let terms = [
            "oper",
            "day day",
            "cue:reports_to_ceo",
            "oper",
            "year",
            "nothing",
        ];
        let a = Analysed::new(VP);
        let one_by_one: Vec<_> = terms.iter().map(|t| a.find_term(t, model.cues())).collect();
        assert_eq!(find(&model, VP, &terms), one_by_one);
        assert!(one_by_one[..4].iter().all(|r| !r.is_empty()));
    }

    #[test]
    fn a_masked_title_is_not_highlighted_as_the_scorer_did_not_read_it() {
        let model = builtin::model("default").unwrap();
        let text = "Director of Finance. You report to the Director of Finance and run finance.";
        let mask = text::title_mentions(text, "Director of Finance");
        let found = find_masked(&model, text, &mask, &["financ"]);
        let words: Vec<usize> = found[0].iter().map(|r| r.start).collect();
        // The heading is the title; the manager mention and the work are read.
        let expected = vec![
            text.find("Finance and").unwrap(),
            text.rfind("finance").unwrap(),
        ];
        assert_eq!(words, expected);
        let scored = Classifier::new(builtin::model("default").unwrap())
            .with_top(50)
            .classify_without_title(text, "Director of Finance")
            .unwrap();
        let count = scored
            .evidence
            .iter()
            .find(|e| e.term == "financ")
            .map(|e| e.count);
        assert_eq!(count, Some(2));
    }

    #[test]
    fn spans_skip_markup_and_index_the_text_as_given() {
        let text =
            "<p class=\"operations\">Lead &amp; grow <script>operations()</script>operations</p>";
        let a = Analysed::new(text);
        let found = a.find_term("oper", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].clone()], "operations");
        assert!(a.find_term("amp", &[]).is_empty());
    }

    #[test]
    fn a_bigram_needs_its_words_adjacent_after_stop_words() {
        let a = Analysed::new("day to day and a night, day 5 day");
        assert_eq!(a.find_term("day day", &[]), vec![0..10]);
    }

    #[test]
    fn an_unknown_cue_matches_nothing() {
        assert!(
            Analysed::new("Reports to the CEO")
                .find_term("cue:nope", &[])
                .is_empty()
        );
    }
}
