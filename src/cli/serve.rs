//! `joblevel serve`: the recruiters' page and the HTTP API.

use super::{Error, exit};
use crate::serve::{Config, Limits, StartError};
use std::net::SocketAddr;
use std::time::Duration;

/// Serve a web page for checking postings and an HTTP API for other programs.
///
/// Open http://127.0.0.1:8080/ in a browser: paste a posting, optionally its title, press
/// Check (or Ctrl+Enter) to see its level, the evidence highlighted in the text and the title
/// fit; or upload a CSV and download it scored. The page is built into the binary and works
/// offline.
///
/// API (JSON in and out, the shapes `--format json` prints; errors are {"error", "code"}):
///   POST /api/classify  {"text": "...", "title": "...", "top": 5, "basis": "named"}
///                       (title, top and basis optional; basis as --basis)
///   POST /api/fit       {"text": "...", "title": "..."}
///   POST /api/title     {"title": "..."}
///   POST /api/batch     a text/csv body; answers the scored CSV (as `joblevel batch`),
///                       query: ?text_column=..&title_column=..&delimiter=..&basis=..
///   GET  /api/health    GET /api/version
///   GET  /api/openapi.json  this API as an OpenAPI 3.1 document
///
/// Statuses: 400 bad JSON or field, 401 missing or wrong token, 408 too slow (a JSON call
/// over 30 s, an upload stalled for --stall-timeout), 413 over a limit (a posting's JSON
/// 2 MiB, a posting 1 MiB, a CSV --max-upload), 415 wrong Content-Type, 422 unusable text or
/// CSV (empty, binary, no text column), 503 busy (with Retry-After).
///
/// Slow or stalled clients: a request's headers, or a kept-alive connection's next request,
/// must come within --header-timeout; a client that reads nothing of its response, or sends
/// nothing of its CSV upload, for --stall-timeout is cut. At most --max-connections are open
/// (by default the open-file limit less an eighth, at most 4096): at the cap the connection
/// waiting longest for a request is closed for a new one. One CSV batch runs at a time;
/// another upload waits for it up to --batch-wait, then gets 503 with Retry-After.
///
/// The server listens on loopback by default. Another address needs --token (API calls then
/// send `Authorization: Bearer TOKEN`) or --no-auth. Ctrl-C or SIGTERM stops it after the
/// requests in flight. One line per request is logged on stderr unless --quiet.
///
/// Examples:
///   joblevel serve
///   joblevel serve --addr 0.0.0.0:8080 --token "$(openssl rand -hex 16)"
///   curl -s localhost:8080/api/classify -H 'Content-Type: application/json' \
///        -d '{"text": "Reporting to the CEO, you own operations across all sites."}'
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Require `Authorization: Bearer TOKEN` on API calls.
    #[arg(long, value_name = "TOKEN", conflicts_with = "no_auth")]
    token: Option<String>,
    /// Allow a non-loopback --addr without a token.
    #[arg(long)]
    no_auth: bool,
    /// Send CORS headers allowing this origin (e.g. https://ats.example.com); none by default.
    #[arg(long, value_name = "ORIGIN")]
    cors: Option<String>,
    /// Largest CSV upload to /api/batch, in MiB.
    #[arg(long, default_value_t = 512, value_name = "MIB")]
    max_upload: usize,
    /// Threads scoring a CSV batch (default: half the cores, so single requests keep the rest).
    #[arg(long, value_name = "N")]
    batch_threads: Option<usize>,
    /// Seconds a client has to send a request's headers; also how long an idle kept-alive
    /// connection is kept.
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a client may read nothing of its response, or send nothing of its CSV upload,
    /// before it is cut (the batch stops and its slot frees).
    #[arg(long, default_value_t = 20, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    stall_timeout: u64,
    /// Most connections open at once (default: the open-file limit less an eighth, at most
    /// 4096); must leave that eighth of the file limit free.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,
    /// Seconds a CSV upload waits while another batch runs, before 503 with Retry-After
    /// (0: refuse at once).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    batch_wait: u64,
    /// No request log on stderr.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    model: super::ModelArg,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let cors = match args.cors.as_deref().map(str::parse) {
        Some(Ok(origin)) => Some(origin),
        Some(Err(_)) => {
            eprintln!(
                "joblevel: --cors {:?} is not a valid origin",
                args.cors.unwrap_or_default()
            );
            return Ok(exit::USAGE);
        }
        None => None,
    };
    if args.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        eprintln!("joblevel: --token is empty");
        return Ok(exit::USAGE);
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let config = Config {
        addr: args.addr,
        classifier: args.model.classifier(crate::serve::MAX_TOP)?,
        batch_classifier: args
            .model
            .classifier(3)?
            .with_evidence_for_predicted_level_only(),
        token: args.token,
        no_auth: args.no_auth,
        cors,
        max_upload: args.max_upload.saturating_mul(1 << 20),
        quiet: args.quiet,
        batch_threads: args.batch_threads.unwrap_or((cores / 2).max(1)),
        batch_wait: Duration::from_secs(args.batch_wait),
        limits: Limits {
            header_timeout: Duration::from_secs(args.header_timeout),
            stall_timeout: Duration::from_secs(args.stall_timeout),
            max_connections: args
                .max_connections
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::io("tokio runtime", source))?;
    match runtime.block_on(crate::serve::run(config)) {
        Ok(()) => Ok(exit::OK),
        Err(e @ (StartError::OpenWithoutAuth(_) | StartError::OverFileLimit(_))) => {
            eprintln!("joblevel: {e}");
            Ok(exit::USAGE)
        }
        Err(StartError::Other(e)) => Err(e.into()),
    }
}
