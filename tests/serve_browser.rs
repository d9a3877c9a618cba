//! The page in a real browser: headless Chromium drives it over the DevTools protocol. It
//! fails, never skips, when Chromium is missing (`.ci/run` installs Debian's `chromium`).
//!
//! Screenshots are left at `target/serve-page.png` (and `serve-page-individual.png`, a
//! five-rung model's answer) for a person to look at.

mod common;
mod serve_support;

use headless_chrome::browser::tab::ModifierKey;
use headless_chrome::protocol::cdp::Browser::{
    SetDownloadBehavior, SetDownloadBehaviorBehaviorOption,
};
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use serde_json::json;
use serve_support::{Server, post_json};
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

/// The ladder, lowest first.
const RUNGS: [&str; 5] = ["individual", "head", "director", "vp", "executive"];

/// What the page says under the level when it is none of the three.
const INDIVIDUAL_WORDS: &str =
    "not a Head, Director or VP role: reads as an individual contributor";
const EXECUTIVE_WORDS: &str =
    "not a Head, Director or VP role: above VP, reads as C-suite (executive)";

/// The rungs the page draws a bar for, lowest first.
fn bars_shown(tab: &Tab) -> Vec<String> {
    let ids = eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('#bars progress')].map(p => p.id))",
    );
    serde_json::from_str::<Vec<String>>(ids.as_str().unwrap())
        .unwrap()
        .into_iter()
        .map(|id| id.trim_start_matches("bar-").to_string())
        .collect()
}

/// The rungs an API answer gives a probability above 0, lowest first.
fn rungs_answered(answer: &Value) -> Vec<String> {
    RUNGS
        .iter()
        .filter(|r| answer["described"]["probabilities"][**r].as_f64().unwrap() > 0.0)
        .map(|r| r.to_string())
        .collect()
}

/// Leaves a screenshot of the page at `target/NAME` for a person to look at.
fn screenshot(tab: &Tab, name: &str) {
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("a screenshot");
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join(name), png).unwrap();
}

/// Opens the page in a new tab of `browser`, once its script has run.
fn open_page(browser: &Browser, server: &Server) -> std::sync::Arc<Tab> {
    let tab = browser.new_tab().expect("a tab");
    tab.set_default_timeout(Duration::from_secs(30));
    tab.navigate_to(&server.url("/"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("body[data-ready]")
        .expect("the page's script ran");
    tab
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
    let tab = open_page(&browser, &server);

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
            .all(|(class, ..)| RUNGS.contains(&class.as_str()))
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
    let typed = eval(&tab, "document.getElementById('text').value");
    let (_, answer) = post_json(
        &server.url("/api/classify"),
        &json!({ "text": typed, "title": "Director of Operations" }),
    );
    assert_eq!(bars_shown(&tab), rungs_answered(&answer));
    assert!(eval(&tab, "document.getElementById('outside').hidden") == true);
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

    screenshot(&tab, "serve-page.png");

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

/// A barista's posting, written by the project (also in tests/data/five_rungs.csv).
const BARISTA: &str = "Make coffee for customers, keep the bar clean and take payments at the \
                       till. You report to the shift supervisor.";

#[test]
fn the_page_says_in_words_when_a_posting_is_no_head_director_or_vp_role() {
    // A model that answers on five rungs, whatever the shipped one knows.
    let dir = tempfile::tempdir().unwrap();
    let model = common::five_rung_model(dir.path());
    let server = Server::start(&["--quiet", "--model", model.to_str().unwrap()]);
    let profile = tempfile::tempdir().unwrap();
    let browser = launch(profile.path());
    let tab = open_page(&browser, &server);

    // Keyboard only, as a recruiter: title, Tab, the posting, Ctrl+Enter.
    tab.find_element("#title").unwrap().focus().unwrap();
    tab.send_character("Head of Operations").unwrap();
    tab.press_key("Tab").unwrap();
    tab.send_character(BARISTA).unwrap();
    tab.press_key_with_modifiers("Enter", Some(&[ModifierKey::Ctrl]))
        .unwrap();
    tab.wait_for_element("#result:not([hidden])")
        .expect("a result");

    // What the page must say follows from what the API answers for the same posting.
    let body = json!({ "text": BARISTA, "title": "Head of Operations" });
    let (_, answer) = post_json(&server.url("/api/classify"), &body);
    let (_, fit) = post_json(&server.url("/api/fit"), &body);
    assert_eq!(answer["basis"], "named", "{answer}");
    assert_eq!(text_of(&tab, "#level"), "Head");
    assert_eq!(bars_shown(&tab), RUNGS, "a five-rung model has five bars");
    let verdict = text_of(&tab, "#verdict");
    let described = fit["description"]["level"].as_str().unwrap();
    assert!(
        verdict.starts_with("titled Head, ")
            && verdict.ends_with(&format!(": {}", fit["verdict"].as_str().unwrap())),
        "{verdict}"
    );
    if fit["verdict"] == "over-titled" && described == "individual" {
        assert!(
            verdict.contains(", most likely an individual contributor)"),
            "{verdict}"
        );
    }

    // Without the title, the described level answers: the barista's posting the model was
    // trained on reads as an individual contributor, which the page says in words.
    tab.evaluate("document.getElementById('title').value = ''", false)
        .unwrap();
    tab.find_element("#check").unwrap().click().unwrap();
    let (_, answer) = post_json(&server.url("/api/classify"), &json!({ "text": BARISTA }));
    assert_eq!(answer["level"], "individual", "{answer}");
    wait_until(
        &tab,
        "document.getElementById('level').textContent === 'Individual'",
    );
    assert_eq!(text_of(&tab, "#outside"), INDIVIDUAL_WORDS);
    assert_eq!(
        eval(&tab, "document.getElementById('verdict').hidden"),
        true
    );
    screenshot(&tab, "serve-page-individual.png");

    // The same page with answers the model may not give (stubbed, as the API shapes them):
    // a chief executive's, and an answer among three rungs (`serve --levels three`), whose
    // outer rungs have probability 0 and no bar.
    let rungs = |p: [f64; 5]| -> Value {
        RUNGS
            .iter()
            .zip(p)
            .map(|(r, p)| (r.to_string(), json!(p)))
            .collect()
    };
    let described = |level: &str, p: [f64; 5]| {
        json!({ "level": level, "confidence": 0.6, "probabilities": rungs(p),
                "scores": rungs([0.0; 5]), "evidence": [] })
    };
    let chief = described("executive", [0.01, 0.02, 0.07, 0.30, 0.60]);
    let stub = json!({ "level": "executive", "basis": "described", "named": null,
                       "described": chief, "note": null, "unnamed": "none" });
    let fit = json!({ "title": { "level": "vp", "function": null, "reason": "a rule" },
                      "description": chief, "verdict": "under-titled",
                      "sides": { "below": 0.10, "above": 0.60 }, "min_confidence": 0.5 });
    eval(&tab, &format!("render('A posting', 'VP', {stub}, {fit})"));
    assert_eq!(text_of(&tab, "#level"), "Executive");
    assert_eq!(text_of(&tab, "#outside"), EXECUTIVE_WORDS);
    assert_eq!(
        text_of(&tab, "#verdict"),
        "titled VP, reads above it (0.60, most likely C-suite (executive)): under-titled"
    );
    let three = described("director", [0.0, 0.20, 0.60, 0.20, 0.0]);
    let stub = json!({ "level": "director", "basis": "described", "named": null,
                       "described": three, "note": null, "unnamed": null });
    eval(&tab, &format!("render('A posting', '', {stub}, null)"));
    assert_eq!(bars_shown(&tab), ["head", "director", "vp"]);
    assert_eq!(
        eval(&tab, "document.getElementById('outside').hidden"),
        true
    );
    let labels = eval(
        &tab,
        "[...document.querySelectorAll('#bars label')].map(l => l.textContent).join(',')",
    );
    assert_eq!(labels, "Head,Director,VP");
}
