//! Words of a short stretch of text, and the reader's tables made into look-ups.
//!
//! The tables of `named.rs` stay lists a person reads; here each is indexed once (by its words,
//! or by the word a cue starts or ends with), so that checking a level word against them costs
//! a hash look-up, not a walk over every cue. A text of many level words asks the tables once
//! per level word: a walk over a hundred cues each time would make such a text cost far more
//! than its size.

use rustc_hash::{FxHashMap, FxHashSet};

/// The words of a short stretch of text, compared case-insensitively; no allocation.
///
/// Words are split at whitespace, commas and quotes; two fields glued by an export
/// ("SummaryThe") are two words. Nothing is trimmed up front: a stretch that runs to the end of
/// a long text costs only the words actually read.
#[derive(Clone, Copy)]
pub(super) struct Words<'a> {
    text: &'a str,
}

impl<'a> Words<'a> {
    pub(super) fn new(text: &'a str) -> Words<'a> {
        Words { text }
    }

    /// The words, first to last.
    pub(super) fn iter(self) -> Forward<'a> {
        Forward {
            text: self.text,
            pos: 0,
            pending: None,
        }
    }

    /// The words, last to first.
    pub(super) fn rev(self) -> Backward<'a> {
        Backward {
            text: self.text,
            pos: self.text.len(),
            pending: None,
        }
    }

    /// How many words there are, counted up to `n + 1`: reads at most that many.
    pub(super) fn count_to(self, n: usize) -> usize {
        self.iter().take(n + 1).count()
    }

    /// Whether there are at most `n` words; reads at most `n + 1` of them.
    pub(super) fn at_most(self, n: usize) -> bool {
        self.count_to(n) <= n
    }

    /// True when the text is blank (only whitespace).
    pub(super) fn is_empty(self) -> bool {
        self.text.trim().is_empty()
    }

    /// True when every word is in `set`.
    pub(super) fn words_are(self, set: &WordSet) -> bool {
        self.iter().all(|w| set.contains(w))
    }

    /// Without one trailing article or possessive ("seeking a" -> "seeking").
    pub(super) fn without_determiner(self, determiners: &WordSet) -> Words<'a> {
        match self.last() {
            Some(last) if determiners.contains(last) => self.without_last(),
            _ => self,
        }
    }

    /// Whether the words start with the words of `phrase`.
    pub(super) fn starts_with(self, phrase: &str) -> bool {
        let mut mine = self.iter();
        phrase
            .split(' ')
            .all(|p| mine.next().is_some_and(|w| eq_word(w, p)))
    }

    /// Without the last word.
    pub(super) fn without_last(self) -> Words<'a> {
        match self.last() {
            // Words are slices of `text`: cut where the last one starts.
            Some(last) => {
                let at = last.as_ptr() as usize - self.text.as_ptr() as usize;
                Words::new(&self.text[..at])
            }
            None => self,
        }
    }

    pub(super) fn first(self) -> Option<&'a str> {
        self.iter().next()
    }

    pub(super) fn last(self) -> Option<&'a str> {
        self.rev().next()
    }
}

/// ASCII bytes that separate words: whitespace (as [`char::is_whitespace`]), commas and
/// straight quotes. Beyond ASCII, whitespace and curly quotes do.
const SEPARATORS: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = matches!(
            i as u8,
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | b',' | b'"'
        );
        i += 1;
    }
    t
};

/// Whether a character beyond ASCII separates words.
fn separates(c: char) -> bool {
    c.is_whitespace() || matches!(c, '“' | '”')
}

/// Whether the character starting at byte `i` separates words, and its length.
#[inline(always)]
fn separator_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (SEPARATORS[b as usize], 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (separates(c), c.len_utf8())
}

/// Whether the character ending at byte `i` separates words, and where it starts.
#[inline(always)]
fn separator_before(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i - 1];
    if b < 0x80 {
        return (SEPARATORS[b as usize], i - 1);
    }
    let c = text[..i].chars().next_back().unwrap_or(' ');
    (separates(c), i - c.len_utf8())
}

/// The words of a [`Words`], first to last.
pub(super) struct Forward<'a> {
    text: &'a str,
    pos: usize,
    /// The second half of a glued word, to give next.
    pending: Option<&'a str>,
}

impl<'a> Iterator for Forward<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        let text = self.text;
        let mut i = self.pos;
        loop {
            if i >= text.len() {
                self.pos = i;
                return None;
            }
            let (sep, len) = separator_at(text, i);
            if !sep {
                break;
            }
            i += len;
        }
        let start = i;
        while i < text.len() {
            let (sep, len) = separator_at(text, i);
            if sep {
                break;
            }
            i += len;
        }
        self.pos = i;
        let word = &text[start..i];
        // Two fields glued by an export ("SummaryThe", "RoleAs") are two words.
        let cut = glue_at(word);
        if cut < word.len() {
            self.pending = Some(&word[cut..]);
        }
        Some(&word[..cut])
    }
}

/// The words of a [`Words`], last to first.
pub(super) struct Backward<'a> {
    text: &'a str,
    pos: usize,
    /// The first half of a glued word, to give next.
    pending: Option<&'a str>,
}

impl<'a> Iterator for Backward<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        let text = self.text;
        let mut i = self.pos;
        loop {
            if i == 0 {
                self.pos = 0;
                return None;
            }
            let (sep, c) = separator_before(text, i);
            if !sep {
                break;
            }
            i = c;
        }
        let end = i;
        while i > 0 {
            let (sep, c) = separator_before(text, i);
            if sep {
                break;
            }
            i = c;
        }
        self.pos = i;
        let word = &text[i..end];
        let cut = glue_at(word);
        if cut < word.len() {
            self.pending = Some(&word[..cut]);
            return Some(&word[cut..]);
        }
        Some(word)
    }
}

/// The most words [`last_words`] keeps: enough for every rule that reads words back from a
/// title (a determiner, six describing words, another determiner, a cue of three words and
/// the word before it).
pub(super) const LAST_WORDS: usize = 12;

/// The last [`LAST_WORDS`] words of `words` (fewer if it has fewer), in text order: read once,
/// then compared with any number of cues without splitting the text again.
pub(super) fn last_words<'a, 'b>(
    words: Words<'a>,
    buf: &'b mut [&'a str; LAST_WORDS],
) -> &'b [&'a str] {
    let mut n = 0;
    for w in words.rev().take(LAST_WORDS) {
        n += 1;
        buf[LAST_WORDS - n] = w;
    }
    &buf[LAST_WORDS - n..]
}

/// Whether `words` end with the words of `phrase` (single spaces in `phrase`).
pub(super) fn ends_with(words: &[&str], phrase: &str) -> bool {
    let mut mine = words.iter().rev();
    phrase
        .split(' ')
        .rev()
        .all(|p| mine.next().is_some_and(|w| eq_word(w, p)))
}

/// `words` without one trailing article or possessive, as [`Words::without_determiner`].
pub(super) fn without_determiner<'w, 'a>(
    words: &'w [&'a str],
    determiners: &WordSet,
) -> &'w [&'a str] {
    match words.split_last() {
        Some((last, rest)) if determiners.contains(last) => rest,
        _ => words,
    }
}

/// A word as a table word: the text's trailing full stop, colon, semicolon or apostrophe
/// dropped, ASCII case ignored, and "-" standing for any dash.
pub(super) fn eq_word(word: &str, table_word: &str) -> bool {
    let w = word.trim_end_matches(['.', ':', ';', '\'']);
    w.eq_ignore_ascii_case(table_word) || (table_word == "-" && matches!(w, "-" | "–" | "—"))
}

/// Where a second word glued to the first starts ("RoleAs" -> 4), or the word's length.
pub(super) fn glue_at(word: &str) -> usize {
    let b = word.as_bytes();
    (3..b.len().saturating_sub(1))
        .find(|&i| {
            b[i - 1].is_ascii_lowercase()
                && b[i].is_ascii_uppercase()
                && b[i + 1].is_ascii_lowercase()
                && b[i - 2].is_ascii_lowercase()
        })
        .unwrap_or(b.len())
}

/// The longest table word a [`WordSet`] or [`CueIndex`] key holds; longer words are in none.
const LONGEST: usize = 32;

/// A word ASCII-lower-cased into `buf`, or `None` when it is longer than any table word.
fn lower<'b>(word: &str, buf: &'b mut [u8; LONGEST]) -> Option<&'b [u8]> {
    let bytes = word.as_bytes();
    let out = buf.get_mut(..bytes.len())?;
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

/// The entries of a word table, looked up ignoring ASCII case, as `has_word` compared them:
/// the word's surrounding commas, full stops, semicolons, colons and quotes are dropped first
/// unless the set is `exact`.
pub(super) struct WordSet {
    words: FxHashSet<Box<[u8]>>,
    /// Per length, a bit per first letter (modulo 32) of the words of that length: most words
    /// of a text are no table word, and this says so without hashing them.
    shapes: [u32; LONGEST + 1],
    exact: bool,
}

/// The bit of a word's first byte in [`WordSet::shapes`].
fn shape_bit(word: &[u8]) -> u32 {
    word.first()
        .map_or(1, |b| 1 << (b.to_ascii_lowercase() & 31))
}

impl WordSet {
    /// The entries of `tables`, whole.
    pub(super) fn new(tables: &[&[&str]]) -> WordSet {
        WordSet::build(tables.iter().flat_map(|t| t.iter().copied()), false)
    }

    /// Each word of each entry of `tables` ("report to" gives "report" and "to"), compared
    /// with the text's word as it is (nothing dropped).
    pub(super) fn words_of(tables: &[&[&str]]) -> WordSet {
        WordSet::build(
            tables
                .iter()
                .flat_map(|t| t.iter().flat_map(|entry| entry.split(' '))),
            true,
        )
    }

    fn build<'t>(entries: impl Iterator<Item = &'t str>, exact: bool) -> WordSet {
        let words: FxHashSet<Box<[u8]>> = entries
            .inspect(|e| debug_assert!(e.len() <= LONGEST, "{e:?} is longer than LONGEST"))
            .map(|e| e.to_ascii_lowercase().into_bytes().into_boxed_slice())
            .collect();
        let mut shapes = [0; LONGEST + 1];
        for w in &words {
            shapes[w.len()] |= shape_bit(w);
        }
        WordSet {
            words,
            shapes,
            exact,
        }
    }

    pub(super) fn contains(&self, word: &str) -> bool {
        let w = if self.exact {
            word
        } else {
            trim_punctuation(word)
        };
        if self
            .shapes
            .get(w.len())
            .is_none_or(|&shape| shape & shape_bit(w.as_bytes()) == 0)
        {
            return false;
        }
        let mut buf = [0; LONGEST];
        lower(w, &mut buf).is_some_and(|w| self.words.contains(w))
    }
}

/// A word without the commas, full stops, semicolons, colons and quotes around it (all ASCII:
/// trimmed byte by byte).
fn trim_punctuation(word: &str) -> &str {
    let punctuation = |b: &u8| matches!(b, b',' | b'.' | b';' | b':' | b'"' | b'\'');
    let bytes = word.as_bytes();
    let start = bytes.iter().take_while(|b| punctuation(b)).count();
    let end = bytes.len()
        - bytes[start..]
            .iter()
            .rev()
            .take_while(|b| punctuation(b))
            .count();
    &word[start..end]
}

/// The cues of a table by the word they end with (or start with), in table order, so that
/// only the cues that can match a word are tried.
pub(super) struct CueIndex {
    by_word: FxHashMap<Box<[u8]>, Vec<&'static str>>,
}

impl CueIndex {
    /// Cues by their last word, for [`Words::ends_with`].
    pub(super) fn by_last_word(table: &[&'static str]) -> CueIndex {
        CueIndex::build(table, |cue| cue.rsplit(' ').next())
    }

    /// Cues by their first word, for [`Words::starts_with`].
    pub(super) fn by_first_word(table: &[&'static str]) -> CueIndex {
        CueIndex::build(table, |cue| cue.split(' ').next())
    }

    fn build(
        table: &[&'static str],
        key: impl Fn(&'static str) -> Option<&'static str>,
    ) -> CueIndex {
        let mut by_word: FxHashMap<Box<[u8]>, Vec<&'static str>> = FxHashMap::default();
        for &cue in table {
            if let Some(word) = key(cue) {
                debug_assert!(word.len() <= LONGEST, "{word:?} is longer than LONGEST");
                by_word
                    .entry(word.to_ascii_lowercase().into_bytes().into())
                    .or_default()
                    .push(cue);
            }
        }
        CueIndex { by_word }
    }

    /// The cues whose key word `word` can be, as [`eq_word`] compares: in table order.
    pub(super) fn for_word(&self, word: Option<&str>) -> &[&'static str] {
        let Some(word) = word else { return &[] };
        let w = word.trim_end_matches(['.', ':', ';', '\'']);
        let w = if matches!(w, "–" | "—") { "-" } else { w };
        let mut buf = [0; LONGEST];
        lower(w, &mut buf)
            .and_then(|w| self.by_word.get(w))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_compare_without_case_and_articles() {
        let det = WordSet::new(&[&["a", "an"]]);
        let w = Words::new("We are Seeking an");
        let mut buf = [""; LAST_WORDS];
        let last = last_words(w, &mut buf);
        assert_eq!(last, ["We", "are", "Seeking", "an"]);
        assert!(ends_with(without_determiner(last, &det), "are seeking"));
        assert_eq!(w.without_determiner(&det).last(), Some("Seeking"));
        assert!(Words::new("Director will lead").starts_with("director will"));
        assert!(Words::new("  one, two ").at_most(2));
        assert!(!Words::new("one two three").at_most(2));
        assert!(Words::new(" \n ").is_empty());
    }

    /// The definition the two iterators implement.
    fn words_by_split(text: &str) -> Vec<&str> {
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '“' | '”'))
            .filter(|w| !w.is_empty())
            .flat_map(|w| {
                let cut = glue_at(w);
                [Some(&w[..cut]), (cut < w.len()).then(|| &w[cut..])]
                    .into_iter()
                    .flatten()
            })
            .collect()
    }

    #[test]
    fn words_read_forward_and_back_are_the_words_of_a_split() {
        let pieces = [
            "Director",
            " ",
            ",",
            "\"",
            "“",
            "”",
            "\u{a0}",
            "\u{3000}",
            "é",
            "SummaryThe",
            "a",
            "\n",
            "\u{b}",
            "-",
            "RoleAs",
            "x",
        ];
        for text in crate::text::random_texts(&pieces, 12, 20_000) {
            let want = words_by_split(&text);
            let w = Words::new(&text);
            assert_eq!(w.iter().collect::<Vec<_>>(), want, "{text:?}");
            let mut back: Vec<&str> = w.rev().collect();
            back.reverse();
            assert_eq!(back, want, "{text:?}");
        }
    }

    #[test]
    fn punctuation_is_trimmed_as_a_char_pattern_trims_it() {
        for w in ["", ".", "\"Ltd.\"", "a,b", "é.", ";:x:;", "'s", "’"] {
            let want = w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '"' | '\''));
            assert_eq!(trim_punctuation(w), want, "{w:?}");
        }
    }

    #[test]
    fn word_sets_drop_punctuation_unless_exact() {
        let set = WordSet::new(&[&["the", "ltd"]]);
        assert!(set.contains("The,") && set.contains("\"LTD.\"") && set.contains("ltd"));
        let cue_words = WordSet::words_of(&[&["report to", "with"]]);
        assert!(cue_words.contains("Report") && cue_words.contains("to"));
        assert!(!cue_words.contains("to,"));
        assert!(!set.contains(&"x".repeat(100)));
    }

    #[test]
    fn a_cue_index_finds_the_cues_a_word_may_end() {
        let index = CueIndex::by_last_word(&["report to", "to", "seeking"]);
        assert_eq!(index.for_word(Some("TO:")), ["report to", "to"]);
        assert!(index.for_word(Some("from")).is_empty());
        let first = CueIndex::by_first_word(&["- job description", "will"]);
        assert_eq!(first.for_word(Some("—")), ["- job description"]);
    }
}
