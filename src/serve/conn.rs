//! Connections: accepting them, and how many a client may hold and for how long.
//!
//! `axum::serve` keeps a connection for as long as the client likes and accepts until the
//! process runs out of file descriptors, after which nobody is answered: 1,100 half-open
//! connections against a limit of 1,024 open files took the server down (issue 20). Here
//! hyper's HTTP/1 connections are driven directly, so that:
//!
//! - a request's headers must arrive within `header_timeout`; hyper's header read timeout also
//!   runs while a kept-alive connection waits for its next request, so the same limit closes
//!   idle keep-alive connections;
//! - a response the client stops reading for `stall_timeout` is cut ([`Stalls`]): the
//!   connection closes, its response body is dropped, and the work feeding it stops;
//! - at most `cap` connections are open, below the open-file limit. At the cap a new client is
//!   let in by closing the connection that has waited longest for a request (half-open or
//!   idle), so a flood of slow clients sheds itself while new clients are answered; only when
//!   every open connection is busy with a request is the new one refused with a 503.
//!
//! What is shed, refused, timed out or cut is counted and logged once a second rather than per
//! connection: a flood must not also flood the log.

use super::error::caused_by;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use hyper::server::conn::http1;
use hyper::service::Service as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::Sleep;

/// Descriptors the server keeps for itself below the file limit (stdio, the listener, epoll,
/// signals, and connections being shed while new ones arrive): an eighth of the limit, and at
/// least this many.
const MIN_HEADROOM: u64 = 32;
/// Most connections by default whatever the file limit: an idle connection costs some KB of
/// buffers, and a limit of a million files would let a flood take gigabytes.
const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Connections being shed (closing, still holding their descriptor) that may pile up before
/// the accept loop waits for them to close: this bounds descriptors at cap + slack.
const SHEDDING_SLACK: usize = 16;
/// Pause after a failed accept (out of descriptors, say) so a full backlog is not spun on.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(10);

/// How long a client may take and how many connections may be open; the CLI sets them.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A request's headers, and a kept-alive connection's next request, must arrive within this.
    pub header_timeout: Duration,
    /// A client that reads nothing of its response (or, for `/api/batch`, sends nothing of its
    /// upload) for this long loses its connection.
    pub stall_timeout: Duration,
    /// Most connections open at once; `None`: from the open-file limit ([`connection_cap`]).
    pub max_connections: Option<usize>,
}

/// The soft limit on open files (`ulimit -n`); `None` when unlimited or unknown.
pub fn file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rustix::process::getrlimit(rustix::process::Resource::Nofile).current
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `--max-connections` asks for more descriptors than the process may open.
#[derive(Debug, thiserror::Error)]
#[error(
    "--max-connections {asked} is more than the open-file limit allows ({limit} files, of which \
     the server keeps {headroom} for itself): give at most {most}, or raise the limit first \
     (ulimit -n)"
)]
pub struct OverFileLimit {
    pub asked: usize,
    pub limit: u64,
    pub headroom: u64,
    pub most: usize,
}

/// The connection cap: `asked` if the file limit leaves room for it, else an error; by default
/// the file limit less the headroom, at most [`DEFAULT_MAX_CONNECTIONS`].
pub fn connection_cap(
    asked: Option<usize>,
    file_limit: Option<u64>,
) -> Result<usize, OverFileLimit> {
    let Some(limit) = file_limit else {
        return Ok(asked.unwrap_or(DEFAULT_MAX_CONNECTIONS));
    };
    let headroom = (limit / 8).max(MIN_HEADROOM);
    let most = usize::try_from(limit.saturating_sub(headroom)).unwrap_or(usize::MAX);
    match asked {
        None => Ok(most.clamp(1, DEFAULT_MAX_CONNECTIONS)),
        Some(asked) if asked <= most => Ok(asked),
        Some(asked) => Err(OverFileLimit {
            asked,
            limit,
            headroom,
            most,
        }),
    }
}

/// Accepts and serves connections until `shutdown` resolves, then lets the requests in flight
/// finish (idle connections close at once) and returns when every connection has closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    cap: usize,
    shutdown: impl Future<Output = ()>,
) {
    let conns = Arc::new(Conns::new(cap));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let (stop, _) = watch::channel(false);
    let reporter = tokio::spawn(report(Arc::clone(&conns), limits.clone()));
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = async {
                conns.wait_below(cap + SHEDDING_SLACK).await;
                listener.accept().await
            } => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // Out of descriptors all the same (the limit was lowered after start, or the
                // cap was set close to it): make room the way the cap does, and accept again
                // as soon as the shed connection has closed.
                let out_of_files = matches!(e.raw_os_error(), Some(code) if is_out_of_files(code));
                if out_of_files && conns.shed_for_files() {
                    let _ = tokio::time::timeout(ACCEPT_ERROR_PAUSE, conns.closed.notified()).await;
                } else {
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                }
                continue;
            }
        };
        match conns.admit() {
            Some((id, conn)) => {
                let connection = Connection {
                    conns: Arc::clone(&conns),
                    id,
                    conn,
                    stream,
                    app: app.clone(),
                    builder: Arc::clone(&builder),
                    stall_timeout: limits.stall_timeout,
                    stop: stop.subscribe(),
                };
                tokio::spawn(connection.run());
            }
            None => refuse(&stream, &conns),
        }
    }
    // New clients are now refused by the kernel rather than left waiting in the backlog.
    drop(listener);
    stop.send_replace(true);
    conns.wait_below(1).await;
    reporter.abort();
    conns.log_counts(limits);
}

fn is_out_of_files(code: i32) -> bool {
    #[cfg(unix)]
    {
        code == rustix::io::Errno::MFILE.raw_os_error()
            || code == rustix::io::Errno::NFILE.raw_os_error()
    }
    #[cfg(not(unix))]
    {
        let _ = code;
        false
    }
}

/// Answers a connection over the cap with a 503 and closes it. Best effort: the reply fits in
/// a fresh socket's buffer, and the client is not waited for.
fn refuse(stream: &TcpStream, conns: &Conns) {
    const BODY: &str = r#"{"error":"the server has as many connections open as it allows, all busy with requests; retry shortly","code":"busy"}"#;
    let reply = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(reply.as_bytes());
    conns.counts.refused.fetch_add(1, Ordering::Relaxed);
}

/// Logs what was shed, refused, timed out and cut in the last second, if anything.
async fn report(conns: Arc<Conns>, limits: Limits) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        conns.log_counts(&limits);
    }
}

/// The open connections, in the order they were accepted.
struct Conns {
    cap: usize,
    open: Mutex<BTreeMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    /// Wakes the accept loop and the shutdown when a connection has closed.
    closed: Notify,
    /// What `idle_since` counts from.
    epoch: Instant,
    counts: Counts,
}

/// Events since the last log line, by kind.
#[derive(Default)]
struct Counts {
    shed: AtomicUsize,
    /// Shed because accept found no free descriptor, below the cap.
    shed_out_of_files: AtomicUsize,
    refused: AtomicUsize,
    header_timeouts: AtomicUsize,
    stalled: AtomicUsize,
}

/// One open connection, as the cap sees it.
struct Conn {
    /// Requests whose response is not yet all written.
    busy: AtomicUsize,
    /// When it last began to wait for a request, in milliseconds since `Conns::epoch`.
    idle_since: AtomicU64,
    /// It has had a request: a timeout then closes an idle keep-alive connection, routine.
    served: AtomicBool,
    /// Chosen to be shed (it still holds its descriptor until its task ends).
    shedding: AtomicBool,
    shed: Notify,
}

impl Conns {
    fn new(cap: usize) -> Conns {
        Conns {
            cap,
            open: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(0),
            closed: Notify::new(),
            epoch: Instant::now(),
            counts: Counts::default(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Registers a new connection, shedding the longest-idle one at the cap; `None` when at
    /// the cap with every connection busy.
    fn admit(&self) -> Option<(u64, Arc<Conn>)> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= self.cap && !shed_longest_idle(&open, &self.counts.shed) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.now_ms()),
            served: AtomicBool::new(false),
            shedding: AtomicBool::new(false),
            shed: Notify::new(),
        });
        open.insert(id, Arc::clone(&conn));
        Some((id, conn))
    }

    /// Sheds a connection to free a descriptor for `accept`.
    fn shed_for_files(&self) -> bool {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        shed_longest_idle(&open, &self.counts.shed_out_of_files)
    }

    fn remove(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        self.closed.notify_waiters();
    }

    /// Waits until fewer than `n` connections are open.
    async fn wait_below(&self, n: usize) {
        loop {
            let closed = self.closed.notified();
            tokio::pin!(closed);
            // Registered before the check, so a close between the two is not missed.
            closed.as_mut().enable();
            if self.len() < n {
                return;
            }
            closed.await;
        }
    }

    fn log_counts(&self, limits: &Limits) {
        let take = |n: &AtomicUsize| n.swap(0, Ordering::Relaxed);
        let shed = take(&self.counts.shed);
        if shed > 0 {
            eprintln!(
                "joblevel: shed {shed} connection(s) at the cap of {} open: the ones waiting \
                 longest for a request were closed to let new clients in",
                self.cap
            );
        }
        let starved = take(&self.counts.shed_out_of_files);
        if starved > 0 {
            eprintln!(
                "joblevel: shed {starved} connection(s) for want of file descriptors, below the \
                 cap of {}: the open-file limit is lower than at start, or than the cap needs",
                self.cap
            );
        }
        let refused = take(&self.counts.refused);
        if refused > 0 {
            eprintln!(
                "joblevel: refused {refused} connection(s) with 503: all {} open ones are busy \
                 with requests",
                self.cap
            );
        }
        let timeouts = take(&self.counts.header_timeouts);
        if timeouts > 0 {
            eprintln!(
                "joblevel: closed {timeouts} connection(s) that sent no complete request within \
                 {} s",
                limits.header_timeout.as_secs_f64()
            );
        }
        let stalled = take(&self.counts.stalled);
        if stalled > 0 {
            eprintln!(
                "joblevel: cut {stalled} response(s): the client read nothing for {} s",
                limits.stall_timeout.as_secs_f64()
            );
        }
    }
}

/// Marks the connection that has waited longest for a request to be shed, and counts it;
/// false if every open connection is busy (or already being shed). A scan of the open
/// connections, only made at the cap: a few microseconds for a thousand.
fn shed_longest_idle(open: &BTreeMap<u64, Arc<Conn>>, count: &AtomicUsize) -> bool {
    let longest = open
        .values()
        .filter(|c| c.busy.load(Ordering::Acquire) == 0 && !c.shedding.load(Ordering::Relaxed))
        .min_by_key(|c| c.idle_since.load(Ordering::Relaxed));
    match longest {
        Some(conn) => {
            conn.shedding.store(true, Ordering::Relaxed);
            // A stored permit: the connection's task sees it even if not waiting right now.
            conn.shed.notify_one();
            count.fetch_add(1, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

/// One accepted connection and what serving it needs.
struct Connection {
    conns: Arc<Conns>,
    id: u64,
    conn: Arc<Conn>,
    stream: TcpStream,
    app: Router,
    builder: Arc<http1::Builder>,
    stall_timeout: Duration,
    stop: watch::Receiver<bool>,
}

/// How a connection ended, for the log.
enum Ended {
    Normally,
    Shed,
    HeaderTimeout,
    Stalled,
}

impl Connection {
    async fn run(self) {
        let Connection {
            conns,
            id,
            conn,
            stream,
            app,
            builder,
            stall_timeout,
            mut stop,
        } = self;
        let ended = {
            let app = TowerToHyperService::new(app);
            let tracked = Arc::clone(&conn);
            let epoch = conns.epoch;
            let service = hyper::service::service_fn(move |request| {
                let busy = Busy::start(Arc::clone(&tracked), epoch);
                let response = app.call(request);
                async move {
                    let response = response.await?;
                    Ok::<_, std::convert::Infallible>(
                        response.map(|body| Tracked { body, _busy: busy }),
                    )
                }
            });
            let io = TokioIo::new(Stalls::new(stream, stall_timeout));
            let connection = builder.serve_connection(io, service);
            tokio::pin!(connection);
            let mut stopping = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => break match result {
                        Ok(()) => Ended::Normally,
                        Err(e) if caused_by::<ClientStalled>(&e) => Ended::Stalled,
                        Err(e) if e.is_timeout() => Ended::HeaderTimeout,
                        Err(_) => Ended::Normally,
                    },
                    // Dropping the connection closes its socket.
                    () = conn.shed.notified() => break Ended::Shed,
                    _ = stop.changed(), if !stopping => {
                        stopping = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
        };
        match ended {
            Ended::HeaderTimeout if !conn.served.load(Ordering::Relaxed) => {
                conns.counts.header_timeouts.fetch_add(1, Ordering::Relaxed);
            }
            Ended::Stalled => {
                conns.counts.stalled.fetch_add(1, Ordering::Relaxed);
            }
            Ended::Normally | Ended::Shed | Ended::HeaderTimeout => {}
        }
        conns.remove(id);
    }
}

/// A request in progress on its connection, from its headers to the last byte of its
/// response: a busy connection is not shed.
struct Busy {
    conn: Arc<Conn>,
    epoch: Instant,
}

impl Busy {
    fn start(conn: Arc<Conn>, epoch: Instant) -> Busy {
        conn.busy.fetch_add(1, Ordering::AcqRel);
        conn.served.store(true, Ordering::Relaxed);
        Busy { conn, epoch }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.conn.idle_since.store(now, Ordering::Relaxed);
        self.conn.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its connection [`Busy`] until it is all written or dropped.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The client has read nothing of what was written to it for the stall timeout.
#[derive(Debug, thiserror::Error)]
#[error("the client read nothing for {} s", .0.as_secs_f64())]
pub struct ClientStalled(Duration);

/// A socket whose writes fail once the client has taken nothing for `limit`: a client that
/// stops reading its response would otherwise hold the connection, and whatever feeds the
/// response, for as long as it likes. Reads are left alone: waiting for a request is the
/// header timeout's business, and an upload's is its handler's.
struct Stalls<T> {
    io: T,
    limit: Duration,
    /// Runs while a write waits for room; reset by every write that makes progress.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<T> Stalls<T> {
    fn new(io: T, limit: Duration) -> Stalls<T> {
        Stalls {
            io,
            limit,
            waiting: None,
        }
    }

    /// Passes on a write's outcome; a write that cannot proceed fails once it has waited
    /// `limit` since the last one that did.
    fn watch<R>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.waiting = None;
            return poll;
        }
        let limit = self.limit;
        let waiting = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match waiting.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                ClientStalled(limit),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Stalls<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Stalls<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.io).poll_write(cx, buf);
        self.watch(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.io).poll_flush(cx);
        self.watch(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.io).poll_shutdown(cx);
        self.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_an_eighth_of_the_file_limit_and_is_bounded() {
        assert_eq!(connection_cap(None, Some(1024)).unwrap(), 896);
        assert_eq!(
            connection_cap(None, Some(1 << 20)).unwrap(),
            DEFAULT_MAX_CONNECTIONS
        );
        assert_eq!(connection_cap(None, Some(100)).unwrap(), 68);
        assert_eq!(connection_cap(None, None).unwrap(), DEFAULT_MAX_CONNECTIONS);
        assert_eq!(connection_cap(Some(10), Some(1024)).unwrap(), 10);
        assert_eq!(connection_cap(Some(50_000), None).unwrap(), 50_000);
    }

    #[test]
    fn a_cap_over_the_file_limit_says_what_may_be_given() {
        let e = connection_cap(Some(1000), Some(1024)).unwrap_err();
        assert_eq!(e.most, 896);
        let message = e.to_string();
        assert!(
            message.contains("at most 896") && message.contains("ulimit -n"),
            "{message}"
        );
    }

    #[test]
    fn at_the_cap_the_longest_idle_connection_is_shed_and_busy_ones_are_kept() {
        let conns = Conns::new(2);
        let (_, first) = conns.admit().unwrap();
        let (_, second) = conns.admit().unwrap();
        first.busy.store(1, Ordering::Relaxed);
        // The second is idle: shed for the third, though it is newer than the busy first.
        let (_, _third) = conns.admit().unwrap();
        assert!(second.shedding.load(Ordering::Relaxed));
        assert!(!first.shedding.load(Ordering::Relaxed));
        // Over the cap with nothing idle left to shed: refused.
        conns.open.lock().unwrap().values().for_each(|c| {
            c.busy.store(1, Ordering::Relaxed);
        });
        assert!(conns.admit().is_none());
        assert_eq!(conns.counts.shed.load(Ordering::Relaxed), 1);
    }
}
