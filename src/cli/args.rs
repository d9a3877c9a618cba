//! Flags more than one command takes, declared once: the model, the output format, the
//! columns of a CSV, a probability. A command flattens the struct (`#[command(flatten)]`), so
//! the flag reads and behaves the same everywhere.

use super::Error;
use joblevel::labelled::Columns;
use joblevel::{Classifier, Model, Rungs, builtin};
use std::path::Path;

/// `--model`: which model scores.
#[derive(clap::Args, Debug, Clone)]
pub struct ModelArg {
    /// Model: `default` (articles + cues + weights learned from labelled postings), `articles`
    /// (the two source articles and cues only), or a JSON file from `joblevel train -o`.
    #[arg(long, default_value = "default", value_name = "MODEL")]
    pub model: String,
    /// Rungs an answer may take: `five` (individual, head, director, vp, executive) or
    /// `three` (head, director, vp only: for files that hold only leadership postings, as
    /// before the ladder had five rungs).
    #[arg(long, value_enum, default_value_t = Rungs::Five, value_name = "RUNGS")]
    pub levels: Rungs,
}

impl ModelArg {
    /// The model: a built-in one by name ([`builtin::NAMES`]), else the file of that name.
    pub fn load(&self) -> Result<Model, Error> {
        if let Some(model) = builtin::model(&self.model) {
            return Ok(model);
        }
        let path = Path::new(&self.model);
        if !path.exists() {
            return Err(Error::UnknownModel {
                name: self.model.clone(),
            });
        }
        Ok(Model::load(path)?)
    }

    /// A classifier over the model, listing `top` evidence terms per level.
    pub fn classifier(&self, top: usize) -> Result<Classifier, Error> {
        Ok(Classifier::new(self.load()?)
            .with_top(top)
            .with_rungs(self.levels))
    }
}

/// Output format of the commands that answer one thing at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `--format text|json`.
#[derive(clap::Args, Debug, Clone)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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

/// `--text-column` and `--title-column`: where a CSV's text and title are, when their names
/// are not the usual ones.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ColumnArgs {
    /// Text column(s), comma-separated (joined by a blank line); found by name when omitted.
    #[arg(long, value_name = "COLS")]
    pub text_column: Option<String>,
    /// Title column; found by name when omitted.
    #[arg(long, value_name = "COL")]
    pub title_column: Option<String>,
}

impl ColumnArgs {
    /// The columns of a labelled file: these, and the level and group columns given.
    pub fn labelled<'a>(&'a self, level: Option<&'a str>, group: Option<&'a str>) -> Columns<'a> {
        Columns {
            text: self.text_column.as_deref(),
            title: self.title_column.as_deref(),
            level,
            group,
        }
    }
}

/// Flags shared by the commands that score one description (`classify`, `fit`).
#[derive(clap::Args, Debug, Clone)]
pub struct ScoringArgs {
    #[command(flatten)]
    pub format: FormatArg,
    /// Evidence terms shown per level (at most 1000).
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = top)]
    pub top: usize,
    #[command(flatten)]
    pub model: ModelArg,
}

impl ScoringArgs {
    /// The classifier these flags ask for.
    pub fn classifier(&self) -> Result<Classifier, Error> {
        self.model.classifier(self.top)
    }

    /// The output format asked for.
    pub fn format(&self) -> Format {
        self.format.format
    }
}

/// A probability, 0 to 1 (`--min-confidence`): a typo such as `50` (or `NaN`) is refused, not
/// read as "never" or "always".
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Probability(f64);

impl Probability {
    /// `p`, when it is a probability.
    pub fn new(p: f64) -> Option<Probability> {
        (0.0..=1.0).contains(&p).then_some(Probability(p))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl std::str::FromStr for Probability {
    type Err = String;

    fn from_str(s: &str) -> Result<Probability, String> {
        match s.trim().parse::<f64>() {
            Ok(p) => Probability::new(p).ok_or_else(|| {
                format!("{s} is not a probability: give a number from 0 to 1, e.g. 0.5")
            }),
            Err(_) => Err(format!(
                "{s:?} is not a number: give a probability from 0 to 1, e.g. 0.5"
            )),
        }
    }
}

impl std::fmt::Display for Probability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The default `--min-confidence` of `fit` and `batch`: [`joblevel::fit::DEFAULT_MIN_CONFIDENCE`].
pub fn default_min_confidence() -> Probability {
    Probability::new(joblevel::fit::DEFAULT_MIN_CONFIDENCE)
        .unwrap_or_else(|| unreachable!("the default minimum confidence is a probability"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probability_is_from_0_to_1() {
        assert_eq!("0.5".parse::<Probability>().map(Probability::get), Ok(0.5));
        assert_eq!(" 1 ".parse::<Probability>().map(Probability::get), Ok(1.0));
        assert!(
            "50".parse::<Probability>()
                .unwrap_err()
                .contains("not a probability")
        );
        assert!("NaN".parse::<Probability>().is_err());
        assert!(
            "half"
                .parse::<Probability>()
                .unwrap_err()
                .contains("not a number")
        );
        assert_eq!(
            default_min_confidence().get(),
            joblevel::fit::DEFAULT_MIN_CONFIDENCE
        );
    }
}
