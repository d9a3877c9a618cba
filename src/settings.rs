//! Learner settings: what [`crate::train`] reads and a model's
//! [`Provenance`](crate::model::Provenance) records, so a model file says how it was trained.
//! A module of its own, below both, so the model does not reach up into training.

/// Learner settings. The defaults are the shipped ones; docs/accuracy.md says how they were chosen.
///
/// They are the `train` and `eval --cv` flags (the doc comments are their `--help`), and are
/// recorded in the model's [`Provenance`](crate::model::Provenance), so a model file says how it was trained. A field
/// missing from an older file reads as its default.
#[derive(Debug, Clone, PartialEq, clap::Args, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[command(next_help_heading = "Learner")]
#[command(arg(
    clap::Arg::new("no_source_bias")
        .long("no-source-bias")
        .action(clap::ArgAction::SetTrue)
        .help("No per-source bias offsets: one bias for all postings (as --source-bias off)")
        .help_heading("Learner")
))]
pub struct Config {
    /// Weight of one article sentence relative to an average posting.
    #[arg(long, default_value_t = Config::default().article_weight)]
    pub article_weight: f32,
    /// L2 penalty on term weights (pulls them to 0).
    #[arg(long, default_value_t = Config::default().l2)]
    pub l2: f32,
    /// L2 penalty pulling cue weights back to their hand-set weight.
    #[arg(long, default_value_t = Config::default().cue_l2)]
    pub cue_l2: f32,
    /// A posting term must occur in at least this many postings to become a feature.
    #[arg(long, default_value_t = Config::default().min_df)]
    pub min_df: u32,
    /// Optimiser (Adam) steps.
    #[arg(long, default_value_t = Config::default().steps)]
    pub steps: usize,
    /// Use stem bigrams as well as stems (`--no-bigrams`: stems only).
    #[arg(long = "no-bigrams", action = clap::ArgAction::SetFalse, help = "Use stems only, no stem bigrams")]
    pub bigrams: bool,
    /// Multiplies every cue's hand weight before training (0: cue weights are learned from
    /// the data alone).
    #[arg(long, default_value_t = Config::default().cue_scale)]
    pub cue_scale: f32,
    /// Calibrate the probabilities (temperature scaling on held-out postings, see [`crate::train`]) when there are labelled postings.
    #[arg(
        long = "no-calibrate",
        action = clap::ArgAction::SetFalse,
        help = "Do not calibrate the probabilities on held-out postings"
    )]
    pub calibrate: bool,
    /// Cue families to leave out (for measuring a family's effect).
    #[arg(
        long = "without-family",
        value_name = "FAMILY",
        help = "Leave out a cue family (reporting, scope, experience, team...); repeatable"
    )]
    pub without_families: Vec<String>,
    /// A posting term must occur in the postings of at least this many groups (sources).
    #[arg(long, default_value_t = Config::default().min_sources)]
    pub min_sources: u32,
    /// A posting term must lean to the same level in at least this many sources (0: no test);
    /// a term leans to the level whose postings contain it at the highest rate.
    #[arg(
        long,
        default_value_t = Config::default().consistent_sources,
        help = "A posting term must lean to the same level in at least this many sources (0: off)"
    )]
    pub consistent_sources: u32,
    /// A bias offset per source while learning, pulled to 0 by this L2 penalty (`None`: no
    /// offsets), so term weights learn what tells levels apart within a source rather than
    /// what tells sources apart.
    #[arg(
        long,
        value_name = "L2",
        default_value = "0.05",
        value_parser = source_bias,
        default_value_if("no_source_bias", clap::builder::ArgPredicate::IsPresent, Some("off")),
        conflicts_with = "no_source_bias",
        help = "L2 penalty on the per-source bias offsets learned beside the terms, so terms \
                learn what tells levels apart within a source (0: free offsets; off: none)"
    )]
    pub source_bias: ::std::option::Option<f32>,
    /// How much levels are balanced: 1 gives each level the same total weight, 0 weighs
    /// every posting alike (the majority level then sets the prior).
    #[arg(long, default_value_t = Config::default().level_balance)]
    pub level_balance: f32,
    /// How much sources are balanced within a level: 0 weighs every posting alike, 1 gives
    /// every source the same total weight per level.
    #[arg(long, default_value_t = Config::default().source_balance)]
    pub source_balance: f32,
}

/// `--source-bias`: an L2 penalty (0 or more), or `off` for no per-source offsets.
fn source_bias(s: &str) -> Result<Option<f32>, String> {
    match s.trim() {
        "off" | "none" => Ok(None),
        n => match n.parse::<f32>() {
            Ok(l2) if l2 >= 0.0 && l2.is_finite() => Ok(Some(l2)),
            _ => Err(format!(
                "{s:?} is not an L2 penalty: give 0 or more, or off"
            )),
        },
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            article_weight: 1.0,
            l2: 0.01,
            cue_l2: 0.05,
            min_df: 10,
            steps: 400,
            bigrams: true,
            cue_scale: 1.0,
            calibrate: true,
            without_families: Vec::new(),
            min_sources: 1,
            consistent_sources: 0,
            source_balance: 0.0,
            level_balance: 1.0,
            source_bias: Some(0.05),
        }
    }
}
