//! `joblevel serve`: the recruiters' page and the HTTP API over the library.
//!
//! Handlers are thin ([`api`], [`batch`]); limits, timeouts, compression, CORS, the token
//! check and the request log are tower layers here. Scoring is bounded: a short posting is
//! scored on its request's task, a long one on the blocking pool behind a semaphore, and a
//! CSV batch on its own small rayon pool, one batch at a time, so a large upload leaves the
//! other cores to single requests. Connections are accepted and bounded in [`conn`]: how long
//! a client may take over its headers or leave a response unread, and how many may be open.

mod api;
pub use api::MAX_TOP;
mod batch;
mod conn;
pub use conn::{Limits, OverFileLimit};
mod error;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, extract};
use error::ApiError;
use joblevel::{Classifier, Error};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// Largest JSON request body: one posting of up to 1 MiB, with room for JSON escapes.
pub const JSON_LIMIT: usize = 2 << 20;
/// A JSON request that takes longer than this is answered 408.
const JSON_TIMEOUT: Duration = Duration::from_secs(30);

const PAGE: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");
/// The API's OpenAPI 3.1 document, written by hand next to the handlers it describes; the
/// tests in tests/serve_openapi.rs hold it to the router and to what the handlers answer.
const OPENAPI: &str = include_str!("openapi.json");
/// The page runs only its own script and style and talks only to this server: posting text
/// that slipped into the DOM as markup could neither run nor load anything.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// How the server is set up; the CLI fills it from flags.
pub struct Config {
    pub addr: SocketAddr,
    pub classifier: Classifier,
    /// Scores CSV batches: top 3 evidence terms of the predicted level, as `joblevel batch`.
    pub batch_classifier: Classifier,
    pub token: Option<String>,
    /// Required to bind outside loopback without a token.
    pub no_auth: bool,
    pub cors: Option<HeaderValue>,
    pub max_upload: usize,
    pub quiet: bool,
    /// Threads scoring a CSV batch.
    pub batch_threads: usize,
    /// How long an upload waits for the batch slot before a 503.
    pub batch_wait: Duration,
    pub limits: Limits,
}

/// Shared by every handler.
pub struct State {
    classifier: Classifier,
    batch_classifier: Classifier,
    batch_pool: rayon::ThreadPool,
    /// One batch at a time.
    batches: Arc<Semaphore>,
    /// How long an upload waits for `batches`.
    batch_wait: Duration,
    /// An upload that sends nothing for this long fails.
    stall_timeout: Duration,
    /// Long single postings scored at once on the blocking pool.
    heavy: Semaphore,
    token: Option<String>,
}

/// Why the server refused to start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "{0} is not a loopback address: anyone who can reach it could use the API; give \
         --token TOKEN (clients send Authorization: Bearer TOKEN) or --no-auth to allow it"
    )]
    OpenWithoutAuth(SocketAddr),
    #[error(transparent)]
    OverFileLimit(#[from] OverFileLimit),
    #[error(transparent)]
    Other(#[from] Error),
}

/// Who may call the API, as the startup line says it.
fn access(config: &Config) -> Result<&'static str, StartError> {
    match (
        &config.token,
        config.no_auth,
        config.addr.ip().is_loopback(),
    ) {
        (Some(_), _, _) => Ok("API calls need Authorization: Bearer <token>"),
        (None, _, true) => Ok("loopback only, no token"),
        (None, true, false) => Ok("NO AUTH: anyone who can reach this address may use it"),
        (None, false, false) => Err(StartError::OpenWithoutAuth(config.addr)),
    }
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight and returns.
pub async fn run(config: Config) -> Result<(), StartError> {
    let access = access(&config)?;
    let cap = conn::connection_cap(config.limits.max_connections, conn::file_limit())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| Error::Io {
            path: config.addr.to_string().into(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| Error::Io {
        path: config.addr.to_string().into(),
        source,
    })?;
    let quiet = config.quiet;
    let limits = config.limits.clone();
    let app = router(config)?;
    // The one line a script starting the server reads (port 0 picks a free port).
    eprintln!(
        "joblevel: serving http://{local}/ ({access}; up to {cap} connections); Ctrl-C stops"
    );
    let app = if quiet {
        app
    } else {
        app.layer(middleware::from_fn(log))
    };
    conn::serve(listener, app, &limits, cap, shutdown()).await;
    eprintln!("joblevel: stopped");
    Ok(())
}

/// The whole application: routes and layers.
fn router(config: Config) -> Result<Router, Error> {
    let batch_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.batch_threads.max(1))
        .thread_name(|i| format!("batch-{i}"))
        .build()
        .map_err(|e| Error::Io {
            path: "batch pool".into(),
            source: std::io::Error::other(e),
        })?;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let state = Arc::new(State {
        classifier: config.classifier,
        batch_classifier: config.batch_classifier,
        batch_pool,
        batches: Arc::new(Semaphore::new(1)),
        batch_wait: config.batch_wait,
        stall_timeout: config.limits.stall_timeout,
        heavy: Semaphore::new(cores),
        token: config.token,
    });
    let json_routes = Router::new()
        .route("/api/classify", post(api::classify))
        .route("/api/fit", post(api::fit))
        .route("/api/title", post(api::title))
        .route("/api/version", get(api::version))
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        // Refuses an announced oversize body at once; the default limit only sees it as read.
        .layer(RequestBodyLimitLayer::new(JSON_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            JSON_TIMEOUT,
        ));
    let batch_routes = Router::new()
        .route("/api/batch", post(batch::batch))
        .layer(RequestBodyLimitLayer::new(config.max_upload));
    let protected = json_routes
        .merge(batch_routes)
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authorize,
        ));
    let mut app = Router::new()
        .route("/", get(page))
        .route("/page.css", get(page_css))
        .route("/page.js", get(page_js))
        .route("/api/health", get(api::health))
        // Public, as the page is: it says what the API is, not what it knows.
        .route("/api/openapi.json", get(openapi))
        .merge(protected)
        .with_state(state)
        .layer(middleware::map_response(error::json_errors))
        .layer(CompressionLayer::new().gzip(true));
    if let Some(origin) = config.cors {
        app = app.layer(
            CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]),
        );
    }
    Ok(app)
}

async fn page() -> Response {
    static_file(PAGE, "text/html; charset=utf-8")
}

async fn page_css() -> Response {
    static_file(PAGE_CSS, "text/css; charset=utf-8")
}

async fn page_js() -> Response {
    static_file(PAGE_JS, "text/javascript; charset=utf-8")
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

fn static_file(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}

/// With `--token`, API calls need `Authorization: Bearer TOKEN`; compared in constant time so
/// response timing says nothing about how much of a guess was right.
async fn authorize(
    extract::State(state): extract::State<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = &state.token else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let ok = given.is_some_and(|given| {
        use subtle::ConstantTimeEq;
        bool::from(given.as_bytes().ct_eq(token.as_bytes()))
    });
    if ok {
        next.run(request).await
    } else {
        let why = if given.is_some() {
            "wrong token"
        } else {
            "this server needs a token: send Authorization: Bearer <token>"
        };
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", why).into_response()
    }
}

/// One line per request on stderr: method, path, status, time to the response head.
async fn log(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1e3
    );
    response
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("joblevel: shutting down, finishing requests in flight");
}
