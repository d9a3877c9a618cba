//! The JSON endpoints: thin handlers over the library, answering the shapes `--format json`
//! prints, plus the byte spans of each evidence term for highlighting.

use super::State;
use super::error::ApiError;
use axum::extract::{FromRequest, Request, rejection::JsonRejection};
use axum::http::StatusCode;
use axum::{Json, extract};
use joblevel::batch::MAX_TEXT_BYTES;
use joblevel::{Basis, InputError, Level, Prediction, fit, spans, text, title};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

/// Most evidence terms per level a request may ask for.
pub const MAX_TOP: usize = 20;

/// Texts up to this size are scored on the request's own task (tens of microseconds); longer
/// ones go to the bounded blocking pool so they cannot stall the event loop.
const INLINE_BYTES: usize = 32 << 10;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyRequest {
    text: String,
    title: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    top: Option<u64>,
    /// Which answer `level` gives, as `classify --basis`: `named` (default) or `described`.
    basis: Option<Basis>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitRequest {
    text: String,
    title: String,
    #[serde(default, deserialize_with = "whole_number")]
    top: Option<u64>,
    min_confidence: Option<f64>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleRequest {
    title: String,
}

/// A count written as any JSON number with no fraction: JSON Schema, and so the OpenAPI
/// document and the clients generated from it, take `8.0` for the integer 8 (a Python or
/// JavaScript client may well send it so), where serde's integers refuse it.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(f))
            .map(|f| f as u64)
    });
    whole
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number of 0 or more")))
}

/// `Json` whose rejections are [`ApiError`]s: 400 bad JSON or field, 415 not JSON, 413 too big.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(e) => ApiError::bad_field(e.body_text()),
                JsonRejection::JsonSyntaxError(e) => {
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_json", e.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the request as JSON, with Content-Type: application/json",
                ),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!(
                        "request body over the {} MiB limit for one posting",
                        super::JSON_LIMIT >> 20
                    ),
                ),
                other => ApiError::new(other.status(), "bad_request", other.body_text()),
            }),
        }
    }
}

/// Usable text: not over a posting's size, not empty, not binary, has words.
fn check_text(text: &str) -> Result<(), ApiError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(InputError::TooLong {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        }
        .into());
    }
    text::decode(text.as_bytes())?;
    Ok(())
}

fn check_top(top: Option<u64>) -> Result<usize, ApiError> {
    match top.unwrap_or(5) {
        n if n <= MAX_TOP as u64 => Ok(n as usize),
        n => Err(ApiError::bad_field(format!(
            "top is {n}: give 0 to {MAX_TOP} evidence terms per level"
        ))),
    }
}

/// Runs `work` inline for a short text, else on the blocking pool behind its semaphore.
async fn score<T: Send + 'static>(
    state: &Arc<State>,
    len: usize,
    work: impl FnOnce(&State) -> T + Send + 'static,
) -> Result<T, ApiError> {
    if len <= INLINE_BYTES {
        return Ok(work(state));
    }
    let _permit = state
        .heavy
        .acquire()
        .await
        .map_err(|_| ApiError::from_status(StatusCode::SERVICE_UNAVAILABLE))?;
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || work(&state))
        .await
        .map_err(|_| ApiError::from_status(StatusCode::INTERNAL_SERVER_ERROR))
}

/// Keeps the `top` strongest evidence items per level (evidence is grouped by level, strongest
/// first, so this is what a classifier with that `top` reports).
fn keep_top(p: &mut Prediction, top: usize) {
    let mut kept = [0usize; Level::COUNT];
    p.evidence.retain(|e| {
        kept[e.level.index()] += 1;
        kept[e.level.index()] <= top
    });
}

/// Adds `spans` to each item of a JSON evidence list: the `[start, end)` byte ranges of its
/// matches in `text`, outside the mentions of `masked`, the title the scorer did not read.
fn add_spans(state: &State, evidence: Option<&mut Value>, text: &str, masked: Option<&str>) {
    let Some(items) = evidence.and_then(Value::as_array_mut) else {
        return;
    };
    // As `Classifier::classify_without_title`: a text that is only its title is read whole.
    let mask = masked
        .filter(|t| text::check_not_blank(&text::mask_title(text, t)).is_ok())
        .map(|t| text::title_mentions(text, t))
        .unwrap_or_default();
    let terms: Vec<&str> = items.iter().filter_map(|e| e["term"].as_str()).collect();
    let found = spans::find_masked(state.classifier.model(), text, &mask, &terms);
    for (item, ranges) in items.iter_mut().zip(found) {
        let ranges: Vec<[usize; 2]> = ranges.into_iter().map(|r| [r.start, r.end]).collect();
        item["spans"] = json!(ranges);
    }
}

/// `POST /api/classify {text, title?, top?, basis?}`: what `classify --format json` prints.
pub async fn classify(
    extract::State(state): extract::State<Arc<State>>,
    ApiJson(req): ApiJson<ClassifyRequest>,
) -> Result<Json<Value>, ApiError> {
    check_text(&req.text)?;
    let top = check_top(req.top)?;
    let len = req.text.len();
    score(&state, len, move |state| {
        let basis = req.basis.unwrap_or(Basis::Named);
        let mut answer = state
            .classifier
            .answer_by(&req.text, req.title.as_deref(), basis)?;
        keep_top(&mut answer.described, top);
        let mut value = crate::cli::classify::json(&answer);
        // The title `answer_by` masked: the one given, else (naming) the one the text names.
        let masked = match basis {
            Basis::Described => req.title.as_deref(),
            Basis::Named => req
                .title
                .as_deref()
                .or(answer.named.as_ref().map(|n| n.title.as_str())),
        };
        add_spans(
            state,
            value.pointer_mut("/described/evidence"),
            &req.text,
            masked,
        );
        Ok(Json(value))
    })
    .await?
}

/// `POST /api/fit {text, title, top?, min_confidence?}`: what `fit --format json` prints.
pub async fn fit(
    extract::State(state): extract::State<Arc<State>>,
    ApiJson(req): ApiJson<FitRequest>,
) -> Result<Json<Value>, ApiError> {
    check_text(&req.text)?;
    let top = check_top(req.top)?;
    let min_confidence = req.min_confidence.unwrap_or(fit::DEFAULT_MIN_CONFIDENCE);
    if !(0.0..=1.0).contains(&min_confidence) {
        return Err(ApiError::bad_field(format!(
            "min_confidence is {min_confidence}: give a probability from 0 to 1"
        )));
    }
    let len = req.text.len();
    score(&state, len, move |state| {
        let mut f = fit::assess(&state.classifier, &req.title, &req.text, min_confidence)?;
        keep_top(&mut f.prediction, top);
        let mut description = crate::cli::classify::prediction_json(&f.prediction);
        add_spans(
            state,
            description.get_mut("evidence"),
            &req.text,
            Some(&req.title),
        );
        Ok(Json(json!({
            "title": f.title,
            "description": description,
            "verdict": f.verdict,
            "sides": f.sides,
            "min_confidence": min_confidence,
        })))
    })
    .await?
}

/// `POST /api/title {title}`: what `title --format json` prints.
pub async fn title(ApiJson(req): ApiJson<TitleRequest>) -> Json<Value> {
    Json(json!(title::parse(&req.title)))
}

/// `GET /api/health`: up, and whether the API asks for a token.
pub async fn health(extract::State(state): extract::State<Arc<State>>) -> Json<Value> {
    Json(json!({ "status": "ok", "token_required": state.token.is_some() }))
}

/// `GET /api/version`: the crate version, the model's provenance, the ladder (`levels`: the
/// keys of every answer's probabilities and scores, lowest first) and the rungs this server
/// answers with (`answers`: the model's levels among `serve --levels`; the others always
/// have probability 0).
pub async fn version(extract::State(state): extract::State<Arc<State>>) -> Json<Value> {
    let answers: Vec<Level> = state.classifier.levels().collect();
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "model": state.classifier.model().provenance(),
        "levels": Level::ALL,
        "answers": answers,
    }))
}
