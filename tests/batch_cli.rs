//! `joblevel batch` on real files: every record accounted for, in order, bad rows explained.

use predicates::prelude::*;
use predicates::str::contains;
use std::path::{Path, PathBuf};

mod common;
use common::joblevel;

const VP: &str = "Reporting to the CEO, own the entire operational structure of the company as part of the executive leadership team.";
const HEAD: &str = "Supervise the day-to-day shift team on the warehouse floor; you report to the Director of Operations.";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn records(csv_bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(csv_bytes);
    let headers = r.headers().unwrap().clone();
    (
        headers,
        r.records().map(|x| x.expect("output CSV parses")).collect(),
    )
}

fn field<'a>(headers: &csv::StringRecord, row: &'a csv::StringRecord, name: &str) -> &'a str {
    let i = headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    &row[i]
}

#[test]
fn every_record_comes_out_once_in_order_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::from("id,description\n");
    for i in 0..5000 {
        input += &format!("{i},\"{}\"\n", if i % 2 == 0 { VP } else { HEAD });
    }
    let path = write(dir.path(), "many.csv", input.as_bytes());
    let out = joblevel()
        .args(["batch", "--threads", "2"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (headers, rows) = records(&out.stdout);
    assert_eq!(rows.len(), 5000);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(field(&headers, row, "id"), i.to_string());
        assert_eq!(
            field(&headers, row, "level"),
            if i % 2 == 0 { "vp" } else { "head" }
        );
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("5000 rows: 5000 scored, 0 failed"));
}

#[test]
fn output_keeps_input_columns_then_adds_the_result_columns() {
    let out = joblevel()
        .args(["batch", "-"])
        .write_stdin(format!("id,description,extra\n7,\"{VP}\",x\n"))
        .output()
        .unwrap();
    let (headers, rows) = records(&out.stdout);
    let want = [
        "id",
        "description",
        "extra",
        "level",
        "basis",
        "named_level",
        "named_title",
        "described_level",
        "confidence",
        "score_individual",
        "score_head",
        "score_director",
        "score_vp",
        "score_executive",
        "evidence",
        "error",
    ];
    assert_eq!(headers.iter().collect::<Vec<_>>(), want);
    assert_eq!(rows[0].iter().take(3).collect::<Vec<_>>(), ["7", VP, "x"]);
    let confidence: f64 = field(&headers, &rows[0], "confidence").parse().unwrap();
    assert!(confidence > 1.0 / 5.0 && confidence <= 1.0);
    assert!(field(&headers, &rows[0], "evidence").contains("cue:reports_to_ceo="));
}

#[test]
fn bad_records_get_an_error_row_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = Vec::new();
    input.extend_from_slice(b"id,description,note\n");
    input.extend_from_slice(format!("1,\"{HEAD}\",a\n").as_bytes());
    input.extend_from_slice(b"2,too few fields\n");
    input.extend_from_slice(b"3,\"bad \xff utf8\",c\n");
    input.extend_from_slice(b"4,,d\n");
    input.extend_from_slice(format!("5,\"{}\",e\n", "word ".repeat(220_000)).as_bytes());
    input.extend_from_slice(format!("6,\"{VP}\",f,extra\n").as_bytes());
    input.extend_from_slice(format!("7,\"{VP}\",g\n").as_bytes());
    let path = write(dir.path(), "bad.csv", &input);
    let out = joblevel()
        .args(["batch", "-o"])
        .arg(dir.path().join("out.csv"))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "some rows failed");
    assert!(String::from_utf8_lossy(&out.stderr).contains("7 rows: 2 scored, 5 failed"));
    // Input fields are copied byte for byte, so the bad UTF-8 of record 3 is still there:
    // read the output as bytes, and check that nothing else is.
    let raw = std::fs::read(dir.path().join("out.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(raw.as_slice());
    let byte_rows: Vec<csv::ByteRecord> = reader.byte_records().map(|r| r.unwrap()).collect();
    assert_eq!(&byte_rows[2][1], b"bad \xff utf8");
    let text = String::from_utf8_lossy(&raw);
    let (headers, rows) = records(text.as_bytes());
    let errors: Vec<&str> = rows.iter().map(|r| field(&headers, r, "error")).collect();
    assert_eq!(errors[0], "");
    assert_eq!(
        errors[1],
        "record has 2 fields, header has 3 (padded with empty fields)"
    );
    assert!(
        errors[2].starts_with("column \"description\" is not valid UTF-8 (bad byte at offset 4)"),
        "{}",
        errors[2]
    );
    assert_eq!(errors[3], "text is empty");
    assert!(
        errors[4].contains("over the 1048576-byte limit"),
        "{}",
        errors[4]
    );
    assert_eq!(
        errors[5],
        "record has 4 fields, header has 3 (not scored, as its columns may be shifted; the \
         extra fields are not written)"
    );
    assert_eq!(errors[6], "");
    assert_eq!(field(&headers, &rows[1], "level"), "");
    assert_eq!(field(&headers, &rows[6], "level"), "vp");
    assert_eq!(
        rows.iter()
            .map(|r| field(&headers, r, "id"))
            .collect::<Vec<_>>(),
        ["1", "2", "3", "4", "5", "6", "7"]
    );
}

#[test]
fn strict_mode_stops_at_the_first_bad_record_naming_it() {
    let input = format!("id,description\n1,\"{HEAD}\"\n2,\"multi\nline\"\n3,\n4,\"{VP}\"\n");
    joblevel()
        .args(["batch", "--strict", "-"])
        .write_stdin(input)
        .assert()
        .code(3)
        .stderr(contains("record 3 (line 5): text is empty"));
}

#[test]
fn bom_crlf_semicolons_quotes_and_html_are_handled() {
    let input = format!(
        "\u{feff}Id;Job Description\r\n1;\"<p>{}</p>\r\n<ul><li>semi; colons</li></ul>\"\r\n2;\"{HEAD}\"\r\n",
        VP.replace("CEO", "<b>CEO</b>")
    );
    let out = joblevel()
        .args(["batch", "--delimiter", ";", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (headers, rows) = records(&out.stdout);
    assert_eq!(&headers[0], "Id", "the BOM is not part of the first name");
    assert_eq!(rows.len(), 2);
    assert_eq!(field(&headers, &rows[0], "level"), "vp");
    assert!(rows[0][1].contains("semi; colons"));
}

#[test]
fn tab_delimited_input_and_joined_text_columns() {
    let input = "id\tsummary\trequirements\n1\tOwn the entire operational structure\tReport to the CEO; executive leadership team\n";
    let out = joblevel()
        .args([
            "batch",
            "--delimiter",
            "tab",
            "--text-column",
            "summary,requirements",
            "-",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    let (headers, rows) = records(&out.stdout);
    assert_eq!(field(&headers, &rows[0], "level"), "vp");
    assert!(field(&headers, &rows[0], "evidence").contains("cue:"));
}

#[test]
fn missing_text_column_is_an_error_before_any_output() {
    joblevel()
        .args(["batch", "-"])
        .write_stdin("id,notes\n1,hello\n")
        .assert()
        .code(3)
        .stdout("")
        .stderr(contains("no text column").and(contains("id, notes")));
    joblevel()
        .args(["batch", "--text-column", "body", "-"])
        .write_stdin("id,description\n1,hello\n")
        .assert()
        .code(3)
        .stderr(contains("no column named \"body\""));
    joblevel()
        .args(["batch", "-"])
        .write_stdin("")
        .assert()
        .code(3)
        .stderr(contains("input is empty"));
}

#[test]
fn jsonl_output_has_one_object_per_record() {
    let out = joblevel()
        .args(["batch", "--format", "jsonl", "--quiet", "-"])
        .write_stdin(format!("id,description\n1,\"{VP}\"\n2,\n"))
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "--quiet prints nothing");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "1");
    assert_eq!(lines[0]["level"], "vp");
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.33);
    assert_eq!(lines[1]["error"], "text is empty");
    assert!(lines[1]["level"].is_null());
}

#[test]
fn the_bundled_example_is_scored_with_the_title_masked() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpora/postings.csv");
    let out = joblevel().arg("batch").arg(path).output().unwrap();
    let (headers, rows) = records(&out.stdout);
    let levels: Vec<&str> = rows.iter().map(|r| field(&headers, r, "level")).collect();
    assert_eq!(levels, ["vp", "director", "head"]);
}

#[test]
fn a_title_column_adds_title_level_and_fit_columns() {
    let input = format!(
        "id,job_title,description\n1,VP of Operations,\"{VP}\"\n2,Director of Operations,\"{HEAD}\"\n3,Managing Director,\"{HEAD}\"\n4,Head of Operations,\n"
    );
    let out = joblevel()
        .args([
            "batch",
            "--min-confidence",
            "0.4",
            "--model",
            "articles",
            "-",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    let (headers, rows) = records(&out.stdout);
    assert_eq!(
        headers.iter().rev().take(2).collect::<Vec<_>>(),
        ["fit", "title_level"]
    );
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (field(&headers, r, "title_level"), field(&headers, r, "fit")))
        .collect();
    assert_eq!(
        got,
        [
            ("vp", "fits"),
            ("director", "over-titled"),
            ("none", "title-not-a-level"),
            ("", "")
        ]
    );
    assert_eq!(field(&headers, &rows[3], "error"), "text is empty");
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/batch")
        .join(name)
}

#[test]
fn a_job_board_export_is_scored_first_time_keeping_its_own_level_column() {
    // BOM, CRLF, `;` delimiter, HTML, a `Level` column of its own, an empty description and a
    // truncated record: what a spreadsheet export of a job board looks like.
    let out = joblevel()
        .args(["batch", "--delimiter", ";"])
        .arg(fixture("export.csv"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("6 rows: 4 scored, 2 failed"), "{stderr}");
    assert!(
        stderr.contains("the input has a \"level\" column, so ours is \"joblevel_level\""),
        "{stderr}"
    );
    let (headers, rows) = records(&out.stdout);
    assert_eq!(
        headers.iter().take(7).collect::<Vec<_>>(),
        [
            "Job ID",
            "Job Title",
            "Company",
            "Location",
            "Level",
            "Job Description",
            "joblevel_level"
        ]
    );
    let ids: Vec<&str> = rows.iter().map(|r| field(&headers, r, "Job ID")).collect();
    assert_eq!(
        ids,
        ["J-1001", "J-1002", "J-1003", "J-1004", "J-1005", "J-1006"]
    );
    assert_eq!(
        field(&headers, &rows[0], "Level"),
        "L8",
        "the input's column is kept"
    );
    assert_eq!(field(&headers, &rows[0], "joblevel_level"), "vp");
    assert_eq!(
        field(&headers, &rows[0], "Company"),
        "Northwind Freight; Ltd"
    );
    assert!(field(&headers, &rows[0], "Job Description").contains("<li>Work with the CFO"));
    assert_eq!(field(&headers, &rows[0], "title_level"), "vp");
    assert_eq!(field(&headers, &rows[3], "error"), "text is empty");
    assert_eq!(
        field(&headers, &rows[4], "error"),
        "record has 3 fields, header has 6 (padded with empty fields)"
    );
    assert!(rows.iter().all(|r| r.len() == headers.len()), "rectangular");
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    // `joblevel batch big.csv | head`: the output is far larger than a pipe buffer, so the
    // writer is still writing when the reader goes away.
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::from("id,description\n");
    for i in 0..5000 {
        input += &format!("{i},\"{VP}\"\n");
    }
    let path = write(dir.path(), "many.csv", input.as_bytes());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("joblevel"))
        .arg("batch")
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with(b"id,description,level,"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn jsonl_keeps_repeated_header_names_apart() {
    let out = joblevel()
        .args(["batch", "--format", "jsonl", "-q", "-"])
        .write_stdin(format!("note,description,note\na,\"{VP}\",b\n"))
        .output()
        .unwrap();
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((&line["note"], &line["note_2"]), (&"a".into(), &"b".into()));
    assert_eq!(line["level"], "vp");
}

/// A posting that names itself a director but describes front-line work.
const NAMED_DIRECTOR: &str = "Director of Operations\nAs our Director of Operations you will supervise the day-to-day shift team on the warehouse floor.";

#[test]
fn level_is_the_named_level_with_the_described_level_beside_it() {
    let out = joblevel()
        .args(["batch", "-q", "-"])
        .write_stdin(format!(
            "id,description\n1,\"{NAMED_DIRECTOR}\"\n2,\"{HEAD}\"\n"
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (headers, rows) = records(&out.stdout);
    let get = |row: usize, name: &str| field(&headers, &rows[row], name).to_string();
    assert_eq!(
        [
            "level",
            "basis",
            "named_level",
            "named_title",
            "described_level"
        ]
        .map(|c| get(0, c)),
        [
            "director",
            "named",
            "director",
            "Director of Operations",
            "head"
        ]
    );
    // Evidence and confidence are those of the described level, the title masked out.
    assert!(
        !get(0, "evidence").contains("director"),
        "{}",
        get(0, "evidence")
    );
    assert_eq!(
        [
            "level",
            "basis",
            "named_level",
            "named_title",
            "described_level"
        ]
        .map(|c| get(1, c)),
        ["head", "described", "", "", "head"]
    );
}

#[test]
fn a_title_column_is_the_named_title_and_wins_over_the_text() {
    let out = joblevel()
        .args(["batch", "-q", "-"])
        .write_stdin(format!(
            "id,title,description\n1,VP of Operations,\"{NAMED_DIRECTOR}\"\n2,Managing Director,\"{NAMED_DIRECTOR}\"\n"
        ))
        .output()
        .unwrap();
    let (headers, rows) = records(&out.stdout);
    let get = |row: usize, name: &str| field(&headers, &rows[row], name).to_string();
    assert_eq!(
        [
            "level",
            "basis",
            "named_level",
            "named_title",
            "title_level",
            "fit"
        ]
        .map(|c| get(0, c)),
        ["vp", "named", "vp", "VP of Operations", "vp", "over-titled"]
    );
    // A title column that names no level: no named level, whatever the text says.
    assert_eq!(
        ["level", "basis", "named_level", "title_level"].map(|c| get(1, c)),
        [get(1, "described_level").as_str(), "described", "", "none"].map(String::from)
    );
}

#[test]
fn basis_described_answers_as_classify_does_with_the_same_basis() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write(dir.path(), "doc.txt", NAMED_DIRECTOR.as_bytes());
    let classify = joblevel()
        .args(["classify", "--basis", "described", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    let want: serde_json::Value = serde_json::from_slice(&classify.stdout).unwrap();
    let out = joblevel()
        .args([
            "batch",
            "-q",
            "--basis",
            "described",
            "--format",
            "jsonl",
            "-",
        ])
        .write_stdin(format!("id,description\n1,\"{NAMED_DIRECTOR}\"\n"))
        .output()
        .unwrap();
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["basis"], "described");
    assert!(got["named_level"].is_null() && got["named_title"].is_null());
    assert_eq!(got["level"], want["level"]);
    assert_eq!(got["described_level"], want["described"]["level"]);
    let confidence = want["described"]["confidence"].as_f64().unwrap();
    assert!((got["confidence"].as_f64().unwrap() - confidence).abs() < 1e-4);
}

/// `joblevel batch - --input-format jsonl --format jsonl` as Spark's `RDD.pipe` runs it:
/// each line in gives its line out, in order, and an answer comes back before the next line
/// is sent (a writer that waits for answers is never kept waiting).
#[test]
fn jsonl_in_jsonl_out_is_a_line_in_line_out_filter() {
    use std::io::{BufRead, BufReader, Write};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("joblevel"))
        .args([
            "batch",
            "-q",
            "-",
            "--input-format",
            "jsonl",
            "--format",
            "jsonl",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let wait = std::time::Duration::from_secs(60);
    for (id, text) in [(1, VP), (2, HEAD)] {
        let line = serde_json::json!({"id": id, "text": text, "title": null});
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let answer: serde_json::Value =
            serde_json::from_str(&rx.recv_timeout(wait).expect("an answer per line")).unwrap();
        assert_eq!(answer["id"], id.to_string());
        assert_eq!(answer["level"], if id == 1 { "vp" } else { "head" });
    }
    // A line that is not JSON is still one line out, naming its line.
    writeln!(stdin, "{{oops").unwrap();
    drop(stdin);
    let answer: serde_json::Value = serde_json::from_str(&rx.recv_timeout(wait).unwrap()).unwrap();
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("line 3: not JSON")
    );
    assert!(answer["level"].is_null());
    assert_eq!(child.wait().unwrap().code(), Some(7));
}

#[test]
fn jsonl_input_gives_the_same_answers_as_csv_one_line_per_record() {
    let (mut csv_in, mut jsonl_in) = (String::from("id,title,description\n"), String::new());
    for i in 0..3000 {
        let (title, text) = match i % 3 {
            0 => ("", VP),
            1 => ("Director of Operations", HEAD),
            _ => ("", NAMED_DIRECTOR),
        };
        csv_in += &format!("{i},{title},\"{}\"\n", text.replace('"', "\"\""));
        jsonl_in += &format!(
            "{}\n",
            serde_json::json!({"id": i, "title": title, "description": text})
        );
    }
    let csv_out = joblevel()
        .args(["batch", "-q", "--format", "jsonl", "-"])
        .write_stdin(csv_in)
        .output()
        .unwrap();
    let jsonl_out = joblevel()
        .args([
            "batch",
            "-q",
            "--input-format",
            "jsonl",
            "--format",
            "jsonl",
            "-",
        ])
        .write_stdin(jsonl_in)
        .output()
        .unwrap();
    assert_eq!(jsonl_out.status.code(), Some(0));
    let lines = |out: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (want, got) = (lines(&csv_out.stdout), lines(&jsonl_out.stdout));
    assert_eq!(got.len(), 3000);
    assert_eq!(got, want, "same rows, same answers, same order");
}
