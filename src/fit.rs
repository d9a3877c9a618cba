//! Title fit: does the level a title names match the level its description describes?

use crate::classify::{Classifier, Prediction};
use crate::error::InputError;
use crate::level::Level;
use crate::title::{self, ParsedTitle};
use std::fmt;

/// The answer to "does this title fit this description?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The title names the level the description describes.
    Fits,
    /// The title names a level above the described one.
    OverTitled,
    /// The title names a level below the described one.
    UnderTitled,
    /// The title names no level (see [`ParsedTitle::reason`]), or one the classifier does not
    /// answer with (a rung `--levels three` leaves out, or the model does not know).
    TitleNotALevel,
    /// Neither side of the title is sure enough: the description's level lies below or above
    /// the title's with a probability between `1 - min_confidence` and `min_confidence`.
    Uncertain,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Verdict::Fits => "fits",
            Verdict::OverTitled => "over-titled",
            Verdict::UnderTitled => "under-titled",
            Verdict::TitleNotALevel => "title-not-a-level",
            Verdict::Uncertain => "uncertain",
        })
    }
}

/// A verdict with what it rests on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fit {
    pub title: ParsedTitle,
    /// The description's level, scored with the title masked out.
    pub prediction: Prediction,
    pub verdict: Verdict,
    /// The probability that the described level lies below the title's level, and above it
    /// (`None` when the title names no level, or one the classifier does not answer with):
    /// what the verdict is decided on.
    pub sides: Option<Sides>,
}

/// Where the described level lies relative to a title's level.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Sides {
    pub below: f64,
    pub above: f64,
}

/// How sure the description must be that its level lies below (above) the title's to call the
/// title over- (under-)titled; it fits when both sides are at most `1 - min_confidence`, and is
/// `uncertain` between. The default model's probabilities are calibrated on held-out postings
/// (see `train`), so 0.5 means "more likely than not": the title fits when it names the
/// median described level. Measured in docs/accuracy.md ("Title fit").
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.5;

/// Judges `title` against `description`. The description is scored with its own title masked
/// out, so "As Director of Operations you will..." is not evidence for director; mentions of
/// other roles ("reports to the VP") still are.
///
/// ```
/// use joblevel::{builtin, fit, Classifier};
/// let classifier = Classifier::new(builtin::model("articles").unwrap());
/// let text = "As Head of Operations you report to the CEO, sit on the executive leadership \
///             team and own the entire operational structure of the company.";
/// let f = fit::assess(&classifier, "Head of Operations", text, 0.4).unwrap();
/// assert_eq!(f.verdict, fit::Verdict::UnderTitled);
/// ```
pub fn assess(
    classifier: &Classifier,
    title: &str,
    description: &str,
    min_confidence: f64,
) -> Result<Fit, InputError> {
    let parsed = title::parse(title);
    let prediction = classifier.classify_without_title(description, title)?;
    let verdict = verdict(parsed.level, &prediction, min_confidence);
    let sides = answered(parsed.level, &prediction).map(|l| {
        let (below, above) = sides(l, &prediction);
        Sides { below, above }
    });
    Ok(Fit {
        title: parsed,
        prediction,
        verdict,
        sides,
    })
}

/// The probability that the described level lies below `named`, and above it.
pub fn sides(named: Level, prediction: &Prediction) -> (f64, f64) {
    let p = &prediction.probabilities;
    // A fold from +0.0: an empty `sum()` of floats is -0.0, which prints as "-0.00".
    let below = p[..named.index()].iter().fold(0.0, |a, b| a + b);
    let above = p[named.index() + 1..].iter().fold(0.0, |a, b| a + b);
    (below, above)
}

/// The title's level, when the prediction can answer it. A level with probability exactly 0
/// is one the model does not know or the classifier's rungs leave out ("Software Engineer"
/// with `--levels three`, or with a model trained on head, director and vp only): measured
/// against it, every posting would read above the title with certainty, so such a title gets
/// no verdict, as a title naming no level does.
fn answered(named: Option<Level>, prediction: &Prediction) -> Option<Level> {
    named.filter(|l| prediction.probabilities[l.index()] > 0.0)
}

/// The verdict for a title naming `named` and a description scored as `prediction`.
///
/// Levels are ordered, so the question is which side of the title the description's level
/// lies on, not whether the single likeliest level equals it: a director posting scored head
/// 0.40, director 0.35, vp 0.25 does not read below director more likely than not. The title
/// fits when it is the median of the described levels (the choice that minimises the expected
/// distance in levels), with `min_confidence` as the margin.
pub fn verdict(named: Option<Level>, prediction: &Prediction, min_confidence: f64) -> Verdict {
    let Some(named) = answered(named, prediction) else {
        return Verdict::TitleNotALevel;
    };
    let (below, above) = sides(named, prediction);
    if below >= min_confidence && below >= above {
        Verdict::OverTitled
    } else if above >= min_confidence {
        Verdict::UnderTitled
    } else if below <= 1.0 - min_confidence && above <= 1.0 - min_confidence {
        Verdict::Fits
    } else {
        Verdict::Uncertain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    #[test]
    fn verdicts_follow_the_level_order() {
        let c = Classifier::new(builtin::model("articles").unwrap());
        let head_text = "Supervise the day-to-day shift team on the warehouse floor and report to \
                         the Director of Operations.";
        let assess = |t: &str| assess(&c, t, head_text, 0.4).unwrap().verdict;
        assert_eq!(assess("Operations Manager"), Verdict::Fits);
        assert_eq!(assess("Director of Operations"), Verdict::OverTitled);
        assert_eq!(assess("VP, Operations"), Verdict::OverTitled);
        assert_eq!(assess("Managing Director"), Verdict::TitleNotALevel);
        assert_eq!(
            assess_with(&c, "Head of Operations", head_text, 0.99),
            Verdict::Uncertain
        );
    }

    /// A prediction with probabilities `[head, director, vp]`, or all five rungs.
    fn scored(p: &[f64]) -> Prediction {
        let p: [f64; Level::COUNT] = match p.len() {
            3 => [0.0, p[0], p[1], p[2], 0.0],
            _ => p.try_into().unwrap(),
        };
        let level = Level::ALL[(0..Level::COUNT).fold(0, |m, l| if p[l] > p[m] { l } else { m })];
        Prediction {
            level,
            confidence: p[level.index()],
            probabilities: p,
            scores: [0.0; Level::COUNT],
            evidence: Vec::new(),
        }
    }

    #[test]
    fn the_title_fits_when_it_names_the_median_described_level() {
        use Level::*;
        // The likeliest single level is head, but below director is only 0.40.
        let split = scored(&[0.40, 0.35, 0.25]);
        assert_eq!(verdict(Some(Director), &split, 0.5), Verdict::Fits);
        assert_eq!(verdict(Some(Vp), &split, 0.5), Verdict::OverTitled);
        assert_eq!(verdict(Some(Head), &split, 0.5), Verdict::UnderTitled);
        // Between 1 - 0.7 and 0.7 on one side: no verdict.
        assert_eq!(verdict(Some(Director), &split, 0.7), Verdict::Uncertain);
        assert_eq!(verdict(None, &split, 0.5), Verdict::TitleNotALevel);
        // Under 0.5, both sides can pass the bar: the larger one decides.
        let wide = scored(&[0.45, 0.10, 0.45]);
        assert_eq!(verdict(Some(Director), &wide, 0.4), Verdict::OverTitled);
        let (below, above) = sides(Head, &wide);
        assert_eq!((below, above), (0.0, 0.55));
        assert!(below.is_sign_positive(), "prints as 0.00, not -0.00");
    }

    #[test]
    fn fit_is_ordered_over_the_five_rungs() {
        use Level::*;
        // A "Head of X" whose text reads as an individual contributor is over-titled; a "VP"
        // whose text reads as the C-suite is under-titled.
        let hands_on = scored(&[0.70, 0.20, 0.06, 0.03, 0.01]);
        assert_eq!(verdict(Some(Head), &hands_on, 0.5), Verdict::OverTitled);
        assert_eq!(verdict(Some(Individual), &hands_on, 0.5), Verdict::Fits);
        let chief = scored(&[0.01, 0.02, 0.07, 0.30, 0.60]);
        assert_eq!(verdict(Some(Vp), &chief, 0.5), Verdict::UnderTitled);
        assert_eq!(verdict(Some(Executive), &chief, 0.5), Verdict::Fits);
    }

    #[test]
    fn a_title_naming_a_rung_the_classifier_cannot_answer_gets_no_verdict() {
        use Level::*;
        // Forced among head, director and vp (`--levels three`): an individual contributor's
        // title is not measured against rungs that cannot answer it.
        let three = scored(&[0.10, 0.60, 0.30]);
        assert_eq!(
            verdict(Some(Individual), &three, 0.5),
            Verdict::TitleNotALevel
        );
        assert_eq!(
            verdict(Some(Executive), &three, 0.5),
            Verdict::TitleNotALevel
        );
        assert_eq!(verdict(Some(Head), &three, 0.5), Verdict::UnderTitled);
    }

    fn assess_with(c: &Classifier, t: &str, text: &str, min: f64) -> Verdict {
        assess(c, t, text, min).unwrap().verdict
    }

    #[test]
    fn the_titles_own_words_are_not_evidence() {
        let c = Classifier::new(builtin::model("articles").unwrap());
        let text =
            "The Director of Operations sets the overall operational direction and strategy.";
        let f = assess(&c, "Director of Operations", text, 0.0).unwrap();
        assert!(
            f.prediction
                .evidence
                .iter()
                .all(|e| !e.term.contains("director"))
        );
        assert_eq!(Verdict::UnderTitled.to_string(), "under-titled");
    }
}
