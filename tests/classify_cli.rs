//! Runs the real `joblevel` binary on the project's example postings and on bad input.

use predicates::str::contains;

mod common;
use common::{example, joblevel};

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("output is JSON")
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
    let probs: Vec<f64> = ["head", "director", "vp"]
        .iter()
        .map(|l| p[l].as_f64().unwrap())
        .collect();
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
    assert!(
        !out.stdout.windows(3).any(|w| w == b"div"),
        "tags must not become terms"
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
