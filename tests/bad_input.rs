//! The bad-input battery: every way a user was found to hurt the tool with bad input (issue 13),
//! run through the real binary. Each case checks the exit code, that the message names the
//! record, line or byte offset, that no file the user had is clobbered, and (for the large
//! inputs) that memory stays bounded under `ulimit -v`.

use predicates::prelude::*;
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::process::Stdio;

mod common;
use common::joblevel;

const VP: &str = "Reporting to the CEO, own the entire operational structure of the company as part of the executive leadership team.";
const HEAD: &str = "Supervise the day-to-day shift team on the warehouse floor; you report to the Director of Operations.";

/// What an output file held before the run: it must hold it still after a failed run.
const KEEP: &str = "id,description,level\nold,results,we must keep\n";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("joblevel")
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

/// Files in `dir` other than `keep`: a run must leave no temporary file behind.
fn stray_files(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

fn postings(n: usize) -> String {
    let mut csv = String::from("id,description\n");
    for i in 0..n {
        csv += &format!("{i},\"{}\"\n", if i % 2 == 0 { VP } else { HEAD });
    }
    csv
}

// Row 1: the output is the input.

#[test]
fn batch_refuses_to_write_over_its_input_also_through_links_and_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", postings(3));
    let before = read(&input);
    let hard = dir.path().join("hard.csv");
    std::fs::hard_link(&input, &hard).unwrap();
    let soft = dir.path().join("soft.csv");
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    for out in [&input, &hard, &soft] {
        joblevel()
            .args(["batch", "-q"])
            .arg(&input)
            .arg("-o")
            .arg(out)
            .assert()
            .code(2)
            .stderr(contains("is the input"));
    }
    // stdin is the file named as output
    let out = std::process::Command::new(bin())
        .args(["batch", "-q", "-", "-o"])
        .arg(&input)
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the input (stdin)"));
    // `joblevel batch in.csv >> in.csv` would read its own output for ever.
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .unwrap();
    let status = std::process::Command::new(bin())
        .args(["batch", "-q"])
        .arg(&input)
        .stdout(append)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(read(&input), before, "the input is untouched");
}

#[test]
fn train_refuses_to_write_its_model_over_the_labelled_file() {
    let dir = tempfile::tempdir().unwrap();
    let labelled = write(
        dir.path(),
        "labelled.csv",
        format!("level,description\nvp,\"{VP}\"\nhead,\"{HEAD}\"\n"),
    );
    let before = read(&labelled);
    joblevel()
        .args(["train", "--labelled"])
        .arg(&labelled)
        .arg("-o")
        .arg(&labelled)
        .assert()
        .code(2)
        .stderr(contains("is the input"));
    assert_eq!(read(&labelled), before);
}

// Row 2: a quote opened and never closed.

#[test]
fn an_unclosed_quote_is_reported_with_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,description\n");
    for i in 1..=1000 {
        let text = if i == 5 {
            "\"Run the shift"
        } else {
            "Run the shift"
        };
        csv += &format!("{i},{text}\n");
    }
    let input = write(dir.path(), "unbalanced.csv", &csv);
    let offset = csv.find('"').unwrap();
    let out = write(dir.path(), "keep.csv", KEEP);
    for strict in [false, true] {
        let mut cmd = joblevel();
        cmd.args(["batch", "-q"]).arg(&input).arg("-o").arg(&out);
        if strict {
            cmd.arg("--strict");
        }
        cmd.assert().code(3).stderr(contains(format!(
            "record 5 (line 6): a quote opened at byte {offset} is never closed"
        )));
        assert_eq!(read(&out), KEEP, "the old output is kept");
    }
    assert_eq!(
        stray_files(dir.path(), &["unbalanced.csv", "keep.csv"]),
        Vec::<String>::new()
    );
}

// Row 3: the header is checked before the output is created.

#[test]
fn a_bad_header_or_empty_input_leaves_the_output_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", postings(2));
    let empty = write(dir.path(), "empty.csv", "");
    let notes = write(dir.path(), "notes.csv", "id,notes\n1,x\n");
    let out = write(dir.path(), "keep.csv", KEEP);
    let cases: [(&[&str], &Path, &str); 3] = [
        (
            &["--text-column", "nope"],
            &input,
            "no column named \"nope\"",
        ),
        (&[], &notes, "no text column"),
        (&[], &empty, "input is empty"),
    ];
    for (flags, file, message) in cases {
        joblevel()
            .arg("batch")
            .args(flags)
            .arg(file)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(3)
            .stderr(contains(message));
        assert_eq!(read(&out), KEEP);
    }
    // And a new output path is not created at all.
    let fresh = dir.path().join("fresh.csv");
    joblevel()
        .args(["batch", "--text-column", "nope"])
        .arg(&input)
        .arg("-o")
        .arg(&fresh)
        .assert()
        .code(3);
    assert!(!fresh.exists());
}

// Row 4: an interrupted run.

#[test]
fn ctrl_c_during_a_run_leaves_the_old_output_and_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "big.csv", postings(200_000));
    let out = write(dir.path(), "part.csv", KEEP);
    let mut child = std::process::Command::new(bin())
        .args(["batch", "-q", "--threads", "1"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run is writing (its temporary file exists and grows), then interrupt.
    let started = std::time::Instant::now();
    loop {
        let partial = stray_files(dir.path(), &["big.csv", "part.csv"]);
        let writing = partial.iter().any(|n| {
            n.ends_with(".partial")
                && std::fs::metadata(dir.path().join(n)).is_ok_and(|m| m.len() > 0)
        });
        if writing {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        assert!(started.elapsed().as_secs() < 120, "never started writing");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&result.stderr).contains("interrupted"));
    assert_eq!(read(&out), KEEP, "the old output is untouched");
    assert_eq!(
        stray_files(dir.path(), &["big.csv", "part.csv"]),
        Vec::<String>::new()
    );
}

#[test]
fn a_finished_run_replaces_the_output_keeping_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", postings(3));
    let out = write(dir.path(), "out.csv", KEEP);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    joblevel()
        .args(["batch", "-q"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    assert!(read(&out).starts_with("id,description,level,basis,"));
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        stray_files(dir.path(), &["in.csv", "out.csv"]),
        Vec::<String>::new()
    );
    // Not a regular file: written straight through, never replaced.
    joblevel()
        .args(["batch", "-q"])
        .arg(&input)
        .args(["-o", "/dev/null"])
        .assert()
        .code(0);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

// Rows 7 and 8: huge records, no line ends, binary streams; memory bounded.

/// Runs `script` with `sh -c` under `ulimit -v` (KiB of address space): an input that was
/// held whole in memory would need several times the limit.
fn under_ulimit(kib: u64, script: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib}; {script}"))
        .env("JOBLEVEL", bin())
        .output()
        .unwrap()
}

#[test]
fn a_200_mb_field_is_an_error_row_and_memory_stays_bounded() {
    let out = under_ulimit(
        300_000,
        r#"(printf 'id,description\n1,'; head -c 200000000 /dev/zero | tr '\0' x; printf '\n2,Run the shift\n') | "$JOBLEVEL" batch -"#,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("2 rows: 1 scored, 1 failed"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("1,,") && lines[1].contains("over the 16 MiB limit"));
    assert!(lines[2].starts_with("2,Run the shift,head,"));
    assert!(stdout.len() < 1000, "the field is not echoed");
}

#[test]
fn input_with_no_line_end_is_a_short_error_in_bounded_memory() {
    let out = under_ulimit(
        300_000,
        r#"head -c 200000000 /dev/zero | tr '\0' x | "$JOBLEVEL" batch -"#,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the header line is over 16 MiB"),
        "{stderr}"
    );
    assert!(
        stderr.len() < 300,
        "the input is not echoed: {} bytes",
        stderr.len()
    );
}

#[test]
fn binary_input_is_refused_at_once_by_batch_and_classify() {
    for args in [["batch", "/dev/zero"], ["classify", "/dev/zero"]] {
        joblevel()
            .args(args)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(3)
            .stderr(contains("looks binary (NUL byte at offset 0)"));
    }
    let out = under_ulimit(
        100_000,
        r#"head -c 300000000 /dev/zero | "$JOBLEVEL" classify -"#,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NUL byte at offset 0"));
    // Over the limit without a NUL: refused once past the limit, never held whole.
    let out = under_ulimit(
        200_000,
        r#"head -c 300000000 /dev/zero | tr '\0' x | "$JOBLEVEL" classify -"#,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("over 16 MiB"));
}

// Rows 11, 12, 13: numeric flags.

#[test]
fn top_threads_and_min_confidence_are_checked_alike_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", postings(3));
    let doc = write(dir.path(), "doc.txt", VP);
    for command in [&["batch"][..], &["classify"], &["fit", "--title", "VP"]] {
        joblevel()
            .args(command)
            .args(["--top", "1000000000000"])
            .arg(if command[0] == "batch" { &input } else { &doc })
            .assert()
            .code(2)
            .stderr(contains("--top"));
    }
    for bad in ["2", "-5", "NaN", "50"] {
        for command in [&["batch"][..], &["fit", "--title", "VP"]] {
            joblevel()
                .args(command)
                .arg(format!("--min-confidence={bad}"))
                .arg(if command[0] == "batch" { &input } else { &doc })
                .assert()
                .code(2)
                .stderr(contains("probability"));
        }
    }
    joblevel()
        .args(["batch", "--threads", "0"])
        .arg(&input)
        .assert()
        .code(2);
    let start = std::time::Instant::now();
    joblevel()
        .args(["batch", "--threads", "10000"])
        .arg(&input)
        .assert()
        .code(0)
        .stderr(contains("--threads 10000 is more than 4 per core; using"));
    // Not a timing assertion on the run: a generous bound that 10,000 threads broke.
    assert!(start.elapsed().as_secs() < 60);
}

// Row 14: UTF-16.

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn utf16_with_a_byte_order_mark_is_read_and_without_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("id,description\r\n1,\"{VP} Région\"\r\n2,\"{HEAD}\"\r\n");
    let input = write(dir.path(), "utf16.csv", utf16le(&csv));
    let out = joblevel().args(["batch"]).arg(&input).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the input was UTF-16, the output is UTF-8"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 out");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].starts_with(&format!("1,\"{VP} Région\",vp,")),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",head,"));
    let doc = write(dir.path(), "doc.txt", utf16le(VP));
    joblevel()
        .arg("classify")
        .arg(&doc)
        .assert()
        .code(0)
        .stdout(contains("level:       vp"));
    let no_bom = write(dir.path(), "nobom.csv", &utf16le(&csv)[2..]);
    for command in ["batch", "classify"] {
        joblevel()
            .arg(command)
            .arg(&no_bom)
            .assert()
            .code(3)
            .stderr(contains("UTF-16 without a byte-order mark"));
    }
}

// Row 16: a column named twice.

#[test]
fn an_ambiguous_column_is_an_error_naming_it() {
    joblevel()
        .arg("batch")
        .write_stdin(format!("id,description,description\n1,\"{VP}\",x\n"))
        .assert()
        .code(3)
        .stdout("")
        .stderr(contains("2 columns named \"description\" (columns 2, 3)"));
    joblevel()
        .args(["batch", "--text-column", "description,description"])
        .write_stdin(format!("id,description\n1,\"{VP}\"\n"))
        .assert()
        .code(3)
        .stderr(contains("column \"description\" is given twice"));
}

// Row 17: NUL in a text field.

#[test]
fn a_nul_byte_in_the_text_is_binary_in_batch_as_in_classify() {
    joblevel()
        .args(["batch", "-"])
        .write_stdin(b"id,description\n1,\"Run\0 the shift\"\n2,Run the shift\n".to_vec())
        .assert()
        .code(7)
        .stdout(contains(
            "description\"\": input looks binary (NUL byte at offset 3), not text",
        ));
    joblevel()
        .args(["classify", "-"])
        .write_stdin(b"Run\0 the shift".to_vec())
        .assert()
        .code(3)
        .stderr(contains(
            "input looks binary (NUL byte at offset 3), not text",
        ));
}

// Row 19: more fields than the header.

#[test]
fn a_record_with_more_fields_than_the_header_says_what_became_of_them() {
    joblevel()
        .args(["batch", "-q", "-"])
        .write_stdin(format!("id,description\n1,\"{VP}\",extra\n"))
        .assert()
        .code(7)
        .stdout(
            contains("record has 3 fields, header has 2 (not scored")
                .and(contains("the extra fields are not written")),
        );
}

// Row 20: `-` and empty arguments.

#[test]
fn title_reads_stdin_for_dash_and_refuses_an_empty_title() {
    joblevel()
        .args(["title", ""])
        .assert()
        .code(3)
        .stderr(contains("the title is empty"));
    joblevel()
        .args(["title", "--format", "json", "-"])
        .write_stdin("Head of Operations\n\nVP, Sales\n")
        .assert()
        .code(0)
        .stdout(contains("\"level\":\"head\"").and(contains("\"level\":\"vp\"")));
}

// Every documented promise about bad input (docs/reliability.md, docs/batch.md), in one
// pass: empty, blank and binary input, bad UTF-8 with its offset, a missing file.

#[test]
fn readme_promises_about_bad_input_hold() {
    let cases: [(&[u8], i32, &str); 4] = [
        (b"", 3, "input is empty"),
        (b"  \n\t", 3, "no words"),
        (b"Run the shift \xff here", 3, "bad byte at offset 14"),
        (b"\x7fELF\x02\x01\x01\x00", 3, "NUL byte at offset 7"),
    ];
    for (input, code, message) in cases {
        joblevel()
            .args(["classify", "-"])
            .write_stdin(input.to_vec())
            .assert()
            .code(code)
            .stderr(contains(message));
    }
    joblevel()
        .args(["batch", "/no/such/file.csv"])
        .assert()
        .code(4)
        .stderr(contains("/no/such/file.csv"));
}

/// `joblevel classify` with no file on a terminal says it is waiting for the text, rather than
/// waiting silently. `script` (util-linux, in every Debian) gives it a terminal.
#[test]
fn reading_a_terminal_says_so_on_stderr() {
    use std::io::Read;
    let mut child = std::process::Command::new("script")
        .args(["-qec"])
        .arg(format!("{} classify", bin().display()))
        .arg("/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if seen.windows(8).any(|w| w == b"Ctrl-D o") {
                break;
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&seen).into_owned());
    });
    let seen = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.contains("reading the input from the terminal"),
        "{seen:?}"
    );
}

// Row 22: a test needing ../shared fails when it is missing under CI.

#[test]
#[ignore = "run by missing_shared_data_fails_under_ci_and_only_there"]
fn reads_the_dev_corpus() {
    let _ = common::shared_file("corpora/dev.csv");
}

#[test]
fn missing_shared_data_fails_under_ci_and_only_there() {
    let run = |ci: bool| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["reads_the_dev_corpus", "--exact", "--ignored"])
            .env("JOBLEVEL_SHARED_DIR", "/nonexistent/shared")
            .env_remove("JOBLEVEL_NEED_SHARED")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if ci {
            cmd.env("CI", "true");
        } else {
            cmd.env_remove("CI");
        }
        cmd.status().unwrap().success()
    };
    assert!(!run(true), "under CI a missing corpus fails the test");
    assert!(
        run(false),
        "on a developer's machine it is skipped, and says so"
    );
}
