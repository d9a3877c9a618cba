//! Every stage costs in proportion to its input, whatever the input (issue 20).
//!
//! Pathological texts (many mentions of every rung, many level words, long runs without spaces, thousands of
//! lines, many commas) of 16 KiB and of 128 KiB go through each stage on its own: the named
//! reader, the title masking, the scorer with its cues, and the evidence spans. Eight times the
//! text may cost at most [`MAX_GROWTH`] times as much: linear work costs eight times, work that
//! scans the text again for each mention sixty-four. Times are compared within one run, never
//! against a constant: each is the best of five runs, so a busy machine slows both sizes.
//!
//! And at the larger size, the whole answer for each text (the named level, the masked text
//! scored) costs at most [`MAX_OVER_PLAIN`] times what a posting of that size costs.

use joblevel::{Basis, Classifier, builtin, named, spans, text};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SMALL: usize = 16 << 10;
const LARGE: usize = 128 << 10;

/// Eight times the input, linear work: 8. Quadratic work: 64.
const MAX_GROWTH: f64 = 24.0;

/// What a pathological text may cost against a posting of its size, the whole answer (the
/// named level, the masked text scored). The target is 10 with the release build, measured
/// with `joblevel batch`; the tests build their dependencies unoptimised, hence the margin.
const MAX_OVER_PLAIN: f64 = 20.0;

/// A text of `len` bytes (at most), made of `unit` repeated.
fn repeated(unit: &str, len: usize) -> String {
    let mut t = unit.repeat(len / unit.len() + 1);
    let mut cut = len.min(t.len());
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    t.truncate(cut);
    t
}

/// The pathological texts, by what makes them so: `(name, text of about n bytes)`.
fn texts(n: usize) -> Vec<(&'static str, String)> {
    let units = [
        (
            "repeated role mentions (the issue's)",
            "As our VP you will report to the Head of Sales. ",
        ),
        ("a level word every three bytes", "vp "),
        ("one hyphenated run of level words", "vp-"),
        ("level words and commas", "Director, "),
        ("a title on every line", "Director\n"),
        ("a self-reference every seven bytes", "As VP. "),
        ("long capitalised titles", "Head of the Head of the "),
        ("parentheses never closed", "As our VP ("),
        ("title fields", "Title: VP\n"),
        ("operations managers", "Operations Manager, "),
        ("full stops without spaces", "a."),
        ("stray tag openings", "<a"),
        (
            "cue phrases",
            "reports directly to the ceo, hands-on, day to day ",
        ),
        ("no-break spaces", "Senior\u{a0}Director "),
        (
            "an individual's self-reference every 19 bytes",
            "As a Data Analyst. ",
        ),
        ("capitalised role nouns", "Engineer "),
        ("C-suite words in a hyphenated run", "chief-"),
        ("C-suite phrases", "The CEO will. "),
    ];
    let mut out: Vec<(&'static str, String)> = units
        .iter()
        .map(|(name, unit)| (*name, repeated(unit, n)))
        .collect();
    out.push((
        "blank lines, then titles",
        "\n".repeat(n / 2) + &repeated("Director\n", n / 2),
    ));
    out.push((
        "one self-reference, then other roles",
        "As our VP of Sales you lead. ".to_string() + &repeated("the Director text ", n),
    ));
    out.push((
        "mentions, then trailing spaces",
        repeated("The Director will lead. ", n / 2) + &" ".repeat(n / 2),
    ));
    out.push((
        "one line without spaces, then a title",
        "x".repeat(n) + " Director",
    ));
    out
}

/// The best of five runs of `work`.
fn cost(mut work: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// One stage of the work on a text.
type Stage<'a> = &'a dyn Fn(&str);

/// One test: the tests of one file run side by side, and each would slow the other.
#[test]
fn work_grows_with_the_text_and_stays_near_what_a_posting_costs() {
    each_stage_costs_in_proportion_to_its_input();
    no_text_costs_far_more_than_a_posting_of_its_size();
    a_given_title_costs_in_proportion_to_it_and_the_text();
}

/// A title given with the text (`fit`, `serve`, the Python package) is looked for in the
/// text. A title that starts with a long run of its rarest letter, in a text of that letter,
/// is a near miss at every byte: eight times both may cost eight times, not sixty-four.
fn a_given_title_costs_in_proportion_to_it_and_the_text() {
    let classifier = Classifier::new(builtin::model("default").expect("the built-in model"));
    let case = |n: usize| {
        let title = format!("{} VP", "z".repeat(n / 8));
        (title, "z".repeat(n))
    };
    let ((ts, s), (tl, l)) = (case(SMALL), case(LARGE));
    let answer = |text: &str, title: &str| {
        black_box(
            classifier
                .answer_by(text, Some(title), Basis::Named)
                .is_ok(),
        );
    };
    let (a, b) = (cost(|| answer(&s, &ts)), cost(|| answer(&l, &tl)));
    let growth = b.as_secs_f64() / a.as_secs_f64().max(1e-6);
    assert!(
        growth <= MAX_GROWTH,
        "a given title: {a:?} for {} bytes, {b:?} for {} ({growth:.1} times)",
        s.len() + ts.len(),
        l.len() + tl.len()
    );
}

fn each_stage_costs_in_proportion_to_its_input() {
    let classifier = Classifier::new(builtin::model("default").expect("the built-in model"));
    let model = builtin::model("default").expect("the built-in model");
    let cue_terms: Vec<String> = model
        .cues()
        .iter()
        .map(|c| format!("cue:{}", c.name))
        .collect();
    let mut terms: Vec<&str> = cue_terms.iter().map(String::as_str).collect();
    terms.extend(["oper", "day day", "director"]);
    let stages: [(&str, Stage); 4] = [
        ("the named reader", &|t| {
            black_box(named::read(t).is_ok());
        }),
        ("the title masking", &|t| {
            black_box(text::title_mentions(t, "Director of Operations, VP").len());
            black_box(text::mask_title(t, "VP").len());
        }),
        ("the scorer and its cues", &|t| {
            black_box(classifier.answer_by(t, None, Basis::Named).is_ok());
        }),
        ("the evidence spans", &|t| {
            let mask = text::title_mentions(t, "Director");
            black_box(spans::find_masked(&model, t, &mask, &terms).len());
        }),
    ];
    let (small, large) = (texts(SMALL), texts(LARGE));
    let mut failures = Vec::new();
    for ((name, s), (_, l)) in small.iter().zip(&large) {
        for (stage, work) in &stages {
            let (a, b) = (cost(|| work(s)), cost(|| work(l)));
            let growth = b.as_secs_f64() / a.as_secs_f64().max(1e-6);
            if growth > MAX_GROWTH {
                failures.push(format!(
                    "{stage} on {name}: {a:?} for {} bytes, {b:?} for {} ({growth:.1} times)",
                    s.len(),
                    l.len()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "work grows faster than the text:\n{}",
        failures.join("\n")
    );
}

/// Postings as they come, repeated to `len` bytes: what a text of that size costs when
/// nothing in it is made to be slow.
fn plain(len: usize) -> String {
    let postings = [
        include_str!("../corpora/director-operations.txt"),
        include_str!("../corpora/head-operations.txt"),
        include_str!("../corpora/vp-operations.txt"),
    ];
    repeated(&postings.join("\n\n"), len)
}

fn no_text_costs_far_more_than_a_posting_of_its_size() {
    let classifier = Classifier::new(builtin::model("default").expect("the built-in model"));
    let answer = |t: &str| {
        black_box(classifier.answer_by(t, None, Basis::Named).is_ok());
    };
    let base = cost(|| answer(&plain(LARGE)));
    let mut failures = Vec::new();
    for (name, t) in texts(LARGE) {
        let c = cost(|| answer(&t));
        let ratio = c.as_secs_f64() / base.as_secs_f64().max(1e-6);
        if ratio > MAX_OVER_PLAIN {
            failures.push(format!(
                "{name}: {c:?}, {ratio:.1} times a posting's {base:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
