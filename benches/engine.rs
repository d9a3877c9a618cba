//! Criterion benchmarks of the engine: one typical posting through each stage, and a small
//! batch. Run with `cargo bench --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use joblevel::{Basis, Classifier, batch, builtin, text};
use std::hint::black_box;

const POSTING: &str = include_str!("../corpora/director-operations.txt");

fn engine(c: &mut Criterion) {
    let classifier =
        Classifier::new(builtin::model("default").expect("built-in model")).with_top(3);
    let mut group = c.benchmark_group("posting");
    group.throughput(Throughput::Bytes(POSTING.len() as u64));
    group.bench_function("tokenize", |b| {
        b.iter(|| text::tokens(black_box(POSTING)).count())
    });
    group.bench_function("features", |b| {
        b.iter(|| classifier.model().values(black_box(POSTING)).len())
    });
    group.bench_function("classify", |b| {
        b.iter(|| classifier.classify(black_box(POSTING)).map(|p| p.level))
    });
    group.bench_function("classify_without_title", |b| {
        b.iter(|| {
            classifier
                .classify_without_title(black_box(POSTING), "Director of Operations")
                .map(|p| p.level)
        })
    });
    group.finish();

    let mut csv = String::from("id,title,description\n");
    for i in 0..500 {
        csv += &format!(
            "{i},Director of Operations,\"{}\"\n",
            POSTING.replace('"', "\"\"")
        );
    }
    let classifier = classifier.with_evidence_for_predicted_level_only();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.sample_size(20);
    group.bench_function("500 rows", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(csv.len() * 2);
            batch::run(
                &classifier,
                csv.as_bytes(),
                &mut out,
                &batch::Options::default(),
                |_, _| {},
            )
            .map(|s| s.rows)
        })
    });
    group.finish();
}

/// `unit` repeated to just under the 1 MiB a text may hold.
fn mebibyte_of(unit: &str) -> String {
    const SIZE: usize = (1 << 20) - 1;
    let mut t = unit.repeat(SIZE / unit.len() + 1);
    let mut cut = SIZE;
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    t.truncate(cut);
    t
}

/// The worst texts found for issue 20 next to plain postings of the same size, each answered
/// as `batch` answers a row without a title column (the named level read, the text scored
/// with it masked). `docs/reliability.md` gives the ratios measured with `joblevel batch`.
fn worst_case(c: &mut Criterion) {
    let classifier =
        Classifier::new(builtin::model("default").expect("built-in model")).with_top(3);
    let plain = mebibyte_of(
        &[
            POSTING,
            include_str!("../corpora/head-operations.txt"),
            include_str!("../corpora/vp-operations.txt"),
        ]
        .join("\n\n"),
    );
    let texts = [
        ("plain postings", plain),
        // A level word every three bytes, all in one hyphenated run.
        ("vp-vp-vp", mebibyte_of("vp-")),
        ("vp vp vp", mebibyte_of("vp ")),
        (
            "the issue's role mentions",
            mebibyte_of("As our VP you will report to the Head of Sales. "),
        ),
    ];
    let mut group = c.benchmark_group("worst case, 1 MiB");
    group.throughput(Throughput::Bytes(texts[0].1.len() as u64));
    group.sample_size(10);
    for (name, text) in &texts {
        group.bench_function(*name, |b| {
            b.iter(|| {
                classifier
                    .answer_by(black_box(text), None, Basis::Named)
                    .map(|a| a.level)
            })
        });
    }
    group.finish();
}

fn title(c: &mut Criterion) {
    c.bench_function("title::parse", |b| {
        b.iter(|| {
            joblevel::title::parse(black_box("Senior Director, Regional Operations (Remote)")).level
        })
    });
}

fn model_loading(c: &mut Criterion) {
    c.bench_function("load default model", |b| {
        b.iter(|| builtin::model("default").map(|m| m.feature_count()))
    });
}

criterion_group!(benches, engine, worst_case, title, model_loading);
criterion_main!(benches);
