//! `joblevel completions SHELL` and `joblevel man`: shell completions and the man page,
//! generated from the same clap definitions as `--help`, so they cannot drift from it.

use super::Error;
use clap::Command;
use std::io::Write;

/// Print shell completions for joblevel.
///
/// Examples:
///   joblevel completions bash > ~/.local/share/bash-completion/completions/joblevel
///   joblevel completions zsh > ~/.zfunc/_joblevel
///   joblevel completions fish > ~/.config/fish/completions/joblevel.fish
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: Args, mut command: Command) -> Result<i32, Error> {
    let name = command.get_name().to_string();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut out);
    write_stdout(&out)
}

/// Print the man page (roff) for joblevel.
///
/// Examples:
///   joblevel man > joblevel.1 && man ./joblevel.1
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {}

pub fn run_man(_: ManArgs, command: Command) -> Result<i32, Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(stdout_error)?;
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<i32, Error> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(stdout_error)?;
    Ok(0)
}

fn stdout_error(source: std::io::Error) -> Error {
    Error::io("-", source)
}
