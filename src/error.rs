//! Errors a user can act on. Which exit code each gets is decided by the binary
//! (`src/cli/exit.rs`), not here.

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

/// Everything the library can fail with. Which exit code each gets is the binary's choice.
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
    /// A model file that cannot be read or used.
    #[error("model {path}: {source}")]
    Model {
        path: PathBuf,
        #[source]
        source: crate::model::ModelError,
    },
    #[error(transparent)]
    Train(#[from] crate::train::TrainError),
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
