//! The two answers to one posting, side by side: the level it names for itself
//! ([`crate::named`]) and the level its responsibilities describe
//! ([`classify`](crate::classify)), with that title masked out. `level` is the named level when
//! there is one, else the described level.

use crate::classify::{Classifier, Prediction};
use crate::error::InputError;
use crate::fit::{self, Verdict};
use crate::level::{Level, PerLevel};
use crate::named::{self, NamedLevel};
use crate::title;
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

/// What an answer's `level` rests on; as a choice, which answer to prefer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The level the posting names for itself (its title), when it names one.
    Named,
    /// The level its text describes, the title masked out.
    Described,
}

impl Basis {
    /// The answer's rule, for every front end: the named level when the posting names one,
    /// else the described level; with what it rests on.
    pub fn answer(named: Option<Level>, described: Level) -> (Level, Basis) {
        match named {
            Some(level) => (level, Basis::Named),
            None => (described, Basis::Described),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Named => "named",
            Basis::Described => "described",
        }
    }
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Both answers to one posting.
///
/// Serializes (`serde_json::to_string(&answer)`) to the shape `classify --format json`, the
/// HTTP API and the Python package share:
/// `{"level", "basis", "named": {"level","title","start","end","reason"} | null,
///   "described": {"level","confidence","probabilities":{"head","director","vp"},
///   "scores":{...}, "evidence":[...]}, "note": str | null, "unnamed": str | null}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The answer: the named level when there is one (and the basis allows it), else the
    /// described level.
    pub level: Level,
    pub basis: Basis,
    /// The level the posting names for itself, and where.
    pub named: Option<NamedLevel>,
    /// What the text describes, scored with the named title masked out.
    pub described: Prediction,
    /// One line when the named and described levels disagree: the title-fit verdict.
    pub note: Option<String>,
    /// Why there is no named level (when `named` is `None` and it was looked for).
    pub unnamed: Option<String>,
}

impl Answer {
    /// The answer that rests on the described level alone (no named level looked for).
    pub fn described(described: Prediction) -> Answer {
        Answer {
            level: described.level,
            basis: Basis::Described,
            named: None,
            described,
            note: None,
            unnamed: None,
        }
    }
}

impl Classifier {
    /// Both answers to `text`: the named level (from `title` when given, which wins over the
    /// text; else read from the text) and the described level, scored with the named title
    /// masked out as `fit` does.
    ///
    /// ```
    /// use joblevel::{builtin, Basis, Classifier, Level};
    /// let classifier = Classifier::new(builtin::model("default").unwrap());
    /// let text = "Director of Operations\nAcme Freight is hiring. As our Director of Operations \
    ///             you will supervise the shift teams on the warehouse floor.";
    /// let a = classifier.answer(text, None).unwrap();
    /// assert_eq!((a.level, a.basis), (Level::Director, Basis::Named));
    /// assert_eq!(a.named.as_ref().unwrap().title, "Director of Operations");
    /// // The described level never sees the title's own words.
    /// assert!(a.described.evidence.iter().all(|e| !e.term.contains("director")));
    ///
    /// let json = serde_json::to_value(&a).unwrap();
    /// assert_eq!(json["named"]["start"], 0);
    /// assert!(json["described"]["probabilities"]["vp"].is_number());
    /// ```
    pub fn answer(&self, text: &str, title: Option<&str>) -> Result<Answer, InputError> {
        self.answer_by(text, title, Basis::Named)
    }

    /// [`Classifier::answer`] with a choice of basis: [`Basis::Described`] answers with the
    /// described level and does not look for a named level (the text is scored as is, or with
    /// a given title masked out).
    pub fn answer_by(
        &self,
        text: &str,
        title: Option<&str>,
        prefer: Basis,
    ) -> Result<Answer, InputError> {
        if prefer == Basis::Described {
            let described = match title {
                Some(t) => self.classify_without_title(text, t)?,
                None => self.classify(text)?,
            };
            return Ok(Answer::described(described));
        }
        let (named, unnamed) = match title {
            Some(t) => given_title(text, t),
            None => match named::read(text) {
                Ok(n) => (Some(n), None),
                Err(why) => (None, Some(why.reason)),
            },
        };
        let mask = title.or(named.as_ref().map(|n| n.title.as_str()));
        let described = match mask {
            // Masking a text that is little more than its title can leave nothing to score:
            // then the text is scored as it is.
            Some(t) => self
                .classify_without_title(text, t)
                .or_else(|_| self.classify(text))?,
            None => self.classify(text)?,
        };
        // A named level outside the rungs asked for (`--levels three` and "Senior Data
        // Analyst") is no answer; the title is still masked, the text still describes.
        let (named, unnamed) = match named {
            Some(n) if !self.allows(n.level) => {
                let whose = if self.model().knows(n.level) {
                    "not one of the rungs asked for"
                } else {
                    "a rung this model does not answer"
                };
                let why = format!("the posting names {} ({:?}), {whose}", n.level, n.title);
                (None, Some(why))
            }
            other => (other, unnamed),
        };
        let note = named
            .as_ref()
            .and_then(|n| disagreement(n, &described, title.is_some()));
        let (level, basis) = Basis::answer(named.as_ref().map(|n| n.level), described.level);
        Ok(Answer {
            level,
            basis,
            named,
            described,
            note,
            unnamed,
        })
    }
}

/// A title given apart from the text: its level by the title parser, and where it first
/// occurs in the text, if it does.
fn given_title(text: &str, given: &str) -> (Option<NamedLevel>, Option<String>) {
    let parsed = title::parse_cached(given);
    let Some(level) = parsed.level else {
        return (
            None,
            Some(format!("the title given names no level: {}", parsed.reason)),
        );
    };
    let needle = given.trim();
    let (start, end) = find_ignoring_case(text.as_bytes(), needle.as_bytes())
        .filter(|&at| text.is_char_boundary(at) && text.is_char_boundary(at + needle.len()))
        .map_or((0, 0), |at| (at, at + needle.len()));
    (
        Some(NamedLevel {
            level,
            title: given.to_string(),
            start,
            end,
            reason: format!("the title given: {}", parsed.reason),
        }),
        None,
    )
}

/// Where `needle` first occurs in `haystack`, ignoring ASCII case, without copying either:
/// a SIMD search for the needle's rarest letter (in both cases), then a comparison around
/// each hit. The comparisons are budgeted: a needle that starts with a run of its rarest
/// letter, in a text of that letter ("zzz...z VP"), would be compared at every byte, so past
/// a budget linear in the text the search is finished in linear time by another way.
fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    // English letters, most frequent first: the last one in the needle is searched for.
    const BY_FREQUENCY: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
    let rarity = |b: u8| {
        BY_FREQUENCY
            .iter()
            .position(|&f| f == b.to_ascii_lowercase())
            .map_or(0, |p| p + 1)
    };
    let (offset, &rare) = needle.iter().enumerate().max_by_key(|&(_, &b)| rarity(b))?;
    let mut budget = 4 * haystack.len() + 4 * needle.len();
    for at in memchr::memchr2_iter(
        rare.to_ascii_lowercase(),
        rare.to_ascii_uppercase(),
        haystack,
    )
    .filter_map(|hit| hit.checked_sub(offset))
    {
        let Some(candidate) = haystack.get(at..at + needle.len()) else {
            continue;
        };
        budget = match budget.checked_sub(needle.len()) {
            Some(left) => left,
            None => return find_ignoring_case_linear(haystack, needle),
        };
        if candidate.eq_ignore_ascii_case(needle) {
            return Some(at);
        }
    }
    None
}

/// [`find_ignoring_case`] on lower-cased copies, by `memchr::memmem` (the Two-Way algorithm):
/// linear in the text and the needle whatever they hold, but it copies both, so it is only
/// the fallback. ASCII lower-casing keeps every byte in its place.
#[cold]
fn find_ignoring_case_linear(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&haystack.to_ascii_lowercase(), &needle.to_ascii_lowercase())
}

/// The fit verdict in one line, when the named and described levels disagree and the
/// description is sure enough to say so.
fn disagreement(named: &NamedLevel, described: &Prediction, given: bool) -> Option<String> {
    let verdict = fit::verdict(Some(named.level), described, fit::DEFAULT_MIN_CONFIDENCE);
    let whose = if given { "the title" } else { "the posting" };
    matches!(verdict, Verdict::OverTitled | Verdict::UnderTitled).then(|| {
        format!(
            "{verdict}: {whose} names {} ({:?}), the text reads as {} (confidence {:.2})",
            named.level, named.title, described.level, described.confidence
        )
    })
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Answer", 6)?;
        st.serialize_field("level", &self.level)?;
        st.serialize_field("basis", &self.basis)?;
        st.serialize_field("named", &self.named)?;
        st.serialize_field("described", &Described(&self.described))?;
        st.serialize_field("note", &self.note)?;
        st.serialize_field("unnamed", &self.unnamed)?;
        st.end()
    }
}

/// A prediction as JSON: probabilities and scores keyed by level name.
pub struct Described<'a>(pub &'a Prediction);

impl Serialize for Described<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut st = s.serialize_struct("Described", 5)?;
        st.serialize_field("level", &p.level)?;
        st.serialize_field("confidence", &p.confidence)?;
        st.serialize_field("probabilities", &ByLevel(p.probabilities))?;
        st.serialize_field("scores", &ByLevel(p.scores.map(f64::from)))?;
        st.serialize_field("evidence", &p.evidence)?;
        st.end()
    }
}

/// One number per level, every level always present (0 probability for a level the model or
/// the rungs leave out), so the shape does not depend on the model.
struct ByLevel(PerLevel<f64>);

impl Serialize for ByLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Level::COUNT))?;
        for l in Level::ALL {
            map.serialize_entry(l.as_str(), &self.0[l.index()])?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    fn classifier() -> Classifier {
        Classifier::new(builtin::model("default").unwrap())
    }

    #[test]
    fn a_given_title_wins_over_the_text() {
        let text = "As our Director of Operations you will run the shift teams.";
        let a = classifier().answer(text, Some("VP, Operations")).unwrap();
        assert_eq!((a.level, a.basis), (Level::Vp, Basis::Named));
        let n = a.named.unwrap();
        assert_eq!((n.start, n.end), (0, 0), "not in the text");
        assert!(n.reason.starts_with("the title given"), "{}", n.reason);
        let a = classifier()
            .answer(
                "Acme is hiring. HEAD OF OPERATIONS wanted.",
                Some("Head of Operations"),
            )
            .unwrap();
        let n = a.named.unwrap();
        assert_eq!((n.start, n.end), (16, 34));
        assert_eq!(find_ignoring_case(b"dir", b"director"), None);
        assert_eq!(find_ignoring_case(b"x", b""), None);
    }

    #[test]
    fn a_title_that_matches_everywhere_is_found_where_the_plain_search_finds_it() {
        // Texts of one letter with the needle (near) the end: the budgeted search runs out and
        // the automaton finishes; both answer as comparing at every place does.
        let plain = |h: &[u8], n: &[u8]| {
            (0..=h.len().saturating_sub(n.len()))
                .find(|&at| h[at..at + n.len()].eq_ignore_ascii_case(n))
        };
        // "t" is the needle's rarest letter, so every byte of the text is a place to compare.
        let needle = format!("{}e", "t".repeat(399));
        for (haystack, needle) in [
            (format!("{}E", "T".repeat(5_000)), needle.clone()),
            ("t".repeat(5_000), needle.clone()),
            ("e".repeat(5_000), "e".repeat(400)),
            (
                "Head of Ops, head of ops".to_string(),
                "HEAD OF OPS".to_string(),
            ),
        ] {
            assert_eq!(
                find_ignoring_case(haystack.as_bytes(), needle.as_bytes()),
                plain(haystack.as_bytes(), needle.as_bytes()),
                "{needle:?}"
            );
            assert_eq!(
                find_ignoring_case_linear(haystack.as_bytes(), needle.as_bytes()),
                plain(haystack.as_bytes(), needle.as_bytes())
            );
        }
    }

    #[test]
    fn without_a_named_level_the_described_level_answers_with_the_reason() {
        let text = "You will report to the VP of Operations and run the night shift.";
        let a = classifier().answer(text, None).unwrap();
        assert_eq!(a.basis, Basis::Described);
        assert_eq!(a.level, a.described.level);
        assert!(a.named.is_none() && a.unnamed.is_some());
        let json = serde_json::to_value(&a).unwrap();
        assert!(json["named"].is_null());
    }

    #[test]
    fn basis_described_is_todays_prediction() {
        let c = classifier();
        let text = "Head of Operations\nSupervise the warehouse floor.";
        let a = c.answer_by(text, None, Basis::Described).unwrap();
        assert_eq!(a.described, c.classify(text).unwrap());
        assert_eq!((a.basis, a.named), (Basis::Described, None));
    }

    #[test]
    fn a_text_that_is_only_its_title_has_nothing_left_to_describe() {
        // "operations" is every level's function, not level language, so no feature remains
        // once the title is masked: an error that says so, not a guess from the prior.
        assert!(matches!(
            classifier().answer("Head of Operations", None),
            Err(InputError::NoKnownWords { .. })
        ));
        let a = classifier()
            .answer("Head of Operations: set the budget.", None)
            .unwrap();
        assert_eq!(a.level, Level::Head);
    }
}
