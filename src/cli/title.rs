//! `joblevel title`: the level and function a job title names.

use super::Format;
use joblevel::error::Error;
use joblevel::title;

/// Parse a job title: the level it names (head, director, vp, or none and why) and its function.
///
/// "Head of X", "Operations Manager"/"Operations Lead" (the head of operations' other names in
/// the source article) -> head; "Director of X", "X Director", "Sr./Associate/Regional
/// Director" -> director; "VP", "V.P.", "SVP", "EVP", "Vice President" -> vp. Titles that name
/// no management level say why: Managing/Executive/Board Director, Art/Creative/Medical
/// Director, Head Chef/Coach/Teacher, Assistant or Deputy Director, AVP (ambiguous: a banking
/// grade below director, a senior university post), titles naming two levels.
///
/// Examples:
///   joblevel title "Sr. Director of Ops (Remote)"
///   joblevel title --format json "VP, Ops"
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The job title.
    title: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let parsed = title::parse(&args.title);
    match args.format {
        Format::Json => println!("{}", serde_json::json!(parsed)),
        Format::Text => {
            println!("level:     {}", parsed.level.map_or("none", |l| l.as_str()));
            println!("function:  {}", parsed.function.as_deref().unwrap_or("-"));
            println!("reason:    {}", parsed.reason);
        }
    }
    Ok(0)
}
