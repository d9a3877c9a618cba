//! `joblevel eval`: accuracy figures on a labelled CSV.

use super::Format;
use joblevel::error::Error;
use joblevel::eval::{self, Metrics};
use joblevel::labelled::{self, Columns};
use joblevel::{Level, builtin};
use std::path::PathBuf;

/// Measure accuracy on a labelled CSV.
///
/// The file needs a `level` column (head, director or vp) and a text column (description,
/// text, body... or --text-column). Prints accuracy, balanced accuracy (mean recall per
/// level), macro-F1, per-level precision/recall/F1, the confusion matrix (rows: gold,
/// columns: predicted) and the rows skipped with why.
///
/// --mask-title removes each posting's own title from its text before scoring (and before
/// learning, with --cv): what title fit relies on. --cv K runs stratified K-fold
/// cross-validation with a fixed seed: for each fold, a model is trained on the articles,
/// the cues and the other K-1 folds, and scores the held-out fold; figures are pooled.
///
/// Examples:
///   joblevel eval ../shared/corpora/dev.csv
///   joblevel eval --mask-title --cv 5 ../shared/corpora/dev.csv
///   joblevel eval --model articles --mask-title --format json ../shared/corpora/dev.csv
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Labelled CSV file, or `-` for stdin.
    #[arg(value_name = "LABELLED.csv")]
    input: PathBuf,
    /// Remove each posting's own title from its text.
    #[arg(long)]
    mask_title: bool,
    /// K-fold cross-validation (train on K-1 folds + articles, test on the held-out fold).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..))]
    cv: Option<u16>,
    /// Seed of the cross-validation split (the default makes figures reproducible).
    #[arg(long, default_value_t = eval::CV_SEED)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Text column(s), comma-separated; found by name when omitted.
    #[arg(long, value_name = "COLS")]
    text_column: Option<String>,
    /// Title column; found by name when omitted (needed by --mask-title).
    #[arg(long, value_name = "COL")]
    title_column: Option<String>,
    /// Label column; `level`, `label` or `gold` when omitted.
    #[arg(long, value_name = "COL")]
    level_column: Option<String>,
    #[arg(long, default_value = "default", help = super::MODEL_HELP)]
    model: String,
    /// Also list, for each cue rule, how many postings of each gold level it fires on.
    #[arg(long)]
    cues: bool,
    #[command(flatten)]
    learner: super::LearnerArgs,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let data = super::read_input(&args.input)?;
    let columns = Columns {
        text: args.text_column.as_deref(),
        title: args.title_column.as_deref(),
        level: args.level_column.as_deref(),
    };
    let labelled = labelled::read(&data, &columns, args.mask_title)?;
    if labelled.postings.is_empty() {
        let why = labelled
            .skipped
            .first()
            .map_or("the file has no rows".to_string(), |(r, why)| {
                format!("record {r}: {why}")
            });
        return Err(Error::Csv(format!(
            "{}: no usable labelled row ({} skipped; first: {why})",
            args.input.display(),
            labelled.skipped.len()
        )));
    }
    let pairs = match args.cv {
        Some(k) => eval::cross_validate(
            &builtin::articles(),
            &labelled.postings,
            &builtin::cues(),
            &args.learner.config(),
            usize::from(k),
            args.seed,
            args.mask_title,
            |_, _, _| {},
        )
        .map_err(|reason| Error::Model {
            path: PathBuf::from("training/"),
            reason,
        })?,
        None => {
            let classifier = super::classifier(&args.model, 0)?;
            eval::predict(&classifier, &labelled.postings, args.mask_title)
        }
    };
    let metrics = Metrics::from_pairs(&pairs);
    if args.cues {
        let model = super::load_model(&args.model)?;
        eprintln!(
            "cue firings per gold level (head director vp), titles masked: {}",
            args.mask_title
        );
        for (cue, counts) in eval::cue_firings(&model, &labelled.postings, args.mask_title) {
            eprintln!(
                "  {:<24} {:<11} -> {:<8} {:>4} {:>4} {:>4}",
                cue.name,
                cue.family,
                cue.level.as_str(),
                counts[0],
                counts[1],
                counts[2]
            );
        }
    }
    let setup = match args.cv {
        Some(k) => {
            format!("{k}-fold cross-validation (articles + cues + postings of the other folds)")
        }
        None => format!("model {}", args.model),
    };
    match args.format {
        Format::Json => {
            let skipped: Vec<_> = labelled
                .skipped
                .iter()
                .map(|(record, reason)| serde_json::json!({"record": record, "reason": reason}))
                .collect();
            let out = serde_json::json!({
                "setup": setup,
                "mask_title": args.mask_title,
                "metrics": metrics,
                "skipped": skipped,
            });
            println!("{out}");
        }
        Format::Text => print!(
            "{}",
            render(&metrics, &setup, args.mask_title, &labelled.skipped)
        ),
    }
    Ok(0)
}

fn render(m: &Metrics, setup: &str, masked: bool, skipped: &[(u64, String)]) -> String {
    let mut out = format!(
        "{setup}{}\nrows: {}  skipped: {}\n\naccuracy           {:.3}\nbalanced accuracy  {:.3}\nmacro-F1           {:.3}\n\n",
        if masked { ", titles masked" } else { "" },
        m.rows,
        skipped.len(),
        m.accuracy,
        m.balanced_accuracy,
        m.macro_f1
    );
    out += "level      precision  recall  f1     support\n";
    for l in Level::ALL {
        let s = m.per_level[l.index()];
        out += &format!(
            "{:<10} {:>9.3}  {:>6.3}  {:.3}  {:>7}\n",
            l.as_str(),
            s.precision,
            s.recall,
            s.f1,
            s.support
        );
    }
    out += "\nconfusion (rows gold, columns predicted)\n           head  director  vp\n";
    for l in Level::ALL {
        let r = m.confusion[l.index()];
        out += &format!("{:<10} {:>4}  {:>8}  {:>3}\n", l.as_str(), r[0], r[1], r[2]);
    }
    for (record, reason) in skipped {
        out += &format!("skipped record {record}: {reason}\n");
    }
    out
}
