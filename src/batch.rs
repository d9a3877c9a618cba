//! Batch scoring: CSV in, the same CSV out with the classification appended to every row.
//!
//! Streaming and bounded: records are read in chunks of [`Options::chunk_rows`], a chunk is
//! scored in parallel with rayon while the previous chunk is written and the next one read,
//! and chunks are written in input order. Memory is a few chunks, whatever the file size.
//!
//! Nothing is lost: every input record gives exactly one output row. A record that cannot be
//! scored (field count differs from the header, text not UTF-8, empty text, text over
//! [`MAX_TEXT_BYTES`]) keeps its input fields, gets empty result fields and a reason in
//! `error`, and the run goes on, unless [`Options::strict`] asks to stop at the first one.

use crate::classify::{Classifier, Prediction};
use crate::columns;
use crate::error::InputError;
use crate::fit::{self, Verdict};
use crate::level::Level;
use csv::ByteRecord;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Read, Write};

/// Longest text (after joining the text columns) that is scored, in bytes: a posting is a few
/// kilobytes; a megabyte is a document dump, not a job description.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Columns appended to every row, in this order.
pub const RESULT_COLUMNS: [&str; 7] = [
    "level",
    "confidence",
    "score_head",
    "score_director",
    "score_vp",
    "evidence",
    "error",
];

/// Columns appended after [`RESULT_COLUMNS`] when the input has a title column.
pub const FIT_COLUMNS: [&str; 2] = ["title_level", "fit"];

/// Output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with the input's columns then [`RESULT_COLUMNS`].
    Csv,
    /// One JSON object per line, keyed by the header names.
    Jsonl,
}

/// How to read and score a CSV.
#[derive(Debug, Clone)]
pub struct Options {
    /// Text column(s), comma-separated; `None` finds one by name ([`columns::TEXT_COLUMNS`]).
    pub text_columns: Option<String>,
    /// Title column; `None` uses one found by name, if any. With a title, the title is masked
    /// out of the text before scoring and [`FIT_COLUMNS`] are added.
    pub title_column: Option<String>,
    /// Field delimiter of the input (the output CSV uses `,`).
    pub delimiter: u8,
    pub format: Format,
    /// Stop at the first record that cannot be scored.
    pub strict: bool,
    /// Records per chunk.
    pub chunk_rows: usize,
    /// Evidence terms written per row (for the predicted level).
    pub evidence_terms: usize,
    /// With a title column: below this confidence the fit verdict is `uncertain`.
    pub min_confidence: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            text_columns: None,
            title_column: None,
            delimiter: b',',
            format: Format::Csv,
            strict: false,
            chunk_rows: 2048,
            evidence_terms: 3,
            min_confidence: fit::DEFAULT_MIN_CONFIDENCE,
        }
    }
}

/// Counts reported at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub rows: u64,
    pub scored: u64,
    pub failed: u64,
}

/// Why a batch run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("input is empty: expected a CSV header line")]
    Empty,
    #[error("{0}")]
    Columns(String),
    #[error("record {record} (line {line}): {reason}")]
    Strict {
        record: u64,
        line: u64,
        reason: String,
    },
    #[error("reading CSV: {0}")]
    Read(csv::Error),
    #[error("writing output: {0}")]
    Write(String),
}

/// One input record as read, with its place in the file.
struct Row {
    record: u64,
    line: u64,
    fields: ByteRecord,
}

/// What scoring one row gave.
enum Outcome {
    /// The prediction, and with a title column, the fit verdict.
    Scored(Prediction, Option<(Option<Level>, Verdict)>),
    Failed(String),
}

/// The resolved layout of the input.
struct Layout {
    headers: ByteRecord,
    text: Vec<usize>,
    title: Option<usize>,
}

/// Scores every record of `input` and writes `output`; `progress(rows, bytes_read)` is called
/// after each chunk.
pub fn run<R: Read + Send, W: Write + Send>(
    classifier: &Classifier,
    input: R,
    output: W,
    options: &Options,
    mut progress: impl FnMut(u64, u64) + Send,
) -> Result<Summary, BatchError> {
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(1 << 18)
        .delimiter(options.delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(input);
    let mut headers = ByteRecord::new();
    if !reader
        .read_byte_record(&mut headers)
        .map_err(BatchError::Read)?
    {
        return Err(BatchError::Empty);
    }
    let layout = resolve_layout(headers, options)?;
    let mut sink = Sink::new(output, &layout, options.format)?;
    let mut summary = Summary::default();

    let mut next = read_chunk(&mut reader, options.chunk_rows, 0)?;
    let mut scored: Option<(Vec<Row>, Vec<Outcome>)> = None;
    loop {
        let current = std::mem::take(&mut next);
        if current.is_empty() && scored.is_none() {
            break;
        }
        let last_record = current.last().map_or(summary.rows, |r| r.record);
        // Write the previous chunk and read the next one while this one is scored.
        let (io, outcomes) = rayon::join(
            || -> Result<Vec<Row>, BatchError> {
                if let Some((rows, outcomes)) = scored.take() {
                    write_chunk(&mut sink, &layout, &rows, &outcomes, options, &mut summary)?;
                    progress(summary.rows, reader.position().byte());
                }
                if current.is_empty() {
                    Ok(Vec::new())
                } else {
                    read_chunk(&mut reader, options.chunk_rows, last_record)
                }
            },
            || {
                current
                    .par_iter()
                    .map(|row| score(classifier, &layout, row, options.min_confidence))
                    .collect::<Vec<_>>()
            },
        );
        next = io?;
        if !current.is_empty() {
            scored = Some((current, outcomes));
        }
    }
    sink.finish()?;
    Ok(summary)
}

fn resolve_layout(headers: ByteRecord, options: &Options) -> Result<Layout, BatchError> {
    let names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let text = columns::resolve(
        &names,
        options.text_columns.as_deref(),
        &columns::TEXT_COLUMNS,
        "text",
    )
    .map_err(|e| BatchError::Columns(format!("{e} (name it with --text-column)")))?;
    let title = match &options.title_column {
        Some(spec) => Some(
            columns::resolve(&names, Some(spec), &[], "title").map_err(BatchError::Columns)?[0],
        ),
        None => columns::find(&names, &columns::TITLE_COLUMNS).filter(|c| !text.contains(c)),
    };
    for name in RESULT_COLUMNS.iter().chain(&FIT_COLUMNS) {
        if columns::find(&names, &[name]).is_some() {
            return Err(BatchError::Columns(format!(
                "the input already has a column named {name:?}, which the output adds; rename it"
            )));
        }
    }
    Ok(Layout {
        headers,
        text,
        title,
    })
}

/// Reads up to `n` records; record numbers continue from `last_record`.
fn read_chunk<R: Read>(
    reader: &mut csv::Reader<R>,
    n: usize,
    last_record: u64,
) -> Result<Vec<Row>, BatchError> {
    let mut rows = Vec::with_capacity(n);
    let mut record = last_record;
    while rows.len() < n {
        let mut fields = ByteRecord::new();
        let line = reader.position().line();
        match reader.read_byte_record(&mut fields) {
            Ok(true) => {
                record += 1;
                rows.push(Row {
                    record,
                    line,
                    fields,
                });
            }
            Ok(false) => break,
            // Only I/O fails here (the reader is flexible and reads bytes): nothing more can
            // be read, so the run stops rather than guessing at the rest.
            Err(e) => return Err(BatchError::Read(e)),
        }
    }
    Ok(rows)
}

fn score(classifier: &Classifier, layout: &Layout, row: &Row, min_confidence: f64) -> Outcome {
    match text_of(layout, &row.fields) {
        Err(reason) => Outcome::Failed(reason),
        Ok((text, title)) => {
            let scored = match title {
                Some(title) => classifier.classify_without_title(&text, title).map(|p| {
                    let named = title_level(title);
                    let verdict = fit::verdict(named, &p, min_confidence);
                    (p, Some((named, verdict)))
                }),
                None => classifier.classify(&text).map(|p| (p, None)),
            };
            match scored {
                Ok((p, fit)) => Outcome::Scored(p, fit),
                Err(InputError::Blank | InputError::Empty) => {
                    Outcome::Failed("text is empty".into())
                }
                Err(e) => Outcome::Failed(e.to_string()),
            }
        }
    }
}

/// The level a title names, cached per thread: exports repeat a few thousand titles over
/// millions of rows, and parsing one runs a dozen regexes.
fn title_level(title: &str) -> Option<Level> {
    thread_local! {
        static CACHE: RefCell<FxHashMap<Box<str>, Option<Level>>> = RefCell::default();
    }
    CACHE.with_borrow_mut(|cache| {
        if let Some(&level) = cache.get(title) {
            return level;
        }
        if cache.len() >= TITLE_CACHE_LIMIT {
            cache.clear();
        }
        let level = crate::title::parse(title).level;
        cache.insert(title.into(), level);
        level
    })
}

const TITLE_CACHE_LIMIT: usize = 50_000;

/// The text to score (text columns joined by a blank line) and the title, if any.
fn text_of<'r>(
    layout: &Layout,
    fields: &'r ByteRecord,
) -> Result<(Cow<'r, str>, Option<&'r str>), String> {
    if fields.len() != layout.headers.len() {
        return Err(format!(
            "record has {} fields, header has {}",
            fields.len(),
            layout.headers.len()
        ));
    }
    let column = |i: usize| String::from_utf8_lossy(&layout.headers[i]).into_owned();
    let utf8 = |c: usize| {
        std::str::from_utf8(&fields[c]).map_err(|e| {
            format!(
                "column {:?} is not valid UTF-8 (bad byte at offset {})",
                column(c),
                e.valid_up_to()
            )
        })
    };
    // One text column (the usual case) is borrowed from the record, not copied.
    let text: Cow<'r, str> = match layout.text.as_slice() {
        [single] => Cow::Borrowed(utf8(*single)?),
        several => {
            let mut joined = String::new();
            for &c in several {
                let part = utf8(c)?;
                if !joined.is_empty() && !part.is_empty() {
                    joined.push_str("\n\n");
                }
                joined.push_str(part);
            }
            Cow::Owned(joined)
        }
    };
    if text.len() > MAX_TEXT_BYTES {
        return Err(InputError::TooLong {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        }
        .to_string());
    }
    let title = layout.title.map(utf8).transpose()?;
    Ok((text, title))
}

fn write_chunk<W: Write>(
    sink: &mut Sink<W>,
    layout: &Layout,
    rows: &[Row],
    outcomes: &[Outcome],
    options: &Options,
    summary: &mut Summary,
) -> Result<(), BatchError> {
    for (row, outcome) in rows.iter().zip(outcomes) {
        if let (true, Outcome::Failed(reason)) = (options.strict, outcome) {
            return Err(BatchError::Strict {
                record: row.record,
                line: row.line,
                reason: reason.clone(),
            });
        }
        summary.rows += 1;
        match outcome {
            Outcome::Scored(..) => summary.scored += 1,
            Outcome::Failed(_) => summary.failed += 1,
        }
        let fields = &row.fields;
        sink.write(
            layout,
            fields,
            &results(outcome, options.evidence_terms, layout.title.is_some()),
        )?;
    }
    Ok(())
}

/// The appended fields: [`RESULT_COLUMNS`], then [`FIT_COLUMNS`] when there is a title.
fn results(outcome: &Outcome, evidence_terms: usize, with_fit: bool) -> Vec<String> {
    let mut fields = match outcome {
        Outcome::Failed(reason) => {
            let mut fields = vec![String::new(); RESULT_COLUMNS.len()];
            fields[6] = reason.clone();
            fields
        }
        Outcome::Scored(p, _) => vec![
            p.level.as_str().to_string(),
            format!("{:.4}", p.confidence),
            format!("{:.4}", p.scores[Level::Head.index()]),
            format!("{:.4}", p.scores[Level::Director.index()]),
            format!("{:.4}", p.scores[Level::Vp.index()]),
            evidence(p, evidence_terms),
            String::new(),
        ],
    };
    if with_fit {
        match outcome {
            Outcome::Scored(_, Some((named, verdict))) => {
                fields.push(named.map_or("none", Level::as_str).to_string());
                fields.push(verdict.to_string());
            }
            _ => fields.extend([String::new(), String::new()]),
        }
    }
    fields
}

/// `term=+0.123; term=+0.045`: the strongest terms for the predicted level.
fn evidence(p: &Prediction, n: usize) -> String {
    p.evidence_for(p.level)
        .take(n)
        .map(|e| format!("{}={:+.3}", e.term, e.weight))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The output writer: CSV or JSON lines.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>, ByteRecord),
    Jsonl(std::io::BufWriter<W>, Vec<String>),
}

impl<W: Write> Sink<W> {
    fn new(output: W, layout: &Layout, format: Format) -> Result<Sink<W>, BatchError> {
        let names: Vec<String> = layout
            .headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .chain(RESULT_COLUMNS.iter().map(|s| s.to_string()))
            .chain(
                layout
                    .title
                    .iter()
                    .flat_map(|_| FIT_COLUMNS.map(String::from)),
            )
            .collect();
        match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .from_writer(output);
                w.write_record(&names).map_err(write_err)?;
                Ok(Sink::Csv(Box::new(w), ByteRecord::new()))
            }
            Format::Jsonl => Ok(Sink::Jsonl(
                std::io::BufWriter::with_capacity(1 << 16, output),
                names,
            )),
        }
    }

    /// Writes one row: the input fields, padded or cut to the header's width so the output
    /// stays rectangular (the error column says when a record was short or long), then results.
    fn write(
        &mut self,
        layout: &Layout,
        fields: &ByteRecord,
        results: &[String],
    ) -> Result<(), BatchError> {
        let width = layout.headers.len();
        let input = (0..width).map(|i| fields.get(i).unwrap_or_default());
        match self {
            Sink::Csv(w, record) => {
                record.clear();
                for f in input {
                    record.push_field(f);
                }
                for r in results {
                    record.push_field(r.as_bytes());
                }
                w.write_byte_record(record).map_err(write_err)
            }
            Sink::Jsonl(w, names) => {
                let mut object = serde_json::Map::with_capacity(names.len());
                for (name, f) in names.iter().zip(input) {
                    object.insert(name.clone(), String::from_utf8_lossy(f).into_owned().into());
                }
                for (name, r) in names[width..].iter().zip(results) {
                    object.insert(name.clone(), result_json(name, r));
                }
                serde_json::to_writer(&mut *w, &object)
                    .map_err(|e| BatchError::Write(e.to_string()))?;
                w.write_all(b"\n")
                    .map_err(|e| BatchError::Write(e.to_string()))
            }
        }
    }

    fn finish(self) -> Result<(), BatchError> {
        match self {
            Sink::Csv(mut w, _) => w.flush().map_err(|e| BatchError::Write(e.to_string())),
            Sink::Jsonl(mut w, _) => w.flush().map_err(|e| BatchError::Write(e.to_string())),
        }
    }
}

/// Result fields in JSON: numbers as numbers, empty fields as null.
fn result_json(name: &str, value: &str) -> serde_json::Value {
    if value.is_empty() {
        return serde_json::Value::Null;
    }
    match name {
        "confidence" | "score_head" | "score_director" | "score_vp" => value
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        _ => value.into(),
    }
}

fn write_err(e: csv::Error) -> BatchError {
    BatchError::Write(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    fn classifier() -> Classifier {
        Classifier::new(builtin::model("articles").unwrap())
    }

    fn run_str(input: &str, options: &Options) -> (Result<Summary, BatchError>, String) {
        let mut out = Vec::new();
        let r = run(
            &classifier(),
            input.as_bytes(),
            &mut out,
            options,
            |_, _| {},
        );
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn every_record_gives_one_row_in_input_order_across_chunks() {
        let mut input = String::from("id,description\n");
        for i in 0..25 {
            let text = if i % 7 == 3 {
                ""
            } else {
                "Report to the CEO and own the company-wide strategy"
            };
            input += &format!("{i},\"{text}\"\n");
        }
        let options = Options {
            chunk_rows: 4,
            ..Options::default()
        };
        let (summary, out) = run_str(&input, &options);
        let summary = summary.unwrap();
        assert_eq!((summary.rows, summary.scored, summary.failed), (25, 21, 4));
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let ids: Vec<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
        assert_eq!(ids, (0..25).map(|i| i.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn strict_mode_stops_at_the_first_bad_record_with_its_line() {
        let input = "id,description\n1,Run the shift\n2,\"two\nlines\"\n3,\n4,ok\n";
        let options = Options {
            strict: true,
            ..Options::default()
        };
        let (r, _) = run_str(input, &options);
        let err = r.unwrap_err().to_string();
        assert_eq!(err, "record 3 (line 5): text is empty");
    }

    #[test]
    fn a_missing_text_column_is_an_error_before_any_row() {
        let (r, out) = run_str("id,notes\n1,x\n", &Options::default());
        assert!(r.unwrap_err().to_string().contains("no text column"));
        assert!(out.is_empty());
        let (r, _) = run_str("", &Options::default());
        assert!(matches!(r, Err(BatchError::Empty)));
    }
}
