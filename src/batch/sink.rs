//! Where scored rows go: the [`Sink`] trait and the typed result it receives for each row.
//!
//! Scoring knows nothing of output: it hands each row's [`RowResult`] to a sink, in input
//! order. [`CsvSink`](super::CsvSink) and [`JsonlSink`](super::JsonlSink) write them out;
//! `Vec<RowResult>` collects them for a library user who wants the predictions as values.

use super::MAX_RECORD_BYTES;
use crate::answer::Basis;
use crate::classify::Prediction;
use crate::error::{InputError, MAX_ECHO};
use crate::fit::Verdict;
use crate::level::Level;
use csv::ByteRecord;
use std::io;

/// One input record's result: its answers, or why it could not be scored.
#[derive(Debug, Clone, PartialEq)]
pub struct RowResult {
    /// The record's number: 1 for the first record after the header, counted as the input's
    /// records (a quoted field may span lines), so the n-th result is record n.
    pub record: u64,
    /// The line of the input the record starts on.
    pub line: u64,
    /// The answers, or why not (written in the `error` column).
    pub outcome: Result<Scored, RowError>,
}

impl RowResult {
    /// The answers, when the row was scored.
    pub fn scored(&self) -> Option<&Scored> {
        self.outcome.as_ref().ok()
    }

    /// Why the row could not be scored.
    pub fn error(&self) -> Option<&RowError> {
        self.outcome.as_ref().err()
    }
}

/// Why a row could not be scored; its message is what the `error` column says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// A JSON line that is not an object, or over the size limit: the reader's reason.
    #[error("{0}")]
    BadLine(String),
    /// A CSV record over [`MAX_RECORD_BYTES`]: only its start was read.
    #[error(
        "record is over the {} MiB limit: not read whole, not scored (fields over {} bytes \
         are left empty here)",
        MAX_RECORD_BYTES >> 20,
        MAX_ECHO
    )]
    TooLarge,
    /// A record with fewer or more fields than the header.
    #[error("record has {got} fields, header has {want} ({})", if .got < .want {
        "padded with empty fields"
    } else {
        "not scored, as its columns may be shifted; the extra fields are not written"
    })]
    FieldCount { got: usize, want: usize },
    /// A text or title field with a NUL byte.
    #[error("column {column:?}: {}", InputError::Binary { offset: *.offset })]
    Binary { column: String, offset: usize },
    #[error("column {column:?} is not valid UTF-8 (bad byte at offset {offset})")]
    NotUtf8 { column: String, offset: usize },
    /// No text, or only blanks and punctuation.
    #[error("text is empty")]
    Empty,
    /// A text the classifier refuses: over [`MAX_TEXT_BYTES`](super::MAX_TEXT_BYTES), no
    /// word the model knows.
    #[error(transparent)]
    Text(InputError),
}

/// A text the classifier refused, as a row's error: no text and only punctuation both read
/// "text is empty", the rest keep the classifier's reason.
impl From<InputError> for RowError {
    fn from(e: InputError) -> RowError {
        match e {
            InputError::Blank | InputError::Empty => RowError::Empty,
            e => RowError::Text(e),
        }
    }
}

/// The answers for one scored row: the columns `level` to `evidence` (and `title_level`,
/// `fit` with a title column) as values.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The answer: the named level when there is one, else the described level.
    pub level: Level,
    /// What `level` rests on.
    pub basis: Basis,
    /// The level the posting names for itself and the title it was read from: the row's
    /// title column when it has one, else the title words found in its text.
    pub named: Option<Named>,
    /// The described level: the text scored with the named title masked out. Its evidence is
    /// the strongest terms for its level only, at most [`Options::evidence_terms`] of them.
    ///
    /// [`Options::evidence_terms`]: super::Options::evidence_terms
    pub described: Prediction,
    /// With a title column: the level the title names and whether it fits the described level.
    pub fit: Option<TitleFit>,
}

/// A level named by the posting itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub level: Level,
    /// The title it was read from.
    pub title: String,
}

/// The title column's level against the described level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitleFit {
    /// The level the title names (`None`: it names no management level).
    pub title_level: Option<Level>,
    pub verdict: Verdict,
}

/// Receives a batch's results, one row at a time, in input order.
///
/// The batch calls [`Sink::begin`] once, then [`Sink::row`] for every input record (with
/// [`Sink::flush`] after each chunk when the input is JSON lines, read as a filter), and
/// [`Sink::finish`] at the end of a run that succeeded. An error from the sink stops the run as
/// [`BatchError::Write`](super::BatchError::Write).
///
/// Collecting the results rather than writing them:
///
/// ```
/// use joblevel::{batch, builtin, Classifier, Level};
/// let classifier = Classifier::new(builtin::model("default").unwrap());
/// let input = "id,title,description\n\
///              1,Head of Operations,Supervise the shift team on the warehouse floor.\n\
///              2,Director of Operations,\n";
/// let mut results: Vec<batch::RowResult> = Vec::new();
/// let summary = batch::Batch::open(input.as_bytes(), &batch::Options::default())
///     .unwrap()
///     .run_sink(&classifier, &mut results, |_, _| {})
///     .unwrap();
/// assert_eq!((summary.rows, summary.failed), (2, 1));
/// let first = results[0].scored().unwrap();
/// assert_eq!(first.level, Level::Head);
/// assert_eq!(first.named.as_ref().unwrap().title, "Head of Operations");
/// assert!(first.described.probabilities.iter().sum::<f64>() > 0.99);
/// assert_eq!((results[1].record, results[1].error()), (2, Some(&batch::RowError::Empty)));
/// ```
pub trait Sink {
    /// Called once, before any row: the input's column names and the names of the columns a
    /// writer appends ([`RESULT_COLUMNS`](super::RESULT_COLUMNS), then
    /// [`FIT_COLUMNS`](super::FIT_COLUMNS) with a title column, each renamed when the input
    /// has a column of that name already).
    fn begin(&mut self, input: &ByteRecord, appended: &[String]) -> io::Result<()> {
        let _ = (input, appended);
        Ok(())
    }

    /// One record: its input fields as read (a record that is short or long has fewer or more
    /// fields than the header, and says so in its error; a record over the size limit keeps
    /// only its short fields) and its result.
    fn row(&mut self, input: &ByteRecord, result: RowResult) -> io::Result<()>;

    /// The rows so far should reach the output now: a writer of JSON lines in waits for them.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// The run has succeeded: the last call.
    fn finish(&mut self) -> io::Result<()> {
        self.flush()
    }
}

/// Collects the results in input order.
impl Sink for Vec<RowResult> {
    fn row(&mut self, _input: &ByteRecord, result: RowResult) -> io::Result<()> {
        self.push(result);
        Ok(())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn begin(&mut self, input: &ByteRecord, appended: &[String]) -> io::Result<()> {
        (**self).begin(input, appended)
    }

    fn row(&mut self, input: &ByteRecord, result: RowResult) -> io::Result<()> {
        (**self).row(input, result)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        (**self).finish()
    }
}
