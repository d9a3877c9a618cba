//! Title masking: the posting's own title taken out of its text, so the text is read for
//! what the job is, not for what it is called.

use memchr::memmem::Finder;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// Removes the posting's own title from its text, so that "As Director of Operations you
/// will..." is not read as evidence. Matching ignores ASCII case. Besides the full title, the
/// part before a separator (`,` `-` `|` `(` ...) is removed too, because postings repeat
/// "Director of Operations" from a title "Director of Operations - Remote (US)".
pub fn mask_title<'a>(text: &'a str, title: &str) -> Cow<'a, str> {
    let mut out = String::new();
    if mask_title_into(text, title, &mut out) {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// [`mask_title`] into `out` (cleared first), for a caller that masks row after row and
/// keeps one buffer: returns false, `out` left empty, when the text does not mention the title.
pub fn mask_title_into(text: &str, title: &str, out: &mut String) -> bool {
    out.clear();
    with_mentions(text, title, |cuts| {
        if cuts.is_empty() {
            return false;
        }
        // ASCII lower-casing keeps byte offsets, and a valid UTF-8 needle matches on character
        // boundaries, so the cuts fall between characters of `text` too. Overlapping cuts (the
        // title and its core) are merged; each becomes one space.
        out.reserve(text.len());
        let mut kept_from = 0;
        for &std::ops::Range { start, end } in cuts {
            if start >= kept_from {
                out.push_str(&text[kept_from..start]);
                out.push(' ');
            }
            kept_from = kept_from.max(end);
        }
        out.push_str(&text[kept_from..]);
        true
    })
}

/// The byte ranges [`mask_title`] removes from `text`, in order (they may overlap): each
/// mention of the title or of its part before a separator, except where it names the role's
/// manager. A page highlighting evidence uses them to leave out what the scorer did not read.
pub fn title_mentions(text: &str, title: &str) -> Vec<std::ops::Range<usize>> {
    with_mentions(text, title, <[_]>::to_vec)
}

/// The searchers for a title's needles (the title, its part before a separator), lower-cased.
fn needles(title: &str) -> Rc<[Finder<'static>]> {
    let title = title.trim();
    let mut needles = vec![title.to_ascii_lowercase()];
    if let Some(core) = title.split([',', '|', '(', '–', '—', '/', ':']).next() {
        let core = core.split(" - ").next().unwrap_or(core).trim();
        if core.len() >= 4 && core.len() < title.len() {
            needles.push(core.to_ascii_lowercase());
        }
    }
    needles.retain(|n| n.chars().any(char::is_alphanumeric));
    needles
        .iter()
        .map(|n| Finder::new(n.as_bytes()).into_owned())
        .collect()
}

/// A thread's buffers for masking, reused from one row to the next.
#[derive(Default)]
struct Scratch {
    /// The text lower-cased (ASCII).
    lower: String,
    cuts: Vec<std::ops::Range<usize>>,
    /// Title -> its searchers: exports repeat a few thousand titles over millions of rows,
    /// and building a searcher cost more than the search.
    titles: FxHashMap<Box<str>, Rc<[Finder<'static>]>>,
}

/// Past this many distinct titles a thread's searchers are dropped: memory stays bounded.
const TITLE_LIMIT: usize = 4096;

/// A buffer grown past this for one long text is let go rather than kept by the thread.
pub(crate) const KEEP_BYTES: usize = 1 << 20;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// Calls `then` with the mentions [`title_mentions`] returns, from this thread's buffers.
fn with_mentions<T>(
    text: &str,
    title: &str,
    then: impl FnOnce(&[std::ops::Range<usize>]) -> T,
) -> T {
    // Taken out of the cell for the call, so a nested call gets fresh buffers, not a panic.
    let mut scratch = SCRATCH.with(|cell| cell.take());
    let Scratch {
        lower,
        cuts,
        titles,
    } = &mut scratch;
    let finders = match titles.get(title) {
        Some(f) => f.clone(),
        None => {
            if titles.len() >= TITLE_LIMIT {
                titles.clear();
            }
            let f = needles(title);
            titles.insert(title.into(), f.clone());
            f
        }
    };
    cuts.clear();
    if !finders.is_empty() {
        lower.clear();
        lower.push_str(text);
        lower.make_ascii_lowercase();
        for finder in finders.iter() {
            let len = finder.needle().len();
            cuts.extend(
                finder
                    .find_iter(lower.as_bytes())
                    .filter(|&start| !names_the_manager(&lower[..start]))
                    .map(|start| start..start + len),
            );
        }
        cuts.sort_unstable_by_key(|r| (r.start, r.end));
    }
    let result = then(cuts);
    if lower.capacity() > KEEP_BYTES {
        *lower = String::new();
    }
    SCRATCH.with(|cell| cell.replace(scratch));
    result
}

/// True when the text before a title mention makes it the role's manager, not the role:
/// "...reports to the Director of Operations" names someone else.
///
/// Reads the last four words of the 40 bytes before the mention, on the stack: a text made
/// of the title repeated asks this once per byte or two.
fn names_the_manager(before: &str) -> bool {
    let floor = before.len().saturating_sub(40);
    let mut cut = floor;
    while !before.is_char_boundary(cut) {
        cut += 1;
    }
    let window = &before[cut..];
    let mut words = [""; 4];
    let mut n = 0;
    let mut all_read = true;
    for w in window.split_whitespace().rev() {
        if n == words.len() {
            all_read = false;
            break;
        }
        words[n] = w;
        n += 1;
    }
    // A character cut by the 40 bytes reads as a replacement character glued to the window's
    // first word, which then matches nothing.
    if cut > floor && n > 0 && all_read && !window.starts_with(char::is_whitespace) {
        words[n - 1] = "\u{fffd}";
    }
    reports_to(&words[..n])
}

/// Whether the last words before a title, last first, read "report... to (the)": "to" after an
/// optional article, then "report..." within two words.
fn reports_to(words: &[&str]) -> bool {
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

    /// The definition [`names_the_manager`] keeps: the last 40 bytes, decoded lossily.
    fn names_the_manager_lossily(before: &str) -> bool {
        let tail = &before.as_bytes()[before.len().saturating_sub(40)..];
        let tail = String::from_utf8_lossy(tail);
        let words: Vec<&str> = tail.split_whitespace().rev().take(4).collect();
        reports_to(&words)
    }

    #[test]
    fn the_manager_test_reads_the_last_words_as_a_lossy_decoding_did() {
        let pieces = [
            "report", "reports", "to", " ", "the", "é", "\u{a0}", "x", "our", "ü", "\u{3000}",
        ];
        // The window cuts "é": its replacement glues onto "report", the fourth word back.
        let cut_word = format!("é{:<31}x to the", "report");
        assert_eq!(cut_word.len(), 41);
        assert!(!names_the_manager(&cut_word) && !names_the_manager_lossily(&cut_word));
        assert!(names_the_manager(&cut_word[2..]));
        for before in crate::text::random_texts(&pieces, 30, 20_000) {
            assert_eq!(
                names_the_manager(&before),
                names_the_manager_lossily(&before),
                "{before:?}"
            );
        }
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
