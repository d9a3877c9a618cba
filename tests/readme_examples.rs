//! Every `$ joblevel ...` command shown in a ```console block of README.md, docs/*.md or
//! python/README.md is run, from the root of a scratch copy of the project (one copy per
//! file, examples in the file's order), and must print what the file shows (whitespace runs
//! compared as one space; stdout then stderr). A block that shows no output only has to
//! succeed. So the documentation cannot drift from the program.
//!
//! After an intended change of output, `JOBLEVEL_BLESS=1 cargo test --test readme_examples`
//! rewrites each file's shown output from the real one; review the diff before committing.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

struct Example {
    command: String,
    /// Byte range of the shown output in its file.
    shown: std::ops::Range<usize>,
}

/// The `$ ` commands of every ```console block, with the range of the output shown under each.
fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = readme[rest..].find("```console\n") {
        let body_start = rest + open + "```console\n".len();
        let body_end = body_start + readme[body_start..].find("```").expect("closed block");
        let mut at = body_start;
        let mut pending: Option<(String, usize)> = None;
        for line in readme[body_start..body_end].split_inclusive('\n') {
            if let Some(command) = line.strip_prefix("$ ") {
                if let Some((command, start)) = pending.take() {
                    out.push(Example {
                        command,
                        shown: start..at,
                    });
                }
                pending = Some((command.trim_end().to_string(), at + line.len()));
            }
            at += line.len();
        }
        if let Some((command, start)) = pending {
            out.push(Example {
                command,
                shown: start..body_end,
            });
        }
        rest = body_end + 3;
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if [".git", "target", "fuzz", "python"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A scratch copy of the project, so examples that write files leave nothing behind;
/// `../shared` resolves from it as it does from the project.
fn scratch_project(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let scratch = tempfile::tempdir().unwrap();
    let project = scratch.path().join("project");
    copy_tree(root, &project);
    let shared = root.join("../shared");
    if shared.exists() {
        std::os::unix::fs::symlink(
            shared.canonicalize().unwrap(),
            scratch.path().join("shared"),
        )
        .unwrap();
    }
    (scratch, project)
}

/// Runs the examples of one file; returns the failures, and with `bless` rewrites the file's
/// shown output where it differs.
fn check_file(root: &Path, file: &Path, path: &str, bless: bool) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let name = file.strip_prefix(root).unwrap().display().to_string();
    let examples = examples(&text);
    if examples.is_empty() {
        return Vec::new();
    }
    let (_scratch, project) = scratch_project(root);
    let mut replacements = Vec::new();
    let mut failures = Vec::new();
    // In the file's order: a later example may use a file an earlier one wrote.
    for example in &examples {
        if !example.command.starts_with("joblevel") {
            continue;
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(&example.command)
            .current_dir(&project)
            .env("PATH", path)
            .env("COLUMNS", "100")
            .env_remove("CI")
            .output()
            .unwrap();
        let got = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let shown = &text[example.shown.clone()];
        let ok = if shown.trim().is_empty() {
            out.status.success()
        } else {
            normalise(shown) == normalise(&got)
        };
        if !ok {
            if bless && !shown.trim().is_empty() {
                replacements.push((example.shown.clone(), got));
            } else {
                failures.push(format!(
                    "{name}: $ {}\n--- {name} shows:\n{shown}--- the program printed ({}):\n{got}",
                    example.command, out.status
                ));
            }
        }
    }
    if !replacements.is_empty() {
        let mut blessed = text.clone();
        // Back to front, so each replacement leaves the ranges before it valid.
        for (range, got) in replacements.into_iter().rev() {
            blessed.replace_range(range, &got);
        }
        std::fs::write(file, blessed).unwrap();
    }
    failures
}

#[test]
fn readme_shows_an_example_of_each_command() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let commands: Vec<String> = examples(&readme).into_iter().map(|e| e.command).collect();
    for command in ["classify", "batch", "title", "fit", "eval", "train"] {
        assert!(
            commands
                .iter()
                .any(|c| c.starts_with(&format!("joblevel {command} "))),
            "README.md shows no `$ joblevel {command}` example"
        );
    }
    assert!(
        readme.contains("joblevel serve"),
        "README.md shows no serve"
    );
}

#[test]
fn every_documented_console_example_prints_what_it_shows() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = common::documents(&root);
    let readme = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        examples(&readme).len() >= 5,
        "README shows {} examples",
        examples(&readme).len()
    );

    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_joblevel"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let bless = std::env::var_os("JOBLEVEL_BLESS").is_some();
    let mut failures = Vec::new();
    for file in &files {
        assert!(file.exists(), "{} is missing", file.display());
        failures.extend(check_file(&root, file, &path, bless));
    }
    assert!(
        failures.is_empty(),
        "{} documented example(s) differ (JOBLEVEL_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
