//! Features stage: analysed text to a sparse bag of feature counts.
//!
//! A feature is a stem ("oper"), a bigram of adjacent stems after stop words are dropped
//! ("day day" from "day-to-day"), or a cue: a phrase rule from `training/cues.csv` such as
//! "reports to * ceo|coo" (see [`CuePattern`]). The [`Vocabulary`] names every feature a model
//! has weights for; words outside it are skipped.
//!
//! One concern a file: [`terms`] (what training may learn from a text), `vocabulary` (the
//! scorer: counting a model's features in a text), `cue` (the phrase rule syntax, parsed for
//! the scorer and for evidence spans alike) and `table` (the scorer's hash table). Both sides
//! read words through [`crate::text::analyze_word`], and a test checks that the scorer counts
//! exactly the terms training extracts. This stage builds on `text` only: models, training and
//! scoring build on it.

mod cue;
mod table;
mod terms;
mod vocabulary;

pub(crate) use cue::Element;
pub use cue::{CueError, CuePattern, CueProblem, check_cue};
pub use terms::terms;
pub use vocabulary::{Counts, Vocabulary, VocabularyError};

/// Stems that name a level. They never become learned features: most postings name their own
/// level ("the Director will...", "As our CFO"), which says nothing about what the job is.
/// Mentions of other roles ("reports to the VP", "reports to the CEO") are read by cues
/// instead. The C-suite's names are here since the ladder has an executive rung.
pub const LEVEL_STEMS: [&str; 20] = [
    "avp", "ceo", "cfo", "chief", "chro", "cio", "cmo", "coo", "cpo", "cro", "cso", "cto", "cxo",
    "director", "evp", "head", "presid", "svp", "vice", "vp",
];

/// Stems of the posting's wrapping rather than the job: how to apply, the advert's own
/// fields. Not learned: their rates follow a job board's template, and since many sources
/// hold one rung only (PROVENANCE), a model that learns them learns the board, not the level
/// (measured: they were the commonest evidence when leadership postings of a source left out
/// of training were called individual).
pub const POSTING_STEMS: [&str; 25] = [
    "appli",
    "applic",
    "candid",
    "click",
    "close",
    "com",
    "cover",
    "cv",
    "date",
    "deadlin",
    "descript",
    "email",
    "http",
    "https",
    "interview",
    "job",
    "join",
    "letter",
    "look",
    "pleas",
    "post",
    "resum",
    "submit",
    "titl",
    "www",
];

/// Stems that name the function every level of this tool shares (operations). Not learned
/// either: the corpora label "Operations Manager" postings head, so "operations" would learn to
/// mean head, where the articles use it for all three levels.
pub const SHARED_FUNCTION_STEMS: [&str; 2] = ["oper", "ops"];

/// True for a stem that is never a learned feature: it names a level ([`LEVEL_STEMS`]), the
/// shared function ([`SHARED_FUNCTION_STEMS`]) or the posting's wrapping ([`POSTING_STEMS`]).
pub fn is_unlearned_stem(stem: &str) -> bool {
    LEVEL_STEMS.contains(&stem)
        || SHARED_FUNCTION_STEMS.contains(&stem)
        || POSTING_STEMS.contains(&stem)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_keys_round_trip_through_strings() {
        for s in ["oper", "day day", "cue:reports_to_ceo"] {
            assert_eq!(FeatureKey::parse(s).to_string(), s);
        }
    }
}
