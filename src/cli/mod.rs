//! One file per subcommand, each with its usage text at the top. Shared helpers live here:
//! reading `FILE|-`, choosing a model, the output format.

pub mod batch;
pub mod classify;
pub mod completions;
pub mod eval;
pub mod fit;
pub mod title;
pub mod train;

use joblevel::{Classifier, Error, Model, builtin};
use std::io::Read;
use std::path::{Path, PathBuf};

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

/// Reads `path` whole, or stdin when it is `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(io)?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(io)
    }
}

/// `--model`: `default`, `articles`, or a model file written by `joblevel train -o`.
pub fn load_model(spec: &str) -> Result<Model, Error> {
    match builtin::model(spec) {
        Some(model) => Ok(model),
        None => Model::load(&PathBuf::from(spec)),
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
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=1000))]
    pub top: u16,
    #[arg(long, default_value = "default", help = MODEL_HELP)]
    pub model: String,
}

impl ScoringArgs {
    /// The classifier these flags ask for.
    pub fn classifier(&self) -> Result<Classifier, Error> {
        classifier(&self.model, usize::from(self.top))
    }
}

/// Reads `path` (or stdin for `-`) and checks it is usable text: not empty, not binary, UTF-8.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = read_input(path)?;
    Ok(joblevel::text::decode(&bytes)?.to_string())
}

/// The help text of `--model`, shared by every subcommand that scores.
pub const MODEL_HELP: &str = "Model: `default` (articles + cues + weights learned from labelled \
postings), `articles` (the two source articles and cues only), or a JSON file from `joblevel train -o`";

/// Learner settings shared by `train` and `eval --cv`; defaults are the shipped ones.
#[derive(clap::Args, Debug, Clone)]
pub struct LearnerArgs {
    /// L2 penalty on term weights.
    #[arg(long, default_value_t = joblevel::train::Config::default().l2, help_heading = "Learner")]
    pub l2: f32,
    /// Weight of one article sentence relative to an average posting.
    #[arg(long, default_value_t = joblevel::train::Config::default().article_weight, help_heading = "Learner")]
    pub article_weight: f32,
    /// L2 penalty pulling cue weights back to their hand-set weight.
    #[arg(long, default_value_t = joblevel::train::Config::default().cue_l2, help_heading = "Learner")]
    pub cue_l2: f32,
    /// Multiplies every cue's hand weight (0: cue weights are learned from the data alone).
    #[arg(long, default_value_t = joblevel::train::Config::default().cue_scale, help_heading = "Learner")]
    pub cue_scale: f32,
    /// Minimum number of postings a term must occur in to become a feature.
    #[arg(long, default_value_t = joblevel::train::Config::default().min_df, help_heading = "Learner")]
    pub min_df: u32,
    /// Optimiser steps.
    #[arg(long, default_value_t = joblevel::train::Config::default().steps, help_heading = "Learner")]
    pub steps: usize,
    /// Use stems only, no stem bigrams.
    #[arg(long, help_heading = "Learner")]
    pub no_bigrams: bool,
    /// Do not calibrate the probabilities on held-out postings.
    #[arg(long, help_heading = "Learner")]
    pub no_calibrate: bool,
    /// Leave out a cue family (reporting, scope, experience, team); repeatable.
    #[arg(long, value_name = "FAMILY", help_heading = "Learner")]
    pub without_family: Vec<String>,
}

impl LearnerArgs {
    pub fn config(&self) -> joblevel::train::Config {
        joblevel::train::Config {
            article_weight: self.article_weight,
            l2: self.l2,
            cue_l2: self.cue_l2,
            min_df: self.min_df,
            steps: self.steps,
            bigrams: !self.no_bigrams,
            cue_scale: self.cue_scale,
            calibrate: !self.no_calibrate,
            without_families: self.without_family.clone(),
        }
    }
}
