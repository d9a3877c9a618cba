//! Accuracy measurement: metrics over (gold, predicted) pairs and stratified k-fold
//! cross-validation.

use crate::classify::Classifier;
use crate::labelled::Posting;
use crate::level::Level;
use crate::model::{Cue, Provenance};
use crate::train::{self, Config, Example};
pub use crate::train::{CV_SEED, stratified_folds};

/// Precision, recall and F1 of one level.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct LevelScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Number of gold rows of this level.
    pub support: usize,
}

/// Figures over a set of predictions.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metrics {
    pub rows: usize,
    pub accuracy: f64,
    /// Mean recall over the levels present in the gold labels.
    pub balanced_accuracy: f64,
    /// Mean F1 over the levels present in the gold labels.
    pub macro_f1: f64,
    /// Head, director, vp.
    pub per_level: [LevelScores; 3],
    /// `confusion[gold][predicted]`, levels in head, director, vp order.
    pub confusion: [[usize; 3]; 3],
}

impl Metrics {
    /// Computes the figures; an empty slice gives all zeros.
    pub fn from_pairs(pairs: &[(Level, Level)]) -> Metrics {
        let mut confusion = [[0usize; 3]; 3];
        for &(gold, pred) in pairs {
            confusion[gold.index()][pred.index()] += 1;
        }
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let per_level: [LevelScores; 3] = std::array::from_fn(|l| {
            let tp = confusion[l][l];
            let support: usize = confusion[l].iter().sum();
            let predicted: usize = (0..3).map(|g| confusion[g][l]).sum();
            let (precision, recall) = (ratio(tp, predicted), ratio(tp, support));
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            LevelScores {
                precision,
                recall,
                f1,
                support,
            }
        });
        let present: Vec<&LevelScores> = per_level.iter().filter(|s| s.support > 0).collect();
        let mean = |f: fn(&LevelScores) -> f64| {
            if present.is_empty() {
                0.0
            } else {
                present.iter().map(|s| f(s)).sum::<f64>() / present.len() as f64
            }
        };
        Metrics {
            rows: pairs.len(),
            accuracy: ratio((0..3).map(|l| confusion[l][l]).sum(), pairs.len()),
            balanced_accuracy: mean(|s| s.recall),
            macro_f1: mean(|s| s.f1),
            per_level,
            confusion,
        }
    }
}

/// Predicts every posting with `classifier`, the title masked when `mask` is set.
pub fn predict(classifier: &Classifier, postings: &[Posting], mask: bool) -> Vec<(Level, Level)> {
    postings
        .iter()
        .filter_map(|p| {
            let text = p.text_for_scoring(mask);
            // Masking can leave nothing; such a row is scored as the model's prior would be.
            let pred = classifier.classify(&text).ok()?;
            Some((p.level, pred.level))
        })
        .collect()
}

/// For each cue of `model`, the number of postings of each gold level it fires on.
pub fn cue_firings<'m>(
    model: &'m crate::Model,
    postings: &[Posting],
    mask: bool,
) -> Vec<(&'m Cue, [usize; 3])> {
    let mut counts = vec![[0usize; 3]; model.cues().len()];
    for p in postings {
        for v in model.values(&p.text_for_scoring(mask)) {
            if let Some(i) = model.cue_index(v.feature) {
                counts[i][p.level.index()] += 1;
            }
        }
    }
    model.cues().iter().zip(counts).collect()
}

/// K-fold cross-validation: for each fold, trains on the articles plus the other folds'
/// postings and predicts the held-out fold; returns the pooled (gold, predicted) pairs in
/// posting order. `on_fold(fold, train_rows, test_rows)` sees each split (used by tests to
/// check that no test row is trained on).
#[allow(clippy::too_many_arguments)]
pub fn cross_validate(
    articles: &[Example],
    postings: &[Posting],
    cues: &[Cue],
    config: &Config,
    k: usize,
    seed: u64,
    mask: bool,
    mut on_fold: impl FnMut(usize, &[usize], &[usize]),
) -> Result<Vec<(Level, Level)>, String> {
    let levels: Vec<Level> = postings.iter().map(|p| p.level).collect();
    let folds = stratified_folds(&levels, k, seed);
    let mut pairs: Vec<Option<(Level, Level)>> = vec![None; postings.len()];
    for fold in 0..k {
        let (test, train_rows): (Vec<usize>, Vec<usize>) =
            (0..postings.len()).partition(|&i| folds[i] == fold);
        on_fold(fold, &train_rows, &test);
        let examples: Vec<Example> = train_rows
            .iter()
            .map(|&i| postings[i].example(mask))
            .collect();
        let provenance = Provenance {
            name: format!("cv fold {fold}"),
            trained_on: vec![],
            command: String::new(),
            temperature: 1.0,
        };
        let model = train::train(articles, &examples, cues, config, provenance)?;
        let classifier = Classifier::new(model).with_top(0);
        let held_out: Vec<Posting> = test.iter().map(|&i| postings[i].clone()).collect();
        for (&i, pair) in test.iter().zip(predict(&classifier, &held_out, mask)) {
            pairs[i] = Some(pair);
        }
    }
    Ok(pairs.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    #[test]
    fn metrics_match_a_hand_computed_example() {
        // gold H H D D D V, predicted H D D D V V:
        // head P=1 R=1/2 F1=2/3; director P=2/3 R=2/3 F1=2/3; vp P=1/2 R=1 F1=2/3.
        let pairs = [
            (Head, Head),
            (Head, Director),
            (Director, Director),
            (Director, Director),
            (Director, Vp),
            (Vp, Vp),
        ];
        let m = Metrics::from_pairs(&pairs);
        assert!((m.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert!((m.macro_f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.balanced_accuracy - (0.5 + 2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
        assert_eq!(m.confusion, [[1, 1, 0], [0, 2, 1], [0, 0, 1]]);
        assert_eq!(m.per_level[Vp.index()].support, 1);
    }

    #[test]
    fn absent_levels_do_not_drag_the_macro_figures() {
        let m = Metrics::from_pairs(&[(Director, Director), (Director, Head)]);
        assert!((m.balanced_accuracy - 0.5).abs() < 1e-12);
        assert_eq!(Metrics::from_pairs(&[]).accuracy, 0.0);
    }
}
