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
            Error::Io { .. } => exit::IO,
            Error::Model { .. } | Error::Training { .. } | Error::Labelled { .. } => exit::MODEL,
        }
    }
}
