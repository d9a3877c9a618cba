//! The OpenAPI document (src/serve/openapi.json) against the server it describes: the routes,
//! every answer's fields, the statuses and error codes. The document is written by hand; these
//! tests are what keeps it true, so a route, field, status or code added to the server without
//! it fails here. tests/openapi/run.sh then validates it and fuzzes the server from it.

#[path = "openapi/schema.rs"]
mod schema;
mod serve_support;

use regex::Regex;
use schema::Document;
use serde_json::{Value, json};
use serve_support::{Server, agent};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const TOKEN: &str = "openapi-test-token";
const VP: &str = "Reporting directly to the CEO, you will own the entire operational structure of \
                  the company, sit on the executive leadership team and set strategy across all \
                  regions. As VP of Operations you lead the regional directors.";
const HEAD: &str = "Supervise the day-to-day shift team on the warehouse floor; you report to the \
                    Director of Operations and keep the rota, safety checks and stock counts.";

/// The server's own source, for what no request can list: its routes, statuses and codes.
const SERVE_SOURCES: [&str; 4] = [
    include_str!("../src/serve/mod.rs"),
    include_str!("../src/serve/api.rs"),
    include_str!("../src/serve/batch.rs"),
    include_str!("../src/serve/error.rs"),
];

/// Statuses the document lists that no case below provokes, and why.
const NOT_PROVOKED: [(&str, u16, &str); 6] = [
    ("/api/classify", 408, "a JSON call is cut after 30 s"),
    ("/api/fit", 408, "a JSON call is cut after 30 s"),
    ("/api/title", 408, "a JSON call is cut after 30 s"),
    (
        "/api/classify",
        500,
        "a fault of the server's: none is known",
    ),
    ("/api/fit", 500, "a fault of the server's: none is known"),
    ("/api/batch", 500, "a fault of the server's: none is known"),
];

/// A reply: status, lower-case header names with their values, body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn call(server: &Server, method: &str, path: &str, body: Option<(&str, &[u8])>) -> Reply {
    let url = server.url(path);
    let auth = format!("Bearer {TOKEN}");
    let response = match (method, body) {
        ("GET", _) => agent().get(&url).header("Authorization", &auth).call(),
        ("POST", Some((content_type, body))) => agent()
            .post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", content_type)
            .send(body),
        ("POST", None) => agent()
            .post(&url)
            .header("Authorization", &auth)
            .send_empty(),
        _ => panic!("{method}"),
    };
    let mut response = response.expect("the request completes");
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .expect("the body reads");
    Reply {
        status: response.status().as_u16(),
        headers,
        body,
    }
}

fn post_json(server: &Server, path: &str, body: Value) -> Reply {
    call(
        server,
        "POST",
        path,
        Some(("application/json", body.to_string().as_bytes())),
    )
}

/// A request written on a socket as given, and its reply once the server closes.
fn raw(server: &Server, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(request).unwrap();
    read_reply(&mut stream)
}

fn read_reply(stream: &mut TcpStream) -> Reply {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a reply with a head");
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    // The error bodies read this way are one chunk: drop its size line.
    let body = if chunked {
        body.lines().nth(1).unwrap_or("").to_string()
    } else {
        body.to_string()
    };
    Reply {
        status,
        headers,
        body: body.into_bytes(),
    }
}

fn announce(server: &Server, path: &str, content_type: &str, len: usize) -> Reply {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    raw(server, request.as_bytes())
}

/// Checks a reply against what the document says `method path` answers with that status;
/// the problems found, empty when it conforms.
fn conformance(doc: &Document, method: &str, path: &str, reply: &Reply) -> Vec<String> {
    let Some(response) = doc.response(path, method, reply.status) else {
        return vec![format!("status {} is not documented", reply.status)];
    };
    let mut problems = Vec::new();
    for name in response["headers"]
        .as_object()
        .into_iter()
        .flat_map(|h| h.keys())
    {
        if reply.header(&name.to_ascii_lowercase()).is_none() {
            problems.push(format!("no {name} header"));
        }
    }
    let content_type = reply.header("content-type").unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let Some(media) = response["content"].get(essence) else {
        return vec![format!("Content-Type {content_type:?} is not documented")];
    };
    if essence == "application/json" {
        match serde_json::from_slice::<Value>(&reply.body) {
            Ok(body) => problems.extend(doc.check(&media["schema"], &body)),
            Err(e) => problems.push(format!("not JSON: {e}")),
        }
    }
    problems
}

#[test]
fn the_document_is_served_as_written_without_a_token() {
    let server = Server::start(&["--quiet", "--token", TOKEN]);
    let reply = agent()
        .get(&server.url("/api/openapi.json"))
        .call()
        .expect("answered");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["content-type"], "application/json");
    let served: Value = serde_json::from_slice(
        &reply
            .into_body()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .unwrap(),
    )
    .unwrap();
    let doc = Document::load();
    assert_eq!(served, doc.root);
    assert_eq!(doc.root["openapi"], "3.1.0");
    assert_eq!(doc.root["info"]["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn every_api_route_is_documented_and_every_documented_operation_is_served() {
    // The router cannot list its routes, so they are read from where it is built.
    let route = Regex::new(r#"\.route\(\s*"(/api/[^"]*)",\s*([a-z]+)\("#).unwrap();
    let routed: BTreeSet<(String, String)> = route
        .captures_iter(SERVE_SOURCES[0])
        .map(|c| (c[1].to_string(), c[2].to_ascii_uppercase()))
        .collect();
    let doc = Document::load();
    let documented: BTreeSet<(String, String)> = doc.operations().into_iter().collect();
    assert!(
        routed.len() >= 7,
        "the route pattern still reads mod.rs: {routed:?}"
    );
    assert_eq!(
        routed, documented,
        "routes in src/serve/mod.rs vs the document"
    );

    let server = Server::start(&["--quiet", "--token", TOKEN]);
    for (path, method) in &documented {
        let reply = call(&server, method, path, Some(("application/json", b"{}")));
        assert!(
            ![404, 405].contains(&reply.status),
            "{method} {path}: {}",
            reply.status
        );
        let other = if method == "GET" { "POST" } else { "GET" };
        assert_eq!(
            call(&server, other, path, None).status,
            405,
            "{other} {path} is served but not documented"
        );
    }
}

#[test]
fn the_ladder_in_the_document_is_the_ladder_the_server_answers_with() {
    let doc = Document::load();
    let schemas = &doc.root["components"]["schemas"];
    let server = Server::start(&["--quiet", "--token", TOKEN]);
    let version: Value =
        serde_json::from_slice(&call(&server, "GET", "/api/version", None).body).expect("JSON");
    assert_eq!(schemas["Level"]["enum"], version["levels"]);
    let keys: Vec<&String> = schemas["PerLevel"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(json!(keys), version["levels"]);
    assert_eq!(schemas["PerLevel"]["required"], version["levels"]);
}

#[test]
fn every_status_and_error_code_the_server_names_is_documented() {
    let doc = Document::load();
    let status = Regex::new(r"StatusCode::([A-Z_]+)").unwrap();
    let mut named: BTreeSet<u16> = BTreeSet::new();
    for source in SERVE_SOURCES {
        for c in status.captures_iter(source) {
            named.insert(match &c[1] {
                "OK" => 200,
                "BAD_REQUEST" => 400,
                "UNAUTHORIZED" => 401,
                "NOT_FOUND" => 404,
                "METHOD_NOT_ALLOWED" => 405,
                "REQUEST_TIMEOUT" => 408,
                "PAYLOAD_TOO_LARGE" => 413,
                "UNSUPPORTED_MEDIA_TYPE" => 415,
                "UNPROCESSABLE_ENTITY" => 422,
                "INTERNAL_SERVER_ERROR" => 500,
                "SERVICE_UNAVAILABLE" => 503,
                other => panic!(
                    "src/serve answers StatusCode::{other}: document it in openapi.json, then \
                     add it here"
                ),
            });
        }
    }
    // 404 and 405 answer paths and methods that are not operations, so no operation lists them.
    named.retain(|s| ![404, 405].contains(s));
    let documented: BTreeSet<u16> = doc.all_statuses().into_iter().collect();
    assert!(
        named.is_subset(&documented),
        "statuses in src/serve but in no operation: {:?}",
        named.difference(&documented).collect::<Vec<_>>()
    );

    // A code is the second argument of `ApiError::new`, or what a match arm gives for it.
    let code = Regex::new(r#"ApiError::new\(\s*[^,]+,\s*"([a-z_]+)"|=>\s*\{?\s*\(?\s*"([a-z_]+)""#)
        .unwrap();
    let codes: BTreeSet<String> = SERVE_SOURCES
        .iter()
        .flat_map(|source| code.captures_iter(source))
        .map(|c| c.get(1).or(c.get(2)).unwrap().as_str().to_string())
        .collect();
    let enumerated: BTreeSet<String> =
        doc.root["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
    assert_eq!(
        codes, enumerated,
        "error codes in src/serve vs the document"
    );
}

#[test]
fn every_answer_is_documented_and_matches_its_schema() {
    let doc = Document::load();
    let server = Server::start(&[
        "--quiet",
        "--token",
        TOKEN,
        "--max-upload",
        "1",
        "--stall-timeout",
        "1",
        "--batch-wait",
        "0",
    ]);
    let csv = format!("title,description\nVP Sales,\"{VP}\"\nShift lead,\"{HEAD}\"\n");
    let cases: Vec<(&str, &str, Reply)> = vec![
        (
            "GET",
            "/api/health",
            call(&server, "GET", "/api/health", None),
        ),
        (
            "GET",
            "/api/version",
            call(&server, "GET", "/api/version", None),
        ),
        (
            "GET",
            "/api/openapi.json",
            call(&server, "GET", "/api/openapi.json", None),
        ),
        (
            "POST",
            "/api/classify",
            post_json(&server, "/api/classify", json!({ "text": VP })),
        ),
        (
            "POST",
            "/api/classify",
            post_json(
                &server,
                "/api/classify",
                json!({ "text": HEAD, "title": "Shift Lead", "top": 0, "basis": "described" }),
            ),
        ),
        (
            "POST",
            "/api/classify",
            post_json(
                &server,
                "/api/classify",
                json!({ "text": VP, "title": null, "top": 20, "basis": null }),
            ),
        ),
        (
            "POST",
            "/api/fit",
            post_json(
                &server,
                "/api/fit",
                json!({ "text": VP, "title": "Head of Operations", "top": 2 }),
            ),
        ),
        (
            "POST",
            "/api/fit",
            post_json(
                &server,
                "/api/fit",
                json!({ "text": HEAD, "title": "Software Engineer", "min_confidence": 0.9 }),
            ),
        ),
        (
            "POST",
            "/api/title",
            post_json(
                &server,
                "/api/title",
                json!({ "title": "SVP, Global Sales" }),
            ),
        ),
        (
            "POST",
            "/api/title",
            post_json(&server, "/api/title", json!({ "title": "" })),
        ),
        (
            "POST",
            "/api/batch",
            call(
                &server,
                "POST",
                "/api/batch?basis=described&delimiter=%2C",
                Some(("text/csv", csv.as_bytes())),
            ),
        ),
        // Errors.
        (
            "POST",
            "/api/classify",
            call(
                &server,
                "POST",
                "/api/classify",
                Some(("application/json", b"{\"text\": ")),
            ),
        ),
        (
            "POST",
            "/api/fit",
            post_json(&server, "/api/fit", json!({ "text": VP })),
        ),
        (
            "POST",
            "/api/title",
            post_json(&server, "/api/title", json!({ "title": "VP", "x": 1 })),
        ),
        (
            "POST",
            "/api/batch",
            call(
                &server,
                "POST",
                "/api/batch?delimiter=ab",
                Some(("text/csv", csv.as_bytes())),
            ),
        ),
        (
            "POST",
            "/api/classify",
            post_json(&server, "/api/classify", json!({ "text": "xyzzy" })),
        ),
        (
            "POST",
            "/api/fit",
            post_json(&server, "/api/fit", json!({ "text": "", "title": "VP" })),
        ),
        (
            "POST",
            "/api/batch",
            call(
                &server,
                "POST",
                "/api/batch",
                Some(("text/csv", b"id,name\n1,x\n")),
            ),
        ),
        (
            "POST",
            "/api/classify",
            post_json(
                &server,
                "/api/classify",
                json!({ "text": "ops ".repeat(300_000) }),
            ),
        ),
    ];
    let mut cases = cases;
    for path in ["/api/classify", "/api/fit", "/api/title"] {
        cases.push((
            "POST",
            path,
            announce(&server, path, "application/json", 3 << 20),
        ));
        cases.push((
            "POST",
            path,
            call(&server, "POST", path, Some(("text/plain", b"{}"))),
        ));
    }
    cases.push((
        "POST",
        "/api/batch",
        announce(&server, "/api/batch", "text/csv", (1 << 20) + 10),
    ));
    cases.push((
        "POST",
        "/api/batch",
        call(
            &server,
            "POST",
            "/api/batch",
            Some(("application/json", b"{}")),
        ),
    ));
    // Without the token.
    for (path, method) in doc.operations() {
        let reply = raw(
            &server,
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Content-Length: 2\r\nConnection: close\r\n\r\n{{}}",
                server.addr()
            )
            .as_bytes(),
        );
        cases.push((leak(method), leak(path), reply));
    }
    // A batch that holds the slot: another upload is refused 503 at once (--batch-wait 0),
    // then the held one, silent for --stall-timeout, is answered 408.
    let mut held = TcpStream::connect(server.addr()).unwrap();
    write!(
        held,
        "POST /api/batch HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: text/csv\r\nContent-Length: 1000\r\nConnection: close\r\n\r\ndescription\n",
        server.addr()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    cases.push((
        "POST",
        "/api/batch",
        call(
            &server,
            "POST",
            "/api/batch",
            Some(("text/csv", csv.as_bytes())),
        ),
    ));
    cases.push(("POST", "/api/batch", read_reply(&mut held)));

    let mut seen: BTreeSet<(String, u16)> = BTreeSet::new();
    let mut failures = Vec::new();
    for (i, (method, path, reply)) in cases.iter().enumerate() {
        let path = path.split('?').next().unwrap();
        seen.insert((path.to_string(), reply.status));
        for problem in conformance(&doc, method, path, reply) {
            failures.push(format!(
                "case {i}, {method} {path} {}: {problem}\n  {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Every documented status is one a case above met, or is listed with why it is not.
    let mut unmet = Vec::new();
    for (path, method) in doc.operations() {
        for status in doc.statuses(&path, &method) {
            let excused = NOT_PROVOKED
                .iter()
                .any(|&(p, s, _)| p == path && s == status);
            if !seen.contains(&(path.clone(), status)) && !excused {
                unmet.push(format!("{method} {path} {status}"));
            }
        }
    }
    assert!(
        unmet.is_empty(),
        "documented but never answered here: {unmet:?}"
    );
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[test]
fn a_count_written_with_a_zero_fraction_is_that_count_as_json_schema_reads_it() {
    let server = Server::start(&["--quiet", "--token", TOKEN]);
    for path in ["/api/classify", "/api/fit"] {
        let body = |top: Value| json!({ "text": VP, "title": "VP of Sales", "top": top });
        let as_integer = post_json(&server, path, body(json!(2)));
        let as_float = post_json(&server, path, body(json!(2.0)));
        assert_eq!(as_integer.status, 200);
        assert_eq!(as_float.status, 200, "{path}");
        assert_eq!(as_float.body, as_integer.body);
        for bad in [json!(2.5), json!(-1), json!(21), json!(1e300), json!("2")] {
            let reply = post_json(&server, path, body(bad.clone()));
            let error: Value = serde_json::from_slice(&reply.body).unwrap();
            assert_eq!(
                (reply.status, &error["code"]),
                (400, &json!("bad_field")),
                "{bad}"
            );
        }
    }
}
