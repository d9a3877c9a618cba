//! Scoring stage: a model and a text in, a [`Prediction`] out.

use crate::error::InputError;
use crate::level::Level;
use crate::model::{self, Model, Value};
use crate::text;

/// What the classifier says about one description.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// The most probable level.
    pub level: Level,
    /// The probability of `level`.
    pub confidence: f64,
    /// Probability of head, director and vp (in that order); they sum to 1.
    pub probabilities: [f64; 3],
    /// Raw linear scores of head, director and vp, before softmax.
    pub scores: [f32; 3],
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
    /// Its contribution to this level's score above the mean of the three levels.
    pub weight: f32,
}

impl Prediction {
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
}

impl Classifier {
    /// A classifier that reports 5 evidence items per level.
    pub fn new(model: Model) -> Classifier {
        Classifier { model, top: 5 }
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

    /// Classifies one description (plain text or HTML).
    pub fn classify(&self, description: &str) -> Result<Prediction, InputError> {
        text::check_not_blank(description)?;
        Ok(self.predict(&self.model.values(description)))
    }

    /// Classifies a description with its own title masked out (see [`text::mask_title`]),
    /// so the verdict rests on what the text describes, not on what it is called.
    pub fn classify_without_title(
        &self,
        description: &str,
        title: &str,
    ) -> Result<Prediction, InputError> {
        text::check_not_blank(description)?;
        self.classify(&text::mask_title(description, title))
    }

    fn predict(&self, values: &[Value]) -> Prediction {
        let scores = self.model.scores(values);
        let probabilities = model::softmax(scores);
        let best = (0..3)
            .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
            .unwrap_or(1);
        Prediction {
            level: Level::ALL[best],
            confidence: probabilities[best],
            probabilities,
            scores,
            evidence: self.evidence(values),
        }
    }

    fn evidence(&self, values: &[Value]) -> Vec<Evidence> {
        if self.top == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut pushes: Vec<(f32, &Value)> = Vec::with_capacity(values.len());
        for level in Level::ALL {
            pushes.clear();
            for v in values {
                let w = self.model.weight(v.feature);
                let mean = (w[0] + w[1] + w[2]) / 3.0;
                let push = v.value * (w[level.index()] - mean);
                if push > 0.0 {
                    pushes.push((push, v));
                }
            }
            // Strongest first, ties broken by feature id so evidence is deterministic. Only the
            // top few are wanted: select them, then sort just those.
            let order = |a: &(f32, &Value), b: &(f32, &Value)| {
                b.0.total_cmp(&a.0).then(a.1.feature.cmp(&b.1.feature))
            };
            if pushes.len() > self.top {
                pushes.select_nth_unstable_by(self.top, order);
                pushes.truncate(self.top);
            }
            pushes.sort_unstable_by(order);
            out.extend(pushes.iter().map(|&(push, v)| Evidence {
                level,
                term: self.model.feature_name(v.feature),
                count: v.count,
                weight: push,
            }));
        }
        out
    }
}
