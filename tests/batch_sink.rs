//! The library's collecting sink and the CLI's CSV and JSON lines agree, row for row and field
//! for field, on the same input: the typed results are what `joblevel batch` writes.

use assert_cmd::Command;
use joblevel::batch::{self, RowResult};
use joblevel::{Classifier, Level, builtin};

const TITLES: [&str; 7] = [
    "Head of Operations",
    "Director of Operations",
    "VP, Operations",
    "Operations Manager",
    "Senior Director, Fulfilment",
    "",
    "Chief of Staff",
];

/// Rows mixed from the lines of the project's own example postings (`corpora/`), in a fixed
/// pseudo-random order, with bad rows among them: short, long, empty, not UTF-8, binary.
fn input(with_title: bool) -> Vec<u8> {
    let mut lines = Vec::new();
    for name in ["head", "director", "vp"] {
        let path = format!(
            "{}/corpora/{name}-operations.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        lines.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| l.len() > 20)
                .map(str::to_string),
        );
    }
    assert!(lines.len() > 20, "the example postings have lines to mix");
    let mut seed = 7u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let quote = |s: &[u8]| {
        let mut q = b"\"".to_vec();
        for &b in s {
            if b == b'"' {
                q.push(b'"');
            }
            q.push(b);
        }
        q.push(b'"');
        q
    };
    let mut out: Vec<u8> = if with_title {
        b"id,title,description\n".to_vec()
    } else {
        b"id,description\n".to_vec()
    };
    for id in 1..=400 {
        let title = TITLES[next(TITLES.len())];
        let mut text: Vec<u8> = Vec::new();
        if !with_title && next(2) == 0 {
            // The posting names its role on its first line.
            text.extend_from_slice(format!("{title}\n").as_bytes());
        }
        for _ in 0..2 + next(6) {
            text.extend_from_slice(lines[next(lines.len())].as_bytes());
            text.push(b'\n');
        }
        match id % 29 {
            3 => text.clear(),
            5 => text.extend_from_slice(b"bad \xff byte"),
            7 => text.extend_from_slice(b"binary \x00 byte"),
            _ => {}
        }
        let mut row = format!("{id},").into_bytes();
        if with_title {
            row.extend(quote(title.as_bytes()));
            row.push(b',');
        }
        match id % 31 {
            11 => row.truncate(row.len() - 1), // short: no text field
            13 => {
                row.extend(quote(&text));
                row.extend_from_slice(b",extra");
            }
            _ => row.extend(quote(&text)),
        }
        row.push(b'\n');
        out.extend(row);
    }
    out
}

fn collect(input: &[u8]) -> Vec<RowResult> {
    let classifier = Classifier::new(builtin::model("default").unwrap());
    let mut results = Vec::new();
    let summary = batch::Batch::open(input, &batch::Options::default())
        .unwrap()
        .run_sink(&classifier, &mut results, |_, _| {})
        .unwrap();
    assert_eq!(summary.rows, results.len() as u64);
    assert!(summary.failed > 10 && summary.scored > 300, "{summary:?}");
    results
}

fn cli(input: &[u8], format: &str) -> Vec<u8> {
    let out = Command::cargo_bin("joblevel")
        .unwrap()
        .args(["batch", "-q", "--format", format, "-"])
        .write_stdin(input.to_vec())
        .assert()
        .code(7)
        .get_output()
        .stdout
        .clone();
    assert!(!out.is_empty());
    out
}

/// The appended fields the CLI should have written for `r`.
fn expected_fields(r: &RowResult, with_title: bool) -> Vec<String> {
    let mut fields = match r.scored() {
        None => {
            let mut f = vec![String::new(); joblevel::batch::RESULT_COLUMNS.len() - 1];
            f.push(r.error().unwrap().to_string());
            f
        }
        Some(s) => {
            let p = &s.described;
            let mut f = vec![
                s.level.to_string(),
                s.basis.to_string(),
                s.named.as_ref().map_or("", |n| n.level.as_str()).into(),
                s.named.as_ref().map_or("", |n| n.title.as_str()).into(),
                p.level.to_string(),
                format!("{:.4}", p.confidence),
            ];
            f.extend(Level::ALL.map(|l| format!("{:.4}", p.scores[l.index()])));
            let evidence: Vec<String> = p
                .evidence
                .iter()
                .map(|e| format!("{}={:+.3}", e.term, e.weight))
                .collect();
            f.push(evidence.join("; "));
            f.push(String::new());
            f
        }
    };
    if with_title {
        match r.scored().and_then(|s| s.fit) {
            Some(fit) => {
                fields.push(fit.title_level.map_or("none", Level::as_str).into());
                fields.push(fit.verdict.to_string());
            }
            None => fields.extend([String::new(), String::new()]),
        }
    }
    fields
}

#[test]
fn collected_results_are_what_the_cli_writes_as_csv() {
    for with_title in [true, false] {
        let input = input(with_title);
        let results = collect(&input);
        let csv_out = cli(&input, "csv");
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(&csv_out[..]);
        let header = reader.headers().unwrap().clone();
        let first_result = header.len() - expected_fields(&results[0], with_title).len();
        assert_eq!(&header[first_result], "level");
        // Bytes: a row that is not UTF-8 is written back as it was read.
        let rows: Vec<csv::ByteRecord> = reader.byte_records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), results.len());
        let mut named = 0;
        for (i, (row, r)) in rows.iter().zip(&results).enumerate() {
            assert_eq!(
                (r.record, &row[0]),
                (i as u64 + 1, (i + 1).to_string().as_bytes())
            );
            let written: Vec<String> = row
                .iter()
                .skip(first_result)
                .map(|f| String::from_utf8(f.to_vec()).unwrap())
                .collect();
            assert_eq!(
                written,
                expected_fields(r, with_title),
                "record {}",
                r.record
            );
            named += usize::from(r.scored().is_some_and(|s| s.named.is_some()));
        }
        assert!(named > 50, "named levels are compared too ({named})");
    }
}

#[test]
fn collected_results_are_what_the_cli_writes_as_json_lines() {
    let input = input(true);
    let results = collect(&input);
    let out = String::from_utf8(cli(&input, "jsonl")).unwrap();
    let objects: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), results.len());
    for (o, r) in objects.iter().zip(&results) {
        let Some(s) = r.scored() else {
            assert_eq!(o["error"], r.error().unwrap().to_string());
            assert!(o["level"].is_null() && o["confidence"].is_null());
            continue;
        };
        assert!(o["error"].is_null());
        assert_eq!(o["level"], s.level.as_str());
        assert_eq!(o["described_level"], s.described.level.as_str());
        let confidence = o["confidence"].as_f64().unwrap();
        assert!((confidence - s.described.confidence).abs() <= 5e-5);
        for l in Level::ALL {
            let score = o[format!("score_{l}")].as_f64().unwrap();
            assert!((score - f64::from(s.described.scores[l.index()])).abs() <= 5e-5);
        }
        let fit = s.fit.unwrap();
        assert_eq!(o["fit"], fit.verdict.to_string());
    }
}

#[test]
fn each_bad_row_gets_its_typed_reason() {
    use batch::RowError;
    let results = collect(&input(true));
    for r in &results {
        let id = r.record;
        let error = r.error();
        match (id % 31, id % 29) {
            (11, _) => assert!(
                matches!(error, Some(RowError::FieldCount { got: 2, want: 3 })),
                "{id}: {error:?}"
            ),
            (13, _) => assert!(
                matches!(error, Some(RowError::FieldCount { got: 4, want: 3 })),
                "{id}: {error:?}"
            ),
            (_, 3) => assert_eq!(error, Some(&RowError::Empty), "{id}"),
            (_, 5) => assert!(
                matches!(error, Some(RowError::NotUtf8 { column, .. }) if column == "description"),
                "{id}: {error:?}"
            ),
            (_, 7) => assert!(
                matches!(error, Some(RowError::Binary { column, .. }) if column == "description"),
                "{id}: {error:?}"
            ),
            _ => assert_eq!(error, None, "{id}"),
        }
    }
}
