//! Reading a labelled CSV (a level column, a text column, optionally a title column), as
//! used by `eval` and `train --labelled`.

use crate::columns::{self, ColumnError};
use crate::error::InputError;
use crate::level::{Level, UnknownLevel};
use crate::text;
use crate::train::Example;

/// Why a labelled file cannot be read at all. The caller names the file.
#[derive(Debug, thiserror::Error)]
pub enum LabelledError {
    #[error("header: {0}")]
    Header(#[source] csv::Error),
    #[error(transparent)]
    Columns(#[from] ColumnError),
}

/// Why one row of a labelled file was skipped.
#[derive(Debug, thiserror::Error)]
pub enum Skip {
    #[error("malformed CSV: {0}")]
    Malformed(#[source] csv::Error),
    #[error(transparent)]
    Level(#[from] UnknownLevel),
    #[error("level is not UTF-8")]
    LevelNotUtf8,
    #[error("text is not valid UTF-8 at byte {offset}")]
    TextNotUtf8 { offset: usize },
    #[error(transparent)]
    Text(#[from] InputError),
    #[error("title is not UTF-8")]
    TitleNotUtf8,
    #[error("group is not UTF-8")]
    GroupNotUtf8,
}

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
    /// Record number (header excluded) and why.
    pub skipped: Vec<(u64, Skip)>,
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
pub fn read(
    data: &[u8],
    columns: &Columns<'_>,
    needs_title: bool,
) -> Result<Labelled, LabelledError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(LabelledError::Header)?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let level_col = columns::resolve(&headers, columns.level, &columns::LEVEL_COLUMNS, "level")?;
    let text_cols = columns::resolve(&headers, columns.text, &columns::TEXT_COLUMNS, "text")?;
    let title_col =
        match columns::resolve(&headers, columns.title, &columns::TITLE_COLUMNS, "title") {
            Ok(c) => Some(c[0]),
            Err(e) if needs_title || columns.title.is_some() => return Err(e.into()),
            Err(_) => None,
        };
    // Without a named group column, a `source` column (where the posting was collected) is
    // the group when there is one: training uses it to find terms that hold across sources.
    let group_col = match columns.group {
        Some(name) => Some(columns::resolve(&headers, Some(name), &[], "group")?[0]),
        None => columns::find(&headers, &columns::GROUP_COLUMNS),
    };
    let mut out = Labelled::default();
    for (i, row) in reader.byte_records().enumerate() {
        let record = i as u64 + 1;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                out.skipped.push((record, Skip::Malformed(e)));
                continue;
            }
        };
        let field = |c: usize| std::str::from_utf8(row.get(c).unwrap_or_default());
        let parsed = (|| -> Result<Posting, Skip> {
            let level = field(level_col[0])
                .map_err(|_| Skip::LevelNotUtf8)?
                .parse::<Level>()?;
            let text = columns::join_text(text_cols.iter().map(|&c| {
                field(c).map_err(|e| Skip::TextNotUtf8 {
                    offset: e.valid_up_to(),
                })
            }))?
            .into_owned();
            text::check_not_blank(&text)?;
            let title = title_col
                .map(|c| field(c).map(str::to_string).map_err(|_| Skip::TitleNotUtf8))
                .transpose()?;
            let group = group_col
                .map(|c| {
                    field(c)
                        .map(|g| g.trim().to_string())
                        .map_err(|_| Skip::GroupNotUtf8)
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
        assert!(l.skipped[0].1.to_string().contains("unknown level"));
    }

    #[test]
    fn missing_level_column_is_an_error() {
        let err = read(b"description\nx\n", &Columns::default(), false).unwrap_err();
        assert!(err.to_string().contains("no level column"), "{err}");
    }
}
