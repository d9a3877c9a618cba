//! The page in a real browser: headless Chromium drives it over the DevTools protocol. It
//! fails, never skips, when Chromium is missing (`.ci/run` installs Debian's `chromium`).
//!
//! A screenshot is left at `target/serve-page.png` for a person to look at.

mod serve_support;

use headless_chrome::browser::tab::ModifierKey;
use headless_chrome::protocol::cdp::Browser::{
    SetDownloadBehavior, SetDownloadBehaviorBehaviorOption,
};
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use serve_support::Server;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Debian's package; `JOBLEVEL_CHROMIUM` points elsewhere.
fn chromium() -> PathBuf {
    let path = PathBuf::from(
        std::env::var("JOBLEVEL_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    );
    assert!(
        path.exists(),
        "{} is missing: install Chromium (apt-get install chromium, as .ci/run does) or set JOBLEVEL_CHROMIUM",
        path.display()
    );
    path
}

fn launch(profile: &Path) -> Browser {
    // The machine's network is closed: nothing that phones home, a fresh profile.
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile.to_path_buf()))
        .window_size(Some((1100, 1500)))
        .idle_browser_timeout(Duration::from_secs(120))
        .args(args)
        .build()
        .expect("launch options");
    Browser::new(options).expect("Chromium starts")
}

fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, false)
        .expect("script runs")
        .value
        .unwrap_or(Value::Null)
}

/// Polls a JavaScript condition until it holds (30 s at most).
fn wait_until(tab: &Tab, condition: &str) {
    let start = Instant::now();
    while eval(tab, condition) != Value::Bool(true) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {condition}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The text of the first element matching `selector` (as the DOM holds it, not as styled).
fn text_of(tab: &Tab, selector: &str) -> String {
    let js = format!(
        "document.querySelector({}).textContent",
        Value::from(selector)
    );
    eval(tab, &js).as_str().unwrap_or_default().to_string()
}

/// A head-level job written by the project, advertised as Director, with markup that must
/// never run.
const POSTING: &str = "Director of Operations\n\
Lakeside Parcel is hiring. You will supervise the day-to-day shift team on the warehouse floor, \
keep the rota, run the safety checks and count stock. You report to the Director of Operations.\n\
<script>window.__ran = 'script'</script><img src=x onerror=\"window.__ran = 'img'\">\n\
Two years on a warehouse floor and a forklift licence.";

#[test]
fn a_recruiter_checks_a_posting_and_scores_a_csv_in_chromium() {
    let server = Server::start(&["--quiet"]);
    let profile = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let browser = launch(profile.path());
    let tab = browser.new_tab().expect("a tab");
    tab.set_default_timeout(Duration::from_secs(30));
    tab.navigate_to(&server.url("/"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("body[data-ready]")
        .expect("the page's script ran");

    // Keyboard only: the title field, Tab to the text, paste, Ctrl+Enter.
    tab.find_element("#title").unwrap().focus().unwrap();
    tab.send_character("Director of Operations").unwrap();
    tab.press_key("Tab").unwrap();
    assert_eq!(eval(&tab, "document.activeElement.id"), "text");
    tab.send_character(POSTING).unwrap();
    tab.press_key_with_modifiers("Enter", Some(&[ModifierKey::Ctrl]))
        .unwrap();
    tab.wait_for_element("#result:not([hidden])")
        .expect("a result");

    assert_eq!(text_of(&tab, "#level"), "Director");
    let verdict = text_of(&tab, "#verdict");
    // The probability below director is the page's (the API's) figure; only its form is fixed.
    assert!(
        verdict.starts_with("titled Director, reads below it (0.9")
            && verdict.ends_with("): over-titled"),
        "{verdict}"
    );
    let marks: Value = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#highlighted mark')].map(m => \
         [m.className, m.dataset.term, m.textContent, m.title]))",
    );
    let marks: Vec<(String, String, String, String)> =
        serde_json::from_str(marks.as_str().unwrap()).unwrap();
    assert!(marks.len() >= 5, "{marks:?}");
    assert!(
        marks.iter().any(|(class, term, text, tip)| class == "head"
            && term == "cue:shift"
            && text.eq_ignore_ascii_case("shift")
            && tip.contains("cue:shift → head +")),
        "{marks:?}"
    );
    assert!(
        marks
            .iter()
            .all(|(class, ..)| ["head", "director", "vp"].contains(&class.as_str()))
    );
    assert_eq!(
        text_of(&tab, "#highlighted .named"),
        "Director of Operations"
    );
    let bars = eval(
        &tab,
        "[...document.querySelectorAll('#bars progress')].reduce((s, p) => s + p.value, 0)",
    );
    assert!((bars.as_f64().unwrap() - 1.0).abs() < 1e-6, "{bars}");
    // The markup in the posting shows as text and never ran.
    assert_eq!(eval(&tab, "window.__ran === undefined"), true);
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#highlighted img, #highlighted script').length"
        ),
        0
    );
    let shown = text_of(&tab, "#highlighted");
    assert!(
        shown.contains("<script>window.__ran = 'script'</script>") && shown.contains("<img src=x"),
        "{shown}"
    );

    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("a screenshot");
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("serve-page.png"), png).unwrap();

    // Upload a CSV, wait for the summary, download the scored file.
    let csv = downloads.path().join("postings.csv");
    std::fs::write(
        &csv,
        format!(
            "title,description\n\"VP, Operations\",\"Reporting to the CEO, you own the operational strategy of the company.\"\n\
             Head of Operations,\n\"Director of Operations\",\"{}\"\n",
            POSTING.replace('"', "\"\"")
        ),
    )
    .unwrap();
    tab.call_method(SetDownloadBehavior {
        behavior: SetDownloadBehaviorBehaviorOption::Allow,
        browser_context_id: None,
        download_path: Some(downloads.path().join("out").to_string_lossy().into_owned()),
        events_enabled: None,
    })
    .expect("downloads allowed");
    tab.find_element("#csv")
        .unwrap()
        .set_input_files(&[csv.to_str().unwrap()])
        .unwrap();
    tab.find_element("#upload").unwrap().click().unwrap();
    wait_until(
        &tab,
        "!document.getElementById('download').hidden || !document.getElementById('batch-error').hidden",
    );
    assert_eq!(text_of(&tab, "#batch-error"), "", "the upload failed");
    assert_eq!(
        text_of(&tab, "#batch-summary"),
        "3 rows: 2 scored, 1 failed (the reason is in the error column)"
    );
    tab.find_element("#download").unwrap().click().unwrap();
    let file = downloads.path().join("out").join("postings-scored.csv");
    let start = Instant::now();
    while !file.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let got = std::fs::read(&file).expect("the scored CSV was downloaded");
    let expected = std::process::Command::new(env!("CARGO_BIN_EXE_joblevel"))
        .args(["batch", "-q", csv.to_str().unwrap()])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(
        String::from_utf8(got).unwrap(),
        String::from_utf8(expected).unwrap()
    );
}
