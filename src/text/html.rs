//! HTML: job descriptions exported from web pages keep their tags and entities; the words
//! between them are what the later stages read.

use std::borrow::Cow;

/// Removes HTML tags and decodes entities; text without `<` or `&` is returned as is.
///
/// Tags become a space so that `a</li><li>b` stays two words. This is a tag stripper for job
/// descriptions exported from web pages, not an HTML parser: `<script>`/`<style>` bodies are
/// dropped, everything else between tags is kept.
pub fn strip_html(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if memchr::memchr(b'<', bytes).is_none() && !has_entity(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut closes = NextClose::default();
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match tag_end(after, text.len() - after.len(), &mut closes, bytes) {
            Some(close) => {
                out.push(' ');
                let name = &after.as_bytes()[..close];
                rest = &after[close + 1..];
                // Skip the body of <script> and <style>: code, not prose.
                for raw in ["script", "style"] {
                    if name.len() >= raw.len()
                        && name[..raw.len()].eq_ignore_ascii_case(raw.as_bytes())
                    {
                        rest = skip_to_closing(rest, raw);
                    }
                }
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if has_entity(&out) {
        Cow::Owned(html_escape::decode_html_entities(&out).replace('\u{a0}', " "))
    } else {
        Cow::Owned(out)
    }
}

/// True when `text` has something like an HTML entity (`&amp;`, `&#39;`): an `&` followed by a
/// letter or `#` and a `;` soon after. A bare "P&L" or "R & D" is not one, and costs no copy.
fn has_entity(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'&', bytes).any(|at| {
        let rest = &bytes[at + 1..bytes.len().min(at + 12)];
        rest.first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'#')
            && rest.contains(&b';')
    })
}

/// Longest tag we look for a `>` in; a `<` with no `>` this close is ordinary text, and the
/// bound keeps stripping linear on text full of stray `<`.
const MAX_TAG: usize = 1024;

/// Offset of the `>` closing a tag that starts right after a `<` (at byte `from` of `text`),
/// if `after` starts a tag ("< 5 years" and "a<b" do not).
fn tag_end(after: &str, from: usize, closes: &mut NextClose, text: &[u8]) -> Option<usize> {
    let first = *after.as_bytes().first()?;
    if !(first.is_ascii_alphabetic() || matches!(first, b'/' | b'!' | b'?')) {
        return None;
    }
    closes
        .at_or_after(text, from)
        .map(|close| close - from)
        .filter(|&offset| offset < MAX_TAG)
}

/// The first `>` at or after a place in the text, looked for again only once the place
/// passes it: text full of stray `<` ("a<b<c<d...") would otherwise look up to [`MAX_TAG`]
/// bytes ahead from each one.
#[derive(Default)]
struct NextClose {
    /// `Some(None)` once no `>` is left.
    found: Option<Option<usize>>,
}

impl NextClose {
    fn at_or_after(&mut self, text: &[u8], from: usize) -> Option<usize> {
        match self.found {
            Some(Some(close)) if close >= from => Some(close),
            Some(None) => None,
            _ => {
                let close = memchr::memchr(b'>', &text[from..]).map(|c| from + c);
                self.found = Some(close);
                close
            }
        }
    }
}

/// The text from the `</name` that closes a raw-text element (or all of it if none does).
fn skip_to_closing<'a>(rest: &'a str, name: &str) -> &'a str {
    let bytes = rest.as_bytes();
    let mut from = 0;
    while let Some(pos) = rest[from..].find("</") {
        let at = from + pos;
        let tag = &bytes[at + 2..];
        if tag.len() >= name.len() && tag[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return &rest[at..];
        }
        from = at + 2;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_tags_and_entities_are_stripped() {
        assert_eq!(strip_html("plain text"), Cow::Borrowed("plain text"));
        assert!(matches!(
            strip_html("P&L and R & D; AT&T"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            strip_html("Fish &amp; chips &#38; peas"),
            "Fish & chips & peas"
        );
        let s = strip_html("<p>Lead&nbsp;the <b>team</b></p><li>P&amp;L</li>");
        assert_eq!(
            s.split_whitespace().collect::<Vec<_>>(),
            ["Lead", "the", "team", "P&L"]
        );
        assert_eq!(strip_html("<style>p{x}</style>ok").trim(), "ok");
        assert_eq!(strip_html("a < 5 years"), "a < 5 years");
        assert_eq!(strip_html("<SCRIPT>x()</Script>y").trim(), "y");
        assert_eq!(
            strip_html("<unclosed tag and text").as_ref(),
            "<unclosed tag and text"
        );
    }

    #[test]
    fn a_tag_closes_within_its_longest_length_only() {
        let far = format!("<b{}> x", "a".repeat(MAX_TAG));
        assert_eq!(strip_html(&far), far.as_str());
        let near = format!("<b{}> x", "a".repeat(MAX_TAG - 2));
        assert_eq!(strip_html(&near), "  x");
        // A '<' before a letter opens a tag up to the next '>', wherever the '<' was found.
        assert_eq!(strip_html("a<b<c <i>d"), "a d");
        assert_eq!(strip_html("x<1<b>y"), "x<1 y");
    }
}
