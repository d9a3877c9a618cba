//! `classify` gives the named level and the described level side by side, through the real
//! binary; `eval` scores `level` as a user gets it and reports the named level's figures.

use predicates::str::contains;
use std::path::PathBuf;

mod common;
use common::{joblevel, ok_json};

/// A posting that names itself head but describes executive work.
const HEAD_TITLED_VP_WORK: &str = "Head of Operations\n\nReporting to the CEO and sitting on the \
    executive leadership team, you will own the entire operational structure of the company, \
    set the strategy for every site and present to the board of directors.\n";

fn classify_json(args: &[&str], text: &str) -> serde_json::Value {
    let out = joblevel()
        .args(["classify", "--format", "json"])
        .args(args)
        .write_stdin(text)
        .output()
        .unwrap();
    ok_json(&out)
}

#[test]
fn the_named_level_answers_and_the_described_level_is_scored_without_the_title() {
    let v = classify_json(&[], HEAD_TITLED_VP_WORK);
    assert_eq!(v["level"], "head");
    assert_eq!(v["basis"], "named");
    assert_eq!(v["named"]["title"], "Head of Operations");
    assert_eq!(
        (v["named"]["start"].as_u64(), v["named"]["end"].as_u64()),
        (Some(0), Some(18))
    );
    assert!(
        v["named"]["reason"]
            .as_str()
            .unwrap()
            .contains("opens with it")
    );
    assert_eq!(v["described"]["level"], "vp");
    let p = &v["described"]["probabilities"];
    let sum: f64 = ["individual", "head", "director", "vp", "executive"]
        .iter()
        .map(|l| p[l].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9);
    // The disagreement is said in one line: the fit verdict.
    assert!(
        v["note"].as_str().unwrap().starts_with("under-titled"),
        "{}",
        v["note"]
    );
}

#[test]
fn text_output_shows_both_answers_and_the_note() {
    joblevel()
        .arg("classify")
        .write_stdin(HEAD_TITLED_VP_WORK)
        .assert()
        .success()
        .stdout(contains("level:       head (named)"))
        .stdout(contains(
            "named:       head \"Head of Operations\" (bytes 0-18)",
        ))
        .stdout(contains("described:   vp"))
        .stdout(contains("note:        under-titled"));
}

#[test]
fn basis_described_answers_with_what_the_text_describes() {
    let v = classify_json(&["--basis", "described"], HEAD_TITLED_VP_WORK);
    assert_eq!(
        (&v["level"], &v["basis"]),
        (&"vp".into(), &"described".into())
    );
    assert!(v["named"].is_null());
}

#[test]
fn a_given_title_wins_over_the_text() {
    let v = classify_json(&["--title", "Director of Operations"], HEAD_TITLED_VP_WORK);
    assert_eq!(v["level"], "director");
    assert_eq!(v["named"]["title"], "Director of Operations");
    assert!(
        v["named"]["reason"]
            .as_str()
            .unwrap()
            .contains("title given")
    );
}

#[test]
fn other_roles_are_not_the_postings_own_and_the_reason_is_shown() {
    let text = "You will report to the VP of Operations and partner with the Head of Sales. \
                Supervise the night shift on the warehouse floor.";
    let v = classify_json(&[], text);
    assert_eq!(v["basis"], "described");
    assert!(v["named"].is_null());
    assert_eq!(v["level"], v["described"]["level"]);
    joblevel()
        .arg("classify")
        .write_stdin(text)
        .assert()
        .success()
        .stdout(contains(
            "named:       none (the text does not name its own role",
        ));
}

#[test]
fn text_with_no_word_the_model_knows_is_an_error_with_exit_3() {
    for text in ["<p></p>&nbsp;x", "the and of a to", "12345"] {
        joblevel()
            .arg("classify")
            .write_stdin(text)
            .assert()
            .code(3)
            .stderr(contains("no words the model knows"));
    }
    for text in [
        "物流部長\n倉庫の運営を担当していただきます。",
        "Wir suchen einen Leiter Logistik",
    ] {
        joblevel()
            .arg("classify")
            .write_stdin(text)
            .assert()
            .code(3)
            .stderr(contains("does not look like English"));
    }
}

#[test]
fn a_huge_top_is_refused_not_allocated() {
    for cmd in [
        vec!["classify"],
        vec!["fit", "--title", "Head of Operations"],
    ] {
        joblevel()
            .args(&cmd)
            .args(["--top", "1000000000000"])
            .write_stdin("Run the warehouse.")
            .assert()
            .code(2)
            .stderr(contains("--top"));
    }
    joblevel()
        .args(["classify", "--top", "1000", "--format", "json"])
        .write_stdin("Run the warehouse floor and the night shift.")
        .assert()
        .success();
}

/// The real corpora (read at test time, never copied). They are part of the test setup: a
/// missing file fails the test.
fn corpus(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: ../shared is part of the test setup",
        path.display()
    );
    path
}

fn eval_json(args: &[&str], file: &PathBuf) -> serde_json::Value {
    let out = joblevel()
        .arg("eval")
        .args(args)
        .args(["--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    ok_json(&out)
}

#[test]
fn on_real_postings_the_named_level_is_nearly_always_right_and_usually_there() {
    for name in ["dev.csv", "extra.csv"] {
        let v = eval_json(&[], &corpus(name));
        let named = &v["named"];
        let (coverage, precision) = (
            named["coverage"].as_f64().unwrap(),
            named["precision"].as_f64().unwrap(),
        );
        assert!(
            precision >= 0.98,
            "{name}: named level right on {precision:.3}"
        );
        assert!(coverage >= 0.75, "{name}: named level on {coverage:.3}");
        // `level` as users get it beats the described level alone by far.
        let level = v["metrics"]["macro_f1"].as_f64().unwrap();
        let described = eval_json(&["--basis", "described"], &corpus(name))["metrics"]["macro_f1"]
            .as_f64()
            .unwrap();
        assert!(
            level > described + 0.2,
            "{name}: level {level:.3}, described {described:.3}"
        );
    }
}
