//! Scoring stage: a model and a text in, a [`Prediction`] out.

use crate::error::InputError;
use crate::features::Counts;
use crate::level::{Level, PerLevel, Rungs};
use crate::model::{self, Model, Value};
use crate::text;
use std::cell::Cell;

pub use crate::answer::{Answer, Basis};

/// What the classifier says about one description.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// The most probable level.
    pub level: Level,
    /// The probability of `level`.
    pub confidence: f64,
    /// Probability of each level, lowest first (see [`Level::ALL`]); they sum to 1. A level
    /// the model does not know, or that the classifier's [`Rungs`] leave out, has 0.
    pub probabilities: PerLevel<f64>,
    /// Raw linear scores of each level, lowest first, before softmax.
    pub scores: PerLevel<f32>,
    /// For each level, the features that pushed most towards it, strongest first.
    pub evidence: Vec<Evidence>,
}

/// One feature's push towards one level.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub level: Level,
    /// The stem, stem bigram, or `cue:NAME`.
    pub term: String,
    /// How often it occurs in the text.
    pub count: u32,
    /// Its contribution to this level's score above the mean over the model's levels.
    pub weight: f32,
}

impl Prediction {
    /// The most probable of head, director and vp: the answer forced among the three levels
    /// the articles describe (as `--levels three` gives it).
    pub fn among_management(&self) -> Level {
        Level::MANAGEMENT
            .into_iter()
            .max_by(|a, b| {
                self.probabilities[a.index()]
                    .total_cmp(&self.probabilities[b.index()])
                    .then(self.scores[a.index()].total_cmp(&self.scores[b.index()]))
            })
            .unwrap_or(Level::Director)
    }

    /// Evidence for one level, strongest first.
    pub fn evidence_for(&self, level: Level) -> impl Iterator<Item = &Evidence> {
        self.evidence.iter().filter(move |e| e.level == level)
    }
}

/// Scores descriptions with a model. Cheap to share across threads.
///
/// ```
/// use joblevel::{Classifier, Level};
/// let classifier = Classifier::new(joblevel::builtin::model("articles").unwrap());
/// let p = classifier
///     .classify("Own the entire operational structure of the company at executive level, \
///                report to the CEO and align strategy with the other senior executives.")
///     .unwrap();
/// assert_eq!(p.level, Level::Vp);
/// assert!((p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
/// ```
#[derive(Debug)]
pub struct Classifier {
    model: Model,
    top: usize,
    predicted_only: bool,
    /// The levels an answer may take: the model's levels among the rungs asked for.
    levels: PerLevel<bool>,
}

impl Classifier {
    /// A classifier that reports 5 evidence items per level.
    pub fn new(model: Model) -> Classifier {
        let levels = model.levels;
        Classifier {
            model,
            top: 5,
            predicted_only: false,
            levels,
        }
    }

    /// Keeps the answer among `rungs` (`Rungs::Three`: head, director or vp, as before the
    /// ladder had five rungs). A model that knows none of them keeps its own levels.
    pub fn with_rungs(mut self, rungs: Rungs) -> Classifier {
        let mask: PerLevel<bool> =
            std::array::from_fn(|l| self.model.levels[l] && rungs.allows(Level::ALL[l]));
        self.levels = if mask.iter().any(|&m| m) {
            mask
        } else {
            self.model.levels
        };
        self
    }

    /// Whether this classifier may answer `level`.
    pub fn allows(&self, level: Level) -> bool {
        self.levels[level.index()]
    }

    /// The levels this classifier answers with, lowest first.
    pub fn levels(&self) -> impl Iterator<Item = Level> + '_ {
        Level::ALL.into_iter().filter(|l| self.levels[l.index()])
    }

    /// Keeps evidence for the predicted level only (what batch output shows); cheaper.
    pub fn with_evidence_for_predicted_level_only(mut self) -> Classifier {
        self.predicted_only = true;
        self
    }

    /// Sets how many evidence items are kept per level (0 keeps none, and is fastest).
    pub fn with_top(mut self, top: usize) -> Classifier {
        self.top = top;
        self
    }

    /// The model in use.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Classifies one description (plain text or HTML). A text with no word the model knows
    /// ("the and of", "12345", a text in another language) is an error, not a guess from the
    /// prior.
    pub fn classify(&self, description: &str) -> Result<Prediction, InputError> {
        text::check_not_blank(description)?;
        // Buffers reused across calls on this thread; taken out of the cell, so a nested call
        // (none today) would get fresh ones rather than a panic.
        thread_local! {
            static SCRATCH: Cell<(Counts, Vec<Value>)> = Cell::default();
        }
        Ok(SCRATCH.with(|cell| {
            let (mut counts, mut values) = cell.take();
            self.model
                .values_into(description, &mut counts, &mut values);
            let prediction = if values.is_empty() {
                Err(InputError::NoKnownWords {
                    not_english: looks_foreign(description),
                })
            } else {
                Ok(self.predict(&values))
            };
            cell.set((counts, values));
            prediction
        }))?
    }

    /// Classifies a description with its own title masked out (see [`text::mask_title`]),
    /// so the verdict rests on what the text describes, not on what it is called.
    pub fn classify_without_title(
        &self,
        description: &str,
        title: &str,
    ) -> Result<Prediction, InputError> {
        text::check_not_blank(description)?;
        // The masked copy goes to a buffer reused across calls on this thread (taken out of
        // the cell, as in `classify`).
        thread_local! {
            static MASKED: Cell<String> = Cell::default();
        }
        let mut masked = MASKED.with(Cell::take);
        let prediction = if text::mask_title_into(description, title, &mut masked) {
            self.classify(&masked)
        } else {
            self.classify(description)
        };
        if masked.capacity() <= text::KEEP_BYTES {
            MASKED.with(|cell| cell.set(masked));
        }
        prediction
    }

    fn predict(&self, values: &[Value]) -> Prediction {
        let scores = self.model.scores(values);
        let probabilities = model::softmax(scores, self.levels);
        let best = (0..Level::COUNT)
            .filter(|&l| self.levels[l])
            .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
            .unwrap_or(Level::Director.index());
        Prediction {
            level: Level::ALL[best],
            confidence: probabilities[best],
            probabilities,
            scores,
            evidence: self.evidence(values, Level::ALL[best]),
        }
    }

    fn evidence(&self, values: &[Value], predicted: Level) -> Vec<Evidence> {
        if self.top == 0 {
            return Vec::new();
        }
        let levels = Level::ALL.into_iter().filter(|&l| {
            if self.predicted_only {
                l == predicted
            } else {
                self.levels[l.index()]
            }
        });
        let mut out = Vec::new();
        // The strongest pushes so far, strongest first, ties broken by feature id so evidence
        // is deterministic. Only the top few are wanted: a short sorted list, not a sort.
        let mut best: Vec<(f32, &Value)> = Vec::with_capacity(self.top.min(values.len()) + 1);
        let before = |a: &(f32, &Value), b: &(f32, &Value)| {
            b.0.total_cmp(&a.0)
                .then(a.1.feature.cmp(&b.1.feature))
                .is_lt()
        };
        for level in levels {
            best.clear();
            // The weakest push kept, once the list is full.
            let mut floor = f32::NEG_INFINITY;
            for v in values {
                let candidate = (v.value * self.model.push(v.feature)[level.index()], v);
                // Once the list is full, nearly every feature is below its weakest: tested
                // first, a branch the CPU predicts (the sign of a push, tested first, was a coin
                // toss: evidence for every rung took longer than the rest of the scoring).
                if candidate.0 < floor
                    || candidate.0 <= 0.0
                    || best.len() == self.top && best.last().is_some_and(|w| !before(&candidate, w))
                {
                    continue;
                }
                let at = best.partition_point(|w| before(w, &candidate));
                best.insert(at, candidate);
                best.truncate(self.top);
                if best.len() == self.top {
                    floor = best.last().map_or(floor, |w| w.0);
                }
            }
            out.extend(best.iter().map(|&(push, v)| Evidence {
                level,
                term: self.model.feature_name(v.feature).to_string(),
                count: v.count,
                weight: push,
            }));
        }
        out
    }
}

/// Whether a text the model knows no word of looks like another language: over a third of
/// its letters are not ASCII (Japanese, Russian, Greek...), or it has three or more words and
/// not one English stop word ("Wir suchen einen Leiter"), where "the and of a to" has only
/// those.
fn looks_foreign(text: &str) -> bool {
    let (mut letters, mut foreign) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        foreign += usize::from(!c.is_ascii());
    }
    let words = || {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| w.len() >= 2)
    };
    foreign * 3 > letters && letters > 0
        || words().count() >= 3 && !words().any(|w| text::is_stop_word(&w.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    const VP: &str = "Reporting to the CEO, own the entire operational structure of the company.";

    #[test]
    fn evidence_is_per_level_strongest_first_and_capped() {
        let c = Classifier::new(builtin::model("articles").unwrap()).with_top(2);
        let p = c.classify(VP).unwrap();
        for level in Level::ALL {
            let weights: Vec<f32> = p.evidence_for(level).map(|e| e.weight).collect();
            assert!(weights.len() <= 2 && weights.windows(2).all(|w| w[0] >= w[1]));
            assert!(weights.iter().all(|&w| w > 0.0));
        }
        assert!(
            p.evidence_for(Level::Vp)
                .any(|e| e.term == "cue:reports_to_ceo")
        );
    }

    #[test]
    fn predicted_only_evidence_keeps_the_same_prediction() {
        let full = Classifier::new(builtin::model("articles").unwrap());
        let lean = Classifier::new(builtin::model("articles").unwrap())
            .with_evidence_for_predicted_level_only();
        let (a, b) = (full.classify(VP).unwrap(), lean.classify(VP).unwrap());
        assert_eq!((a.level, a.probabilities), (b.level, b.probabilities));
        assert!(b.evidence.iter().all(|e| e.level == b.level));
        assert_eq!(
            b.evidence,
            a.evidence_for(a.level).cloned().collect::<Vec<_>>()
        );
    }

    #[test]
    fn blank_text_is_an_error_not_a_guess() {
        let c = Classifier::new(builtin::model("articles").unwrap());
        assert_eq!(c.classify(" \n "), Err(InputError::Blank));
        assert_eq!(c.classify_without_title("", "VP"), Err(InputError::Empty));
    }
}
