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

/// Refuses a labelled file that holds a NUL byte (a binary file), as `classify` does, rather
/// than reading it as CSV and echoing its bytes in messages.
pub fn check_not_binary(path: &Path, data: &[u8]) -> Result<(), Error> {
    match memchr::memchr(0, data) {
        Some(offset) => Err(Error::Csv(format!(
            "{}: {}",
            path.display(),
            joblevel::error::InputError::Binary { offset }
        ))),
        None => Ok(()),
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
    /// Evidence terms shown per level.
    #[arg(long, default_value_t = 5, value_name = "N")]
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
    /// A posting term must occur in the postings of at least this many sources.
    #[arg(long, default_value_t = joblevel::train::Config::default().min_sources, help_heading = "Learner")]
    pub min_sources: u32,
    /// A posting term must lean to the same level in at least this many sources (0: off).
    #[arg(long, default_value_t = joblevel::train::Config::default().consistent_sources, help_heading = "Learner")]
    pub consistent_sources: u32,
    /// L2 penalty on the per-source bias offsets learned beside the terms, so terms learn what
    /// tells levels apart within a source (0: free offsets).
    #[arg(long, value_name = "L2", default_value_t = joblevel::train::Config::default().source_bias.unwrap_or(0.0), help_heading = "Learner")]
    pub source_bias: f32,
    /// No per-source bias offsets: one bias for all postings.
    #[arg(long, help_heading = "Learner")]
    pub no_source_bias: bool,
    /// Balance levels: 1 gives each level the same weight, 0 weighs postings alike.
    #[arg(long, default_value_t = joblevel::train::Config::default().level_balance, help_heading = "Learner")]
    pub level_balance: f32,
    /// Balance sources within a level: 0 weighs postings alike, 1 weighs sources alike.
    #[arg(long, default_value_t = joblevel::train::Config::default().source_balance, help_heading = "Learner")]
    pub source_balance: f32,
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
            min_sources: self.min_sources,
            consistent_sources: self.consistent_sources,
            source_balance: self.source_balance,
            level_balance: self.level_balance,
            source_bias: (!self.no_source_bias).then_some(self.source_bias),
        }
    }
}
