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
        return Err(InputError::Binary { offset });
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
    bytes.iter().position(|&b| b == 0)
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

/// Splits text into maximal runs of alphanumeric characters.
///
/// ASCII bytes are classified with a table lookup; only non-ASCII bytes decode a `char`.
/// Apostrophes split words ("company's" -> "company", "s"); `s` is a stop word.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

/// Iterator returned by [`tokens`].
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        // Skip separators.
        loop {
            let &b = bytes.get(i)?;
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break;
                }
                i += 1;
            } else {
                let c = self.text[i..].chars().next()?;
                if c.is_alphanumeric() {
                    break;
                }
                i += c.len_utf8();
            }
        }
        let start = i;
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
        self.pos = i;
        Some(Token {
            text: &self.text[start..i],
            ascii,
        })
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
}

/// Removes the posting's own title from its text, so that "As Director of Operations you
/// will..." is not read as evidence. Matching ignores ASCII case. Besides the full title, the
/// part before a separator (`,` `-` `|` `(` ...) is removed too, because postings repeat
/// "Director of Operations" from a title "Director of Operations - Remote (US)".
pub fn mask_title<'a>(text: &'a str, title: &str) -> Cow<'a, str> {
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
        return Cow::Borrowed(text);
    }
    let haystack = text.to_ascii_lowercase();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for needle in &needles {
        cuts.extend(
            memchr::memmem::find_iter(haystack.as_bytes(), needle.as_bytes())
                .filter(|&start| !names_the_manager(&haystack[..start]))
                .map(|start| (start, start + needle.len())),
        );
    }
    if cuts.is_empty() {
        return Cow::Borrowed(text);
    }
    // ASCII lower-casing keeps byte offsets, and a valid UTF-8 needle matches on character
    // boundaries, so the cuts fall between characters of `text` too. Overlapping cuts (the
    // title and its core) are merged; each becomes one space.
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut kept_from = 0;
    for (start, end) in cuts {
        if start >= kept_from {
            out.push_str(&text[kept_from..start]);
            out.push(' ');
        }
        kept_from = kept_from.max(end);
    }
    out.push_str(&text[kept_from..]);
    Cow::Owned(out)
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
mod mask_tests {
    use super::*;

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
