//! The batch CSV path: any bytes in, and when the run succeeds, exactly one output row per
//! input record, in order (records counted by a plain CSV parse of the same bytes).
#![no_main]

use joblevel::batch::{self, Options};
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

fuzz_target!(|data: &[u8]| {
    // Small limits, so that cut records and chunk boundaries are reached by small inputs.
    let options = Options {
        chunk_rows: 3,
        chunk_bytes: 64,
        max_record_bytes: 48,
        ..Options::default()
    };
    let mut out = Vec::new();
    let Ok(summary) = batch::run(&CLASSIFIER, data, &mut out, &options, |_, _| {}) else {
        return;
    };
    assert_eq!(summary.rows, summary.scored + summary.failed);
    // The output has a header and one record per row.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(out.as_slice());
    let written = reader.byte_records().map(|r| r.expect("output parses")).count() as u64;
    assert_eq!(written, summary.rows, "one output row per record read");
    // Without a UTF-16 byte-order mark the input is parsed as the csv crate parses it.
    if !(data.starts_with(&[0xff, 0xfe]) || data.starts_with(&[0xfe, 0xff])) {
        if let Some(expected) = records(data) {
            assert_eq!(summary.rows, expected, "one output row per input record");
        }
    }
});
