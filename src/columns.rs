//! Finding the text, title and label columns of a CSV header by name.

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

/// Resolves a user's comma-separated column list (`description,requirements`), or the
/// default candidates when `spec` is `None`. The error names what was missing and what exists.
pub fn resolve<S: AsRef<str>>(
    headers: &[S],
    spec: Option<&str>,
    defaults: &[&str],
    what: &str,
) -> Result<Vec<usize>, String> {
    let available = || {
        headers
            .iter()
            .map(|h| h.as_ref().trim_start_matches('\u{feff}'))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match spec {
        None => find(headers, defaults).map(|i| vec![i]).ok_or_else(|| {
            format!(
                "no {what} column: expected one of {}; the header has: {}",
                defaults.join(", "),
                available()
            )
        }),
        Some(spec) => spec
            .split(',')
            .map(|name| {
                find(headers, &[name.trim()]).ok_or_else(|| {
                    format!(
                        "no column named {:?}; the header has: {}",
                        name.trim(),
                        available()
                    )
                })
            })
            .collect(),
    }
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
        let err = resolve(&h, Some("body"), &[], "text").unwrap_err();
        assert!(
            err.contains("\"body\"") && err.contains("requirements"),
            "{err}"
        );
        assert!(
            resolve(&h, None, &TITLE_COLUMNS, "title")
                .unwrap_err()
                .contains("no title column")
        );
    }
}
