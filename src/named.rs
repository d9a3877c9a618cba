//! The named level: where a posting names the role it hires for, and the level of that title.
//!
//! Most postings say what they hire: "Director of Operations" on the first line, "Job Title:
//! Head of Finance", "As our VP of Operations, you will...", "We are seeking a Head of People".
//! That is the strongest evidence of the posting's level; [`read`] finds it and reads its
//! level with [`title::parse`], so a named title and a title column follow the same rules.
//!
//! The reader looks only where a level word is: a cheap literal search finds "director",
//! "VP", "vice president", "head", "operations manager/lead"; around each one it takes the
//! title (the words that belong to it) and the words just before and after, and asks the
//! tables below whether the posting speaks of *itself* there:
//!
//! 1. the title opens the posting (its first line, or a line of its own among the first
//!    [`FIRST_LINES`] lines);
//! 2. a labelled field names it ([`LABELS`]: "Job Title:", "Position:", "Role:"...);
//! 3. a self-reference comes before it ([`SELF_BEFORE`]: "As our X", "We are seeking a X",
//!    "Join us as X", "the role of X");
//! 4. it opens a clause and a self-reference follows ([`SELF_AFTER`]: "The X will", "The X is
//!    responsible", "X - Job Description").
//!
//! Mentions of other roles never count: a cue of [`OTHER_ROLE`] right before the title
//! (reporting lines, partners, direct reports, the board, past roles) vetoes it, as does a
//! possessive ("the VP's"), a company name ([`NOT_A_TITLE`]) or a non-English title. When the
//! posting names itself with two different levels, or with a title that names no level
//! ("Executive Director"), there is no named level, and the reason says which.

use crate::level::Level;
use crate::title;
use std::cell::Cell;
use std::fmt;
use std::sync::LazyLock;

/// The level a posting gives itself, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NamedLevel {
    pub level: Level,
    /// The title as written in the text (or as given, for a title column).
    pub title: String,
    /// Byte offsets of `title` in the text read: `text[start..end] == title`. A title given
    /// apart from the text (a title column, `--title`) is located at its first occurrence in
    /// the text, ASCII case ignored; `start == end == 0` when it does not occur there.
    pub start: usize,
    pub end: usize,
    /// Where it was found and what the title parser made of it, in words.
    pub reason: String,
}

/// Why a posting has no named level.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoNamedLevel {
    pub reason: String,
}

impl fmt::Display for NoNamedLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Lines at the top of a posting where a line holding only a title names the posting
/// ("ACME Logistics\nDirector of Operations\nLocation: ..."). Further down, such a line is
/// more often a heading or a list of other roles.
pub const FIRST_LINES: usize = 3;

/// Field labels whose value is the posting's own title, matched before a colon or a dash
/// ("Job Title: Head of Finance", "Position - Director of Operations"). Longest first.
pub const LABELS: &[&str] = &[
    "job posting title",
    "position title",
    "job title",
    "post title",
    "role title",
    "job posting",
    "vacancy title",
    "vacancy",
    "position",
    "title",
    "role",
    "post",
    "job",
];

/// Words right before a title (after an optional article or possessive: a, an, the, our)
/// that make it the posting's own: "As our VP", "We are seeking a Director", "Join us as Head
/// of People", "the role of Director". Multi-word cues are matched whole.
pub const SELF_BEFORE: &[&str] = &[
    "as",
    "seeking",
    "seeks",
    "seek",
    "looking for",
    "look for",
    "hiring",
    "hires",
    "hire",
    "recruiting",
    "recruit",
    "recruits",
    "searching for",
    "search for",
    "in search of",
    "opening for",
    "vacancy for",
    "role of",
    "position of",
    "post of",
    "title of",
    "appoint",
    "appointing",
    "appointment of",
    "you will be",
    "you'll be",
    "you are",
    "become",
    "becoming",
    "welcome",
    "apply to be",
    "applications for",
    "candidates for",
    "needs",
    "need",
    "wants",
    "is hiring",
    "opportunity for",
    "arisen for",
    "need for",
    "hunt for",
    "vacancy of",
    "recruiting for",
    "recruit for",
    "invited for",
    "interested in",
    "are you",
    "want",
    "hearing from",
    "hiring for",
    "function of",
    "purpose of",
];

/// Words before a self-reference cue that turn it into something else: "such as the VP",
/// "experience as a Director" (a past role of the candidate), "served as Head".
pub const NOT_SELF_BEFORE_CUE: &[&str] = &[
    "such",
    "well",
    "same",
    "experience",
    "experienced",
    "worked",
    "working",
    "served",
    "serving",
    "previously",
    "formerly",
    "known",
    "acting",
    "years",
    "time",
    "tenure",
    "career",
    "background",
];

/// What follows a title that opens a clause (after an optional "the", "our", "this") when the
/// posting speaks of itself: "The Director of Operations will...", "Our Head of People is
/// responsible for...", "Director of Finance - Job Description".
pub const SELF_AFTER: &[&str] = &[
    "will",
    "shall",
    "is responsible",
    "is accountable",
    "is expected",
    "is a key",
    "is the",
    "is an",
    "is a",
    "is part of",
    "has",
    "leads",
    "oversees",
    "manages",
    "directs",
    "provides",
    "ensures",
    "serves",
    "plays",
    "works",
    "develops",
    "drives",
    "owns",
    "reports to",
    "reports directly",
    "reports into",
    "must",
    "role",
    "position",
    "job description",
    "- job description",
    "job summary",
    "role summary",
    "role profile",
    "job profile",
    "person specification",
    "opportunity",
    "vacancy",
    "wanted",
    // Any verb in the present tense: "The Director *oversees*...", "*harnesses*".
    "*s",
];

/// Labels of a contact person's details: a title field under them is the contact's title.
pub const CONTACT_LABELS: &[&str] = &["name:", "name -", "contact:", "email", "tel"];

/// What follows "The X" when X is someone the post holder works for or with, not the post:
/// "The Director of Operations will be your line manager", "... is your mentor".
pub const NOT_SELF_AFTER: &[&str] = &[
    "will be your",
    "is your",
    "will support you",
    "will guide you",
    "will mentor you",
    "will work with you",
    "will train you",
];

/// Words right before a title that make it another role: reporting lines, partners, direct
/// reports, the board, past roles. They veto the title even when a self-reference cue is
/// further back ("We are seeking a Director who reports to the VP": the VP is not this role).
pub const OTHER_ROLE: &[&str] = &[
    "report to",
    "reports to",
    "reporting to",
    "reports into",
    "reporting into",
    "report into",
    "reports directly to",
    "reporting directly to",
    "report directly to",
    "accountable to",
    "responsible to",
    "answerable to",
    "direction of",
    "supervision of",
    "leadership of",
    "guidance of",
    "managed by",
    "led by",
    "supervised by",
    "directed by",
    "appointed by",
    "hired by",
    "partner with",
    "partners with",
    "partnering with",
    "partner to",
    "alongside",
    "work with",
    "works with",
    "working with",
    "work closely with",
    "works closely with",
    "working closely with",
    "collaborate with",
    "collaborates with",
    "collaborating with",
    "liaise with",
    "liaising with",
    "support",
    "supports",
    "supporting",
    "assist",
    "assists",
    "assisting",
    "deputise for",
    "deputize for",
    "deputy to",
    "include",
    "includes",
    "including",
    "such as",
    "former",
    "formerly",
    "previous",
    "previously",
    "board",
    "other",
    "fellow",
    "peer",
    "peers",
    "with",
    "to",
    "from",
    "by",
];

/// Words that show a "title" is a company or a place, not a post: "Director Systems Ltd".
pub const NOT_A_TITLE: &[&str] = &[
    "ltd",
    "ltd.",
    "limited",
    "inc",
    "inc.",
    "llc",
    "plc",
    "gmbh",
    "corp",
    "corp.",
    "co.",
    "corporation",
    "company",
    "s.a.",
    "srl",
    "pty",
];

/// Function words of other languages: a title holding one is not read ("Director de
/// Operaciones", "Directeur des opérations", "Leiter der Logistik"). The title parser knows
/// English titles only.
pub const NOT_ENGLISH: &[&str] = &[
    "de", "des", "du", "la", "le", "les", "del", "y", "et", "und", "der", "die", "das", "für",
    "di", "della", "e", "en", "para", "pour", "van", "het", "och", "da", "do", "dos",
];

/// Articles and possessives allowed between a cue and its title ("seeking *an* experienced
/// Director", "As *our* VP").
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "our", "this", "your", "its", "their", "new",
];

/// Words that end a title on its right ("Director of Operations *who*...", "*will*").
const TITLE_ENDS: &[&str] = &[
    "to",
    "who",
    "whom",
    "whose",
    "that",
    "which",
    "will",
    "shall",
    "would",
    "is",
    "are",
    "was",
    "were",
    "be",
    "has",
    "have",
    "with",
    "at",
    "in",
    "based",
    "join",
    "joining",
    "you",
    "your",
    "we",
    "our",
    "the",
    "a",
    "an",
    "this",
    "responsible",
    "reporting",
    "reports",
    "report",
    "located",
    "position",
    "role",
    "job",
    "description",
    "leads",
    "oversees",
    "manages",
    "serves",
    "must",
    "should",
    "can",
    "within",
    "on",
    "from",
    "by",
    "as",
    "where",
    "when",
    "if",
    "or",
    "to",
    "for",
    "provides",
    "ensures",
    "directs",
    "plays",
    "works",
    "owns",
    "drives",
    "develops",
    "opportunity",
    "vacancy",
    "wanted",
    "summary",
    "profile",
    "person",
    "specification",
    "level",
    "candidate",
    "candidates",
    "team",
    "teams",
    "department",
];

/// The words of [`TITLE_ENDS`] that end a title even capitalised ("Director of Operations
/// Reporting to..."); other capitalised words belong to it ("Michigan Department of State").
const CAPITAL_ENDS: &[&str] = &[
    "the",
    "a",
    "an",
    "our",
    "your",
    "this",
    "we",
    "you",
    "who",
    "will",
    "is",
    "are",
    "join",
    "reporting",
    "reports",
    "based",
    "location",
    "salary",
    "job",
    "role",
    "position",
];

/// At most this many words are taken left of a level word into its title
/// ("Senior Associate Director"), and right of it ("of Global Supply Chain Operations").
const LEFT_WORDS: usize = 5;
const RIGHT_WORDS: usize = 8;

/// The level words the reader looks around, matched ignoring ASCII case at the start of a
/// word; the end of the word is checked in code, so "DirectorLocation:" (fields run together in some exports)
/// still counts and "MVP" does not. "Manager" counts only before a separator ("Manager,
/// Conference Operations"), "Dir" only abbreviated ("Dir.", "Dir,"). "Directors" counts: a
/// posting may hire several ("We are seeking State Directors").
pub const ANCHORS: &[&str] = &[
    "vp",
    "svp",
    "evp",
    "v.p.",
    "v. p.",
    "vice president",
    "vice-president",
    "director",
    "directors",
    "dir",
    "head",
    "operations manager",
    "operation manager",
    "operations lead",
    "operation lead",
    "ops manager",
    "manager",
];

/// The end of the longest level word starting at byte `i` (ignoring ASCII case), if a word
/// starts there. The scan costs about a byte per cycle: cheaper than a general literal search,
/// whose fingerprints keep firing on common English letter pairs.
fn anchor_at(bytes: &[u8], i: usize) -> Option<usize> {
    // The second letter rules out nearly every word ("of", "our", "sales", "ensure").
    let second = bytes.get(i + 1)?.to_ascii_lowercase();
    if !ANCHORS
        .iter()
        .any(|a| a.as_bytes()[0] == bytes[i].to_ascii_lowercase() && a.as_bytes()[1] == second)
        || i > 0 && bytes[i - 1].is_ascii_alphanumeric()
    {
        return None;
    }
    ANCHORS
        .iter()
        .filter(|a| {
            bytes
                .get(i..i + a.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(a.as_bytes()))
        })
        .map(|a| i + a.len())
        .max()
}

/// How a title was found to be the posting's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    FirstLine,
    Field(&'static str),
    Before(&'static str),
    After(&'static str),
}

impl Place {
    fn describe(self) -> String {
        match self {
            Place::FirstLine => "the posting opens with it".to_string(),
            Place::Field(label) => format!("the field {label:?} names it"),
            Place::Before(cue) => format!("a self-reference ({cue:?} before it)"),
            Place::After(cue) => format!("a self-reference ({cue:?} after it)"),
        }
    }
}

/// One place where the posting names itself.
#[derive(Debug, Clone)]
struct Mention {
    start: usize,
    end: usize,
    place: Place,
    parsed: std::rc::Rc<title::ParsedTitle>,
}

/// Reads the level a posting names for itself.
///
/// ```
/// use joblevel::{named, Level};
/// let text = "Director of Operations\nAcme Freight, Leeds\n\nAs our Director of Operations you \
///             will report to the VP of Supply Chain and partner with the Head of Sales.";
/// let n = named::read(text).unwrap();
/// assert_eq!(n.level, Level::Director);
/// assert_eq!(&text[n.start..n.end], n.title);
/// assert_eq!(n.title, "Director of Operations");
///
/// // Other roles are not the posting's own: no named level.
/// assert!(named::read("You will report to the VP of Operations.").is_err());
/// ```
pub fn read(text: &str) -> Result<NamedLevel, NoNamedLevel> {
    let mut mentions: Vec<Mention> = Vec::new();
    let mut last_end = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    thread_local! {
        static CANDIDATES: Cell<Vec<usize>> = const { Cell::new(Vec::new()) };
    }
    let mut candidates = CANDIDATES.take();
    candidates_into(bytes, &mut candidates);
    for &at in &candidates {
        if at < i {
            continue;
        }
        let Some(found) = anchor_at(bytes, at) else {
            continue;
        };
        let (word, rest) = (&bytes[at..found], &bytes[found..]);
        i = found;
        // "Dir." keeps its full stop, "Dir," does not; "Manager" needs a separator after it.
        let end = if word.eq_ignore_ascii_case(b"dir") {
            match rest.first() {
                Some(b'.') => found + 1,
                Some(b',') => found,
                _ => continue,
            }
        } else if word.eq_ignore_ascii_case(b"manager") {
            let separated = [&b","[..], b" of ", b" - ", " – ".as_bytes()]
                .iter()
                .any(|sep| rest.starts_with(sep));
            if !separated {
                continue;
            }
            found
        } else {
            found
        };
        // A level word inside a title already read ("Vice President, Director Relations").
        if at < last_end || !word_ends(text, end) {
            continue;
        }
        let previous = mentions.last().map(|m: &Mention| (m.end, m.place));
        if let Some(mention) = mention_at(text, at, end, previous) {
            last_end = mention.end;
            mentions.push(mention);
        }
    }
    CANDIDATES.set(candidates);
    decide(text, &mentions)
}

/// Where a level word may start, in order: the places of a few literals ("dir", "head",
/// "vp", "v.", "vice", "manager", "operation") found with SIMD searches in a lower-cased copy
/// of the text, moved back over the "s"/"e" of "svp"/"evp" and the "ops " of "ops manager".
/// [`anchor_at`] then checks each place. A byte loop over the text, or one automaton over
/// the literals (whose fingerprints keep firing on English letter pairs), costs more.
fn candidates_into(bytes: &[u8], out: &mut Vec<usize>) {
    use memchr::memmem;
    thread_local! {
        static LOWER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    }
    static FINDERS: LazyLock<Vec<memmem::Finder<'static>>> = LazyLock::new(|| {
        ["dir", "head", "vp", "v.", "vice", "manager", "operation"]
            .iter()
            .map(|n| memmem::Finder::new(n.as_bytes()).into_owned())
            .collect()
    });
    let mut lower = LOWER.take();
    lower.clear();
    lower.extend_from_slice(bytes);
    lower.make_ascii_lowercase();
    out.clear();
    for finder in FINDERS.iter() {
        for at in finder.find_iter(&lower) {
            out.push(
                match (finder.needle(), at.checked_sub(1).map(|p| lower[p])) {
                    (b"vp", Some(b's' | b'e')) => at - 1,
                    (b"manager", _) if lower[..at].ends_with(b"ops ") => at - 4,
                    _ => at,
                },
            );
        }
    }
    out.sort_unstable();
    LOWER.set(lower);
}

/// Whether a level word ending at `end` ends a word: a non-letter follows, or a capital runs
/// on from a field glued to it ("DirectorLocation").
fn word_ends(text: &str, end: usize) -> bool {
    let bytes = text.as_bytes();
    match bytes.get(end) {
        None => true,
        Some(b) if b.is_ascii_uppercase() => bytes[end - 1].is_ascii_lowercase(),
        Some(b) => !b.is_ascii_alphanumeric() && *b < 0x80,
    }
}

fn decide(text: &str, mentions: &[Mention]) -> Result<NamedLevel, NoNamedLevel> {
    let none = |reason: String| Err(NoNamedLevel { reason });
    if mentions.is_empty() {
        return none("the text does not name its own role (no title on its first line, in a title field, or in a self-reference such as \"As our ...\" or \"We are seeking a ...\")".to_string());
    };
    let quote = |m: &Mention| format!("{:?}", &text[m.start..m.end]);
    let strong = |m: &&Mention| matches!(m.place, Place::FirstLine | Place::Field(_));
    let levelled: Vec<&Mention> = mentions
        .iter()
        .filter(|m| m.parsed.level.is_some())
        .collect();
    // A title that names no level ("Executive Director") at the top of the posting or in its
    // title field, or as the only way it names itself, leaves the level open.
    if let Some(m) = mentions
        .iter()
        .find(|m| m.parsed.level.is_none() && (strong(m) || levelled.is_empty()))
    {
        return none(format!(
            "names itself {} ({}), which is no level: {}",
            quote(m),
            m.place.describe(),
            m.parsed.reason
        ));
    }
    let first = levelled[0];
    if let Some(other) = levelled
        .iter()
        .find(|m| m.parsed.level != first.parsed.level)
    {
        return none(format!(
            "names itself with two levels: {} ({}) and {} ({})",
            quote(first),
            first.parsed.level.map_or("none", Level::as_str),
            quote(other),
            other.parsed.level.map_or("none", Level::as_str),
        ));
    }
    // The strongest place: the first line or a field before a phrase.
    let best = levelled.iter().copied().find(strong).unwrap_or(first);
    let level = best
        .parsed
        .level
        .expect("mentions without a level returned above");
    let others = levelled.len() - 1;
    Ok(NamedLevel {
        level,
        title: text[best.start..best.end].to_string(),
        start: best.start,
        end: best.end,
        reason: format!(
            "{}: {}{}",
            best.place.describe(),
            best.parsed.reason,
            match others {
                0 => String::new(),
                1 => "; named once more alike".to_string(),
                n => format!("; named {n} more times alike"),
            }
        ),
    })
}

/// The title around the level word at `at..end`, if the posting names itself there.
fn mention_at(
    text: &str,
    at: usize,
    end: usize,
    previous: Option<(usize, Place)>,
) -> Option<Mention> {
    let clause = clause_start(text, at, true);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let lead = Words::new(&text[clause..at]);
    let right = right_end(text, at, end);
    // A field or the top of the posting: the title is all of the field or clause.
    let label = if lead.count() <= 6 {
        field_label(&text[boundary_after(text, line_start.max(clause.saturating_sub(60)))..clause])
    } else {
        None
    };
    let whole_clause =
        lead.count() <= LEFT_WORDS && lead.iter().all(|w| !stops_left(w) || is_connector(w));
    // A contact's job title ("informal visits contact:\nName: ...\nJob title: ...") is not the
    // post's.
    let label = label.filter(|_| !names_a_contact(text, line_start));
    let (start, place) = if let Some(label) = label {
        (
            clause + (text[clause..at].len() - text[clause..at].trim_start().len()),
            Place::Field(label),
        )
    } else if whole_clause && opens_posting(text, line_start, clause, &text[right..]) {
        (
            clause + (text[clause..at].len() - text[clause..at].trim_start().len()),
            Place::FirstLine,
        )
    } else {
        let start = left_start(text, clause, at);
        let after = text[right..].trim_start_matches([' ', '\t']);
        let sentence = clause_start(text, at, false);
        let place = place_of(text, sentence, clause, start, after)
            .or_else(|| listed_after(text, previous, start))?;
        (start, place)
    };
    // At the top or in a field, a title keeps its parentheses: "Head of Operations (Director
    // level)" names two levels.
    let right = match place {
        Place::FirstLine | Place::Field(_) => with_parentheses(text, right),
        _ => right,
    };
    let title = &text[start..right];
    // "head" alone is a verb or a body part ("head up the team"), not a title.
    if title.eq_ignore_ascii_case("head") {
        return None;
    }
    if title
        .split_whitespace()
        .any(|w| has_word(NOT_A_TITLE, w) || has_word(NOT_ENGLISH, w))
    {
        return None;
    }
    let after = text[right..].trim_start_matches([' ', '\t']);
    // "the VP's team": the VP is someone else.
    if after.starts_with("'s") || after.starts_with("’s") {
        return None;
    }
    Some(Mention {
        start,
        end: right,
        place,
        parsed: title::parse_cached(title),
    })
}

/// `end`, moved past a parenthesis that follows it on the same line ("(Remote)").
fn with_parentheses(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    let gap = rest.len() - rest.trim_start_matches(' ').len();
    if !rest[gap..].starts_with('(') {
        return end;
    }
    match rest[gap..].find([')', '\n']) {
        Some(close) if rest[gap + close..].starts_with(')') && close <= 80 => end + gap + close + 1,
        _ => end,
    }
}

/// The first character boundary at or after `i`.
fn boundary_after(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn is_connector(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "of" | "for" | "and" | "&" | "-" | "/"
    )
}

/// A title listed right after one the posting names itself with ("We are seeking a Director
/// of Sales and a VP of Marketing"): it is named the same way.
fn listed_after(text: &str, previous: Option<(usize, Place)>, start: usize) -> Option<Place> {
    let (end, place) = previous?;
    let between = Words::new(text.get(end..start)?);
    let conjunction = between.without_determiner();
    (conjunction.count() == 1 && conjunction.words_are(&["and", "or", "&", "/"])).then_some(place)
}

/// Why the title at `start` is the posting's own, if it is.
fn place_of(
    text: &str,
    sentence: usize,
    clause: usize,
    start: usize,
    after: &str,
) -> Option<Place> {
    // Cues are looked for in the sentence ("looking for a motivated, hands-on, Head of IT"),
    // a clause opening in the clause ("Reporting to the CEO, the Director will").
    let before = Words::new(&text[sentence..start]);
    let in_clause = Words::new(&text[clause..start]);
    // "The Director of Finance (DFO) will": an abbreviation in parentheses is skipped.
    let after = match after.strip_prefix('(').and_then(|a| a.split_once(')')) {
        Some((abbreviation, rest)) if abbreviation.len() <= 40 => rest,
        _ => after,
    };
    let after_words = Words::new(after);
    // A veto first: "...reports to the Director of Operations".
    let tail = before.without_determiner();
    // The longer cue wins where both tables match: "hearing from" is a self-reference, "from"
    // alone is not.
    let longest = |table: &[&'static str], tail: Words<'_>| {
        table
            .iter()
            .copied()
            .filter(|cue| tail.ends_with(cue))
            .max_by_key(|cue| cue.len())
    };
    let other = longest(OTHER_ROLE, tail);
    let own = longest(SELF_BEFORE, tail);
    if other.is_some_and(|o| own.is_none_or(|s| s.len() <= o.len())) {
        return None;
    }
    // "seeking an experienced, dynamic Director": describing words between cue and title.
    let tail = tail.without_describing_words().without_determiner();
    if let Some(cue) = SELF_BEFORE.iter().find(|cue| tail.ends_with(cue)) {
        let rest = tail.before(cue);
        if !NOT_SELF_BEFORE_CUE.iter().any(|w| rest.ends_with(w)) {
            return Some(Place::Before(cue));
        }
        return None;
    }
    // "The X will", "Our X is responsible", "X - Job Description": the title opens a clause.
    // A capitalised "The" opens a sentence even where an export lost the full stop
    // ("Position Summary The Director ...").
    let opens_clause = in_clause.without_determiner().is_empty() && in_clause.count() <= 1
        || in_clause
            .iter()
            .next_back()
            .is_some_and(|w| matches!(w, "The" | "Our" | "This"));
    // "Alex Kim, Head of Operations, says": a title in commas is an apposition.
    let apposition = after.trim_start().starts_with(',');
    let someone_else = NOT_SELF_AFTER
        .iter()
        .any(|cue| after_words.starts_with(cue));
    if opens_clause
        && !apposition
        && !someone_else
        && let Some(cue) = SELF_AFTER
            .iter()
            .find(|cue| after_words.starts_with(cue) || **cue == "*s" && present_verb(after_words))
    {
        return Some(Place::After(cue));
    }
    None
}

/// "The Director *oversees*", "*harnesses*", "*plays*": a word in -s right after the title
/// that opens a clause is its verb (not "-ss", "-us", "-is": "across", "status", "basis").
fn present_verb(after: Words<'_>) -> bool {
    after.iter().next().is_some_and(|w| {
        let lower = w.len() > 3
            && w.ends_with('s')
            && w.bytes().all(|b| b.is_ascii_lowercase())
            && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is"));
        lower && !has_word(OTHER_ROLE, w) && !has_word(TITLE_ENDS, w)
    })
}

/// Whether a title whose clause starts at `clause` opens the posting: the first line (after
/// at most a short lead such as a company name and a dash), or a line of its own among the
/// first [`FIRST_LINES`] lines.
fn opens_posting(text: &str, line_start: usize, clause: usize, after: &str) -> bool {
    let lines_above = text[..line_start]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(FIRST_LINES)
        .count();
    if lines_above >= FIRST_LINES {
        return false;
    }
    let lead_text = text[line_start..clause].trim_end();
    let lead = Words::new(lead_text);
    // "Line manager: Head of Operations" is a field of another role; "Alex Kim, Head of
    // Operations" an apposition.
    if lead_text.ends_with([':', ',']) {
        return false;
    }
    // A title ends its line or is followed by a separator ("Director, Pine County — ..."):
    // "Directors are appointed by the board" is a sentence.
    let after_trimmed = after.trim_start_matches([' ', '\t']);
    let title_like = after_trimmed.is_empty()
        || after_trimmed.starts_with([
            '\n', '\r', ',', '.', '-', '|', '(', '[', ':', '/', '<', '–', '—', '\u{ad}',
        ])
        || after.starts_with("  ");
    if !title_like {
        return false;
    }
    if lines_above == 0 {
        return lead.count() <= 6 && lead.iter().all(|w| !stops_left(w) || is_connector(w));
    }
    // Further down, only a line that holds nothing but the title, under a line that is not a
    // label of another role ("Reports to:").
    let rest_of_line = after.split('\n').next().unwrap_or("").trim();
    let above = text[..line_start].trim_end();
    lead.is_empty() && rest_of_line.is_empty() && !above.ends_with(':')
}

/// Whether the lines just above `line_start` introduce a contact person ("contact", "Name:").
fn names_a_contact(text: &str, line_start: usize) -> bool {
    let above = &text[boundary_after(text, line_start.saturating_sub(120))..line_start];
    above.lines().rev().take(2).any(|line| {
        let l = line.trim_start();
        CONTACT_LABELS.iter().any(|label| {
            starts_with_ignore_case(l, label) || line.to_ascii_lowercase().contains("contact")
        })
    })
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The label just before a title, if it is a title field ("Job Title:", "Position -").
fn field_label(before: &str) -> Option<&'static str> {
    let b = before.trim_end();
    let b = b
        .strip_suffix(':')
        .or_else(|| b.strip_suffix(" -"))
        .or_else(|| b.strip_suffix(" –"))?
        .trim_end();
    LABELS.iter().copied().find(|label| {
        let Some(cut) = b.len().checked_sub(label.len()) else {
            return false;
        };
        if !b.is_char_boundary(cut) || !b[cut..].eq_ignore_ascii_case(label) {
            return false;
        }
        // A word of its own, or a capitalised label glued to the previous field ("...NYJob Title:").
        let glued_capital = b[cut..].starts_with(|c: char| c.is_ascii_uppercase());
        b[..cut]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() || glued_capital && c.is_lowercase())
    })
}

/// Where the clause holding `at` starts: after the last sentence mark, line break, colon,
/// bullet or dash before it, and comma if `commas` ("Sr." and "V.P." do not end a sentence),
/// at most 200 bytes back.
fn clause_start(text: &str, at: usize, commas: bool) -> usize {
    let bytes = text.as_bytes();
    let floor = at.saturating_sub(200);
    let mut i = at;
    while i > floor {
        let b = bytes[i - 1];
        let ends = match b {
            b'\n' | b'!' | b'?' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'|' | b'"' | b'*' => {
                true
            }
            b'.' => !abbreviation(&text[..i - 1]),
            // "–", "—" and "•" are E2 80 93/94/A2.
            0x93 | 0x94 | 0xA2 => i >= 3 && bytes[i - 3] == 0xE2 && bytes[i - 2] == 0x80,
            b',' => commas,
            // " - " separates fields like a dash ("Role - Head of Service").
            b'-' => i >= 2 && bytes[i - 2] == b' ' && bytes.get(i) == Some(&b' '),
            // Fields glued by an export: "Position SummaryThe Director".
            b'a'..=b'z' => {
                bytes[i].is_ascii_uppercase()
                    && i >= 2
                    && bytes[i - 2].is_ascii_lowercase()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
            }
            _ => false,
        };
        if ends {
            return i;
        }
        i -= 1;
    }
    boundary_after(text, i)
}

/// "Sr", "V.P", "Dr", "St" before a full stop do not end a sentence.
fn abbreviation(before_dot: &str) -> bool {
    let word = before_dot
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    matches!(
        word.to_ascii_lowercase().as_str(),
        "sr" | "jr" | "dr" | "st" | "mr" | "ms" | "mrs" | "dir" | "v" | "v.p" | "inc" | "co"
    )
}

/// Where the title holding the level word at `at` starts: up to [`LEFT_WORDS`] words before
/// it ("Senior Associate Director"), stopping at punctuation and at words a title does not
/// take (articles, prepositions, the words of the cue tables).
fn left_start(text: &str, clause: usize, at: usize) -> usize {
    let mut start = at;
    for _ in 0..LEFT_WORDS {
        let before = &text[clause..start];
        let trimmed = before.trim_end_matches(' ');
        if trimmed.len() == before.len() {
            break; // at the clause start, or glued to something ("(Director")
        }
        let word_start = trimmed
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |i| i + 1);
        let word = &trimmed[word_start..];
        // "Policy and Legal Director", "Finance & Operations Director": a joined title, when
        // capitalised words stand on both sides.
        let joins = matches!(word, "and" | "&")
            && text[start..].starts_with(|c: char| c.is_uppercase())
            && trimmed[..word_start]
                .trim_end()
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()) && !stops_left(w));
        if !joins
            && (word.is_empty()
                || !word
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '&' | '.' | '/'))
                || word.ends_with('.') && !abbreviation(&word[..word.len() - 1])
                || stops_left(word))
        {
            break;
        }
        start = clause + word_start;
    }
    start
}

/// Where the title holding the level word at `at..end` ends: up to [`RIGHT_WORDS`] words
/// after it ("of Finance and Strategy", ", Data Science"), stopping at punctuation, at words
/// that end a title, and, after a capitalised level word, at the first lower-case word.
fn right_end(text: &str, at: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    // A word glued by a hyphen ("director-level") belongs to the level word.
    let mut stop = end;
    while stop < bytes.len() && (bytes[stop] == b'-' || bytes[stop].is_ascii_alphanumeric()) {
        if bytes[stop] == b'-' && !bytes.get(stop + 1).is_some_and(u8::is_ascii_alphabetic) {
            break;
        }
        if bytes[stop].is_ascii_uppercase() && stop > 0 && bytes[stop - 1].is_ascii_lowercase() {
            return stop; // "DirectorLocation"
        }
        stop += 1;
    }
    let capitalised = text[at..].starts_with(|c: char| c.is_ascii_uppercase());
    // "VP Operations", "Director Origination": a capitalised word may follow a level word
    // directly; not a manager or lead ("Operations Manager Learning Disabilities").
    let manager = text[..stop].to_ascii_lowercase().ends_with("manager")
        || text[..stop].to_ascii_lowercase().ends_with("lead");
    let stop_after_level = stop;
    let mut i = stop;
    for _ in 0..RIGHT_WORDS {
        // The separator: spaces; or a comma, slash, "&" or dash before a capitalised word.
        let rest = &text[i..];
        let (gap, joined) = if let Some(r) = rest.strip_prefix(", ") {
            (rest.len() - r.len(), true)
        } else if rest.starts_with('/') {
            (1, true)
        } else if let Some(r) = rest
            .strip_prefix(" - ")
            .or_else(|| rest.strip_prefix(" – "))
        {
            (rest.len() - r.len(), true)
        } else if rest.starts_with(' ') {
            (rest.len() - rest.trim_start_matches(' ').len(), false)
        } else {
            break;
        };
        let j = i + gap;
        let word_len = text[j..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '&' | '\'' | '’')))
            .unwrap_or(text.len() - j);
        let whole = &text[j..j + word_len];
        // Two fields glued by an export ("OperationsLocation: Leeds") end the title; a brand
        // name ("TurboVote") does not.
        let word = if text[j + word_len..].starts_with(':') {
            cut_glued_field(whole)
        } else {
            whole
        };
        // Capitalised, or a number ("CO 80221"): a word of a capitalised title.
        let upper = !word.starts_with(|c: char| c.is_lowercase());
        let connector = matches!(
            word.to_ascii_lowercase().as_str(),
            "of" | "and" | "&" | "the"
        );
        // Right after the level word only "of" or a separator leads on ("Director of X",
        // "Director, X"); "Operations Manager Learning Disabilities" ends at "Manager".
        let first = i == stop_after_level;
        if first && !joined && !word.eq_ignore_ascii_case("of") && (manager || !upper) {
            break;
        }
        // "Head of the Integrated Team": "the" only right after "of", before a capital.
        let of_the = word.eq_ignore_ascii_case("the")
            && text[..i].trim_end().to_ascii_lowercase().ends_with(" of")
            && text[j + word.len()..]
                .trim_start()
                .starts_with(|c: char| c.is_uppercase());
        if word.is_empty()
            || has_word(TITLE_ENDS, word) && !of_the && (!upper || has_word(CAPITAL_ENDS, word))
            || joined && !upper
            || capitalised && !upper && !connector
        {
            break;
        }
        let word_end = j + word.len();
        // A connector counts only when a title word follows it.
        if !connector {
            stop = word_end;
        }
        if word.len() < word_len {
            break; // a glued field follows
        }
        i = word_end;
    }
    stop
}

/// "DirectorLocation" -> "Director": a word whose lower case runs into a capital and more lower
/// case after three letters is two fields glued by an export ("McKinsey" is kept).
fn cut_glued_field(word: &str) -> &str {
    &word[..glue_at(word)]
}

/// Where a second word glued to the first starts ("RoleAs" -> 4), or the word's length.
fn glue_at(word: &str) -> usize {
    let b = word.as_bytes();
    (3..b.len().saturating_sub(1))
        .find(|&i| {
            b[i - 1].is_ascii_lowercase()
                && b[i].is_ascii_uppercase()
                && b[i + 1].is_ascii_lowercase()
                && b[i - 2].is_ascii_lowercase()
        })
        .unwrap_or(b.len())
}

/// Words that a title does not take on its left: articles, prepositions and the words of the
/// self-reference and other-role tables ("seeking", "report", "with").
fn stops_left(word: &str) -> bool {
    const SMALL: &[&str] = &[
        "a", "an", "the", "our", "your", "their", "its", "his", "her", "this", "that", "these",
        "those", "is", "are", "be", "was", "will", "who", "of", "in", "on", "at", "for", "and",
        "or", "we", "you", "us", "me", "i", "my",
    ];
    let in_cues = |table: &[&str]| {
        table
            .iter()
            .any(|cue| cue.split(' ').any(|w| w.eq_ignore_ascii_case(word)))
    };
    has_word(SMALL, word)
        || in_cues(SELF_BEFORE)
        || in_cues(OTHER_ROLE)
        || in_cues(LABELS) && word.ends_with(':')
}

fn has_word(table: &[&str], word: &str) -> bool {
    let w = word.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '"' | '\''));
    table.iter().any(|t| t.eq_ignore_ascii_case(w))
}

/// The words of a short stretch of text, compared case-insensitively; no allocation.
#[derive(Clone, Copy)]
struct Words<'a> {
    text: &'a str,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Words<'a> {
        Words { text: text.trim() }
    }

    fn iter(self) -> impl DoubleEndedIterator<Item = &'a str> {
        self.text
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '“' | '”'))
            .filter(|w| !w.is_empty())
            .flat_map(|w| {
                // Two fields glued by an export ("SummaryThe", "RoleAs") are two words.
                let cut = glue_at(w);
                [Some(&w[..cut]), (cut < w.len()).then(|| &w[cut..])]
                    .into_iter()
                    .flatten()
            })
    }

    fn count(self) -> usize {
        self.iter().count()
    }

    fn is_empty(self) -> bool {
        self.text.is_empty()
    }

    /// True when every word is in `table`.
    fn words_are(self, table: &[&str]) -> bool {
        self.iter().all(|w| has_word(table, w))
    }

    /// Without one trailing article or possessive ("seeking a" -> "seeking").
    fn without_determiner(self) -> Words<'a> {
        match self.iter().next_back() {
            Some(last) if has_word(DETERMINERS, last) => self.without_last(),
            _ => self,
        }
    }

    /// Without up to six trailing describing words ("an *experienced and dynamic*"): words
    /// a title does not take on its left end the run.
    fn without_describing_words(self) -> Words<'a> {
        let mut w = self;
        for _ in 0..6 {
            match w.iter().next_back() {
                Some(last) if !stops_left(last) || last.eq_ignore_ascii_case("and") => {
                    w = w.without_last();
                }
                _ => break,
            }
        }
        w
    }

    /// Whether the words end with the words of `phrase` (single spaces in `phrase`).
    fn ends_with(self, phrase: &str) -> bool {
        let mut mine = self.iter().rev();
        phrase
            .split(' ')
            .rev()
            .all(|p| mine.next().is_some_and(|w| eq_word(w, p)))
    }

    /// Whether the words start with the words of `phrase`.
    fn starts_with(self, phrase: &str) -> bool {
        let mut mine = self.iter();
        phrase
            .split(' ')
            .all(|p| mine.next().is_some_and(|w| eq_word(w, p)))
    }

    /// The words before a phrase these words end with.
    fn before(self, phrase: &str) -> Words<'a> {
        (0..phrase.split(' ').count()).fold(self, |w, _| w.without_last())
    }

    /// Without the last word.
    fn without_last(self) -> Words<'a> {
        match self.iter().next_back() {
            // Words are slices of `text`: cut where the last one starts.
            Some(last) => {
                let at = last.as_ptr() as usize - self.text.as_ptr() as usize;
                Words::new(&self.text[..at])
            }
            None => self,
        }
    }
}

fn eq_word(word: &str, table_word: &str) -> bool {
    let w = word.trim_end_matches(['.', ':', ';', '\'']);
    w.eq_ignore_ascii_case(table_word) || (table_word == "-" && matches!(w, "-" | "–" | "—"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Option<Level> {
        read(text).ok().map(|n| n.level)
    }

    #[test]
    fn a_title_on_the_first_line_names_the_posting() {
        let n = read("Head of Operations\nWe run a chain of bakeries.").unwrap();
        assert_eq!(
            (n.level, n.title.as_str()),
            (Level::Head, "Head of Operations")
        );
        assert_eq!((n.start, n.end), (0, 18));
    }

    #[test]
    fn reporting_lines_are_other_roles() {
        assert_eq!(
            level("This role reports to the Director of Operations."),
            None
        );
        assert_eq!(
            level("We are seeking a Head of Logistics who will report to the VP of Operations."),
            Some(Level::Head)
        );
    }

    #[test]
    fn two_self_levels_are_no_named_level() {
        let err =
            read("We are hiring a Director of Sales. As our VP of Sales you will...").unwrap_err();
        assert!(err.reason.contains("two levels"), "{err}");
    }

    #[test]
    fn fields_glued_together_still_read() {
        let n =
            read("Job Posting: AcmePosition: Service and Training DirectorLocation: NY").unwrap();
        assert_eq!(n.level, Level::Director);
        assert_eq!(n.title, "Service and Training Director");
    }

    #[test]
    fn words_compare_without_case_and_articles() {
        let w = Words::new("We are Seeking an");
        assert!(w.without_determiner().ends_with("are seeking"));
        assert!(Words::new("Director will lead").starts_with("director will"));
    }
}
