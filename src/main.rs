//! The `joblevel` command: flags in, library calls, output out. All the work is in the library.
#![forbid(unsafe_code)]

mod cli;
mod serve;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;
use std::sync::LazyLock;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (fit: the title fits the description)
  1  fit: the title is over- or under-titled
  2  bad flags or arguments
  3  unusable input: empty, whitespace only, binary, invalid UTF-8, malformed CSV, missing column
  4  a file could not be read or written
  5  a model file could not be loaded, or training data is malformed
  6  fit: no verdict (the title names no level, or the description is uncertain)
  7  batch: every row was written, but some rows carry an error";

/// `--version`: the crate version and a fingerprint (FNV-1a) of the compiled-in default model,
/// `training/model.json`, so a figure or a bug report can be traced to the weights behind it.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let hash = joblevel::builtin::DEFAULT_MODEL
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!(
        "{} (default model training/model.json, fnv1a {hash:016x})",
        env!("CARGO_PKG_VERSION")
    )
});

/// Says whether a job description describes a Head, a Director or a VP level role
/// (operations first), how sure it is, and why.
#[derive(Parser)]
#[command(name = "joblevel", version = VERSION.as_str(), after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Classify(cli::classify::Args),
    Batch(cli::batch::Args),
    Title(cli::title::Args),
    Fit(cli::fit::Args),
    Eval(cli::eval::Args),
    Train(cli::train::Args),
    Serve(cli::serve::Args),
    Completions(cli::completions::Args),
    Man(cli::completions::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(args) => cli::classify::run(args),
        Command::Batch(args) => cli::batch::run(args),
        Command::Title(args) => cli::title::run(args),
        Command::Fit(args) => cli::fit::run(args),
        Command::Eval(args) => cli::eval::run(args),
        Command::Train(args) => cli::train::run(args),
        Command::Serve(args) => cli::serve::run(args),
        Command::Completions(args) => cli::completions::run(args, Cli::command()),
        Command::Man(args) => cli::completions::run_man(args, Cli::command()),
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("joblevel: {err}");
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
