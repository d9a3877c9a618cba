//! `joblevel title`: the level and function a job title names.

use super::Error;
use super::Format;
use joblevel::title;
use std::path::Path;

/// Parse a job title: the level it names (individual, head, director, vp, executive, or none
/// and why) and its function.
///
/// Lowest rung first. Individual-contributor roles ("Engineer", "Analyst", "Nurse",
/// "Coordinator", "Barista", "Intern"...) with no leadership word -> individual; "Head of X",
/// "Operations Manager"/"Operations Lead" (the head of operations' other names in the source
/// article) -> head; "Director of X", "X Director", "Sr./Associate/Regional Director" ->
/// director; "VP", "V.P.", "SVP", "EVP", "Vice President" -> vp; a chief officer ("CEO",
/// "Chief Operating Officer"), "President" -> executive. Titles that name no rung say why:
/// managers, leads and supervisors outside operations (between individual and head),
/// Managing/Executive/Board Director, Art/Creative/Medical Director, Chief of Staff, Head
/// Chef/Coach/Teacher, Assistant or Deputy Director, AVP (a banking grade below director, a
/// senior university post), titles naming two levels.
///
/// With `-` (or no title), titles are read from stdin, one per line, and each gets its
/// answer (one JSON object per line with --format json): `cut -d, -f2 jobs.csv | joblevel
/// title -`. An empty title is an error (exit 3).
///
/// Examples:
///   joblevel title "Sr. Director of Ops (Remote)"
///   joblevel title "Senior Data Analyst"
///   joblevel title --format json "VP, Ops"
///   printf 'Head of Ops\nVP Sales\n' | joblevel title -
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The job title, or `-` to read titles from stdin, one per line.
    #[arg(default_value = "-", value_name = "TITLE|-")]
    title: String,
    #[command(flatten)]
    format: super::FormatArg,
}

pub fn run(args: Args) -> Result<i32, Error> {
    if args.title != "-" {
        stdout!("{}", render(&args.title, args.format.format, false)?);
        return Ok(0);
    }
    let input = super::read_bounded(Path::new("-"), super::MAX_DOCUMENT_BYTES, true)?;
    let input = joblevel::text::decode_any(&input)?;
    let mut out = String::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        out += &render(line, args.format.format, true)?;
    }
    stdout!("{out}");
    Ok(0)
}

/// One title's answer; with `several`, text output starts with the title and ends with a
/// blank line so that answers stay apart.
fn render(title: &str, format: Format, several: bool) -> Result<String, Error> {
    if title.trim().is_empty() {
        return Err(Error::Unusable(
            "the title is empty: give one, e.g. joblevel title \"Director of Operations\"".into(),
        ));
    }
    let parsed = title::parse(title);
    Ok(match format {
        Format::Json => format!("{}\n", serde_json::json!(parsed)),
        Format::Text => {
            let mut out = String::new();
            if several {
                out += &format!("title:     {}\n", title.trim());
            }
            out += &format!(
                "level:     {}\n",
                parsed.level.map_or("none", |l| l.as_str())
            );
            out += &format!("function:  {}\n", parsed.function.as_deref().unwrap_or("-"));
            out += &format!("reason:    {}\n", parsed.reason);
            if several {
                out.push('\n');
            }
            out
        }
    })
}
