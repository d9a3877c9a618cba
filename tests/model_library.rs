//! Library-level checks of training and cross-validation on real files.

use joblevel::labelled::{self, Columns};
use joblevel::{Classifier, Level, builtin, eval, train};
use std::path::PathBuf;

mod common;

/// The dev corpus: required under CI (see `common::shared_file`).
fn dev_csv() -> Option<Vec<u8>> {
    common::shared_file("corpora/dev.csv")
}

fn labelled_example_postings() -> Vec<labelled::Posting> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpora/labelled.csv");
    labelled::read(&std::fs::read(path).unwrap(), &Columns::default(), true)
        .unwrap()
        .postings
}

#[test]
fn cross_validation_never_trains_on_its_test_fold() {
    let postings = labelled_example_postings();
    let mut tested = vec![0; postings.len()];
    let pairs = eval::cross_validate(
        builtin::articles(),
        &postings,
        builtin::cues(),
        &train::Config::default(),
        2,
        eval::CV_SEED,
        true,
        |fold| {
            assert!(
                fold.train.iter().all(|r| !fold.test.contains(r)),
                "{:?} vs {:?}",
                fold.train,
                fold.test
            );
            assert_eq!(fold.train.len() + fold.test.len(), 6);
            for &r in fold.test {
                tested[r] += 1;
            }
        },
    )
    .unwrap();
    assert_eq!(tested, [1; 6], "every posting is tested exactly once");
    assert_eq!(pairs.len(), 6);
    assert!(
        pairs
            .iter()
            .zip(&postings)
            .all(|(pair, p)| pair.gold == p.level)
    );
}

#[test]
fn shipped_default_model_is_what_training_on_the_three_corpora_gives() {
    let Some(data) = dev_csv() else { return };
    let corpus = |name: &str| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpora")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{name} is beside dev.csv: {e}"))
    };
    let (extra, ladder) = (corpus("extra.csv"), corpus("ladder.csv"));
    let mut examples = Vec::new();
    for data in [&data, &extra, &ladder] {
        let postings = labelled::read(data, &Columns::default(), true)
            .unwrap()
            .postings;
        examples.extend(postings.iter().map(|p| p.example(true)));
    }
    let shipped = builtin::model("default").unwrap();
    let retrained = train::train(
        builtin::articles(),
        &examples,
        builtin::cues(),
        &train::Config::default(),
        shipped.provenance().clone(),
    )
    .unwrap();
    assert!(
        retrained.to_json() == builtin::DEFAULT_MODEL,
        "training/model.json is stale: regenerate it with `joblevel train --labelled \
         ../shared/corpora/dev.csv --labelled ../shared/corpora/extra.csv --labelled \
         ../shared/corpora/ladder.csv -o training/model.json`"
    );
}

#[test]
fn title_masking_removes_self_description_but_keeps_other_roles() {
    let classifier = Classifier::new(builtin::model("articles").unwrap());
    let text = "As Head of Operations you report to the CEO and own the entire operational \
                structure of the company as part of the executive leadership team.";
    let p = classifier
        .classify_without_title(text, "Head of Operations")
        .unwrap();
    assert_eq!(p.level, Level::Vp);
    assert!(
        p.evidence_for(Level::Vp)
            .any(|e| e.term == "cue:reports_to_ceo")
    );
}

#[test]
fn calibration_rescales_confidence_without_changing_any_decision() {
    let Some(data) = dev_csv() else { return };
    let postings = labelled::read(&data, &Columns::default(), true)
        .unwrap()
        .postings;
    let examples: Vec<_> = postings.iter().map(|p| p.example(true)).collect();
    let provenance = builtin::model("default").unwrap().provenance().clone();
    let train_with = |calibrate| {
        let config = train::Config {
            calibrate,
            ..train::Config::default()
        };
        Classifier::new(
            train::train(
                builtin::articles(),
                &examples,
                builtin::cues(),
                &config,
                provenance.clone(),
            )
            .unwrap(),
        )
    };
    let (calibrated, raw) = (train_with(true), train_with(false));
    let t = calibrated.model().provenance().temperature;
    assert!(t > 0.05 && (t - 1.0).abs() > 0.05, "temperature {t}");
    for p in postings.iter().take(60) {
        let (a, b) = (
            calibrated.classify(&p.text).unwrap(),
            raw.classify(&p.text).unwrap(),
        );
        assert_eq!(a.level, b.level);
        assert!(
            (a.confidence > b.confidence) == (t < 1.0)
                || (a.confidence - b.confidence).abs() < 1e-6
        );
    }
}
