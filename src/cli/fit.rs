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
/// for director, while "reports to the VP" is evidence of a level below VP), and compares on
/// the ladder individual < head < director < vp < executive:
///
///   fits               the description's level is neither below nor above the title's
///                      (each side has probability at most 1 - --min-confidence)
///   over-titled        the description's level is below the title's (probability at
///                      least --min-confidence): a "Head of X" whose text reads as an
///                      individual contributor's job
///   under-titled       the description's level is above the title's (same): a "VP" whose
///                      text reads as the C-suite
///   title-not-a-level  the title names no level (the reason is shown), or one outside the
///                      rungs asked for (--levels three and "Software Engineer")
///   uncertain          a side's probability is between 1 - --min-confidence and it
///
/// Exit code: 0 fits, 1 over- or under-titled, 6 title-not-a-level or uncertain,
/// 3 unusable input.
///
/// Examples:
///   joblevel fit --title "Director of Operations" corpora/head-operations.txt
///   pbpaste | joblevel fit --title "Head of Operations" --format json
///   joblevel fit --levels three --title "Director of Operations" corpora/head-operations.txt
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The posting's title.
    #[arg(long)]
    title: String,
    /// The description: a file, or `-` for stdin.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,
    /// How sure the description must be that its level lies below (or above) the title's to
    /// call a misfit (0 to 1); with more than 0.5, sides between 1 - P and P are `uncertain`.
    /// The `default` model's probabilities are calibrated, so 0.5 means more likely than not.
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
                "sides": fit.sides,
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
    let probabilities: Vec<String> = super::classify::answered(p)
        .map(|l| format!("{l} {:.2}", p.probabilities[l.index()]))
        .collect();
    out += &format!(
        "description:  {} (confidence {:.2}; {})\n",
        p.level,
        p.confidence,
        probabilities.join(", ")
    );
    let (below, above) = fit.sides.map_or((0.0, 0.0), |s| (s.below, s.above));
    // Where the likeliest described level lies on the side the verdict names, say which rung
    // it is: "below head" alone does not tell a recruiter it reads as an individual contributor.
    let likeliest = |beyond: bool| {
        if beyond {
            format!(", most likely {}", reads_as(p.level))
        } else {
            String::new()
        }
    };
    let why = match (fit.verdict, fit.title.level) {
        (Verdict::Fits, _) => format!(
            "the description reads {}: below it with probability {below:.2}, above {above:.2}",
            fit.title
                .level
                .map_or_else(|| format!("as {named}"), reads_as)
        ),
        (Verdict::OverTitled, title) => format!(
            "the title says {named}; the description reads below {named} with probability {below:.2}{}",
            likeliest(title.is_some_and(|t| p.level < t))
        ),
        (Verdict::UnderTitled, title) => format!(
            "the title says {named}; the description reads above {named} with probability {above:.2}{}",
            likeliest(title.is_some_and(|t| p.level > t))
        ),
        (Verdict::TitleNotALevel, Some(level)) => format!(
            "the title names {level}, which this classifier does not answer with (--levels, or a \
             model without that rung)"
        ),
        (Verdict::TitleNotALevel, None) => "the title names no level".to_string(),
        (Verdict::Uncertain, _) => format!(
            "below {named} {below:.2}, above {above:.2}: neither side is under {:.2} or over {min_confidence:.2}",
            1.0 - min_confidence
        ),
    };
    out += &format!("verdict:      {} ({why})\n", fit.verdict);
    let mut levels = vec![p.level];
    if let Some(l) = fit.sides.and(fit.title.level).filter(|l| *l != p.level) {
        levels.push(l);
    }
    for level in levels {
        out += &format!("evidence for {}:\n", level);
        out += &evidence_lines(fit, level);
    }
    out
}

/// A rung as a recruiter reads it: the outer two in words, the middle three by name.
fn reads_as(level: Level) -> String {
    match level {
        Level::Individual => "as an individual contributor".to_string(),
        Level::Executive => "as C-suite (executive)".to_string(),
        Level::Head | Level::Director | Level::Vp => format!("as {level}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use joblevel::fit::Sides;
    use joblevel::title::ParsedTitle;
    use joblevel::{PerLevel, Prediction};

    /// The fit of a title naming `title` and a description with these probabilities.
    fn fit(title: Option<Level>, p: PerLevel<f64>) -> Fit {
        let best = (0..Level::COUNT).fold(0, |m, l| if p[l] > p[m] { l } else { m });
        let prediction = Prediction {
            level: Level::ALL[best],
            confidence: p[best],
            probabilities: p,
            scores: [0.0; Level::COUNT],
            evidence: Vec::new(),
        };
        let verdict = fit::verdict(title, &prediction, 0.5);
        let sides = title
            .filter(|_| verdict != Verdict::TitleNotALevel)
            .map(|l| {
                let (below, above) = fit::sides(l, &prediction);
                Sides { below, above }
            });
        Fit {
            title: ParsedTitle {
                level: title,
                function: None,
                reason: "a rule".to_string(),
            },
            prediction,
            verdict,
            sides,
        }
    }

    #[test]
    fn a_head_title_on_an_individual_contributors_job_is_over_titled_in_words() {
        let text = render(&fit(Some(Level::Head), [0.70, 0.20, 0.06, 0.03, 0.01]), 0.5);
        assert!(
            text.contains(
                "verdict:      over-titled (the title says head; the description reads below \
                 head with probability 0.70, most likely as an individual contributor)"
            ),
            "{text}"
        );
        assert!(
            text.contains("individual 0.70, head 0.20, director 0.06, vp 0.03, executive 0.01")
        );
        assert!(text.contains("evidence for individual:\n  -\nevidence for head:\n"));
    }

    #[test]
    fn a_vp_title_on_a_chief_executives_job_is_under_titled_in_words() {
        let text = render(&fit(Some(Level::Vp), [0.01, 0.02, 0.07, 0.30, 0.60]), 0.5);
        assert!(
            text.contains(
                "reads above vp with probability 0.60, most likely as C-suite (executive))"
            ),
            "{text}"
        );
        let text = render(
            &fit(Some(Level::Executive), [0.01, 0.02, 0.07, 0.30, 0.60]),
            0.5,
        );
        assert!(
            text.contains("fits (the description reads as C-suite (executive): below it"),
            "{text}"
        );
    }

    #[test]
    fn a_title_outside_the_rungs_asked_for_gets_no_verdict_and_says_why() {
        // `--levels three`: individual and executive have probability 0.
        let text = render(
            &fit(Some(Level::Individual), [0.0, 0.2, 0.7, 0.1, 0.0]),
            0.5,
        );
        assert!(
            text.contains("verdict:      title-not-a-level (the title names individual, which"),
            "{text}"
        );
        assert!(text.contains("(confidence 0.70; head 0.20, director 0.70, vp 0.10)\n"));
        assert!(!text.contains("evidence for individual"), "{text}");
        let text = render(&fit(None, [0.0, 0.2, 0.7, 0.1, 0.0]), 0.5);
        assert!(text.contains("title-not-a-level (the title names no level)"));
    }
}
