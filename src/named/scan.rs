//! The text as the reader walks it: forward, once.
//!
//! Level words are read in the order they occur. What one needs from far away (where its line
//! starts, how many lines stand above it, whether the line above is a label) is kept as the
//! reader moves on, never searched for again from the start of the text; what it needs from
//! nearby (its clause, its title, the words after it) lies in a window of [`CLAUSE_REACH`]
//! bytes before it and [`AHEAD`] bytes after it. So a text made of nothing but level words
//! ("As our VP you will report to the Head of Sales." ten thousand times over, or one line of
//! a million bytes) costs a bounded amount per level word, and reading it stays linear in its
//! size.

use super::FIRST_LINES;

/// A clause starts at most this many bytes before its level word: further back, a text with
/// no punctuation is read from here ("at most 200 bytes back").
pub(super) const CLAUSE_REACH: usize = 200;

/// The reader looks at most this many bytes past the start of a level word: its title and
/// the words after it ("will", "is responsible", "- Job Description") fit well within it. A
/// text is read as if it ended there.
pub(super) const AHEAD: usize = 256;

/// A lead before a title on the first line ("ACME Logistics -") is at most six words and at
/// most this many bytes: a longer run of text is not a lead.
pub(super) const LEAD_REACH: usize = 160;

/// A title listed after another ("a Director of Sales *and a* VP of Marketing") follows it
/// within this many bytes.
pub(super) const LIST_REACH: usize = 64;

/// The reader's position in one text, and what it has learned walking up to it.
pub(super) struct Scan<'a> {
    text: &'a str,
    /// Clause breaks have been checked at every position up to here.
    scanned: usize,
    /// The last break at or before `scanned` (0 when none): a sentence or field mark, and any
    /// mark including a comma.
    last_break: usize,
    last_break_or_comma: usize,
    /// The line holding `line_pos` starts at `line_start`.
    line_pos: usize,
    line_start: usize,
    /// Where the first [`FIRST_LINES`] non-blank lines end (just past their line break).
    first_lines: Option<[usize; FIRST_LINES]>,
    /// A line's start and where its text starts (its first non-whitespace character).
    line_text: (usize, usize),
    /// A line's start and whether the text above it ends with a colon ("Reports to:").
    above_label: Option<(usize, bool)>,
    /// A run of letters, digits and hyphens after a level word ("director-level"): its start,
    /// its end, and whether it ends in a second field glued to it ("DirectorLocation").
    run: Option<(usize, usize, bool)>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Scan<'a> {
        Scan {
            text,
            scanned: 0,
            last_break: 0,
            last_break_or_comma: 0,
            line_pos: 0,
            line_start: 0,
            first_lines: None,
            line_text: (usize::MAX, 0),
            above_label: None,
            run: None,
        }
    }

    /// Where the clause holding `at` starts: after the last sentence mark, line break, colon,
    /// bullet or dash before it, and comma if `commas` ("Sr." and "V.P." do not end a
    /// sentence), at most [`CLAUSE_REACH`] bytes back. `at` never goes back between calls.
    pub(super) fn clause_start(&mut self, at: usize, commas: bool) -> usize {
        let floor = at.saturating_sub(CLAUSE_REACH);
        // Breaks at or before `floor` do not count: skip what lies before it.
        let mut i = self.scanned.max(floor);
        while i < at {
            i += 1;
            match break_at(self.text, i) {
                Some(Break::Sentence) => {
                    self.last_break = i;
                    self.last_break_or_comma = i;
                }
                Some(Break::Comma) => self.last_break_or_comma = i,
                None => {}
            }
        }
        self.scanned = self.scanned.max(at);
        let last = if commas {
            self.last_break_or_comma
        } else {
            self.last_break
        };
        if last > floor {
            last
        } else {
            boundary_after(self.text, floor)
        }
    }

    /// Where the line holding `at` starts. `at` never goes back between calls.
    pub(super) fn line_start(&mut self, at: usize) -> usize {
        if at > self.line_pos {
            let new = &self.text.as_bytes()[self.line_pos..at];
            if let Some(p) = memchr::memrchr(b'\n', new) {
                self.line_start = self.line_pos + p + 1;
            }
            self.line_pos = at;
        }
        self.line_start
    }

    /// How many non-blank lines stand above the line starting at `line_start`, counted up to
    /// [`FIRST_LINES`].
    pub(super) fn lines_above(&mut self, line_start: usize) -> usize {
        let text = self.text;
        let ends = self.first_lines.get_or_insert_with(|| {
            let mut ends = [usize::MAX; FIRST_LINES];
            let mut found = 0;
            let mut pos = 0;
            for line in text.split_inclusive('\n') {
                pos += line.len();
                if found < FIRST_LINES && line.ends_with('\n') && !line.trim().is_empty() {
                    ends[found] = pos;
                    found += 1;
                }
                if found == FIRST_LINES {
                    break;
                }
            }
            ends
        });
        ends.iter().filter(|&&end| end <= line_start).count()
    }

    /// Where the text of the line starting at `line_start` starts: its first character that
    /// is not whitespace (the line's end when it is blank).
    pub(super) fn line_text(&mut self, line_start: usize) -> usize {
        if self.line_text.0 != line_start {
            let rest = &self.text[line_start..];
            let blank = rest.len()
                - rest
                    .trim_start_matches(|c: char| c != '\n' && c.is_whitespace())
                    .len();
            self.line_text = (line_start, line_start + blank);
        }
        self.line_text.1
    }

    /// Whether the text above the line starting at `line_start` ends with a colon: the line
    /// is a field's value under its label ("Reports to:\nHead of Operations").
    pub(super) fn under_a_label(&mut self, line_start: usize) -> bool {
        match self.above_label {
            Some((line, colon)) if line == line_start => colon,
            _ => {
                let colon = self.text[..line_start].trim_end().ends_with(':');
                self.above_label = Some((line_start, colon));
                colon
            }
        }
    }

    /// The run of letters, digits and hyphens a level word ending at `end` runs on into
    /// ("director-level"), up to `limit`: where it ends, and whether a capital after a
    /// lower-case letter ends it (a field glued on: "DirectorLocation").
    ///
    /// A hyphen ends the run unless a letter follows. Every level word inside one run ends at
    /// the same place ("vp-vp-vp..."), so the run is walked once, not once per level word.
    pub(super) fn run_after(&mut self, end: usize, limit: usize) -> (usize, bool) {
        let (stop, glued) = match self.run {
            Some((from, to, glued)) if from <= end && end <= to => (to, glued),
            _ => {
                let bytes = self.text.as_bytes();
                let mut stop = end;
                let mut glued = false;
                while stop < bytes.len()
                    && (bytes[stop] == b'-' || bytes[stop].is_ascii_alphanumeric())
                {
                    if bytes[stop] == b'-'
                        && !bytes.get(stop + 1).is_some_and(u8::is_ascii_alphabetic)
                    {
                        break;
                    }
                    if bytes[stop].is_ascii_uppercase()
                        && stop > 0
                        && bytes[stop - 1].is_ascii_lowercase()
                    {
                        glued = true;
                        break;
                    }
                    stop += 1;
                }
                self.run = Some((end, stop, glued));
                (stop, glued)
            }
        };
        // Past `limit` the text is not read: the run ends there, as at the end of the text.
        if stop > limit {
            (limit, false)
        } else {
            (stop, glued)
        }
    }

    /// The end of the window read around a level word at `at`: [`AHEAD`] bytes on, at a
    /// character boundary.
    pub(super) fn ahead(&self, at: usize) -> usize {
        let mut end = (at + AHEAD).min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        end
    }
}

enum Break {
    Sentence,
    Comma,
}

/// Whether a clause starts at `i`: the byte before it ends a sentence, a field or a clause.
fn break_at(text: &str, i: usize) -> Option<Break> {
    let bytes = text.as_bytes();
    let b = bytes[i - 1];
    let ends = match b {
        b'\n' | b'!' | b'?' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'|' | b'"' | b'*' => true,
        b'.' => !abbreviation(&text[..i - 1]),
        // "–", "—" and "•" are E2 80 93/94/A2.
        0x93 | 0x94 | 0xA2 => i >= 3 && bytes[i - 3] == 0xE2 && bytes[i - 2] == 0x80,
        b',' => return Some(Break::Comma),
        // " - " separates fields like a dash ("Role - Head of Service").
        b'-' => i >= 2 && bytes[i - 2] == b' ' && bytes.get(i) == Some(&b' '),
        // Fields glued by an export: "Position SummaryThe Director".
        b'a'..=b'z' => {
            bytes.get(i).is_some_and(u8::is_ascii_uppercase)
                && i >= 2
                && bytes[i - 2].is_ascii_lowercase()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
        }
        _ => false,
    };
    ends.then_some(Break::Sentence)
}

/// "Sr", "V.P", "Dr", "St" before a full stop do not end a sentence.
///
/// Only the last word counts, and every abbreviation is at most three ASCII bytes, so at most
/// four bytes are read, however long the word.
pub(super) fn abbreviation(before_dot: &str) -> bool {
    const WORDS: &[&[u8]] = &[
        b"sr", b"jr", b"dr", b"st", b"mr", b"ms", b"mrs", b"dir", b"v", b"v.p", b"inc", b"co",
    ];
    let bytes = before_dot.as_bytes();
    // The last word's ASCII tail: a longer word, or one with another character, is none of them.
    let tail = bytes
        .iter()
        .rev()
        .take(4)
        .take_while(|&&b| b.is_ascii() && !(b as char).is_whitespace())
        .count();
    if tail > 3 {
        return false;
    }
    let word_start = bytes.len() - tail;
    let starts_word = before_dot[..word_start]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    starts_word
        && WORDS
            .iter()
            .any(|w| w.eq_ignore_ascii_case(&bytes[word_start..]))
}

/// The first character boundary at or after `i`.
pub(super) fn boundary_after(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition [`Scan::clause_start`] keeps as it walks: a scan back from `at`.
    fn clause_start_by_scanning_back(text: &str, at: usize, commas: bool) -> usize {
        let floor = at.saturating_sub(CLAUSE_REACH);
        let mut i = at;
        while i > floor {
            match break_at(text, i) {
                Some(Break::Sentence) => return i,
                Some(Break::Comma) if commas => return i,
                _ => i -= 1,
            }
        }
        boundary_after(text, i)
    }

    /// The definition of [`abbreviation`]: the last whitespace-separated word, whole.
    fn abbreviation_by_words(before_dot: &str) -> bool {
        let word = before_dot.rsplit(char::is_whitespace).next().unwrap_or("");
        matches!(
            word.to_ascii_lowercase().as_str(),
            "sr" | "jr" | "dr" | "st" | "mr" | "ms" | "mrs" | "dir" | "v" | "v.p" | "inc" | "co"
        )
    }

    #[test]
    fn walking_forward_finds_the_clause_a_scan_back_finds() {
        let pieces = [
            "Director",
            " ",
            ", ",
            ". ",
            "Sr.",
            " - ",
            "\n",
            "é",
            "—",
            "SummaryThe",
            "V.P.",
            "a",
            "x;",
            "Mrs.",
            "\u{3000}Co.",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2_000 {
            let mut text = String::new();
            while text.len() < 600 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let mut scan = Scan::new(&text);
            let mut at = 0;
            while at < text.len() {
                if text.is_char_boundary(at) {
                    for commas in [true, false] {
                        assert_eq!(
                            scan.clause_start(at, commas),
                            clause_start_by_scanning_back(&text, at, commas),
                            "{text:?} at {at}"
                        );
                    }
                    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    assert_eq!(scan.line_start(at), line);
                }
                at += 1 + (seed % 7) as usize;
            }
        }
    }

    #[test]
    fn abbreviations_read_at_most_four_bytes() {
        for before in [
            "Sr",
            "the Sr",
            "x\u{3000}Mrs",
            "MRS",
            "dirs",
            "V.P",
            "a v",
            "év",
            "é v",
            "",
            " ",
            "inc",
            "zinc",
            "\u{a0}co",
        ] {
            assert_eq!(
                abbreviation(before),
                abbreviation_by_words(before),
                "{before:?}"
            );
        }
    }

    #[test]
    fn lines_above_count_only_non_blank_lines() {
        let text = "\n  \nACME\n\n  Director\nx\ny\n";
        let mut scan = Scan::new(text);
        let at = |s: &str| text.find(s).unwrap();
        assert_eq!(scan.lines_above(0), 0);
        assert_eq!(scan.lines_above(at("  Director")), 1);
        assert_eq!(scan.lines_above(at("x")), 2);
        assert_eq!(scan.lines_above(at("y")), 3);
        assert_eq!(scan.line_text(at("  Director")), at("Director"));
        assert_eq!(
            scan.line_text(1),
            3,
            "a blank line's text starts at its end"
        );
    }
}
