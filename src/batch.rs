//! Batch scoring: CSV in, the same CSV out with the classification appended to every row.
//!
//! Streaming and bounded: records are read in chunks of [`Options::chunk_rows`], a chunk is
//! scored in parallel with rayon while the previous chunk is written and the next one read,
//! and chunks are written in input order. Memory is a few chunks, whatever the file size: a
//! record is cut at [`MAX_RECORD_BYTES`] as it is read ([`guard`]).
//!
//! Nothing is lost: every input record gives exactly one output row. A record that cannot be
//! scored (field count differs from the header, text not UTF-8 or binary, empty text, text
//! over [`MAX_TEXT_BYTES`], record over [`MAX_RECORD_BYTES`]) keeps its input fields, gets
//! empty result fields and a reason in `error`, and the run goes on, unless
//! [`Options::strict`] asks to stop at the first one. What makes the rest of the file
//! unreadable (a binary or over-long header, a quote never closed) stops the run.
//!
//! Scoring hands each row's typed [`RowResult`] to a [`Sink`], in input order:
//! [`CsvSink`] and [`JsonlSink`] write them ([`Batch::run`] picks one by
//! [`Options::format`]); `Vec<RowResult>` collects them ([`Batch::run_sink`]).
//!
//! ```
//! use joblevel::{batch, builtin, Classifier};
//! let classifier = Classifier::new(builtin::model("default").unwrap());
//! let input = "id,description\n1,Supervise the day-to-day shift team on the floor.\n";
//! // The header is read and checked first: a missing column fails before any output exists.
//! let batch = batch::Batch::open(input.as_bytes(), &batch::Options::default()).unwrap();
//! let mut out = Vec::new();
//! let summary = batch.run(&classifier, &mut out, |_, _| {}).unwrap();
//! assert_eq!((summary.rows, summary.failed), (1, 0));
//! assert!(String::from_utf8(out).unwrap().starts_with("id,description,level,"));
//! ```

pub mod guard;
mod jsonl;
mod read;
mod score;
mod sink;
mod write;

pub use sink::{Named, RowError, RowResult, Scored, Sink, TitleFit};
pub use write::{CsvSink, JsonlSink};

use crate::answer::Basis;
use crate::classify::Classifier;
use crate::columns;
use crate::fit;
use csv::ByteRecord;
use guard::{Guard, GuardError, Source};
use jsonl::JsonLines;
use rayon::prelude::*;
use read::{Records, read_chunk};
use score::score;
use std::io::{Read, Write};

/// Longest text (after joining the text columns) that is scored, in bytes: a posting is a few
/// kilobytes; a megabyte is a document dump, not a job description.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Longest record read, in bytes: a longer one is cut as it is read, skipped, and written as
/// an error row, so that memory stays bounded whatever the input (a file with no line end,
/// `/dev/zero`). A longer header stops the run.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// Columns appended to every row, in this order: the answer (`level`, the named level when
/// the posting names one, else the described level) and what it rests on (`basis`: named or
/// described), the named level and the title words it was read from, then the described level
/// (the text scored with the named title masked out) with its confidence, scores and evidence.
pub const RESULT_COLUMNS: [&str; 13] = [
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

/// Columns appended after [`RESULT_COLUMNS`] when the input has a title column.
pub const FIT_COLUMNS: [&str; 2] = ["title_level", "fit"];

/// Input encoding (`batch --input-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// CSV with a header line
    #[default]
    Csv,
    /// JSON lines: one object per line, the keys of the first are the columns
    // Output is then flushed after every chunk, so the command works as a line-in/line-out
    // filter (`RDD.pipe`).
    Jsonl,
}

/// Output encoding, for [`Batch::run`] (`batch --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV: the input's columns, then the result columns
    Csv,
    /// JSON lines: one object per row, keyed by the column names
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
    pub input_format: InputFormat,
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
    /// With a title column: how sure the described level must be to lie below (above) the
    /// title's for `over-titled` (`under-titled`); see [`fit::verdict`].
    pub min_confidence: f64,
    /// Longest record read ([`MAX_RECORD_BYTES`]; smaller in tests).
    pub max_record_bytes: usize,
    /// Which answer `level` gives: [`Basis::Named`] reads the level a posting names for
    /// itself (a title column wins over the text); [`Basis::Described`] answers with the
    /// described level of the text as it is (a title column still masked), as before the
    /// named level.
    pub basis: Basis,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            text_columns: None,
            title_column: None,
            delimiter: b',',
            input_format: InputFormat::Csv,
            format: Format::Csv,
            strict: false,
            chunk_rows: 2048,
            chunk_bytes: 8 << 20,
            evidence_terms: 3,
            min_confidence: fit::DEFAULT_MIN_CONFIDENCE,
            max_record_bytes: MAX_RECORD_BYTES,
            basis: Basis::Named,
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
    /// The input was UTF-16 (with a byte-order mark), written out as UTF-8.
    pub utf16: bool,
}

/// Why a batch run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("input is empty: expected a CSV header line")]
    Empty,
    #[error("{0}")]
    Columns(String),
    #[error("not JSON lines: {0}")]
    NotJsonLines(String),
    /// The input cannot be read as CSV from here on (or at all).
    #[error("{0}")]
    Unreadable(GuardError),
    #[error("record {record} (line {line}): {reason}")]
    Strict {
        record: u64,
        line: u64,
        reason: RowError,
    },
    #[error("record {record} (line {line}): {source}")]
    Malformed {
        record: u64,
        line: u64,
        source: GuardError,
    },
    #[error("reading CSV: {0}")]
    Read(csv::Error),
    #[error("writing output: {0}")]
    Write(std::io::Error),
}

impl BatchError {
    /// A parser error: the guard's reason when it stopped the input, else the read error.
    fn from_read(e: csv::Error, record: u64, line: u64) -> BatchError {
        if let csv::ErrorKind::Io(io) = e.kind()
            && let Some(g) = GuardError::from_io(io)
        {
            return match g {
                GuardError::UnclosedQuote { .. } => BatchError::Malformed {
                    record,
                    line,
                    source: g.clone(),
                },
                _ => BatchError::Unreadable(g.clone()),
            };
        }
        BatchError::Read(e)
    }

    /// True when the input, not the machine, is at fault (exit code 3 rather than 4).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, BatchError::Read(e) if e.is_io_error())
            && !matches!(self, BatchError::Write(_))
    }
}

/// One input record as read, with its place in the file.
struct Row {
    record: u64,
    line: u64,
    fields: ByteRecord,
    /// Cut at [`Options::max_record_bytes`]: `fields` hold only its start.
    cut: bool,
    /// Why the record could not be read (a JSON line that is not an object).
    problem: Option<String>,
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

/// A CSV input whose header has been read and checked: nothing is written before this
/// succeeds, so a caller can create its output file only once the input is known usable.
pub struct Batch<R: Read> {
    reader: Records<R>,
    layout: Layout,
    options: Options,
    utf16: bool,
}

impl<R: Read + Send> Batch<R> {
    /// Reads the header of `input` and finds its text and title columns.
    pub fn open(input: R, options: &Options) -> Result<Batch<R>, BatchError> {
        let source = Source::new(input).map_err(|e| BatchError::Read(e.into()))?;
        let utf16 = source.is_utf16();
        let (reader, headers) = match options.input_format {
            InputFormat::Csv => {
                let guard = Guard::new(source, options.delimiter, options.max_record_bytes);
                let mut reader = csv::ReaderBuilder::new()
                    .buffer_capacity(1 << 18)
                    .delimiter(options.delimiter)
                    .flexible(true)
                    .has_headers(false)
                    .from_reader(guard);
                let mut headers = ByteRecord::new();
                match reader.read_byte_record(&mut headers) {
                    Ok(true) => {}
                    Ok(false) => return Err(BatchError::Empty),
                    Err(e) => return Err(BatchError::from_read(e, 0, 1)),
                }
                (Records::Csv(reader), headers)
            }
            InputFormat::Jsonl => match JsonLines::open(source, options.max_record_bytes) {
                Ok(Some((reader, headers))) => (Records::Jsonl(reader), headers),
                Ok(None) => return Err(BatchError::Empty),
                Err(reason) => return Err(BatchError::NotJsonLines(reason)),
            },
        };
        let layout = resolve_layout(headers, options)?;
        Ok(Batch {
            reader,
            layout,
            options: options.clone(),
            utf16,
        })
    }

    /// Scores every record and writes `output` as [`Options::format`] says;
    /// `progress(rows, bytes_read)` is called after each chunk.
    pub fn run<W: Write + Send>(
        self,
        classifier: &Classifier,
        output: W,
        progress: impl FnMut(u64, u64) + Send,
    ) -> Result<Summary, BatchError> {
        match self.options.format {
            Format::Csv => self.run_sink(classifier, CsvSink::new(output), progress),
            Format::Jsonl => self.run_sink(classifier, JsonlSink::new(output), progress),
        }
    }

    /// Scores every record and hands each row's result to `sink`, in input order;
    /// `progress(rows, bytes_read)` is called after each chunk. The sink is called from one
    /// thread at a time, while the next chunk is scored on the others (hence `Send`). See
    /// [`Sink`] for an example.
    pub fn run_sink<S: Sink + Send>(
        self,
        classifier: &Classifier,
        mut sink: S,
        mut progress: impl FnMut(u64, u64) + Send,
    ) -> Result<Summary, BatchError> {
        let Batch {
            mut reader,
            layout,
            options,
            utf16,
        } = self;
        let options = &options;
        sink.begin(&layout.headers, &layout.results)
            .map_err(BatchError::Write)?;
        let mut summary = Summary {
            renamed: RESULT_COLUMNS
                .iter()
                .chain(&FIT_COLUMNS)
                .zip(&layout.results)
                .filter(|(name, written)| *name != written)
                .map(|(name, written)| (name.to_string(), written.clone()))
                .collect(),
            utf16,
            ..Summary::default()
        };

        if let Records::Jsonl(_) = reader {
            // A filter: each chunk is what the input had ready, and is written before more
            // is waited for, so that a writer waiting for its answers is not kept waiting.
            let mut rows = Vec::new();
            loop {
                rows = read_chunk(&mut reader, options, summary.rows, rows)?;
                if rows.is_empty() {
                    break;
                }
                let outcomes: Vec<Outcome> = rows
                    .par_iter()
                    .map(|row| score(classifier, &layout, row, options))
                    .collect();
                write_chunk(&mut sink, &rows, outcomes, options, &mut summary)?;
                sink.flush().map_err(BatchError::Write)?;
                progress(summary.rows, reader.bytes());
            }
            sink.finish().map_err(BatchError::Write)?;
            return Ok(summary);
        }
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
                        write_chunk(&mut sink, &rows, outcomes, options, &mut summary)?;
                        progress(summary.rows, reader.bytes());
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
                        .map(|row| score(classifier, &layout, row, options))
                        .collect::<Vec<_>>()
                },
            );
            next = io?;
            if !current.is_empty() {
                scored = Some((current, outcomes));
            }
        }
        sink.finish().map_err(BatchError::Write)?;
        Ok(summary)
    }
}

/// What scoring one row gave.
type Outcome = Result<Scored, RowError>;

/// Scores every record of `input` and writes `output`: [`Batch::open`] then [`Batch::run`].
pub fn run<R: Read + Send, W: Write + Send>(
    classifier: &Classifier,
    input: R,
    output: W,
    options: &Options,
    progress: impl FnMut(u64, u64) + Send,
) -> Result<Summary, BatchError> {
    Batch::open(input, options)?.run(classifier, output, progress)
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
            columns::resolve(&names, Some(spec), &[], "title")
                .map_err(|e| BatchError::Columns(e.to_string()))?[0],
        ),
        None => columns::find_unique(&names, &columns::TITLE_COLUMNS)
            .map_err(|e| BatchError::Columns(format!("{e} (name it with --title-column)")))?
            .filter(|c| !text.contains(c)),
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

/// Hands a scored chunk to the sink, counting its rows.
fn write_chunk<S: Sink>(
    sink: &mut S,
    rows: &[Row],
    outcomes: Vec<Outcome>,
    options: &Options,
    summary: &mut Summary,
) -> Result<(), BatchError> {
    let mut short = ByteRecord::new();
    for (row, outcome) in rows.iter().zip(outcomes) {
        if let (true, Err(reason)) = (options.strict, &outcome) {
            return Err(BatchError::Strict {
                record: row.record,
                line: row.line,
                reason: reason.clone(),
            });
        }
        summary.rows += 1;
        match outcome {
            Ok(_) => summary.scored += 1,
            Err(_) => summary.failed += 1,
        }
        let result = RowResult {
            record: row.record,
            line: row.line,
            outcome,
        };
        let input = if row.cut {
            // Only the start of a cut record was read: keep its short fields (an id, a
            // title), not megabytes of what may not even be text.
            short.clear();
            for f in &row.fields {
                short.push_field(if f.len() > crate::error::MAX_ECHO {
                    &[]
                } else {
                    f
                });
            }
            &short
        } else {
            &row.fields
        };
        sink.row(input, result).map_err(BatchError::Write)?;
    }
    Ok(())
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
    fn a_result_column_the_input_has_already_is_renamed_not_refused() {
        let input = "id,Level,description\n1,L7,Report to the CEO\n";
        let (summary, out) = run_str(input, &Options::default());
        assert_eq!(
            summary.unwrap().renamed,
            [("level".to_string(), "joblevel_level".to_string())]
        );
        let header = out.lines().next().unwrap();
        assert!(header.starts_with("id,Level,description,joblevel_level,basis,"));
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

    /// Records what the batch hands it, and fails at a chosen row.
    #[derive(Default)]
    struct Probe {
        appended: Vec<String>,
        records: Vec<u64>,
        fail_at: Option<u64>,
        finished: bool,
    }

    impl Sink for Probe {
        fn begin(&mut self, _input: &ByteRecord, appended: &[String]) -> std::io::Result<()> {
            self.appended = appended.to_vec();
            Ok(())
        }

        fn row(&mut self, _input: &ByteRecord, result: RowResult) -> std::io::Result<()> {
            if self.fail_at == Some(result.record) {
                return Err(std::io::Error::other("disk full"));
            }
            self.records.push(result.record);
            Ok(())
        }

        fn finish(&mut self) -> std::io::Result<()> {
            self.finished = true;
            Ok(())
        }
    }

    fn probe(input: &str, fail_at: Option<u64>) -> (Result<Summary, BatchError>, Probe) {
        let options = Options {
            chunk_rows: 2,
            ..Options::default()
        };
        let mut probe = Probe {
            fail_at,
            ..Probe::default()
        };
        let r = Batch::open(input.as_bytes(), &options).unwrap().run_sink(
            &classifier(),
            &mut probe,
            |_, _| {},
        );
        (r, probe)
    }

    #[test]
    fn a_sink_gets_the_renamed_columns_then_every_row_in_order_then_finish() {
        let input = "id,title,Level,text\n1,Head of Ops,x,Run the shift\n2,,y,\n3,VP,z,Own it\n\
                     4,,,Lead the region\n5,,,Report to the CEO\n";
        let (r, probe) = probe(input, None);
        assert_eq!(r.unwrap().rows, 5);
        assert_eq!(probe.records, [1, 2, 3, 4, 5]);
        assert!(probe.finished);
        assert_eq!(probe.appended[0], "joblevel_level");
        assert_eq!(
            &probe.appended[1..],
            &RESULT_COLUMNS[1..]
                .iter()
                .chain(&FIT_COLUMNS)
                .copied()
                .collect::<Vec<_>>()[..]
        );
    }

    #[test]
    fn a_failing_sink_stops_the_run_as_a_write_error_without_finish() {
        let input = "id,text\n1,Run the shift\n2,Own it\n3,Lead the region\n4,Report to the CEO\n";
        let (r, probe) = probe(input, Some(3));
        let err = r.unwrap_err();
        assert!(!err.is_bad_input());
        assert_eq!(err.to_string(), "writing output: disk full");
        assert_eq!(probe.records, [1, 2]);
        assert!(!probe.finished);
    }
}
