//! The practical limit for `joblevel batch`: only read a CSV with the `csv` crate.
//!
//! `cargo run --release --example csv_read -- postings.csv` prints records and bytes.

use std::io::BufReader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: csv_read FILE.csv")?;
    let file = std::fs::File::open(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut bytes) = (0u64, 0u64);
    while reader.read_byte_record(&mut record)? {
        rows += 1;
        bytes += record.as_slice().len() as u64;
    }
    println!("{rows} records, {bytes} field bytes");
    Ok(())
}
