//! Model stage: the vocabulary with per-level weights, and its file format.
//!
//! A document's score for level `l` is `bias[l] + sum(value(f) * weight[f][l])`, where a
//! feature's value is `(1 + ln count) * idf`, L2-normalised over the document (long postings do
//! not win by length). Cues are in the same vector with a fixed idf, so a cue weighs like a
//! rare phrase rather than adding a constant that would swamp the terms.
//! Softmax over the scores of the levels in use gives probabilities. See `train` for how
//! weights are learned.
//!
//! A model knows the levels it was trained on: the articles describe only head, director and
//! vp, so the articles model knows those three; the default model knows all five. A level the
//! model does not know gets no probability.

use crate::features::{Counts, FeatureKey, Vocabulary};
use crate::level::{Level, PerLevel};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Why a model cannot be used: what is wrong with its JSON or its numbers. [`Model::load`]
/// names the file (as [`crate::Error::Model`]).
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{0}")]
    Read(#[source] std::io::Error),
    #[error("{0}")]
    Json(#[source] serde_json::Error),
    #[error("model format {found} is not {FORMAT}")]
    Format { found: u32 },
    #[error("bias {0:?} is not a finite number of sensible size")]
    Bias(Vec<f32>),
    #[error("levels {0:?}: a model needs two levels or more, each once, lowest first")]
    Levels(Vec<Level>),
    #[error("temperature {0} is not a positive finite number")]
    Temperature(f32),
    #[error(
        "feature {key:?}: idf {idf} or weights {weights:?} are not finite numbers of sensible size (at most {MAX_VALUE:e})"
    )]
    Feature {
        key: String,
        idf: f32,
        weights: Vec<f32>,
    },
    #[error("cue {name:?}: weight {weight} is not finite")]
    CueWeight { name: String, weight: f32 },
    #[error("feature, idf and weight tables differ in length, or a weight list from the levels")]
    Tables,
    /// The features cannot be indexed: a cue pattern that does not parse, too many features.
    #[error(transparent)]
    Vocabulary(#[from] crate::features::VocabularyError),
}

/// A hand-written phrase rule from `training/cues.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Unique name; the feature key is `cue:NAME`.
    pub name: String,
    /// Rule family (reporting, scope, experience, team), for measuring families separately.
    pub family: String,
    /// The level the rule points to.
    pub level: Level,
    /// The rule's prior weight towards `level`.
    pub weight: f32,
    /// The phrase, in the syntax of [`crate::features::CuePattern`].
    pub pattern: String,
    /// Where the rule comes from and why it points where it does.
    pub note: String,
}

/// How a model was made; written into the file so a model can be traced to its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub name: String,
    pub trained_on: Vec<String>,
    pub command: String,
    /// The calibration temperature the weights were divided by (1 when not calibrated).
    #[serde(default = "one")]
    pub temperature: f32,
    /// The learner settings, as given to [`crate::train::train`] (which sets them); `None` in
    /// a file written before they were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<crate::settings::Config>,
}

fn one() -> f32 {
    1.0
}

/// On-disk form: the levels the model knows, lowest first, and one entry per feature
/// `[key, idf, [weight per level]]`. Format 1 (before the ladder had five rungs) has no
/// `levels` and three weights: head, director, vp.
#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: u32,
    provenance: Provenance,
    #[serde(default = "management", skip_serializing_if = "Vec::is_empty")]
    levels: Vec<Level>,
    bias: Vec<f32>,
    cues: Vec<Cue>,
    features: Vec<(String, f32, Vec<f32>)>,
}

fn management() -> Vec<Level> {
    Level::MANAGEMENT.to_vec()
}

/// The format written; [`Model::from_json`] reads this and format 1.
const FORMAT: u32 = 2;

/// The largest idf, weight or bias a model file may hold. Learned values are under 100; a
/// document sums a few thousand of them, so this keeps every score far from overflow.
const MAX_VALUE: f32 = 1e6;

/// Per-level weights over a vocabulary of stems, stem bigrams and cues.
#[derive(Debug)]
pub struct Model {
    pub(crate) provenance: Provenance,
    pub(crate) vocab: Vocabulary,
    pub(crate) bias: PerLevel<f32>,
    /// The levels the model was trained on; the others get no probability.
    pub(crate) levels: PerLevel<bool>,
    pub(crate) cues: Vec<Cue>,
    /// Display names, made once: evidence names a few features per document.
    names: Vec<Box<str>>,
    /// Per feature (feature id = position), all that scoring reads, side by side: a
    /// document's features are looked up in random order, and one cache line per feature
    /// costs less than several.
    rows: Vec<Row>,
}

/// What scoring reads about one feature.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Row {
    idf: f32,
    weights: PerLevel<f32>,
    /// The weight for each level minus the mean weight over the model's levels: what a unit
    /// of the feature pushes towards each level in the evidence. Made once, so evidence does
    /// no division.
    pushes: PerLevel<f32>,
}

/// `1 + ln(count)` for small counts (most counts in a posting), made once: the logarithm was
/// a tenth of the time spent on feature values. The same expression as for larger counts, so
/// the same bits.
fn sublinear_tf(count: u32) -> f32 {
    const SMALL: usize = 64;
    static TABLE: std::sync::LazyLock<[f32; SMALL]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|c| 1.0 + (c as f32).ln()));
    match TABLE.get(count as usize) {
        Some(&tf) => tf,
        None => 1.0 + (count as f32).ln(),
    }
}

/// A feature's value in one document, as used for scoring and training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value {
    pub feature: u32,
    pub count: u32,
    pub value: f32,
}

impl Model {
    /// Assembles a model; `keys`, `idf` and `weights` are parallel (feature id = position).
    pub(crate) fn new(
        provenance: Provenance,
        keys: Vec<FeatureKey>,
        idf: Vec<f32>,
        weights: Vec<PerLevel<f32>>,
        bias: PerLevel<f32>,
        levels: PerLevel<bool>,
        cues: Vec<Cue>,
    ) -> Result<Model, ModelError> {
        if keys.len() != idf.len() || keys.len() != weights.len() {
            return Err(ModelError::Tables);
        }
        let known = levels.iter().filter(|&&k| k).count();
        if known < 2 {
            return Err(ModelError::Levels(known_levels(levels)));
        }
        let patterns: FxHashMap<String, String> = cues
            .iter()
            .map(|c| (c.name.clone(), c.pattern.clone()))
            .collect();
        let vocab = Vocabulary::new(keys, &patterns)?;
        let names = vocab
            .keys()
            .iter()
            .map(|k| k.to_string().into_boxed_str())
            .collect();
        let rows = idf
            .iter()
            .zip(&weights)
            .map(|(&idf, &w)| {
                let mean = (0..Level::COUNT)
                    .filter(|&l| levels[l])
                    .map(|l| w[l])
                    .sum::<f32>()
                    / known as f32;
                Row {
                    idf,
                    weights: w,
                    pushes: std::array::from_fn(|l| if levels[l] { w[l] - mean } else { 0.0 }),
                }
            })
            .collect();
        Ok(Model {
            names,
            rows,
            provenance,
            vocab,
            bias,
            levels,
            cues,
        })
    }

    /// Reads a model written by [`Model::to_json`] / `joblevel train -o`.
    pub fn from_json(json: &str) -> Result<Model, ModelError> {
        let mut file: ModelFile = serde_json::from_str(json).map_err(ModelError::Json)?;
        if file.format != FORMAT && file.format != 1 {
            return Err(ModelError::Format { found: file.format });
        }
        if file.format == 1 {
            file.levels = management();
        }
        let ordered = file.levels.windows(2).all(|w| w[0] < w[1]);
        if file.levels.len() < 2 || !ordered {
            return Err(ModelError::Levels(file.levels));
        }
        // Each list holds one number per level the file names, spread to the full ladder.
        let n = file.levels.len();
        let spread = |values: &[f32]| -> Option<PerLevel<f32>> {
            let mut out = [0.0; Level::COUNT];
            if values.len() != n {
                return None;
            }
            for (level, &v) in file.levels.iter().zip(values) {
                out[level.index()] = v;
            }
            Some(out)
        };
        // JSON numbers beyond f32 (1e39) read as infinity, and weights near f32::MAX overflow
        // when summed: either makes scores NaN, so such a file is refused, not scored.
        let finite = |x: f32| x.is_finite() && x.abs() <= MAX_VALUE;
        if !file.bias.iter().copied().all(finite) {
            return Err(ModelError::Bias(file.bias));
        }
        let temperature = file.provenance.temperature;
        if !finite(temperature) || temperature <= 0.0 {
            return Err(ModelError::Temperature(temperature));
        }
        for (key, idf, w) in &file.features {
            if !finite(*idf) || !w.iter().copied().all(finite) {
                return Err(ModelError::Feature {
                    key: key.clone(),
                    idf: *idf,
                    weights: w.clone(),
                });
            }
        }
        for cue in &file.cues {
            if !finite(cue.weight) {
                return Err(ModelError::CueWeight {
                    name: cue.name.clone(),
                    weight: cue.weight,
                });
            }
        }
        let mut keys = Vec::with_capacity(file.features.len());
        let mut idf = Vec::with_capacity(file.features.len());
        let mut weights = Vec::with_capacity(file.features.len());
        for (key, i, w) in &file.features {
            keys.push(FeatureKey::parse(key));
            idf.push(*i);
            weights.push(spread(w).ok_or(ModelError::Tables)?);
        }
        let bias = spread(&file.bias).ok_or(ModelError::Tables)?;
        let levels = Level::ALL.map(|l| file.levels.contains(&l));
        Model::new(file.provenance, keys, idf, weights, bias, levels, file.cues)
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Model, crate::Error> {
        let model_err = |source| crate::Error::Model {
            path: path.to_path_buf(),
            source,
        };
        let json = std::fs::read_to_string(path).map_err(|e| model_err(ModelError::Read(e)))?;
        Model::from_json(&json).map_err(model_err)
    }

    /// The model as JSON, deterministic: same model, same bytes.
    pub fn to_json(&self) -> String {
        let levels = self.levels();
        let pick = |values: &PerLevel<f32>| levels.iter().map(|l| values[l.index()]).collect();
        let file = ModelFile {
            format: FORMAT,
            provenance: self.provenance.clone(),
            levels: levels.clone(),
            bias: pick(&self.bias),
            cues: self.cues.clone(),
            features: self
                .vocab
                .keys()
                .iter()
                .zip(&self.rows)
                .map(|(k, row)| (k.to_string(), row.idf, pick(&row.weights)))
                .collect(),
        };
        // serde_json cannot fail on this plain data (string keys, finite floats).
        let mut out = serde_json::to_string(&file).unwrap_or_default();
        out.push('\n');
        out
    }

    /// How the model was made.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// The levels the model was trained on, lowest first.
    pub fn levels(&self) -> Vec<Level> {
        known_levels(self.levels)
    }

    /// Whether the model was trained on `level`.
    pub fn knows(&self, level: Level) -> bool {
        self.levels[level.index()]
    }

    /// Number of weighted features (stems, bigrams and cues).
    pub fn feature_count(&self) -> usize {
        self.vocab.len()
    }

    /// The cue rules the model carries.
    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }

    /// Feature values of `text`: counts turned into the weighted, normalised values the
    /// weights apply to.
    pub fn values(&self, text: &str) -> Vec<Value> {
        self.values_of(self.vocab.count(text))
    }

    pub(crate) fn values_of(&self, counts: Counts) -> Vec<Value> {
        let mut values = Vec::with_capacity(counts.len());
        self.fill_values(&counts, &mut values);
        values
    }

    /// [`Model::values`] into `out`, with `counts` as scratch: no allocation once both are
    /// warm, for callers scoring many documents.
    pub(crate) fn values_into(&self, text: &str, counts: &mut Counts, out: &mut Vec<Value>) {
        self.vocab.count_into(text, counts);
        self.fill_values(counts, out);
    }

    fn fill_values(&self, counts: &[(u32, u32)], out: &mut Vec<Value>) {
        out.clear();
        out.extend(counts.iter().map(|&(feature, count)| Value {
            feature,
            count,
            value: sublinear_tf(count) * self.rows[feature as usize].idf,
        }));
        // Summed in order of first occurrence: the same order gives the same bits.
        let norm = out.iter().map(|v| v.value * v.value).sum::<f32>().sqrt();
        if norm > 0.0 {
            for v in out.iter_mut() {
                v.value /= norm;
            }
        }
    }

    /// Per-level scores of already computed values.
    pub(crate) fn scores(&self, values: &[Value]) -> PerLevel<f32> {
        // One accumulator per level, in registers; each sums in the order of `values`.
        let mut s = self.bias;
        for v in values {
            let w = &self.rows[v.feature as usize].weights;
            for l in 0..Level::COUNT {
                s[l] += v.value * w[l];
            }
        }
        s
    }

    /// The weight of feature `id` towards each level.
    #[cfg(test)]
    pub(crate) fn weight(&self, id: u32) -> PerLevel<f32> {
        self.rows[id as usize].weights
    }

    /// The weight of feature `id` towards each level minus its mean over the levels.
    pub(crate) fn push(&self, id: u32) -> PerLevel<f32> {
        self.rows[id as usize].pushes
    }

    /// The position in [`Model::cues`] of feature `id`, when it is a cue.
    pub fn cue_index(&self, id: u32) -> Option<usize> {
        match self.vocab.key(id) {
            FeatureKey::Cue(name) => self.cues.iter().position(|c| &c.name == name),
            _ => None,
        }
    }

    /// The display name of feature `id`: the stem, `stem stem`, or `cue:NAME`.
    pub fn feature_name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

fn known_levels(levels: PerLevel<bool>) -> Vec<Level> {
    Level::ALL
        .into_iter()
        .filter(|l| levels[l.index()])
        .collect()
}

/// Softmax of the scores of the levels in `mask`: probabilities that sum to 1, 0 for a level
/// outside the mask. The mask must hold at least one level.
pub fn softmax(scores: PerLevel<f32>, mask: PerLevel<bool>) -> PerLevel<f64> {
    let max = (0..Level::COUNT)
        .filter(|&l| mask[l])
        .map(|l| scores[l])
        .fold(f32::NEG_INFINITY, f32::max);
    let e: PerLevel<f64> = std::array::from_fn(|l| {
        if mask[l] {
            f64::from(scores[l] - max).exp()
        } else {
            0.0
        }
    });
    let sum: f64 = e.iter().sum();
    e.map(|x| x / sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let cue = Cue {
            name: "ceo".into(),
            family: "reporting".into(),
            level: Level::Vp,
            weight: 1.0,
            pattern: "reports to ceo".into(),
            note: "test".into(),
        };
        Model::new(
            Provenance {
                name: "tiny".into(),
                trained_on: vec![],
                command: String::new(),
                temperature: 1.0,
                config: None,
            },
            vec![FeatureKey::parse("shift"), FeatureKey::parse("cue:ceo")],
            vec![1.0, 1.0],
            vec![[0.0, 1.0, 0.0, -1.0, 0.0], [0.0, 0.0, 0.0, 2.0, 0.0]],
            [0.0, 0.0, 0.1, 0.0, 0.0],
            Level::ALL.map(Level::is_management),
            vec![cue],
        )
        .unwrap()
    }

    #[test]
    fn json_round_trip_keeps_every_weight() {
        let m = tiny();
        let back = Model::from_json(&m.to_json()).unwrap();
        assert_eq!(back.to_json(), m.to_json());
        assert_eq!(back.weight(1), [0.0, 0.0, 0.0, 2.0, 0.0]);
        assert_eq!(back.levels(), Level::MANAGEMENT);
    }

    #[test]
    fn values_are_sublinear_and_unit_length() {
        let m = tiny();
        let v = m.values("shift shift shift; reports to the CEO, reports to the CEO");
        assert_eq!(v.iter().map(|x| x.count).collect::<Vec<_>>(), [3, 2]);
        let norm: f32 = v.iter().map(|x| x.value * x.value).sum();
        assert!((norm - 1.0).abs() < 1e-6);
        let ratio = v[0].value / v[1].value;
        assert!((ratio - (1.0 + 3f32.ln()) / (1.0 + 2f32.ln())).abs() < 1e-5);
    }

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let p = softmax([1.0, 3.0, -2.0, 9.0, 0.0], [true, true, true, false, true]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(p[1] > p[0] && p[0] > p[4] && p[4] > p[2]);
        assert_eq!(p[3], 0.0);
    }

    #[test]
    fn malformed_model_files_are_errors_not_panics() {
        assert!(Model::from_json("{").is_err());
        assert!(
            Model::from_json(&tiny().to_json().replace("\"format\":2", "\"format\":9")).is_err()
        );
        // A weight list that does not match the levels is refused, not misread.
        let json = tiny().to_json().replace("[0.0,0.1,0.0]", "[0.0,0.1]");
        assert!(matches!(Model::from_json(&json), Err(ModelError::Tables)));
    }

    #[test]
    fn format_one_files_read_as_the_three_management_levels() {
        let json = tiny()
            .to_json()
            .replace("\"format\":2", "\"format\":1")
            .replace("\"levels\":[\"head\",\"director\",\"vp\"],", "");
        let m = Model::from_json(&json).unwrap();
        assert_eq!(m.levels(), Level::MANAGEMENT);
        assert_eq!(m.weight(0), [0.0, 1.0, 0.0, -1.0, 0.0]);
    }
}
