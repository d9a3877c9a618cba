//! Accuracy measurement: metrics over (gold, predicted) pairs, stratified k-fold
//! cross-validation, and leave-one-group-out cross-validation (each source held out in turn:
//! how the model does on employers it has never seen).

use crate::classify::Classifier;
use crate::fit::Verdict;
use crate::labelled::Posting;
use crate::level::{Level, PerLevel, Rungs};
use crate::model::Cue;
use crate::train::{self, Config, Example, TrainError};
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
    /// Per level, lowest first (see [`Level::ALL`]).
    pub per_level: PerLevel<LevelScores>,
    /// `confusion[gold][predicted]`, levels lowest first.
    pub confusion: PerLevel<PerLevel<usize>>,
}

impl Metrics {
    /// Computes the figures; an empty slice gives all zeros.
    pub fn from_pairs(pairs: &[(Level, Level)]) -> Metrics {
        let mut confusion = [[0usize; Level::COUNT]; Level::COUNT];
        for &(gold, pred) in pairs {
            confusion[gold.index()][pred.index()] += 1;
        }
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let per_level: PerLevel<LevelScores> = std::array::from_fn(|l| {
            let tp = confusion[l][l];
            let support: usize = confusion[l].iter().sum();
            let predicted: usize = (0..Level::COUNT).map(|g| confusion[g][l]).sum();
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
            accuracy: ratio(
                (0..Level::COUNT).map(|l| confusion[l][l]).sum(),
                pairs.len(),
            ),
            balanced_accuracy: mean(|s| s.recall),
            macro_f1: mean(|s| s.f1),
            per_level,
            confusion,
        }
    }
}

/// One scored posting: its gold level, the answer on the classifier's rungs, and the answer
/// forced among head, director and vp (the figure comparable with the three-level ladder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scoring {
    pub gold: Level,
    pub predicted: Level,
    pub among_management: Level,
}

/// The figures `eval` prints: the ladder's, head/director/vp among postings of those three
/// levels (forced among them), and how often a leadership posting is called individual.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Every scored posting, every rung.
    pub ladder: Metrics,
    /// Postings whose gold level is head, director or vp, answered among those three.
    pub management: Metrics,
    /// Head, director and vp postings answered `individual`, and their number.
    pub leadership_as_individual: (usize, usize),
}

impl Report {
    pub fn of(scorings: &[Scoring]) -> Report {
        let pairs: Vec<(Level, Level)> = scorings.iter().map(|s| (s.gold, s.predicted)).collect();
        let leadership: Vec<&Scoring> =
            scorings.iter().filter(|s| s.gold.is_management()).collect();
        let forced: Vec<(Level, Level)> = leadership
            .iter()
            .map(|s| (s.gold, s.among_management))
            .collect();
        let called_individual = leadership
            .iter()
            .filter(|s| s.predicted == Level::Individual)
            .count();
        Report {
            ladder: Metrics::from_pairs(&pairs),
            management: Metrics::from_pairs(&forced),
            leadership_as_individual: (called_individual, leadership.len()),
        }
    }

    /// Share of head, director and vp postings answered `individual`.
    pub fn leadership_as_individual_rate(&self) -> f64 {
        let (n, of) = self.leadership_as_individual;
        n as f64 / of.max(1) as f64
    }
}

/// What `eval` scores of each posting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scored {
    /// `level` as a user gets it from the text alone (no title column): the level the
    /// posting names for itself when it names one, else the described level.
    #[default]
    Answer,
    /// `level` as a user gets it from the text and its title column (`--with-title`): the
    /// title's level by the title rules when it names one, else the described level.
    Titled,
    /// The described level of the text as it is (`--basis described`).
    Described,
    /// The described level with the posting's own title (its title column) masked out
    /// (`--mask-title`): what title fit relies on.
    Masked,
}

impl Scored {
    /// Whether postings are masked (for training too, in cross-validation).
    pub fn masks(self) -> bool {
        self == Scored::Masked
    }
}

/// `true` is [`Scored::Masked`], `false` [`Scored::Answer`].
impl From<bool> for Scored {
    fn from(mask: bool) -> Scored {
        if mask { Scored::Masked } else { Scored::Answer }
    }
}

/// How one posting is scored: `level` as a user gets it, or the described level, with the
/// title masked for [`Scored::Masked`] (`true`). `None` when the posting cannot be scored (no
/// word the model knows, as when masking its title leaves none): it is then in no figure, and
/// callers report how many were left out (`eval` prints them as unscored).
pub fn predict(
    classifier: &Classifier,
    posting: &Posting,
    scored: impl Into<Scored>,
) -> Option<Scoring> {
    let p = posting;
    let (predicted, among_management) = match scored.into() {
        how @ (Scored::Answer | Scored::Titled) => {
            let title = if how == Scored::Titled {
                p.title.as_deref()
            } else {
                None
            };
            let a = classifier.answer(&p.text, title).ok()?;
            let forced = match &a.named {
                Some(n) if n.level.is_management() => n.level,
                _ => a.described.among_management(),
            };
            (a.level, forced)
        }
        Scored::Described => {
            let d = classifier.classify(&p.text).ok()?;
            (d.level, d.among_management())
        }
        Scored::Masked => {
            let d = classifier.classify(&p.text_for_scoring(true)).ok()?;
            (d.level, d.among_management())
        }
    };
    Some(Scoring {
        gold: p.level,
        predicted,
        among_management,
    })
}

/// How the named-level reader does on labelled postings: on how many it names a level, and
/// on how many of those that level is the gold one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct NamedFigures {
    pub rows: usize,
    pub answered: usize,
    pub right: usize,
}

impl NamedFigures {
    /// Reads the named level of every posting's text.
    pub fn of(postings: &[Posting]) -> NamedFigures {
        let mut f = NamedFigures {
            rows: postings.len(),
            ..NamedFigures::default()
        };
        for p in postings {
            if let Ok(n) = crate::named::read(&p.text) {
                f.answered += 1;
                f.right += usize::from(n.level == p.level);
            }
        }
        f
    }

    /// Share of postings with a named level.
    pub fn coverage(&self) -> f64 {
        self.answered as f64 / self.rows.max(1) as f64
    }

    /// Share of named levels that are right.
    pub fn precision(&self) -> f64 {
        self.right as f64 / self.answered.max(1) as f64
    }
}

/// For each cue of `model`, the number of postings of each gold level it fires on.
pub fn cue_firings<'m>(
    model: &'m crate::Model,
    postings: &[Posting],
    mask: bool,
) -> Vec<(&'m Cue, PerLevel<usize>)> {
    let mut counts = vec![[0usize; Level::COUNT]; model.cues().len()];
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
/// posting order. `on_fold` sees each split once scored (used by tests to
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
    on_fold: impl FnMut(&Fold<'_>),
) -> Result<Vec<Scoring>, TrainError> {
    let levels: Vec<Level> = postings.iter().map(|p| p.level).collect();
    let folds: Vec<Option<usize>> = stratified_folds(&levels, k, seed)
        .into_iter()
        .map(Some)
        .collect();
    let config = Config {
        calibrate: false,
        ..config.clone()
    };
    let pairs = cross_validate_folds(
        articles,
        postings,
        cues,
        &config,
        &folds,
        mask,
        Rungs::Five,
        on_fold,
    )?;
    Ok(pairs.into_iter().flatten().collect())
}

/// A source needs at least this many postings to be held out in leave-one-group-out
/// cross-validation; smaller ones are always trained on (a handful of postings gives no
/// figure worth reading).
pub const MIN_GROUP: usize = 20;

/// The folds of leave-one-group-out cross-validation: each group (source) with at least
/// `min_group` postings is a fold, in order of first appearance; rows of smaller groups, or
/// with no group, are in no fold (`None`): always trained on, never tested. Returns the
/// folds and the held-out groups' names, fold `i` being `names[i]`.
pub fn group_folds(postings: &[Posting], min_group: usize) -> (Vec<Option<usize>>, Vec<String>) {
    let mut sizes: Vec<(&str, usize)> = Vec::new();
    for p in postings {
        if let Some(g) = p.group.as_deref() {
            match sizes.iter_mut().find(|(name, _)| *name == g) {
                Some((_, n)) => *n += 1,
                None => sizes.push((g, 1)),
            }
        }
    }
    let names: Vec<String> = sizes
        .iter()
        .filter(|(_, n)| *n >= min_group)
        .map(|(g, _)| g.to_string())
        .collect();
    let folds = postings
        .iter()
        .map(|p| {
            let g = p.group.as_deref()?;
            names.iter().position(|name| name == g)
        })
        .collect();
    (folds, names)
}

/// One fold of a cross-validation, as [`cross_validate_folds`] shows it once scored: which
/// postings were trained on and tested, and the classifier that scored them.
pub struct Fold<'a> {
    pub index: usize,
    pub train: &'a [usize],
    pub test: &'a [usize],
    pub classifier: &'a Classifier,
}

/// Title fit on labelled postings: how often a posting's own title fits its text, and how
/// often a title two rungs away does (a "Director" title on an individual contributor's
/// posting, a "VP" on a head's). The text is read with its own title masked, as `fit` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct FitFigures {
    /// Postings with a title that names a level, and how many of those fit.
    pub true_titles: usize,
    pub true_fit: usize,
    /// Re-titled cases two rungs away (each posting has one or two), and how many fit.
    pub two_away: usize,
    pub two_away_fit: usize,
}

impl FitFigures {
    /// Adds one posting's verdicts.
    pub fn add(&mut self, classifier: &Classifier, posting: &Posting, min_confidence: f64) {
        let Some(title) = posting.title.as_deref() else {
            return;
        };
        let Ok(described) = classifier.classify(&posting.text_for_scoring(true)) else {
            return;
        };
        let fits =
            |level| crate::fit::verdict(Some(level), &described, min_confidence) == Verdict::Fits;
        if let Some(level) = crate::title::parse_cached(title).level {
            self.true_titles += 1;
            self.true_fit += usize::from(fits(level));
        }
        let gold = posting.level.index();
        for other in [gold.checked_sub(2), Some(gold + 2)].into_iter().flatten() {
            if let Some(&level) = Level::ALL.get(other) {
                self.two_away += 1;
                self.two_away_fit += usize::from(fits(level));
            }
        }
    }

    /// Share of true titles that fit.
    pub fn true_rate(&self) -> f64 {
        self.true_fit as f64 / self.true_titles.max(1) as f64
    }

    /// Share of titles two rungs away that fit.
    pub fn two_away_rate(&self) -> f64 {
        self.two_away_fit as f64 / self.two_away.max(1) as f64
    }
}

/// Cross-validation over given folds: for each fold `f`, trains on the articles and every
/// posting not in `f` (rows in no fold included), and predicts the postings of `f`. Returns
/// one entry per posting, `None` for rows in no fold and for rows that could not be scored.
/// The folds are trained with `config` as given: calibration (`config.calibrate`) changes no
/// level, so callers that read only levels turn it off (it costs five more trainings a fold);
/// what reads probabilities, such as title fit, needs it on. Answers are kept among `rungs`
/// (and the levels each fold's postings hold).
#[allow(clippy::too_many_arguments)]
pub fn cross_validate_folds(
    articles: &[Example],
    postings: &[Posting],
    cues: &[Cue],
    config: &Config,
    folds: &[Option<usize>],
    scored: impl Into<Scored>,
    rungs: Rungs,
    mut on_fold: impl FnMut(&Fold<'_>),
) -> Result<Vec<Option<Scoring>>, TrainError> {
    let scored = scored.into();
    let examples: Vec<Example> = postings.iter().map(|p| p.example(scored.masks())).collect();
    let mut pairs: Vec<Option<Scoring>> = vec![None; postings.len()];
    for fold in train::cross_fit(articles, &examples, cues, config, folds) {
        let fold = fold?;
        let classifier = Classifier::new(fold.model).with_top(0).with_rungs(rungs);
        for &i in &fold.test {
            pairs[i] = predict(&classifier, &postings[i], scored);
        }
        on_fold(&Fold {
            index: fold.index,
            train: &fold.train,
            test: &fold.test,
            classifier: &classifier,
        });
    }
    Ok(pairs)
}

/// Figures per group: `(group, metrics)` for each group with a scored row, in order of first
/// appearance. `pairs` is aligned with `postings` (`None`: not scored).
pub fn by_group(postings: &[Posting], pairs: &[Option<Scoring>]) -> Vec<(String, Metrics)> {
    let mut groups: Vec<(String, Vec<(Level, Level)>)> = Vec::new();
    for (p, s) in postings.iter().zip(pairs) {
        let (Some(g), Some(s)) = (p.group.as_deref(), s) else {
            continue;
        };
        let pair = (s.gold, s.predicted);
        match groups.iter_mut().find(|(name, _)| name == g) {
            Some((_, v)) => v.push(pair),
            None => groups.push((g.to_string(), vec![pair])),
        }
    }
    groups
        .into_iter()
        .map(|(g, v)| (g, Metrics::from_pairs(&v)))
        .collect()
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
        let three: Vec<[usize; 3]> = m.confusion[1..4]
            .iter()
            .map(|r| [r[1], r[2], r[3]])
            .collect();
        assert_eq!(three, [[1, 1, 0], [0, 2, 1], [0, 0, 1]]);
        assert_eq!(m.per_level[Individual.index()].support, 0);
        assert_eq!(m.per_level[Vp.index()].support, 1);
    }

    fn posting(group: Option<&str>, level: Level) -> Posting {
        Posting {
            record: 1,
            level,
            text: "run the shift".into(),
            title: None,
            group: group.map(str::to_string),
        }
    }

    #[test]
    fn only_groups_of_the_minimum_size_are_held_out() {
        let postings = [
            posting(Some("big"), Head),
            posting(Some("small"), Head),
            posting(None, Vp),
            posting(Some("other"), Director),
            posting(Some("big"), Vp),
            posting(Some("other"), Head),
        ];
        let (folds, names) = group_folds(&postings, 2);
        assert_eq!(names, ["big", "other"]);
        assert_eq!(folds, [Some(0), None, None, Some(1), Some(0), Some(1)]);
    }

    #[test]
    fn group_figures_count_only_scored_rows() {
        let postings = [
            posting(Some("a"), Head),
            posting(Some("a"), Vp),
            posting(Some("b"), Vp),
        ];
        let scoring = |gold, predicted| {
            Some(Scoring {
                gold,
                predicted,
                among_management: predicted,
            })
        };
        let pairs = [scoring(Head, Head), None, scoring(Vp, Director)];
        let groups = by_group(&postings, &pairs);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].1.rows, groups[0].1.accuracy), (1, 1.0));
        assert_eq!((groups[1].0.as_str(), groups[1].1.accuracy), ("b", 0.0));
    }

    #[test]
    fn the_report_forces_leadership_among_three_and_counts_those_called_individual() {
        let s = |gold, predicted, among_management| Scoring {
            gold,
            predicted,
            among_management,
        };
        let r = Report::of(&[
            s(Head, Individual, Head),
            s(Director, Director, Director),
            s(Vp, Executive, Vp),
            s(Individual, Individual, Head),
            s(Executive, Executive, Vp),
        ]);
        assert_eq!(r.leadership_as_individual, (1, 3));
        // Among the three leadership postings, forced among head/director/vp: all right.
        assert_eq!((r.management.rows, r.management.accuracy), (3, 1.0));
        assert!((r.ladder.accuracy - 3.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn absent_levels_do_not_drag_the_macro_figures() {
        let m = Metrics::from_pairs(&[(Director, Director), (Director, Head)]);
        assert!((m.balanced_accuracy - 0.5).abs() < 1e-12);
        assert_eq!(Metrics::from_pairs(&[]).accuracy, 0.0);
    }
}
