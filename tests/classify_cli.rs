//! Runs the real `joblevel` binary on the project's example postings and on bad input.

use predicates::str::contains;

mod common;
use common::{example, joblevel};

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("output is JSON")
}

/// The ladder, lowest first: the keys of every answer's probabilities and scores.
const RUNGS: [&str; 5] = ["individual", "head", "director", "vp", "executive"];

/// `classify ARGS` on `text`, as JSON and as text.
fn classify_both(args: &[&str], text: &str) -> (serde_json::Value, String) {
    let run = |format: &str| {
        let out = joblevel()
            .arg("classify")
            .args(args)
            .args(["--format", format])
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let json = json_of(&run("json"));
    (json, String::from_utf8(run("text")).unwrap())
}

/// The postings of `tests/data/five_rungs.csv`: (description, level).
fn five_rung_postings() -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/five_rungs.csv");
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[2].to_string(), r[3].to_string())
        })
        .collect()
}

/// The rungs a text answer lists with a probability (`  head       p=0.95  score=...`).
fn rungs_shown(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains(" p=") && l.contains(" score="))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

/// The rungs a JSON answer gives a probability above 0.
fn rungs_answered(v: &serde_json::Value) -> Vec<&'static str> {
    RUNGS
        .into_iter()
        .filter(|l| v["described"]["probabilities"][l].as_f64().unwrap() > 0.0)
        .collect()
}

#[test]
fn every_answer_has_all_five_rungs_and_the_text_shows_those_answered() {
    for file in ["vp-operations.txt", "head-operations.txt"] {
        let text = std::fs::read_to_string(example(file)).unwrap();
        let (v, shown) = classify_both(&[], &text);
        for key in ["probabilities", "scores"] {
            let keys: Vec<&str> = v["described"][key]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys.len(), 5, "{key}: {keys:?}");
            assert!(RUNGS.iter().all(|r| keys.contains(r)), "{key}: {keys:?}");
        }
        assert_eq!(rungs_shown(&shown), rungs_answered(&v), "{shown}");
        assert!(rungs_answered(&v).len() >= 3);
    }
}

#[test]
fn a_posting_below_or_above_the_three_says_so_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::five_rung_model(dir.path());
    let model = model.to_str().unwrap();
    let mut seen = Vec::new();
    for (text, _) in five_rung_postings() {
        let (v, shown) = classify_both(&["--model", model, "--top", "2"], &text);
        assert_eq!(
            rungs_shown(&shown),
            RUNGS,
            "a five-rung model shows five: {shown}"
        );
        let level = v["level"].as_str().unwrap().to_string();
        let words = match level.as_str() {
            "individual" => {
                Some("not a Head, Director or VP role: reads as an individual contributor")
            }
            "executive" => {
                Some("not a Head, Director or VP role: above VP, reads as C-suite (executive)")
            }
            _ => None,
        };
        let second = shown.lines().nth(1).unwrap();
        match words {
            Some(words) => assert_eq!(second.trim(), words, "{shown}"),
            None => assert!(!shown.contains("not a Head"), "{shown}"),
        }
        seen.push(level);
    }
    // Postings the model was trained on: both outer rungs are answered.
    assert!(seen.iter().any(|l| l == "individual"), "{seen:?}");
    assert!(seen.iter().any(|l| l == "executive"), "{seen:?}");
}

#[test]
fn levels_three_answers_only_among_head_director_and_vp() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::five_rung_model(dir.path());
    let model = model.to_str().unwrap();
    for (text, _) in five_rung_postings() {
        let (v, shown) = classify_both(&["--model", model, "--levels", "three"], &text);
        let level = v["level"].as_str().unwrap();
        assert!(["head", "director", "vp"].contains(&level), "{v}");
        let p = &v["described"]["probabilities"];
        assert_eq!(p["individual"], 0.0);
        assert_eq!(p["executive"], 0.0);
        let sum: f64 = RUNGS.iter().map(|l| p[l].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{v}");
        assert!(
            v["described"]["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["level"] != "individual" && e["level"] != "executive"),
            "{v}"
        );
        assert_eq!(rungs_shown(&shown), ["head", "director", "vp"], "{shown}");
        assert!(!shown.contains("not a Head"), "{shown}");
        assert!(
            !shown.contains("individual") && !shown.contains("executive"),
            "{shown}"
        );
    }
    // The shipped postings keep today's answers.
    for (file, level) in [
        ("vp-operations.txt", "vp"),
        ("director-operations.txt", "director"),
        ("head-operations.txt", "head"),
    ] {
        let text = std::fs::read_to_string(example(file)).unwrap();
        let (v, _) = classify_both(&["--levels", "three"], &text);
        assert_eq!(v["level"], level, "{file}");
    }
}

#[test]
fn postings_written_from_the_articles_get_their_level_with_both_models() {
    for model in ["default", "articles"] {
        for (file, level) in [
            ("vp-operations.txt", "vp"),
            ("director-operations.txt", "director"),
            ("head-operations.txt", "head"),
        ] {
            let out = joblevel()
                .args(["classify", "--format", "json", "--model", model])
                .arg(example(file))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{file}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                json_of(&out.stdout)["level"],
                level,
                "{file} with model {model}"
            );
        }
    }
}

#[test]
fn json_probabilities_sum_to_one_and_confidence_is_the_winner() {
    let out = joblevel()
        .args(["classify", "--format", "json", "--top", "2"])
        .arg(example("vp-operations.txt"))
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let p = &v["described"]["probabilities"];
    let probs: Vec<f64> = RUNGS.iter().map(|l| p[l].as_f64().unwrap()).collect();
    assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let best = probs.iter().cloned().fold(0.0, f64::max);
    assert_eq!(v["described"]["confidence"].as_f64().unwrap(), best);
    let evidence = v["described"]["evidence"].as_array().unwrap();
    assert!(evidence.iter().filter(|e| e["level"] == "vp").count() <= 2);
    assert!(
        evidence
            .iter()
            .any(|e| e["level"] == "vp" && e["term"] == "cue:reports_to_ceo")
    );
}

#[test]
fn stdin_and_dash_are_read_like_a_file() {
    let text = std::fs::read_to_string(example("head-operations.txt")).unwrap();
    for args in [vec!["classify"], vec!["classify", "-"]] {
        joblevel()
            .args(&args)
            .write_stdin(text.clone())
            .assert()
            .success()
            .stdout(contains("level:       head"))
            .stdout(contains("evidence:"));
    }
}

#[test]
fn html_descriptions_are_scored_on_their_text() {
    let html = "<div><h2>About the role</h2><p>Reporting to the <b>CEO</b>, you own the entire \
                operational structure of the company&nbsp;as part of the executive leadership team.</p></div>";
    let out = joblevel()
        .args(["classify", "--format", "json"])
        .write_stdin(html)
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    assert_eq!(v["level"], "vp");
    // Every term, not the raw output: "div" is also in the key "individual".
    let terms: Vec<&str> = v["described"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["term"].as_str().unwrap())
        .collect();
    assert!(
        terms.iter().all(|t| t
            .split(' ')
            .all(|w| !["div", "h2", "p", "b", "nbsp"].contains(&w))),
        "tags must not become terms: {terms:?}"
    );
}

#[test]
fn bad_input_gets_one_line_error_and_exit_code_3() {
    let cases: [(&[u8], &str); 4] = [
        (b"", "input is empty"),
        (b"  \n\t \n", "only whitespace"),
        (b"\x7fELF\x02\x01\x00\x00binary", "looks binary"),
        (
            b"Director \xff\xfe of ops",
            "not valid UTF-8: bad byte at offset 9",
        ),
    ];
    for (input, message) in cases {
        let out = joblevel()
            .arg("classify")
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{message}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn missing_file_and_bad_model_have_their_own_exit_codes() {
    joblevel()
        .args(["classify", "/no/such/posting.txt"])
        .assert()
        .code(4)
        .stderr(contains("/no/such/posting.txt"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("model.json");
    std::fs::write(&bad, "{\"format\": 1}").unwrap();
    joblevel()
        .args(["classify", "--model"])
        .arg(&bad)
        .arg(example("vp-operations.txt"))
        .assert()
        .code(5)
        .stderr(contains("model"));
}

#[test]
fn help_documents_exit_codes() {
    joblevel()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit codes"))
        .stdout(contains("7  batch"));
}

/// Runs `args` with stdin piped and its stdout pipe closed before any input arrives, so the
/// first write of the result meets a reader that has gone (as with `| head`).
fn run_into_a_closed_pipe(args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_joblevel"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The command may end before it has read everything; that is not the point here.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_closes_the_pipe_early_ends_the_command_quietly() {
    let posting = std::fs::read(example("vp-operations.txt")).unwrap();
    for args in [
        &["classify", "-"][..],
        &["classify", "--format", "json", "-"],
        &["fit", "--title", "VP of Operations", "-"],
    ] {
        let out = run_into_a_closed_pipe(args, &posting);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            out.status.code().is_some_and(|c| c < 100),
            "{args:?}: {:?} {stderr}",
            out.status
        );
    }
    let out = run_into_a_closed_pipe(&["title", "-"], b"Director of Operations\nVP, Ops\n");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
