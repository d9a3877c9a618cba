//! `joblevel fit`: does a posting's title match the level its description describes?

use super::{Error, exit};
use super::{Format, Probability};
use joblevel::Level;
use joblevel::fit::{self, Fit, Verdict};
use std::path::PathBuf;

/// Check a title against its description: fits, over-titled or under-titled.
///
/// Parses the title's level (see `joblevel title`), classifies the description with the
/// posting's own title masked out (so "As Director of Operations you will..." is not evidence
/// for director, while "reports to the VP" is evidence of a level below VP), and compares:
///
///   fits               the title names the level the description describes
///   over-titled        the title names a higher level than the description describes
///   under-titled       the title names a lower level than the description describes
///   title-not-a-level  the title names no management level (the reason is shown)
///   uncertain          the description's level has probability under --min-confidence
///
/// Exit code: 0 fits, 1 over- or under-titled, 6 title-not-a-level or uncertain,
/// 3 unusable input.
///
/// Examples:
///   joblevel fit --title "Director of Operations" corpora/head-operations.txt
///   pbpaste | joblevel fit --title "Head of Operations" --format json
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The posting's title.
    #[arg(long)]
    title: String,
    /// The description: a file, or `-` for stdin.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,
    /// Below this probability the description's level is `uncertain` (0 to 1). The default
    /// suits the calibrated `default` model; on real postings the `articles` model's
    /// probabilities are flatter (rarely over 0.5), so give it about 0.4.
    #[arg(long, default_value_t = super::args::default_min_confidence(), value_name = "P")]
    min_confidence: Probability,
    #[command(flatten)]
    scoring: super::ScoringArgs,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let description = super::read_text(&args.input)?;
    let classifier = args.scoring.classifier()?;
    let min_confidence = args.min_confidence.get();
    let fit = fit::assess(&classifier, &args.title, &description, min_confidence)?;
    match args.scoring.format() {
        Format::Json => stdoutln!(
            "{}",
            serde_json::json!({
                "title": fit.title,
                "description": super::classify::prediction_json(&fit.prediction),
                "verdict": fit.verdict,
                "min_confidence": min_confidence,
            })
        ),
        Format::Text => stdout!("{}", render(&fit, min_confidence)),
    }
    Ok(match fit.verdict {
        Verdict::Fits => exit::OK,
        Verdict::OverTitled | Verdict::UnderTitled => exit::MISFIT,
        Verdict::TitleNotALevel | Verdict::Uncertain => exit::NO_VERDICT,
    })
}

fn render(fit: &Fit, min_confidence: f64) -> String {
    let p = &fit.prediction;
    let named = fit.title.level.map_or("none", |l| l.as_str());
    let mut out = format!("title:        {named}: {}\n", fit.title.reason);
    out += &format!(
        "description:  {} (confidence {:.2}; head {:.2}, director {:.2}, vp {:.2})\n",
        p.level, p.confidence, p.probabilities[0], p.probabilities[1], p.probabilities[2]
    );
    let why = match fit.verdict {
        Verdict::Fits => format!("the description reads as {}, as the title says", p.level),
        Verdict::OverTitled => format!(
            "the title says {named}, the description reads as {}",
            p.level
        ),
        Verdict::UnderTitled => format!(
            "the title says {named}, the description reads as {}",
            p.level
        ),
        Verdict::TitleNotALevel => "the title names no management level".to_string(),
        Verdict::Uncertain => format!(
            "confidence {:.2} is under {min_confidence:.2}",
            p.confidence
        ),
    };
    out += &format!("verdict:      {} ({why})\n", fit.verdict);
    let mut levels = vec![p.level];
    if let Some(l) = fit.title.level.filter(|l| *l != p.level) {
        levels.push(l);
    }
    for level in levels {
        out += &format!("evidence for {}:\n", level);
        out += &evidence_lines(fit, level);
    }
    out
}

fn evidence_lines(fit: &Fit, level: Level) -> String {
    let lines: Vec<String> = fit
        .prediction
        .evidence_for(level)
        .map(|e| format!("  {:<28} {:+.3}  (x{})\n", e.term, e.weight, e.count))
        .collect();
    if lines.is_empty() {
        "  -\n".to_string()
    } else {
        lines.concat()
    }
}
