//! `POST /api/batch`: a CSV body in, the scored CSV out, streamed both ways.
//!
//! The request body is read through a blocking `Read` (`SyncIoBridge`) by the same
//! [`joblevel::batch::run`] that `joblevel batch` uses, on the batch pool; its output goes
//! through a bounded channel into the response body. Neither side holds the file: memory is
//! the batch's few chunks plus the channel's few buffers. Errors found before the first output
//! byte (no text column, empty input) get their status; a later one cuts the response short,
//! as a failed download, since the status line has gone already.

use super::State;
use super::error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{self, Query, rejection::QueryRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, TryStreamExt};
use joblevel::batch::{self, BatchError, Options};
use std::io::{self, Write};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::io::{StreamReader, SyncIoBridge};

/// Output is sent to the client in pieces of this size...
const PIECE: usize = 64 << 10;
/// ...with at most this many waiting: the writer blocks when the client reads slowly.
const PIECES_IN_FLIGHT: usize = 8;

/// The `joblevel batch` flags a request may set, as query parameters.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BatchParams {
    text_column: Option<String>,
    title_column: Option<String>,
    /// One character, or `tab`.
    delimiter: Option<String>,
}

/// `POST /api/batch?text_column=..&title_column=..&delimiter=..` with a `text/csv` body.
pub async fn batch(
    extract::State(state): extract::State<Arc<State>>,
    params: Result<Query<BatchParams>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_field(e.body_text()))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !["text/csv", "application/csv", "text/plain"]
        .contains(&essence.to_ascii_lowercase().as_str())
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the CSV with Content-Type: text/csv (got {content_type:?})"),
        ));
    }
    let options = Options {
        text_columns: params.text_column,
        title_column: params.title_column,
        delimiter: delimiter(params.delimiter.as_deref())?,
        ..Options::default()
    };
    // One batch at a time: a second waits here, holding only its connection.
    let permit = Arc::clone(&state.batches)
        .acquire_owned()
        .await
        .map_err(|_| ApiError::from_status(StatusCode::SERVICE_UNAVAILABLE))?;
    let input = StreamReader::new(body.into_data_stream().map_err(body_error));
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, ApiError>>(PIECES_IN_FLIGHT);
    let handle = tokio::runtime::Handle::current();
    let worker = Arc::clone(&state);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let input = SyncIoBridge::new_with_handle(input, handle);
        let output = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(PIECE),
        };
        let result = worker
            .batch_pool
            .install(|| batch::run(&worker.batch_classifier, input, output, &options, |_, _| {}));
        if let Err(e) = result {
            // Nobody listens when the client has gone; nothing to do then.
            let _ = tx.blocking_send(Err(batch_error(e)));
        }
    });
    match rx.recv().await {
        Some(Err(e)) => Err(e),
        first => {
            let first = futures_util::stream::iter(first);
            // A closed channel keeps answering `None`, so the body may be polled past its end
            // (the compression layer does).
            let rest = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
            let pieces = first.chain(rest).fuse().map(|piece| {
                piece.map_err(|e| io::Error::other(format!("{}: {}", e.code, e.message)))
            });
            Ok((
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                Body::from_stream(pieces),
            )
                .into_response())
        }
    }
}

fn delimiter(spec: Option<&str>) -> Result<u8, ApiError> {
    match spec {
        None => Ok(b','),
        Some("tab" | "\t") => Ok(b'\t'),
        Some(s) if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        Some(s) => Err(ApiError::bad_field(format!(
            "delimiter {s:?} is not one character (try ',', ';', '|' or tab)"
        ))),
    }
}

/// Marks the body limit's error so it maps to 413 rather than to a broken upload.
#[derive(Debug, thiserror::Error)]
#[error("request body over the --max-upload limit")]
struct TooLarge;

fn body_error(e: axum::Error) -> io::Error {
    let inner = e.into_inner();
    if inner.is::<http_body_util::LengthLimitError>() {
        io::Error::other(TooLarge)
    } else {
        io::Error::other(inner)
    }
}

fn batch_error(e: BatchError) -> ApiError {
    let unusable =
        |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unusable_csv", message);
    match e {
        BatchError::Read(e) => {
            let too_large = match e.kind() {
                csv::ErrorKind::Io(io) => io.get_ref().is_some_and(|inner| inner.is::<TooLarge>()),
                _ => false,
            };
            if too_large {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    TooLarge.to_string(),
                )
            } else if e.is_io_error() {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("reading the upload: {e}"),
                )
            } else {
                unusable(e.to_string())
            }
        }
        BatchError::Write(e) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        }
        e => unusable(e.to_string()),
    }
}

/// A `Write` that hands full pieces to the response body, waiting when the channel is full.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, ApiError>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.tx.blocking_send(Ok(piece)).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client closed the connection",
            )
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}
