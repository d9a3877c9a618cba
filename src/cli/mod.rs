//! One file per subcommand, each with its usage text at the top. Shared helpers live here:
//! reading `FILE|-`, choosing a model, the output format.

pub mod batch;
pub mod classify;
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

/// The help text of `--model`, shared by every subcommand that scores.
pub const MODEL_HELP: &str = "Model: `default` (articles + cues + weights learned from labelled \
postings), `articles` (the two source articles and cues only), or a JSON file from `joblevel train -o`";
