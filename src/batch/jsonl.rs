//! JSON lines in: one JSON object per line (`{"id": 7, "text": "...", "title": "..."}`), read
//! as records whose columns are the keys of the first object, so that everything after reading
//! (column lookup, scoring, writing) is shared with CSV. What `RDD.pipe` and Hadoop streaming
//! feed a command.
//!
//! String values are taken as they are; numbers, booleans, arrays and objects as their JSON
//! text; `null` and missing keys as empty. Keys not in the first object are not read. A line
//! that is not a JSON object, or is over the record limit (read no further than the limit, and
//! skipped to its end), is still a record: one output row with the reason in `error`.

use csv::ByteRecord;
use serde_json::{Map, Value};
use std::io::{self, BufRead, BufReader, Read};

/// A line that could not be read as a record, and why.
pub struct Problem {
    pub reason: String,
    /// The line was longer than the limit and only its start was read.
    pub cut: bool,
}

/// Reads JSON lines as records.
pub struct JsonLines<R> {
    inner: BufReader<R>,
    limit: usize,
    /// Physical lines and bytes read so far.
    line: u64,
    bytes: u64,
    keys: Vec<String>,
    buf: Vec<u8>,
    /// The first object, read to learn the keys, given back as the first record.
    first: Option<(u64, Map<String, Value>)>,
}

impl<R: Read> JsonLines<R> {
    /// Reads up to the first object and returns the reader with the header (its keys);
    /// `Ok(None)` for input with no line. A first line that is not an object is an error.
    pub fn open(inner: R, limit: usize) -> Result<Option<(JsonLines<R>, ByteRecord)>, String> {
        let mut reader = JsonLines {
            inner: BufReader::with_capacity(1 << 18, inner),
            limit: limit.max(1),
            line: 0,
            bytes: 0,
            keys: Vec::new(),
            buf: Vec::new(),
            first: None,
        };
        let Some((line, cut)) = reader.next_line().map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        if cut {
            return Err(format!(
                "line {line} is over {} MiB: is this JSON lines?",
                reader.limit >> 20
            ));
        }
        let object = parse(&reader.buf).map_err(|e| format!("line {line}: {e}"))?;
        reader.keys = object.keys().cloned().collect();
        let header = reader.keys.iter().map(String::as_bytes).collect();
        reader.first = Some((line, object));
        Ok(Some((reader, header)))
    }

    /// Reads the next record into `fields`: `Ok(None)` at the end, else its line and, when
    /// the line could not be read as a record, why.
    pub fn read(&mut self, fields: &mut ByteRecord) -> io::Result<Option<(u64, Option<Problem>)>> {
        fields.clear();
        if let Some((line, object)) = self.first.take() {
            self.fill(&object, fields);
            return Ok(Some((line, None)));
        }
        let Some((line, cut)) = self.next_line()? else {
            return Ok(None);
        };
        let problem = if cut {
            Some(Problem {
                reason: format!(
                    "line {line} is over the {} MiB limit: not read whole, not scored",
                    self.limit >> 20
                ),
                cut: true,
            })
        } else {
            match parse(&self.buf) {
                Ok(object) => {
                    self.fill(&object, fields);
                    None
                }
                Err(reason) => Some(Problem {
                    reason: format!("line {line}: {reason}"),
                    cut: false,
                }),
            }
        };
        if problem.is_some() {
            fields.clear();
            for _ in &self.keys {
                fields.push_field(b"");
            }
        }
        Ok(Some((line, problem)))
    }

    /// True when the next line is not read yet: reading it may wait for the input.
    pub fn nothing_buffered(&self) -> bool {
        self.first.is_none() && self.inner.buffer().is_empty()
    }

    /// Bytes read so far, for progress.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    fn fill(&self, object: &Map<String, Value>, fields: &mut ByteRecord) {
        for key in &self.keys {
            match object.get(key) {
                None | Some(Value::Null) => fields.push_field(b""),
                Some(Value::String(s)) => fields.push_field(s.as_bytes()),
                Some(other) => fields.push_field(other.to_string().as_bytes()),
            }
        }
    }

    /// Reads the next non-blank line into `buf` (at most `limit` bytes of it, without its
    /// line end): its line number and whether it was cut.
    fn next_line(&mut self) -> io::Result<Option<(u64, bool)>> {
        loop {
            self.buf.clear();
            let mut cut = false;
            let mut any = false;
            // Whether the line read so far, cut part included, is only blanks.
            let mut blank = true;
            loop {
                let available = match self.inner.fill_buf() {
                    Ok(b) => b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                if available.is_empty() {
                    break;
                }
                any = true;
                let (take, done) = match memchr::memchr(b'\n', available) {
                    Some(i) => (i, true),
                    None => (available.len(), false),
                };
                blank = blank && available[..take].iter().all(u8::is_ascii_whitespace);
                let room = self.limit.saturating_sub(self.buf.len());
                if take > room {
                    cut = true;
                }
                if !cut {
                    self.buf.extend_from_slice(&available[..take]);
                }
                self.inner.consume(take + usize::from(done));
                self.bytes += (take + usize::from(done)) as u64;
                if done {
                    break;
                }
            }
            if !any {
                return Ok(None);
            }
            self.line += 1;
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
            if !blank {
                return Ok(Some((self.line, cut)));
            }
        }
    }
}

/// One line as a JSON object, or why it is not one.
fn parse(line: &[u8]) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!(
            "not a JSON object but {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            }
        )),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &str, limit: usize) -> Vec<(u64, Vec<String>, Option<String>)> {
        let (mut reader, header) = JsonLines::open(input.as_bytes(), limit).unwrap().unwrap();
        assert_eq!(
            header
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect::<Vec<_>>(),
            ["id", "text"]
        );
        let mut out = Vec::new();
        let mut fields = ByteRecord::new();
        while let Some((line, problem)) = reader.read(&mut fields).unwrap() {
            let values = fields
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((line, values, problem.map(|p| p.reason)));
        }
        out
    }

    #[test]
    fn every_line_is_a_record_and_bad_lines_say_why() {
        let input = "{\"id\": 7, \"text\": \"Run the \\\"shift\\\"\"}\n\n[1]\n{\"text\": \"x\", \"id\": null}\r\n{oops\n{\"id\": \"a\", \"text\": \"" .to_string()
            + &"y".repeat(100)
            + "\"}\n";
        let rows = read_all(&input, 64);
        let got: Vec<(u64, Vec<&str>, Option<&str>)> = rows
            .iter()
            .map(|(l, v, p)| (*l, v.iter().map(String::as_str).collect(), p.as_deref()))
            .collect();
        assert_eq!(got[0], (1, vec!["7", "Run the \"shift\""], None));
        assert_eq!(
            got[1],
            (
                3,
                vec!["", ""],
                Some("line 3: not a JSON object but an array")
            )
        );
        assert_eq!(got[2], (4, vec!["", "x"], None));
        assert_eq!(got[3].0, 5);
        assert!(
            got[3]
                .2
                .unwrap()
                .starts_with("line 5: not JSON: key must be a string")
        );
        assert_eq!(got[4].0, 6);
        assert!(got[4].2.unwrap().contains("line 6 is over the 0 MiB limit"));
        assert_eq!(got.len(), 5);
    }
}
