//! Title fit through the library: short postings written for these tests, and the real dev
//! postings (read at test time from `../shared/corpora/dev.csv`, never copied into the
//! project) with their true titles and with titles swapped to another level.
//!
//! `cargo test --release --test fit -- --ignored --nocapture` prints the verdict distribution
//! on the dev corpus, in sample and out of sample (5-fold), as reported in docs/accuracy.md
//! ("Title fit").

use joblevel::fit::{self, Verdict};
use joblevel::labelled::{self, Columns, Posting};
use joblevel::{Classifier, Level, builtin, train};
mod common;
use common::title_for;

/// A front-line operations post: shifts, the floor, reporting to a director.
const SHIFT_POSTING: &str = "\
We are looking for someone to run the day-to-day operations of our distribution centre. \
You will supervise the shift leaders and the warehouse floor team, build the weekly rota, \
check stock counts, handle staff absence and keep the site safe and tidy. You report to the \
Director of Operations and send a daily report on orders picked, packed and shipped. \
Two years of experience supervising a team in logistics is required.";

/// An executive post: reports to the CEO, owns the whole operation, sits on the exec team.
const EXECUTIVE_POSTING: &str = "\
Reporting to the CEO, you will own the entire operational structure of the company across \
all regions and sit on the executive leadership team. You will set the company-wide \
operating strategy with the other senior executives, present to the board, and lead the \
directors of operations, supply chain and customer service. 15+ years of experience, \
including ten at executive level, is expected.";

fn default_classifier() -> Classifier {
    Classifier::new(builtin::model("default").expect("the default model is built in"))
}

fn dev_postings() -> Option<Vec<Posting>> {
    let data = common::shared_file("corpora/dev.csv")?;
    let postings = labelled::read(&data, &Columns::default(), true)
        .expect("dev.csv reads")
        .postings;
    assert_eq!(postings.len(), 214);
    Some(postings)
}

#[test]
fn a_shift_supervisors_posting_fits_an_operations_manager_title_and_not_a_vp_title() {
    let c = default_classifier();
    let fits = fit::assess(&c, "Operations Manager", SHIFT_POSTING, 0.5).unwrap();
    assert_eq!(fits.title.level, Some(Level::Head));
    assert_eq!(fits.prediction.level, Level::Head);
    assert_eq!(fits.verdict, Verdict::Fits);
    let over = fit::assess(&c, "VP, Operations", SHIFT_POSTING, 0.5).unwrap();
    assert_eq!(over.verdict, Verdict::OverTitled);
}

#[test]
fn an_executive_posting_titled_head_of_operations_is_under_titled() {
    let c = default_classifier();
    let f = fit::assess(&c, "Head of Operations", EXECUTIVE_POSTING, 0.5).unwrap();
    assert_eq!(f.prediction.level, Level::Vp);
    assert_eq!(f.verdict, Verdict::UnderTitled);
    // The evidence shows why: terms for the described level, strongest first.
    let vp: Vec<_> = f.prediction.evidence_for(Level::Vp).collect();
    assert!(!vp.is_empty());
    assert!(vp.windows(2).all(|w| w[0].weight >= w[1].weight));
    let f = fit::assess(&c, "Vice President of Operations", EXECUTIVE_POSTING, 0.5).unwrap();
    assert_eq!(f.verdict, Verdict::Fits);
}

#[test]
fn a_title_naming_no_level_gets_no_verdict_whatever_the_description() {
    let c = default_classifier();
    for title in [
        "Managing Director",
        "Head Chef",
        "AVP, Operations",
        "Director/VP of Ops",
    ] {
        let f = fit::assess(&c, title, EXECUTIVE_POSTING, 0.0).unwrap();
        assert_eq!(f.verdict, Verdict::TitleNotALevel, "{title}");
        assert!(!f.title.reason.is_empty());
    }
}

#[test]
fn a_confidence_floor_above_the_prediction_makes_it_uncertain() {
    let c = default_classifier();
    let f = fit::assess(&c, "Operations Manager", SHIFT_POSTING, 1.0).unwrap();
    assert_eq!(f.verdict, Verdict::Uncertain);
}

#[test]
fn an_empty_or_blank_description_is_an_input_error() {
    let c = default_classifier();
    assert!(fit::assess(&c, "VP, Operations", "", 0.5).is_err());
    assert!(fit::assess(&c, "VP, Operations", " \n\t- ", 0.5).is_err());
}

#[test]
fn a_fit_serialises_with_title_prediction_and_kebab_case_verdict() {
    let c = default_classifier();
    let f = fit::assess(&c, "Head of Operations", EXECUTIVE_POSTING, 0.5).unwrap();
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["verdict"], "under-titled");
    assert_eq!(v["title"]["level"], "head");
    assert_eq!(v["title"]["function"], "operations");
    assert_eq!(v["prediction"]["level"], "vp");
    for verdict in [
        Verdict::Fits,
        Verdict::OverTitled,
        Verdict::UnderTitled,
        Verdict::TitleNotALevel,
        Verdict::Uncertain,
    ] {
        assert_eq!(
            serde_json::to_value(verdict).unwrap(),
            verdict.to_string(),
            "Display and JSON agree"
        );
    }
}

/// With the shipped model (which learned from these postings, so this is in sample), true
/// titles must fit far more often than swapped ones, and a posting two levels away from its
/// title must never fit.
#[test]
fn real_postings_fit_their_true_title_more_often_than_a_swapped_one() {
    let Some(postings) = dev_postings() else {
        return;
    };
    let c = default_classifier();
    let min = fit::DEFAULT_MIN_CONFIDENCE;
    let (mut true_fits, mut swapped_fits, mut swapped) = (0, 0, 0);
    for p in &postings {
        let title = p.title.as_deref().unwrap_or_default();
        let f = fit::assess(&c, title, &p.text, min).unwrap();
        assert_eq!(f.title.level, Some(p.level), "{title}");
        true_fits += usize::from(f.verdict == Verdict::Fits);
        // dev.csv holds head, director and vp postings: re-titled among those three (the
        // outer rungs are measured out of sample by `eval --fit`, see docs/accuracy.md).
        for other in Level::MANAGEMENT.into_iter().filter(|&l| l != p.level) {
            let f = fit::assess(&c, title_for(other), &p.text, min).unwrap();
            swapped += 1;
            swapped_fits += usize::from(f.verdict == Verdict::Fits);
            let two_apart = (other.index() as i32 - p.level.index() as i32).abs() == 2;
            assert!(
                !(two_apart && f.verdict == Verdict::Fits && f.prediction.confidence > 0.7),
                "record {}: a {} posting titled {:?} fits with confidence {:.2}",
                p.record,
                p.level,
                title_for(other),
                f.prediction.confidence
            );
        }
    }
    assert!(
        true_fits * 2 > postings.len(),
        "true titles fit {true_fits} of {}",
        postings.len()
    );
    // Measured with the three-rung model trained on dev.csv + extra.csv: 34 of 428 (7.9%);
    // with the five-rung model (dev + extra + ladder), 57 of 428 (13.3%): its head, director
    // and vp are learned from more sources, which reads dev's postings less sharply.
    assert!(
        swapped_fits * 100 <= swapped * 15,
        "swapped titles fit {swapped_fits} of {swapped}"
    );
}

/// Verdict counts `[fits, misfit, uncertain]` for true and swapped titles, per threshold.
#[derive(Default)]
struct Tally {
    true_titles: [usize; 3],
    swapped: [usize; 3],
    by_verdict: std::collections::BTreeMap<String, usize>,
}

const THRESHOLDS: [f64; 4] = [0.4, 0.5, 0.6, 0.7];

fn slot(v: Verdict) -> usize {
    match v {
        Verdict::Fits => 0,
        Verdict::OverTitled | Verdict::UnderTitled => 1,
        Verdict::Uncertain | Verdict::TitleNotALevel => 2,
    }
}

/// Scores `p` with its true title and the two swapped titles and counts the verdicts.
fn tally(c: &Classifier, p: &Posting, tallies: &mut [Tally]) {
    let true_title = p.title.as_deref().unwrap_or_default();
    let swaps = Level::ALL.into_iter().filter(|&l| l != p.level);
    let titles = std::iter::once((true_title, true)).chain(swaps.map(|l| (title_for(l), false)));
    for (title, is_true) in titles {
        let parsed = joblevel::title::parse(title);
        let prediction = c.classify_without_title(&p.text, title).unwrap();
        for (t, &min) in tallies.iter_mut().zip(&THRESHOLDS) {
            let v = fit::verdict(parsed.level, &prediction, min);
            let counts = if is_true {
                &mut t.true_titles
            } else {
                &mut t.swapped
            };
            counts[slot(v)] += 1;
            let key = format!("{} {v}", if is_true { "true" } else { "swapped" });
            *t.by_verdict.entry(key).or_default() += 1;
        }
    }
}

fn print(name: &str, tallies: &[Tally]) {
    println!(
        "\n{name}\nmin confidence | true titles: fits / misfit / uncertain | swapped: fits / misfit / uncertain"
    );
    for (t, min) in tallies.iter().zip(THRESHOLDS) {
        let [a, b, c] = t.true_titles;
        let [d, e, f] = t.swapped;
        println!("{min} | {a} / {b} / {c} | {d} / {e} / {f}");
    }
    for (t, min) in tallies.iter().zip(THRESHOLDS) {
        println!("{min}: {:?}", t.by_verdict);
    }
}

/// Prints the verdict distribution: the shipped model in sample, the articles-only model
/// (which never saw a posting), and 5-fold cross-validation (each fold scored by a model
/// trained on the articles and the other four folds). Slow: trains five models.
#[test]
#[ignore]
fn print_the_verdict_distribution_on_the_dev_corpus() {
    let Some(postings) = dev_postings() else {
        return;
    };
    for name in ["default", "articles"] {
        let c = Classifier::new(builtin::model(name).unwrap());
        let mut tallies: Vec<Tally> = THRESHOLDS.iter().map(|_| Tally::default()).collect();
        for p in &postings {
            tally(&c, p, &mut tallies);
        }
        print(&format!("model {name} (in sample for default)"), &tallies);
    }
    let levels: Vec<Level> = postings.iter().map(|p| p.level).collect();
    let folds: Vec<_> = train::stratified_folds(&levels, 5, train::CV_SEED)
        .into_iter()
        .map(Some)
        .collect();
    let examples: Vec<_> = postings.iter().map(|p| p.example(true)).collect();
    let config = train::Config::default();
    let mut tallies: Vec<Tally> = THRESHOLDS.iter().map(|_| Tally::default()).collect();
    for fold in train::cross_fit(
        builtin::articles(),
        &examples,
        builtin::cues(),
        &config,
        &folds,
    ) {
        let fold = fold.unwrap();
        let c = Classifier::new(fold.model).with_top(0);
        for &i in &fold.test {
            tally(&c, &postings[i], &mut tallies);
        }
    }
    print("5-fold cross-validation (out of sample)", &tallies);
}
