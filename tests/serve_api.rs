//! `joblevel serve` over real HTTP: every endpoint answers what the CLI prints, every error
//! has its status and a JSON `{error, code}`, the token and CORS switches, the batch round trip.

mod common;
mod serve_support;

use serde_json::{Value, json};
use serve_support::{Server, agent, get, post, post_json, read};
use std::io::{Read, Write};
use std::process::Command;

const VP: &str = "Reporting directly to the CEO, you will own the entire operational structure of \
                  the company, sit on the executive leadership team and set strategy across all \
                  regions with 15+ years of experience.";
const HEAD: &str = "Supervise the day-to-day shift team on the warehouse floor; you report to the \
                    Director of Operations and keep the rota, safety checks and stock counts.";

fn cli(args: &[&str], stdin: &str) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_joblevel"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap().stdout
}

fn cli_json(args: &[&str], stdin: &str) -> Value {
    serde_json::from_slice(&cli(args, stdin)).expect("the CLI prints JSON")
}

/// The JSON without the `spans` the API adds to evidence.
fn without_spans(mut v: Value) -> Value {
    match &mut v {
        Value::Object(map) => {
            map.remove("spans");
            for value in map.values_mut() {
                *value = without_spans(value.take());
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                *item = without_spans(item.take());
            }
        }
        _ => {}
    }
    v
}

fn error_of(status: u16, body: &Value) -> (u16, &str) {
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    (status, body["code"].as_str().unwrap_or("?"))
}

#[test]
fn classify_answers_what_classify_json_prints_with_the_spans_of_each_term() {
    let server = Server::start(&["--quiet"]);
    let (status, body) = post_json(
        &server.url("/api/classify"),
        &json!({ "text": VP, "top": 3 }),
    );
    assert_eq!(status, 200);
    assert_eq!(
        without_spans(body.clone()),
        cli_json(&["classify", "--format", "json", "--top", "3"], VP)
    );
    assert_eq!(body["basis"], "described");
    let evidence = body["described"]["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|e| e["term"] == "cue:reports_to_ceo"));
    for e in evidence {
        let spans = e["spans"].as_array().unwrap();
        assert!(!spans.is_empty(), "{e}");
        for span in spans {
            let (start, end) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            let words = VP[start..end].to_lowercase();
            if e["term"] == "cue:reports_to_ceo" {
                assert_eq!(&VP[start..end], "Reporting directly to the CEO");
            } else if !e["term"].as_str().unwrap().starts_with("cue:") {
                // A stem may end in a letter the word does not ("company" -> "compani").
                let first = e["term"].as_str().unwrap().split(' ').next().unwrap();
                let stem_root = &first[..first.len().saturating_sub(1).max(1)];
                assert!(words.starts_with(stem_root), "{words:?} for {e}");
            }
        }
    }
}

#[test]
fn classify_reads_the_named_level_and_a_given_title_wins() {
    let server = Server::start(&["--quiet"]);
    let text = format!("As Director of Operations you will lead. {HEAD}");
    let (status, body) = post_json(
        &server.url("/api/classify"),
        &json!({ "text": text, "title": "Director of Operations" }),
    );
    assert_eq!(status, 200);
    assert_eq!(
        without_spans(body.clone()),
        cli_json(
            &[
                "classify",
                "--format",
                "json",
                "--title",
                "Director of Operations"
            ],
            &text
        )
    );
    assert_eq!(
        (body["level"].as_str(), body["basis"].as_str()),
        (Some("director"), Some("named"))
    );
    // Without a title the posting's own words name it; the named title's bytes are given.
    let (_, body) = post_json(&server.url("/api/classify"), &json!({ "text": text }));
    assert_eq!(
        without_spans(body.clone()),
        cli_json(&["classify", "--format", "json"], &text)
    );
    let named = &body["named"];
    let (start, end) = (
        named["start"].as_u64().unwrap() as usize,
        named["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "Director of Operations");
    assert_eq!(body["level"], "director");
    assert_eq!(body["described"]["level"], "head");
    // Highlights are what was scored: the named title is masked, its words are not evidence.
    for e in body["described"]["evidence"].as_array().unwrap() {
        if !e["term"].as_str().unwrap().starts_with("cue:") {
            assert_eq!(
                e["spans"].as_array().unwrap().len() as u64,
                e["count"].as_u64().unwrap(),
                "{e}"
            );
            for span in e["spans"].as_array().unwrap() {
                assert!(
                    span[0].as_u64().unwrap() as usize >= end,
                    "{e} inside the named title"
                );
            }
        }
    }
    assert!(
        body["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("over-titled")),
        "{body}"
    );
    // basis=described answers as `classify --basis described`.
    let (_, body) = post_json(
        &server.url("/api/classify"),
        &json!({ "text": text, "basis": "described" }),
    );
    assert_eq!(
        without_spans(body),
        cli_json(
            &["classify", "--format", "json", "--basis", "described"],
            &text
        )
    );
}

#[test]
fn fit_and_title_answer_what_the_cli_prints() {
    let server = Server::start(&["--quiet"]);
    let (status, body) = post_json(
        &server.url("/api/fit"),
        &json!({ "text": HEAD, "title": "VP, Operations" }),
    );
    assert_eq!(status, 200);
    assert_eq!(body["verdict"], "over-titled");
    assert_eq!(
        without_spans(body),
        cli_json(
            &["fit", "--format", "json", "--title", "VP, Operations"],
            HEAD
        )
    );
    let (status, body) = post_json(
        &server.url("/api/title"),
        &json!({ "title": "Sr. Director of Ops (Remote)" }),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        cli_json(
            &["title", "--format", "json", "Sr. Director of Ops (Remote)"],
            ""
        )
    );
    assert_eq!(body["level"], "director");
}

#[test]
fn health_and_version_say_what_is_running() {
    let server = Server::start(&["--quiet"]);
    let (status, body) = get(&server.url("/api/health"));
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body, json!({ "status": "ok", "token_required": false }));
    let (status, body) = get(&server.url("/api/version"));
    assert_eq!(status, 200);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["model"]["name"], "default");
    assert!(
        body["model"]["trained_on"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(body["levels"], json!(RUNGS));
    // The rungs answered: the model's, among those `serve --levels` allows.
    let answers = body["answers"].as_array().unwrap();
    assert!(answers.len() >= 3 && answers.iter().all(|a| RUNGS.contains(&a.as_str().unwrap())));
}

/// The ladder, lowest first: the keys of every answer's probabilities and scores.
const RUNGS: [&str; 5] = ["individual", "head", "director", "vp", "executive"];

/// An individual contributor's posting and a chief executive's, from tests/data/five_rungs.csv.
const BARISTA: &str = "Make coffee for customers, keep the bar clean and take payments at the \
                       till. You report to the shift supervisor.";
const CEO: &str = "Reporting to the board of directors, you lead the whole organisation, own its \
                   P&L and chair the executive committee.";

#[test]
fn the_api_answers_on_the_rungs_the_server_was_started_with() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::five_rung_model(dir.path());
    let model = model.to_str().unwrap();
    for (levels, answered) in [
        ("five", &RUNGS[..]),
        ("three", &["head", "director", "vp"][..]),
    ] {
        let server = Server::start(&["--quiet", "--model", model, "--levels", levels]);
        let (_, version) = get(&server.url("/api/version"));
        let version: Value = serde_json::from_slice(&version).unwrap();
        assert_eq!(version["levels"], json!(RUNGS));
        assert_eq!(version["answers"], json!(answered), "--levels {levels}");
        for text in [BARISTA, CEO] {
            let (status, body) = post_json(&server.url("/api/classify"), &json!({ "text": text }));
            assert_eq!(status, 200);
            assert_eq!(
                without_spans(body.clone()),
                cli_json(
                    &[
                        "classify", "--format", "json", "--model", model, "--levels", levels
                    ],
                    text
                )
            );
            let p = body["described"]["probabilities"].as_object().unwrap();
            assert_eq!(p.len(), 5, "{body}");
            for rung in RUNGS {
                assert_eq!(
                    p[rung].as_f64().unwrap() > 0.0,
                    answered.contains(&rung),
                    "{body}"
                );
            }
            assert!(
                answered.contains(&body["level"].as_str().unwrap()),
                "{body}"
            );
            let (status, fit) = post_json(
                &server.url("/api/fit"),
                &json!({ "text": text, "title": "Head of Operations" }),
            );
            assert_eq!(status, 200);
            assert_eq!(
                without_spans(fit),
                cli_json(
                    &[
                        "fit",
                        "--format",
                        "json",
                        "--model",
                        model,
                        "--levels",
                        levels,
                        "--title",
                        "Head of Operations"
                    ],
                    text
                )
            );
        }
    }
}

#[test]
fn a_csv_batch_comes_back_byte_for_byte_as_joblevel_batch_writes_it() {
    let server = Server::start(&["--quiet"]);
    let root = env!("CARGO_MANIFEST_DIR");
    let postings = std::fs::read(format!("{root}/corpora/postings.csv")).unwrap();
    // A record with a missing field, one with empty text and a quoted multi-line field.
    let mut odd = b"title,description\n\"VP, Ops\",\"Report to the CEO.\nOwn operations.\"\nHead of Ops\nDirector,\"\"\n".to_vec();
    odd.extend(format!("Head of Operations,\"{HEAD}\"\n").bytes());
    let export = std::fs::read(format!("{root}/tests/data/batch/export.csv")).unwrap();
    for (csv, query, flags) in [
        (&postings, "", vec![]),
        (&odd, "", vec![]),
        (&export, "?delimiter=%3B", vec!["--delimiter", ";"]),
        (&postings, "?basis=described", vec!["--basis", "described"]),
    ] {
        let (status, body) = post(&server.url(&format!("/api/batch{query}")), "text/csv", csv);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let mut args = vec!["batch", "-q"];
        args.extend(flags);
        let expected = cli(&args, std::str::from_utf8(csv).unwrap());
        assert!(expected.len() > csv.len() / 2);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}

/// The reply to an upload whose headers announce `len` bytes, before any is sent: the
/// limit answers from the headers (a client sending the body could see the socket close).
fn announce(server: &Server, path: &str, content_type: &str, len: usize) -> Reply {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {len}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let text = String::from_utf8_lossy(&reply);
    let status = text[9..12].parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // A chunked body is one chunk here: strip its size lines.
    let body = if text
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body.lines().nth(1).unwrap_or("").to_string()
    } else {
        body.to_string()
    };
    (status, body.into_bytes())
}

/// `(status, body)` as the test client reads it.
type Reply = (u16, Vec<u8>);

#[test]
fn a_gzipped_batch_download_ends_cleanly() {
    let server = Server::start(&["--quiet"]);
    let csv = format!("description\n\"{VP}\"\n\"{HEAD}\"\n");
    let response = agent()
        .post(&server.url("/api/batch"))
        .header("Content-Type", "text/csv")
        .header("Accept-Encoding", "gzip")
        .send(csv.as_bytes())
        .unwrap();
    assert_eq!(response.headers().get("content-encoding").unwrap(), "gzip");
    let (status, body) = read(response);
    assert_eq!(status, 200);
    assert_eq!(&body[..2], &[0x1f, 0x8b]);
    // The server is still well: a body polled past its end once brought a worker down.
    assert_eq!(get(&server.url("/api/health")).0, 200);
}

#[test]
fn every_error_has_its_status_and_a_json_reason() {
    let server = Server::start(&["--quiet", "--max-upload", "1"]);
    let classify = server.url("/api/classify");
    let cases: Vec<(u16, &str, Reply)> = vec![
        (
            400,
            "bad_json",
            post(&classify, "application/json", b"{\"text\": "),
        ),
        (
            400,
            "bad_field",
            post(&classify, "application/json", b"{\"title\": \"VP\"}"),
        ),
        (
            400,
            "bad_field",
            post(&classify, "application/json", b"{\"text\": 7}"),
        ),
        (
            400,
            "bad_field",
            post(
                &classify,
                "application/json",
                b"{\"text\": \"ops\", \"txet\": 1}",
            ),
        ),
        (
            400,
            "bad_field",
            post(
                &classify,
                "application/json",
                json!({"text": VP, "top": 99}).to_string().as_bytes(),
            ),
        ),
        (
            400,
            "bad_field",
            post(
                &server.url("/api/fit"),
                "application/json",
                json!({"text": VP}).to_string().as_bytes(),
            ),
        ),
        (
            400,
            "bad_field",
            post(
                &server.url("/api/batch?delimiter=ab"),
                "text/csv",
                b"description\nops\n",
            ),
        ),
        (
            413,
            "too_large",
            post(
                &classify,
                "application/json",
                json!({"text": "ops ".repeat(300_000)})
                    .to_string()
                    .as_bytes(),
            ),
        ),
        (
            413,
            "too_large",
            announce(&server, "/api/classify", "application/json", 3 << 20),
        ),
        (
            413,
            "too_large",
            announce(&server, "/api/batch", "text/csv", (1 << 20) + 10),
        ),
        (
            415,
            "unsupported_media_type",
            post(
                &classify,
                "text/plain",
                json!({"text": VP}).to_string().as_bytes(),
            ),
        ),
        (
            415,
            "unsupported_media_type",
            post(
                &server.url("/api/batch"),
                "application/json",
                b"description\nops\n",
            ),
        ),
        (
            422,
            "unusable_text",
            post(&classify, "application/json", b"{\"text\": \"\"}"),
        ),
        (
            422,
            "unusable_text",
            post(&classify, "application/json", b"{\"text\": \" -- \\n \"}"),
        ),
        (
            422,
            "unusable_text",
            post(
                &classify,
                "application/json",
                b"{\"text\": \"PK\\u0000\\u0003 binary\"}",
            ),
        ),
        (
            422,
            "unusable_csv",
            post(&server.url("/api/batch"), "text/csv", b""),
        ),
        (
            422,
            "unusable_csv",
            post(&server.url("/api/batch"), "text/csv", b"id,name\n1,x\n"),
        ),
        (404, "not_found", get(&server.url("/api/nothing"))),
        (405, "method_not_allowed", get(&classify)),
    ];
    for (i, (status, code, (got, body))) in cases.into_iter().enumerate() {
        let body: Value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("case {i}: not JSON: {}", String::from_utf8_lossy(&body)));
        assert_eq!(error_of(got, &body), (status, code), "case {i}: {body}");
    }
}

#[test]
fn with_a_token_the_api_needs_it_and_the_page_does_not() {
    let server = Server::start(&["--quiet", "--token", "s3cret-token"]);
    let body = json!({ "text": VP }).to_string();
    let call = |auth: Option<&str>| {
        let mut request = agent()
            .post(&server.url("/api/classify"))
            .header("Content-Type", "application/json");
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send(body.as_bytes()).unwrap();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string());
        let (status, body) = read(response);
        (
            status,
            challenge,
            serde_json::from_slice::<Value>(&body).unwrap(),
        )
    };
    let (status, challenge, body) = call(None);
    assert_eq!(
        (status, challenge.as_deref(), body["code"].as_str()),
        (401, Some("Bearer"), Some("unauthorized"))
    );
    assert_eq!(call(Some("Bearer s3cret-tokeN")).0, 401);
    assert_eq!(call(Some("Bearer s3cret")).0, 401);
    assert_eq!(call(Some("s3cret-token")).0, 401);
    let (status, _, body) = call(Some("Bearer s3cret-token"));
    assert_eq!((status, body["level"].as_str()), (200, Some("vp")));
    let (status, batch) = read(
        agent()
            .post(&server.url("/api/batch"))
            .header("Content-Type", "text/csv")
            .send(&b"description\nops\n"[..])
            .unwrap(),
    );
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&batch));
    assert_eq!(get(&server.url("/")).0, 200);
    let (status, health) = get(&server.url("/api/health"));
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&health).unwrap()["token_required"],
        true
    );
}

#[test]
fn another_address_needs_a_token_or_an_explicit_no_auth() {
    let refused = Server::try_start(&["--addr", "0.0.0.0:0"])
        .err()
        .expect("refused to start");
    assert!(
        refused
            .iter()
            .any(|l| l.contains("not a loopback address") && l.contains("--token")),
        "{refused:?}"
    );
    let open = Server::start(&["--addr", "0.0.0.0:0", "--no-auth", "--quiet"]);
    assert!(
        open.log_lines()[0].contains("NO AUTH"),
        "{:?}",
        open.log_lines()
    );
    let guarded = Server::start(&["--addr", "0.0.0.0:0", "--token", "t", "--quiet"]);
    assert!(guarded.log_lines()[0].contains("Bearer"));
    assert!(Server::start(&["--quiet"]).log_lines()[0].contains("loopback only"));
}

#[test]
fn cors_headers_only_with_cors() {
    let origin = "https://ats.example.com";
    let ask = |server: &Server| {
        let response = agent()
            .post(&server.url("/api/title"))
            .header("Content-Type", "application/json")
            .header("Origin", origin)
            .send(&br#"{"title": "VP Ops"}"#[..])
            .unwrap();
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(ask(&Server::start(&["--quiet"])), None);
    assert_eq!(
        ask(&Server::start(&["--quiet", "--cors", origin])).as_deref(),
        Some(origin)
    );
}

#[test]
fn posting_markup_comes_back_as_data_and_the_page_never_parses_text_as_html() {
    let server = Server::start(&["--quiet"]);
    let text = format!("<script>alert('x')</script><img src=x onerror=\"alert(1)\"> {VP}");
    let (status, body) = post_json(&server.url("/api/classify"), &json!({ "text": text }));
    assert_eq!((status, body["level"].as_str()), (200, Some("vp")));
    // Spans index the text as sent, skipping the markup.
    for e in body["described"]["evidence"].as_array().unwrap() {
        for span in e["spans"].as_array().unwrap() {
            assert!(span[0].as_u64().unwrap() as usize > text.find("</script>").unwrap());
        }
    }
    let response = agent().get(&server.url("/")).call().unwrap();
    let csp = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let (status, page) = read(response);
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("<script src=\"/page.js\"") && !page.contains("http"),
        "the page loads nothing from elsewhere"
    );
    let (_, js) = get(&server.url("/page.js"));
    let js = String::from_utf8(js).unwrap();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!js.contains(sink), "page.js uses {sink}");
    }
}

#[test]
fn one_log_line_per_request_unless_quiet() {
    let server = Server::start(&[]);
    post_json(&server.url("/api/title"), &json!({ "title": "VP" }));
    get(&server.url("/api/nothing"));
    let lines = server.wait_for_log(3);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[1].starts_with("POST /api/title 200 ") && lines[1].ends_with("ms"),
        "{lines:?}"
    );
    assert!(lines[2].starts_with("GET /api/nothing 404 "), "{lines:?}");
    let quiet = Server::start(&["--quiet"]);
    post_json(&quiet.url("/api/title"), &json!({ "title": "VP" }));
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(quiet.log_lines().len(), 1);
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let mut server = Server::start(&["--quiet"]);
    let csv = format!("description\n\"{VP}\"\n\"{HEAD}\"\n");
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /api/batch HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        csv.len()
    )
    .unwrap();
    stream.write_all(&csv.as_bytes()[..20]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    stream.write_all(&csv.as_bytes()[20..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(",vp,") && response.contains(",head,"),
        "{response}"
    );
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        server
            .log_lines()
            .iter()
            .any(|l| l.contains("shutting down"))
    );
}

/// The curl commands of the serve guide (docs/serve.md), as (path, content type, body).
fn readme_curls() -> Vec<(String, Option<String>, Option<Vec<u8>>)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/docs/serve.md")).unwrap();
    let joined = readme.replace("\\\n", " ");
    let quoted = |line: &str, flag: &str| -> Option<String> {
        let at = line.find(&format!("{flag} '"))? + flag.len() + 2;
        Some(line[at..at + line[at..].find('\'')?].to_string())
    };
    joined
        .lines()
        .filter(|l| l.starts_with("curl -s localhost:8080/"))
        .map(|line| {
            let path = line["curl -s localhost:8080".len()..]
                .split(' ')
                .next()
                .unwrap()
                .to_string();
            let content_type =
                quoted(line, "-H").map(|h| h.trim_start_matches("Content-Type: ").to_string());
            let body = quoted(line, "-d").map(String::into_bytes).or_else(|| {
                let file = line.split("--data-binary @").nth(1)?.split(' ').next()?;
                Some(std::fs::read(format!("{root}/{file}")).unwrap())
            });
            (path, content_type, body)
        })
        .collect()
}

#[test]
fn the_readme_curl_examples_work() {
    let server = Server::start(&["--quiet"]);
    let curls = readme_curls();
    assert_eq!(curls.len(), 6, "{curls:?}");
    for (path, content_type, body) in curls {
        let (status, reply) = match (content_type, body) {
            (Some(ct), Some(body)) => post(&server.url(&path), &ct, &body),
            _ => get(&server.url(&path)),
        };
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&reply));
        if path != "/api/batch" {
            let _: Value = serde_json::from_slice(&reply).expect("JSON");
        } else {
            assert!(reply.starts_with(b"title,") || reply.contains(&b'\n'));
        }
    }
}

#[test]
fn single_requests_are_answered_while_a_batch_is_in_flight() {
    let server = Server::start(&["--quiet"]);
    let csv = format!("description\n\"{VP}\"\n\"{HEAD}\"\n");
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut upload = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        upload,
        "POST /api/batch HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        csv.len()
    )
    .unwrap();
    // Half the file: the batch holds its pool and waits for the rest.
    upload.write_all(&csv.as_bytes()[..csv.len() / 2]).unwrap();
    upload.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    for _ in 0..20 {
        let (status, body) = post_json(&server.url("/api/classify"), &json!({ "text": HEAD }));
        assert_eq!(
            (status, body["described"]["level"].as_str()),
            (200, Some("head"))
        );
    }
    upload.write_all(&csv.as_bytes()[csv.len() / 2..]).unwrap();
    let mut response = String::new();
    upload.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200") && response.contains(",vp,"),
        "{response}"
    );
}
