//! `joblevel train`: build a model from `training/` (compiled in) and, optionally, labelled
//! postings, and write it as JSON.

use super::Error;
use joblevel::builtin;
use joblevel::labelled;
use joblevel::model::Provenance;
use joblevel::train::{self, TrainError};
use std::path::PathBuf;

/// Train a model and write it as JSON.
///
/// Without --labelled the model learns from the article responsibilities and cue rules in
/// training/ (the `articles` model). With --labelled it also learns from real postings with a
/// `level` column (individual, head, director, vp or executive); each posting's own title is masked out first, so the
/// model learns what the job is, not what it is called.
///
/// --labelled may be given several times; the files are read as one set of postings. A
/// `source` column, when present, tells which postings come from the same source (employer
/// or job board), for --min-sources, --consistent-sources and --source-balance.
///
/// The shipped default model is made with:
///   joblevel train --labelled ../shared/corpora/dev.csv --labelled ../shared/corpora/extra.csv \
///     --labelled ../shared/corpora/ladder.csv -o training/model.json
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Labelled CSV of postings (columns: level, a text column, optionally title and
    /// source columns); repeatable.
    #[arg(long, value_name = "FILE.csv")]
    labelled: Vec<PathBuf>,
    /// Where to write the model; `-` for stdout.
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    #[command(flatten)]
    columns: super::ColumnArgs,
    /// Keep each posting's own title in its text when learning.
    #[arg(long)]
    no_mask_title: bool,
    #[command(flatten)]
    learner: joblevel::train::Config,
}

/// Fewer labelled postings of a level than this earn a warning.
const WARN_BELOW: usize = 5;

pub fn run(args: Args) -> Result<i32, Error> {
    let inputs: Vec<&std::path::Path> = args.labelled.iter().map(|p| p.as_path()).collect();
    super::output::Output::refuse_overwriting_inputs(Some(&args.output), &inputs)?;
    let config = &args.learner;
    let mut trained_on = vec![
        "training/responsibilities.csv".to_string(),
        "training/cues.csv".to_string(),
    ];
    let mut postings = Vec::new();
    let mut names = Vec::new();
    for path in &args.labelled {
        let data = super::read_input(path)?;
        super::check_not_binary(path, &data)?;
        let columns = args.columns.labelled(None, None);
        // The labelled file is training data: a file that cannot be trained on is a
        // training error (exit 5), named.
        let labelled =
            labelled::read(&data, &columns, false).map_err(|source| TrainError::Labelled {
                path: path.clone(),
                source,
            })?;
        for (record, reason) in &labelled.skipped {
            eprintln!(
                "joblevel: {}: record {record} skipped: {reason}",
                path.display()
            );
        }
        if labelled.postings.is_empty() {
            return Err(TrainError::NoPostings {
                path: path.clone(),
                skipped: labelled.skipped.len(),
            }
            .into());
        }
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        trained_on.push(format!("{name} ({} postings)", labelled.postings.len()));
        names.push(name);
        postings.extend(
            labelled
                .postings
                .iter()
                .map(|p| p.example(!args.no_mask_title)),
        );
    }
    let mut command = "joblevel train".to_string();
    for flag in learner_flags(config) {
        command += &format!(" {flag}");
    }
    for name in &names {
        command += &format!(" --labelled {name}");
    }
    if !postings.is_empty() {
        let counts = train::level_counts(&postings);
        let mut present = joblevel::Level::ALL
            .into_iter()
            .filter(|l| counts[l.index()] > 0);
        if let (Some(level), None) = (present.next(), present.next()) {
            return Err(TrainError::OneLevel {
                files: names.join(", "),
                level,
            }
            .into());
        }
        for level in joblevel::Level::ALL {
            let n = counts[level.index()];
            // A level with no posting is one the model does not know (the articles hold
            // head, director and vp), not a thin one.
            if n > 0 && n < WARN_BELOW {
                eprintln!(
                    "joblevel: warning: only {n} labelled {} postings; its learned weights rest on very little",
                    level.as_str()
                );
            }
        }
    }
    let provenance = Provenance {
        name: if postings.is_empty() {
            "articles"
        } else {
            "default"
        }
        .to_string(),
        trained_on,
        command,
        temperature: 1.0,
        config: None,
    };
    let model = train::train(
        builtin::articles(),
        &postings,
        builtin::cues(),
        config,
        provenance,
    )?;
    let json = model.to_json();
    if args.output.as_os_str() == "-" {
        stdout!("{json}");
    } else {
        // Never over the labelled file, and the old model stays until the new one is whole.
        let mut out = super::output::Output::create(Some(&args.output), &inputs)?;
        std::io::Write::write_all(&mut out, json.as_bytes())
            .map_err(|source| Error::io(args.output.clone(), source))?;
        out.commit()?;
        eprintln!(
            "joblevel: wrote {} ({} features, {} postings)",
            args.output.display(),
            model.feature_count(),
            postings.len()
        );
    }
    Ok(0)
}

/// The learner flags that give `config`: one per setting that differs from the default, in
/// `--help` order, so the command recorded in the model reproduces it. Read from the flags'
/// own definitions, so a setting added to [`train::Config`] is recorded without a change here.
fn learner_flags(config: &train::Config) -> Vec<String> {
    use clap::Args as _;
    use serde_json::Value;
    let values = |c: &train::Config| match serde_json::to_value(c) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (given, default) = (values(config), values(&train::Config::default()));
    let plain = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let flags = train::Config::augment_args(clap::Command::new("train"));
    let mut out = Vec::new();
    for arg in flags.get_arguments() {
        let (Some(long), Some(value)) = (arg.get_long(), given.get(arg.get_id().as_str())) else {
            continue;
        };
        if default.get(arg.get_id().as_str()) == Some(value) {
            continue;
        }
        match value {
            // An on/off flag (`--no-bigrams`): differing from the default is giving it.
            Value::Bool(_) => out.push(format!("--{long}")),
            Value::Null => out.push(format!("--{long} off")),
            Value::Array(items) => {
                out.extend(items.iter().map(|v| format!("--{long} {}", plain(v))))
            }
            other => out.push(format!("--{long} {}", plain(other))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_flags_are_those_that_differ_from_the_defaults() {
        assert!(learner_flags(&train::Config::default()).is_empty());
        let config = train::Config {
            l2: 0.5,
            min_df: 1,
            bigrams: false,
            source_bias: None,
            without_families: vec!["team".into(), "scope".into()],
            ..train::Config::default()
        };
        assert_eq!(
            learner_flags(&config).join(" "),
            "--l2 0.5 --min-df 1 --no-bigrams --without-family team --without-family scope \
             --source-bias off"
        );
    }
}
