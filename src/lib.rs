//! joblevel: says whether a job description describes a Head, a Director or a VP level role,
//! how sure it is, and why.
//!
//! The pipeline runs one way: [`text`] (tokens, stop words, stems) -> [`features`] (stems,
//! bigrams, cue phrases) -> [`model`] (per-level weights) -> [`classify`] (scores,
//! probabilities, evidence). [`train`] builds models from `training/` and labelled postings;
//! [`title`], [`named`] (the level a posting names for itself), [`fit`], [`answer`] (named and
//! described level side by side), [`batch`] and [`eval`] are built on top.
//!
//! ```
//! use joblevel::{builtin, Classifier, Level};
//! let classifier = Classifier::new(builtin::model("default").unwrap());
//! let p = classifier.classify("Supervise the day-to-day shift team on the warehouse floor.").unwrap();
//! assert!(Level::ALL.contains(&p.level) && p.confidence > 0.33);
//! ```
#![forbid(unsafe_code)]

pub mod answer;
pub mod batch;
pub mod builtin;
pub mod classify;
pub mod columns;
pub mod error;
pub mod eval;
pub mod features;
pub mod fit;
pub mod labelled;
mod level;
pub mod model;
pub mod named;
pub mod settings;
pub mod spans;
pub mod text;
pub mod title;
pub mod train;

pub use answer::{Answer, Basis};
pub use classify::{Classifier, Evidence, Prediction};
pub use error::{Error, InputError};
pub use level::{Level, PerLevel, Rungs, UnknownLevel};
pub use model::Model;
pub use named::{NamedLevel, NoNamedLevel};
