//! Job titles: the rung a title names (individual, head, director, vp, executive, or none and
//! why) and its function.
//!
//! The rules are the tables below, applied in order to a normalised title (lower case,
//! "Sr." -> senior, "V.P." -> vp, "Ops" -> operations, "Dir." -> director, "–" and "|" ->
//! " - ", parentheses set aside). They follow the labelling rules of the real corpus
//! (`../shared/corpora/PROVENANCE.md`), so the parser and the labels agree on what "a director
//! title" is:
//!
//! 1. [`LEVELS`]: executive (the C-suite: CEO, Chief X Officer, President), vp, director, head
//!    (Head of X, Head - X, X Head). Two levels named, even one only in parentheses
//!    ("Director/VP of Ops", "Head of Ops (Director level)", "VP and CFO"), is no level: the
//!    title leaves it open.
//!
//!    Then [`INDIVIDUAL`]: an individual-contributor or front-line role noun (engineer,
//!    analyst, nurse, barista, intern...) with no leadership word anywhere ([`LEADERSHIP`]:
//!    manager, lead, supervisor, principal, officer, executive, partner, owner...) is the
//!    individual rung, as the corpus labels it (`ladder.csv`).
//! 2. [`NOT_A_LEVEL`]: titles that name no management level (Managing Director, Head Chef,
//!    Assistant Director, AVP, C-level mixes...), each with the reason.
//! 3. A level beside an individual-contributor role noun ("VP, Software Engineer", "Director,
//!    Data Scientist") is a corporate rank, not a management level.
//!    A C-suite name beside another officer or executive is still the C-suite ("CISO /
//!    Compliance Officer"); beside a manager, lead or individual role it is open.
//! 4. Operations managers and leads are head level: the source article says the head of
//!    operations "is also known as the operations manager or operations lead" (000:5), and the
//!    corpus labels them so. Other managers ("Marketing Manager") are not a level here: the
//!    articles equate only the operations manager with a head, and the corpus labels no other
//!    manager title.
//!
//! 5. Any other title with a leadership word names no rung: [`NO_RUNG`] says why for the
//!    common traps (Executive Assistant, Account Executive, Chief of Staff, Chief Engineer),
//!    the rest get the general reason (a manager, lead or supervisor outside operations).
//!
//! The function is `operations` whenever the title names operations, else the function whose
//! keyword comes first in the title (`FUNCTIONS`).

use crate::level::Level;
use regex::Regex;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

/// What a title says about its level.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParsedTitle {
    /// The level the title names, or `None` when it names no management level.
    pub level: Option<Level>,
    /// The function: `operations` when the title names operations, else the left-most
    /// function word (marketing, sales, data, ...), or `None`.
    pub function: Option<String>,
    /// Why: the rule that decided, in words.
    pub reason: String,
}

/// Titles that name no management level: `(pattern, unless, reason)`, checked before the level
/// patterns, in order. A rule fires when `pattern` matches and `unless` (if not empty) does
/// not. Each follows an exclusion of the corpus labelling rules (PROVENANCE.md, "Title ->
/// level rules"), whose code is in the comment.
pub const NOT_A_LEVEL: &[(&str, &str, &str)] = &[
    // trainee (a trainee post with no level word is the individual rung, see INDIVIDUAL)
    (
        r"\b(intern|internship|trainee|apprentice|student|volunteer|graduate scheme)\b",
        "",
        "a trainee or volunteer post beside a level word, not that level",
    ),
    // assistant_to
    (
        r"\b(assistant|secretary|ea|pa|coordinator|chief of staff)\b.*\b(to|supporting|reporting to)\b.*\b(vp|vice president|director|head|ceo|coo|cfo|president|chief|executive)",
        "",
        "supports a leader; the level named is the leader's, not this post's",
    ),
    // avp_ambiguous
    (
        r"\b(avp|assistant vice president|associate vice president)\b",
        "",
        "AVP is ambiguous: a banking officer grade below director in many firms, a senior post in universities",
    ),
    // assistant_or_deputy
    (
        r"\b(assistant|deputy|vice|sub)[ -]?(director|head)\b|\b(assistant|deputy) (regional |executive )?director\b|\b(assistant|deputy|associate) (chief|ceo|coo|cfo|cto|cio|cmo|president)\b",
        "",
        "assistant or deputy: a tier below the level named",
    ),
    // director_exec_or_board, the officer and board half
    (
        r"\b(managing|executive|non[- ]executive|board|company|statutory) directors?\b|\bdirector[- ]general\b|\bboard of directors\b|\bdirector ?/ ?owner\b",
        "",
        "a company officer or board post (managing/executive/board director), not a management level in operations",
    ),
    // director_exec_or_board, the "Director of <craft>" half
    (
        r"\bdirector of (photography|music|worship|youth|athletics|choral|bands|ministries|first impressions)\b",
        "",
        "directs a craft, a ministry or a front desk (photography, music, worship...), not a management level",
    ),
    // director_craft_or_frontline: "<X> Director" only; "Director of Nursing/Programs" are kept
    (
        r"\b(art|creative|music|casting|film|photography|technical|camp|activity|activities|recreation|fitness|aquatics|athletic|athletics|spa|youth|worship|site|center|centre|preschool|daycare|childcare|store|funeral|medical|clinical|program|programme|stage|theatre|theater|shift|resident|residence|residential|hall|dietary|field|race|game|animation|audio|sound|video|salon|dance|drama|sports|coaching|wellness|enrichment|school|lab|laboratory) directors?\b",
        "",
        "a craft or front-line director (art, creative, medical, funeral...), not a management level",
    ),
    // manager_alternative
    (
        r"\b(senior )?manager ?(/|or) ?director\b|\bdirector ?(/|or) ?(senior )?manager\b",
        "",
        "offers manager as an alternative: the level is open",
    ),
    // head_non_management
    (
        r"\bhead (chef|cook|coach|teacher|waiter|waitress|gardener|housekeeper|nurse|porter|lifeguard|baker|bartender|brewer|groundsman|greenkeeper|custodian|caretaker|butler|cashier|server|of household|of year|of house|of school|of sixth form|of department|of faculty|of key stage|of kitchen|of care|start)\b",
        "",
        "a head chef, teacher, coach or school post: head of a craft, not of a function",
    ),
    // head_school_subject, unless a business word says it is a company's function ("Head of
    // Music Marketing", "Head of Science Partnerships")
    (
        r"^head of (maths|mathematics|english|science|music|art|drama|history|geography|physics|chemistry|biology|pe|physical education|languages|mfl|french|spanish|german|computing|ict|re|religious education|design technology|dt)\b",
        r"\b(marketing|sales|content|product|products|partnerships?|business|commercial|licensing|publishing|label|operations|strategy|digital|brand|communications|development|engineering|programming|research|data|platform)\b",
        "a school subject head, not a management level",
    ),
];

/// Individual-contributor or front-line role nouns. A director/VP/head title that also names
/// one of these ("VP, Software Engineer", "Director, Data Scientist") uses the level as a
/// corporate rank, not as a management level.
const ROLE_NOUNS: &str = r"\b(engineer|developer|analyst|scientist|specialist|consultant|architect|officer|manager|lead|executive|associate|counsel|coordinator|representative|owner|administrator|technician|advisor|adviser|recruiter|designer|writer|editor|accountant|attorney|nurse|physician|planner|agent|clerk|supervisor)s?\b";

/// The level patterns, highest first: a title naming a VP is vp even if "director" follows.
/// "Vice President" is not a president; "Chief of Staff" and "Chief Engineer" are not the
/// C-suite (a chief is an officer or the chief executive).
pub const LEVELS: &[(Level, &str, &str)] = &[
    (
        Level::Executive,
        r"\b(ceo|coo|cfo|cto|cio|ciso|cmo|cro|cpo|chro|cdo|cxo)\b|\bchief (?:[\w&-]+ ){1,6}officer\b|\bchief executive\b|(?:^|[^e] )president\b",
        "names the C-suite: a chief officer, the chief executive or a president",
    ),
    (
        Level::Vp,
        r"\b(vp|svp|evp|vice president|vice presidents)\b",
        "names a vice president: VP, SVP, EVP or Vice President",
    ),
    (Level::Director, r"\bdirectors?\b", "names a director"),
    // "X Head" where X is a function or a unit: the corpus rule's list ends in "...", so this
    // one is wide; an Indian-English "Plant Head" or "Delivery Head" runs a unit.
    (
        Level::Head,
        r"\bhead of\b|^(global |regional |interim |acting |group |country )*head ?[-,:|]|\b(operations|business|sales|country|department|division|section|unit|function|team|group|marketing|product|engineering|finance|hr|technology|tech|it|data|analytics|regional|cluster|zonal|zone|area|circle|state|city|branch|category|segment|vertical|channel|account|accounts|practice|delivery|project|program|programme|plant|production|manufacturing|quality|procurement|purchasing|sourcing|logistics|supply chain|admin|administration|legal|compliance|risk|audit|tax|treasury|accounting|people|talent|recruitment|training|communications|brand|content|design|digital|growth|commercial|retail|customer|service|services|support|partnerships|strategy|research|security|infrastructure|network) head\b",
        "names a head: Head of X or X Head",
    ),
];

/// Words that lead or own something: a title with one of these is not the individual rung,
/// whatever role noun it has ("Engineering Manager", "Principal Engineer", "Account
/// Executive", "Loan Officer" name no rung; the corpus drops them too).
pub const LEADERSHIP: &str = r"\b(heads?|directors?|vp|svp|evp|vice president|chief|ceo|coo|cfo|cto|cio|cmo|presidents?|managers?|management|lead|leads|leader|leadership|supervisors?|supervising|principal|officers?|executives?|partners?|owners?|founders?|co-founder|cofounder|superintendent|foreman|forewoman|chair|chairman|chairwoman|chairperson|dean|commissioner|captain|controller|mgr)\b";

/// Individual-contributor and front-line role nouns: with no [`LEADERSHIP`] word, a title
/// naming one is the individual rung (nobody reports to the role as its manager).
pub const INDIVIDUAL: &str = r"\b(engineers?|engineering intern|developers?|programmers?|analysts?|scientists?|researchers?|psychologists?|social workers?|veterinarians?|merchandisers?|illustrators?|trainers?|statisticians?|economists?|actuar(?:y|ies)|nurses?|midwi(?:fe|ves)|physicians?|doctors?|pharmacists?|therapists?|technicians?|technologists?|specialists?|coordinators?|assistants?|associates?|representatives?|reps?|designers?|architects?|teachers?|tutors?|instructors?|lecturers?|professors?|librarians?|curators?|archivists?|drivers?|baristas?|cooks?|chefs?|waiters?|waitress(?:es)?|bartenders?|cashiers?|receptionists?|secretar(?:y|ies)|clerks?|tellers?|agents?|advisors?|advisers?|consultants?|administrators?|accountants?|bookkeepers?|auditors?|underwriters?|paralegals?|attorneys?|lawyers?|solicitors?|counsel|writers?|copywriters?|editors?|translators?|journalists?|reporters?|testers?|operators?|mechanics?|electricians?|plumbers?|carpenters?|welders?|labou?rers?|cleaners?|janitors?|custodians?|caregivers?|carers?|aides?|guards?|recruiters?|planners?|buyers?|interns?|internship|trainees?|apprentices?|students?|volunteers?|fellows?|contributors?|servers?|housekeepers?|counsell?ors?|coach(?:es)?|surveyors?|attendants?|inspectors?|crew members?|team members?|crew|graduates?|stylists?|barbers?|hairdressers?|porters?|couriers?|pickers?|packers?|dishwashers?|hosts?|hostess(?:es)?|hygienists?|paramedics?|firefighters?|dispatchers?|estimators?|machinists?|installers?|painters?|landscapers?|gardeners?|nannies|nanny)\b";

/// Titles whose leadership word leads nothing: `(pattern, reason)`, checked before the
/// general "a manager outside operations" reason, so each trap says what it is. They name no
/// rung (the corpus drops them: a leadership word is in the title, yet the post is neither a
/// manager nor the C-suite).
pub const NO_RUNG: &[(&str, &str)] = &[
    (
        r"\b(executive|personal|administrative) assistants?\b",
        "an assistant to an executive: supports a leader, and names no rung of its own",
    ),
    (
        r"\b(account|sales|business development|client|customer success|marketing|recruitment|media) executives?\b",
        "an account or sales executive: \"executive\" is a seller's title here, not a leader; names no rung",
    ),
    (
        r"\bchief of staff\b",
        "a chief of staff runs a leader's office: not the C-suite; names no rung",
    ),
    (
        r"\bchief (engineer|scientist|architect|economist|technologist|editor|pilot|mate|steward|inspector|examiner|cook|chef|clerk|accountant|estimator|surveyor|designer|nurse|pharmacist|resident)s?\b",
        "the chief of a craft (chief engineer, scientist, architect...): its most senior practitioner, not a C-suite officer; names no rung",
    ),
];

/// Words that make an operations manager/lead title a front-line or non-management post.
const OPS_FRONTLINE: &str = r"\b(store|shift|warehouse|floor|night|restaurant|kitchen|team lead|assistant|associate|junior|deputy|trainee|intern|graduate|entry[- ]level|program|programme|project|product support|engineering|governance|writer|specialist|analyst|science|scientist|coordinator)\b";

/// Operations manager/lead titles, the head of operations' other names (000:5). Tested on the
/// part of the title before its first comma.
/// `(pattern, tested on the whole title)`: shape A is tested on the part before the first
/// comma or dash, shape B on the whole title (its comma is part of the shape).
const OPS_MANAGER: &[(&str, bool)] = &[
    // A: "Senior Clinical Operations Manager", "Strategy and Operations Lead", with up to three
    // trailing qualifier words ("Operations Manager West Yorkshire")
    (
        r"^(senior )?([\w-]+[ &/]+){0,4}operations?( (and|&) (strategy|planning|administration|finance|growth|training))? (manager|lead)( [\w-]+){0,3}$",
        false,
    ),
    // B: "Manager, Conference Operations", "Senior Manager - Treasury Operations"
    (
        r"^(senior )?manager( ?[,:-] ?| of | )([\w-]+ ){0,3}operations?$",
        true,
    ),
];

/// Function words. The corpus rule: `operations` whenever the title names operations
/// (`OPERATIONS`), else the function whose keyword occurs left-most in the title.
const FUNCTIONS: &[(&str, &str)] = &[
    // "Voting" alone is not a keyword: "Director, Voting System Testing" is `other` in the
    // corpus, while "Campaign Finance Director" is `elections`.
    (
        "elections",
        r"\b(elections?|electoral|voter|registrar|registration|campaign finance|ballots?)\b",
    ),
    (
        "engineering",
        r"\b(engineering|software|platform|devops|mlops|broadcast|web|website)\b",
    ),
    (
        "it",
        r"\b(it|information technology|information services|information security|is|infrastructure|technology|systems|network|cloud)\b",
    ),
    (
        "data",
        r"\b(data|analytics|science|insights?|business intelligence|bi|machine learning|ai)\b",
    ),
    ("product", r"\b(product|products)\b"),
    (
        "marketing",
        r"\b(marketing|product marketing|brand|communications|content|demand generation|growth|digital|outreach|creative|media|pr|public relations)\b",
    ),
    (
        "sales",
        r"\b(sales|business development|accounts?|partners?|partnerships?|commercial|go-to-market|origination)\b",
    ),
    (
        "finance",
        r"\b(finance|financial|accounting|treasury|payroll|investments?|tax|audit|fp&a|revenue|reimbursement)\b",
    ),
    (
        "hr",
        r"\b(hr|human resources|people|talent|recruiting|recruitment|training)\b",
    ),
    (
        "legal",
        r"\b(legal|compliance|government affairs|legislative|regulatory|policy)\b",
    ),
    ("quality", r"\b(quality|qa)\b"),
    (
        "supply_chain",
        r"\b(supply chain|procurement|purchasing|logistics|sourcing)\b",
    ),
    (
        "customer",
        r"\b(customer|client|clients|services?|support|success)\b",
    ),
    (
        "healthcare",
        r"\b(clinical|nursing|health|healthcare|medical|pharmacology)\b",
    ),
    ("design", r"\b(design|ux|user experience)\b"),
    (
        "fundraising",
        r"^(senior )?(development director|director of development)$|\b(fundraising|philanthropy|donor|investor)\b",
    ),
    (
        "strategy",
        r"\b(strategy|strategic|planning|transformation|programs?|programmes?)\b",
    ),
    (
        "facilities",
        r"\b(facilities|public works|construction|real estate)\b",
    ),
    (
        "education",
        r"\b(education|school|curriculum|learning|academic)\b",
    ),
];

/// The function is `operations` wherever the title says so ("Director, Global Payroll
/// Operations"); DevOps and MLOps are engineering.
const OPERATIONS: &str = r"\b(operations?|operational|bizops|revops)\b";

struct Rules {
    not_a_level: Vec<(Regex, Option<Regex>, &'static str)>,
    role_nouns: Regex,
    leadership: Regex,
    individual: Regex,
    no_rung: Vec<(Regex, &'static str)>,
    levels: Vec<(Level, Regex, &'static str)>,
    ops_manager: Vec<(Regex, bool)>,
    ops_frontline: Regex,
    operations: Regex,
    functions: Vec<(&'static str, Regex)>,
    abbreviations: Vec<(Regex, &'static str)>,
    parentheses: Regex,
}

/// Compiled once; the patterns are constants checked by the tests, so they always compile.
static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).expect("title patterns are valid");
    Rules {
        not_a_level: NOT_A_LEVEL
            .iter()
            .map(|(p, unless, why)| (re(p), (!unless.is_empty()).then(|| re(unless)), *why))
            .collect(),
        role_nouns: re(ROLE_NOUNS),
        leadership: re(LEADERSHIP),
        individual: re(INDIVIDUAL),
        no_rung: NO_RUNG.iter().map(|(p, why)| (re(p), *why)).collect(),
        levels: LEVELS.iter().map(|(l, p, why)| (*l, re(p), *why)).collect(),
        ops_manager: OPS_MANAGER
            .iter()
            .map(|(p, whole)| (re(p), *whole))
            .collect(),
        ops_frontline: re(OPS_FRONTLINE),
        operations: re(OPERATIONS),
        functions: FUNCTIONS.iter().map(|(f, p)| (*f, re(p))).collect(),
        abbreviations: [
            (r"\bv\.\s?p\.?", "vp"),
            (r"\bvice[\s-]+-?\s*president", "vice president"),
            (r"\bsr\.?\s", "senior "),
            (r"\bdir\b\.?", "director"),
            (r"\bops\b", "operations"),
            (r"\bmgr\b", "manager"),
            (r"\s*[–—|]\s*", " - "),
        ]
        .iter()
        .map(|(p, to)| (re(p), *to))
        .collect(),
        parentheses: re(r"\([^)]*\)|\[[^\]]*\]"),
    }
});

/// Lower case, abbreviations expanded, parentheses dropped, spaces collapsed.
fn normalise(title: &str) -> String {
    let rules = &*RULES;
    let t = expand(title);
    let t = rules.parentheses.replace_all(&t, " ");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower case and abbreviations expanded, parentheses kept.
fn expand(title: &str) -> String {
    let mut t = title.to_lowercase();
    for (re, to) in &RULES.abbreviations {
        t = re.replace_all(&t, *to).into_owned();
    }
    t
}

/// Parses a job title.
///
/// ```
/// use joblevel::{Level, title};
/// assert_eq!(title::parse("Sr. Director of Ops (Remote)").level, Some(Level::Director));
/// assert_eq!(title::parse("VP, Ops").level, Some(Level::Vp));
/// assert_eq!(title::parse("Operations Manager").level, Some(Level::Head));
/// assert_eq!(title::parse("Managing Director").level, None);
/// ```
pub fn parse(title: &str) -> ParsedTitle {
    let rules = &*RULES;
    let t = normalise(title);
    let function = function_of(&t);
    let none = |reason: &str| ParsedTitle {
        level: None,
        function: function.clone(),
        reason: reason.to_string(),
    };
    if t.is_empty() {
        return none("the title is empty");
    }
    let mut named: Vec<&(Level, Regex, &str)> = rules
        .levels
        .iter()
        .filter(|(_, re, _)| re.is_match(&t))
        .collect();
    // A level inside parentheses still counts: beside another level it makes two ("Head of
    // Ops (Director level)"); alone it is the title's level, so the role-noun rule below
    // still sees "Data Scientist (C13/VP)" as a bank rank.
    let full = expand(title);
    let in_parentheses: Vec<&(Level, Regex, &str)> = rules
        .levels
        .iter()
        .filter(|(l, re, _)| !named.iter().any(|(n, _, _)| n == l) && re.is_match(&full))
        .collect();
    if !named.is_empty() && !in_parentheses.is_empty() {
        return none("names two levels, one in parentheses: the level is open");
    }
    if named.is_empty() {
        named = in_parentheses;
    }
    if named.len() > 1 {
        let names: Vec<&str> = named.iter().map(|(l, _, _)| l.as_str()).collect();
        return none(&format!(
            "names two levels ({}): the level is open",
            names.join(" and ")
        ));
    }
    // An individual contributor's title: a role noun and no word that leads anything.
    if named.is_empty()
        && !rules.leadership.is_match(&t)
        && let Some(m) = rules.individual.find(&t)
    {
        return ParsedTitle {
            level: Some(Level::Individual),
            function,
            reason: format!(
                "names an individual contributor's role (matched {:?}) and no leadership word",
                m.as_str()
            ),
        };
    }
    for (re, unless, why) in &rules.not_a_level {
        if re.is_match(&t) && !unless.as_ref().is_some_and(|u| u.is_match(&t)) {
            return none(why);
        }
    }
    if let Some((level, re, why)) = named.first() {
        // "Executive" is part of "Executive Vice President", "Associate" of "Associate
        // Director", "Officer" of "Chief Operating Officer": those are levels, not role nouns.
        let mut rest = t
            .replace("executive vice president", "")
            .replace("associate director", "");
        // The C-suite's own words are no other role: beside another officer or executive
        // ("CISO / Compliance Officer", "Fractional CFO - Executive Roster") a chief is still
        // the C-suite; a manager, lead or individual role beside it leaves the title open
        // ("CTO / Lead Developer", "CRO Project Manager").
        let executive = *level == Level::Executive;
        if executive {
            rest = re.replace_all(&rest, " ").into_owned();
        }
        let c_suite_word =
            |w: &str| matches!(w, "officer" | "officers" | "executive" | "executives");
        if let Some(m) = rules
            .role_nouns
            .find_iter(&rest)
            .find(|m| !(executive && c_suite_word(m.as_str())))
        {
            return none(&format!(
                "also names the role {:?}: the level is a rank of that role, not a management level",
                m.as_str()
            ));
        }
        // Quote the words that decided, from the title with its parentheses if need be.
        let matched = re.find(&t).or_else(|| re.find(&full)).map(|m| m.as_str());
        return ParsedTitle {
            level: Some(*level),
            function,
            reason: match matched {
                Some(m) => format!(
                    "{why} (matched {:?})",
                    m.trim_end_matches([' ', '-', ',', ':'])
                ),
                None => why.to_string(),
            },
        };
    }
    let head_part = t.split(',').next().unwrap_or(&t).trim();
    let head_part = head_part.split(" - ").next().unwrap_or(head_part).trim();
    let is_ops_manager = rules
        .ops_manager
        .iter()
        .any(|(re, whole)| re.is_match(if *whole { &t } else { head_part }));
    if is_ops_manager {
        if let Some(m) = rules.ops_frontline.find(head_part) {
            return none(&format!(
                "an operations manager or lead, but {:?} makes it a front-line or specialist post",
                m.as_str()
            ));
        }
        return ParsedTitle {
            level: Some(Level::Head),
            function,
            reason: "an operations manager or lead: the head of operations' other names (article 000, line 5)"
                .to_string(),
        };
    }
    if let Some((_, why)) = rules.no_rung.iter().find(|(re, _)| re.is_match(&t)) {
        return none(why);
    }
    if let Some(m) = rules.leadership.find(&t) {
        return none(&format!(
            "leads something ({:?}) but names no rung: a manager, lead or supervisor outside operations sits between the individual and the head rungs",
            m.as_str()
        ));
    }
    none("names no rung: no leadership word and no known individual role")
}

/// [`parse`], remembered per thread: postings and exports repeat a few thousand titles, and
/// parsing one runs a dozen regular expressions. The cache is bounded (cleared when full).
///
/// ```
/// use joblevel::{Level, title};
/// let a = title::parse_cached("Director of Operations");
/// assert_eq!(a.level, Some(Level::Director));
/// assert_eq!(*a, title::parse("Director of Operations"));
/// ```
pub fn parse_cached(title: &str) -> Rc<ParsedTitle> {
    const LIMIT: usize = 20_000;
    thread_local! {
        static CACHE: RefCell<FxHashMap<Box<str>, Rc<ParsedTitle>>> = RefCell::default();
    }
    CACHE.with_borrow_mut(|cache| {
        if let Some(parsed) = cache.get(title) {
            return Rc::clone(parsed);
        }
        if cache.len() >= LIMIT {
            cache.clear();
        }
        let parsed = Rc::new(parse(title));
        cache.insert(title.into(), Rc::clone(&parsed));
        parsed
    })
}

fn function_of(t: &str) -> Option<String> {
    let rules = &*RULES;
    if rules.operations.is_match(t) {
        return Some("operations".to_string());
    }
    rules
        .functions
        .iter()
        .enumerate()
        // Left-most wins; at the same place the longer phrase ("product marketing" is
        // marketing, not product), then the table order.
        .filter_map(|(order, (name, re))| {
            re.find(t)
                .map(|m| ((m.start(), std::cmp::Reverse(m.len()), order), *name))
        })
        .min()
        .map(|(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_separators_are_normalised() {
        assert_eq!(
            normalise("Sr. Dir. of Ops – EMEA (Remote)"),
            "senior director of operations - emea"
        );
        assert_eq!(normalise("V.P. Operations"), "vp operations");
        assert_eq!(
            normalise("Vice - President, Sales"),
            "vice president, sales"
        );
    }

    #[test]
    fn every_rule_has_a_reason_and_compiles() {
        assert!(RULES.not_a_level.len() == NOT_A_LEVEL.len());
        assert!(NOT_A_LEVEL.iter().all(|(_, _, why)| !why.is_empty()));
    }

    #[test]
    fn a_title_naming_two_levels_names_none() {
        let p = parse("Director/VP of Ops");
        assert_eq!(p.level, None);
        assert!(p.reason.contains("two levels"), "{}", p.reason);
        assert_eq!(p.function.as_deref(), Some("operations"));
    }
}
