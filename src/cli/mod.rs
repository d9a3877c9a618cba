//! One file per subcommand, each with its usage text at the top. Flags several commands take
//! are declared once in [`args`]; what a command fails with, and its exit code, in [`error`].
//! Shared helpers live here: reading `FILE|-` within bounds, writing to stdout.

/// `print!` that ends the command quietly when stdout is a pipe its reader closed (`| head`):
/// the reader has what it wanted, and `print!` would panic. Other write errors are errors.
macro_rules! stdout {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))?
    };
}

/// `println!` with the same broken-pipe rule as [`stdout!`].
macro_rules! stdoutln {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

pub mod args;
pub mod batch;
pub mod classify;
pub mod completions;
pub mod error;
pub mod eval;
pub mod fit;
pub mod output;
pub mod serve;
pub mod title;
pub mod train;

pub use args::{Basis, ColumnArgs, Format, FormatArg, ModelArg, Probability, ScoringArgs};
pub use error::{Error, exit};
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Writes to stdout for [`stdout!`] and [`stdoutln!`].
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<(), Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("-", e)),
        _ => Ok(()),
    }
}

/// Largest file read whole (a labelled CSV for `eval` or `train`): memory stays bounded
/// whatever is given; corpora are a few megabytes.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Largest description read by `classify` and `fit`, as large as a batch record may be
/// (a saved web page with its scripts); the text scored is then held to
/// [`batch::MAX_TEXT_BYTES`](joblevel::batch::MAX_TEXT_BYTES) like a batch field.
pub const MAX_DOCUMENT_BYTES: u64 = joblevel::batch::MAX_RECORD_BYTES as u64;

/// Reads `path` whole, or stdin when it is `-`, up to [`MAX_FILE_BYTES`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    read_bounded(path, MAX_FILE_BYTES, false)
}

/// Reads `path` (or stdin for `-`), failing as soon as it passes `limit` bytes rather than
/// after filling memory with it (`/dev/zero`, a 2 GB dump). With `text`, a NUL byte in the
/// first block read (a binary file, `/dev/zero`) fails at once, unless the input starts with
/// a UTF-16 byte-order mark.
pub fn read_bounded(path: &Path, limit: u64, text: bool) -> Result<Vec<u8>, Error> {
    let io = |source| Error::io(path.to_path_buf(), source);
    let source: Box<dyn Read> = if path == Path::new("-") {
        hint_if_terminal("the input");
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(io)?)
    };
    let mut source = source.take(limit + 1);
    let mut buf = Vec::new();
    if text {
        (&mut source).take(8192).read_to_end(&mut buf).map_err(io)?;
        if joblevel::text::utf16_bom(&buf).is_none()
            && let Some(offset) = memchr::memchr(0, &buf)
        {
            return Err(if joblevel::text::looks_like_utf16(&buf) {
                joblevel::InputError::Utf16 { offset }
            } else {
                joblevel::InputError::Binary { offset }
            }
            .into());
        }
    }
    source.read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(Error::Unusable(format!(
            "{}: over {} MiB; is it the right file?",
            path.display(),
            limit >> 20
        )));
    }
    Ok(buf)
}

/// Says on stderr that stdin is being read from the terminal, so `joblevel classify` with
/// no file does not look hung.
pub fn hint_if_terminal(what: &str) {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "joblevel: reading {what} from the terminal: type or paste it, then Ctrl-D on a new line (or give a file)"
        );
    }
}

/// Refuses a labelled file that holds a NUL byte (a binary file), as `classify` does, rather
/// than reading it as CSV and echoing its bytes in messages.
pub fn check_not_binary(path: &Path, data: &[u8]) -> Result<(), Error> {
    match memchr::memchr(0, data) {
        Some(offset) => Err(Error::InputFile {
            path: path.to_path_buf(),
            source: joblevel::InputError::Binary { offset },
        }),
        None => Ok(()),
    }
}

/// Reads `path` (or stdin for `-`) and checks it is usable text: not empty, not binary,
/// UTF-8 (or UTF-16 with a byte-order mark), no longer than a batch field.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = read_bounded(path, MAX_DOCUMENT_BYTES, true)?;
    let text = joblevel::text::decode_any(&bytes)?;
    let limit = joblevel::batch::MAX_TEXT_BYTES;
    if text.len() > limit {
        return Err(joblevel::InputError::TooLong {
            len: text.len(),
            limit,
        }
        .into());
    }
    Ok(text.into_owned())
}

/// Threads per core beyond which more threads only cost memory and start-up time.
pub const THREADS_PER_CORE: usize = 4;

/// Sets up the worker pool for `--threads`, capped at [`THREADS_PER_CORE`] per core (with a
/// note on stderr): scoring is CPU-bound, so `--threads 10000` would only spend seconds
/// starting threads. Returns the count in use.
pub fn set_threads(requested: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let Some(requested) = requested else {
        return rayon::current_num_threads();
    };
    let cap = cores * THREADS_PER_CORE;
    let n = if requested > cap {
        eprintln!(
            "joblevel: --threads {requested} is more than {THREADS_PER_CORE} per core; using {cap} ({cores} cores)"
        );
        cap
    } else {
        requested
    };
    // Only fails if a pool exists already, which cannot happen before this point.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global();
    n
}
