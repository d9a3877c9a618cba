//! Finding the text, title and label columns of a CSV header by name, and joining the text
//! columns of a record into the one text scored.

use std::borrow::Cow;

/// Why the columns asked for cannot be read from a header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    /// No header name is one of the usual names for `what` (text, title, level...).
    #[error("no {what} column: expected one of {expected}; the header has: {available}")]
    Missing {
        what: String,
        expected: String,
        available: String,
    },
    /// A column the user named is not in the header.
    #[error("no column named {name:?}; the header has: {available}")]
    NoSuchColumn { name: String, available: String },
    /// The header has the column twice (`id,description,description`).
    #[error(
        "the header has {} columns named {name:?} (columns {}): rename one so that it is clear \
         which to read",
        columns.len(),
        columns.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous {
        name: String,
        /// 1-based column numbers.
        columns: Vec<usize>,
    },
    /// The user named a column twice (`--text-column description,description`).
    #[error("column {0:?} is given twice")]
    GivenTwice(String),
}

/// Header names taken as the description, in order of preference (case and `_`/`-`/space
/// are ignored: `Job Description` matches `job_description`).
pub const TEXT_COLUMNS: [&str; 12] = [
    "description",
    "job_description",
    "jobdescription",
    "full_description",
    "fulldescription",
    "text",
    "body",
    "summary",
    "job_summary",
    "posting",
    "content",
    "details",
];

/// Header names taken as the job title.
pub const TITLE_COLUMNS: [&str; 7] = [
    "title",
    "job_title",
    "jobtitle",
    "position",
    "position_title",
    "role",
    "job",
];

/// Header names taken as a labelled posting's group (where it was collected) when no group
/// column is named.
pub const GROUP_COLUMNS: [&str; 1] = ["source"];

/// Header names taken as the gold level in a labelled file.
pub const LEVEL_COLUMNS: [&str; 3] = ["level", "label", "gold"];

fn squash(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Index of the first header matching `wanted` (compared squashed), in `wanted` order.
pub fn find<S: AsRef<str>>(headers: &[S], wanted: &[&str]) -> Option<usize> {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h.as_ref())).collect();
    wanted
        .iter()
        .find_map(|w| squashed.iter().position(|h| *h == squash(w)))
}

/// Like [`find`], but a name the header has twice (`id,description,description`) is an
/// error naming it, not a silent choice of the first.
pub fn find_unique<S: AsRef<str>>(
    headers: &[S],
    wanted: &[&str],
) -> Result<Option<usize>, ColumnError> {
    let Some(i) = find(headers, wanted) else {
        return Ok(None);
    };
    let name = squash(headers[i].as_ref());
    let same: Vec<usize> = (0..headers.len())
        .filter(|&j| squash(headers[j].as_ref()) == name)
        .collect();
    if same.len() > 1 {
        return Err(ColumnError::Ambiguous {
            name: shown(headers[i].as_ref()),
            columns: same.iter().map(|j| j + 1).collect(),
        });
    }
    Ok(Some(i))
}

/// A header name as shown in a message: without a byte-order mark, and short.
fn shown(name: &str) -> String {
    crate::error::snippet(name.trim_start_matches('\u{feff}'), 60)
}

/// Resolves a user's comma-separated column list (`description,requirements`), or the
/// default candidates when `spec` is `None`. The error names what was missing and what exists;
/// a column named twice in the header or in `spec` is an error too.
pub fn resolve<S: AsRef<str>>(
    headers: &[S],
    spec: Option<&str>,
    defaults: &[&str],
    what: &str,
) -> Result<Vec<usize>, ColumnError> {
    let available = || {
        let mut list = String::new();
        for (i, h) in headers.iter().enumerate() {
            if list.len() > crate::error::MAX_ECHO {
                list += &format!(" ... ({} columns)", headers.len());
                break;
            }
            if i > 0 {
                list += ", ";
            }
            list += &shown(h.as_ref());
        }
        list
    };
    match spec {
        None => find_unique(headers, defaults)?
            .map(|i| vec![i])
            .ok_or_else(|| ColumnError::Missing {
                what: what.to_string(),
                expected: defaults.join(", "),
                available: available(),
            }),
        Some(spec) => {
            let mut found: Vec<usize> = Vec::new();
            for name in spec.split(',').map(str::trim) {
                let i =
                    find_unique(headers, &[name])?.ok_or_else(|| ColumnError::NoSuchColumn {
                        name: crate::error::snippet(name, 60),
                        available: available(),
                    })?;
                if found.contains(&i) {
                    return Err(ColumnError::GivenTwice(name.to_string()));
                }
                found.push(i);
            }
            Ok(found)
        }
    }
}

/// The text of a record whose text is in several columns (`--text-column
/// description,requirements`): the non-empty parts, in column order, joined by a blank line.
/// One column is borrowed, not copied. A part that fails (not UTF-8, binary) fails the whole.
///
/// Empty parts are left out rather than joined as empty paragraphs, so an empty column adds
/// nothing: the text does not start or end with a blank line that is not in the posting.
///
/// ```
/// use joblevel::columns::join_text;
/// let parts = ["Own the budget.", "", "Ten years in operations."];
/// let text = join_text(parts.iter().map(|p| Ok::<_, ()>(*p))).unwrap();
/// assert_eq!(text, "Own the budget.\n\nTen years in operations.");
/// ```
pub fn join_text<'r, E>(
    parts: impl IntoIterator<Item = Result<&'r str, E>>,
) -> Result<Cow<'r, str>, E> {
    let mut text = Cow::Borrowed("");
    for part in parts {
        let part = part?;
        if part.is_empty() {
            continue;
        }
        if text.is_empty() {
            text = Cow::Borrowed(part);
        } else {
            let joined = text.to_mut();
            joined.push_str("\n\n");
            joined.push_str(part);
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_column_is_found_ignoring_case_bom_and_separators() {
        assert_eq!(find(&["id", "Job Description"], &TEXT_COLUMNS), Some(1));
        assert_eq!(find(&["\u{feff}Body", "x"], &TEXT_COLUMNS), Some(0));
        assert_eq!(
            find(&["id", "summary", "description"], &TEXT_COLUMNS),
            Some(2)
        );
        assert_eq!(find(&["id", "notes"], &TEXT_COLUMNS), None);
    }

    #[test]
    fn named_columns_resolve_in_the_given_order_and_missing_ones_are_named() {
        let h = ["id", "requirements", "description"];
        assert_eq!(
            resolve(&h, Some("description, requirements"), &[], "text"),
            Ok(vec![2, 1])
        );
        let err = resolve(&h, Some("body"), &[], "text")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"body\"") && err.contains("requirements"),
            "{err}"
        );
        assert!(
            resolve(&h, None, &TITLE_COLUMNS, "title")
                .unwrap_err()
                .to_string()
                .contains("no title column")
        );
    }

    #[test]
    fn a_column_named_twice_is_an_error_naming_it() {
        let h = ["id", "description", "Description"];
        let err = resolve(&h, None, &TEXT_COLUMNS, "text")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2 columns named \"description\" (columns 2, 3)"),
            "{err}"
        );
        assert!(resolve(&h, Some("description"), &[], "text").is_err());
        let h = ["id", "description"];
        let err = resolve(&h, Some("description,description"), &[], "text").unwrap_err();
        assert_eq!(err.to_string(), "column \"description\" is given twice");
        assert_eq!(find_unique(&h, &TITLE_COLUMNS), Ok(None));
    }

    #[test]
    fn joined_text_leaves_out_empty_columns_and_borrows_a_single_one() {
        let ok = |parts: &[&'static str]| join_text(parts.iter().map(|p| Ok::<_, ()>(*p))).unwrap();
        assert_eq!(ok(&["", "a", "", "b", ""]), "a\n\nb");
        assert!(matches!(ok(&["", "a", ""]), Cow::Borrowed("a")));
        assert_eq!(ok(&["", ""]), "");
        let failed = join_text([Ok("a"), Err("column 2 is binary"), Ok("b")]);
        assert_eq!(failed, Err("column 2 is binary"));
    }

    #[test]
    fn a_huge_header_is_not_echoed_whole() {
        let long = "x".repeat(100_000);
        let h: Vec<String> = (0..50).map(|i| format!("{long}{i}")).collect();
        let err = resolve(&h, None, &TEXT_COLUMNS, "text")
            .unwrap_err()
            .to_string();
        assert!(err.len() < 600, "{} bytes", err.len());
        assert!(err.contains("(50 columns)"));
    }
}
