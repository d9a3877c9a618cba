//! The two writing sinks: CSV and JSON lines, the input's fields then the results.

use super::RESULT_COLUMNS;
use super::sink::{RowError, RowResult, Scored, Sink};
use crate::classify::Prediction;
use crate::fit::Verdict;
use crate::level::Level;
use csv::ByteRecord;
use serde_json::Value;
use std::io::{self, Write};

/// One appended field as a value: CSV writes it as text, JSON lines as a string, a number or
/// `null`.
enum Cell<'a> {
    Empty,
    Text(&'a str),
    /// Confidence or a score, written with 4 decimals.
    Number(f64),
    /// The evidence kept, `term=+0.123; term=+0.045`.
    Evidence(&'a Prediction),
    Verdict(Verdict),
    Error(&'a RowError),
}

/// Hands `cell` the appended fields of one row in column order: [`RESULT_COLUMNS`], then
/// [`FIT_COLUMNS`] with a title. The one place that knows the columns' order.
///
/// [`FIT_COLUMNS`]: super::FIT_COLUMNS
fn cells<'a>(
    outcome: &'a Result<Scored, RowError>,
    with_fit: bool,
    mut cell: impl FnMut(Cell<'a>),
) {
    match outcome {
        Err(reason) => {
            for _ in 0..RESULT_COLUMNS.len() - 1 {
                cell(Cell::Empty);
            }
            cell(Cell::Error(reason));
        }
        Ok(scored) => {
            let p = &scored.described;
            cell(Cell::Text(scored.level.as_str()));
            cell(Cell::Text(scored.basis.as_str()));
            match &scored.named {
                Some(named) => {
                    cell(Cell::Text(named.level.as_str()));
                    cell(Cell::Text(&named.title));
                }
                None => {
                    cell(Cell::Empty);
                    cell(Cell::Empty);
                }
            }
            cell(Cell::Text(p.level.as_str()));
            cell(Cell::Number(p.confidence));
            for level in Level::ALL {
                cell(Cell::Number(f64::from(p.scores[level.index()])));
            }
            cell(Cell::Evidence(p));
            cell(Cell::Empty); // error: none
        }
    }
    if with_fit {
        match outcome {
            Ok(Scored { fit: Some(fit), .. }) => {
                cell(Cell::Text(fit.title_level.map_or("none", Level::as_str)));
                cell(Cell::Verdict(fit.verdict));
            }
            _ => {
                cell(Cell::Empty);
                cell(Cell::Empty);
            }
        }
    }
}

/// Writes `cell` as CSV text.
fn push_cell(out: &mut Vec<u8>, cell: Cell<'_>) {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => out.extend_from_slice(s.as_bytes()),
        Cell::Number(x) => push_fixed(out, x, 4, false),
        Cell::Evidence(p) => push_evidence(out, p),
        // Writing to a Vec cannot fail.
        Cell::Verdict(v) => {
            let _ = write!(out, "{v}");
        }
        Cell::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// `cell` as a JSON value: the CSV text, numbers as numbers, empty as `null`.
fn json_cell(cell: Cell<'_>) -> Value {
    let text = |s: &str| {
        if s.is_empty() {
            Value::Null
        } else {
            Value::from(s)
        }
    };
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => text(s),
        Cell::Number(x) => rounded(x, 4)
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Cell::Evidence(p) => {
            let mut evidence = Vec::new();
            push_evidence(&mut evidence, p);
            text(&String::from_utf8_lossy(&evidence))
        }
        Cell::Verdict(v) => text(&v.to_string()),
        Cell::Error(e) => text(&e.to_string()),
    }
}

/// `term=+0.123; term=+0.045`: the evidence kept, the strongest terms for the described level.
fn push_evidence(out: &mut Vec<u8>, p: &Prediction) {
    for (i, e) in p.evidence.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"; ");
        }
        out.extend_from_slice(e.term.as_bytes());
        out.push(b'=');
        push_fixed(out, f64::from(e.weight), 3, true);
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
    push_digits(out, n / scale);
    out.push(b'.');
    let frac = n % scale;
    let mut digit = scale / 10;
    while digit > 0 {
        out.push(b'0' + (frac / digit % 10) as u8);
        digit /= 10;
    }
}

/// Writes `n` in decimal: what `{}` writes, without the formatting machinery (nine calls
/// a row, each costing more through `fmt` than the digits themselves).
fn push_digits(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `x` as [`push_fixed`] writes it with `decimals` decimals, read back as a number (`None`
/// when not finite): what JSON lines give for confidence and scores.
fn rounded(x: f64, decimals: u32) -> Option<f64> {
    let scale = 10u64.pow(decimals);
    if !x.is_finite() || x.abs() >= 1e9 {
        return format!("{x:.*}", decimals as usize).parse().ok();
    }
    // `n / scale` is the double nearest to the decimal `push_fixed` writes, as parsing it
    // gives: both are correctly rounded from the same exact quotient.
    let n = (x.abs() * scale as f64).round();
    Some(if x < 0.0 && n > 0.0 {
        -n / scale as f64
    } else {
        n / scale as f64
    })
}

/// Writes CSV: the input's columns (padded or cut to the header's width, so the output stays
/// rectangular; the error column says when a record was short or long), then the results.
pub struct CsvSink<W: Write> {
    writer: csv::Writer<W>,
    /// Input fields in the header's width.
    width: usize,
    with_fit: bool,
    record: ByteRecord,
    /// One appended field as it is written.
    field: Vec<u8>,
}

impl<W: Write> CsvSink<W> {
    /// A sink writing `output` as CSV with `,` between fields.
    pub fn new(output: W) -> CsvSink<W> {
        CsvSink {
            writer: csv::WriterBuilder::new()
                .buffer_capacity(1 << 16)
                .from_writer(output),
            width: 0,
            with_fit: false,
            record: ByteRecord::new(),
            field: Vec::new(),
        }
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn begin(&mut self, input: &ByteRecord, appended: &[String]) -> io::Result<()> {
        self.width = input.len();
        self.with_fit = appended.len() > RESULT_COLUMNS.len();
        let names = input
            .iter()
            .map(String::from_utf8_lossy)
            .chain(appended.iter().map(|a| a.as_str().into()))
            .map(|name| name.into_owned());
        self.writer.write_record(names).map_err(io_err)
    }

    fn row(&mut self, input: &ByteRecord, result: RowResult) -> io::Result<()> {
        self.record.clear();
        for i in 0..self.width {
            self.record.push_field(input.get(i).unwrap_or_default());
        }
        cells(&result.outcome, self.with_fit, |cell| {
            self.field.clear();
            push_cell(&mut self.field, cell);
            self.record.push_field(&self.field);
        });
        self.writer.write_byte_record(&self.record).map_err(io_err)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Writes JSON lines: one object per row, keyed by the input's column names then the result
/// names; confidence and scores are numbers, empty fields `null`.
pub struct JsonlSink<W: Write> {
    writer: io::BufWriter<W>,
    /// The JSON keys: the header names, made unique, then the result names.
    names: Vec<String>,
    width: usize,
    with_fit: bool,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing `output` as JSON lines.
    pub fn new(output: W) -> JsonlSink<W> {
        JsonlSink {
            writer: io::BufWriter::with_capacity(1 << 16, output),
            names: Vec::new(),
            width: 0,
            with_fit: false,
        }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn begin(&mut self, input: &ByteRecord, appended: &[String]) -> io::Result<()> {
        self.width = input.len();
        self.with_fit = appended.len() > RESULT_COLUMNS.len();
        // A CSV may repeat a header name; a JSON object cannot, and the second value would
        // silently replace the first. Repeats become `name_2`, `name_3`...
        let mut seen = rustc_hash::FxHashSet::default();
        self.names.clear();
        for name in input.iter().map(String::from_utf8_lossy) {
            let mut name = name.into_owned();
            let mut n = 1;
            let base = name.clone();
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{base}_{n}");
            }
            self.names.push(name);
        }
        for result in appended {
            let mut name = result.clone();
            while !seen.insert(name.clone()) {
                name.insert_str(0, "joblevel_");
            }
            self.names.push(name);
        }
        Ok(())
    }

    fn row(&mut self, input: &ByteRecord, result: RowResult) -> io::Result<()> {
        let mut object = serde_json::Map::with_capacity(self.names.len());
        let (inputs, results) = self.names.split_at(self.width);
        for (i, name) in inputs.iter().enumerate() {
            let f = input.get(i).unwrap_or_default();
            object.insert(name.clone(), String::from_utf8_lossy(f).into_owned().into());
        }
        let mut names = results.iter();
        cells(&result.outcome, self.with_fit, |cell| {
            if let Some(name) = names.next() {
                object.insert(name.clone(), json_cell(cell));
            }
        });
        serde_json::to_writer(&mut self.writer, &object)?;
        self.writer.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

fn io_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
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
        for n in [0, 7, 10, 99, 12_345, u64::MAX] {
            let mut out = Vec::new();
            push_digits(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
        let mut out = Vec::new();
        push_fixed(&mut out, -0.00001, 4, false);
        assert_eq!(out, b"0.0000", "no negative zero");
    }

    #[test]
    fn json_numbers_are_the_csv_text_read_back() {
        let mut x = 0.000_012_345_f64;
        let mut checked = 0;
        while x < 5e9 {
            for v in [x, -x, x * 0.999_937, f64::from(x as f32)] {
                let mut text = Vec::new();
                push_fixed(&mut text, v, 4, false);
                let parsed: f64 = std::str::from_utf8(&text).unwrap().parse().unwrap();
                let got = rounded(v, 4).unwrap();
                assert_eq!(
                    got.to_bits(),
                    parsed.to_bits(),
                    "{v}: {got} against {parsed}"
                );
                checked += 1;
            }
            x *= 1.013_7;
        }
        assert!(checked > 5000);
        assert_eq!(rounded(f64::NAN, 4).map(f64::is_nan), Some(true));
    }
}
