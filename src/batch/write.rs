//! Writing the scored rows: the appended result fields, CSV or JSON lines.

use super::score::{Outcome, Scored};
use super::{BatchError, ERROR_FIELD, Format, Layout};
use crate::level::Level;
use csv::ByteRecord;
use std::io::Write;

/// The appended fields of one row ([`RESULT_COLUMNS`], then [`FIT_COLUMNS`] with a title),
/// written into one buffer reused from row to row.
#[derive(Default)]
pub(super) struct Results {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Results {
    /// Fills the fields for `outcome`; `title` is the row's title column (the named title
    /// when the level was named there).
    pub(super) fn fill(
        &mut self,
        outcome: &Outcome,
        title: &[u8],
        evidence_terms: usize,
        with_fit: bool,
    ) {
        self.bytes.clear();
        self.ends.clear();
        match outcome {
            Outcome::Failed(reason) => {
                for _ in 0..ERROR_FIELD {
                    self.end();
                }
                self.bytes.extend_from_slice(reason.as_bytes());
                self.end();
            }
            Outcome::Scored(scored) => {
                let p = &scored.described;
                self.push(scored.level().as_str().as_bytes());
                self.push(scored.basis().as_str().as_bytes());
                match &scored.named {
                    Some((level, words)) => {
                        self.push(level.as_str().as_bytes());
                        let words = words.as_deref().map_or(title, str::as_bytes);
                        self.push(words);
                    }
                    None => {
                        self.end();
                        self.end();
                    }
                }
                self.push(p.level.as_str().as_bytes());
                push_fixed(&mut self.bytes, p.confidence, 4, false);
                self.end();
                for level in Level::ALL {
                    push_fixed(
                        &mut self.bytes,
                        f64::from(p.scores[level.index()]),
                        4,
                        false,
                    );
                    self.end();
                }
                // `term=+0.123; term=+0.045`: the strongest terms for the described level.
                for (i, e) in p.evidence_for(p.level).take(evidence_terms).enumerate() {
                    if i > 0 {
                        self.bytes.extend_from_slice(b"; ");
                    }
                    self.bytes.extend_from_slice(e.term.as_bytes());
                    self.bytes.push(b'=');
                    push_fixed(&mut self.bytes, f64::from(e.weight), 3, true);
                }
                self.end();
                self.end(); // error: none
            }
        }
        if with_fit {
            if let Outcome::Scored(Scored {
                fit: Some((named, verdict)),
                ..
            }) = outcome
            {
                self.push(named.map_or("none", Level::as_str).as_bytes());
                // Writing to a Vec cannot fail.
                let _ = write!(self.bytes, "{verdict}");
                self.end();
            } else {
                self.end();
                self.end();
            }
        }
    }

    /// Appends one whole field.
    fn push(&mut self, field: &[u8]) {
        self.bytes.extend_from_slice(field);
        self.end();
    }

    fn end(&mut self) {
        self.ends.push(self.bytes.len());
    }

    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.bytes[a..b])
    }
}

/// Writes `x` with `decimals` decimals (`-0.1235`, or `+0.124` with `plus`), as `{:.N}` does
/// but without the formatting machinery, which was a tenth of the writing time; ties may round
/// the other way in the last digit. Non-finite or huge values go through `format!`.
fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32, plus: bool) {
    let scale = 10u64.pow(decimals);
    if !x.is_finite() || x.abs() >= 1e9 {
        let _ = if plus {
            write!(out, "{x:+.*}", decimals as usize)
        } else {
            write!(out, "{x:.*}", decimals as usize)
        };
        return;
    }
    let n = (x.abs() * scale as f64).round() as u64;
    if x < 0.0 && n > 0 {
        out.push(b'-');
    } else if plus {
        out.push(b'+');
    }
    let _ = write!(out, "{}.", n / scale);
    let frac = n % scale;
    let mut digit = scale / 10;
    while digit > 0 {
        out.push(b'0' + (frac / digit % 10) as u8);
        digit /= 10;
    }
}

/// The output writer: CSV or JSON lines.
pub(super) enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>, ByteRecord),
    /// The writer and the JSON keys: the header names, made unique, then the result names.
    Jsonl(std::io::BufWriter<W>, Vec<String>),
}

impl<W: Write> Sink<W> {
    pub(super) fn new(output: W, layout: &Layout, format: Format) -> Result<Sink<W>, BatchError> {
        let mut names: Vec<String> = layout
            .headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .from_writer(output);
                names.extend(layout.results.iter().cloned());
                w.write_record(&names).map_err(write_err)?;
                Ok(Sink::Csv(Box::new(w), ByteRecord::new()))
            }
            Format::Jsonl => {
                // A CSV may repeat a header name; a JSON object cannot, and the second value
                // would silently replace the first. Repeats become `name_2`, `name_3`...
                let mut seen = rustc_hash::FxHashSet::default();
                for name in names.iter_mut() {
                    let mut n = 1;
                    let base = name.clone();
                    while !seen.insert(name.clone()) {
                        n += 1;
                        *name = format!("{base}_{n}");
                    }
                }
                for result in &layout.results {
                    let mut name = result.clone();
                    while !seen.insert(name.clone()) {
                        name.insert_str(0, "joblevel_");
                    }
                    names.push(name);
                }
                Ok(Sink::Jsonl(
                    std::io::BufWriter::with_capacity(1 << 16, output),
                    names,
                ))
            }
        }
    }

    /// Writes one row: the input fields, padded or cut to the header's width so the output
    /// stays rectangular (the error column says when a record was short or long), then results.
    pub(super) fn write(
        &mut self,
        layout: &Layout,
        fields: &ByteRecord,
        results: &Results,
    ) -> Result<(), BatchError> {
        let width = layout.headers.len();
        let input = (0..width).map(|i| fields.get(i).unwrap_or_default());
        match self {
            Sink::Csv(w, record) => {
                record.clear();
                for f in input.chain(results.fields()) {
                    record.push_field(f);
                }
                w.write_byte_record(record).map_err(write_err)
            }
            Sink::Jsonl(w, names) => {
                let mut object = serde_json::Map::with_capacity(names.len());
                for (name, f) in names.iter().zip(input) {
                    object.insert(name.clone(), String::from_utf8_lossy(f).into_owned().into());
                }
                for (i, (name, r)) in names[width..].iter().zip(results.fields()).enumerate() {
                    object.insert(name.clone(), result_json(i, r));
                }
                serde_json::to_writer(&mut *w, &object).map_err(|e| BatchError::Write(e.into()))?;
                w.write_all(b"\n").map_err(BatchError::Write)
            }
        }
    }

    /// Hands what is written so far to the output.
    pub(super) fn flush(&mut self) -> Result<(), BatchError> {
        match self {
            Sink::Csv(w, _) => w.flush().map_err(BatchError::Write),
            Sink::Jsonl(w, _) => w.flush().map_err(BatchError::Write),
        }
    }

    pub(super) fn finish(self) -> Result<(), BatchError> {
        match self {
            Sink::Csv(mut w, _) => w.flush().map_err(BatchError::Write),
            Sink::Jsonl(mut w, _) => w.flush().map_err(BatchError::Write),
        }
    }
}

/// Positions of confidence and the three scores among the appended columns.
const NUMBER_FIELDS: std::ops::RangeInclusive<usize> = 5..=8;

/// Result field `i` in JSON: confidence and scores as numbers, empty fields as null.
fn result_json(i: usize, value: &[u8]) -> serde_json::Value {
    if value.is_empty() {
        return serde_json::Value::Null;
    }
    // Results are built from strings, so they are UTF-8.
    let value = String::from_utf8_lossy(value);
    match i {
        i if NUMBER_FIELDS.contains(&i) => value
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        _ => value.into_owned().into(),
    }
}

pub(super) fn write_err(e: csv::Error) -> BatchError {
    BatchError::Write(match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_numbers_read_as_format_writes_them() {
        for x in [
            0.0, 1.0, 0.59741, 0.33334, 2.71949, -0.64812, 12.5, -3.0, 0.99996,
        ] {
            let mut out = Vec::new();
            push_fixed(&mut out, x, 4, false);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{x:.4}"));
            let mut out = Vec::new();
            push_fixed(&mut out, x, 3, true);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{x:+.3}"));
        }
        let mut out = Vec::new();
        push_fixed(&mut out, -0.00001, 4, false);
        assert_eq!(out, b"0.0000", "no negative zero");
    }
}
