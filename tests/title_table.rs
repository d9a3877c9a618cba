//! The title parser against a table of titles and their expected level: the 214 real titles
//! of `../shared/corpora/dev.csv` (labelled by the corpus's title rules) and hand-written
//! variants and non-levels. Titles are short facts, not postings, so they are kept here.

use joblevel::title;

#[test]
fn every_title_in_the_table_gets_its_expected_level_and_function() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/titles.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut failures = Vec::new();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let (text, level, function) = (&row[0], &row[1], &row[2]);
        rows += 1;
        let parsed = title::parse(text);
        let got = parsed.level.map_or("none", |l| l.as_str());
        if got != level {
            failures.push(format!(
                "{text:?}: level {got}, expected {level} ({})",
                parsed.reason
            ));
        }
        // "other" in the corpus means no function word: None here.
        let got_function = parsed.function.as_deref().unwrap_or("other");
        let want_function = if function.is_empty() {
            got_function
        } else {
            function
        };
        if got_function != want_function && row[3] == *"hand-written" {
            failures.push(format!(
                "{text:?}: function {got_function}, expected {function}"
            ));
        }
    }
    assert!(rows >= 150, "the table has {rows} titles");
    assert!(
        failures.is_empty(),
        "{} of {rows} titles wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn function_matches_the_corpus_label_for_nearly_all_real_titles() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/titles.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let (mut total, mut right) = (0, 0);
    for row in reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[3] == "dev.csv")
    {
        total += 1;
        if title::parse(&row[0]).function.as_deref().unwrap_or("other") == &row[2] {
            right += 1;
        }
    }
    assert!(
        total == 214 && right * 100 >= total * 99,
        "function right on {right} of {total}"
    );
}

#[test]
fn not_a_level_titles_say_why() {
    for (t, why) in [
        ("Managing Director", "company officer"),
        ("Head Chef", "head of a craft"),
        ("AVP, Operations", "ambiguous"),
        ("Assistant Director of Operations", "tier below"),
        ("Director/VP of Ops", "two levels"),
        ("Creative Director", "craft or front-line"),
        ("Director of Photography", "directs a craft"),
        ("Data Scientist (C13/VP)", "rank of that role"),
        ("Marketing Manager", "outside operations"),
        ("Chief of Staff", "names no rung"),
        ("Chief of Staff", "leader's office"),
        ("Executive Assistant", "assistant to an executive"),
        ("Account Executive", "seller's title"),
        ("Chief Engineer", "chief of a craft"),
        ("Chief Scientist", "chief of a craft"),
        ("Assistant to the CEO", "supports a leader"),
        ("Deputy Director", "tier below"),
        ("Deputy CEO", "tier below"),
        ("VP, Software Engineer", "rank of that role"),
        ("CTO / Lead Developer", "rank of that role"),
        ("Executive Director", "company officer"),
        ("Team Lead", "outside operations"),
    ] {
        let p = title::parse(t);
        assert_eq!(p.level, None, "{t}");
        assert!(p.reason.contains(why), "{t}: {}", p.reason);
    }
}

#[test]
fn a_school_subject_head_is_a_level_when_a_business_word_says_so() {
    assert_eq!(title::parse("Head of Music").level, None);
    let p = title::parse("Head of Music Marketing");
    assert_eq!(p.level, Some(joblevel::Level::Head));
    assert_eq!(p.function.as_deref(), Some("marketing"));
}

#[test]
fn the_left_most_and_longest_function_word_names_the_function() {
    let function = |t: &str| title::parse(t).function;
    assert_eq!(
        function("Director, Technical Product Marketing").as_deref(),
        Some("marketing")
    );
    assert_eq!(function("Director of IT, Elections").as_deref(), Some("it"));
    assert_eq!(
        function("Director of Elections IT").as_deref(),
        Some("elections")
    );
    // Operations wins wherever it is.
    assert_eq!(
        function("Director of Marketing Operations").as_deref(),
        Some("operations")
    );
}

#[test]
fn the_title_command_prints_level_function_and_reason_and_exits_0() {
    let mut cmd = assert_cmd::Command::cargo_bin("joblevel").unwrap();
    cmd.args(["title", "Sr. Dir. of Ops (Remote)"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("level:     director"))
        .stdout(predicates::str::contains("function:  operations"));
    let out = assert_cmd::Command::cargo_bin("joblevel")
        .unwrap()
        .args(["title", "--format", "json", "Managing Director"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["level"], serde_json::Value::Null);
    assert!(v["reason"].as_str().unwrap().contains("company officer"));
}
