//! `POST /api/batch`: a CSV body in, the scored CSV out, streamed both ways.
//!
//! The request body is read through a blocking `Read` (`SyncIoBridge`) by the same
//! [`joblevel::batch::run`] that `joblevel batch` uses, on the batch pool; its output goes
//! through a bounded channel into the response body. Neither side holds the file: memory is
//! the batch's few chunks plus the channel's few buffers. Errors found before the first output
//! byte (no text column, empty input) get their status; a later one cuts the response short,
//! as a failed download, since the status line has gone already.
//!
//! One batch runs at a time. Another upload waits for the slot at most `--batch-wait`, then is
//! answered 503 with `Retry-After`, its body read and dropped for a moment so that a client
//! still sending sees the answer rather than a reset connection. A client cannot hold the
//! slot by stalling: an upload that sends nothing for `--stall-timeout` fails here (408, or a
//! cut response), and a response it stops reading is cut by the connection (`conn::Stalls`);
//! either way the batch stops and its slot frees.

use super::State;
use super::error::{ApiError, caused_by};
use axum::body::{Body, Bytes};
use axum::extract::{self, Query, rejection::QueryRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt, TryStreamExt};
use joblevel::batch::{self, BatchError, Options};
use std::future::Future;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Sleep;
use tokio_util::io::{StreamReader, SyncIoBridge};

/// Output is sent to the client in pieces of this size...
const PIECE: usize = 64 << 10;
/// ...with at most this many waiting: the writer blocks when the client reads slowly.
const PIECES_IN_FLIGHT: usize = 8;
/// `Retry-After` of a 503 for an upload that found the slot busy: small batches are done in
/// well under a second, 100 MB in about two.
const RETRY_AFTER_SECS: u64 = 5;
/// How long the body of a refused upload is read and dropped, so that a client still sending
/// it reads the 503 instead of a reset (closing a socket with unread data resets it).
const REFUSED_DRAIN: Duration = Duration::from_secs(2);

/// The `joblevel batch` flags a request may set, as query parameters.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BatchParams {
    text_column: Option<String>,
    title_column: Option<String>,
    /// One character, or `tab`.
    delimiter: Option<String>,
    /// As `batch --basis`: `named` (default) or `described`.
    basis: Option<joblevel::Basis>,
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
        basis: params.basis.unwrap_or(joblevel::Basis::Named),
        ..Options::default()
    };
    // One batch at a time: another waits here a bounded time, holding only its connection
    // (its body unread, so a client sending with `Expect: 100-continue` has sent nothing yet).
    let waited = tokio::time::timeout(state.batch_wait, Arc::clone(&state.batches).acquire_owned());
    let permit = match waited.await {
        Ok(permit) => permit.map_err(|_| ApiError::from_status(StatusCode::SERVICE_UNAVAILABLE))?,
        Err(_) => {
            tokio::spawn(drain(body));
            return Err(ApiError::busy(
                format!(
                    "another CSV batch is being scored and the server scores one at a time; \
                     try again in {RETRY_AFTER_SECS} s"
                ),
                RETRY_AFTER_SECS,
            ));
        }
    };
    let upload = body.into_data_stream().map_err(body_error);
    // Once the upload fails nothing more is sent, not even the header line the CSV writer
    // flushes as it is dropped: the error is then the first thing the client gets, with its
    // status (408, 413, 400), rather than a 200 cut short.
    let upload_failed = Arc::new(AtomicBool::new(false));
    let failed = Arc::clone(&upload_failed);
    let upload = UploadStalls::new(upload, state.stall_timeout)
        .inspect_err(move |_| failed.store(true, Ordering::Relaxed));
    let input = StreamReader::new(upload);
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, ApiError>>(PIECES_IN_FLIGHT);
    let handle = tokio::runtime::Handle::current();
    let worker = Arc::clone(&state);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let input = SyncIoBridge::new_with_handle(input, handle);
        let output = ChannelWriter {
            tx: tx.clone(),
            upload_failed,
            buf: Vec::with_capacity(PIECE),
        };
        let result = worker
            .batch_pool
            .install(|| batch::run(&worker.batch_classifier, input, output, &options, |_, _| {}));
        if let Err(e) = result {
            let e = batch_error(e);
            // The client stalled or went away: say so, since the request log has only the
            // status it was first answered with.
            if e.code == "timeout" || e.code == "gone" {
                eprintln!(
                    "joblevel: /api/batch stopped: {}; the batch slot is free",
                    e.message
                );
            }
            // Nobody listens when the client has gone; nothing to do then.
            let _ = tx.blocking_send(Err(e));
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
            // csv::Error has no `source`: the reader's own error is inside its io::Error.
            let io = match e.kind() {
                csv::ErrorKind::Io(io) => Some(io),
                _ => None,
            };
            if io.is_some_and(|io| caused_by::<TooLarge>(io)) {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    TooLarge.to_string(),
                )
            } else if io.is_some_and(|io| caused_by::<UploadStalled>(io)) {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "timeout",
                    format!("reading the upload: {e}"),
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
        // Our writer fails only when the response is gone: the client closed the connection,
        // or it was cut for not reading.
        BatchError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "gone", e.to_string())
        }
        BatchError::Write(e) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        }
        e => unusable(e.to_string()),
    }
}

/// Reads and drops a refused upload's body for [`REFUSED_DRAIN`] at most.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let _ = tokio::time::timeout(REFUSED_DRAIN, async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
}

/// The upload sent nothing for the stall timeout while the batch waited for it.
#[derive(Debug, thiserror::Error)]
#[error("the upload stalled: nothing came for {} s", .0.as_secs_f64())]
struct UploadStalled(Duration);

/// An upload that fails once the batch has waited `limit` for its next piece. The clock runs
/// only while the batch asks for data: time the upload is held back because the batch is busy
/// or its response is not being read (back-pressure) does not count.
struct UploadStalls<S> {
    upload: S,
    limit: Duration,
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<S> UploadStalls<S> {
    fn new(upload: S, limit: Duration) -> UploadStalls<S> {
        UploadStalls {
            upload,
            limit,
            waiting: None,
        }
    }
}

impl<S: Stream<Item = io::Result<Bytes>> + Unpin> Stream for UploadStalls<S> {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(piece) = this.upload.poll_next_unpin(cx) {
            this.waiting = None;
            return Poll::Ready(piece);
        }
        let limit = this.limit;
        let waiting = this
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match waiting.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.waiting = None;
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    UploadStalled(limit),
                ))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A `Write` that hands full pieces to the response body, waiting when the channel is full.
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, ApiError>>,
    upload_failed: Arc<AtomicBool>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if self.upload_failed.load(Ordering::Relaxed) {
            self.buf.clear();
            return Err(io::Error::other("the upload failed"));
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.tx.blocking_send(Ok(piece)).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the response is gone (the client closed the connection, or was cut for not \
                 reading)",
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
