//! Helpers shared by the integration tests. Each test file uses some of them, hence the
//! `allow(dead_code)` on each.

use std::path::PathBuf;
use std::process::Output;

/// The `joblevel` binary under test.
#[allow(dead_code)]
pub fn joblevel() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("joblevel").expect("binary is built")
}

/// A bundled example: `corpora/NAME`.
#[allow(dead_code)]
pub fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpora")
        .join(name)
}

/// The title naming `level`, used to re-title a posting.
#[allow(dead_code)]
pub fn title_for(level: joblevel::Level) -> &'static str {
    match level {
        joblevel::Level::Individual => "Operations Analyst",
        joblevel::Level::Head => "Head of Operations",
        joblevel::Level::Director => "Director of Operations",
        joblevel::Level::Vp => "VP of Operations",
        joblevel::Level::Executive => "Chief Operating Officer",
    }
}

/// The JSON a run printed, after checking it succeeded (its stderr is the failure message).
#[allow(dead_code)]
pub fn ok_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("output is JSON")
}

/// A file of the shared data beside the project (`../shared/...`, as CI has it), read whole.
///
/// `None` when it is missing on a developer's machine (the test then says it skipped);
/// under CI (`CI` set), or with `JOBLEVEL_NEED_SHARED` set, a missing file fails the test:
/// a green run must not hide a check that never ran.
#[allow(dead_code)]
pub fn shared_file(relative: &str) -> Option<Vec<u8>> {
    // JOBLEVEL_SHARED_DIR points elsewhere, e.g. at a missing directory to check this rule.
    let dir = std::env::var_os("JOBLEVEL_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    );
    let path = dir.join(relative);
    match std::fs::read(&path) {
        Ok(data) => Some(data),
        Err(e) => {
            let required = ["CI", "JOBLEVEL_NEED_SHARED"]
                .iter()
                .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty() && x != "false"));
            assert!(
                !required,
                "{} is needed (CI is set) but cannot be read: {e}",
                path.display()
            );
            eprintln!("skipped: {} is not here ({e})", path.display());
            None
        }
    }
}

/// A small model that answers on all five rungs, whatever the shipped model knows: trained in
/// `dir` on `tests/data/five_rungs.csv` (individual contributors and chief executives the
/// project wrote) and `corpora/labelled.csv`. Tests of the front ends use it to see the outer
/// rungs shown; they assert words and shapes, never its numbers.
#[allow(dead_code)]
pub fn five_rung_model(dir: &std::path::Path) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = dir.join("five-rungs.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_joblevel"))
        .arg("train")
        // Nine postings for the outer rungs against the articles' 50 sentences: at the
        // shipped article weight (1.0, as much as an average posting each) the articles'
        // board-and-P&L sentences outweigh the four C-suite postings; 0.3 lets them speak.
        .args(["--article-weight", "0.3"])
        .arg("--labelled")
        .arg(root.join("tests/data/five_rungs.csv"))
        .arg("--labelled")
        .arg(root.join("corpora/labelled.csv"))
        .arg("-o")
        .arg(&path)
        .output()
        .expect("joblevel train runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// The project's documentation, in the order pages are read: README.md, every docs/*.md (by
/// name), python/README.md. Their console examples are run (`readme_examples.rs`) and their
/// links checked (`doc_links.rs`).
#[allow(dead_code)]
pub fn documents(root: &std::path::Path) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut all = vec![root.join("README.md")];
    all.extend(docs);
    all.push(root.join("python/README.md"));
    all
}
