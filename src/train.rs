//! Training: builds a [`Model`] from the article responsibilities, the cue rules and,
//! optionally, labelled postings.
//!
//! # Method
//! A multinomial logistic regression (softmax over the levels in the data) on the model's
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

use crate::features::{FeatureKey, terms};
use crate::labelled::LabelledError;
use crate::level::{Level, PerLevel};
use crate::model::{Cue, Model, ModelError, Provenance, Value};
pub use crate::settings::Config;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Why a model could not be trained. The training data (`training/`, compiled in) is named only
/// when it is at fault; a labelled file is named, with the record when one posting is.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A line of a training-data file (`training/responsibilities.csv`, `training/cues.csv`).
    #[error("training data {path}, line {line}: {source}")]
    Data {
        path: String,
        line: u64,
        #[source]
        source: DataError,
    },
    /// A labelled file that cannot be read as labelled postings (its header, its columns).
    #[error("labelled postings {path}: {source}")]
    Labelled {
        path: PathBuf,
        #[source]
        source: LabelledError,
    },
    /// A labelled file without a single usable row.
    #[error("labelled postings {path}: no usable labelled posting ({skipped} rows skipped)")]
    NoPostings { path: PathBuf, skipped: usize },
    /// Labelled postings that are all of one level: nothing tells levels apart.
    #[error(
        "labelled postings {files}: every labelled posting has the same level ({level}): a model needs at least two levels to learn what tells them apart"
    )]
    OneLevel { files: String, level: Level },
    /// The features and cues do not make a model (a cue pattern that does not parse, more
    /// features than a model indexes).
    #[error("cannot build the model: {0}")]
    Model(#[from] ModelError),
}

/// What is wrong with a line of a training-data file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Level(#[from] crate::UnknownLevel),
    #[error("cue name {0:?} is used twice")]
    DuplicateCue(String),
    #[error(transparent)]
    Cue(#[from] crate::features::CueError),
}

/// The records of a training-data CSV, deserialised as `T`, with the line each starts on (a
/// quoted field may span lines).
fn data_rows<'a, T: serde::de::DeserializeOwned>(
    csv_text: &'a str,
    path: &'a str,
) -> Result<impl Iterator<Item = Result<(u64, T), TrainError>> + 'a, TrainError> {
    let bad = move |line: u64, source: DataError| TrainError::Data {
        path: path.to_string(),
        line,
        source,
    };
    let line_of = |p: Option<&csv::Position>| p.map_or(0, csv::Position::line);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| bad(1, e.into()))?.clone();
    Ok(reader.into_records().map(move |row| {
        let row = row.map_err(|e| bad(line_of(e.position()), e.into()))?;
        let line = line_of(row.position());
        let value = row
            .deserialize(Some(&headers))
            .map_err(|e| bad(line, e.into()))?;
        Ok((line, value))
    }))
}

/// A text with its level: an article sentence or a labelled posting.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub level: Level,
    pub text: String,
    /// Where it comes from: `000:5` for an article line, an id or row number for a posting.
    pub source: String,
    /// The posting's group (the source it was collected from, one employer or job board), used
    /// to keep terms that hold across sources and to balance sources; `None` for articles.
    pub group: Option<String>,
}

/// A cue's idf: cues are rare by design, so they weigh like a rare phrase.
const CUE_IDF: f32 = 4.0;

/// Parses `training/responsibilities.csv` (`level,source,text`).
pub fn parse_examples(csv_text: &str, path: &str) -> Result<Vec<Example>, TrainError> {
    data_rows::<(String, String, String)>(csv_text, path)?
        .map(|row| {
            let (line, (level, source, text)) = row?;
            let level = level
                .parse()
                .map_err(|e: crate::UnknownLevel| TrainError::Data {
                    path: path.to_string(),
                    line,
                    source: e.into(),
                })?;
            Ok(Example {
                level,
                text,
                source,
                group: None,
            })
        })
        .collect()
}

/// Parses `training/cues.csv` (`name,family,level,weight,pattern,note`).
pub fn parse_cues(csv_text: &str, path: &str) -> Result<Vec<Cue>, TrainError> {
    let mut out: Vec<Cue> = Vec::new();
    for row in data_rows::<Cue>(csv_text, path)? {
        let (line, cue) = row?;
        if out.iter().any(|c| c.name == cue.name) {
            return Err(TrainError::Data {
                path: path.to_string(),
                line,
                source: DataError::DuplicateCue(cue.name),
            });
        }
        crate::features::check_cue(&cue.name, &cue.pattern).map_err(|e| TrainError::Data {
            path: path.to_string(),
            line,
            source: e.into(),
        })?;
        out.push(cue);
    }
    Ok(out)
}

/// Trains a model on article sentences, optional labelled postings and cue rules.
pub fn train(
    articles: &[Example],
    postings: &[Example],
    cues: &[Cue],
    config: &Config,
    provenance: Provenance,
) -> Result<Model, TrainError> {
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
    let spread = source_spread(postings, &posting_terms);
    let n_docs = (articles.len() + postings.len()) as f32;
    let mut keys = Vec::new();
    let mut idf = Vec::new();
    for (key, (in_articles, in_postings)) in df {
        let holds = || {
            let (sources, agreeing) = spread.get(&key).copied().unwrap_or((0, 0));
            sources >= config.min_sources
                && (config.consistent_sources == 0 || agreeing >= config.consistent_sources)
        };
        if in_articles > 0 || (in_postings >= config.min_df && holds()) {
            keys.push(key);
            idf.push(((1.0 + n_docs) / (1.0 + (in_articles + in_postings) as f32)).ln() + 1.0);
        }
    }
    // The model knows the levels its data hold: the articles describe head, director and
    // vp; labelled postings may add the rungs below and above.
    let mut levels = [false; Level::COUNT];
    for e in articles.iter().chain(postings) {
        levels[e.level.index()] = true;
    }
    let n_terms = keys.len();
    let mut prior = vec![[0.0f32; Level::COUNT]; n_terms];
    for cue in &cues {
        keys.push(FeatureKey::Cue(cue.name.clone()));
        idf.push(CUE_IDF);
        let mut p = [0.0; Level::COUNT];
        // A cue towards a level the data do not hold would push towards nothing.
        if levels[cue.level.index()] {
            p[cue.level.index()] = cue.weight * config.cue_scale;
        }
        prior.push(p);
    }
    let untrained = Model::new(
        provenance.clone(),
        keys.clone(),
        idf.clone(),
        prior.clone(),
        [0.0; Level::COUNT],
        levels,
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
    // Bias groups: one for all, or (with `source_bias`) the articles and each source apart.
    let mut groups: Vec<usize> = Vec::new();
    let mut names: Vec<Option<&str>> = vec![None];
    for (set, weight) in [(articles, article_weight), (postings, 1.0)] {
        let balance = balance_weights(set, config.level_balance, config.source_balance);
        for (e, balance) in set.iter().zip(balance) {
            docs.push((untrained.values(&e.text), e.level.index(), weight * balance));
            let name = e.group.as_deref();
            groups.push(match names.iter().position(|g| *g == name) {
                _ if config.source_bias.is_none() => 0,
                Some(i) => i,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            });
        }
    }
    let (mut weights, mut bias) = fit(&docs, &groups, &prior, n_terms, levels, config);
    let mut provenance = provenance;
    provenance.config = Some(config.clone());
    if config.calibrate && postings.len() >= CALIBRATION_MIN_POSTINGS {
        let t = temperature(articles, postings, &cues, config)?;
        for w in weights.iter_mut().flatten().chain(bias.iter_mut()) {
            *w /= t;
        }
        provenance.temperature = t;
    }
    Ok(Model::new(
        provenance, keys, idf, weights, bias, levels, cues,
    )?)
}

/// Sample weights that give each level the same total weight (the set's size over the number
/// of levels present). Within a level, a source with `n` postings of it weighs
/// `n^(1 - source_balance)`: with 0 every posting weighs alike, with 1 every source alike.
fn balance_weights(set: &[Example], level_balance: f32, source_balance: f32) -> Vec<f32> {
    let mut cells: BTreeMap<(usize, Option<&str>), usize> = BTreeMap::new();
    for e in set {
        *cells
            .entry((e.level.index(), e.group.as_deref()))
            .or_default() += 1;
    }
    let mut level_mass = [0.0f32; Level::COUNT];
    for (&(level, _), &n) in &cells {
        level_mass[level] += (n as f32).powf(1.0 - source_balance);
    }
    // Each level's share of the total weight: n^(1 - level_balance), normalised.
    let mut per_level = [0usize; Level::COUNT];
    for e in set {
        per_level[e.level.index()] += 1;
    }
    let shares: PerLevel<f32> = per_level.map(|n| (n as f32).powf(1.0 - level_balance));
    let share_total: f32 = shares.iter().sum::<f32>().max(f32::MIN_POSITIVE);
    set.iter()
        .map(|e| {
            let l = e.level.index();
            let n = cells[&(l, e.group.as_deref())] as f32;
            set.len() as f32 * shares[l] / share_total * n.powf(-source_balance) / level_mass[l]
        })
        .collect()
}

/// A source takes part in the lean test when it has at least this many postings of each of
/// two levels or more.
const LEAN_MIN_POSTINGS: usize = 3;

/// Per posting term: the number of sources it occurs in, and the number of sources where it
/// leans to the level it leans to overall. A term leans, in a set of postings, to the level
/// whose postings contain it at the highest rate; only levels with at least
/// [`LEAN_MIN_POSTINGS`] postings in a source are compared there. A term that names one
/// employer's product or team occurs in one source; a term that carries level leans the same
/// way in several.
fn source_spread(
    postings: &[Example],
    terms: &[Vec<FeatureKey>],
) -> BTreeMap<FeatureKey, (u32, u32)> {
    let mut groups: Vec<Option<&str>> = postings.iter().map(|e| e.group.as_deref()).collect();
    groups.sort();
    groups.dedup();
    let group_of = |e: &Example| groups.binary_search(&e.group.as_deref()).unwrap_or(0);
    // sizes[group][level], df[term][group][level]
    let mut sizes = vec![[0usize; Level::COUNT]; groups.len()];
    let mut df: BTreeMap<&FeatureKey, Vec<PerLevel<u32>>> = BTreeMap::new();
    for (e, doc) in postings.iter().zip(terms) {
        let g = group_of(e);
        sizes[g][e.level.index()] += 1;
        let mut seen: Vec<&FeatureKey> = doc.iter().collect();
        seen.sort();
        seen.dedup();
        for key in seen {
            df.entry(key)
                .or_insert_with(|| vec![[0; Level::COUNT]; groups.len()])[g][e.level.index()] += 1;
        }
    }
    let totals: PerLevel<usize> =
        std::array::from_fn(|l| sizes.iter().map(|s| s[l]).sum::<usize>());
    let lean = |counts: &PerLevel<u32>, sizes: &PerLevel<usize>, min: usize| -> Option<usize> {
        let compared: Vec<usize> = (0..Level::COUNT)
            .filter(|&l| sizes[l] >= min.max(1))
            .collect();
        if compared.len() < 2 || counts.iter().all(|&c| c == 0) {
            return None;
        }
        compared.into_iter().max_by(|&a, &b| {
            let ra = counts[a] as f64 / sizes[a] as f64;
            let rb = counts[b] as f64 / sizes[b] as f64;
            ra.total_cmp(&rb)
        })
    };
    df.into_iter()
        .map(|(key, per_group)| {
            let total: PerLevel<u32> =
                std::array::from_fn(|l| per_group.iter().map(|c| c[l]).sum());
            let overall = lean(&total, &totals, 1);
            let sources = per_group
                .iter()
                .filter(|c| c.iter().any(|&n| n > 0))
                .count();
            let agreeing = per_group
                .iter()
                .zip(&sizes)
                .filter(|(c, s)| overall.is_some() && lean(c, s, LEAN_MIN_POSTINGS) == overall)
                .count();
            (key.clone(), (sources as u32, agreeing as u32))
        })
        .collect()
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
) -> Result<f32, TrainError> {
    let levels: Vec<Level> = postings.iter().map(|e| e.level).collect();
    let folds: Vec<Option<usize>> = stratified_folds(&levels, 5, CV_SEED)
        .into_iter()
        .map(Some)
        .collect();
    let inner = Config {
        calibrate: false,
        ..config.clone()
    };
    let mut held_out: Vec<(PerLevel<f32>, usize, f32)> = Vec::new();
    let counts = level_counts(postings);
    let mut levels = [false; Level::COUNT];
    for fold in cross_fit(articles, postings, cues, &inner, &folds) {
        let Fold { model, test, .. } = fold?;
        levels = model.levels;
        for i in test {
            let e = &postings[i];
            let balance = 1.0 / counts[e.level.index()].max(1) as f32;
            held_out.push((
                model.scores(&model.values(&e.text)),
                e.level.index(),
                balance,
            ));
        }
    }
    let loss = |log_t: f64| -> f64 {
        let t = log_t.exp() as f32;
        held_out
            .iter()
            .map(|(s, y, w)| {
                -f64::from(*w) * crate::model::softmax(s.map(|x| x / t), levels)[*y].ln()
            })
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
/// `n_terms` on) to their prior by `cue_l2`; the biases are free.
///
/// `groups[d]` is document `d`'s bias group. With one group this is plain softmax regression.
/// With several, each group adds a bias offset (pulled to 0 by `config.source_bias`): a
/// source's level mix is explained by its own offset, so term weights learn what tells levels
/// apart *within* sources, and a term that merely marks a source (whose postings are mostly one
/// level) gains little. The returned bias is then fitted afresh on all documents with the term
/// weights held, since a new posting's source is unknown.
fn fit(
    docs: &[(Vec<Value>, usize, f32)],
    groups: &[usize],
    prior: &[PerLevel<f32>],
    n_terms: usize,
    levels: PerLevel<bool>,
    config: &Config,
) -> (Vec<PerLevel<f32>>, PerLevel<f32>) {
    let n = prior.len();
    let n_groups = groups.iter().max().map_or(1, |&g| g + 1);
    let total: f32 = docs.iter().map(|d| d.2).sum::<f32>().max(f32::MIN_POSITIVE);
    let mut w: Vec<PerLevel<f32>> = prior.to_vec();
    // The shared bias at `n`, then the offsets of groups 1.. (group 0 has none).
    w.extend(std::iter::repeat_n([0.0f32; Level::COUNT], n_groups));
    let offset_l2 = config.source_bias.unwrap_or(0.0);
    let (lr, beta1, beta2, eps) = (0.05f32, 0.9f32, 0.999f32, 1e-8f32);
    let mut adam = Adam::new(w.len());
    let mut grad = vec![[0.0f32; Level::COUNT]; w.len()];
    for _ in 0..config.steps {
        for (i, g) in grad.iter_mut().enumerate() {
            let (lambda, target) = if i < n_terms {
                (config.l2, [0.0; Level::COUNT])
            } else if i < n {
                (config.cue_l2, prior[i])
            } else if i == n {
                (0.0, [0.0; Level::COUNT])
            } else {
                (offset_l2, [0.0; Level::COUNT])
            };
            for l in 0..Level::COUNT {
                g[l] = lambda * (w[i][l] - target[l]);
            }
        }
        for ((values, y, weight), &group) in docs.iter().zip(groups) {
            let b = n + group;
            let mut s: PerLevel<f32> =
                std::array::from_fn(|l| w[n][l] + if group > 0 { w[b][l] } else { 0.0 });
            for x in values {
                for l in 0..Level::COUNT {
                    s[l] += x.value * w[x.feature as usize][l];
                }
            }
            let p = crate::model::softmax(s, levels);
            let scale = weight / total;
            let err: PerLevel<f32> =
                std::array::from_fn(|l| scale * (p[l] as f32 - if l == *y { 1.0 } else { 0.0 }));
            for x in values {
                for l in 0..Level::COUNT {
                    grad[x.feature as usize][l] += x.value * err[l];
                }
            }
            for l in 0..Level::COUNT {
                grad[n][l] += err[l];
                if group > 0 {
                    grad[b][l] += err[l];
                }
            }
        }
        adam.step(&mut w, &grad, lr, beta1, beta2, eps);
    }
    let mut bias = w[n];
    w.truncate(n);
    if n_groups > 1 {
        // One shared bias for unseen postings: fitted with the weights held.
        let scores: Vec<PerLevel<f32>> = docs
            .iter()
            .map(|(values, _, _)| {
                let mut s = [0.0f32; Level::COUNT];
                for x in values {
                    for l in 0..Level::COUNT {
                        s[l] += x.value * w[x.feature as usize][l];
                    }
                }
                s
            })
            .collect();
        let mut b = vec![[0.0f32; Level::COUNT]];
        let mut adam = Adam::new(1);
        for _ in 0..config.steps {
            let mut g = [0.0f32; Level::COUNT];
            for ((_, y, weight), s) in docs.iter().zip(&scores) {
                let p = crate::model::softmax(std::array::from_fn(|l| s[l] + b[0][l]), levels);
                for l in 0..Level::COUNT {
                    g[l] += weight / total * (p[l] as f32 - if l == *y { 1.0 } else { 0.0 });
                }
            }
            adam.step(&mut b, &[g], lr, beta1, beta2, eps);
        }
        bias = b[0];
    }
    (w, bias)
}

/// Adam's moment estimates for a vector of per-level parameters.
struct Adam {
    m: Vec<PerLevel<f32>>,
    v: Vec<PerLevel<f32>>,
    t: i32,
}

impl Adam {
    fn new(n: usize) -> Adam {
        Adam {
            m: vec![[0.0; Level::COUNT]; n],
            v: vec![[0.0; Level::COUNT]; n],
            t: 0,
        }
    }

    fn step(
        &mut self,
        w: &mut [PerLevel<f32>],
        grad: &[PerLevel<f32>],
        lr: f32,
        b1: f32,
        b2: f32,
        eps: f32,
    ) {
        self.t += 1;
        let (c1, c2) = (1.0 - b1.powi(self.t), 1.0 - b2.powi(self.t));
        for i in 0..w.len() {
            for l in 0..Level::COUNT {
                let g = grad[i][l];
                self.m[i][l] = b1 * self.m[i][l] + (1.0 - b1) * g;
                self.v[i][l] = b2 * self.v[i][l] + (1.0 - b2) * g * g;
                w[i][l] -= lr * (self.m[i][l] / c1) / ((self.v[i][l] / c2).sqrt() + eps);
            }
        }
    }
}

/// One fold of [`cross_fit`]: a model trained without the fold's postings, and which postings
/// (indexes into the postings given) it was trained on and is to be tested on.
#[derive(Debug)]
pub struct Fold {
    pub index: usize,
    pub model: Model,
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// The loop of every cross-validation (eval's K-fold and leave-one-source-out, calibration's
/// held-out scores): for each fold `f` in `0..k` (`k` = the largest fold + 1), a model trained
/// on the articles, the cues and every posting not in `f`, with the postings of `f` to test.
/// A posting in no fold (`None`) is always trained on, never tested. Folds are trained one at
/// a time, as the iterator is read, so only one fold's model is held at once.
///
/// ```no_run
/// use joblevel::{builtin, train};
/// # let postings: Vec<train::Example> = Vec::new();
/// let levels: Vec<_> = postings.iter().map(|e| e.level).collect();
/// let folds: Vec<_> = train::stratified_folds(&levels, 5, train::CV_SEED).into_iter().map(Some).collect();
/// let config = train::Config::default();
/// for fold in train::cross_fit(builtin::articles(), &postings, builtin::cues(), &config, &folds) {
///     let fold = fold?;
///     for i in fold.test {
///         let scores = fold.model.values(&postings[i].text);
///     }
/// }
/// # Ok::<(), train::TrainError>(())
/// ```
pub fn cross_fit<'a>(
    articles: &'a [Example],
    postings: &'a [Example],
    cues: &'a [Cue],
    config: &'a Config,
    folds: &'a [Option<usize>],
) -> impl Iterator<Item = Result<Fold, TrainError>> + 'a {
    let k = folds.iter().flatten().max().map_or(0, |&f| f + 1);
    (0..k).map(move |index| {
        let (test, train_rows): (Vec<usize>, Vec<usize>) =
            (0..postings.len()).partition(|&i| folds[i] == Some(index));
        let examples: Vec<Example> = train_rows.iter().map(|&i| postings[i].clone()).collect();
        let provenance = Provenance {
            name: format!("cross-validation fold {index}"),
            trained_on: vec![],
            command: String::new(),
            temperature: 1.0,
            config: None,
        };
        let model = train(articles, &examples, cues, config, provenance)?;
        Ok(Fold {
            index,
            model,
            train: train_rows,
            test,
        })
    })
}

/// Counts of examples per level, for reports.
pub fn level_counts(examples: &[Example]) -> PerLevel<usize> {
    let mut c = [0; Level::COUNT];
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
    fn a_bad_training_line_is_named_by_file_and_line() {
        let csv =
            "level,source,text\nhead,000:1,\"Runs the floor,\nall of it\"\nboss,000:2,Owns it\n";
        let err = parse_examples(csv, "training/responsibilities.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "training data training/responsibilities.csv, line 4: unknown level \"boss\": expected individual, head, director, vp or executive"
        );
        let cues = "name,family,level,weight,pattern,note\n\
                    a,scope,vp,1,board,n\n\
                    a,scope,vp,1,p&l,n\n";
        let err = parse_cues(cues, "training/cues.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("training data training/cues.csv, line 3: cue name \"a\""),
            "{err}"
        );
        let err = parse_cues("name,family\nx,y,z\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("training data c.csv, line 2: "), "{err}");
    }

    /// The learner flags as a command line gives them.
    fn config_of(args: &[&str]) -> Result<Config, clap::Error> {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            config: Config,
        }
        let argv = std::iter::once("train").chain(args.iter().copied());
        <Flags as clap::Parser>::try_parse_from(argv).map(|f| f.config)
    }

    #[test]
    fn no_learner_flags_give_the_shipped_settings() {
        assert_eq!(config_of(&[]).unwrap(), Config::default());
    }

    #[test]
    fn learner_flags_set_their_fields() {
        let c = config_of(&[
            "--min-df",
            "1",
            "--l2",
            "0.5",
            "--no-bigrams",
            "--no-calibrate",
            "--without-family",
            "team",
            "--without-family",
            "scope",
        ])
        .unwrap();
        assert_eq!(
            (c.min_df, c.l2, c.bigrams, c.calibrate),
            (1, 0.5, false, false)
        );
        assert_eq!(c.without_families, ["team", "scope"]);
        assert_eq!(c.source_bias, Config::default().source_bias);
        assert_eq!(
            config_of(&["--source-bias", "0"]).unwrap().source_bias,
            Some(0.0)
        );
        assert_eq!(config_of(&["--no-source-bias"]).unwrap().source_bias, None);
        assert_eq!(
            config_of(&["--source-bias", "off"]).unwrap().source_bias,
            None
        );
        assert!(config_of(&["--source-bias", "0.1", "--no-source-bias"]).is_err());
        assert!(config_of(&["--source-bias", "-1"]).is_err());
    }

    #[test]
    fn settings_round_trip_through_json_and_missing_ones_read_as_defaults() {
        let c = config_of(&["--min-df", "1", "--no-source-bias"]).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), c);
        let old: Config = serde_json::from_str(r#"{"min_df": 3}"#).unwrap();
        assert_eq!(
            old,
            Config {
                min_df: 3,
                ..Config::default()
            }
        );
    }

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
