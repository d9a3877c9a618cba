//! `joblevel eval`: accuracy figures on a labelled CSV.

use super::Error;
use super::{Basis, Format};
use joblevel::eval::{self, Metrics};
use joblevel::labelled;
use joblevel::{Level, builtin};
use std::path::PathBuf;

/// Measure accuracy on a labelled CSV.
///
/// The file needs a `level` column (individual, head, director, vp or executive) and a text
/// column (description, text, body... or --text-column). Prints accuracy, balanced accuracy
/// (mean recall per level), macro-F1, per-level precision/recall/F1, the confusion matrix
/// (rows: gold, columns: predicted) and the rows skipped with why. Levels with no gold row
/// and no answer are left out. When the file holds rungs beyond head, director and vp, it
/// also prints the head/director/vp postings' figures answered among those three (comparable
/// with the three-rung ladder) and how many of them were answered individual.
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
/// --by COLUMN prints the per-group figures of any run. --also-train FILE adds postings that
/// are only trained on, never tested (to measure some files with a model that also learned
/// from others).
///
/// --with-title scores `level` as a user gets it with the title column given (the title's
/// level by the title rules, else the described level). --fit also measures title fit: how
/// often each posting's own title fits its text, and how often a title two rungs away does.
///
/// Examples:
///   joblevel eval ../shared/corpora/dev.csv
///   joblevel eval --mask-title --cv 5 ../shared/corpora/dev.csv
///   joblevel eval --mask-title --cv-group source ../shared/corpora/dev.csv ../shared/corpora/extra.csv
///   joblevel eval --model articles --mask-title --by source ../shared/corpora/extra.csv
///   joblevel eval --model articles --mask-title --format json ../shared/corpora/dev.csv
///   joblevel eval --mask-title --fit --cv-group source ../shared/corpora/ladder.csv \
///     --also-train ../shared/corpora/dev.csv --also-train ../shared/corpora/extra.csv
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
#[command(group = clap::ArgGroup::new("cv_or_group").args(["cv", "cv_group"]))]
pub struct Args {
    /// Labelled CSV file(s), or `-` for stdin.
    #[arg(value_name = "LABELLED.csv", required = true, num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Score the described level with each posting's own title removed from its text.
    #[arg(long, conflicts_with = "with_title")]
    mask_title: bool,
    /// Score `level` as a user gets it with the title column given: the title's level by the
    /// title rules when it names one, else the described level.
    #[arg(long)]
    with_title: bool,
    /// Also measure title fit: how often each posting's own title fits its text (read with
    /// the title masked), and how often a title two rungs away does.
    #[arg(long)]
    fit: bool,
    /// Labelled CSV file(s) whose postings are only trained on, never tested (with --cv or
    /// --cv-group): to measure on some files with a model that also learned from others.
    #[arg(long, value_name = "LABELLED.csv", requires = "cv_or_group")]
    also_train: Vec<PathBuf>,
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
    let needs_title = args.mask_title || args.with_title || args.fit;
    // The tested files first, then those only trained on: postings[..tested] are tested.
    let mut tested = 0;
    for (i, input) in args.inputs.iter().chain(&args.also_train).enumerate() {
        if i == args.inputs.len() {
            tested = postings.len();
        }
        let data = super::read_input(input)?;
        super::check_not_binary(input, &data)?;
        let labelled =
            labelled::read(&data, &columns, needs_title).map_err(|source| Error::Labelled {
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
    if args.also_train.is_empty() {
        tested = postings.len();
    }
    let scored = match (args.mask_title, args.with_title, args.basis) {
        (true, _, _) => eval::Scored::Masked,
        (false, true, _) => eval::Scored::Titled,
        (false, false, Basis::Described) => eval::Scored::Described,
        (false, false, Basis::Named) => eval::Scored::Answer,
    };
    let named =
        (scored == eval::Scored::Answer).then(|| eval::NamedFigures::of(&postings[..tested]));
    let mut held_out_groups = Vec::new();
    // Each posting's fold; `None`: only trained on (a group too small to hold out).
    let folds: Option<Vec<Option<usize>>> = if let Some(k) = args.cv {
        let levels: Vec<Level> = postings[..tested].iter().map(|p| p.level).collect();
        let folds = eval::stratified_folds(&levels, usize::from(k), args.seed);
        Some(folds.into_iter().map(Some).collect())
    } else if args.cv_group.is_some() {
        let (folds, names) = eval::group_folds(&postings[..tested], args.min_group);
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
    // Postings of --also-train files are in no fold: always trained on, never tested.
    let folds = folds.map(|mut f| {
        f.resize(postings.len(), None);
        f
    });
    let mut fit = eval::FitFigures::default();
    // Calibration changes no level, only the probabilities title fit reads: the folds are
    // calibrated for --fit alone (it trains each fold six times).
    let learner = joblevel::train::Config {
        calibrate: args.learner.calibrate && args.fit,
        ..args.learner.clone()
    };
    let min_confidence = joblevel::fit::DEFAULT_MIN_CONFIDENCE;
    let pairs: Vec<Option<eval::Scoring>> = match &folds {
        Some(folds) => eval::cross_validate_folds(
            builtin::articles(),
            &postings,
            builtin::cues(),
            &learner,
            folds,
            scored,
            args.model.levels,
            |fold| {
                if args.fit {
                    for &i in fold.test {
                        fit.add(fold.classifier, &postings[i], min_confidence);
                    }
                }
            },
        )?,
        None => {
            let classifier = args.model.classifier(0)?;
            if args.fit {
                for p in &postings {
                    fit.add(&classifier, p, min_confidence);
                }
            }
            postings
                .iter()
                .map(|p| eval::predict(&classifier, p, scored))
                .collect()
        }
    };
    let fit = args.fit.then_some(fit);
    let tested = |i: usize| folds.as_ref().is_none_or(|f| f[i].is_some());
    let trained_only = (0..postings.len()).filter(|&i| !tested(i)).count();
    // Tested postings with no word the model knows (once masked): in no figure, but counted.
    let unscored = (0..postings.len())
        .filter(|&i| tested(i) && pairs[i].is_none())
        .count();
    let pooled: Vec<eval::Scoring> = pairs.iter().flatten().copied().collect();
    let report = eval::Report::of(&pooled);
    let groups = if group.is_some() {
        eval::by_group(&postings, &pairs)
    } else {
        Vec::new()
    };
    if args.cues {
        let model = args.model.load()?;
        eprintln!(
            "cue firings per gold level (individual head director vp executive), titles masked: {}",
            args.mask_title
        );
        for (cue, counts) in eval::cue_firings(&model, &postings, args.mask_title) {
            let counts: Vec<String> = counts.iter().map(|c| format!("{c:>4}")).collect();
            eprintln!(
                "  {:<24} {:<11} -> {:<10} {}",
                cue.name,
                cue.family,
                cue.level.as_str(),
                counts.join(" ")
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
                "metrics": report.ladder,
                "management": report.management,
                "fit": fit.map(|f| serde_json::json!({
                    "true_titles": f.true_titles, "true_fit": f.true_fit,
                    "true_rate": f.true_rate(),
                    "two_away": f.two_away, "two_away_fit": f.two_away_fit,
                    "two_away_rate": f.two_away_rate(),
                })),
                "leadership_as_individual": {
                    "rows": report.leadership_as_individual.1,
                    "called_individual": report.leadership_as_individual.0,
                    "rate": report.leadership_as_individual_rate(),
                },
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
                render(&report, &setup, args.mask_title, &skipped, unscored)
            );
            if let Some(f) = fit {
                stdoutln!(
                    "\ntitle fit (min confidence {min_confidence}): own titles fit {} of {} ({:.1}%); titles two rungs away fit {} of {} ({:.1}%)",
                    f.true_fit,
                    f.true_titles,
                    100.0 * f.true_rate(),
                    f.two_away_fit,
                    f.two_away,
                    100.0 * f.two_away_rate()
                );
            }
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
        eval::Scored::Titled => {
            "level as users get it with the title column (the title's level, else the described level)"
        }
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
        "\nper {column}\n{column:<width$}  rows  accuracy  balanced  macro-F1  gold i/h/d/v/e       predicted i/h/d/v/e\n"
    );
    let slashed = |counts: [usize; Level::COUNT]| counts.map(|c| c.to_string()).join("/");
    for (name, m) in groups {
        let gold = std::array::from_fn(|l| m.confusion[l].iter().sum());
        let predicted = std::array::from_fn(|l| m.confusion.iter().map(|row| row[l]).sum());
        out += &format!(
            "{name:<width$}  {:>4}  {:>8.3}  {:>8.3}  {:>8.3}  {:<19}  {}\n",
            m.rows,
            m.accuracy,
            m.balanced_accuracy,
            m.macro_f1,
            slashed(gold),
            slashed(predicted),
        );
    }
    out
}

fn render(
    report: &eval::Report,
    setup: &str,
    masked: bool,
    skipped: &[(Option<String>, u64, String)],
    unscored: usize,
) -> String {
    let m = &report.ladder;
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
    // Levels with no gold row and no answer say nothing: left out (a file of leadership
    // postings shows three rows, as before the ladder had five rungs).
    let shown: Vec<Level> = Level::ALL
        .into_iter()
        .filter(|l| {
            m.per_level[l.index()].support > 0 || m.confusion.iter().any(|r| r[l.index()] > 0)
        })
        .collect();
    for &l in &shown {
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
    out += "\nconfusion (rows gold, columns predicted)\n          ";
    for &l in &shown {
        out += &format!(" {:>10}", l.as_str());
    }
    out += "\n";
    for &g in &shown {
        out += &format!("{:<10}", g.as_str());
        for &p in &shown {
            out += &format!(" {:>10}", m.confusion[g.index()][p.index()]);
        }
        out += "\n";
    }
    // The three levels the articles describe, among postings of those levels, answered
    // among them: the figure comparable with the three-rung ladder.
    let (called, of) = report.leadership_as_individual;
    if shown.iter().any(|l| !l.is_management()) && of > 0 {
        let t = &report.management;
        out += &format!(
            "\nhead/director/vp postings ({of}), answered among those three: accuracy {:.3}  balanced {:.3}  macro-F1 {:.3}\n",
            t.accuracy, t.balanced_accuracy, t.macro_f1
        );
        out += &format!(
            "head/director/vp postings answered individual: {called} of {of} ({:.1}%)\n",
            100.0 * report.leadership_as_individual_rate()
        );
    }
    for (file, record, reason) in skipped {
        match file {
            Some(file) => out += &format!("skipped {file} record {record}: {reason}\n"),
            None => out += &format!("skipped record {record}: {reason}\n"),
        }
    }
    out
}
