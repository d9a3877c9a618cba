//! What a command can fail with, and the exit code each failure gets. The library's errors say
//! what went wrong; which exit code that is (an unreadable labelled file is unusable input to
//! `eval` but bad training data to `train`) is decided here, by the command.

use joblevel::labelled::LabelledError;
use joblevel::train::TrainError;
use joblevel::{InputError, batch::BatchError};
use std::path::PathBuf;

/// Exit codes scripts can rely on. Documented in `--help` (`main.rs`) and docs/cli.md.
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

/// A command's failure: one line on stderr, and an exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Lib(#[from] joblevel::Error),
    /// An input file that is not usable text (binary).
    #[error("{path}: {source}")]
    InputFile {
        path: PathBuf,
        #[source]
        source: InputError,
    },
    /// A labelled file `eval` cannot read (for `train` it is a [`TrainError`]).
    #[error("{path}: {source}")]
    Labelled {
        path: PathBuf,
        #[source]
        source: LabelledError,
    },
    /// A CSV `batch` cannot read.
    #[error("{path}: {source}")]
    Batch {
        path: PathBuf,
        #[source]
        source: BatchError,
    },
    /// `--model NAME` where NAME is neither a built-in model nor a file.
    #[error(
        "model {name}: no such file, and not a built-in model ({})",
        joblevel::builtin::NAMES.join(", ")
    )]
    UnknownModel { name: String },
    /// Input that cannot be used for a reason only the command knows (no usable row, too few
    /// groups to hold out, an empty title).
    #[error("{0}")]
    Unusable(String),
    /// A flag or argument that cannot be used as given (exit code 2, like clap's own).
    #[error("{0}")]
    Usage(String),
}

impl From<TrainError> for Error {
    fn from(e: TrainError) -> Error {
        Error::Lib(e.into())
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Error {
        Error::Lib(e.into())
    }
}

impl Error {
    /// A file that could not be read or written.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Lib(joblevel::Error::Io {
            path: path.into(),
            source,
        })
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Lib(joblevel::Error::Input(_)) => exit::INPUT,
            Error::Lib(joblevel::Error::Io { .. }) => exit::IO,
            Error::Lib(joblevel::Error::Model { .. } | joblevel::Error::Train(_))
            | Error::UnknownModel { .. } => exit::MODEL,
            Error::InputFile { .. }
            | Error::Labelled { .. }
            | Error::Batch { .. }
            | Error::Unusable(_) => exit::INPUT,
            Error::Usage(_) => exit::USAGE,
        }
    }
}
