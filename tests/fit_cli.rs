//! `joblevel fit` on files: verdicts, evidence, exit codes, and real postings re-titled.

use predicates::str::contains;

mod common;
use common::{example, joblevel};

#[test]
fn a_director_title_on_a_shift_managers_posting_is_over_titled_with_exit_1() {
    joblevel()
        .args([
            "fit",
            "--title",
            "Director of Operations",
            "--min-confidence",
            "0.4",
        ])
        .arg(example("head-operations.txt"))
        .assert()
        .code(1)
        .stdout(contains("verdict:      over-titled"))
        .stdout(contains("evidence for head:"))
        .stdout(contains("cue:reports_to_director"));
}

#[test]
fn a_matching_title_fits_with_exit_0() {
    joblevel()
        .args([
            "fit",
            "--title",
            "Operations Manager",
            "--min-confidence",
            "0.4",
        ])
        .arg(example("head-operations.txt"))
        .assert()
        .code(0)
        .stdout(contains("verdict:      fits"));
}

#[test]
fn no_level_or_low_confidence_gives_exit_6() {
    joblevel()
        .args(["fit", "--title", "Head Chef"])
        .arg(example("head-operations.txt"))
        .assert()
        .code(6)
        .stdout(contains("title-not-a-level"))
        .stdout(contains("head of a craft"));
    joblevel()
        .args([
            "fit",
            "--title",
            "Operations Manager",
            "--min-confidence",
            "0.99",
        ])
        .arg(example("head-operations.txt"))
        .assert()
        .code(6)
        .stdout(contains("uncertain"));
}

#[test]
fn json_output_has_title_description_and_verdict() {
    let out = joblevel()
        .args([
            "fit",
            "--format",
            "json",
            "--title",
            "Head of Operations",
            "--min-confidence",
            "0.4",
            "-",
        ])
        .write_stdin(std::fs::read(example("vp-operations.txt")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "under-titled");
    assert_eq!(v["title"]["level"], "head");
    assert_eq!(v["description"]["level"], "vp");
    let p = &v["description"]["probabilities"];
    let sum: f64 = ["head", "director", "vp"]
        .iter()
        .map(|l| p[l].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9);
}

#[test]
fn empty_description_is_an_input_error() {
    joblevel()
        .args(["fit", "--title", "VP, Ops", "-"])
        .write_stdin("")
        .assert()
        .code(3)
        .stderr(contains("input is empty"));
}

/// Real postings from the dev corpus (read at test time, never copied into the project),
/// re-titled to another level. A VP posting titled "Head of Operations" must never `fit`,
/// and a posting re-titled at all must rarely fit.
#[test]
fn real_postings_retitled_to_another_level_rarely_fit() {
    let Some(data) = common::shared_file("corpora/dev.csv") else {
        return;
    };
    let mut reader = csv::Reader::from_reader(data.as_slice());
    let mut input = csv::Writer::from_writer(Vec::new());
    input
        .write_record(["id", "title", "gold", "description"])
        .unwrap();
    let swaps = [
        ("head", "VP of Operations"),
        ("director", "Head of Operations"),
        ("vp", "Head of Operations"),
    ];
    for row in reader.records().map(Result::unwrap) {
        let (level, description) = (&row[4], &row[3]);
        let title = swaps.iter().find(|(l, _)| *l == level).unwrap().1;
        input
            .write_record([&row[0], title, level, description])
            .unwrap();
    }
    let out = joblevel()
        .args(["batch", "-q", "-"])
        .write_stdin(input.into_inner().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (mut total, mut fits) = (0, 0);
    for row in reader.records().map(Result::unwrap) {
        total += 1;
        let verdict = &row[col("fit")];
        if verdict == "fits" {
            fits += 1;
        }
        if &row[col("gold")] == "vp" {
            assert_ne!(
                verdict, "fits",
                "a vp posting titled Head of Operations fits: {}",
                &row[0]
            );
        }
    }
    assert_eq!(total, 214);
    assert!(
        fits * 20 <= total,
        "{fits} of {total} re-titled postings fit"
    );
}

#[test]
fn a_min_confidence_outside_zero_to_one_is_a_usage_error() {
    joblevel()
        .args(["fit", "--title", "VP, Ops", "--min-confidence", "50"])
        .arg(example("vp-operations.txt"))
        .assert()
        .code(2)
        .stderr(contains("give a number from 0 to 1"));
}
