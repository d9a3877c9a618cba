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

mod scan;
mod words;

use crate::level::Level;
use crate::title;
use rustc_hash::FxHashMap;
use scan::{LEAD_REACH, LIST_REACH, Scan, boundary_after};
use std::cell::Cell;
use std::fmt;
use std::sync::LazyLock;
use words::{
    CueIndex, LAST_WORDS, WordSet, Words, ends_with, glue_at, last_words, without_determiner,
};

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

/// The rungs beyond head, director and vp: words that name the C-suite, and the role nouns
/// of individual contributors and front-line staff (as `title::INDIVIDUAL`, singular: a
/// posting names its own post in the singular, "a Data Analyst", while plurals are mostly
/// the team a leader runs, "hire engineers"). Whole words, ASCII case ignored; the title
/// around one is read as around any level word, and `title::parse` says its rung. Generic
/// words that are seldom a post in running text (student, volunteer, host, guard, buyer,
/// agent, member) are left out: they would only cost readings.
pub const ROLE_ANCHORS: &[&str] = &[
    // The C-suite ("Vice President" is read from "vice").
    "ceo",
    "coo",
    "cfo",
    "cto",
    "cio",
    "ciso",
    "cmo",
    "cro",
    "cpo",
    "chro",
    "cdo",
    "cxo",
    "chief",
    "president",
    // Individual contributors and front-line staff.
    "engineer",
    "developer",
    "programmer",
    "analyst",
    "scientist",
    "researcher",
    "psychologist",
    "veterinarian",
    "merchandiser",
    "illustrator",
    "trainer",
    "statistician",
    "economist",
    "actuary",
    "nurse",
    "midwife",
    "physician",
    "doctor",
    "pharmacist",
    "therapist",
    "technician",
    "technologist",
    "specialist",
    "coordinator",
    "assistant",
    "associate",
    "representative",
    "designer",
    "architect",
    "teacher",
    "tutor",
    "instructor",
    "lecturer",
    "professor",
    "librarian",
    "curator",
    "archivist",
    "driver",
    "barista",
    "cook",
    "chef",
    "waiter",
    "waitress",
    "bartender",
    "cashier",
    "receptionist",
    "secretary",
    "clerk",
    "teller",
    "advisor",
    "adviser",
    "consultant",
    "administrator",
    "accountant",
    "bookkeeper",
    "auditor",
    "underwriter",
    "paralegal",
    "attorney",
    "lawyer",
    "solicitor",
    "writer",
    "copywriter",
    "editor",
    "translator",
    "journalist",
    "reporter",
    "tester",
    "operator",
    "mechanic",
    "electrician",
    "plumber",
    "carpenter",
    "welder",
    "labourer",
    "laborer",
    "cleaner",
    "janitor",
    "custodian",
    "caregiver",
    "carer",
    "aide",
    "recruiter",
    "planner",
    "intern",
    "trainee",
    "apprentice",
    "server",
    "housekeeper",
    "counselor",
    "counsellor",
    "coach",
    "surveyor",
    "attendant",
    "inspector",
    "stylist",
    "barber",
    "hairdresser",
    "porter",
    "courier",
    "picker",
    "packer",
    "dishwasher",
    "hygienist",
    "paramedic",
    "firefighter",
    "dispatcher",
    "estimator",
    "machinist",
    "installer",
    "painter",
    "landscaper",
    "gardener",
    "nanny",
];

/// [`ROLE_ANCHORS`] packed ([`pack`]), and the first two letters of each, to pass over most
/// words with one look-up.
struct RoleAnchors {
    words: rustc_hash::FxHashSet<[u64; 2]>,
    starts: Vec<u64>,
}

/// An ASCII word of at most 16 bytes, lower-cased, as two integers (byte `i` of the word is
/// byte `i` of the little-endian pair); `None` for a longer word.
fn pack(word: &[u8]) -> Option<[u64; 2]> {
    let mut b = [0u8; 16];
    b.get_mut(..word.len())?.copy_from_slice(word);
    b.make_ascii_lowercase();
    let half = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
    Some([half(0), half(8)])
}

impl RoleAnchors {
    /// Whether `word` (ASCII letters and digits) is a role anchor.
    fn contains(&self, word: &[u8]) -> bool {
        let Some(packed) = pack(word) else {
            return false;
        };
        let key = (packed[0] & 0xFFFF) as usize;
        self.starts[key >> 6] >> (key & 63) & 1 != 0 && self.words.contains(&packed)
    }
}

static ROLE_ANCHOR_SET: LazyLock<RoleAnchors> = LazyLock::new(|| {
    let mut words = rustc_hash::FxHashSet::default();
    let mut starts = vec![0u64; 1 << 10];
    for anchor in ROLE_ANCHORS {
        let packed = pack(anchor.as_bytes()).expect("an anchor is at most 16 bytes");
        words.insert(packed);
        let key = (packed[0] & 0xFFFF) as usize;
        starts[key >> 6] |= 1 << (key & 63);
    }
    RoleAnchors { words, starts }
});

/// Role anchors in lower case are read only near the top ([`FIRST_LINES`]); below it, only
/// capitalised ones name the post (see [`mention_at`]). This much of the text is looked at word
/// by word; the rest only where a capital letter starts a word.
const ROLE_TOP: usize = 1024;

/// Where a role anchor ([`ROLE_ANCHORS`]) may start in `text`, in order: every word of the
/// first [`ROLE_TOP`] bytes, then the capitalised words, found eight bytes at a time.
fn role_anchors_into(text: &str, out: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    let anchors = &*ROLE_ANCHOR_SET;
    let try_word = |i: usize, out: &mut Vec<usize>| {
        if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
            return;
        }
        let len = bytes[i..]
            .iter()
            .take(17)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if anchors.contains(&bytes[i..i + len]) {
            out.push(i);
        }
    };
    let top = ROLE_TOP.min(bytes.len());
    for (i, b) in bytes[..top].iter().enumerate() {
        if b.is_ascii_alphabetic() {
            try_word(i, out);
        }
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut base = top;
    while base < bytes.len() {
        let mut chunk = [0u8; 8];
        let n = (bytes.len() - base).min(8);
        chunk[..n].copy_from_slice(&bytes[base..base + n]);
        let w = u64::from_le_bytes(chunk);
        // The high bit of each byte in 'A'..='Z' (ASCII only, without carries between bytes).
        let x = w & !HIGH;
        let mut upper = (x + 0x3F * ONES) & !(x + 0x25 * ONES) & !w & HIGH;
        while upper != 0 {
            let i = base + (upper.trailing_zeros() / 8) as usize;
            upper &= upper - 1;
            try_word(i, out);
        }
        base += 8;
    }
}

/// The end of the role anchor starting at byte `i`, if one does (a whole ASCII word).
fn role_anchor_at(bytes: &[u8], i: usize) -> Option<usize> {
    if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let len = bytes[i..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let word = &bytes[i..i + len];
    // "Vice President" is read from "vice" (or not at all, glued to a field: "HRVice
    // President"), never from "president".
    let vice = |before: &[u8]| {
        before.len() >= 5 && before[before.len() - 5..].eq_ignore_ascii_case(b"vice ")
            || before.len() >= 5 && before[before.len() - 5..].eq_ignore_ascii_case(b"vice-")
    };
    if word.eq_ignore_ascii_case(b"president") && vice(&bytes[..i]) {
        return None;
    }
    ROLE_ANCHORS
        .iter()
        .any(|a| word.eq_ignore_ascii_case(a.as_bytes()))
        .then_some(i + len)
}

/// The end of the longest level word starting at byte `i` (ignoring ASCII case), if a word
/// starts there. The scan costs about a byte per cycle: cheaper than a general literal search,
/// whose fingerprints keep firing on common English letter pairs.
fn anchor_at(bytes: &[u8], i: usize) -> Option<usize> {
    // The first two letters rule out nearly every word ("of", "our", "sales", "ensure").
    let key = [
        bytes[i].to_ascii_lowercase(),
        bytes.get(i + 1)?.to_ascii_lowercase(),
    ];
    let anchors = ANCHORS_BY_START.get(&key)?;
    if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    anchors
        .iter()
        .filter(|a| {
            bytes
                .get(i..i + a.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(a.as_bytes()))
        })
        .map(|a| i + a.len())
        .max()
}

/// [`ANCHORS`] by their first two letters.
static ANCHORS_BY_START: LazyLock<FxHashMap<[u8; 2], Vec<&'static str>>> = LazyLock::new(|| {
    let mut by_start: FxHashMap<[u8; 2], Vec<&'static str>> = FxHashMap::default();
    for a in ANCHORS {
        by_start
            .entry([a.as_bytes()[0], a.as_bytes()[1]])
            .or_default()
            .push(a);
    }
    by_start
});

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

/// The tables made into look-ups, once (see [`words`]).
struct Tables {
    determiners: WordSet,
    /// Words a title does not take on its left: articles and prepositions (compared as
    /// [`TITLE_ENDS`] is) and each word of the cue tables (compared as written).
    small: WordSet,
    cue_words: WordSet,
    title_ends: WordSet,
    capital_ends: WordSet,
    not_a_title: WordSet,
    other_role_words: WordSet,
    conjunctions: WordSet,
    other_role: CueIndex,
    self_before: CueIndex,
    not_self_before_cue: CueIndex,
    self_after: CueIndex,
    not_self_after: CueIndex,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| Tables {
    determiners: WordSet::new(&[DETERMINERS]),
    small: WordSet::new(&[SMALL]),
    cue_words: WordSet::words_of(&[SELF_BEFORE, OTHER_ROLE]),
    title_ends: WordSet::new(&[TITLE_ENDS]),
    capital_ends: WordSet::new(&[CAPITAL_ENDS]),
    not_a_title: WordSet::new(&[NOT_A_TITLE, NOT_ENGLISH]),
    other_role_words: WordSet::new(&[OTHER_ROLE]),
    conjunctions: WordSet::new(&[&["and", "or", "&", "/"]]),
    other_role: CueIndex::by_last_word(OTHER_ROLE),
    self_before: CueIndex::by_last_word(SELF_BEFORE),
    not_self_before_cue: CueIndex::by_last_word(NOT_SELF_BEFORE_CUE),
    self_after: CueIndex::by_first_word(SELF_AFTER),
    not_self_after: CueIndex::by_first_word(NOT_SELF_AFTER),
});

/// Articles, pronouns and prepositions a title does not take on its left.
const SMALL: &[&str] = &[
    "a", "an", "the", "our", "your", "their", "its", "his", "her", "this", "that", "these",
    "those", "is", "are", "be", "was", "will", "who", "of", "in", "on", "at", "for", "and", "or",
    "we", "you", "us", "me", "i", "my",
];

/// Reads the level a posting names for itself.
///
/// The text is walked once, level word by level word; each is read from a window of a few
/// hundred bytes around it (see `scan`), so the cost grows with the text's length, however
/// many level words it holds.
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
    candidates_into(text, &mut candidates);
    let mut scan = Scan::new(text);
    let mut budget = LEVEL_WORDS + text.len() / BYTES_PER_LEVEL_WORD;
    let mut unread_from = None;
    for &at in &candidates {
        if at < i {
            continue;
        }
        let (found, role) = match anchor_at(bytes, at) {
            Some(found) => (found, false),
            None => match role_anchor_at(bytes, at) {
                Some(found) => (found, true),
                None => continue,
            },
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
        if budget == 0 {
            unread_from = Some(at);
            break;
        }
        budget -= 1;
        let previous = mentions.last().map(|m: &Mention| (m.end, m.place));
        if let Some(mention) = mention_at(&mut scan, text, at, end, role, previous) {
            last_end = mention.end;
            mentions.push(mention);
        }
    }
    CANDIDATES.set(candidates);
    let mut named = decide(text, &mentions);
    if let Some(at) = unread_from {
        let reason = match &mut named {
            Ok(n) => &mut n.reason,
            Err(e) => &mut e.reason,
        };
        reason.push_str(&format!(
            "; the text holds more level words than a posting does (over one per \
             {BYTES_PER_LEVEL_WORD} bytes): those from byte {at} on were not read"
        ));
    }
    named
}

/// The level words the reader reads in one text: [`LEVEL_WORDS`], and one more per
/// [`BYTES_PER_LEVEL_WORD`] bytes of text. Postings name a level word every few hundred
/// bytes (the corpora's densest: one per 90 bytes; the most in one posting: 20); a text far
/// denser is a list of titles or a text made to be slow, and reading each of its level words
/// would cost tens of times what its size costs elsewhere.
pub const LEVEL_WORDS: usize = 32;
/// See [`LEVEL_WORDS`].
pub const BYTES_PER_LEVEL_WORD: usize = 64;

/// Where a level word may start, in order: the places of a few literals ("dir", "head",
/// "vp", "v.", "vice", "manager", "operation") found with SIMD searches in a lower-cased copy
/// of the text, moved back over the "s"/"e" of "svp"/"evp" and the "ops " of "ops manager".
/// [`anchor_at`] then checks each place. A byte loop over the text, or one automaton over
/// the literals (whose fingerprints keep firing on English letter pairs), costs more.
fn candidates_into(text: &str, out: &mut Vec<usize>) {
    use memchr::memmem;
    let bytes = text.as_bytes();
    thread_local! {
        static LOWER: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
        static RUNS: Cell<Vec<usize>> = const { Cell::new(Vec::new()) };
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
    // Each literal's places, in order, one run after the other.
    let mut runs = RUNS.take();
    runs.clear();
    let mut bounds = [0; 9];
    for (k, finder) in FINDERS.iter().enumerate() {
        for at in finder.find_iter(&lower) {
            runs.push(
                match (finder.needle(), at.checked_sub(1).map(|p| lower[p])) {
                    (b"vp", Some(b's' | b'e')) => at - 1,
                    (b"manager", _) if lower[..at].ends_with(b"ops ") => at - 4,
                    _ => at,
                },
            );
        }
        bounds[k + 1] = runs.len();
    }
    role_anchors_into(text, &mut runs);
    bounds[8] = runs.len();
    // Merged: the least of the runs' next places each time (no sort, and no allocation once
    // the buffers have grown).
    out.clear();
    let mut next: [usize; 8] = std::array::from_fn(|k| bounds[k]);
    loop {
        let least = (0..8)
            .filter(|&k| next[k] < bounds[k + 1])
            .min_by_key(|&k| runs[next[k]]);
        let Some(k) = least else { break };
        out.push(runs[next[k]]);
        next[k] += 1;
    }
    RUNS.set(runs);
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
    // The outer rungs are also the people around a post: a leader's posting speaks of the
    // individual contributors it leads ("you will hire a Data Analyst") and of the C-suite it
    // serves ("The CEO leads the culture work"). Read from a phrase (not the first line or a
    // title field), an individual's title beside a title of another rung, or a C-suite title
    // beside a head, director or vp title (or another rung named at the top), is not the
    // posting's own.
    // (The rungs named, in any place and at the top, gathered once: a text may hold thousands
    // of mentions.)
    let mut anywhere = [false; Level::COUNT];
    let mut at_top = [false; Level::COUNT];
    for m in mentions {
        if let Some(level) = m.parsed.level {
            anywhere[level.index()] = true;
            at_top[level.index()] |= strong(&m);
        }
    }
    let other_than = |named: &[bool; Level::COUNT], level: Level, counts: fn(Level) -> bool| {
        Level::ALL
            .iter()
            .any(|&l| l != level && named[l.index()] && counts(l))
    };
    let own = |m: &&Mention| {
        strong(m)
            || match m.parsed.level {
                Some(l @ Level::Individual) => !other_than(&anywhere, l, |_| true),
                Some(l @ Level::Executive) => {
                    !other_than(&anywhere, l, Level::is_management)
                        && !other_than(&at_top, l, |_| true)
                }
                _ => true,
            }
    };
    let mentions: Vec<&Mention> = mentions.iter().filter(own).collect();
    let levelled: Vec<&Mention> = mentions
        .iter()
        .copied()
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
    scan: &mut Scan<'_>,
    text: &str,
    at: usize,
    end: usize,
    role: bool,
    previous: Option<(usize, Place)>,
) -> Option<Mention> {
    let clause = scan.clause_start(at, true);
    let line_start = scan.line_start(at);
    // The text is read as if it ended a little after the level word.
    let view = &text[..scan.ahead(at)];
    let lead = Words::new(&text[clause..at]);
    // A field or the top of the posting: the title is all of the field or clause.
    // (The cheap tests first: most level words are in neither a field nor the top lines.)
    let label =
        field_label(&text[boundary_after(text, line_start.max(clause.saturating_sub(60)))..clause])
            .filter(|_| lead.at_most(6));
    // Below the top lines and outside a field, a role noun of the outer rungs names the post
    // only written as a title, capitalised ("As our Data Analyst", "the Chief Operating
    // Officer will"): lower case, it is the people around the post ("an experienced nurse",
    // "our ceo"). Most role nouns of a posting end here, unread further.
    if role
        && label.is_none()
        && !text[at..].starts_with(|c: char| c.is_ascii_uppercase())
        && scan.lines_above(line_start) >= FIRST_LINES
    {
        return None;
    }
    let right = right_end(scan, view, at, end);
    let whole_clause = |scan: &mut Scan<'_>| {
        scan.lines_above(line_start) < FIRST_LINES
            && lead.at_most(LEFT_WORDS)
            && lead.iter().all(|w| !stops_left(w) || is_connector(w))
    };
    // A contact's job title ("informal visits contact:\nName: ...\nJob title: ...") is not the
    // post's.
    let label = label.filter(|_| !names_a_contact(text, line_start));
    let (start, place) = if let Some(label) = label {
        (
            clause + (text[clause..at].len() - text[clause..at].trim_start().len()),
            Place::Field(label),
        )
    } else if opens_posting(scan, text, line_start, clause, &view[right..]) && whole_clause(scan) {
        (
            clause + (text[clause..at].len() - text[clause..at].trim_start().len()),
            Place::FirstLine,
        )
    } else {
        let start = left_start(text, clause, at);
        let after = view[right..].trim_start_matches([' ', '\t']);
        let sentence = scan.clause_start(at, false);
        let place = place_of(text, sentence, clause, start, after)
            .or_else(|| listed_after(text, previous, start))?;
        (start, place)
    };
    // At the top or in a field, a title keeps its parentheses: "Head of Operations (Director
    // level)" names two levels.
    let right = match place {
        Place::FirstLine | Place::Field(_) => with_parentheses(view, right),
        _ => right,
    };
    let title = &text[start..right];
    // "head" alone is a verb or a body part ("head up the team"), not a title.
    if title.eq_ignore_ascii_case("head") {
        return None;
    }
    if title
        .split_whitespace()
        .any(|w| TABLES.not_a_title.contains(w))
    {
        return None;
    }
    let after = view[right..].trim_start_matches([' ', '\t']);
    // "the VP's team": the VP is someone else.
    if after.starts_with("'s") || after.starts_with("’s") {
        return None;
    }
    let parsed = title::parse_cached(title);
    // In a phrase, an individual contributor's role is the post's title only when written as
    // one, each word capitalised ("We are seeking a Data Analyst"); "an experienced nurse", "a highly
    // skilled Technologist" describe the person a post wants, whatever its rung.
    let phrase = matches!(place, Place::Before(_) | Place::After(_));
    let written_as_a_title = title.split_whitespace().all(|w| {
        w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) || is_connector(w)
    });
    // So too a C-suite title, and neither is read from a bare verb in -s after it: "CRO
    // services", "Has CIO relationships", "The CEO builds prototypes" speak of someone else
    // or of something else.
    let outer = matches!(parsed.level, Some(Level::Individual | Level::Executive));
    let individual = parsed.level == Some(Level::Individual);
    if outer && phrase && (individual && !written_as_a_title || place == Place::After("*s")) {
        return None;
    }
    Some(Mention {
        start,
        end: right,
        place,
        parsed,
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

fn is_connector(word: &str) -> bool {
    ["of", "for", "and", "&", "-", "/"]
        .iter()
        .any(|c| word.eq_ignore_ascii_case(c))
}

/// A title listed right after one the posting names itself with ("We are seeking a Director
/// of Sales and a VP of Marketing"): it is named the same way.
fn listed_after(text: &str, previous: Option<(usize, Place)>, start: usize) -> Option<Place> {
    let (end, place) = previous?;
    // "and a", "or the": a few bytes; a title further on is not listed after this one.
    if start.checked_sub(end)? > LIST_REACH {
        return None;
    }
    let between = Words::new(text.get(end..start)?);
    let conjunction = between.without_determiner(&TABLES.determiners);
    (conjunction.first().is_some()
        && conjunction.at_most(1)
        && conjunction.words_are(&TABLES.conjunctions))
    .then_some(place)
}

/// Why the title at `start` is the posting's own, if it is.
fn place_of(
    text: &str,
    sentence: usize,
    clause: usize,
    start: usize,
    after: &str,
) -> Option<Place> {
    let t = &*TABLES;
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
    // The last words before the title, read once: every cue below is compared with them.
    let mut buf = [""; LAST_WORDS];
    let before = last_words(before, &mut buf);
    // A veto first: "...reports to the Director of Operations".
    let tail = without_determiner(before, &t.determiners);
    // The longer cue wins where both tables match: "hearing from" is a self-reference, "from"
    // alone is not.
    let longest = |index: &CueIndex, tail: &[&str]| {
        index
            .for_word(tail.last().copied())
            .iter()
            .copied()
            .filter(|cue| ends_with(tail, cue))
            .max_by_key(|cue| cue.len())
    };
    let other = longest(&t.other_role, tail);
    let own = longest(&t.self_before, tail);
    if other.is_some_and(|o| own.is_none_or(|s| s.len() <= o.len())) {
        return None;
    }
    // "seeking an experienced, dynamic Director": describing words between cue and title.
    let tail = without_determiner(without_describing_words(tail), &t.determiners);
    if let Some(cue) = t
        .self_before
        .for_word(tail.last().copied())
        .iter()
        .find(|cue| ends_with(tail, cue))
    {
        let rest = &tail[..tail.len() - cue.split(' ').count()];
        if t.not_self_before_cue
            .for_word(rest.last().copied())
            .is_empty()
        {
            return Some(Place::Before(cue));
        }
        return None;
    }
    // "The X will", "Our X is responsible", "X - Job Description": the title opens a clause
    // and a self-reference follows it.
    let first_after = after_words.first();
    let cue = t
        .self_after
        .for_word(first_after)
        .iter()
        .copied()
        .find(|cue| after_words.starts_with(cue))
        // Any verb in the present tense, the table's last entry.
        .or_else(|| present_verb(after_words).then_some("*s"))?;
    // A capitalised "The" opens a sentence even where an export lost the full stop
    // ("Position Summary The Director ...").
    let opens_clause = in_clause.without_determiner(&t.determiners).is_empty()
        && in_clause.at_most(1)
        || in_clause
            .last()
            .is_some_and(|w| matches!(w, "The" | "Our" | "This"));
    // "Alex Kim, Head of Operations, says": a title in commas is an apposition.
    let apposition = after.trim_start().starts_with(',');
    let someone_else = t
        .not_self_after
        .for_word(first_after)
        .iter()
        .any(|cue| after_words.starts_with(cue));
    (opens_clause && !apposition && !someone_else).then_some(Place::After(cue))
}

/// Without up to six trailing describing words ("an *experienced and dynamic*"): words a
/// title does not take on its left end the run.
fn without_describing_words<'w, 'a>(words: &'w [&'a str]) -> &'w [&'a str] {
    let mut w = words;
    for _ in 0..6 {
        match w.split_last() {
            Some((last, rest)) if !stops_left(last) || last.eq_ignore_ascii_case("and") => {
                w = rest;
            }
            _ => break,
        }
    }
    w
}

/// "The Director *oversees*", "*harnesses*", "*plays*": a word in -s right after the title
/// that opens a clause is its verb (not "-ss", "-us", "-is": "across", "status", "basis").
fn present_verb(after: Words<'_>) -> bool {
    after.first().is_some_and(|w| {
        let lower = w.len() > 3
            && w.ends_with('s')
            && w.bytes().all(|b| b.is_ascii_lowercase())
            && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is"));
        lower && !TABLES.other_role_words.contains(w) && !TABLES.title_ends.contains(w)
    })
}

/// Whether a title whose clause starts at `clause` opens the posting: the first line (after
/// at most a short lead such as a company name and a dash), or a line of its own among the
/// first [`FIRST_LINES`] lines.
fn opens_posting(
    scan: &mut Scan<'_>,
    text: &str,
    line_start: usize,
    clause: usize,
    after: &str,
) -> bool {
    let lines_above = scan.lines_above(line_start);
    if lines_above >= FIRST_LINES {
        return false;
    }
    // The lead: the line's text before the clause (its leading blanks read no differently).
    let text_start = scan.line_text(line_start);
    let lead_text = if clause <= text_start {
        ""
    } else if clause - text_start > LEAD_REACH {
        return false;
    } else {
        text[text_start..clause].trim_end()
    };
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
        return lead.at_most(6) && lead.iter().all(|w| !stops_left(w) || is_connector(w));
    }
    // Further down, only a line that holds nothing but the title, under a line that is not a
    // label of another role ("Reports to:").
    lead.is_empty()
        && after.split('\n').next().unwrap_or("").trim().is_empty()
        && !scan.under_a_label(line_start)
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

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .is_some_and(|cut| text.as_bytes()[cut..].eq_ignore_ascii_case(suffix.as_bytes()))
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
        // After the whitespace, which may be wider than a byte (a no-break space).
        let word_start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
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
                || word.ends_with('.') && !scan::abbreviation(&word[..word.len() - 1])
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
/// `text` is the window read around the level word.
fn right_end(scan: &mut Scan<'_>, text: &str, at: usize, end: usize) -> usize {
    let t = &*TABLES;
    // A word glued by a hyphen ("director-level") belongs to the level word; a field glued on
    // ends the title ("DirectorLocation").
    let (mut stop, glued) = scan.run_after(end, text.len());
    if glued {
        return stop;
    }
    let capitalised = text[at..].starts_with(|c: char| c.is_ascii_uppercase());
    // "VP Operations", "Director Origination": a capitalised word may follow a level word
    // directly; not a manager or lead ("Operations Manager Learning Disabilities").
    let manager = ends_with_ignore_case(&text[..stop], "manager")
        || ends_with_ignore_case(&text[..stop], "lead");
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
        let connector = ["of", "and", "&", "the"]
            .iter()
            .any(|c| word.eq_ignore_ascii_case(c));
        // Right after the level word only "of" or a separator leads on ("Director of X",
        // "Director, X"); "Operations Manager Learning Disabilities" ends at "Manager".
        let first = i == stop_after_level;
        if first && !joined && !word.eq_ignore_ascii_case("of") && (manager || !upper) {
            break;
        }
        // "Head of the Integrated Team": "the" only right after "of", before a capital.
        let of_the = word.eq_ignore_ascii_case("the")
            && ends_with_ignore_case(text[..i].trim_end(), " of")
            && text[j + word.len()..]
                .trim_start()
                .starts_with(|c: char| c.is_uppercase());
        if word.is_empty()
            || t.title_ends.contains(word) && !of_the && (!upper || t.capital_ends.contains(word))
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

/// Words that a title does not take on its left: articles, prepositions and the words of the
/// self-reference and other-role tables ("seeking", "report", "with").
fn stops_left(word: &str) -> bool {
    TABLES.small.contains(word) || TABLES.cue_words.contains(word)
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
    fn a_no_break_space_before_a_title_word_is_a_space() {
        let n = read("We are seeking a Senior\u{a0}Finance Director.").unwrap();
        assert_eq!(n.title, "Finance Director");
    }

    #[test]
    fn a_text_denser_in_level_words_than_a_posting_is_read_up_to_a_budget() {
        let text = "Job Title: Director of Operations\n".to_string() + &"vp ".repeat(20_000);
        let n = read(&text).expect("the title field is read");
        assert_eq!(n.title, "Director of Operations");
        assert!(n.reason.contains("were not read"), "{}", n.reason);
        let plain = "Job Title: Director of Operations\nWe run twelve depots.";
        assert!(!read(plain).unwrap().reason.contains("not read"));
    }

    #[test]
    fn fields_glued_together_still_read() {
        let n =
            read("Job Posting: AcmePosition: Service and Training DirectorLocation: NY").unwrap();
        assert_eq!(n.level, Level::Director);
        assert_eq!(n.title, "Service and Training Director");
    }
}
