//! API errors: a status and a JSON body `{"error": "...", "code": "..."}` a client can act on.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joblevel::InputError;
use std::error::Error;
use std::io;

/// An error answered to a client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable machine-readable reason: `bad_json`, `bad_field`, `too_large`,
    /// `unsupported_media_type`, `unusable_text`, `unauthorized`, `not_found`, ...
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header: when to come back after a 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 503 `busy`, with when to try again.
    pub fn busy(message: impl Into<String>, retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
        }
    }

    pub fn bad_field(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_field", message)
    }

    /// The error for a status that reached the client without a JSON body of ours (a layer's
    /// 413 or 408, the router's 404 or 405).
    pub fn from_status(status: StatusCode) -> ApiError {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => (
                "not_found",
                "no such page or endpoint; see GET / and GET /api/openapi.json",
            ),
            StatusCode::METHOD_NOT_ALLOWED => {
                ("method_not_allowed", "wrong method for this endpoint")
            }
            StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "request body over the limit"),
            StatusCode::REQUEST_TIMEOUT => ("timeout", "request took too long"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "wrong Content-Type"),
            s if s.is_client_error() => ("bad_request", "bad request"),
            _ => ("internal", "internal error"),
        };
        ApiError::new(status, code, message)
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> ApiError {
        let status = match e {
            InputError::TooLong { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let code = match e {
            InputError::TooLong { .. } => "too_large",
            _ => "unusable_text",
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message, "code": self.code });
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Gives every error response a JSON body: errors made by layers and the router (413 from the
/// body limit, 408 from the timeout, 404, 405) come as plain text or empty.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        ApiError::from_status(status).into_response()
    } else {
        response
    }
}

/// Whether `error`, or an error it was caused by, is an `E`; also looks inside the
/// `io::Error`s that carry our own errors through readers and writers (an `io::Error`'s
/// `source` skips the error it wraps).
pub fn caused_by<E: Error + 'static>(error: &(dyn Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.is::<E>() {
            return true;
        }
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(io::Error::get_ref)
            && caused_by::<E>(inner)
        {
            return true;
        }
        next = e.source();
    }
    false
}
