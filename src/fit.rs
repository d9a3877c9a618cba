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
    /// The title names no management level (see [`ParsedTitle::reason`]).
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
    /// (`None` when the title names no level): what the verdict is decided on.
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
/// median described level. Measured in README ("fit").
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
    let sides = parsed.level.map(|l| {
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

/// The verdict for a title naming `named` and a description scored as `prediction`.
///
/// Levels are ordered, so the question is which side of the title the description's level
/// lies on, not whether the single likeliest level equals it: a director posting scored head
/// 0.40, director 0.35, vp 0.25 does not read below director more likely than not. The title
/// fits when it is the median of the described levels (the choice that minimises the expected
/// distance in levels), with `min_confidence` as the margin.
pub fn verdict(named: Option<Level>, prediction: &Prediction, min_confidence: f64) -> Verdict {
    let Some(named) = named else {
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

    fn scored(p: [f64; 3]) -> Prediction {
        let level = Level::ALL[(0..3).fold(0, |m, l| if p[l] > p[m] { l } else { m })];
        Prediction {
            level,
            confidence: p[level.index()],
            probabilities: p,
            scores: [0.0; 3],
            evidence: Vec::new(),
        }
    }

    #[test]
    fn the_title_fits_when_it_names_the_median_described_level() {
        use Level::*;
        // The likeliest single level is head, but below director is only 0.40.
        let split = scored([0.40, 0.35, 0.25]);
        assert_eq!(verdict(Some(Director), &split, 0.5), Verdict::Fits);
        assert_eq!(verdict(Some(Vp), &split, 0.5), Verdict::OverTitled);
        assert_eq!(verdict(Some(Head), &split, 0.5), Verdict::UnderTitled);
        // Between 1 - 0.7 and 0.7 on one side: no verdict.
        assert_eq!(verdict(Some(Director), &split, 0.7), Verdict::Uncertain);
        assert_eq!(verdict(None, &split, 0.5), Verdict::TitleNotALevel);
        // Under 0.5, both sides can pass the bar: the larger one decides.
        let wide = scored([0.45, 0.10, 0.45]);
        assert_eq!(verdict(Some(Director), &wide, 0.4), Verdict::OverTitled);
        let (below, above) = sides(Head, &wide);
        assert_eq!((below, above), (0.0, 0.55));
        assert!(below.is_sign_positive(), "prints as 0.00, not -0.00");
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
