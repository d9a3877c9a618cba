//! The batch path: any bytes in, as CSV or (first byte odd) JSON lines, and when the run
//! succeeds, exactly one output row per input record (records counted by a plain CSV parse of
//! the same bytes, or as the non-blank lines).
#![no_main]

use joblevel::batch::{self, Format, InputFormat, Options};
use joblevel::{Classifier, builtin};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CLASSIFIER: LazyLock<Classifier> =
    LazyLock::new(|| Classifier::new(builtin::model("articles").expect("built in")));

/// Records after the header, as the csv crate reads them (flexible, blank lines skipped).
fn records(data: &[u8]) -> Option<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut n = 0u64;
    for r in reader.byte_records() {
        r.ok()?;
        n += 1;
    }
    Some(n.saturating_sub(1))
}

/// Non-blank lines: the records of JSON lines.
fn lines(data: &[u8]) -> u64 {
    data.split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count() as u64
}

fuzz_target!(|input: &[u8]| {
    let Some((&mode, data)) = input.split_first() else {
        return;
    };
    let jsonl = mode & 1 == 1;
    // Small limits, so that cut records and chunk boundaries are reached by small inputs.
    let options = Options {
        chunk_rows: 3,
        chunk_bytes: 64,
        max_record_bytes: 48,
        input_format: if jsonl { InputFormat::Jsonl } else { InputFormat::Csv },
        format: if mode & 2 == 2 { Format::Jsonl } else { Format::Csv },
        ..Options::default()
    };
    let mut out = Vec::new();
    let Ok(summary) = batch::run(&CLASSIFIER, data, &mut out, &options, |_, _| {}) else {
        return;
    };
    assert_eq!(summary.rows, summary.scored + summary.failed);
    let written = if options.format == Format::Jsonl {
        for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            serde_json::from_slice::<serde_json::Value>(line).expect("output line is JSON");
        }
        out.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        // The output has a header and one record per row.
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(out.as_slice());
        reader.byte_records().map(|r| r.expect("output parses")).count() as u64
    };
    assert_eq!(written, summary.rows, "one output row per record read");
    // Without a UTF-16 byte-order mark the input is read as it is.
    if !(data.starts_with(&[0xff, 0xfe]) || data.starts_with(&[0xfe, 0xff])) {
        if jsonl {
            assert_eq!(summary.rows, lines(data), "one output line per input line");
        } else if let Some(expected) = records(data) {
            assert_eq!(summary.rows, expected, "one output row per input record");
        }
    }
});
