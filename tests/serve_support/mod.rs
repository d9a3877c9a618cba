//! A `joblevel serve` process on a free port, for the HTTP and browser tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// Everything the server wrote on stderr so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// `joblevel serve --addr 127.0.0.1:0 ARGS...`, once it says where it listens.
    pub fn start(args: &[&str]) -> Server {
        Server::try_start(args).unwrap_or_else(|log| panic!("server did not start: {log:?}"))
    }

    /// As [`Server::start`], or the server's stderr when it exits instead.
    pub fn try_start(args: &[&str]) -> Result<Server, Vec<String>> {
        Server::try_start_with(Command::new(env!("CARGO_BIN_EXE_joblevel")), args)
    }

    /// As [`Server::start`] in a process that may open at most `files` files (`ulimit -n`).
    pub fn start_with_file_limit(files: u64, args: &[&str]) -> Server {
        Server::try_start_with_file_limit(files, args)
            .unwrap_or_else(|log| panic!("server did not start: {log:?}"))
    }

    /// As [`Server::try_start`] with at most `files` open files.
    pub fn try_start_with_file_limit(files: u64, args: &[&str]) -> Result<Server, Vec<String>> {
        let mut command = Command::new("sh");
        // exec: the server is the child, so killing the child kills the server.
        command.args([
            "-c",
            "ulimit -n \"$0\" && exec \"$@\"",
            &files.to_string(),
            env!("CARGO_BIN_EXE_joblevel"),
        ]);
        Server::try_start_with(command, args)
    }

    fn try_start_with(mut command: Command, args: &[&str]) -> Result<Server, Vec<String>> {
        command.arg("serve");
        if !args.contains(&"--addr") {
            command.args(["--addr", "127.0.0.1:0"]);
        }
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("joblevel binary runs");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&log);
        // Drains stderr for the server's whole life, so its log never fills the pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let addr = line.find("http://").map(|at| {
                    line[at..]
                        .split(['/', ' '])
                        .take(3)
                        .collect::<Vec<_>>()
                        .join("/")
                });
                lines.lock().unwrap().push(line);
                if let Some(addr) = addr {
                    let _ = tx.send(addr);
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(base) => Ok(Server { child, base, log }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                // Give the reader thread a moment to collect the last lines.
                std::thread::sleep(Duration::from_millis(100));
                Err(log.lock().unwrap().clone())
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `127.0.0.1:PORT`, for raw sockets.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Waits up to `timeout` for a log line containing `needle`.
    pub fn wait_for_line(&self, needle: &str, timeout: Duration) -> Option<String> {
        let start = Instant::now();
        loop {
            if let Some(line) = self.log_lines().into_iter().find(|l| l.contains(needle)) {
                return Some(line);
            }
            if start.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stderr lines so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log has `n` lines or more (the log is written after the response).
    pub fn wait_for_log(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        while self.log_lines().len() < n && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.log_lines()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that returns 4xx and 5xx responses instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// `(status, body)` of a POST with a content type.
pub fn post(url: &str, content_type: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let response = agent()
        .post(url)
        .header("Content-Type", content_type)
        .send(body)
        .expect("request completes");
    read(response)
}

/// `(status, body)` of a GET.
pub fn get(url: &str) -> (u16, Vec<u8>) {
    read(agent().get(url).call().expect("request completes"))
}

pub fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, Vec<u8>) {
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .expect("body reads");
    (status, body)
}

/// `(status, parsed JSON)` of a JSON POST.
pub fn post_json(url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let (status, bytes) = post(url, "application/json", body.to_string().as_bytes());
    (
        status,
        serde_json::from_slice(&bytes).expect("the body is JSON"),
    )
}
