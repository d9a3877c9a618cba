//! Scoring one row: its text and title found, both answers computed.

use super::sink::{Named, RowError, Scored, TitleFit};
use super::{Layout, MAX_TEXT_BYTES, Options, Row};
use crate::answer::Basis;
use crate::classify::{Classifier, Prediction};
use crate::error::InputError;
use crate::fit;
use crate::level::Level;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;

/// Scores one row: its answers, or why it could not be scored.
pub(super) fn score(
    classifier: &Classifier,
    layout: &Layout,
    row: &Row,
    options: &Options,
) -> Result<Scored, RowError> {
    let (text, title) = text_of(layout, row)?;
    match answer(classifier, &text, title, options) {
        Ok(mut scored) => {
            // What is written: the strongest terms for the described level.
            let p = &mut scored.described;
            let level = p.level;
            p.evidence.retain(|e| e.level == level);
            p.evidence.truncate(options.evidence_terms);
            Ok(scored)
        }
        Err(e) => Err(RowError::from(e)),
    }
}

/// Both answers for one row, as [`Classifier::answer_by`] gives them, with the title column's
/// level read through the per-thread cache.
fn answer(
    classifier: &Classifier,
    text: &str,
    title: Option<&str>,
    options: &Options,
) -> Result<Scored, InputError> {
    let given = title.filter(|t| !t.trim().is_empty());
    let fit_of = |described: &Prediction| {
        title.map(|t| {
            let title_level = title_level(t);
            TitleFit {
                title_level,
                verdict: fit::verdict(title_level, described, options.min_confidence),
            }
        })
    };
    let (named, described) = match (options.basis, given) {
        (Basis::Described, Some(t)) => (None, classifier.classify_without_title(text, t)?),
        (Basis::Described, None) => (None, classifier.classify(text)?),
        // The title column is the named title; masking a text that is little more than its
        // title can leave nothing, and then the text is scored as it is.
        (Basis::Named, Some(t)) => (
            title_level(t).map(|level| Named {
                level,
                title: t.to_string(),
            }),
            classifier
                .classify_without_title(text, t)
                .or_else(|_| classifier.classify(text))?,
        ),
        (Basis::Named, None) => {
            let a = classifier.answer_by(text, None, Basis::Named)?;
            let named = a.named.map(|n| Named {
                level: n.level,
                title: n.title,
            });
            (named, a.described)
        }
    };
    let fit = fit_of(&described);
    let (level, basis) = Basis::answer(named.as_ref().map(|n| n.level), described.level);
    Ok(Scored {
        level,
        basis,
        named,
        described,
        fit,
    })
}

/// The level a title names, cached per thread: exports repeat a few thousand titles over
/// millions of rows, and parsing one runs a dozen regexes.
fn title_level(title: &str) -> Option<Level> {
    thread_local! {
        static CACHE: RefCell<FxHashMap<Box<str>, Option<Level>>> = RefCell::default();
    }
    CACHE.with_borrow_mut(|cache| {
        if let Some(&level) = cache.get(title) {
            return level;
        }
        if cache.len() >= TITLE_CACHE_LIMIT {
            cache.clear();
        }
        let level = crate::title::parse(title).level;
        cache.insert(title.into(), level);
        level
    })
}

const TITLE_CACHE_LIMIT: usize = 50_000;

/// The text to score (text columns joined by a blank line) and the title, if any.
fn text_of<'r>(layout: &Layout, row: &'r Row) -> Result<(Cow<'r, str>, Option<&'r str>), RowError> {
    let fields = &row.fields;
    if let Some(problem) = &row.problem {
        return Err(RowError::BadLine(problem.clone()));
    }
    if row.cut {
        return Err(RowError::TooLarge);
    }
    let (got, want) = (fields.len(), layout.headers.len());
    if got != want {
        return Err(RowError::FieldCount { got, want });
    }
    let column = |i: usize| crate::error::snippet(&String::from_utf8_lossy(&layout.headers[i]), 60);
    // One rule with `classify` (text::decode): a NUL byte means binary, not text.
    let text_field = |c: usize| {
        let bytes = &fields[c];
        if let Some(offset) = memchr::memchr(0, bytes) {
            return Err(RowError::Binary {
                column: column(c),
                offset,
            });
        }
        std::str::from_utf8(bytes).map_err(|e| RowError::NotUtf8 {
            column: column(c),
            offset: e.valid_up_to(),
        })
    };
    // One text column (the usual case) is borrowed from the record, not copied.
    let text = crate::columns::join_text(layout.text.iter().map(|&c| text_field(c)))?;
    if text.len() > MAX_TEXT_BYTES {
        return Err(RowError::Text(InputError::TooLong {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        }));
    }
    let title = layout.title.map(text_field).transpose()?;
    Ok((text, title))
}
