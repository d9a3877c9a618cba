//! Criterion benchmarks of the engine: one typical posting through each stage, and a small
//! batch. Run with `cargo bench --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use joblevel::{Classifier, batch, builtin, text};
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

criterion_group!(benches, engine, title, model_loading);
criterion_main!(benches);
