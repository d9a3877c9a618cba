//! The named-level reader against `tests/data/self_reference.csv`: hand-written snippets (none
//! copied from a posting), each with the level the posting names for itself, or `none`, and
//! the pattern or trap it exercises. Every row is asserted.

use joblevel::{Level, named};
use std::collections::BTreeSet;

struct Row {
    text: String,
    level: Option<Level>,
    pattern: String,
}

fn rows() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/self_reference.csv");
    let mut reader = csv::Reader::from_path(path).expect("the table is readable");
    reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            Row {
                text: r[0].to_string(),
                level: (&r[1] != "none").then(|| r[1].parse().expect("a level or none")),
                pattern: r[2].to_string(),
            }
        })
        .collect()
}

#[test]
fn every_snippet_gets_its_named_level_or_none() {
    let rows = rows();
    assert!(rows.len() >= 250, "the table has {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let got = named::read(&row.text);
        let level = got.as_ref().ok().map(|n| n.level);
        if level != row.level {
            failures.push(format!(
                "[{}] {:?}: got {}, expected {} ({})",
                row.pattern,
                row.text,
                level.map_or("none", Level::as_str),
                row.level.map_or("none", Level::as_str),
                match &got {
                    Ok(n) => format!("{:?}: {}", n.title, n.reason),
                    Err(e) => e.reason.clone(),
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} snippets wrong:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn a_named_title_is_the_text_at_its_offsets_and_has_a_reason() {
    for row in rows() {
        match named::read(&row.text) {
            Ok(n) => {
                assert_eq!(&row.text[n.start..n.end], n.title, "{:?}", row.text);
                assert!(!n.reason.is_empty());
            }
            Err(e) => assert!(!e.reason.is_empty(), "{:?}", row.text),
        }
    }
}

#[test]
fn the_table_covers_every_pattern_and_trap_with_both_outcomes() {
    let rows = rows();
    let patterns: BTreeSet<&str> = rows.iter().map(|r| r.pattern.as_str()).collect();
    for needed in [
        "first_line",
        "title_line",
        "field",
        "as",
        "seeking",
        "join",
        "role_of",
        "the_x_will",
        "job_description",
        "trap_reporting",
        "trap_collab",
        "trap_reports",
        "trap_board",
        "trap_person",
        "trap_past",
        "trap_possessive",
        "trap_company",
        "trap_head",
        "trap_vp",
        "trap_list",
        "non_english",
        "two_levels",
        "no_level",
        "ops_manager",
    ] {
        assert!(patterns.contains(needed), "no row for {needed}");
    }
    for level in [
        None,
        Some(Level::Head),
        Some(Level::Director),
        Some(Level::Vp),
    ] {
        assert!(
            rows.iter().filter(|r| r.level == level).count() >= 30,
            "too few rows expecting {level:?}"
        );
    }
}

#[test]
fn two_self_levels_say_which_two() {
    let err =
        named::read("Director of Operations\nAs our VP of Operations, you will lead.").unwrap_err();
    assert!(err.reason.contains("two levels"), "{err}");
    assert!(
        err.reason.contains("Director of Operations") && err.reason.contains("VP of Operations")
    );
}

#[test]
fn no_input_makes_the_reader_panic() {
    // Every prefix and suffix of every snippet, cut at any character.
    for row in rows() {
        let t = row.text.as_str();
        for (i, _) in t.char_indices() {
            let _ = named::read(&t[i..]);
            let _ = named::read(&t[..i]);
        }
    }
}
