//! `joblevel train` and `joblevel eval` on files: saved models reload to the same predictions,
//! and eval figures match a hand computation.

use predicates::prelude::*;
use std::path::{Path, PathBuf};

mod common;
use common::{joblevel, ok_json};

fn corpora() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpora")
}

fn classify_json(model: &str, file: &Path) -> serde_json::Value {
    let out = joblevel()
        .args(["classify", "--format", "json", "--model", model])
        .arg(file)
        .output()
        .unwrap();
    ok_json(&out)
}

#[test]
fn train_save_load_gives_the_same_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("articles.json");
    joblevel()
        .args(["train", "-o"])
        .arg(&saved)
        .assert()
        .success();
    for name in [
        "vp-operations.txt",
        "director-operations.txt",
        "head-operations.txt",
    ] {
        let file = corpora().join(name);
        assert_eq!(
            classify_json("articles", &file),
            classify_json(saved.to_str().unwrap(), &file)
        );
    }
}

#[test]
fn training_on_labelled_postings_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for out in [&a, &b] {
        joblevel()
            .args(["train", "--labelled"])
            .arg(corpora().join("labelled.csv"))
            .arg("-o")
            .arg(out)
            .assert()
            .success();
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn the_learner_flags_are_recorded_in_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("small.json");
    joblevel()
        .args([
            "train",
            "--min-df",
            "1",
            "--l2",
            "0.5",
            "--no-source-bias",
            "--labelled",
        ])
        .arg(corpora().join("labelled.csv"))
        .arg("-o")
        .arg(&saved)
        .assert()
        .success();
    let model: serde_json::Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    let config = &model["provenance"]["config"];
    assert_eq!(config["min_df"], 1, "{config}");
    assert_eq!(config["l2"], 0.5, "{config}");
    assert!(config["source_bias"].is_null(), "{config}");
    assert_eq!(
        config["steps"], 400,
        "the defaults are recorded too: {config}"
    );
    assert_eq!(
        model["provenance"]["command"],
        "joblevel train --l2 0.5 --min-df 1 --source-bias off --labelled labelled.csv"
    );
    // The recorded settings are the model's: a model file with them loads and scores.
    classify_json(
        saved.to_str().unwrap(),
        &corpora().join("head-operations.txt"),
    );
}

#[test]
fn eval_figures_match_a_hand_computation() {
    // Three example postings with their true level, plus the VP posting labelled head.
    // The articles model predicts vp, director, head, vp (checked below), so by hand:
    // accuracy 3/4; head P=1 R=1/2 F1=2/3; director P=R=F1=1; vp P=1/2 R=1 F1=2/3;
    // macro-F1 = (2/3 + 1 + 2/3)/3 = 7/9; balanced accuracy = (1/2 + 1 + 1)/3 = 5/6.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("labelled.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(["description", "level"]).unwrap();
    for (file, level) in [
        ("vp-operations.txt", "vp"),
        ("director-operations.txt", "director"),
        ("head-operations.txt", "head"),
        ("vp-operations.txt", "head"),
    ] {
        let predicted = classify_json("articles", &corpora().join(file))["level"].clone();
        let expected = if file.starts_with("vp") { "vp" } else { level };
        assert_eq!(predicted, expected, "precondition: {file}");
        w.write_record([
            std::fs::read_to_string(corpora().join(file))
                .unwrap()
                .as_str(),
            level,
        ])
        .unwrap();
    }
    w.flush().unwrap();
    let out = joblevel()
        .args(["eval", "--model", "articles", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let m = &serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["metrics"];
    let close = |k: &str, want: f64| {
        assert!(
            (m[k].as_f64().unwrap() - want).abs() < 1e-9,
            "{k}: {}",
            m[k]
        )
    };
    close("accuracy", 0.75);
    close("macro_f1", 7.0 / 9.0);
    close("balanced_accuracy", 5.0 / 6.0);
    assert_eq!(
        m["confusion"],
        serde_json::json!([
            [0, 0, 0, 0, 0],
            [0, 1, 0, 1, 0],
            [0, 0, 1, 0, 0],
            [0, 0, 0, 1, 0],
            [0, 0, 0, 0, 0]
        ])
    );
}

#[test]
fn eval_reports_skipped_rows_with_their_reason() {
    let input = "description,level\nRun the daily shift,head\nOwn the company,manager\n";
    let out = joblevel()
        .args(["eval", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows: 1  skipped: 1"), "{text}");
    assert!(
        text.contains("skipped record 2: unknown level \"manager\""),
        "{text}"
    );
}

#[test]
fn eval_counts_a_posting_left_without_words_by_masking_as_unscored() {
    // The second posting's text is its title alone: masked, nothing is left to score.
    let csv = "title,description,level\n\
               VP Ops,\"Reporting to the CEO, you own operations across all sites.\",vp\n\
               Head of Operations,Head of Operations,head\n";
    let out = joblevel()
        .args(["eval", "--mask-title", "-"])
        .write_stdin(csv)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows: 1  skipped: 0  unscored: 1"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("titles-only.csv");
    std::fs::write(&path, csv).unwrap();
    let json = eval_json(&["--mask-title", "--format", "json"], &[&path]);
    assert_eq!(
        (json["unscored"].as_u64(), json["metrics"]["rows"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn eval_without_a_level_column_is_an_input_error() {
    joblevel()
        .args(["eval", "-"])
        .write_stdin("description\nsome text\n")
        .assert()
        .code(3)
        .stderr(predicates::str::contains("no level column"));
}

/// corpora/labelled.csv with a `source` column: rows 1, 3, 5 from source `a`, 2, 4, 6 from `b`
/// (each source has a head, a director and a vp posting), written as one file or as two.
fn labelled_with_sources(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let mut reader = csv::Reader::from_path(corpora().join("labelled.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let paths = (dir.join("both.csv"), dir.join("a.csv"), dir.join("b.csv"));
    let mut both = csv::Writer::from_path(&paths.0).unwrap();
    let mut a = csv::Writer::from_path(&paths.1).unwrap();
    let mut b = csv::Writer::from_path(&paths.2).unwrap();
    for w in [&mut both, &mut a, &mut b] {
        w.write_record(["source", "title", "description", "level"])
            .unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let source = if i % 2 == 0 { "a" } else { "b" };
        let record = [source, &row[1], &row[2], &row[3]];
        both.write_record(record).unwrap();
        if i % 2 == 0 { &mut a } else { &mut b }
            .write_record(record)
            .unwrap();
    }
    for mut w in [both, a, b] {
        w.flush().unwrap();
    }
    paths
}

fn eval_json(args: &[&str], files: &[&Path]) -> serde_json::Value {
    let out = joblevel()
        .arg("eval")
        .args(args)
        .args(files)
        .output()
        .unwrap();
    ok_json(&out)
}

#[test]
fn leave_one_source_out_holds_out_each_source_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let (both, a, b) = labelled_with_sources(dir.path());
    let args = [
        "--mask-title",
        "--cv-group",
        "source",
        "--min-group",
        "3",
        "--format",
        "json",
    ];
    let joined = eval_json(&args, &[&both]);
    assert_eq!(joined["metrics"]["rows"], 6);
    let groups = joined["groups"].as_array().unwrap();
    let names: Vec<_> = groups
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    for g in groups {
        assert_eq!(g["metrics"]["rows"], 3);
        assert_eq!(
            g["metrics"]["per_level"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["support"].as_u64().unwrap())
                .collect::<Vec<_>>(),
            [0, 1, 1, 1, 0]
        );
    }
    // The pooled confusion is the sum of the groups'.
    for gold in 0..5 {
        for pred in 0..5 {
            let sum: u64 = groups
                .iter()
                .map(|g| g["metrics"]["confusion"][gold][pred].as_u64().unwrap())
                .sum();
            assert_eq!(joined["metrics"]["confusion"][gold][pred], sum);
        }
    }
    // Two files are read as one set of postings: the same figures.
    let split = eval_json(&args, &[&a, &b]);
    assert_eq!(split["metrics"], joined["metrics"]);
    assert_eq!(split["groups"], joined["groups"]);
}

#[test]
fn small_sources_are_trained_on_but_not_held_out() {
    let dir = tempfile::tempdir().unwrap();
    let (both, _, _) = labelled_with_sources(dir.path());
    // With a minimum of 4 postings, neither source of 3 can be held out.
    joblevel()
        .args(["eval", "--cv-group", "source", "--min-group", "4"])
        .arg(&both)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("at least two groups"));
}

#[test]
fn by_prints_figures_per_group_of_any_run() {
    let dir = tempfile::tempdir().unwrap();
    let (both, _, _) = labelled_with_sources(dir.path());
    let out = joblevel()
        .args(["eval", "--model", "articles", "--by", "source"])
        .arg(&both)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("per source\n"), "{text}");
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("a ") || l.starts_with("b "))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines.iter().all(|l| l.contains("1/1/1")), "{text}");
}

#[test]
fn a_missing_group_column_is_named() {
    joblevel()
        .args(["eval", "--cv-group", "employer"])
        .arg(corpora().join("labelled.csv"))
        .assert()
        .code(3)
        .stderr(predicates::str::contains("employer"));
}

/// The articles model as JSON, changed by `edit`, written to `dir`. Numbers are spliced in as
/// text, so values beyond f32 reach the loader as written.
fn model_with(dir: &Path, name: &str, edit: impl Fn(&mut serde_json::Value)) -> PathBuf {
    let out = joblevel().arg("train").output().unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    edit(&mut json);
    let path = dir.join(name);
    let text = json.to_string().replace("\"HUGE\"", "1e39");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_model_with_non_finite_values_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let text = corpora().join("head-operations.txt");
    let overflowing = model_with(dir.path(), "overflow.json", |j| {
        j["bias"][0] = "HUGE".into()
    });
    // Every weight near f32::MAX: each is finite, their sum is not.
    let huge = model_with(dir.path(), "huge.json", |j| {
        for f in j["features"].as_array_mut().unwrap() {
            f[2] = serde_json::json!([3e38, 3e38, -3e38]);
        }
    });
    for (bad, args) in [
        (overflowing, ["classify", "--model"].as_slice()),
        (
            huge,
            ["fit", "--title", "VP of Operations", "--model"].as_slice(),
        ),
    ] {
        joblevel()
            .args(args)
            .arg(&bad)
            .arg(&text)
            .assert()
            .code(5)
            .stderr(predicates::str::contains("finite"));
    }
}

#[test]
fn direct_reports_and_a_negated_reporting_line_are_not_a_reporting_line() {
    let evidence = |text: &str| {
        let out = joblevel()
            .args([
                "classify", "--model", "articles", "--format", "json", "--top", "50", "-",
            ])
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let fires = |text: &str| evidence(text).contains("cue:reports_to_director");
    assert!(fires(
        "You will report to the Operations Director and run the warehouse shifts."
    ));
    assert!(!fires(
        "Your direct reports include the Operations Director and the logistics leads."
    ));
    assert!(!fires(
        "You will not report to a Regional Director; this role reports to the CEO."
    ));
    assert!(
        evidence("You will not report to a Regional Director; this role reports to the CEO.")
            .contains("cue:reports_to_ceo")
    );
}

#[test]
fn training_on_postings_of_one_level_or_none_is_refused_with_the_reason() {
    let one_level = "description,level\nRun the shift,head\nKeep the floor safe,head\n";
    joblevel()
        .args(["train", "--labelled", "-"])
        .write_stdin(one_level)
        .assert()
        .code(5)
        .stderr(predicates::str::contains("same level (head)"));
    let unknown = "description,level\nRun the shift,manager\nOwn the company,boss\n";
    joblevel()
        .args(["train", "--labelled", "-"])
        .write_stdin(unknown)
        .assert()
        .code(5)
        .stderr(predicates::str::contains("no usable labelled posting"));
    // Two levels with a handful of postings each train, with a warning per thin level; a
    // level with none is one the model does not know, not a thin one.
    let thin = "description,level\nRun the shift,head\nSet the regional plan,director\n";
    joblevel()
        .args(["train", "--labelled", "-"])
        .write_stdin(thin)
        .assert()
        .success()
        .stderr(predicates::str::contains("only 1 labelled head postings"))
        .stderr(predicates::str::contains("only 0").not());
}

#[test]
fn training_on_a_file_without_a_level_column_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nolevel.csv");
    std::fs::write(&path, "title,description\nOps,Run the shift\n").unwrap();
    joblevel()
        .args(["train", "--labelled"])
        .arg(&path)
        .assert()
        .code(5)
        .stderr(predicates::str::contains("nolevel.csv"))
        .stderr(predicates::str::contains("no level column"));
}

#[test]
fn a_binary_labelled_file_is_refused_without_echoing_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blob.csv");
    let mut bytes = b"description,level\n".to_vec();
    bytes.extend([0u8, 159, 146, 150, 7, 0, 1]);
    std::fs::write(&path, &bytes).unwrap();
    for command in [["eval", "--model"], ["train", "--labelled"]] {
        let mut cmd = joblevel();
        cmd.args(command);
        if command[0] == "eval" {
            cmd.arg("articles");
        }
        let out = cmd.arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{command:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("binary (NUL byte at offset 18)"), "{err}");
        assert!(err.len() < 300, "{err}");
    }
}

/// A labelled file of `(title, text, level)` rows, written to `dir`.
fn labelled_file(dir: &Path, name: &str, rows: &[(&str, &str, &str)]) -> PathBuf {
    let mut csv = String::from("title,description,level\n");
    for (title, text, level) in rows {
        csv += &format!("{title},\"{text}\",{level}\n");
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn eval_reports_every_rung_and_leadership_answered_among_the_three() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::five_rung_model(dir.path());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = [
        root.join("tests/data/five_rungs.csv"),
        root.join("corpora/labelled.csv"),
    ];
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let args = ["--model", model.to_str().unwrap(), "--mask-title"];
    let json = eval_json(&[&args[..], &["--format", "json"]].concat(), &files);
    let confusion = json["metrics"]["confusion"].as_array().unwrap();
    assert_eq!(confusion.len(), 5);
    // Gold counts per rung, read from the files themselves.
    let mut levels = Vec::new();
    for file in &files {
        let mut reader = csv::Reader::from_path(file).unwrap();
        for row in reader.deserialize::<std::collections::HashMap<String, String>>() {
            levels.push(row.unwrap()["level"].clone());
        }
    }
    let gold = |level: &str| levels.iter().filter(|l| *l == level).count();
    let leadership = gold("head") + gold("director") + gold("vp");
    assert!(gold("individual") > 0 && gold("executive") > 0 && leadership > 0);
    for (i, level) in ["individual", "head", "director", "vp", "executive"]
        .iter()
        .enumerate()
    {
        let row: u64 = confusion[i]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(row as usize, gold(level), "{level}");
    }
    // The three-rung figures count the leadership postings only, answered among the three.
    assert_eq!(json["management"]["rows"], leadership);
    let forced = json["management"]["confusion"].as_array().unwrap();
    assert_eq!(
        forced[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum::<u64>(),
        0
    );
    assert!(
        forced.iter().all(|r| r[0] == 0 && r[4] == 0),
        "no outer rung among the three"
    );
    let called = json["leadership_as_individual"]["called_individual"]
        .as_u64()
        .unwrap();
    assert_eq!(json["leadership_as_individual"]["rows"], leadership);
    assert_eq!(
        called,
        confusion[1][0].as_u64().unwrap()
            + confusion[2][0].as_u64().unwrap()
            + confusion[3][0].as_u64().unwrap()
    );
    let out = joblevel()
        .arg("eval")
        .args(args)
        .args(&files)
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.contains(&format!(
            "head/director/vp postings ({leadership}), answered among those three"
        )),
        "{shown}"
    );
    assert!(shown.contains("executive"), "{shown}");
}

#[test]
fn eval_with_title_answers_from_the_title_column() {
    let dir = tempfile::tempdir().unwrap();
    // One bland text under three titles: only the title tells them apart.
    let text = "Keep the work of the team on track and answer questions from colleagues.";
    let file = labelled_file(
        dir.path(),
        "titled.csv",
        &[
            ("Head of Operations", text, "head"),
            ("Director of Operations", text, "director"),
            ("VP of Operations", text, "vp"),
        ],
    );
    let with = eval_json(&["--with-title", "--format", "json"], &[&file]);
    assert_eq!(with["metrics"]["accuracy"], 1.0);
    let without = eval_json(&["--basis", "described", "--format", "json"], &[&file]);
    assert!(
        without["metrics"]["accuracy"].as_f64().unwrap() < 1.0,
        "one text, one answer"
    );
}

#[test]
fn also_train_postings_are_trained_on_but_never_tested() {
    let dir = tempfile::tempdir().unwrap();
    let (both, a, b) = labelled_with_sources(dir.path());
    let json = eval_json(
        &[
            "--mask-title",
            "--cv",
            "3",
            "--format",
            "json",
            "--also-train",
            b.to_str().unwrap(),
        ],
        &[&a],
    );
    // Only the tested file's postings are in the figures.
    assert_eq!(json["metrics"]["rows"], 3);
    assert!(json["setup"].as_str().unwrap().contains("3-fold"));
    // Without a cross-validation there is nothing to train: refused.
    joblevel()
        .args(["eval", "--also-train"])
        .arg(&b)
        .arg(&both)
        .assert()
        .code(2);
}

#[test]
fn eval_fit_counts_own_titles_and_titles_two_rungs_away() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::five_rung_model(dir.path());
    let text = "Run the day-to-day shift team on the warehouse floor and report to the Director of Operations.";
    let file = labelled_file(
        dir.path(),
        "fit.csv",
        &[
            ("Head of Operations", text, "head"),
            ("Director of Operations", text, "director"),
            ("Deputy Director of Operations", text, "director"),
        ],
    );
    let json = eval_json(
        &[
            "--model",
            model.to_str().unwrap(),
            "--mask-title",
            "--fit",
            "--format",
            "json",
        ],
        &[&file],
    );
    let fit = &json["fit"];
    // Two titles name a level ("Deputy Director" names none); two rungs from head is vp, from
    // director individual and executive: 1 + 2 + 2 re-titled cases.
    assert_eq!(fit["true_titles"], 2);
    assert_eq!(fit["two_away"], 5);
    let rate = fit["true_rate"].as_f64().unwrap();
    assert_eq!(rate, fit["true_fit"].as_f64().unwrap() / 2.0);
}
