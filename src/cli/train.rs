//! `joblevel train`: build a model from `training/` (compiled in) and, optionally, labelled
//! postings, and write it as JSON.

use joblevel::error::Error;
use joblevel::labelled::{self, Columns};
use joblevel::model::Provenance;
use joblevel::{builtin, train};
use std::path::PathBuf;

/// Train a model and write it as JSON.
///
/// Without --labelled the model learns from the article responsibilities and cue rules in
/// training/ (the `articles` model). With --labelled it also learns from real postings with a
/// `level` column (head, director or vp); each posting's own title is masked out first, so the
/// model learns what the job is, not what it is called.
///
/// The shipped default model is made with:
///   joblevel train --labelled ../shared/corpora/dev.csv -o training/model.json
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Labelled CSV of postings (columns: level, a text column, optionally a title column).
    #[arg(long, value_name = "FILE.csv")]
    labelled: Option<PathBuf>,
    /// Where to write the model; `-` for stdout.
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Text column(s) of the labelled file, comma-separated; found by name when omitted.
    #[arg(long, value_name = "COLS")]
    text_column: Option<String>,
    /// Title column of the labelled file; found by name when omitted.
    #[arg(long, value_name = "COL")]
    title_column: Option<String>,
    /// Keep each posting's own title in its text when learning.
    #[arg(long)]
    no_mask_title: bool,
    #[command(flatten)]
    learner: super::LearnerArgs,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let inputs: Vec<&std::path::Path> = args.labelled.iter().map(|p| p.as_path()).collect();
    super::output::Output::refuse_overwriting_inputs(Some(&args.output), &inputs)?;
    let config = args.learner.config();
    let mut trained_on = vec![
        "training/responsibilities.csv".to_string(),
        "training/cues.csv".to_string(),
    ];
    let mut command = "joblevel train".to_string();
    let postings = match &args.labelled {
        None => Vec::new(),
        Some(path) => {
            let data = super::read_input(path)?;
            let columns = Columns {
                text: args.text_column.as_deref(),
                title: args.title_column.as_deref(),
                level: None,
                group: None,
            };
            let labelled = labelled::read(&data, &columns, false)?;
            for (record, reason) in &labelled.skipped {
                eprintln!(
                    "joblevel: {}: record {record} skipped: {reason}",
                    path.display()
                );
            }
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            trained_on.push(format!("{name} ({} postings)", labelled.postings.len()));
            command = format!("joblevel train --labelled {name}");
            labelled
                .postings
                .iter()
                .map(|p| p.example(!args.no_mask_title))
                .collect()
        }
    };
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
    };
    let model = train::train(
        &builtin::articles(),
        &postings,
        &builtin::cues(),
        &config,
        provenance,
    )
    .map_err(|reason| Error::Model {
        path: PathBuf::from("training/"),
        reason,
    })?;
    let json = model.to_json();
    if args.output.as_os_str() == "-" {
        stdout!("{json}");
    } else {
        // Never over the labelled file, and the old model stays until the new one is whole.
        let mut out = super::output::Output::create(Some(&args.output), &inputs)?;
        std::io::Write::write_all(&mut out, json.as_bytes()).map_err(|source| Error::Io {
            path: args.output.clone(),
            source,
        })?;
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
