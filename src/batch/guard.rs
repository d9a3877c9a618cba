//! The reader guard: sits between the input and the CSV parser and stops what the parser
//! would take in silently.
//!
//! The `csv` crate reads a record of any size (a 2 GB line is a 2 GB buffer), reads an
//! unclosed quote as one field running to the end of the file, and takes NUL bytes and UTF-16
//! as text. The guard follows the CSV quoting rules alongside the parser (a `"` at the start
//! of a field opens a quoted field, `""` inside it is a quote, any other `"` closes it; `\r`
//! and `\n` end a record outside quotes), looking only at quotes and line ends with `memchr`,
//! so it costs a fraction of the parse. With that it:
//! - cuts a record at [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES): the parser gets the
//!   first bytes and an end of record, the rest is skipped, and [`Guard::take_cut`] tells
//!   the caller which record was cut, so it becomes an error row and memory stays bounded;
//! - fails on a header over the limit or with a NUL byte (a binary file, UTF-16 without a
//!   byte-order mark), before any row is written;
//! - fails at the end of the input when a quote is still open, naming where it opened;
//! - decodes UTF-16 with a byte-order mark to UTF-8 ([`Source`]).

use crate::error::InputError;
use std::collections::VecDeque;
use std::io::{self, Read};

/// Why the guard stopped the input. Carried inside an `io::Error` through the CSV parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("the header line is over {} MiB: is this a CSV file?", .limit >> 20)]
    HeaderTooLong { limit: usize },
    #[error("the header: {0}")]
    HeaderNotText(InputError),
    #[error(
        "a quote opened at byte {offset} is never closed, so the rest of the input would be \
         one field: close or remove that quote"
    )]
    UnclosedQuote { offset: u64 },
    #[error(transparent)]
    Utf16(InputError),
}

impl GuardError {
    /// The guard's error inside an I/O error from the parser, if that is what it is.
    pub fn from_io(e: &io::Error) -> Option<&GuardError> {
        e.get_ref()?.downcast_ref::<GuardError>()
    }

    fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

/// See the module documentation.
pub struct Guard<R> {
    inner: R,
    delimiter: u8,
    limit: usize,
    in_quotes: bool,
    /// Inside quotes, the last byte seen was a `"`: the next byte says if it was `""`.
    quote_pending: bool,
    /// The byte before the next one (a line end at the start: a field starts there).
    prev: u8,
    /// Input offset of the quote that opened the current quoted field.
    quote_at: u64,
    /// Bytes of the current record seen so far.
    record_len: usize,
    /// Records ended so far; 0 while in the header.
    records: u64,
    /// Skipping the rest of a cut record.
    skipping: bool,
    /// A skipped record ended with `\r`: a `\n` right after it belongs to it.
    skip_lf: bool,
    /// Input bytes scanned, and bytes handed to the parser.
    in_pos: u64,
    out_pos: u64,
    /// Bytes to hand over before reading more: the end of a cut record, then the input read
    /// past the cut.
    inject: Vec<u8>,
    carry: Vec<u8>,
    carry_pos: usize,
    /// Output offsets just past the end of each cut record not yet claimed.
    cuts: VecDeque<u64>,
    /// Line ends skipped with cut records, less the ones injected: what the parser's line
    /// count is short of.
    skipped_lines: i64,
    /// The header's first bytes (see `check_header`).
    head: Vec<u8>,
    header_nul: Option<usize>,
}

impl<R: Read> Guard<R> {
    pub fn new(inner: R, delimiter: u8, limit: usize) -> Guard<R> {
        Guard {
            inner,
            delimiter,
            limit: limit.max(1),
            in_quotes: false,
            quote_pending: false,
            prev: b'\n',
            quote_at: 0,
            record_len: 0,
            records: 0,
            skipping: false,
            skip_lf: false,
            in_pos: 0,
            out_pos: 0,
            inject: Vec::new(),
            carry: Vec::new(),
            carry_pos: 0,
            cuts: VecDeque::new(),
            skipped_lines: 0,
            head: Vec::new(),
            header_nul: None,
        }
    }

    /// True when the record that ended at output offset `end` (the parser's position after
    /// reading it) was cut at the size limit.
    pub fn take_cut(&mut self, end: u64) -> bool {
        if self.cuts.front().is_some_and(|&cut| cut <= end) {
            self.cuts.pop_front();
            true
        } else {
            false
        }
    }

    /// Lines the parser did not see (skipped with cut records): add to its line numbers.
    pub fn line_correction(&self) -> u64 {
        self.skipped_lines.max(0) as u64
    }

    /// Scans `data` from the current state up to the first record end outside quotes,
    /// returning its index; the state is then that of the byte before it.
    fn scan(&mut self, data: &[u8]) -> Option<usize> {
        let mut i = 0;
        let found = loop {
            if self.quote_pending {
                let Some(&b) = data.get(i) else { break None };
                self.quote_pending = false;
                if b == b'"' {
                    i += 1;
                    continue;
                }
                self.in_quotes = false;
            }
            if self.in_quotes {
                match memchr::memchr(b'"', &data[i..]) {
                    Some(j) => {
                        i += j + 1;
                        self.quote_pending = true;
                    }
                    None => break None,
                }
                continue;
            }
            match memchr::memchr3(b'"', b'\n', b'\r', &data[i..]) {
                None => break None,
                Some(j) => {
                    let at = i + j;
                    if data[at] != b'"' {
                        break Some(at);
                    }
                    let before = if at == 0 { self.prev } else { data[at - 1] };
                    if before == self.delimiter || before == b'\n' || before == b'\r' {
                        self.in_quotes = true;
                        self.quote_at = self.in_pos + at as u64;
                    }
                    i = at + 1;
                }
            }
        };
        let end = found.unwrap_or(data.len());
        if end > 0 {
            self.prev = data[end - 1];
        }
        found
    }

    /// Filters `buf[..n]` in place: returns how many bytes at its start go to the parser.
    /// A cut moves the unscanned rest to `carry` and the record end to `inject`.
    fn filter(&mut self, buf: &mut [u8], n: usize) -> io::Result<usize> {
        let (mut r, mut w) = (0, 0);
        while r < n {
            if self.skip_lf {
                self.skip_lf = false;
                if buf[r] == b'\n' {
                    self.skipped_lines += 1;
                    self.in_pos += 1;
                    r += 1;
                    continue;
                }
            }
            if self.skipping {
                let found = self.scan(&buf[r..n]);
                let end = found.map_or(n, |j| r + j);
                self.skipped_lines += memchr::memchr_iter(b'\n', &buf[r..end]).count() as i64;
                self.in_pos += (end - r) as u64;
                r = end;
                if found.is_some() {
                    let term = buf[r];
                    self.skipped_lines += i64::from(term == b'\n');
                    self.skip_lf = term == b'\r';
                    self.prev = term;
                    self.skipping = false;
                    self.record_len = 0;
                    self.in_pos += 1;
                    r += 1;
                }
                continue;
            }
            let budget = self.limit - self.record_len;
            let window = (n - r).min(budget);
            let found = self.scan(&buf[r..r + window]);
            let len = found.map_or(window, |j| j + 1);
            if self.records == 0 {
                self.check_header(&buf[r..r + len], found.is_some())?;
            }
            if r != w {
                buf.copy_within(r..r + len, w);
            }
            self.in_pos += len as u64;
            r += len;
            w += len;
            match found {
                Some(j) => {
                    self.prev = buf[r - 1];
                    if self.record_len + j > 0 {
                        self.records += 1;
                    }
                    self.record_len = 0;
                }
                None => {
                    self.record_len += window;
                    if self.record_len >= self.limit {
                        self.cut(buf, r, n, w)?;
                        break;
                    }
                }
            }
        }
        self.out_pos += w as u64;
        Ok(w)
    }

    /// Ends the current record for the parser at this point and skips the rest of it.
    fn cut(&mut self, buf: &[u8], r: usize, n: usize, w: usize) -> io::Result<()> {
        if self.records == 0 {
            return Err(GuardError::HeaderTooLong { limit: self.limit }.into_io());
        }
        self.inject.clear();
        if self.in_quotes && !self.quote_pending {
            self.inject.push(b'"');
        }
        self.inject.push(b'\n');
        self.skipped_lines -= 1;
        self.cuts
            .push_back(self.out_pos + w as u64 + self.inject.len() as u64);
        // The rest of this read, then what was still waiting from an earlier cut.
        let mut rest = buf[r..n].to_vec();
        rest.extend_from_slice(&self.carry[self.carry_pos..]);
        self.carry = rest;
        self.carry_pos = 0;
        self.skipping = true;
        self.records += 1;
        Ok(())
    }

    /// Fails on a NUL byte in the header, once enough of it is seen (64 bytes, or its end)
    /// to tell UTF-16 from other binary input when it arrives in small reads.
    fn check_header(&mut self, bytes: &[u8], ended: bool) -> io::Result<()> {
        let room = 64usize.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
        if self.header_nul.is_none() {
            self.header_nul =
                memchr::memchr(0, bytes).map(|at| (self.in_pos as usize).saturating_add(at));
        }
        match self.header_nul {
            Some(offset) if ended || self.head.len() >= 64 => {
                let e = if crate::text::looks_like_utf16(&self.head) {
                    InputError::Utf16 { offset }
                } else {
                    InputError::Binary { offset }
                };
                Err(GuardError::HeaderNotText(e).into_io())
            }
            _ => Ok(()),
        }
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.inject.is_empty() {
                let k = self.inject.len().min(buf.len());
                buf[..k].copy_from_slice(&self.inject[..k]);
                self.inject.drain(..k);
                self.out_pos += k as u64;
                return Ok(k);
            }
            let n = if self.carry_pos < self.carry.len() {
                let k = (self.carry.len() - self.carry_pos).min(buf.len());
                buf[..k].copy_from_slice(&self.carry[self.carry_pos..self.carry_pos + k]);
                self.carry_pos += k;
                if self.carry_pos == self.carry.len() {
                    self.carry = Vec::new();
                    self.carry_pos = 0;
                }
                k
            } else {
                self.inner.read(buf)?
            };
            if n == 0 {
                if self.records == 0 && self.header_nul.is_some() {
                    self.check_header(&[], true)?;
                }
                // A `"` as the very last byte closed its field.
                if self.in_quotes && !self.quote_pending {
                    self.in_quotes = false;
                    return Err(GuardError::UnclosedQuote {
                        offset: self.quote_at,
                    }
                    .into_io());
                }
                return Ok(0);
            }
            let kept = self.filter(buf, n)?;
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// The input as UTF-8: as it is, or decoded from UTF-16 when it starts with a byte-order
/// mark (what spreadsheet programs save as "Unicode text").
pub enum Source<R> {
    Plain(io::Chain<io::Cursor<Vec<u8>>, R>),
    Utf16(Utf16<R>),
}

impl<R: Read> Source<R> {
    /// Looks at the first bytes of `inner` to choose.
    pub fn new(mut inner: R) -> io::Result<Source<R>> {
        // One whole block, not just the two bytes needed: later reads of a file then start on
        // a page boundary, which the kernel copies out measurably faster.
        let mut head = vec![0; 1 << 16];
        let mut n = 0;
        while n < 2 {
            match inner.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        head.truncate(n);
        Ok(match crate::text::utf16_bom(&head) {
            Some(big_endian) => Source::Utf16(Utf16 {
                inner,
                big_endian,
                raw: head.split_off(2),
                out: Vec::new(),
                out_pos: 0,
                offset: 2,
                eof: false,
            }),
            None => Source::Plain(io::Cursor::new(head).chain(inner)),
        })
    }

    /// True when the input was UTF-16.
    pub fn is_utf16(&self) -> bool {
        matches!(self, Source::Utf16(_))
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Utf16(r) => r.read(buf),
        }
    }
}

/// Decodes UTF-16 (after its byte-order mark) to UTF-8 as it is read.
pub struct Utf16<R> {
    inner: R,
    big_endian: bool,
    /// Bytes read but not decoded yet (an odd byte, a high surrogate waiting for its pair).
    raw: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    /// Input offset of `raw[0]`.
    offset: u64,
    eof: bool,
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let k = (self.out.len() - self.out_pos).min(buf.len());
                buf[..k].copy_from_slice(&self.out[self.out_pos..self.out_pos + k]);
                self.out_pos += k;
                return Ok(k);
            }
            if self.eof {
                if !self.raw.is_empty() {
                    let offset = self.offset as usize;
                    self.raw.clear();
                    return Err(GuardError::Utf16(InputError::InvalidUtf16 { offset }).into_io());
                }
                return Ok(0);
            }
            let start = self.raw.len();
            self.raw.resize(start + (1 << 15), 0);
            let n = self.inner.read(&mut self.raw[start..])?;
            self.raw.truncate(start + n);
            if n == 0 {
                self.eof = true;
                if self.raw.len() < 2 {
                    continue;
                }
            }
            let unit = |p: &[u8]| {
                if self.big_endian {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            };
            let mut end = self.raw.len() & !1;
            // A high surrogate at the end waits for the low one in the next read.
            if end >= 2 && (0xd800..0xdc00).contains(&unit(&self.raw[end - 2..end])) {
                end -= 2;
            }
            self.out.clear();
            self.out_pos = 0;
            let mut at = self.offset;
            for c in char::decode_utf16(self.raw[..end].chunks_exact(2).map(unit)) {
                let Ok(c) = c else {
                    let e = InputError::InvalidUtf16 {
                        offset: at as usize,
                    };
                    return Err(GuardError::Utf16(e).into_io());
                };
                at += 2 * c.len_utf16() as u64;
                let mut utf8 = [0; 4];
                self.out
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            self.raw.drain(..end);
            self.offset += end as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` through a guard with a small record limit and tiny reads (so every
    /// state crosses a read boundary), as the parser would: the records and which were cut.
    fn parse(
        input: &[u8],
        limit: usize,
        read_size: usize,
    ) -> Result<Vec<(Vec<String>, bool)>, String> {
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let k = self.0.len().min(buf.len()).min(self.1);
                buf[..k].copy_from_slice(&self.0[..k]);
                self.0 = &self.0[k..];
                Ok(k)
            }
        }
        let guard = Guard::new(Slow(input, read_size), b',', limit);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(read_size.max(1))
            .from_reader(guard);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    let end = reader.position().byte();
                    let cut = reader.get_mut().take_cut(end);
                    let fields = record
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect();
                    out.push((fields, cut));
                }
                Ok(false) => return Ok(out),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    fn fields(rows: &[(Vec<String>, bool)]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|(f, _)| f.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn well_formed_csv_passes_unchanged_whatever_the_read_size() {
        let input = b"id,text\r\n1,\"a \"\"quoted\"\" word, and\nlines\"\r\n2,plain \"inner\" quote\n\n3,\"\"\n";
        for read_size in [1, 2, 3, 7, 64] {
            let rows = parse(input, 1 << 20, read_size).unwrap();
            assert_eq!(
                fields(&rows),
                [
                    vec!["id", "text"],
                    vec!["1", "a \"quoted\" word, and\nlines"],
                    vec!["2", "plain \"inner\" quote"],
                    vec!["3", ""],
                ],
                "read size {read_size}"
            );
            assert!(rows.iter().all(|(_, cut)| !cut));
        }
    }

    #[test]
    fn a_quote_never_closed_is_an_error_naming_where_it_opened() {
        let input = b"id,text\n1,a\n2,\"open\n3,b\n4,c\n";
        for read_size in [1, 5, 64] {
            let err = parse(input, 1 << 20, read_size).unwrap_err();
            assert!(
                err.contains("quote opened at byte 14 is never closed"),
                "{err}"
            );
        }
    }

    #[test]
    fn an_over_long_record_is_cut_and_the_next_ones_read_as_usual() {
        let long = "x".repeat(50);
        for (quoted, read_size) in [(false, 1), (false, 7), (true, 3), (true, 64)] {
            let field = if quoted {
                format!("\"{long}\n, \"\"{long}\"")
            } else {
                long.clone()
            };
            let input = format!("id,text\n1,short\n2,{field}\n3,after\n4,\"q\"\n");
            let rows = parse(input.as_bytes(), 20, read_size).unwrap();
            let got: Vec<(&str, bool)> =
                rows.iter().map(|(f, cut)| (f[0].as_str(), *cut)).collect();
            assert_eq!(
                got,
                [
                    ("id", false),
                    ("1", false),
                    ("2", true),
                    ("3", false),
                    ("4", false)
                ],
                "quoted {quoted}, read size {read_size}"
            );
            assert!(rows[2].0[1].len() < 20);
            assert_eq!(rows[4].0[1], "q");
        }
    }

    #[test]
    fn an_over_long_or_binary_header_is_an_error() {
        let err = parse(&[b'x'; 100], 20, 8).unwrap_err();
        assert!(err.contains("header line is over"), "{err}");
        let err = parse(b"id,te\0xt\n1,2\n", 1 << 20, 4).unwrap_err();
        assert!(err.contains("NUL byte at offset 5"), "{err}");
        let utf16: Vec<u8> = "id,text\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let err = parse(&utf16, 1 << 20, 64).unwrap_err();
        assert!(err.contains("UTF-16 without a byte-order mark"), "{err}");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_reads_as_utf8() {
        let text = "id,text\n1,\"Lead the région 😀\"\n";
        for big_endian in [false, true] {
            let bytes = crate::text::utf16_with_bom(text, big_endian);
            let mut source = Source::new(bytes.as_slice()).unwrap();
            assert!(source.is_utf16());
            let mut out = String::new();
            source.read_to_string(&mut out).unwrap();
            assert_eq!(out, text);
        }
        let mut plain = Source::new(&b"id"[..]).unwrap();
        let mut out = String::new();
        plain.read_to_string(&mut out).unwrap();
        assert_eq!(out, "id");
    }
}
