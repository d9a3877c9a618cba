//! `joblevel eval`: accuracy figures on a labelled CSV.

use super::Error;
use super::{Basis, Format};
use joblevel::eval::{self, Metrics};
use joblevel::labelled;
use joblevel::{Level, builtin};
use std::path::PathBuf;

/// Measure accuracy on a labelled CSV.
///
/// The file needs a `level` column (head, director or vp) and a text column (description,
/// text, body... or --text-column). Prints accuracy, balanced accuracy (mean recall per
/// level), macro-F1, per-level precision/recall/F1, the confusion matrix (rows: gold,
/// columns: predicted) and the rows skipped with why.
///
/// Several labelled files are read as one set of postings (each with its own header).
///
/// What is scored: by default `level` as a user gets it from the text alone (the title column
/// is not given): the level the posting names for itself when it names one, else the
/// described level; the named-level reader's coverage and precision are printed too.
/// --basis described scores the described level of the text as it is. --mask-title scores
/// the described level with each posting's own title (its title column) removed from its text
/// (and before learning, with --cv): what title fit relies on. --cv K runs stratified K-fold
/// cross-validation with a fixed seed: for each fold, a model is trained on the articles,
/// the cues and the other K-1 folds, and scores the held-out fold; figures are pooled.
///
/// --cv-group COLUMN runs leave-one-group-out cross-validation: each group (each value of
/// COLUMN, e.g. the source a posting was collected from) with at least --min-group postings
/// is held out in turn and scored by a model trained on the articles, the cues and all the
/// other postings; smaller groups are always trained on. It prints the figures pooled over
/// the held-out groups, then per group: how the model does on employers it has never seen.
/// --by COLUMN prints the per-group figures of any run.
///
/// Examples:
///   joblevel eval ../shared/corpora/dev.csv
///   joblevel eval --mask-title --cv 5 ../shared/corpora/dev.csv
///   joblevel eval --mask-title --cv-group source ../shared/corpora/dev.csv ../shared/corpora/extra.csv
///   joblevel eval --model articles --mask-title --by source ../shared/corpora/extra.csv
///   joblevel eval --model articles --mask-title --format json ../shared/corpora/dev.csv
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Labelled CSV file(s), or `-` for stdin.
    #[arg(value_name = "LABELLED.csv", required = true, num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Score the described level with each posting's own title removed from its text.
    #[arg(long)]
    mask_title: bool,
    /// Which answer is scored when titles are not masked: `named` is `level` as a user gets
    /// it (the named level, else the described level), `described` the described level.
    #[arg(long, value_enum, default_value_t = Basis::Named)]
    basis: Basis,
    /// K-fold cross-validation (train on K-1 folds + articles, test on the held-out fold).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..))]
    cv: Option<u16>,
    /// Leave-one-group-out cross-validation, grouped by this column (e.g. `source`).
    #[arg(long, value_name = "COLUMN", conflicts_with = "cv")]
    cv_group: Option<String>,
    /// With --cv-group: a group needs this many postings to be held out.
    #[arg(long, value_name = "N", default_value_t = eval::MIN_GROUP, requires = "cv_group")]
    min_group: usize,
    /// Also print the figures per value of this column (e.g. `source`).
    #[arg(long, value_name = "COLUMN")]
    by: Option<String>,
    /// Seed of the cross-validation split (the default makes figures reproducible).
    #[arg(long, default_value_t = eval::CV_SEED)]
    seed: u64,
    #[command(flatten)]
    format: super::FormatArg,
    #[command(flatten)]
    columns: super::ColumnArgs,
    /// Label column; `level`, `label` or `gold` when omitted.
    #[arg(long, value_name = "COL")]
    level_column: Option<String>,
    #[command(flatten)]
    model: super::ModelArg,
    /// Also list, for each cue rule, how many postings of each gold level it fires on.
    #[arg(long)]
    cues: bool,
    #[command(flatten)]
    learner: joblevel::train::Config,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let group = match (&args.cv_group, &args.by) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::Unusable(format!(
                "--by {b} and --cv-group {a} name different columns; the groups are the --cv-group ones"
            )));
        }
        (a, b) => a.as_deref().or(b.as_deref()),
    };
    let columns = args.columns.labelled(args.level_column.as_deref(), group);
    let several = args.inputs.len() > 1;
    let mut postings = Vec::new();
    // (file when several, record, reason)
    let mut skipped: Vec<(Option<String>, u64, String)> = Vec::new();
    for input in &args.inputs {
        let data = super::read_input(input)?;
        super::check_not_binary(input, &data)?;
        let labelled =
            labelled::read(&data, &columns, args.mask_title).map_err(|source| Error::Labelled {
                path: input.clone(),
                source,
            })?;
        if labelled.postings.is_empty() {
            let why = labelled
                .skipped
                .first()
                .map_or("the file has no rows".to_string(), |(r, why)| {
                    format!("record {r}: {why}")
                });
            return Err(Error::Unusable(format!(
                "{}: no usable labelled row ({} skipped; first: {why})",
                input.display(),
                labelled.skipped.len()
            )));
        }
        let file = several.then(|| input.display().to_string());
        skipped.extend(
            labelled
                .skipped
                .into_iter()
                .map(|(record, why)| (file.clone(), record, why.to_string())),
        );
        postings.extend(labelled.postings);
    }
    let scored = match (args.mask_title, args.basis) {
        (true, _) => eval::Scored::Masked,
        (false, Basis::Described) => eval::Scored::Described,
        (false, Basis::Named) => eval::Scored::Answer,
    };
    let named = (scored == eval::Scored::Answer).then(|| eval::NamedFigures::of(&postings));
    let mut held_out_groups = Vec::new();
    // Each posting's fold; `None`: only trained on (a group too small to hold out).
    let folds: Option<Vec<Option<usize>>> = if let Some(k) = args.cv {
        let levels: Vec<Level> = postings.iter().map(|p| p.level).collect();
        let folds = eval::stratified_folds(&levels, usize::from(k), args.seed);
        Some(folds.into_iter().map(Some).collect())
    } else if args.cv_group.is_some() {
        let (folds, names) = eval::group_folds(&postings, args.min_group);
        if names.len() < 2 {
            return Err(Error::Unusable(format!(
                "--cv-group needs at least two groups of {} postings or more; found {}",
                args.min_group,
                names.len()
            )));
        }
        held_out_groups = names;
        Some(folds)
    } else {
        None
    };
    let pairs: Vec<Option<(Level, Level)>> = match &folds {
        Some(folds) => eval::cross_validate_folds(
            builtin::articles(),
            &postings,
            builtin::cues(),
            &args.learner,
            folds,
            scored,
            |_, _, _| {},
        )?,
        None => {
            let classifier = args.model.classifier(0)?;
            postings
                .iter()
                .map(|p| eval::predict(&classifier, p, scored))
                .collect()
        }
    };
    let tested = |i: usize| folds.as_ref().is_none_or(|f| f[i].is_some());
    let trained_only = (0..postings.len()).filter(|&i| !tested(i)).count();
    // Tested postings with no word the model knows (once masked): in no figure, but counted.
    let unscored = (0..postings.len())
        .filter(|&i| tested(i) && pairs[i].is_none())
        .count();
    let pooled: Vec<(Level, Level)> = pairs.iter().flatten().copied().collect();
    let metrics = Metrics::from_pairs(&pooled);
    let groups = if group.is_some() {
        eval::by_group(&postings, &pairs)
    } else {
        Vec::new()
    };
    if args.cues {
        let model = args.model.load()?;
        eprintln!(
            "cue firings per gold level (head director vp), titles masked: {}",
            args.mask_title
        );
        for (cue, counts) in eval::cue_firings(&model, &postings, args.mask_title) {
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
    let setup = match (args.cv, &args.cv_group) {
        (Some(k), _) => {
            format!("{k}-fold cross-validation (articles + cues + postings of the other folds)")
        }
        (None, Some(column)) => {
            format!(
                "leave-one-{column}-out cross-validation: {} groups held out in turn (articles + cues + all other postings), {trained_only} postings of smaller groups only trained on",
                held_out_groups.len()
            )
        }
        (None, None) => format!("model {}", args.model.model),
    };
    match args.format.format {
        Format::Json => {
            let skipped: Vec<_> = skipped
                .iter()
                .map(|(file, record, reason)| match file {
                    Some(file) => {
                        serde_json::json!({"file": file, "record": record, "reason": reason})
                    }
                    None => serde_json::json!({"record": record, "reason": reason}),
                })
                .collect();
            let groups: Vec<_> = groups
                .iter()
                .map(|(name, m)| serde_json::json!({"group": name, "metrics": m}))
                .collect();
            let out = serde_json::json!({
                "setup": setup,
                "mask_title": args.mask_title,
                "scored": scored_name(scored),
                "named": named.map(|n| serde_json::json!({
                    "rows": n.rows, "answered": n.answered, "right": n.right,
                    "coverage": n.coverage(), "precision": n.precision(),
                })),
                "metrics": metrics,
                "groups": groups,
                "skipped": skipped,
                "unscored": unscored,
            });
            stdoutln!("{out}");
        }
        Format::Text => {
            stdoutln!("scored: {}", scored_name(scored));
            match named {
                Some(n) if n.answered > 0 => stdoutln!(
                    "named level: answers on {} of {} postings ({:.1}%), right on {} of them ({:.1}%)",
                    n.answered,
                    n.rows,
                    100.0 * n.coverage(),
                    n.right,
                    100.0 * n.precision()
                ),
                Some(n) => stdoutln!("named level: answers on none of {} postings", n.rows),
                None => {}
            }
            stdout!(
                "{}",
                render(&metrics, &setup, args.mask_title, &skipped, unscored)
            );
            if let Some(column) = group {
                stdout!("{}", render_groups(column, &groups));
            }
        }
    }
    Ok(0)
}

/// What was scored, in words.
fn scored_name(scored: eval::Scored) -> &'static str {
    match scored {
        eval::Scored::Answer => "level as users get it (the named level, else the described level)",
        eval::Scored::Described => "described level (--basis described)",
        eval::Scored::Masked => "described level, each posting's own title masked (--mask-title)",
    }
}

/// One line of figures per group.
fn render_groups(column: &str, groups: &[(String, Metrics)]) -> String {
    let width = groups
        .iter()
        .map(|(g, _)| g.chars().count())
        .chain([column.len()])
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "\nper {column}\n{column:<width$}  rows  accuracy  balanced  macro-F1  gold h/d/v    predicted h/d/v\n"
    );
    for (name, m) in groups {
        let gold: [usize; 3] = std::array::from_fn(|l| m.confusion[l].iter().sum());
        let predicted: [usize; 3] =
            std::array::from_fn(|l| (0..3).map(|g| m.confusion[g][l]).sum());
        let gold = format!("{}/{}/{}", gold[0], gold[1], gold[2]);
        out += &format!(
            "{name:<width$}  {:>4}  {:>8.3}  {:>8.3}  {:>8.3}  {gold:<12}  {}/{}/{}\n",
            m.rows,
            m.accuracy,
            m.balanced_accuracy,
            m.macro_f1,
            predicted[0],
            predicted[1],
            predicted[2],
        );
    }
    out
}

fn render(
    m: &Metrics,
    setup: &str,
    masked: bool,
    skipped: &[(Option<String>, u64, String)],
    unscored: usize,
) -> String {
    let unscored = match unscored {
        0 => String::new(),
        n => format!("  unscored: {n} (no word the model knows)"),
    };
    let mut out = format!(
        "{setup}{}\nrows: {}  skipped: {}{unscored}\n\naccuracy           {:.3}\nbalanced accuracy  {:.3}\nmacro-F1           {:.3}\n\n",
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
    for (file, record, reason) in skipped {
        match file {
            Some(file) => out += &format!("skipped {file} record {record}: {reason}\n"),
            None => out += &format!("skipped record {record}: {reason}\n"),
        }
    }
    out
}
