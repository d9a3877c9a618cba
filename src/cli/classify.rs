//! `joblevel classify`: one posting in, its level (named and described), confidence and
//! evidence out.

use super::Error;
use super::{Basis, Format};
use joblevel::{Answer, Level, Prediction};
use std::path::PathBuf;

/// Classify one job description as head, director or vp level.
///
/// Reads the description from FILE, or from stdin when FILE is `-` or omitted; plain text or
/// HTML. Gives two answers side by side:
///
///   named      the level the posting names for itself: a title on its first line, a "Job
///              Title:" field, or a self-reference ("As our VP of Operations...", "We are
///              seeking a Head of People"). Mentions of other roles ("reports to the VP")
///              never count. --title gives the title instead, and wins over the text.
///   described  the level its responsibilities describe, with the named title masked out:
///              probability of each level (they sum to 1), raw scores, and for each level the
///              terms that pushed towards it. Terms are stems ("oper" for operations), stem
///              pairs ("day day" for day-to-day) or cue rules ("cue:reports_to_ceo", see
///              training/cues.csv).
///
/// `level` is the named level when there is one (basis: named), else the described level
/// (basis: described). When the two disagree, a note says so (the title-fit verdict).
/// --basis described answers with the described level of the text as it is.
///
/// Exit code 3 when the text has no word the model knows (and says when it is not English).
///
/// Examples:
///   joblevel classify corpora/vp-operations.txt
///   pbpaste | joblevel classify --format json --top 3
///   joblevel classify --basis described corpora/head-operations.txt
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The description: a file, or `-` for stdin.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,
    /// The posting's title, when known: it is the named level, and is masked out of the text.
    #[arg(long)]
    title: Option<String>,
    /// Which answer `level` gives.
    #[arg(long, value_enum, default_value_t = Basis::Named)]
    basis: Basis,
    #[command(flatten)]
    scoring: super::ScoringArgs,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let description = super::read_text(&args.input)?;
    let answer = args.scoring.classifier()?.answer_by(
        &description,
        args.title.as_deref(),
        args.basis.into(),
    )?;
    match args.scoring.format() {
        Format::Json => stdoutln!("{}", json(&answer)),
        Format::Text => stdout!("{}", render(&answer)),
    }
    Ok(0)
}

/// The JSON form: the library's [`Answer`] shape.
pub fn json(answer: &Answer) -> serde_json::Value {
    serde_json::to_value(answer).expect("an answer serializes")
}

/// The JSON form of a prediction alone: level, confidence, probabilities and scores by level
/// name, evidence.
pub fn prediction_json(p: &Prediction) -> serde_json::Value {
    serde_json::to_value(joblevel::answer::Described(p)).expect("a prediction serializes")
}

/// The human form: the answer, then each side with its reason.
pub fn render(a: &Answer) -> String {
    let mut out = format!("level:       {} ({})\n", a.level, a.basis);
    match (&a.named, &a.unnamed) {
        (Some(n), _) => {
            out += &format!("named:       {} {:?}", n.level, n.title);
            if n.end > n.start {
                out += &format!(" (bytes {}-{})", n.start, n.end);
            }
            out += &format!("\n  why:       {}\n", n.reason);
        }
        (None, Some(why)) => out += &format!("named:       none ({why})\n"),
        (None, None) => {}
    }
    out += &format!(
        "described:   {} (confidence {:.2}{})\n",
        a.described.level,
        a.described.confidence,
        if a.named.is_some() {
            ", title masked"
        } else {
            ""
        }
    );
    if let Some(note) = &a.note {
        out += &format!("note:        {note}\n");
    }
    out += &render_prediction(&a.described);
    out
}

/// Probabilities, scores and evidence of a prediction.
pub fn render_prediction(p: &Prediction) -> String {
    let mut out = String::new();
    for l in Level::ALL {
        out += &format!(
            "  {:<9} p={:.2}  score={:+.3}\n",
            l.as_str(),
            p.probabilities[l.index()],
            p.scores[l.index()]
        );
    }
    out += "evidence:\n";
    for l in Level::ALL {
        let terms: Vec<String> = p
            .evidence_for(l)
            .map(|e| format!("{} ({:+.3})", e.term, e.weight))
            .collect();
        let shown = if terms.is_empty() {
            "-".to_string()
        } else {
            terms.join(", ")
        };
        out += &format!("  {:<9} {}\n", format!("{}:", l.as_str()), shown);
    }
    out
}
