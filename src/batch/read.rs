//! Reading records in chunks, from CSV (through the [`Guard`]) or JSON lines.

use super::guard::{Guard, Source};
use super::jsonl::JsonLines;
use super::{BatchError, Options, Row};
use csv::ByteRecord;
use std::io::Read;

/// The parser behind a [`Batch`].
pub(super) enum Records<R: Read> {
    Csv(csv::Reader<Guard<Source<R>>>),
    Jsonl(JsonLines<Source<R>>),
}

impl<R: Read> Records<R> {
    /// Reads the next record into `fields`: `Ok(None)` at the end, else the record read
    /// (`record` is its number).
    pub(super) fn read(
        &mut self,
        fields: &mut ByteRecord,
        record: u64,
    ) -> Result<Option<Row>, BatchError> {
        match self {
            Records::Csv(reader) => {
                let line = reader.position().line() + reader.get_ref().line_correction();
                match reader.read_byte_record(fields) {
                    Ok(true) => {
                        let end = reader.position().byte();
                        let cut = reader.get_mut().take_cut(end);
                        Ok(Some(Row {
                            record,
                            line,
                            fields: std::mem::take(fields),
                            cut,
                            problem: None,
                        }))
                    }
                    Ok(false) => Ok(None),
                    // The reader is flexible and reads bytes: only I/O and the guard fail
                    // here, and nothing more can be read, so the run stops rather than
                    // guessing at the rest.
                    Err(e) => Err(BatchError::from_read(e, record, line)),
                }
            }
            Records::Jsonl(reader) => match reader.read(fields) {
                Ok(Some((line, problem))) => Ok(Some(Row {
                    record,
                    line,
                    fields: std::mem::take(fields),
                    cut: problem.as_ref().is_some_and(|p| p.cut),
                    problem: problem.map(|p| p.reason),
                })),
                Ok(None) => Ok(None),
                Err(e) => Err(BatchError::Read(e.into())),
            },
        }
    }

    /// True when JSON lines have nothing more buffered: reading on could wait for a writer
    /// that waits for the rows read so far.
    pub(super) fn nothing_ready(&self) -> bool {
        match self {
            Records::Csv(_) => false,
            Records::Jsonl(reader) => reader.nothing_buffered(),
        }
    }

    /// Bytes of input read so far.
    pub(super) fn bytes(&self) -> u64 {
        match self {
            Records::Csv(reader) => reader.position().byte(),
            Records::Jsonl(reader) => reader.bytes(),
        }
    }
}

/// Reads the next chunk: up to [`Options::chunk_rows`] records or [`Options::chunk_bytes`]
/// bytes. Record numbers continue from `last_record`; the records of `spare` (a chunk already
/// written) are reused.
pub(super) fn read_chunk<R: Read>(
    reader: &mut Records<R>,
    options: &Options,
    last_record: u64,
    spare: Vec<Row>,
) -> Result<Vec<Row>, BatchError> {
    // A record that held a very long field keeps its buffer; let it go rather than keep
    // megabytes for every later chunk.
    let mut spare = spare
        .into_iter()
        .map(|row| row.fields)
        .filter(|fields| fields.as_slice().len() <= 1 << 16);
    let mut rows = Vec::with_capacity(options.chunk_rows.min(1 << 16));
    let mut record = last_record;
    let mut bytes = 0;
    // At least one record per chunk, whatever the limits: an empty chunk ends the run.
    while rows.is_empty() || (rows.len() < options.chunk_rows && bytes < options.chunk_bytes) {
        let mut fields = spare.next().unwrap_or_default();
        match reader.read(&mut fields, record + 1)? {
            Some(row) => {
                record += 1;
                bytes += row.fields.as_slice().len();
                rows.push(row);
            }
            None => break,
        }
        if reader.nothing_ready() {
            break;
        }
    }
    Ok(rows)
}
