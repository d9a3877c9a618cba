//! Text stage: raw bytes to normalised, stemmed words.
//!
//! The pipeline is a chain of small steps, each testable alone:
//! [`decode`] (UTF-8 and binary checks) -> [`strip_html`] -> [`tokens`] (with an ASCII fast
//! path) -> [`lowercase_into`] -> [`is_stop_word`] -> [`Stemmer::stem`].
//! Callers that score many documents cache the result of the last three steps per distinct
//! word (see `features`), so a word is lower-cased, checked and stemmed once.

use crate::error::InputError;
use std::borrow::Cow;

/// Checks that `bytes` is usable text and returns it as `&str`.
///
/// Empty input, a NUL byte (binary files) and invalid UTF-8 are errors that name the offset.
/// Whitespace-only text is [`InputError::Blank`].
pub fn decode(bytes: &[u8]) -> Result<&str, InputError> {
    if bytes.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(offset) = memchr_nul(bytes) {
        return Err(if looks_like_utf16(bytes) {
            InputError::Utf16 { offset }
        } else {
            InputError::Binary { offset }
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    check_not_blank(text)?;
    Ok(text)
}

/// Errors on text with no letter or digit at all.
pub fn check_not_blank(text: &str) -> Result<(), InputError> {
    if text.is_empty() {
        Err(InputError::Empty)
    } else if !text.chars().any(char::is_alphanumeric) {
        Err(InputError::Blank)
    } else {
        Ok(())
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// The byte-order marks of UTF-16, little- and big-endian.
const UTF16_BOMS: [([u8; 2], bool); 2] = [([0xff, 0xfe], false), ([0xfe, 0xff], true)];

/// Like [`decode`], but also reads UTF-16 that starts with a byte-order mark (what Windows
/// tools save as "Unicode"), and drops a UTF-8 byte-order mark.
pub fn decode_any(bytes: &[u8]) -> Result<Cow<'_, str>, InputError> {
    if let Some(big_endian) = utf16_bom(bytes) {
        let text = decode_utf16(&bytes[2..], big_endian)
            .map_err(|at| InputError::InvalidUtf16 { offset: at + 2 })?;
        decode(text.as_bytes())?;
        return Ok(Cow::Owned(text));
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    decode(bytes).map(Cow::Borrowed)
}

/// `Some(big_endian)` when `bytes` starts with a UTF-16 byte-order mark.
pub fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    UTF16_BOMS
        .iter()
        .find(|(bom, _)| bytes.starts_with(bom))
        .map(|&(_, big_endian)| big_endian)
}

/// Decodes UTF-16 code units (no byte-order mark); the error is the byte offset of the first
/// unpaired surrogate or of an odd last byte.
pub fn decode_utf16(bytes: &[u8], big_endian: bool) -> Result<String, usize> {
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| at)?;
        at += 2 * c.len_utf16();
        out.push(c);
    }
    if bytes.len() % 2 == 1 {
        return Err(bytes.len() - 1);
    }
    Ok(out)
}

/// True when the start of `bytes` reads as mostly Latin text in UTF-16 without a byte-order
/// mark: in three code units out of four, one byte is NUL and the other is not.
pub fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    let pairs = head.len() / 2;
    pairs >= 2
        && [0, 1].iter().any(|&zero| {
            let latin = head
                .chunks_exact(2)
                .filter(|p| p[zero] == 0 && p[1 - zero] != 0)
                .count();
            4 * latin >= 3 * pairs
        })
}

/// Removes HTML tags and decodes entities; text without `<` or `&` is returned as is.
///
/// Tags become a space so that `a</li><li>b` stays two words. This is a tag stripper for job
/// descriptions exported from web pages, not an HTML parser: `<script>`/`<style>` bodies are
/// dropped, everything else between tags is kept.
pub fn strip_html(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if memchr::memchr(b'<', bytes).is_none() && !has_entity(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match tag_end(after) {
            Some(close) => {
                out.push(' ');
                let name = &after.as_bytes()[..close];
                rest = &after[close + 1..];
                // Skip the body of <script> and <style>: code, not prose.
                for raw in ["script", "style"] {
                    if name.len() >= raw.len()
                        && name[..raw.len()].eq_ignore_ascii_case(raw.as_bytes())
                    {
                        rest = skip_to_closing(rest, raw);
                    }
                }
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if has_entity(&out) {
        Cow::Owned(html_escape::decode_html_entities(&out).replace('\u{a0}', " "))
    } else {
        Cow::Owned(out)
    }
}

/// True when `text` has something like an HTML entity (`&amp;`, `&#39;`): an `&` followed by a
/// letter or `#` and a `;` soon after. A bare "P&L" or "R & D" is not one, and costs no copy.
fn has_entity(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'&', bytes).any(|at| {
        let rest = &bytes[at + 1..bytes.len().min(at + 12)];
        rest.first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'#')
            && rest.contains(&b';')
    })
}

/// Longest tag we look for a `>` in; a `<` with no `>` this close is ordinary text, and the
/// bound keeps stripping linear on text full of stray `<`.
const MAX_TAG: usize = 1024;

/// Offset of the `>` closing a tag that starts right after a `<`, if `after` starts a tag
/// ("< 5 years" and "a<b" do not).
fn tag_end(after: &str) -> Option<usize> {
    let first = *after.as_bytes().first()?;
    if !(first.is_ascii_alphabetic() || matches!(first, b'/' | b'!' | b'?')) {
        return None;
    }
    let window = &after.as_bytes()[..after.len().min(MAX_TAG)];
    window.iter().position(|&b| b == b'>')
}

/// The text from the `</name` that closes a raw-text element (or all of it if none does).
fn skip_to_closing<'a>(rest: &'a str, name: &str) -> &'a str {
    let bytes = rest.as_bytes();
    let mut from = 0;
    while let Some(pos) = rest[from..].find("</") {
        let at = from + pos;
        let tag = &bytes[at + 2..];
        if tag.len() >= name.len() && tag[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return &rest[at..];
        }
        from = at + 2;
    }
    ""
}

/// A run of letters or digits in the text, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// True when every byte is ASCII, so lower-casing is a byte operation.
    pub ascii: bool,
}

impl Token<'_> {
    /// The value of an all-digit token ("10" in "10+ years"), saturating on overflow.
    pub fn number(&self) -> Option<u32> {
        if self.ascii && self.text.bytes().all(|b| b.is_ascii_digit()) {
            Some(self.text.bytes().fold(0u32, |n, b| {
                n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
            }))
        } else {
            None
        }
    }
}

/// An ASCII word of up to 16 bytes, lower-cased, as two integers: byte `i` of the word is
/// byte `i` of the little-endian `[low, high]` pair, the rest is zero. Words hold no zero
/// byte, so words of different lengths get different keys, and `high` is 0 for words of up
/// to 8 bytes. The scorer uses it as a hash key that needs no string.
pub type Packed = [u64; 2];

/// A token as positions in the text, before it is sliced out: the scorer's hot loop needs the
/// text of a word only the first time it meets the word.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawToken {
    pub start: usize,
    pub end: usize,
    pub ascii: bool,
    /// The word as [`Packed`], `[0, 0]` when it is not ASCII or is longer than 16 bytes.
    pub packed: Packed,
}

impl RawToken {
    /// The token at `start..end` of `bytes`.
    #[inline(always)]
    fn new(bytes: &[u8], start: usize, end: usize, ascii: bool) -> RawToken {
        let len = end - start;
        let packed = if ascii && len <= 16 {
            pack_lower(bytes, start, len)
        } else {
            [0, 0]
        };
        RawToken {
            start,
            end,
            ascii,
            packed,
        }
    }

    /// True for a packed token of digits only ("10"): lower-cased ASCII digits are
    /// `0x30..=0x39` and letters `0x61..=0x7a`, so no byte has bit 6 set.
    pub fn is_packed_number(&self) -> bool {
        self.packed[0] != 0 && (self.packed[0] | self.packed[1]) & 0x4040_4040_4040_4040 == 0
    }
}

/// Splits text into maximal runs of alphanumeric characters.
///
/// ASCII is classified 64 bytes at a time into bit masks, so finding a word is a few bit
/// operations, not a loop over its bytes; only non-ASCII bytes decode a `char`.
/// Apostrophes split words ("company's" -> "company", "s"); `s` is a stop word.
pub fn tokens(text: &str) -> Tokens<'_> {
    let mut tokens = Tokens {
        text,
        pos: 0,
        base: 0,
        alnum: 0,
        high: 0,
    };
    tokens.describe(0);
    tokens
}

/// Iterator returned by [`tokens`].
pub struct Tokens<'a> {
    text: &'a str,
    /// Where the next token is looked for; `base <= pos <= base + 64`.
    pos: usize,
    /// Bit `j` of `alnum` is set when byte `base + j` is an ASCII letter or digit, bit `j` of
    /// `high` when it is part of a non-ASCII character. Bytes past the end are neither.
    base: usize,
    alnum: u64,
    high: u64,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is an ASCII letter or digit, computed for the eight
/// bytes at once: with the high bit cleared, adding `0x80 - lo` to a byte sets its high bit
/// exactly when the byte is `>= lo`, and no sum carries into the next byte.
#[inline(always)]
fn ascii_alnum(w: u64) -> u64 {
    let x = w & !HIGH;
    let digit = (x + 0x50 * ONES) & !(x + 0x46 * ONES); // b'0'..=b'9'
    let folded = x | (0x20 * ONES); // upper case letters to lower case
    let letter = (folded + 0x1f * ONES) & !(folded + 0x05 * ONES); // b'a'..=b'z'
    (digit | letter) & !w & HIGH
}

/// The high bits of the eight bytes of `m` (all other bits clear) as an 8-bit mask: the
/// multiplication moves the high bit of byte `k` to bit `56 + k` without carries.
#[inline(always)]
fn gather(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The masks of a 64-byte chunk (zero padded past the end of the text).
#[inline(always)]
fn chunk_masks(chunk: &[u8; 64]) -> (u64, u64) {
    let word = |k: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&chunk[8 * k..8 * k + 8]);
        u64::from_le_bytes(w)
    };
    let mut alnum = 0;
    let mut any_high = 0;
    for k in 0..8 {
        let w = word(k);
        alnum |= gather(ascii_alnum(w)) << (8 * k);
        any_high |= w;
    }
    let mut high = 0;
    if any_high & HIGH != 0 {
        for k in 0..8 {
            high |= gather(word(k) & HIGH) << (8 * k);
        }
    }
    (alnum, high)
}

/// Bits `from..64` (none when `from >= 64`).
#[inline(always)]
fn bits_from(from: usize) -> u64 {
    u64::MAX.checked_shl(from as u32).unwrap_or(0)
}

/// The low `n` bytes of a `[u64; 2]` for `n` in `0..=16`.
const KEEP: [Packed; 17] = {
    let mut keep = [[0u64; 2]; 17];
    let mut n = 1;
    while n <= 16 {
        keep[n] = if n <= 8 {
            [u64::MAX >> (64 - 8 * n), 0]
        } else {
            [u64::MAX, u64::MAX >> (128 - 8 * n)]
        };
        n += 1;
    }
    keep
};

/// The word of `len` (1..=16) bytes at `start`, lower-cased (`| 0x20` is lower case for ASCII
/// letters and digits) and packed (see [`Packed`]).
#[inline(always)]
fn pack_lower(bytes: &[u8], start: usize, len: usize) -> Packed {
    let [lo, hi] = match bytes.get(start..start + 16) {
        Some(b) => [0, 8].map(|i| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))),
        None => {
            let mut b = [0u8; 16];
            b[..len].copy_from_slice(&bytes[start..start + len]);
            [0, 8].map(|i| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8])))
        }
    };
    let [keep_lo, keep_hi] = KEEP[len];
    [
        (lo | (0x20 * ONES)) & keep_lo,
        (hi | (0x20 * ONES)) & keep_hi,
    ]
}

impl<'a> Tokens<'a> {
    /// The text being split.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// Fills the masks for the 64 bytes from `base`.
    #[inline(never)]
    fn describe(&mut self, base: usize) {
        let bytes = self.text.as_bytes();
        let (alnum, high) = match bytes.get(base..base + 64) {
            Some(chunk) => chunk_masks(chunk.try_into().unwrap_or(&[0; 64])),
            None => {
                let mut chunk = [0u8; 64];
                let rest = bytes.get(base..).unwrap_or_default();
                chunk[..rest.len()].copy_from_slice(rest);
                chunk_masks(&chunk)
            }
        };
        self.base = base;
        self.alnum = alnum;
        self.high = high;
    }

    /// The end of a word from byte `i` on, decoding characters one by one, and whether it is
    /// all ASCII: the slow path, for non-ASCII letters ("café") and words longer than a block.
    #[cold]
    fn finish_word(&self, mut i: usize) -> (usize, bool) {
        let bytes = self.text.as_bytes();
        let mut ascii = true;
        while let Some(&b) = bytes.get(i) {
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                i += 1;
            } else {
                let Some(c) = self.text[i..].chars().next() else {
                    break;
                };
                if !c.is_alphanumeric() {
                    break;
                }
                ascii = false;
                i += c.len_utf8();
            }
        }
        (i, ascii)
    }

    /// The next token, as positions.
    // Inlined: the scorer calls it once per word, and a call returning a token through
    // memory cost as much as finding the token.
    #[inline(always)]
    pub(crate) fn next_raw(&mut self) -> Option<RawToken> {
        let bytes = self.text.as_bytes();
        let (start, end, ascii) = loop {
            let candidates = (self.alnum | self.high) & bits_from(self.pos - self.base);
            if candidates == 0 {
                // Only separators left in this block.
                self.pos = self.base + 64;
                if self.pos >= bytes.len() {
                    return None;
                }
                self.describe(self.pos);
                continue;
            }
            let j = candidates.trailing_zeros() as usize;
            let start = self.base + j;
            if self.high >> j & 1 != 0 {
                // A non-ASCII character: a letter starts a word, anything else separates.
                let c = self.text[start..].chars().next()?;
                if c.is_alphanumeric() {
                    let (end, _) = self.finish_word(start);
                    break (start, end, false);
                }
                self.pos = start + c.len_utf8();
                if self.pos > self.base + 64 {
                    self.describe(self.pos);
                }
                continue;
            }
            let ends = !self.alnum & bits_from(j);
            if ends == 0 && self.base + 64 < bytes.len() {
                // The word may run past the block: describe the block from its start, or
                // for a word of 64 bytes or more, finish it byte by byte.
                if j == 0 {
                    let (end, ascii) = self.finish_word(start + 64);
                    break (start, end, ascii);
                }
                self.pos = start;
                self.describe(start);
                continue;
            }
            // 64 when the word ends the text at the end of the block.
            let e = ends.trailing_zeros();
            let end = self.base + e as usize;
            if self.high & 1u64.checked_shl(e).unwrap_or(0) != 0 {
                // A non-ASCII letter may continue the word ("café").
                let (end, ascii) = self.finish_word(end);
                break (start, end, ascii);
            }
            self.pos = end;
            return Some(RawToken::new(bytes, start, end, true));
        };
        // Slow paths: a word with non-ASCII characters, or longer than a block.
        self.pos = end;
        if self.pos > self.base + 64 {
            self.describe(self.pos);
        }
        Some(RawToken::new(bytes, start, end, ascii))
    }
}

impl<'a> Token<'a> {
    /// The token `raw` of `text`.
    pub(crate) fn from_raw(text: &'a str, raw: RawToken) -> Token<'a> {
        Token {
            text: &text[raw.start..raw.end],
            ascii: raw.ascii,
        }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    #[inline]
    fn next(&mut self) -> Option<Token<'a>> {
        let raw = self.next_raw()?;
        Some(Token::from_raw(self.text, raw))
    }
}

/// Writes the lower-cased token into `buf` (cleared first); no allocation once `buf` is warm.
pub fn lowercase_into(token: Token<'_>, buf: &mut String) {
    buf.clear();
    if token.ascii {
        buf.push_str(token.text);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(token.text.chars().flat_map(char::to_lowercase));
    }
}

/// English stop words: the Snowball list (as shipped by NLTK), sorted for binary search.
/// Level words such as "head" or "director" are deliberately not here.
const STOP_WORDS: [&str; 179] = [
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ain",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren",
    "aren't",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "couldn",
    "couldn't",
    "d",
    "did",
    "didn",
    "didn't",
    "do",
    "does",
    "doesn",
    "doesn't",
    "doing",
    "don",
    "don't",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn",
    "hadn't",
    "has",
    "hasn",
    "hasn't",
    "have",
    "haven",
    "haven't",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "ll",
    "m",
    "ma",
    "me",
    "mightn",
    "mightn't",
    "more",
    "most",
    "mustn",
    "mustn't",
    "my",
    "myself",
    "needn",
    "needn't",
    "no",
    "nor",
    "not",
    "now",
    "o",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "re",
    "s",
    "same",
    "shan",
    "shan't",
    "she",
    "she's",
    "should",
    "should've",
    "shouldn",
    "shouldn't",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "that'll",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "ve",
    "very",
    "was",
    "wasn",
    "wasn't",
    "we",
    "were",
    "weren",
    "weren't",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "won",
    "won't",
    "wouldn",
    "wouldn't",
    "y",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// True for an English stop word; `word` must already be lower-case.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

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

/// One analysed word: its stem, or the value of a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Stem(String),
    Number(u32),
}

/// The whole text stage without caching: HTML stripped, stop words dropped, words stemmed.
/// Used for training and for the cue patterns, where the text is small; scoring uses the
/// cached path in `features`.
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
        if !is_stop_word(&buf) {
            out.push(Term::Stem(stemmer.stem(&buf).into_owned()));
        }
    }
    out
}

/// Removes the posting's own title from its text, so that "As Director of Operations you
/// will..." is not read as evidence. Matching ignores ASCII case. Besides the full title, the
/// part before a separator (`,` `-` `|` `(` ...) is removed too, because postings repeat
/// "Director of Operations" from a title "Director of Operations - Remote (US)".
pub fn mask_title<'a>(text: &'a str, title: &str) -> Cow<'a, str> {
    let cuts = title_mentions(text, title);
    if cuts.is_empty() {
        return Cow::Borrowed(text);
    }
    // ASCII lower-casing keeps byte offsets, and a valid UTF-8 needle matches on character
    // boundaries, so the cuts fall between characters of `text` too. Overlapping cuts (the
    // title and its core) are merged; each becomes one space.
    let mut out = String::with_capacity(text.len());
    let mut kept_from = 0;
    for std::ops::Range { start, end } in cuts {
        if start >= kept_from {
            out.push_str(&text[kept_from..start]);
            out.push(' ');
        }
        kept_from = kept_from.max(end);
    }
    out.push_str(&text[kept_from..]);
    Cow::Owned(out)
}

/// The byte ranges [`mask_title`] removes from `text`, in order (they may overlap): each
/// mention of the title or of its part before a separator, except where it names the role's
/// manager. A page highlighting evidence uses them to leave out what the scorer did not read.
pub fn title_mentions(text: &str, title: &str) -> Vec<std::ops::Range<usize>> {
    let title = title.trim();
    let mut needles = vec![title.to_ascii_lowercase()];
    if let Some(core) = title.split([',', '|', '(', '–', '—', '/', ':']).next() {
        let core = core.split(" - ").next().unwrap_or(core).trim();
        if core.len() >= 4 && core.len() < title.len() {
            needles.push(core.to_ascii_lowercase());
        }
    }
    needles.retain(|n| n.chars().any(char::is_alphanumeric));
    if needles.is_empty() {
        return Vec::new();
    }
    let haystack = text.to_ascii_lowercase();
    let mut cuts = Vec::new();
    for needle in &needles {
        cuts.extend(
            memchr::memmem::find_iter(haystack.as_bytes(), needle.as_bytes())
                .filter(|&start| !names_the_manager(&haystack[..start]))
                .map(|start| start..start + needle.len()),
        );
    }
    cuts.sort_unstable_by_key(|r| (r.start, r.end));
    cuts
}

/// True when the text before a title mention makes it the role's manager, not the role:
/// "...reports to the Director of Operations" names someone else.
fn names_the_manager(before: &str) -> bool {
    let tail = &before.as_bytes()[before.len().saturating_sub(40)..];
    let tail = String::from_utf8_lossy(tail);
    let words: Vec<&str> = tail.split_whitespace().rev().take(4).collect();
    // Backwards: "to" (after an optional article), then "report..." within two words.
    let skip = usize::from(matches!(
        words.first(),
        Some(&("the" | "our" | "a" | "your"))
    ));
    words.get(skip) == Some(&"to")
        && words
            .iter()
            .skip(skip + 1)
            .take(2)
            .any(|w| w.starts_with("report"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).map(|t| t.text).collect()
    }

    #[test]
    fn stop_word_list_is_sorted_so_binary_search_works() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop_word("the") && is_stop_word("yourselves"));
        assert!(!is_stop_word("director") && !is_stop_word("head"));
    }

    #[test]
    fn tokenizer_splits_on_punctuation_and_keeps_unicode_letters() {
        assert_eq!(
            words("Day-to-day ops, P&L!"),
            ["Day", "to", "day", "ops", "P", "L"]
        );
        assert_eq!(
            words("Gérer l'équipe — 10+ ans"),
            ["Gérer", "l", "équipe", "10", "ans"]
        );
        assert_eq!(words("  \n\t "), Vec::<&str>::new());
        assert!(!tokens("équipe").next().is_some_and(|t| t.ascii));
    }

    /// The tokenizer's definition, one `char` at a time: what the fast scanner must match.
    fn reference_tokens(text: &str) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((&text[s..i], text[s..i].is_ascii()));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn fast_tokenizer_matches_the_char_by_char_definition() {
        let pieces = [
            "a",
            "Z",
            "0",
            "9",
            " ",
            "-",
            "'",
            "@",
            "[",
            "`",
            "{",
            "/",
            ":",
            "\n",
            "é",
            "É",
            "ß",
            "—",
            "\u{a0}",
            "İ",
            "ǅ",
            "٣",
            "中",
            "\u{1F600}",
            "operations",
            "DIRECTOR",
            "x1y2",
        ];
        let long_word = "Abcdefghij".repeat(7);
        let long_gap = " ,-".repeat(25);
        let pieces = [&pieces[..], &[long_word.as_str(), long_gap.as_str()]].concat();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 40) {
                let r = seed.rotate_left(k as u32 * 7) ^ k.wrapping_mul(0x2545_F491_4F6C_DD1D);
                text.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            let got: Vec<Token> = tokens(&text).collect();
            let want = reference_tokens(&text);
            assert_eq!(
                got.iter().map(|t| (t.text, t.ascii)).collect::<Vec<_>>(),
                want,
                "{text:?}"
            );
            let mut raw = tokens(&text);
            while let Some(r) = raw.next_raw() {
                let word = &text[r.start..r.end];
                let packed = if r.ascii && word.len() <= 16 {
                    let mut b = [0u8; 16];
                    b[..word.len()].copy_from_slice(word.to_ascii_lowercase().as_bytes());
                    let half = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
                    [half(0), half(8)]
                } else {
                    [0, 0]
                };
                assert_eq!(r.packed, packed, "{word:?}");
                let number =
                    r.ascii && word.len() <= 16 && word.bytes().all(|b| b.is_ascii_digit());
                assert_eq!(r.is_packed_number(), number, "{word:?}");
            }
        }
    }

    #[test]
    fn lowercase_handles_ascii_and_unicode() {
        let mut buf = String::new();
        let t = tokens("ÉQUIPE").next().unwrap();
        lowercase_into(t, &mut buf);
        assert_eq!(buf, "équipe");
        lowercase_into(tokens("KPIs").next().unwrap(), &mut buf);
        assert_eq!(buf, "kpis");
    }

    #[test]
    fn numbers_are_read_as_values() {
        let nums: Vec<_> = tokens("10+ years, 3rd, 99999999999")
            .map(|t| t.number())
            .collect();
        assert_eq!(nums, [Some(10), None, None, Some(u32::MAX)]);
    }

    #[test]
    fn stemmer_conflates_inflections() {
        let s = Stemmer::default();
        assert_eq!(s.stem("operations"), s.stem("operational"));
        assert_eq!(s.stem("managing"), s.stem("manage"));
    }

    #[test]
    fn html_tags_and_entities_are_stripped() {
        assert_eq!(strip_html("plain text"), Cow::Borrowed("plain text"));
        assert!(matches!(
            strip_html("P&L and R & D; AT&T"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            strip_html("Fish &amp; chips &#38; peas"),
            "Fish & chips & peas"
        );
        let s = strip_html("<p>Lead&nbsp;the <b>team</b></p><li>P&amp;L</li>");
        assert_eq!(
            s.split_whitespace().collect::<Vec<_>>(),
            ["Lead", "the", "team", "P&L"]
        );
        assert_eq!(strip_html("<style>p{x}</style>ok").trim(), "ok");
        assert_eq!(strip_html("a < 5 years"), "a < 5 years");
        assert_eq!(strip_html("<SCRIPT>x()</Script>y").trim(), "y");
        assert_eq!(
            strip_html("<unclosed tag and text").as_ref(),
            "<unclosed tag and text"
        );
    }

    #[test]
    fn decode_rejects_empty_blank_binary_and_bad_utf8() {
        assert_eq!(decode(b""), Err(InputError::Empty));
        assert_eq!(decode(b" \n\t"), Err(InputError::Blank));
        assert_eq!(decode(b"ab\0c"), Err(InputError::Binary { offset: 2 }));
        assert_eq!(
            decode(b"ok \xff"),
            Err(InputError::InvalidUtf8 { offset: 3 })
        );
        assert_eq!(decode("Lead ops".as_bytes()), Ok("Lead ops"));
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_and_without_one_is_named() {
        let text = "Lead the région";
        for big_endian in [false, true] {
            let mut bytes = if big_endian {
                vec![0xfe, 0xff]
            } else {
                vec![0xff, 0xfe]
            };
            for u in text.encode_utf16() {
                bytes.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            assert_eq!(decode_any(&bytes).unwrap(), text);
            assert!(matches!(decode(&bytes[2..]), Err(InputError::Utf16 { .. })));
            bytes.push(b'x');
            assert_eq!(
                decode_any(&bytes),
                Err(InputError::InvalidUtf16 {
                    offset: bytes.len() - 1
                })
            );
        }
        // A lone high surrogate.
        assert_eq!(
            decode_any(&[0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0]),
            Err(InputError::InvalidUtf16 { offset: 4 })
        );
        assert_eq!(decode_any("\u{feff}Lead".as_bytes()).unwrap(), "Lead");
        assert_eq!(
            decode(b"\x7fELF\x02\x01\x01\0\0"),
            Err(InputError::Binary { offset: 7 })
        );
    }

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
    fn mask_removes_title_and_its_core_ignoring_case() {
        let t =
            "As DIRECTOR OF OPERATIONS you will report to the VP. Director of Operations - Remote.";
        let m = mask_title(t, "Director of Operations - Remote (US)");
        assert!(!m.to_lowercase().contains("director"), "{m}");
        assert!(m.contains("report to the VP"));
    }

    #[test]
    fn mask_keeps_the_title_when_it_names_the_manager() {
        let t = "You report to the Director of Operations. Reporting directly to the director of operations, you";
        assert_eq!(mask_title(t, "Director of Operations"), t);
        assert!(
            !mask_title("As Director of Operations", "Director of Operations").contains("Director")
        );
    }

    #[test]
    fn mask_leaves_text_without_the_title_untouched() {
        assert!(matches!(
            mask_title("Run the shift", "VP, Sales"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            mask_title("Run the shift", "  "),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            mask_title("Équipe: Head of Ops!", "head of ops"),
            "Équipe:  !"
        );
    }
}
