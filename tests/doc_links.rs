//! The relative links of the documentation (README.md, docs/*.md, python/README.md) lead
//! somewhere: every `[text](path)` and `![alt](path)` names a file or directory that exists,
//! and a `path#anchor` (or `#anchor`) into a Markdown file names one of its headings, as
//! GitHub makes anchors of them. Links to other sites are not followed. Code blocks and inline
//! code are not read, so an example may show any bracket it likes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod common;

/// The lines of a Markdown text outside fenced code blocks.
fn prose(text: &str) -> Vec<&str> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m && trimmed.trim_end() == m => fence = None,
            (None, None) => out.push(line),
            _ => {}
        }
    }
    out
}

/// A line with its inline code spans blanked out.
fn without_code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(' ');
        } else {
            out.push(if in_code { ' ' } else { c });
        }
    }
    out
}

/// The targets of the inline links and images of a Markdown text, and of its reference
/// definitions (`[name]: target`).
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(text) {
        let line = without_code(line);
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if let Some(at) = trimmed.find("]: ") {
                out.push(
                    trimmed[at + 3..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string(),
                );
                continue;
            }
        }
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            // `[text](target "title")`: the target is the first word.
            let target = after[..end].split_whitespace().next().unwrap_or("");
            out.push(target.trim_matches(['<', '>']).to_string());
            rest = &after[end..];
        }
    }
    out
}

/// The anchors GitHub gives a Markdown file's headings: lower case, punctuation other than
/// `-` and `_` dropped, spaces as `-`, a repeated anchor numbered `-1`, `-2`...
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for line in prose(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let heading = line[hashes..].trim().trim_end_matches('#').trim();
        let slug: String = heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.push(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// What is wrong with the relative links of `file`, one line each.
fn broken_links(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let dir = file.parent().unwrap();
    let mut broken = Vec::new();
    for target in link_targets(&text) {
        if target.is_empty() {
            broken.push(format!("{}: an empty link", file.display()));
            continue;
        }
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target.as_str(), None),
        };
        let linked = if path.is_empty() {
            file.to_path_buf()
        } else {
            dir.join(path)
        };
        if !linked.exists() {
            broken.push(format!(
                "{}: ({target}): no file {}",
                file.display(),
                linked.display()
            ));
            continue;
        }
        if let Some(anchor) = anchor {
            if linked.extension().is_some_and(|e| e == "md") {
                let headings = anchors(&std::fs::read_to_string(&linked).unwrap());
                if !headings.iter().any(|h| h == anchor) {
                    broken.push(format!(
                        "{}: ({target}): {} has no heading #{anchor}",
                        file.display(),
                        linked.display()
                    ));
                }
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_of_the_documentation_leads_somewhere() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    let mut links = 0;
    for file in common::documents(&root) {
        assert!(file.exists(), "{} is missing", file.display());
        links += link_targets(&std::fs::read_to_string(&file).unwrap()).len();
        broken.extend(broken_links(&file));
    }
    assert!(
        links >= 20,
        "only {links} links read: is the parser reading them?"
    );
    assert!(
        broken.is_empty(),
        "{} broken link(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn readme_links_to_every_guide_in_docs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let targets = link_targets(&readme);
    for file in common::documents(&root) {
        let Ok(rel) = file.strip_prefix(&root) else {
            continue;
        };
        let rel = rel.to_str().unwrap();
        if rel == "README.md" {
            continue;
        }
        assert!(
            targets.iter().any(|t| t.split('#').next() == Some(rel)),
            "README.md does not link to {rel}"
        );
    }
}

#[test]
fn a_link_to_a_missing_file_or_heading_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("other.md"),
        "# Other page\n\n## Two answers: named, described\n\n## Two answers: named, described\n",
    )
    .unwrap();
    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "# Page\n\n\
         [ok](other.md) [ok](other.md#other-page) [ok](#page)\n\
         [ok](other.md#two-answers-named-described-1) ![ok](other.md \"a title\")\n\
         [site](https://example.com/missing.md) `[code](missing.md)`\n\
         ```\n[in a block](missing.md)\n```\n\
         [gone](missing.md)\n\
         [gone](other.md#no-such-heading)\n\
         [gone](#nowhere)\n\
         [ref]: also-missing.md\n",
    )
    .unwrap();
    let broken = broken_links(&page);
    assert_eq!(broken.len(), 4, "{broken:#?}");
    for (report, says) in broken.iter().zip([
        "no file",
        "has no heading #no-such-heading",
        "has no heading #nowhere",
        "no file",
    ]) {
        assert!(report.contains(says), "{report}");
    }
}
