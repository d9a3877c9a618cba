//! A cue pattern that cannot be used is refused where it is read, naming the cue, its pattern
//! and the problem: in a cues file (with its line) and in a model file.

use assert_cmd::Command;
use joblevel::train;
use predicates::str::contains;

#[test]
fn a_bad_pattern_in_a_cues_file_names_its_line_cue_and_problem() {
    let csv = "name,family,level,weight,pattern,note\n\
               reports_to_ceo,reporting,vp,1.5,reports to * ceo,fine\n\
               to_ceo,reporting,vp,1.5,* ceo,starts with a gap\n";
    let err = train::parse_cues(csv, "cues.csv").unwrap_err().to_string();
    assert_eq!(
        err,
        "training data cues.csv, line 3: cue \"to_ceo\" (pattern \"* ceo\"): it starts with *: \
         start with a word or a number"
    );
}

#[test]
fn a_model_whose_cue_does_not_parse_is_refused_naming_the_cue() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    std::fs::write(
        &model,
        r##"{"format": 1,
            "provenance": {"name": "t", "trained_on": [], "command": "hand-written"},
            "bias": [0, 0, 0],
            "cues": [{"name": "senior", "family": "experience", "level": "vp", "weight": 1,
                      "pattern": "#ten+ years", "note": ""}],
            "features": [["budget", 1.0, [0, 0, 1]], ["cue:senior", 4.0, [0, 0, 1]]]}"##,
    )
    .unwrap();
    Command::cargo_bin("joblevel")
        .unwrap()
        .args(["classify", "--model"])
        .arg(&model)
        .write_stdin("Own the budget.")
        .assert()
        .code(5)
        .stderr(contains(
            "cue \"senior\" (pattern \"#ten+ years\"): bad number \"#ten+\": use #N+ or #N-M",
        ));
}
