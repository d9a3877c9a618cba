//! `joblevel classify`: one posting in, level + confidence + evidence out.

use super::Format;
use joblevel::error::Error;
use joblevel::{Level, Prediction};
use std::path::PathBuf;

/// Classify one job description as head, director or vp level.
///
/// Reads the description from FILE, or from stdin when FILE is `-` or omitted; plain text or
/// HTML. Prints the level, its probability, the probability of each level (they sum to 1),
/// the raw scores, and for each level the terms that pushed towards it with their weight.
/// Terms are stems ("oper" for operations), stem pairs ("day day" for day-to-day) or cue
/// rules ("cue:reports_to_ceo", see training/cues.csv).
///
/// Examples:
///   joblevel classify corpora/vp-operations.txt
///   pbpaste | joblevel classify --format json --top 3
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The description: a file, or `-` for stdin.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,
    #[command(flatten)]
    scoring: super::ScoringArgs,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let description = super::read_text(&args.input)?;
    let prediction = args.scoring.classifier()?.classify(&description)?;
    match args.scoring.format {
        Format::Json => println!("{}", json(&prediction)),
        Format::Text => print!("{}", render(&prediction)),
    }
    Ok(0)
}

/// The JSON form: level, confidence, probabilities and scores by level name, evidence.
pub fn json(p: &Prediction) -> serde_json::Value {
    let by_level = |values: [f64; 3]| {
        Level::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), serde_json::json!(values[l.index()])))
            .collect::<serde_json::Map<_, _>>()
    };
    serde_json::json!({
        "level": p.level,
        "confidence": p.confidence,
        "probabilities": by_level(p.probabilities),
        "scores": by_level(p.scores.map(f64::from)),
        "evidence": p.evidence,
    })
}

/// The human form.
pub fn render(p: &Prediction) -> String {
    let mut out = format!(
        "level:       {}\nconfidence:  {:.2}\n",
        p.level, p.confidence
    );
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
