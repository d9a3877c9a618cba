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
    /// A chunk also ends once its records hold this many bytes, so a file of long postings
    /// holds as much in memory as one of short ones.
    pub chunk_bytes: usize,
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
            chunk_bytes: 8 << 20,
            evidence_terms: 3,
            min_confidence: fit::DEFAULT_MIN_CONFIDENCE,
        }
    }
}

/// Counts reported at the end of a run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub rows: u64,
    pub scored: u64,
    pub failed: u64,
    /// Result columns written under another name because the input already had a column of
    /// that name, as `(name, written as)`: a labelled export's own `level` column is kept, and
    /// the prediction goes to `joblevel_level`.
    pub renamed: Vec<(String, String)>,
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
    Write(std::io::Error),
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
    /// The names of the appended columns as written: [`RESULT_COLUMNS`], then [`FIT_COLUMNS`]
    /// with a title, each renamed if the input has it already.
    results: Vec<String>,
}

/// Position of `error` among the appended columns.
const ERROR_FIELD: usize = 6;

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
    let mut summary = Summary {
        renamed: RESULT_COLUMNS
            .iter()
            .chain(&FIT_COLUMNS)
            .zip(&layout.results)
            .filter(|(name, written)| *name != written)
            .map(|(name, written)| (name.to_string(), written.clone()))
            .collect(),
        ..Summary::default()
    };

    let mut next = read_chunk(&mut reader, options, 0, Vec::new())?;
    let mut scored: Option<(Vec<Row>, Vec<Outcome>)> = None;
    loop {
        let current = std::mem::take(&mut next);
        if current.is_empty() && scored.is_none() {
            break;
        }
        let last_record = current.last().map_or(summary.rows, |r| r.record);
        // Write the previous chunk and read the next one while this one is scored; at most
        // three chunks are held at any time.
        let (io, outcomes) = rayon::join(
            || -> Result<Vec<Row>, BatchError> {
                let mut spare = Vec::new();
                if let Some((rows, outcomes)) = scored.take() {
                    write_chunk(&mut sink, &layout, &rows, &outcomes, options, &mut summary)?;
                    progress(summary.rows, reader.position().byte());
                    spare = rows;
                }
                if current.is_empty() {
                    Ok(Vec::new())
                } else {
                    read_chunk(&mut reader, options, last_record, spare)
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
    let appended = RESULT_COLUMNS.iter().chain(if title.is_some() {
        &FIT_COLUMNS[..]
    } else {
        &[]
    });
    let results = appended
        .map(|&name| {
            // Compared as columns are found (case, spaces and `_` ignored), so that a reader
            // looking columns up by name never finds the input's column instead of ours.
            let mut written = name.to_string();
            while columns::find(&names, &[&written]).is_some() {
                written.insert_str(0, "joblevel_");
            }
            written
        })
        .collect();
    Ok(Layout {
        headers,
        text,
        title,
        results,
    })
}

/// Reads the next chunk: up to [`Options::chunk_rows`] records or [`Options::chunk_bytes`]
/// bytes. Record numbers continue from `last_record`; the records of `spare` (a chunk already
/// written) are reused.
fn read_chunk<R: Read>(
    reader: &mut csv::Reader<R>,
    options: &Options,
    last_record: u64,
    spare: Vec<Row>,
) -> Result<Vec<Row>, BatchError> {
    // A record that held a very long field keeps its buffer; let it go rather than keep
    // megabytes for every later chunk.
    let mut spare = spare
        .into_iter()
        .map(|row| row.fields)
        .filter(|fields| fields.as_slice().len() <= 1 << 16);
    let mut rows = Vec::with_capacity(options.chunk_rows.min(1 << 16));
    let mut record = last_record;
    let mut bytes = 0;
    // At least one record per chunk, whatever the limits: an empty chunk ends the run.
    while rows.is_empty() || (rows.len() < options.chunk_rows && bytes < options.chunk_bytes) {
        let mut fields = spare.next().unwrap_or_default();
        let line = reader.position().line();
        match reader.read_byte_record(&mut fields) {
            Ok(true) => {
                record += 1;
                bytes += fields.as_slice().len();
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
    let (got, want) = (fields.len(), layout.headers.len());
    if got != want {
        let how = if got < want {
            "padded with empty fields"
        } else {
            "the extra fields are dropped"
        };
        return Err(format!(
            "record has {got} fields, header has {want} ({how})"
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
    let mut results = Results::default();
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
        results.fill(outcome, options.evidence_terms, layout.title.is_some());
        sink.write(layout, &row.fields, &results)?;
    }
    Ok(())
}

/// The appended fields of one row ([`RESULT_COLUMNS`], then [`FIT_COLUMNS`] with a title),
/// written into one buffer reused from row to row.
#[derive(Default)]
struct Results {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Results {
    fn fill(&mut self, outcome: &Outcome, evidence_terms: usize, with_fit: bool) {
        self.bytes.clear();
        self.ends.clear();
        match outcome {
            Outcome::Failed(reason) => {
                for _ in 0..ERROR_FIELD {
                    self.end();
                }
                self.bytes.extend_from_slice(reason.as_bytes());
                self.end();
            }
            Outcome::Scored(p, _) => {
                self.bytes.extend_from_slice(p.level.as_str().as_bytes());
                self.end();
                push_fixed(&mut self.bytes, p.confidence, 4, false);
                self.end();
                for level in Level::ALL {
                    push_fixed(
                        &mut self.bytes,
                        f64::from(p.scores[level.index()]),
                        4,
                        false,
                    );
                    self.end();
                }
                // `term=+0.123; term=+0.045`: the strongest terms for the predicted level.
                for (i, e) in p.evidence_for(p.level).take(evidence_terms).enumerate() {
                    if i > 0 {
                        self.bytes.extend_from_slice(b"; ");
                    }
                    self.bytes.extend_from_slice(e.term.as_bytes());
                    self.bytes.push(b'=');
                    push_fixed(&mut self.bytes, f64::from(e.weight), 3, true);
                }
                self.end();
                self.end(); // error: none
            }
        }
        if with_fit {
            if let Outcome::Scored(_, Some((named, verdict))) = outcome {
                self.bytes
                    .extend_from_slice(named.map_or("none", Level::as_str).as_bytes());
                self.end();
                // Writing to a Vec cannot fail.
                let _ = write!(self.bytes, "{verdict}");
                self.end();
            } else {
                self.end();
                self.end();
            }
        }
    }

    fn end(&mut self) {
        self.ends.push(self.bytes.len());
    }

    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.bytes[a..b])
    }
}

/// Writes `x` with `decimals` decimals (`-0.1235`, or `+0.124` with `plus`), as `{:.N}` does
/// but without the formatting machinery, which was a tenth of the writing time; ties may round
/// the other way in the last digit. Non-finite or huge values go through `format!`.
fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32, plus: bool) {
    let scale = 10u64.pow(decimals);
    if !x.is_finite() || x.abs() >= 1e9 {
        let _ = if plus {
            write!(out, "{x:+.*}", decimals as usize)
        } else {
            write!(out, "{x:.*}", decimals as usize)
        };
        return;
    }
    let n = (x.abs() * scale as f64).round() as u64;
    if x < 0.0 && n > 0 {
        out.push(b'-');
    } else if plus {
        out.push(b'+');
    }
    let _ = write!(out, "{}.", n / scale);
    let frac = n % scale;
    let mut digit = scale / 10;
    while digit > 0 {
        out.push(b'0' + (frac / digit % 10) as u8);
        digit /= 10;
    }
}

/// The output writer: CSV or JSON lines.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>, ByteRecord),
    /// The writer and the JSON keys: the header names, made unique, then the result names.
    Jsonl(std::io::BufWriter<W>, Vec<String>),
}

impl<W: Write> Sink<W> {
    fn new(output: W, layout: &Layout, format: Format) -> Result<Sink<W>, BatchError> {
        let mut names: Vec<String> = layout
            .headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .from_writer(output);
                names.extend(layout.results.iter().cloned());
                w.write_record(&names).map_err(write_err)?;
                Ok(Sink::Csv(Box::new(w), ByteRecord::new()))
            }
            Format::Jsonl => {
                // A CSV may repeat a header name; a JSON object cannot, and the second value
                // would silently replace the first. Repeats become `name_2`, `name_3`...
                let mut seen = rustc_hash::FxHashSet::default();
                for name in names.iter_mut() {
                    let mut n = 1;
                    let base = name.clone();
                    while !seen.insert(name.clone()) {
                        n += 1;
                        *name = format!("{base}_{n}");
                    }
                }
                for result in &layout.results {
                    let mut name = result.clone();
                    while !seen.insert(name.clone()) {
                        name.insert_str(0, "joblevel_");
                    }
                    names.push(name);
                }
                Ok(Sink::Jsonl(
                    std::io::BufWriter::with_capacity(1 << 16, output),
                    names,
                ))
            }
        }
    }

    /// Writes one row: the input fields, padded or cut to the header's width so the output
    /// stays rectangular (the error column says when a record was short or long), then results.
    fn write(
        &mut self,
        layout: &Layout,
        fields: &ByteRecord,
        results: &Results,
    ) -> Result<(), BatchError> {
        let width = layout.headers.len();
        let input = (0..width).map(|i| fields.get(i).unwrap_or_default());
        match self {
            Sink::Csv(w, record) => {
                record.clear();
                for f in input.chain(results.fields()) {
                    record.push_field(f);
                }
                w.write_byte_record(record).map_err(write_err)
            }
            Sink::Jsonl(w, names) => {
                let mut object = serde_json::Map::with_capacity(names.len());
                for (name, f) in names.iter().zip(input) {
                    object.insert(name.clone(), String::from_utf8_lossy(f).into_owned().into());
                }
                for (i, (name, r)) in names[width..].iter().zip(results.fields()).enumerate() {
                    object.insert(name.clone(), result_json(i, r));
                }
                serde_json::to_writer(&mut *w, &object).map_err(|e| BatchError::Write(e.into()))?;
                w.write_all(b"\n").map_err(BatchError::Write)
            }
        }
    }

    fn finish(self) -> Result<(), BatchError> {
        match self {
            Sink::Csv(mut w, _) => w.flush().map_err(BatchError::Write),
            Sink::Jsonl(mut w, _) => w.flush().map_err(BatchError::Write),
        }
    }
}

/// Result field `i` in JSON: confidence and scores as numbers, empty fields as null.
fn result_json(i: usize, value: &[u8]) -> serde_json::Value {
    if value.is_empty() {
        return serde_json::Value::Null;
    }
    // Results are built from strings, so they are UTF-8.
    let value = String::from_utf8_lossy(value);
    match i {
        1..=4 => value
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        _ => value.into_owned().into(),
    }
}

fn write_err(e: csv::Error) -> BatchError {
    BatchError::Write(match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    })
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
    fn long_records_end_a_chunk_early_and_keep_their_order() {
        let text = "Report to the CEO and own the company-wide strategy. ".repeat(40);
        let mut input = String::from("id,description\n");
        for i in 0..30 {
            input += &format!("{i},\"{text}\"\n");
        }
        let options = Options {
            chunk_bytes: 3 * text.len(),
            ..Options::default()
        };
        let (summary, out) = run_str(&input, &options);
        assert_eq!(summary.unwrap().scored, 30);
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let ids: Vec<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
        assert_eq!(ids, (0..30).map(|i| i.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn zero_chunk_limits_still_read_every_record() {
        let input = "id,description\n1,Run the shift\n2,Own the strategy\n3,Lead the region\n";
        for options in [
            Options {
                chunk_rows: 0,
                ..Options::default()
            },
            Options {
                chunk_bytes: 0,
                ..Options::default()
            },
        ] {
            let (summary, _) = run_str(input, &options);
            assert_eq!(summary.unwrap().rows, 3);
        }
    }

    #[test]
    fn fixed_point_numbers_read_as_format_writes_them() {
        for x in [
            0.0, 1.0, 0.59741, 0.33334, 2.71949, -0.64812, 12.5, -3.0, 0.99996,
        ] {
            let mut out = Vec::new();
            push_fixed(&mut out, x, 4, false);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{x:.4}"));
            let mut out = Vec::new();
            push_fixed(&mut out, x, 3, true);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{x:+.3}"));
        }
        let mut out = Vec::new();
        push_fixed(&mut out, -0.00001, 4, false);
        assert_eq!(out, b"0.0000", "no negative zero");
    }

    #[test]
    fn a_result_column_the_input_has_already_is_renamed_not_refused() {
        let input = "id,Level,description\n1,L7,Report to the CEO\n";
        let (summary, out) = run_str(input, &Options::default());
        assert_eq!(
            summary.unwrap().renamed,
            [("level".to_string(), "joblevel_level".to_string())]
        );
        let header = out.lines().next().unwrap();
        assert!(header.starts_with("id,Level,description,joblevel_level,confidence,"));
    }

    #[test]
    fn strict_mode_stops_at_the_first_bad_record_with_its_line() {
        let input = "id,description\n1,Run the shift\n2,\"Run the\nnight shift\"\n3,\n4,ok\n";
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
