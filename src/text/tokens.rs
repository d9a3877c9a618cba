//! Tokenizer: text to runs of letters and digits, and their lower case.

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
}

/// Splits text into maximal runs of alphanumeric characters.
///
/// The text is read 64 bytes at a time into bit masks (which bytes belong to a word), and the
/// words of a block are found from the masks of where words start and end, a few bit
/// operations a word; only a block with non-ASCII bytes decodes them, one `char` each.
/// Apostrophes split words ("company's" -> "company", "s"); `s` is a stop word.
pub fn tokens(text: &str) -> Tokens<'_> {
    let mut tokens = Tokens {
        text,
        base: 0,
        starts: 0,
        ends: 0,
        high: 0,
        last_alnum: false,
        open: None,
    };
    tokens.describe(0);
    tokens
}

/// Iterator returned by [`tokens`].
pub struct Tokens<'a> {
    text: &'a str,
    /// Where the current block starts; the block is `base..base + 64`.
    base: usize,
    /// Bit `j` of `starts` is set when a word starts at byte `base + j` and has not been
    /// returned yet; bit `j` of `ends` when a word ends just before byte `base + j`. Both are
    /// in text order, so the k-th end left ends the k-th start left (or the open word first).
    starts: u64,
    ends: u64,
    /// Bit `j` is set when byte `base + j` is not ASCII.
    high: u64,
    /// The block's last byte is part of a word: a word at the next block's first byte goes on.
    last_alnum: bool,
    /// The start of a word that runs past the blocks read so far.
    open: Option<usize>,
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

/// The masks of a 64-byte chunk (zero padded past the end of the text): bytes that are ASCII
/// letters or digits, and bytes that are not ASCII.
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

/// The masks of the 64 bytes of `text` from `base` (zero padded past the end): bytes that are
/// part of a word (of an alphanumeric character), and bytes that are not ASCII.
#[inline(never)]
fn block_masks(text: &str, base: usize) -> (u64, u64) {
    let bytes = text.as_bytes();
    let (mut alnum, high) = match bytes.get(base..base + 64) {
        Some(chunk) => chunk_masks(chunk.try_into().unwrap_or(&[0; 64])),
        None => {
            let mut chunk = [0u8; 64];
            let rest = bytes.get(base..).unwrap_or_default();
            chunk[..rest.len()].copy_from_slice(rest);
            chunk_masks(&chunk)
        }
    };
    if high != 0 {
        alnum |= non_ascii_alnum(text, base, high);
    }
    (alnum, high)
}

/// The bytes of the block at `base` that belong to alphanumeric non-ASCII characters ("é"),
/// `high` being the block's non-ASCII bytes: each character decoded once, the one that began
/// in the block before included.
#[cold]
fn non_ascii_alnum(text: &str, base: usize, mut high: u64) -> u64 {
    let mut alnum = 0;
    let mut covered = base;
    while high != 0 {
        let at = base + high.trailing_zeros() as usize;
        high &= high - 1;
        if at < covered {
            continue;
        }
        let mut start = at;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let Some(c) = text[start..].chars().next() else {
            break;
        };
        covered = start + c.len_utf8();
        if c.is_alphanumeric() {
            // The character's bytes inside the block.
            let (from, to) = (start.max(base) - base, (covered - base).min(64));
            alnum |= bits_from(from) & !bits_from(to);
        }
    }
    alnum
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

    /// Reads the block at `base`: where its words start and end.
    #[inline(always)]
    fn describe(&mut self, base: usize) {
        let (alnum, high) = block_masks(self.text, base);
        let before = alnum << 1 | u64::from(self.last_alnum);
        self.base = base;
        self.starts = alnum & !before;
        self.ends = !alnum & before;
        self.high = high;
        self.last_alnum = alnum >> 63 != 0;
    }

    /// The token `start..end`.
    #[inline(always)]
    fn token(&self, start: usize, end: usize) -> RawToken {
        // Nearly every block is ASCII; otherwise look at the word's bytes.
        let ascii =
            (self.high == 0 && start >= self.base) || self.text.as_bytes()[start..end].is_ascii();
        RawToken::new(self.text.as_bytes(), start, end, ascii)
    }

    /// The next token, as positions.
    // Inlined: the scorer calls it once per word, and a call returning a token through
    // memory cost as much as finding the token.
    #[inline(always)]
    pub(crate) fn next_raw(&mut self) -> Option<RawToken> {
        loop {
            if let Some(start) = self.open {
                // A word from an earlier block: it ends at this block's first end, if any.
                if self.ends != 0 {
                    let end = self.base + self.ends.trailing_zeros() as usize;
                    self.ends &= self.ends - 1;
                    self.open = None;
                    return Some(self.token(start, end));
                }
            } else if self.starts != 0 {
                let start = self.base + self.starts.trailing_zeros() as usize;
                self.starts &= self.starts - 1;
                if self.ends != 0 {
                    let end = self.base + self.ends.trailing_zeros() as usize;
                    self.ends &= self.ends - 1;
                    return Some(self.token(start, end));
                }
                // The word runs past the block.
                self.open = Some(start);
            }
            // Nothing more in this block: the next one, or the end of the text.
            let next = self.base + 64;
            if next >= self.text.len() {
                self.starts = 0;
                self.ends = 0;
                return self.open.take().map(|start| {
                    self.base = next;
                    self.token(start, self.text.len())
                });
            }
            self.describe(next);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).map(|t| t.text).collect()
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
        for text in crate::text::random_texts(&pieces, 40, 20_000) {
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
}
