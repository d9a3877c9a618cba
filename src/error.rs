//! Errors a user can act on, and the exit codes the CLI maps them to.

use std::path::PathBuf;

/// Why a piece of input text could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("input is empty: give a job description on stdin or as a file")]
    Empty,
    #[error("input has no words, only whitespace or punctuation")]
    Blank,
    #[error("input is not valid UTF-8: bad byte at offset {offset}")]
    InvalidUtf8 { offset: usize },
    #[error("input looks binary (NUL byte at offset {offset}), not text")]
    Binary { offset: usize },
    #[error("text is {len} bytes, over the {limit}-byte limit for one posting")]
    TooLong { len: usize, limit: usize },
    #[error(
        "input looks like UTF-16 without a byte-order mark (NUL bytes between letters): \
         convert it to UTF-8, e.g. iconv -f UTF-16LE -t UTF-8"
    )]
    Utf16 { offset: usize },
    #[error(
        "input is UTF-16 (it starts with a byte-order mark) but has a bad code unit at byte {offset}"
    )]
    InvalidUtf16 { offset: usize },
    #[error("no words the model knows{}", if *.not_english { ": the text does not look like English; joblevel reads English job descriptions" } else { ": give the job description's text" })]
    NoKnownWords { not_english: bool },
}

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("model {path}: {reason}")]
    Model { path: PathBuf, reason: String },
    #[error("{0}")]
    Csv(String),
    #[error("labelled postings {path}: {reason}")]
    Labelled { path: PathBuf, reason: String },
    /// A flag or argument that cannot be used as given (exit code 2, like clap's own).
    #[error("{0}")]
    Usage(String),
    #[error("training data {path}, line {line}: {reason}")]
    Training {
        path: String,
        line: usize,
        reason: String,
    },
}

/// Exit codes scripts can rely on. Documented in `--help` and README.
pub mod exit {
    /// Success; for `fit`, the title fits the description.
    pub const OK: i32 = 0;
    /// `fit` only: the title is above or below the described level.
    pub const MISFIT: i32 = 1;
    /// Bad flags or arguments (clap's own code).
    pub const USAGE: i32 = 2;
    /// The input could not be used: empty, binary, invalid UTF-8, malformed CSV, missing column.
    pub const INPUT: i32 = 3;
    /// A file could not be read or written.
    pub const IO: i32 = 4;
    /// A model file could not be loaded or training data is malformed.
    pub const MODEL: i32 = 5;
    /// `fit` only: no verdict (the title names no level, or the description is uncertain).
    pub const NO_VERDICT: i32 = 6;
    /// `batch` only: every row was written, but some rows carry an error.
    pub const PARTIAL: i32 = 7;
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Csv(_) => exit::INPUT,
            Error::Usage(_) => exit::USAGE,
            Error::Io { .. } => exit::IO,
            Error::Model { .. } | Error::Training { .. } | Error::Labelled { .. } => exit::MODEL,
        }
    }
}

/// Most bytes of user input quoted in a message: a 2 GB line must not become a 2 GB error.
pub const MAX_ECHO: usize = 200;

/// `text` as quoted in a message: at most `max` bytes (cut on a character boundary, with `…`),
/// control characters escaped, so a binary header or a megabyte field stays one short line.
///
/// ```
/// use joblevel::error::snippet;
/// assert_eq!(snippet("Job Title", 200), "Job Title");
/// assert_eq!(snippet(&"x".repeat(500), 10), "xxxxxxxxxx…");
/// assert_eq!(snippet("a\u{1}b", 10), "a\\u{1}b");
/// ```
pub fn snippet(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let before = out.len();
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        if out.len() > max {
            out.truncate(before);
            out.push('…');
            break;
        }
    }
    out
}
