//! How the model holds on sources (employers, job boards) it has never seen: leave-one-source-out
//! cross-validation on the real postings of `../shared/corpora/dev.csv` and `extra.csv` (read
//! at test time, never copied into the project).
//!
//! `cargo test --release --test transfer -- --nocapture` prints the title-fit figures out of
//! sample, as reported in docs/accuracy.md ("Title fit").

use joblevel::eval;
use joblevel::fit::{self, Verdict};
use joblevel::labelled::{self, Columns, Posting};
use joblevel::{Classifier, Level, builtin, train};
use std::path::PathBuf;

mod common;
use common::title_for;

/// dev.csv and extra.csv as one set, each posting grouped by its `source` column. Under CI the
/// corpora must be there: a run that checked nothing must not pass.
fn corpus() -> Option<Vec<Posting>> {
    let postings = read_corpora(&["dev.csv", "extra.csv"])?;
    assert_eq!(postings.len(), 917);
    Some(postings)
}

/// The named corpora as one set of postings.
fn read_corpora(names: &[&str]) -> Option<Vec<Posting>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let mut postings = Vec::new();
    for name in names {
        let path = dir.join(name);
        let Ok(data) = std::fs::read(&path) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "{} is missing under CI",
                path.display()
            );
            eprintln!("skipped: {} is not here", path.display());
            return None;
        };
        let read = labelled::read(&data, &Columns::default(), true).expect("corpus reads");
        postings.extend(read.postings);
    }
    assert!(postings.iter().all(|p| p.group.is_some()));
    Some(postings)
}

#[test]
fn the_shipped_settings_hold_on_sources_left_out_of_training() {
    let Some(postings) = corpus() else { return };
    let (folds, names) = eval::group_folds(&postings, eval::MIN_GROUP);
    assert_eq!(names.len(), 7, "{names:?}");
    let pairs = eval::cross_validate_folds(
        builtin::articles(),
        &postings,
        builtin::cues(),
        &train::Config {
            calibrate: false,
            ..train::Config::default()
        },
        &folds,
        true,
        joblevel::Rungs::Five,
        |fold| {
            // A held-out source contributes no training posting.
            let held_out = &postings[fold.test[0]].group;
            assert!(fold.train.iter().all(|&r| postings[r].group != *held_out));
        },
    )
    .unwrap();
    let pooled: Vec<eval::Scoring> = pairs.iter().flatten().copied().collect();
    let m = eval::Report::of(&pooled).ladder;
    // Measured 0.485 / 0.534 (docs/accuracy.md, "Three rungs"); always "director" scores
    // 0.28 / 0.33.
    assert!(m.macro_f1 >= 0.47, "macro-F1 {:.3}", m.macro_f1);
    assert!(
        m.balanced_accuracy >= 0.51,
        "balanced accuracy {:.3}",
        m.balanced_accuracy
    );
    // Every held-out source is scored better than always answering its majority level.
    for (source, m) in eval::by_group(&postings, &pairs) {
        assert!(m.macro_f1 > 0.0 && m.rows >= eval::MIN_GROUP, "{source}");
    }
}

/// Title fit out of sample: true titles must fit at least 60% of the time, and head and vp
/// postings titled as the other level at most 15% (issue 11's targets). Measured 69% and 7%.
#[test]
fn titles_fit_out_of_sample_on_sources_left_out_of_training() {
    let Some(postings) = corpus() else { return };
    let (folds, names) = eval::group_folds(&postings, eval::MIN_GROUP);
    let min = fit::DEFAULT_MIN_CONFIDENCE;
    // [fits, cases] for true titles, and for head and vp postings titled as the other.
    let (mut truth, mut swapped) = ([0usize; 2], [0usize; 2]);
    assert!(names.len() >= 2, "{names:?}");
    let examples: Vec<_> = postings.iter().map(|p| p.example(true)).collect();
    let config = train::Config::default();
    let articles = builtin::articles();
    for fold in train::cross_fit(articles, &examples, builtin::cues(), &config, &folds) {
        let fold = fold.unwrap();
        let c = Classifier::new(fold.model).with_top(0);
        for p in fold.test.iter().map(|&i| &postings[i]) {
            let title = p.title.as_deref().unwrap_or_default();
            let f = fit::assess(&c, title, &p.text, min).unwrap();
            truth[0] += usize::from(f.verdict == Verdict::Fits);
            truth[1] += 1;
            let other = match p.level {
                Level::Head => Level::Vp,
                Level::Vp => Level::Head,
                _ => continue,
            };
            let f = fit::assess(&c, title_for(other), &p.text, min).unwrap();
            swapped[0] += usize::from(f.verdict == Verdict::Fits);
            swapped[1] += 1;
        }
    }
    let pct = |[a, b]: [usize; 2]| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "leave-one-source-out, min confidence {min}: true titles fit {} of {} ({:.0}%); \
         head and vp postings titled as the other fit {} of {} ({:.0}%)",
        truth[0],
        truth[1],
        pct(truth),
        swapped[0],
        swapped[1],
        pct(swapped)
    );
    assert!(pct(truth) >= 60.0, "true titles fit {truth:?}");
    assert!(pct(swapped) <= 15.0, "swapped titles fit {swapped:?}");
}

/// The five rungs on sources left out of training: leave-one-source-out over dev, extra and
/// ladder (3,792 postings; the 19 sources of 20 postings or more held out in turn), titles
/// masked. The figures are docs/accuracy.md's ("Measured on five rungs"); the bounds sit a
/// little under them, so a change that loses ground fails here. (Title fit reads calibrated probabilities,
/// which cost five more trainings a fold: `eval --fit` measures it, not this test.)
#[test]
fn five_rungs_hold_on_sources_left_out_of_training() {
    let Some(postings) = read_corpora(&["dev.csv", "extra.csv", "ladder.csv"]) else {
        return;
    };
    assert_eq!(postings.len(), 3792);
    let (folds, names) = eval::group_folds(&postings, eval::MIN_GROUP);
    assert_eq!(names.len(), 19, "{names:?}");
    let config = train::Config {
        calibrate: false,
        ..train::Config::default()
    };
    let pairs = eval::cross_validate_folds(
        builtin::articles(),
        &postings,
        builtin::cues(),
        &config,
        &folds,
        true,
        joblevel::Rungs::Five,
        |_| {},
    )
    .unwrap();
    let pooled: Vec<eval::Scoring> = pairs.iter().flatten().copied().collect();
    let r = eval::Report::of(&pooled);
    let individual = r.ladder.per_level[Level::Individual.index()];
    let executive = r.ladder.per_level[Level::Executive.index()];
    println!(
        "five rungs, leave-one-source-out: macro-F1 {:.3}; individual P {:.3} R {:.3}; \
         executive F1 {:.3}; leadership called individual {:.1}%; head/director/vp among \
         the three {:.3}",
        r.ladder.macro_f1,
        individual.precision,
        individual.recall,
        executive.f1,
        100.0 * r.leadership_as_individual_rate(),
        r.management.macro_f1,
    );
    assert!(
        r.ladder.macro_f1 >= 0.46,
        "macro-F1 {:.3}",
        r.ladder.macro_f1
    );
    assert!(
        individual.precision >= 0.80 && individual.recall >= 0.85,
        "individual {individual:?}"
    );
    assert!(executive.f1 >= 0.38, "executive {executive:?}");
    assert!(
        r.leadership_as_individual_rate() <= 0.24,
        "leadership called individual {:?}",
        r.leadership_as_individual
    );
    assert!(
        r.management.macro_f1 >= 0.50,
        "among three {:.3}",
        r.management.macro_f1
    );
}
