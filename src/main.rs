//! The `joblevel` command: flags in, library calls, output out. All the work is in the library.

mod cli;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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

/// Says whether a job description describes a Head, a Director or a VP level role
/// (operations first), how sure it is, and why.
#[derive(Parser)]
#[command(name = "joblevel", version, after_help = EXIT_CODES)]
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
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("joblevel: {err}");
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
