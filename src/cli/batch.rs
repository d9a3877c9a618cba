//! `joblevel batch`: score a CSV of postings, every row accounted for.

use super::output::Output;
use super::{Error, exit};
use joblevel::batch::{Batch, BatchError, Format, InputFormat, Options, Summary};
use std::fs::File;
use std::io::{ErrorKind, IsTerminal, Read};
use std::path::{Path, PathBuf};

/// Score a CSV of postings; write the same rows with the classification appended.
///
/// Every input column is kept, in order, and these are added: level (the answer: the level
/// the posting names for itself when it names one, else the described level), basis (named or
/// described), named_level and named_title (the title words it was read from), described_level
/// (what the text describes, the named title masked out), confidence, score_head,
/// score_director, score_vp, evidence (of the described level: its strongest terms, as
/// `term=+weight; ...`) and error (empty when the row was scored). --basis described answers
/// with the described level of the text as it is, as before the named level was read.
///
/// Every input record gives exactly one output row, in input order. A record that cannot be
/// scored (wrong number of fields, text not UTF-8 or binary, empty text, text over 1 MiB,
/// record over 16 MiB) keeps its fields, gets an empty result and the reason in `error`, and
/// the run goes on; --strict stops at the first such record instead, naming its record number
/// and line.
///
/// The text column is found by name (description, job_description, text, body, summary, ...;
/// case, spaces and `_` ignored) or given with --text-column; several columns are joined:
/// --text-column description,requirements. A title column (title, job_title, position, ...
/// or --title-column) is the named title (it wins over the text), is masked out of the text
/// before scoring, and adds two columns: title_level (individual, head, director, vp, executive or none) and fit
/// (fits, over-titled, under-titled, title-not-a-level or uncertain; see `joblevel fit`).
///
/// An input column that has the name of an added column (a labelled export's own `level`,
/// say) is kept as it is, and the added column is written as joblevel_level; the summary
/// says so.
///
/// The file is streamed in chunks scored in parallel (--threads); memory stays bounded. A
/// progress bar (bytes read, MB/s, rows/s) is shown on stderr when it is a terminal; a summary
/// of scored and failed rows is printed at the end (--quiet silences it).
///
/// --input-format jsonl reads one JSON object per line ({"id": 7, "text": "...", "title":
/// "..."}): the keys of the first line are the columns, found by name as in a CSV header;
/// values are read as strings (numbers as their JSON text); a line that is not an object is
/// an error row. With --format jsonl too, each input line gives one output line, flushed
/// after every chunk of rows: a line-in/line-out filter that Spark's RDD.pipe and Hadoop
/// streaming can run.
///
/// With -o, the output is written to a temporary file beside it and renamed over it only when
/// the run succeeds: a failed or interrupted run leaves what was there. The output may not be
/// the input.
///
/// Exit code: 0 all rows scored, 7 some rows carry an error, 3 unusable input (no text
/// column, empty or binary input, a quote never closed, or a bad record with --strict), 4 a
/// file could not be read or written, 2 bad flags (or the output is the input).
///
/// Examples:
///   joblevel batch postings.csv -o scored.csv
///   joblevel batch --delimiter ';' --text-column body - < export.csv > scored.csv
///   joblevel batch --format jsonl --threads 2 postings.csv
///   joblevel batch - --input-format jsonl --format jsonl < postings.jsonl
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Input CSV, or `-` for stdin.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,
    /// Output file; stdout when omitted or `-`.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Input format: CSV with a header, or JSON lines (one object per line; the keys of the
    /// first are the columns; output flushed after every chunk, for `RDD.pipe`).
    #[arg(long, value_enum, default_value_t = InputFormat::Csv)]
    input_format: InputFormat,
    #[command(flatten)]
    columns: super::ColumnArgs,
    /// Input field delimiter: one character, or `tab`.
    #[arg(long, default_value = ",", value_parser = parse_delimiter)]
    delimiter: u8,
    /// Stop at the first record that cannot be scored.
    #[arg(long)]
    strict: bool,
    /// Worker threads (default: one per core; at most 4 per core).
    #[arg(long, value_name = "N", value_parser = super::args::threads)]
    threads: Option<usize>,
    /// Evidence terms per row (at most 1000).
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = super::args::top)]
    top: usize,
    /// With a title column: the probability (0 to 1) the described level must lie below (above)
    /// the title's for `over-titled` (`under-titled`); see `joblevel fit --help`.
    #[arg(long, default_value_t = super::args::default_min_confidence(), value_name = "P")]
    min_confidence: super::Probability,
    /// Which answer `level` gives.
    #[arg(long, value_enum, default_value_t = super::Basis::Named)]
    basis: super::Basis,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    model: super::ModelArg,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "\"" | "\r" | "\n" => Err(format!(
            "{s:?} cannot be a delimiter: it quotes or ends records"
        )),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "{s:?} is not a one-byte delimiter (try ',', ';', '|' or tab)"
        )),
    }
}

pub fn run(args: Args) -> Result<i32, Error> {
    super::set_threads(args.threads);
    let classifier = args
        .model
        .classifier(args.top)?
        .with_evidence_for_predicted_level_only();
    let options = Options {
        text_columns: args.columns.text_column.clone(),
        title_column: args.columns.title_column.clone(),
        delimiter: args.delimiter,
        input_format: args.input_format,
        format: args.format,
        strict: args.strict,
        evidence_terms: args.top,
        min_confidence: args.min_confidence.get(),
        basis: args.basis.into(),
        ..Options::default()
    };
    let input_err = |e: BatchError| match e {
        BatchError::Read(e) if e.is_io_error() => {
            Error::io(args.input.clone(), std::io::Error::other(e.to_string()))
        }
        source => Error::Batch {
            path: args.input.clone(),
            source,
        },
    };
    // The output must not be the input, and is created only once the header is known good:
    // a run that fails at once leaves whatever the user had at the output path.
    let output_path = args.output.as_deref();
    Output::refuse_overwriting_inputs(output_path, &[&args.input])?;
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if args.input == Path::new("-") {
        super::hint_if_terminal("CSV");
        (Box::new(std::io::stdin()), None)
    } else {
        let file =
            File::open(&args.input).map_err(|source| Error::io(args.input.clone(), source))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let batch = Batch::open(input, &options).map_err(input_err)?;
    let mut output = Output::create(output_path, &[&args.input])?;
    let bar = progress_bar(size, args.quiet);
    let result = batch.run(&classifier, &mut output, |rows, bytes| {
        if let Some(bar) = &bar {
            // The bar counts bytes (it knows the file size, not the row count); rows/s is ours.
            let per_sec = rows as f64 / bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_position(bytes);
            bar.set_message(format!("{rows} rows, {per_sec:.0} rows/s"));
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = match result {
        Ok(summary) => summary,
        // `joblevel batch big.csv | head`: the reader has what it wanted; stop quietly, as
        // other filters do.
        Err(BatchError::Write(e)) if output.is_stdout() && e.kind() == ErrorKind::BrokenPipe => {
            return Ok(exit::OK);
        }
        // Dropping `output` removes the unfinished file; what was at its path is untouched.
        Err(BatchError::Write(source)) => {
            return Err(Error::io(output.path(), source));
        }
        Err(e) => return Err(input_err(e)),
    };
    match output.commit() {
        Err(Error::Lib(joblevel::Error::Io { source, .. }))
            if source.kind() == ErrorKind::BrokenPipe && args.output.is_none() =>
        {
            return Ok(exit::OK);
        }
        other => other?,
    }
    if !args.quiet {
        eprintln!("{}", describe(&summary));
    }
    Ok(if summary.failed > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

fn describe(s: &Summary) -> String {
    let mut line = format!(
        "joblevel: {} rows: {} scored, {} failed",
        s.rows, s.scored, s.failed
    );
    if s.failed > 0 {
        line += " (their reason is in the error column)";
    }
    if s.utf16 {
        line += "; the input was UTF-16, the output is UTF-8";
    }
    for (name, written) in &s.renamed {
        line += &format!("; the input has a {name:?} column, so ours is {written:?}");
    }
    line
}

/// A bar over bytes read (a spinner for stdin), only when stderr is a terminal.
fn progress_bar(size: Option<u64>, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match size {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let template = if size.is_some() {
        "{bar:30} {bytes}/{total_bytes} {bytes_per_sec}, {msg}, eta {eta}"
    } else {
        "{spinner} {bytes} read, {bytes_per_sec}, {msg}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    Some(bar)
}
