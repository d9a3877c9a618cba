//! Training: builds a [`Model`] from the article responsibilities, the cue rules and,
//! optionally, labelled postings.
//!
//! # Method
//! A multinomial logistic regression (softmax over head, director, vp) on the model's
//! features (see [`crate::model`]): term values are sublinear tf-idf, L2-normalised; cues are
//! 0/1. It is fit by full-batch Adam for a fixed number of steps from zero, so training is
//! deterministic. Why this learner: its weights are additive per feature, so the evidence shown
//! to the user is exactly what decided, and its softmax gives probabilities that are fitted to
//! the data rather than the overconfident products naive Bayes gives on long texts.
//!
//! - **Class balance**: each level's documents get the same total weight, so the director
//!   majority (about 3/4 of real postings) does not swamp head and vp.
//! - **Articles as the prior**: the article sentences are training documents too, each
//!   weighted `article_weight`, so their terms keep weights where the postings are silent.
//! - **Cues** start from their hand weight and are pulled back towards it by `cue_l2`, so a
//!   rule keeps its direction unless the labelled data clearly disagree.
//! - **Level words** (director, vp, head...) are never features: see
//!   [`crate::features::LEVEL_STEMS`].

use crate::error::Error;
use crate::features::{FeatureKey, is_level_stem};
use crate::level::Level;
use crate::model::{Cue, Model, Provenance, Value};
use crate::text::{self, Term};
use std::collections::BTreeMap;

/// A text with its level: an article sentence or a labelled posting.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub level: Level,
    pub text: String,
    /// Where it comes from: `000:5` for an article line, an id or row number for a posting.
    pub source: String,
}

/// Learner settings. The defaults are the shipped ones; README explains how they were chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Weight of one article sentence relative to an average posting.
    pub article_weight: f32,
    /// L2 penalty on term weights (pulls them to 0).
    pub l2: f32,
    /// L2 penalty pulling cue weights to their hand-set prior.
    pub cue_l2: f32,
    /// A posting term must occur in at least this many postings to become a feature.
    pub min_df: u32,
    /// Adam steps.
    pub steps: usize,
    /// Use stem bigrams as well as stems.
    pub bigrams: bool,
    /// Multiplies every cue's hand weight before training (0 lets the data alone decide).
    pub cue_scale: f32,
    /// Calibrate the probabilities (see [`temperature`]) when there are labelled postings.
    pub calibrate: bool,
    /// Cue families to leave out (for measuring a family's effect).
    pub without_families: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            article_weight: 0.1,
            l2: 0.02,
            cue_l2: 0.05,
            min_df: 10,
            steps: 400,
            bigrams: true,
            cue_scale: 1.0,
            calibrate: true,
            without_families: Vec::new(),
        }
    }
}

/// A cue's idf: cues are rare by design, so they weigh like a rare phrase.
const CUE_IDF: f32 = 4.0;

/// Parses `training/responsibilities.csv` (`level,source,text`).
pub fn parse_examples(csv_text: &str, path: &str) -> Result<Vec<Example>, Error> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<(String, String, String)>().enumerate() {
        let line = i + 2;
        let bad = |reason: String| Error::Training {
            path: path.to_string(),
            line,
            reason,
        };
        let (level, source, text) = row.map_err(|e| bad(e.to_string()))?;
        let level = level
            .parse()
            .map_err(|e: crate::UnknownLevel| bad(e.to_string()))?;
        out.push(Example {
            level,
            text,
            source,
        });
    }
    Ok(out)
}

/// Parses `training/cues.csv` (`name,family,level,weight,pattern,note`).
pub fn parse_cues(csv_text: &str, path: &str) -> Result<Vec<Cue>, Error> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out: Vec<Cue> = Vec::new();
    for (i, row) in reader.deserialize::<Cue>().enumerate() {
        let bad = |reason: String| Error::Training {
            path: path.to_string(),
            line: i + 2,
            reason,
        };
        let cue = row.map_err(|e| bad(e.to_string()))?;
        if out.iter().any(|c| c.name == cue.name) {
            return Err(bad(format!("cue name {:?} is used twice", cue.name)));
        }
        out.push(cue);
    }
    Ok(out)
}

/// The learnable terms of a text: stems and (optionally) bigrams, level words and numbers out.
fn terms(text: &str, bigrams: bool) -> Vec<FeatureKey> {
    let stems: Vec<Option<String>> = text::analyze(text)
        .into_iter()
        .map(|t| match t {
            // Single letters ("P" of P&L, "G" of G Suite) are fragments, not words.
            Term::Stem(s) if s.chars().nth(1).is_some() && !is_level_stem(&s) => Some(s),
            _ => None,
        })
        .collect();
    let mut out: Vec<FeatureKey> = stems
        .iter()
        .flatten()
        .cloned()
        .map(FeatureKey::Unigram)
        .collect();
    if bigrams {
        for pair in stems.windows(2) {
            if let [Some(a), Some(b)] = pair {
                out.push(FeatureKey::Bigram(a.clone(), b.clone()));
            }
        }
    }
    out
}

/// Trains a model on article sentences, optional labelled postings and cue rules.
pub fn train(
    articles: &[Example],
    postings: &[Example],
    cues: &[Cue],
    config: &Config,
    provenance: Provenance,
) -> Result<Model, String> {
    let cues: Vec<Cue> = cues
        .iter()
        .filter(|c| !config.without_families.contains(&c.family))
        .cloned()
        .collect();

    // Vocabulary: every article term; posting terms seen in at least `min_df` postings.
    let article_terms: Vec<Vec<FeatureKey>> = articles
        .iter()
        .map(|e| terms(&e.text, config.bigrams))
        .collect();
    let posting_terms: Vec<Vec<FeatureKey>> = postings
        .iter()
        .map(|e| terms(&e.text, config.bigrams))
        .collect();
    let mut df: BTreeMap<FeatureKey, (u32, u32)> = BTreeMap::new();
    for (docs, is_article) in [(&article_terms, true), (&posting_terms, false)] {
        for doc in docs {
            let mut seen: Vec<&FeatureKey> = doc.iter().collect();
            seen.sort();
            seen.dedup();
            for key in seen {
                let e = df.entry(key.clone()).or_default();
                if is_article {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
    }
    let n_docs = (articles.len() + postings.len()) as f32;
    let mut keys = Vec::new();
    let mut idf = Vec::new();
    for (key, (in_articles, in_postings)) in df {
        if in_articles > 0 || in_postings >= config.min_df {
            keys.push(key);
            idf.push(((1.0 + n_docs) / (1.0 + (in_articles + in_postings) as f32)).ln() + 1.0);
        }
    }
    let n_terms = keys.len();
    let mut prior = vec![[0.0f32; 3]; n_terms];
    for cue in &cues {
        keys.push(FeatureKey::Cue(cue.name.clone()));
        idf.push(CUE_IDF);
        let mut p = [0.0; 3];
        p[cue.level.index()] = cue.weight * config.cue_scale;
        prior.push(p);
    }
    let untrained = Model::new(
        provenance.clone(),
        keys.clone(),
        idf.clone(),
        prior.clone(),
        [0.0; 3],
        cues.clone(),
    )?;

    // Sample weights: levels balanced within postings and within articles.
    let mut docs: Vec<(Vec<Value>, usize, f32)> = Vec::new();
    // Without postings the article weight would only rescale the penalty, so it is 1.
    let article_weight = if postings.is_empty() {
        1.0
    } else {
        config.article_weight
    };
    for (set, weight) in [(articles, article_weight), (postings, 1.0)] {
        let mut per_level = [0usize; 3];
        for e in set {
            per_level[e.level.index()] += 1;
        }
        let present = per_level.iter().filter(|&&n| n > 0).count().max(1) as f32;
        for e in set {
            let balance = set.len() as f32 / (present * per_level[e.level.index()] as f32);
            docs.push((untrained.values(&e.text), e.level.index(), weight * balance));
        }
    }
    let (mut weights, mut bias) = fit(&docs, &prior, n_terms, config);
    let mut provenance = provenance;
    if config.calibrate && postings.len() >= CALIBRATION_MIN_POSTINGS {
        let t = temperature(articles, postings, &cues, config)?;
        for w in weights.iter_mut().flatten().chain(bias.iter_mut()) {
            *w /= t;
        }
        provenance.temperature = t;
    }
    Model::new(provenance, keys, idf, weights, bias, cues)
}

/// Below this many labelled postings there is too little held-out data to calibrate on.
const CALIBRATION_MIN_POSTINGS: usize = 30;

/// Temperature scaling (Guo et al., 2017): the `t` that makes `softmax(scores / t)` fit
/// held-out postings best. A regularised linear model's raw scores are too flat or too sharp;
/// dividing every weight by `t` fixes the scale without changing any decision (the argmax and
/// the order of evidence stay the same), so `confidence` means what it says. The held-out scores
/// come from 5-fold cross-validation on the postings; levels are balanced in the fit as in
/// training.
fn temperature(
    articles: &[Example],
    postings: &[Example],
    cues: &[Cue],
    config: &Config,
) -> Result<f32, String> {
    let levels: Vec<Level> = postings.iter().map(|e| e.level).collect();
    let folds = stratified_folds(&levels, 5, CV_SEED);
    let inner = Config {
        calibrate: false,
        ..config.clone()
    };
    let mut held_out: Vec<([f32; 3], usize, f32)> = Vec::new();
    let counts = level_counts(postings);
    for fold in 0..5 {
        let train_part: Vec<Example> = (0..postings.len())
            .filter(|&i| folds[i] != fold)
            .map(|i| postings[i].clone())
            .collect();
        let provenance = Provenance {
            name: "calibration".into(),
            trained_on: vec![],
            command: String::new(),
            temperature: 1.0,
        };
        let model = train(articles, &train_part, cues, &inner, provenance)?;
        for (i, e) in postings
            .iter()
            .enumerate()
            .filter(|(i, _)| folds[*i] == fold)
        {
            let balance = 1.0 / counts[e.level.index()].max(1) as f32;
            held_out.push((
                model.scores(&model.values(&e.text)),
                levels[i].index(),
                balance,
            ));
        }
    }
    let loss = |log_t: f64| -> f64 {
        let t = log_t.exp() as f32;
        held_out
            .iter()
            .map(|(s, y, w)| -f64::from(*w) * crate::model::softmax(s.map(|x| x / t))[*y].ln())
            .sum()
    };
    // Golden-section search for the minimum over t in [0.05, 20]; the loss is unimodal in t.
    let (mut lo, mut hi) = (0.05f64.ln(), 20f64.ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
        if loss(a) < loss(b) {
            hi = b;
        } else {
            lo = a;
        }
    }
    Ok(((lo + hi) / 2.0).exp() as f32)
}

/// Softmax regression by full-batch Adam. Terms are pulled to 0 by `l2`; cues (ids from
/// `n_terms` on) to their prior by `cue_l2`; the bias is free.
fn fit(
    docs: &[(Vec<Value>, usize, f32)],
    prior: &[[f32; 3]],
    n_terms: usize,
    config: &Config,
) -> (Vec<[f32; 3]>, [f32; 3]) {
    let n = prior.len();
    let total: f32 = docs.iter().map(|d| d.2).sum::<f32>().max(f32::MIN_POSITIVE);
    let mut w: Vec<[f32; 3]> = prior.to_vec();
    let mut b = [0.0f32; 3];
    let (mut m, mut v) = (vec![[0.0f32; 3]; n + 1], vec![[0.0f32; 3]; n + 1]);
    let (lr, beta1, beta2, eps) = (0.05f32, 0.9f32, 0.999f32, 1e-8f32);
    let mut grad = vec![[0.0f32; 3]; n + 1];
    for step in 1..=config.steps {
        for (i, g) in grad.iter_mut().enumerate().take(n) {
            let (lambda, target) = if i < n_terms {
                (config.l2, [0.0; 3])
            } else {
                (config.cue_l2, prior[i])
            };
            for l in 0..3 {
                g[l] = lambda * (w[i][l] - target[l]);
            }
        }
        grad[n] = [0.0; 3];
        for (values, y, weight) in docs {
            let mut s = b;
            for x in values {
                for l in 0..3 {
                    s[l] += x.value * w[x.feature as usize][l];
                }
            }
            let p = crate::model::softmax(s);
            let scale = weight / total;
            let err: [f32; 3] =
                std::array::from_fn(|l| scale * (p[l] as f32 - if l == *y { 1.0 } else { 0.0 }));
            for x in values {
                for l in 0..3 {
                    grad[x.feature as usize][l] += x.value * err[l];
                }
            }
            for l in 0..3 {
                grad[n][l] += err[l];
            }
        }
        let (c1, c2) = (1.0 - beta1.powi(step as i32), 1.0 - beta2.powi(step as i32));
        for i in 0..=n {
            for l in 0..3 {
                let g = grad[i][l];
                m[i][l] = beta1 * m[i][l] + (1.0 - beta1) * g;
                v[i][l] = beta2 * v[i][l] + (1.0 - beta2) * g * g;
                let delta = lr * (m[i][l] / c1) / ((v[i][l] / c2).sqrt() + eps);
                if i < n {
                    w[i][l] -= delta;
                } else {
                    b[l] -= delta;
                }
            }
        }
    }
    (w, b)
}

/// Counts of examples per level, for reports.
pub fn level_counts(examples: &[Example]) -> [usize; 3] {
    let mut c = [0; 3];
    for e in examples {
        c[e.level.index()] += 1;
    }
    c
}

/// The default seed of cross-validation splits, so figures can be reproduced.
pub const CV_SEED: u64 = 20_261_122;

/// Assigns each row a fold in `0..k`, stratified by level: each level's rows are shuffled
/// with a fixed seed and dealt round-robin, so every fold has the same level mix.
pub fn stratified_folds(levels: &[Level], k: usize, seed: u64) -> Vec<usize> {
    let mut folds = vec![0; levels.len()];
    let mut rng = SplitMix64(seed);
    let mut next_fold = 0;
    for level in Level::ALL {
        let mut rows: Vec<usize> = (0..levels.len()).filter(|&i| levels[i] == level).collect();
        // Fisher-Yates with a fixed-seed generator: the same split on every machine.
        for i in (1..rows.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        for row in rows {
            folds[row] = next_fold % k.max(1);
            next_fold += 1;
        }
    }
    folds
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    #[test]
    fn folds_are_stratified_and_reproducible() {
        let levels: Vec<Level> = (0..50)
            .map(|i| {
                if i < 10 {
                    Head
                } else if i < 45 {
                    Director
                } else {
                    Vp
                }
            })
            .collect();
        let folds = stratified_folds(&levels, 5, 7);
        assert_eq!(folds, stratified_folds(&levels, 5, 7));
        for f in 0..5 {
            let heads = (0..50)
                .filter(|&i| folds[i] == f && levels[i] == Head)
                .count();
            let vps = (0..50)
                .filter(|&i| folds[i] == f && levels[i] == Vp)
                .count();
            assert_eq!((heads, vps), (2, 1));
        }
    }
}
