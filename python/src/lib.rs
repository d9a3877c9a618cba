//! `joblevel._joblevel`: the Python bindings, re-exported by the `joblevel` package
//! (`python/joblevel/__init__.py`, typed in `__init__.pyi`).
//!
//! A thin layer: it turns Python values into texts, hands them to the library with the GIL
//! released, and turns the library's answers back into Python values. An answer's dict is
//! built field by field as the library's serde form of [`Answer`] reads (`answer_dict`), so
//! a dict from Python and a line from `joblevel classify --format json` are the same thing
//! (tests/test_cli_parity.py holds them to it); `fit` and `title` go through that JSON itself
//! (`serde_json` here, `json.loads` there). Columns (`classify_columns`) skip the dicts, and
//! the evidence, altogether.

use joblevel::answer::Described;
use joblevel::batch::{MAX_TEXT_BYTES, RowError};
use joblevel::error::InputError;
use joblevel::{Answer, Basis, Level, Model, Prediction, Rungs, builtin, fit};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyModule, PyString};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// The columns of [`Classifier::classify_columns`], in order, with the Python type of their
/// values (`None` in every column but `error` for a row that could not be scored).
const COLUMNS: [(&str, &str); 12] = [
    ("level", "str"),
    ("basis", "str"),
    ("named_level", "str"),
    ("named_title", "str"),
    ("described_level", "str"),
    ("confidence", "float"),
    ("score_individual", "float"),
    ("score_head", "float"),
    ("score_director", "float"),
    ("score_vp", "float"),
    ("score_executive", "float"),
    ("error", "str"),
];

/// One input row: the text and its title, or why it cannot be scored.
type Input = Result<(String, Option<String>), String>;

/// Scores job descriptions on the ladder individual < head < director < vp < executive.
///
/// `Classifier(model="default", top=5, levels="five")`: `model` is `"default"` (built in: the
/// source articles, the cue rules and weights learned from labelled postings), `"articles"`
/// (built in: the articles and cues only) or the path of a model file written by `joblevel
/// train -o`; `top` is the number of evidence terms kept per level; `levels` the rungs an
/// answer may take, as `--levels`: `"five"` (individual contributors, head, director, vp, the
/// C-suite) or `"three"` (head, director and vp only, for data that holds only leadership
/// postings). A level the model does not know or `levels` leaves out has probability 0.
/// Safe to share between threads; every scoring method releases the GIL while it works.
#[pyclass(frozen, module = "joblevel")]
struct Classifier {
    inner: joblevel::Classifier,
    /// The same model without evidence, for the columns, which have none: evidence for every
    /// rung costs more than the rest of the scoring.
    plain: joblevel::Classifier,
    model: String,
    levels: Rungs,
}

#[pymethods]
impl Classifier {
    #[new]
    #[pyo3(signature = (model = "default", top = 5, levels = "five"))]
    fn new(py: Python<'_>, model: &str, top: usize, levels: &str) -> PyResult<Classifier> {
        let rungs = parse_levels(levels)?;
        // Loaded twice (about 20 ms for the default model): `Model` is not `Clone`.
        let (loaded, again) =
            py.detach(|| Ok::<_, PyErr>((load_model(model)?, load_model(model)?)))?;
        Ok(Classifier {
            inner: joblevel::Classifier::new(loaded)
                .with_top(top)
                .with_rungs(rungs),
            plain: joblevel::Classifier::new(again)
                .with_top(0)
                .with_rungs(rungs),
            model: model.to_string(),
            levels: rungs,
        })
    }

    /// The model this classifier was built with, as given.
    #[getter]
    fn model(&self) -> &str {
        &self.model
    }

    /// The rungs asked for: `"five"` or `"three"`.
    #[getter]
    fn levels(&self) -> &'static str {
        self.levels.as_str()
    }

    /// The levels this classifier answers with, lowest first: the model's levels among the
    /// rungs asked for. The others are in every answer with probability 0.
    #[getter]
    fn answers(&self) -> Vec<&'static str> {
        self.inner.levels().map(Level::as_str).collect()
    }

    fn __repr__(&self) -> String {
        match self.levels {
            Rungs::Five => format!("joblevel.Classifier(model={:?})", self.model),
            rungs => format!(
                "joblevel.Classifier(model={:?}, levels={:?})",
                self.model,
                rungs.as_str()
            ),
        }
    }

    /// Both answers to one posting (plain text or HTML): the dict `joblevel classify --format
    /// json` prints. `level` is the level the posting names for itself (`named`: its title,
    /// read from the text, or `title` when given, which wins) when it names one, else the
    /// level its responsibilities describe (`described`, scored with the named title masked
    /// out); `basis` says which. `basis="described"` answers with the described level, as
    /// `--basis described` does. Raises `ValueError` when the text cannot be scored (empty,
    /// only punctuation, over `MAX_TEXT_BYTES`).
    #[pyo3(signature = (text, title = None, basis = "named"))]
    fn classify(
        &self,
        py: Python<'_>,
        text: &str,
        title: Option<&str>,
        basis: &str,
    ) -> PyResult<Py<PyAny>> {
        let basis = parse_basis(basis)?;
        let input = Ok((text.to_string(), title.map(str::to_string)));
        let answer = py
            .detach(|| score(&self.inner, &input, basis))
            .map_err(PyValueError::new_err)?;
        Ok(answer_dict(py, &answer, &mut Strings::fresh())?
            .into_any()
            .unbind())
    }

    /// Classifies many postings in parallel (rayon, GIL released): one dict per text, in
    /// order. A scored row is the dict `classify()` returns; a row that cannot be scored is
    /// `{"error": reason}` and the others are still scored. `texts` and `titles` are iterables
    /// of the same length (lists, pandas Series); a missing text (None, NaN) is a row error, a
    /// missing title means the title is read from the text. `threads`: worker threads (None:
    /// one per core). `basis` as in `classify`.
    #[pyo3(signature = (texts, titles = None, threads = None, basis = "named"))]
    fn classify_many(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        titles: Option<&Bound<'_, PyAny>>,
        threads: Option<usize>,
        basis: &str,
    ) -> PyResult<Py<PyAny>> {
        let basis = parse_basis(basis)?;
        let inputs = inputs(texts, titles)?;
        let results = score_all(py, &self.inner, &inputs, threads, basis)?;
        // The dicts are built here, with the GIL, straight from the answers: no JSON between.
        // Each answer is dropped as soon as its dict is made, while its memory is still in the
        // CPU's caches: dropping them all at the end took 0.03 s on 20,000 rows.
        let _paused = GcPaused::new(py)?;
        let mut strings = Strings::shared();
        let rows = results
            .into_iter()
            .map(|result| match result {
                Ok(answer) => answer_dict(py, &answer, &mut strings),
                Err(reason) => {
                    let row = PyDict::new(py);
                    row.set_item(intern!(py, "error"), reason)?;
                    Ok(row)
                }
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, rows)?.into_any().unbind())
    }

    /// Like `classify_many`, as columns: a dict of equal-length lists named by `COLUMNS`, which
    /// `pandas.DataFrame(...)` takes as it is. A row that cannot be scored has `None` in every
    /// column but `error`, which is `None` for a scored row. `confidence` and the scores
    /// (`score_individual` ... `score_executive`, one per rung, as `joblevel batch` writes
    /// them) are the described level's. Cheaper than `classify_many`: no per-row dicts.
    #[pyo3(signature = (texts, titles = None, threads = None, basis = "named"))]
    fn classify_columns(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        titles: Option<&Bound<'_, PyAny>>,
        threads: Option<usize>,
        basis: &str,
    ) -> PyResult<Py<PyAny>> {
        let basis = parse_basis(basis)?;
        let inputs = inputs(texts, titles)?;
        let results = score_all(py, &self.plain, &inputs, threads, basis)?;
        columns(py, &results)
    }

    /// Does `title` fit the level `text` describes? The dict `joblevel fit --format json`
    /// prints: the parsed title, the description's classification (title masked out), the
    /// verdict (`fits`, `over-titled`, `under-titled`, `title-not-a-level`, `uncertain`) and
    /// `min_confidence`; `sides` holds the probabilities that the described level lies below
    /// and above the title's, which the verdict is decided on (see `joblevel fit --help`).
    #[pyo3(signature = (title, text, min_confidence = fit::DEFAULT_MIN_CONFIDENCE))]
    fn fit(
        &self,
        py: Python<'_>,
        title: &str,
        text: &str,
        min_confidence: f64,
    ) -> PyResult<Py<PyAny>> {
        if !(0.0..=1.0).contains(&min_confidence) {
            return Err(PyValueError::new_err(format!(
                "min_confidence {min_confidence} is not a probability: give a number from 0 to 1"
            )));
        }
        let json = py
            .detach(|| {
                fit::assess(&self.inner, title, text, min_confidence).map(|f| {
                    serde_json::json!({
                        "title": f.title,
                        "description": Described(&f.prediction),
                        "verdict": f.verdict,
                        "sides": f.sides,
                        "min_confidence": min_confidence,
                    })
                    .to_string()
                })
            })
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        json_loads(py, &json)
    }
}

/// The level a job title names (individual, head, director, vp, executive, or None), its
/// function and the reason: the dict `joblevel title --format json` prints. A blank title
/// raises `ValueError`.
#[pyfunction]
fn title(py: Python<'_>, title: &str) -> PyResult<Py<PyAny>> {
    if title.trim().is_empty() {
        return Err(PyValueError::new_err("the title is empty"));
    }
    let json = serde_json::to_string(&joblevel::title::parse(title))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    json_loads(py, &json)
}

#[pymodule]
fn _joblevel(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Classifier>()?;
    m.add_function(wrap_pyfunction!(title, m)?)?;
    m.add("MODELS", builtin::NAMES.to_vec())?;
    m.add("MAX_TEXT_BYTES", MAX_TEXT_BYTES)?;
    m.add("COLUMNS", COLUMNS.to_vec())?;
    m.add("LEVELS", Level::ALL.map(Level::as_str).to_vec())?;
    Ok(())
}

/// `default`, `articles`, or a model file written by `joblevel train -o`.
fn load_model(spec: &str) -> PyResult<Model> {
    match builtin::model(spec) {
        Some(model) => Ok(model),
        None => Model::load(Path::new(spec)).map_err(|e| PyValueError::new_err(e.to_string())),
    }
}

/// `"five"` or `"three"`, as `--levels`.
fn parse_levels(levels: &str) -> PyResult<Rungs> {
    match levels {
        "five" => Ok(Rungs::Five),
        "three" => Ok(Rungs::Three),
        _ => Err(PyValueError::new_err(format!(
            "levels {levels:?}: expected \"five\" (individual, head, director, vp, executive) \
             or \"three\" (head, director, vp)"
        ))),
    }
}

/// `"named"` or `"described"`.
fn parse_basis(basis: &str) -> PyResult<Basis> {
    match basis {
        "named" => Ok(Basis::Named),
        "described" => Ok(Basis::Described),
        _ => Err(PyValueError::new_err(format!(
            "basis {basis:?}: expected \"named\" or \"described\""
        ))),
    }
}

/// Answers one row; a row that cannot be scored gets the reason `joblevel batch` writes.
fn score(classifier: &joblevel::Classifier, input: &Input, basis: Basis) -> Result<Answer, String> {
    let (text, title) = input.as_ref().map_err(Clone::clone)?;
    if text.len() > MAX_TEXT_BYTES {
        return Err(RowError::from(InputError::TooLong {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        })
        .to_string());
    }
    classifier
        .answer_by(text, title.as_deref(), basis)
        .map_err(|e| RowError::from(e).to_string())
}

/// Answers every row in parallel (rayon, on `threads` threads), the GIL released.
fn score_all(
    py: Python<'_>,
    classifier: &joblevel::Classifier,
    inputs: &[Input],
    threads: Option<usize>,
    basis: Basis,
) -> PyResult<Vec<Result<Answer, String>>> {
    py.detach(|| {
        in_pool(threads, || {
            inputs
                .par_iter()
                .map(|input| score(classifier, input, basis))
                .collect()
        })
    })
}

/// The dict `joblevel classify --format json` prints for `answer` (the library's serde form
/// of [`Answer`]), built field by field with interned keys: no JSON text between, which made
/// half the cost of `classify_many`. The CLI parity tests (tests/test_cli_parity.py) hold it
/// to the CLI's JSON, key order included. The evidence terms, titles and reasons come from
/// `strings`.
fn answer_dict<'py>(
    py: Python<'py>,
    answer: &Answer,
    strings: &mut Strings<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "level"), level_name(py, answer.level))?;
    d.set_item(intern!(py, "basis"), basis_name(py, answer.basis))?;
    match &answer.named {
        Some(n) => {
            let named = PyDict::new(py);
            named.set_item(intern!(py, "level"), level_name(py, n.level))?;
            named.set_item(intern!(py, "title"), strings.get(py, &n.title))?;
            named.set_item(intern!(py, "start"), n.start)?;
            named.set_item(intern!(py, "end"), n.end)?;
            named.set_item(intern!(py, "reason"), strings.get(py, &n.reason))?;
            d.set_item(intern!(py, "named"), named)?;
        }
        None => d.set_item(intern!(py, "named"), py.None())?,
    }
    d.set_item(
        intern!(py, "described"),
        described_dict(py, &answer.described, strings)?,
    )?;
    d.set_item(intern!(py, "note"), answer.note.as_deref())?;
    d.set_item(intern!(py, "unnamed"), answer.unnamed.as_deref())?;
    Ok(d)
}

/// A prediction as `answer::Described` serialises it: probabilities and scores keyed by
/// level, every level present; the f32 scores and weights widened to f64, as the CLI's JSON
/// (through `serde_json::Value`) prints them.
fn described_dict<'py>(
    py: Python<'py>,
    p: &Prediction,
    strings: &mut Strings<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let by_level = |values: [f64; Level::COUNT]| -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for l in Level::ALL {
            d.set_item(level_name(py, l), values[l.index()])?;
        }
        Ok(d)
    };
    let d = PyDict::new(py);
    d.set_item(intern!(py, "level"), level_name(py, p.level))?;
    d.set_item(intern!(py, "confidence"), p.confidence)?;
    d.set_item(intern!(py, "probabilities"), by_level(p.probabilities)?)?;
    d.set_item(intern!(py, "scores"), by_level(p.scores.map(f64::from))?)?;
    let evidence = p
        .evidence
        .iter()
        .map(|e| {
            let item = PyDict::new(py);
            item.set_item(intern!(py, "level"), level_name(py, e.level))?;
            item.set_item(intern!(py, "term"), strings.get(py, &e.term))?;
            item.set_item(intern!(py, "count"), e.count)?;
            item.set_item(intern!(py, "weight"), f64::from(e.weight))?;
            Ok(item)
        })
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item(intern!(py, "evidence"), PyList::new(py, evidence)?)?;
    Ok(d)
}

/// Python strs for the strings that recur from row to row (evidence terms, titles, reasons):
/// one object per distinct string within one call, shared by every row that has it, rather
/// than one per row. The vocabulary is finite, so 20,000 rows with 25 evidence terms each
/// hold a few hundred strs rather than 500,000. `fresh()` shares nothing (one answer).
struct Strings<'py> {
    made: Option<HashMap<String, Bound<'py, PyString>>>,
}

impl<'py> Strings<'py> {
    fn shared() -> Strings<'py> {
        Strings {
            made: Some(HashMap::new()),
        }
    }

    fn fresh() -> Strings<'py> {
        Strings { made: None }
    }

    fn get(&mut self, py: Python<'py>, s: &str) -> Bound<'py, PyString> {
        let Some(made) = &mut self.made else {
            return PyString::new(py, s);
        };
        if let Some(made) = made.get(s) {
            return made.clone();
        }
        let new = PyString::new(py, s);
        made.insert(s.to_string(), new.clone());
        new
    }
}

/// Python's cyclic garbage collector, paused while many dicts are made and started again
/// (if it ran before) when dropped. The rows hold no cycles, but each new container counts
/// towards the next collection, and the full collections a big result sets off scan every
/// row made so far: a fifth of `classify_many`'s time on 20,000 rows.
struct GcPaused<'py> {
    gc: Bound<'py, PyModule>,
    was_enabled: bool,
}

impl<'py> GcPaused<'py> {
    fn new(py: Python<'py>) -> PyResult<GcPaused<'py>> {
        let gc = py.import("gc")?;
        let was_enabled = gc.call_method0("isenabled")?.is_truthy()?;
        if was_enabled {
            gc.call_method0("disable")?;
        }
        Ok(GcPaused { gc, was_enabled })
    }
}

impl Drop for GcPaused<'_> {
    fn drop(&mut self) {
        if self.was_enabled {
            // `gc.enable()` cannot fail; were it to, the collector staying off is no reason
            // to lose the rows.
            let _ = self.gc.call_method0("enable");
        }
    }
}

/// A level's name as an interned Python str: one object per rung, shared by every answer.
fn level_name(py: Python<'_>, level: Level) -> &Bound<'_, PyString> {
    match level {
        Level::Individual => intern!(py, "individual"),
        Level::Head => intern!(py, "head"),
        Level::Director => intern!(py, "director"),
        Level::Vp => intern!(py, "vp"),
        Level::Executive => intern!(py, "executive"),
    }
}

fn basis_name(py: Python<'_>, basis: Basis) -> &Bound<'_, PyString> {
    match basis {
        Basis::Named => intern!(py, "named"),
        Basis::Described => intern!(py, "described"),
    }
}

/// The columnar result: one list per column of [`COLUMNS`], one entry per row;
/// `pandas.DataFrame` takes it as it is.
fn columns(py: Python<'_>, results: &[Result<Answer, String>]) -> PyResult<Py<PyAny>> {
    let out = pyo3::types::PyDict::new(py);
    out.set_item("level", column(py, results, |a| Some(a.level.as_str()))?)?;
    out.set_item("basis", column(py, results, |a| Some(a.basis.as_str()))?)?;
    let named_level = column(py, results, |a| a.named.as_ref().map(|n| n.level.as_str()))?;
    out.set_item("named_level", named_level)?;
    let named_title = column(py, results, |a| a.named.as_ref().map(|n| n.title.as_str()))?;
    out.set_item("named_title", named_title)?;
    let described_level = column(py, results, |a| Some(a.described.level.as_str()))?;
    out.set_item("described_level", described_level)?;
    let confidence = column(py, results, |a| Some(a.described.confidence))?;
    out.set_item("confidence", confidence)?;
    for l in Level::ALL {
        let scores = column(py, results, |a| {
            Some(f64::from(a.described.scores[l.index()]))
        })?;
        out.set_item(format!("score_{l}"), scores)?;
    }
    let errors = results.iter().map(|r| r.as_ref().err().map(String::as_str));
    out.set_item("error", PyList::new(py, errors)?)?;
    debug_assert_eq!(out.len(), COLUMNS.len());
    Ok(out.into_any().unbind())
}

/// One column: `value` of each scored row, `None` for a row that failed.
fn column<'py, T: IntoPyObject<'py> + 'py>(
    py: Python<'py>,
    results: &'py [Result<Answer, String>],
    value: impl Fn(&'py Answer) -> Option<T>,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, results.iter().map(|r| r.as_ref().ok().and_then(&value)))
}

/// Reads the rows: `texts` and `titles` are iterables (lists, tuples, pandas Series) of the
/// same length. A value that is not text becomes that row's error, never an exception for the
/// whole call; a missing title (None, NaN) means no title.
fn inputs(texts: &Bound<'_, PyAny>, titles: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Input>> {
    let strings =
        |what: &str, values: &Bound<'_, PyAny>| -> PyResult<Vec<Result<Option<String>, String>>> {
            if values.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(format!(
                    "{what} must be an iterable of str (a list, a pandas Series...), not one str"
                )));
            }
            values
                .try_iter()?
                .map(|item| Ok(string(what, &item?)))
                .collect()
        };
    let texts = strings("texts", texts)?;
    let titles = match titles.filter(|t| !t.is_none()) {
        Some(titles) => strings("titles", titles)?,
        None => vec![Ok(None); texts.len()],
    };
    if titles.len() != texts.len() {
        return Err(PyValueError::new_err(format!(
            "{} texts but {} titles: give one title per text (None where there is none)",
            texts.len(),
            titles.len()
        )));
    }
    Ok(texts
        .into_iter()
        .zip(titles)
        .map(|(text, title)| match (text?, title?) {
            (None, _) => Err("text is missing (None or NaN)".to_string()),
            (Some(text), title) => Ok((text, title)),
        })
        .collect())
}

/// A str as a Rust string, `None` for a missing value (None, NaN, pandas.NA), or why not.
fn string(what: &str, value: &Bound<'_, PyAny>) -> Result<Option<String>, String> {
    let what = what.trim_end_matches('s');
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Some(s.into_owned()))
            .map_err(|_| format!("{what} is not valid UTF-8 (it holds a lone surrogate)"));
    }
    if value.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Ok(None);
    }
    let type_name = value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string());
    if type_name == "NAType" {
        return Ok(None);
    }
    Err(format!("{what} is {type_name}, not str"))
}

/// Runs `work` on the global rayon pool, or on a pool of `threads` threads.
fn in_pool<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    match threads {
        None => Ok(work()),
        Some(0) => Err(PyValueError::new_err(
            "threads must be at least 1 (or None for one per core)",
        )),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| pool.install(work))
            .map_err(|e| PyValueError::new_err(format!("cannot start {n} threads: {e}"))),
    }
}

fn json_loads(py: Python<'_>, json: &str) -> PyResult<Py<PyAny>> {
    Ok(py
        .import("json")?
        .getattr("loads")?
        .call1((json,))?
        .unbind())
}
