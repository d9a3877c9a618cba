//! `joblevel classify`: one posting in, its level (named and described), confidence and
//! evidence out.

use super::Error;
use super::{Basis, Format};
use joblevel::{Answer, Level, Prediction};
use std::path::PathBuf;

/// Classify one job description: individual, head, director, vp or executive level.
///
/// Reads the description from FILE, or from stdin when FILE is `-` or omitted; plain text or
/// HTML. The rungs, lowest first: individual (individual contributors and front-line staff:
/// nobody reports to them), head, director, vp, executive (the C-suite). --levels three keeps
/// the answer among head, director and vp. Gives two answers side by side:
///
///   named      the level the posting names for itself: a title on its first line, a "Job
///              Title:" field, or a self-reference ("As our VP of Operations...", "We are
///              seeking a Head of People"). Mentions of other roles ("reports to the VP")
///              never count. --title gives the title instead, and wins over the text.
///   described  the level its responsibilities describe, with the named title masked out:
///              probability of each level (they sum to 1; a level the model or --levels
///              leaves out has 0 and is not shown), raw scores, and for each level the terms
///              that pushed towards it. Terms are stems ("oper" for operations), stem
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
///   joblevel classify --levels three corpora/head-operations.txt
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

/// The human form: the answer (in words when it is none of the three), then each side with
/// its reason.
pub fn render(a: &Answer) -> String {
    let mut out = format!("level:       {} ({})\n", a.level, a.basis);
    if let Some(words) = outside_management(a.level) {
        out += &format!("             {words}\n");
    }
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

/// What an answer outside head, director and vp means, in words: the outer rungs say "none
/// of the three, and on which side", which a bare `individual` or `executive` does not say to
/// a reader who knows joblevel as a head/director/vp classifier.
pub fn outside_management(level: Level) -> Option<&'static str> {
    match level {
        Level::Individual => {
            Some("not a Head, Director or VP role: reads as an individual contributor")
        }
        Level::Executive => {
            Some("not a Head, Director or VP role: above VP, reads as C-suite (executive)")
        }
        Level::Head | Level::Director | Level::Vp => None,
    }
}

/// The levels a prediction answers with: those with a probability above 0. A level the model
/// does not know, or that `--levels` leaves out, has exactly 0 and is not shown.
pub fn answered(p: &Prediction) -> impl Iterator<Item = Level> + '_ {
    Level::ALL
        .into_iter()
        .filter(|l| p.probabilities[l.index()] > 0.0)
}

/// Probabilities, scores and evidence of a prediction, for the levels it answers with.
pub fn render_prediction(p: &Prediction) -> String {
    let mut out = String::new();
    for l in answered(p) {
        out += &format!(
            "  {:<10} p={:.2}  score={:+.3}\n",
            l.as_str(),
            p.probabilities[l.index()],
            p.scores[l.index()]
        );
    }
    out += "evidence:\n";
    for l in answered(p) {
        let terms: Vec<String> = p
            .evidence_for(l)
            .map(|e| format!("{} ({:+.3})", e.term, e.weight))
            .collect();
        let shown = if terms.is_empty() {
            "-".to_string()
        } else {
            terms.join(", ")
        };
        out += &format!("  {:<11} {}\n", format!("{}:", l.as_str()), shown);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use joblevel::PerLevel;

    /// A described level with these probabilities (lowest rung first), no evidence.
    fn described(p: PerLevel<f64>) -> Prediction {
        let best = (0..Level::COUNT).fold(0, |m, l| if p[l] > p[m] { l } else { m });
        Prediction {
            level: Level::ALL[best],
            confidence: p[best],
            probabilities: p,
            scores: p.map(|x| x as f32),
            evidence: Vec::new(),
        }
    }

    fn answer(p: PerLevel<f64>) -> Answer {
        Answer::described(described(p))
    }

    #[test]
    fn an_individual_or_executive_answer_says_in_words_it_is_none_of_the_three() {
        let text = render(&answer([0.70, 0.20, 0.05, 0.03, 0.02]));
        assert!(text.starts_with(
            "level:       individual (described)\n             not a Head, Director or VP role: \
             reads as an individual contributor\n"
        ));
        let text = render(&answer([0.02, 0.03, 0.05, 0.20, 0.70]));
        assert!(text.contains("not a Head, Director or VP role: above VP, reads as C-suite"));
        let text = render(&answer([0.10, 0.60, 0.20, 0.05, 0.05]));
        assert!(!text.contains("not a Head"), "{text}");
    }

    #[test]
    fn the_rungs_shown_are_those_the_classifier_answers_with() {
        let five = render_prediction(&described([0.70, 0.20, 0.05, 0.03, 0.02]));
        for l in Level::ALL {
            assert!(five.contains(&format!("  {:<10} p=", l.as_str())), "{five}");
        }
        // Forced among the three (`--levels three`, or a model that knows only those): the
        // outer rungs have probability 0 and are left out, probabilities and evidence alike.
        let three = render_prediction(&described([0.0, 0.20, 0.70, 0.10, 0.0]));
        assert_eq!(three.matches(" p=").count(), 3, "{three}");
        assert!(!three.contains("individual") && !three.contains("executive"));
        assert!(three.contains("  director:   -\n"), "{three}");
    }
}
