//! Reading a labelled CSV (a level column, a text column, optionally a title column), as
//! used by `eval` and `train --labelled`.

use crate::columns;
use crate::error::Error;
use crate::level::Level;
use crate::text;
use crate::train::Example;

/// One usable row of a labelled file.
#[derive(Debug, Clone, PartialEq)]
pub struct Posting {
    /// 1-based record number (header excluded).
    pub record: u64,
    pub level: Level,
    pub text: String,
    pub title: Option<String>,
    /// The value of the grouping column: the one named, else `source` when there is one.
    pub group: Option<String>,
}

impl Posting {
    /// The posting as a training example, its own title masked out when `mask` is set.
    pub fn example(&self, mask: bool) -> Example {
        Example {
            level: self.level,
            text: self.text_for_scoring(mask),
            source: format!("record {}", self.record),
            group: self.group.clone(),
        }
    }

    /// The text, with the posting's own title removed when `mask` is set.
    pub fn text_for_scoring(&self, mask: bool) -> String {
        match (&self.title, mask) {
            (Some(title), true) => text::mask_title(&self.text, title).into_owned(),
            _ => self.text.clone(),
        }
    }
}

/// A labelled file: the usable postings and the rows that were skipped, with why.
#[derive(Debug, Default)]
pub struct Labelled {
    pub postings: Vec<Posting>,
    pub skipped: Vec<(u64, String)>,
}

/// Which columns to read; `None` means "find by the usual names".
#[derive(Debug, Clone, Default)]
pub struct Columns<'a> {
    pub text: Option<&'a str>,
    pub title: Option<&'a str>,
    pub level: Option<&'a str>,
    /// A column to group rows by (`eval --cv-group`, `--by`); must exist when named. When
    /// `None`, a column named as in [`columns::GROUP_COLUMNS`] is used if there is one.
    pub group: Option<&'a str>,
}

/// Reads a labelled CSV. Rows with an unknown level, empty text or bad UTF-8 are skipped and
/// listed; a missing level or text column is an error.
pub fn read(data: &[u8], columns: &Columns<'_>, needs_title: bool) -> Result<Labelled, Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| Error::Csv(format!("header: {e}")))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let level_col = columns::resolve(&headers, columns.level, &columns::LEVEL_COLUMNS, "level")
        .map_err(Error::Csv)?;
    let text_cols = columns::resolve(&headers, columns.text, &columns::TEXT_COLUMNS, "text")
        .map_err(Error::Csv)?;
    let title_col =
        match columns::resolve(&headers, columns.title, &columns::TITLE_COLUMNS, "title") {
            Ok(c) => Some(c[0]),
            Err(e) if needs_title || columns.title.is_some() => return Err(Error::Csv(e)),
            Err(_) => None,
        };
    // Without a named group column, a `source` column (where the posting was collected) is
    // the group when there is one: training uses it to find terms that hold across sources.
    let group_col = match columns.group {
        Some(name) => {
            Some(columns::resolve(&headers, Some(name), &[], "group").map_err(Error::Csv)?[0])
        }
        None => columns::find(&headers, &columns::GROUP_COLUMNS),
    };
    let mut out = Labelled::default();
    for (i, row) in reader.byte_records().enumerate() {
        let record = i as u64 + 1;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                out.skipped.push((record, format!("malformed CSV: {e}")));
                continue;
            }
        };
        let field = |c: usize| std::str::from_utf8(row.get(c).unwrap_or_default());
        let parsed = (|| -> Result<Posting, String> {
            let level = field(level_col[0])
                .map_err(|_| "level is not UTF-8".to_string())?
                .parse::<Level>()
                .map_err(|e| e.to_string())?;
            let mut text = String::new();
            for &c in &text_cols {
                let part = field(c)
                    .map_err(|e| format!("text is not valid UTF-8 at byte {}", e.valid_up_to()))?;
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(part);
            }
            text::check_not_blank(&text).map_err(|e| e.to_string())?;
            let title = title_col
                .map(|c| {
                    field(c)
                        .map(str::to_string)
                        .map_err(|_| "title is not UTF-8".to_string())
                })
                .transpose()?;
            let group = group_col
                .map(|c| {
                    field(c)
                        .map(|g| g.trim().to_string())
                        .map_err(|_| "group is not UTF-8".to_string())
                })
                .transpose()?;
            Ok(Posting {
                record,
                level,
                text,
                title,
                group,
            })
        })();
        match parsed {
            Ok(p) => out.postings.push(p),
            Err(reason) => out.skipped.push((record, reason)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_bad_level_or_empty_text_are_skipped_with_reason() {
        let data = "id,title,description,level\n1,Head of Ops,Run the shift,head\n2,X,text,manager\n3,Y,  ,vp\n";
        let l = read(data.as_bytes(), &Columns::default(), true).unwrap();
        assert_eq!(l.postings.len(), 1);
        assert_eq!(l.postings[0].title.as_deref(), Some("Head of Ops"));
        assert_eq!(l.skipped.iter().map(|s| s.0).collect::<Vec<_>>(), [2, 3]);
        assert!(l.skipped[0].1.contains("unknown level"));
    }

    #[test]
    fn missing_level_column_is_an_error() {
        let err = read(b"description\nx\n", &Columns::default(), false).unwrap_err();
        assert!(err.to_string().contains("no level column"), "{err}");
    }
}
