//! `joblevel fit` (not written yet).

use joblevel::Error;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<i32, Error> {
    Ok(0)
}
