//! One file per subcommand, each with its usage text at the top. Shared helpers live here:
//! reading `FILE|-`, choosing a model, the output format.

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

pub mod batch;
pub mod classify;
pub mod completions;
pub mod eval;
pub mod fit;
pub mod output;
pub mod serve;
pub mod title;
pub mod train;

pub mod error;

pub use error::{Error, exit};
use joblevel::{Classifier, Model, builtin};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

/// Writes to stdout for [`stdout!`] and [`stdoutln!`].
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<(), Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("-", e)),
        _ => Ok(()),
    }
}

/// Output format of the single-document commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `--basis`: which answer `level` gives. Shared by every command that answers a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Basis {
    /// The level the posting names for itself (its title) when it names one, else the
    /// described level.
    Named,
    /// The level the text describes, whatever title it names (the behaviour before the
    /// named level).
    Described,
}

impl From<Basis> for joblevel::Basis {
    fn from(b: Basis) -> joblevel::Basis {
        match b {
            Basis::Named => joblevel::Basis::Named,
            Basis::Described => joblevel::Basis::Described,
        }
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

/// `--model`: `default`, `articles`, or a model file written by `joblevel train -o`.
pub fn load_model(spec: &str) -> Result<Model, Error> {
    match builtin::model(spec) {
        Some(model) => Ok(model),
        None => Ok(Model::load(&PathBuf::from(spec))?),
    }
}

/// A classifier over the `--model` choice.
pub fn classifier(spec: &str, top: usize) -> Result<Classifier, Error> {
    Ok(Classifier::new(load_model(spec)?).with_top(top))
}

/// Flags shared by the commands that score one description (`classify`, `fit`).
#[derive(clap::Args, Debug, Clone)]
pub struct ScoringArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Evidence terms shown per level (at most 1000).
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = top)]
    pub top: usize,
    #[arg(long, default_value = "default", help = MODEL_HELP)]
    pub model: String,
}

impl ScoringArgs {
    /// The classifier these flags ask for.
    pub fn classifier(&self) -> Result<Classifier, Error> {
        classifier(&self.model, self.top)
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

/// `--min-confidence`: a probability, so a typo such as `50` (or `NaN`) is refused, not read
/// as "never" or "always". Shared by every command that takes one.
pub fn probability(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(_) => Err(format!(
            "{s} is not a probability: give a number from 0 to 1, e.g. 0.5"
        )),
        Err(_) => Err(format!(
            "{s:?} is not a number: give a probability from 0 to 1, e.g. 0.5"
        )),
    }
}

/// Most evidence terms a command lists per level (`--top`).
pub const MAX_TOP: usize = 1000;

/// `--top N`: 0 to [`MAX_TOP`], so `--top 1000000000000` is refused rather than allocated.
pub fn top(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n <= MAX_TOP => Ok(n),
        Ok(_) => Err(format!("{s} is more than {MAX_TOP} evidence terms")),
        Err(_) => Err(format!("{s:?} is not a whole number from 0 to {MAX_TOP}")),
    }
}

/// `--threads N`: at least 1.
pub fn threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{s:?} is not a thread count: give 1 or more")),
    }
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

/// The help text of `--model`, shared by every subcommand that scores.
pub const MODEL_HELP: &str = "Model: `default` (articles + cues + weights learned from labelled \
postings), `articles` (the two source articles and cues only), or a JSON file from `joblevel train -o`";
