//! Rules that look at the text around a candidate, or at the whole document, after the alias search: which of two
//! entities a shared name means (a group or its software), names that need support, acronyms a document defines,
//! and shields (money amounts, certificate fields, quoted file names).
//!
//! Everything here runs on byte offsets of the original text, after the word-start search has chosen its spans and
//! before offsets are converted for Python.

use crate::normalize::is_word;

/// Which reading of a shared name a cue points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// The group (kind `threat_actor`).
    Actor,
    /// The malware or tool (kind `software`).
    Software,
}

impl Sense {
    /// The entity kind of this sense.
    pub fn kind(self) -> &'static str {
        match self {
            Sense::Actor => "threat_actor",
            Sense::Software => "software",
        }
    }
}

/// How a mention's entity was chosen among the candidates of its span. Stored as a small code in [`crate::Match`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resolution(pub u16);

impl Resolution {
    /// The span named one entity: nothing was chosen.
    pub const NONE: Resolution = Resolution(0);
    /// Several entities, and nothing in the context decided: the default reading (see the gazetteer's candidate
    /// order).
    pub const DEFAULT: Resolution = Resolution(1);
    /// Several entities, decided by the reading that cues gave the same name elsewhere in the document
    /// (`resolve="document"`).
    pub const DOCUMENT: Resolution = Resolution(2);
    const CUE_BASE: u16 = 16;

    /// The resolution by cue `index` of [`CUES`].
    fn cue(index: usize) -> Resolution {
        Resolution(Self::CUE_BASE + index as u16)
    }

    /// The sense of a cue resolution.
    pub fn sense(self) -> Option<Sense> {
        self.0
            .checked_sub(Self::CUE_BASE)
            .and_then(|i| CUES.get(i as usize))
            .map(|c| c.sense)
    }

    /// What users see as `resolved_by`: `None` when nothing was chosen, else `"default"`, `"document"` or the cue
    /// ("ransomware", "group", "attributed to", ...).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Resolution::NONE => None,
            Resolution::DEFAULT => Some("default"),
            Resolution::DOCUMENT => Some("document"),
            Resolution(code) => code
                .checked_sub(Self::CUE_BASE)
                .and_then(|i| CUES.get(i as usize))
                .map(|c| c.text),
        }
    }

    /// The name of every code up to the last cue's, by code: `labels[code]` (`None` for unused codes).
    pub fn labels() -> Vec<Option<&'static str>> {
        let top = Self::CUE_BASE + CUES.len() as u16;
        (0..top).map(|c| Resolution(c).name()).collect()
    }

    /// Every name [`Resolution::name`] can return, in code order after `default` and `document`.
    pub fn names() -> impl Iterator<Item = &'static str> {
        ["default", "document"]
            .into_iter()
            .chain(CUES.iter().map(|c| c.text))
    }
}

/// Where a cue stands: right after the name or right before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    After,
    Before,
}

/// One context cue: words next to a shared name that say which reading it has.
#[derive(Debug, Clone, Copy)]
pub struct Cue {
    /// The words, lower case, one space between them.
    pub text: &'static str,
    /// The reading they point to.
    pub sense: Sense,
    side: Side,
}

const fn after(text: &'static str, sense: Sense) -> Cue {
    Cue {
        text,
        sense,
        side: Side::After,
    }
}

const fn before(text: &'static str, sense: Sense) -> Cue {
    Cue {
        text,
        sense,
        side: Side::Before,
    }
}

use Sense::{Actor, Software};

/// The cues, written from how threat reports name malware and groups ("X ransomware", "X operators", "deployed X",
/// "attributed to X"). Two-word cues come before the one-word cues they start with, so that "ransomware gang" (the
/// group) wins over "ransomware" (the software). Plurals are listed; case is ignored, except that "RAT" must be
/// written in capitals (the animal is not a cue).
pub const CUES: &[Cue] = &[
    // The group: "the Conti ransomware gang", "REvil ransomware operators".
    after("ransomware gang", Actor),
    after("ransomware group", Actor),
    after("ransomware operators", Actor),
    after("ransomware operator", Actor),
    after("ransomware affiliates", Actor),
    after("ransomware actors", Actor),
    after("ransomware crew", Actor),
    after("ransomware cartel", Actor),
    after("ransomware operation", Actor),
    after("ransomware operations", Actor),
    after("ransomware outfit", Actor),
    after("malware operators", Actor),
    after("threat actor", Actor),
    after("threat actors", Actor),
    after("threat group", Actor),
    after("hacking group", Actor),
    after("group", Actor),
    after("groups", Actor),
    after("gang", Actor),
    after("gangs", Actor),
    after("actor", Actor),
    after("actors", Actor),
    after("operators", Actor),
    after("operator", Actor),
    after("affiliates", Actor),
    after("affiliate", Actor),
    after("crew", Actor),
    after("hackers", Actor),
    after("hacker", Actor),
    after("apt", Actor),
    after("team", Actor),
    after("members", Actor),
    after("developers", Actor),
    after("developer", Actor),
    after("cartel", Actor),
    after("syndicate", Actor),
    after("operation", Actor),
    after("outfit", Actor),
    after("cybercriminals", Actor),
    // The software: "Winnti malware", "Carbanak backdoor", "a Babuk sample".
    after("web shell", Software),
    after("web shells", Software),
    after("source code", Software),
    after("ransomware", Software),
    after("malware", Software),
    after("backdoor", Software),
    after("backdoors", Software),
    after("rat", Software),
    after("rats", Software),
    after("trojan", Software),
    after("trojans", Software),
    after("loader", Software),
    after("loaders", Software),
    after("sample", Software),
    after("samples", Software),
    after("variant", Software),
    after("variants", Software),
    after("payload", Software),
    after("payloads", Software),
    after("builder", Software),
    after("builders", Software),
    after("webshell", Software),
    after("family", Software),
    after("families", Software),
    after("strain", Software),
    after("strains", Software),
    after("dropper", Software),
    after("droppers", Software),
    after("implant", Software),
    after("implants", Software),
    after("stealer", Software),
    after("botnet", Software),
    after("binary", Software),
    after("binaries", Software),
    after("executable", Software),
    after("executables", Software),
    after("dll", Software),
    after("module", Software),
    after("modules", Software),
    after("plugin", Software),
    after("plugins", Software),
    after("toolkit", Software),
    after("framework", Software),
    after("beacon", Software),
    after("beacons", Software),
    after("worm", Software),
    after("wiper", Software),
    after("rootkit", Software),
    after("downloader", Software),
    after("keylogger", Software),
    after("encryptor", Software),
    after("decryptor", Software),
    after("infection", Software),
    after("infections", Software),
    // Before the name.
    before("attributed to", Actor),
    before("campaign by", Actor),
    before("campaigns by", Actor),
    before("operated by", Actor),
    before("conducted by", Actor),
    before("carried out by", Actor),
    before("members of", Actor),
    before("affiliates of", Actor),
    before("operators of", Actor),
    before("threat actor", Actor),
    before("threat group", Actor),
    before("hacking group", Actor),
    before("variant of", Software),
    before("version of", Software),
    before("sample of", Software),
    before("samples of", Software),
    before("strain of", Software),
    before("infected with", Software),
    before("deployed", Software),
    before("deploys", Software),
    before("deploying", Software),
    before("deploy", Software),
    before("dropped", Software),
    before("drops", Software),
    before("installed", Software),
    before("installs", Software),
    before("executed", Software),
    before("using", Software),
];

/// Most words a cue has.
const CUE_WORDS: usize = 3;

/// At most [`CUE_WORDS`] words, on the stack: [`find_cue`] runs for many mentions, and two vectors per call were
/// most of its cost.
#[derive(Default)]
struct Words<'a> {
    words: [&'a str; CUE_WORDS],
    len: usize,
}

impl<'a> Words<'a> {
    fn push(&mut self, word: &'a str) {
        self.words[self.len] = word;
        self.len += 1;
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn as_slice(&self) -> &[&'a str] {
        &self.words[..self.len]
    }
}

/// Up to [`CUE_WORDS`] ASCII words right after `end` (separated by white space only, the first one after white
/// space, a hyphen or a possessive "'s").
fn words_after(text: &str, end: usize) -> Words<'_> {
    let b = text.as_bytes();
    let mut out = Words::default();
    let mut i = end;
    for n in 0..CUE_WORDS {
        let mut j = i;
        let mut gap = 0;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\n' || b[j] == b'\r') {
            j += 1;
            gap += 1;
        }
        if n == 0 && gap == 0 && j < b.len() && b[j] == b'-' {
            j += 1;
            gap = 1;
        }
        // A possessive is read through: "DarkSide's affiliates", "Conti’s payload".
        if n == 0 && gap == 0 {
            let rest = &text[j..];
            let apostrophe = ["'s", "\u{2019}s"].iter().find(|a| rest.starts_with(**a));
            if let Some(a) = apostrophe {
                let k = j + a.len();
                if k < b.len() && (b[k] == b' ' || b[k] == b'\t' || b[k] == b'\n' || b[k] == b'\r')
                {
                    j = k;
                    while j < b.len()
                        && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\n' || b[j] == b'\r')
                    {
                        j += 1;
                        gap += 1;
                    }
                }
            }
        }
        if gap == 0 || gap > 3 {
            break;
        }
        let s = j;
        while j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j == s
            || (j < b.len() && !b[j].is_ascii() && text[j..].chars().next().is_some_and(is_word))
        {
            break;
        }
        out.push(&text[s..j]);
        i = j;
    }
    out
}

/// Up to [`CUE_WORDS`] ASCII words right before `start`, nearest first, skipping one article ("the", "a", "an")
/// right before the name.
fn words_before(text: &str, start: usize) -> Words<'_> {
    let b = text.as_bytes();
    let mut out = Words::default();
    let mut i = start;
    let mut skipped_article = false;
    while out.len() < CUE_WORDS {
        let mut j = i;
        let mut gap = 0;
        while j > 0
            && (b[j - 1] == b' ' || b[j - 1] == b'\t' || b[j - 1] == b'\n' || b[j - 1] == b'\r')
        {
            j -= 1;
            gap += 1;
        }
        if gap == 0 || gap > 3 {
            break;
        }
        let e = j;
        while j > 0 && b[j - 1].is_ascii_alphabetic() {
            j -= 1;
        }
        if j == e
            || (j > 0 && !b[j - 1].is_ascii() && text[..j].chars().next_back().is_some_and(is_word))
        {
            break;
        }
        let word = &text[j..e];
        if out.is_empty()
            && !skipped_article
            && ["the", "a", "an"]
                .iter()
                .any(|a| a.eq_ignore_ascii_case(word))
        {
            skipped_article = true;
        } else {
            out.push(word);
        }
        i = j;
    }
    out
}

/// The words of each cue of [`CUES`] (same order), split once.
fn cue_words() -> &'static [([&'static str; CUE_WORDS], usize)] {
    static WORDS: std::sync::OnceLock<Vec<([&'static str; CUE_WORDS], usize)>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        CUES.iter()
            .map(|c| {
                let mut words = [""; CUE_WORDS];
                let mut n = 0;
                for w in c.text.split(' ') {
                    words[n] = w;
                    n += 1;
                }
                (words, n)
            })
            .collect()
    })
}

fn cue_matches(cue: &Cue, parts: &[&str], words: &[&str]) -> bool {
    let n = parts.len();
    if words.len() < n {
        return false;
    }
    parts.iter().enumerate().all(|(k, want)| {
        // "Before" words are nearest first; the cue is written in reading order.
        let got = match cue.side {
            Side::After => words[k],
            Side::Before => words[n - 1 - k],
        };
        if *want == "rat" || *want == "rats" {
            got == "RAT" || got == "RATs"
        } else {
            want.eq_ignore_ascii_case(got)
        }
    })
}

/// The first cue of `side` that `words` (nearest first) match.
fn first_cue(side: Side, words: &[&str]) -> Option<Resolution> {
    CUES.iter()
        .zip(cue_words())
        .position(|(c, (parts, n))| c.side == side && cue_matches(c, &parts[..*n], words))
        .map(Resolution::cue)
}

/// The cue next to the name `text[start..end]`, if any: words after the name are looked at first (they are the
/// stronger signal: "deployed the Conti ransomware gang"), then words before it.
pub fn find_cue(text: &str, start: usize, end: usize) -> Option<Resolution> {
    let next = words_after(text, end);
    if !next.is_empty() {
        if let Some(cue) = first_cue(Side::After, next.as_slice()) {
            return Some(cue);
        }
    }
    let previous = words_before(text, start);
    if previous.is_empty() {
        return None;
    }
    first_cue(Side::Before, previous.as_slice())
}

/// Currency signs that make an adjacent country abbreviation part of a money amount ("US $150", "$ US 100").
const CURRENCY_SIGNS: &[char] = &['$', '€', '£', '¥', '₹', '₩', '₽'];

/// Whether the country mention `text[start..end]` is part of something that is not a mention of the country:
///
/// * a money amount: a currency sign then a digit right after it ("US $150", "US$ 3"), or a currency sign right
///   before it and a digit right after ("$ US 100", "$US100");
/// * a certificate or directory field: `C=`, `C = ` or `countryName=` right before it ("C = US, O = Example");
/// * a quoted file name: an opening quote before it on the same line and, before the closing quote, a file
///   extension ("Ukraine war update.docx").
///
/// Spaces between the parts are allowed (at most two).
pub fn shielded_country(text: &str, start: usize, end: usize) -> bool {
    let after = skip_spaces(&text[end..]);
    let before = text[..start].trim_end_matches([' ', '\u{a0}']);
    let gap_after = text.len() - end - after.len();
    let gap_before = start - before.len();
    if gap_after <= 2 {
        let mut rest = after.chars();
        if rest.next().is_some_and(|c| CURRENCY_SIGNS.contains(&c))
            && skip_spaces(rest.as_str())
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        {
            return true;
        }
    }
    if gap_before <= 2
        && before.ends_with(CURRENCY_SIGNS)
        && gap_after <= 2
        && after.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return true;
    }
    if let Some(field) = before.strip_suffix('=') {
        let field = field.trim_end_matches([' ', '\u{a0}']);
        for key in ["C", "countryName", "c"] {
            if let Some(lead) = field.strip_suffix(key) {
                if !lead.chars().next_back().is_some_and(is_word) {
                    return true;
                }
            }
        }
    }
    in_quoted_file_name(text, start, end)
}

/// Words that, anywhere in a document, say it is about computer security (lower case; a word is a run of ASCII
/// letters, digits, `&` and `-`, compared whole and by its hyphen-joined parts and runs of parts: "anti-malware",
/// "cyber-attack", "zero-day-exploit"), for
/// the security-context rule. Written for the genre, not from a corpus: the kinds of malware, the attack and its
/// actors, the weakness and its identifiers, the defence, and the plain words of news and warnings ("virus",
/// "worm", "scammers"). "cyber" must be a word of its own ("cyberpunk" is not); "spam" is not one (the footer of
/// many blogs: "This site uses Akismet to reduce spam").
pub const SECURITY_WORDS: &[&str] = &[
    "0-day",
    "adware",
    "antivirus",
    "apt",
    "attacker",
    "attackers",
    "backdoor",
    "backdoored",
    "backdoors",
    "botnet",
    "botnets",
    "breach",
    "breached",
    "breaches",
    "c&c",
    "c2",
    "command-and-control",
    "compromised",
    "credentials",
    "cve",
    "cyber",
    "cyberattack",
    "cyberattacks",
    "cybercrime",
    "cybercriminal",
    "cybercriminals",
    "cyberespionage",
    "cybersecurity",
    "ddos",
    "dropper",
    "edr",
    "exfiltrated",
    "exfiltration",
    "exploit",
    "exploitation",
    "exploited",
    "exploiting",
    "exploits",
    "firewall",
    "fraudsters",
    "hack",
    "hacked",
    "hacker",
    "hackers",
    "hacking",
    "hacks",
    "hacktivist",
    "hacktivists",
    "infected",
    "infection",
    "infections",
    "infostealer",
    "intrusion",
    "intrusions",
    "ioc",
    "iocs",
    "keylogger",
    "malicious",
    "malware",
    "payload",
    "payloads",
    "phishing",
    "ransom",
    "ransomware",
    "rootkit",
    "scammers",
    "shellcode",
    "spearphishing",
    "spyware",
    "stalkerware",
    "stealer",
    "trojan",
    "trojans",
    "virus",
    "viruses",
    "vulnerabilities",
    "vulnerability",
    "wiper",
    "worm",
    "worms",
    "zero-day",
];

/// Whether `text` has a word of [`SECURITY_WORDS`], or a CVE id ("CVE-2021-44228").
///
/// Performance note: a text is read once by an automaton of the words (ASCII case-insensitive), not split into
/// words that are looked up one by one: the rule runs on every long text that names malware without a cue, and the
/// word-by-word scan cost a sixth of the matching time on threat reports.
pub fn about_security(text: &str) -> bool {
    static WORDS: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let Some(words) = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(SECURITY_WORDS)
            .ok()
    }) else {
        return false;
    };
    // A word is a run of ASCII letters, digits and '&'; a hyphen joins words that are also read alone.
    let inner = |b: u8| b.is_ascii_alphanumeric() || b == b'&';
    let bytes = text.as_bytes();
    words.find_overlapping_iter(text).any(|m| {
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        !before.is_some_and(inner) && !after.is_some_and(inner)
    })
}

/// Words that, right after a name, make it a company's ("`NetSupport` Ltd", "`TeamViewer` `GmbH`").
const COMPANY_SUFFIXES: &[&str] = &[
    "AG",
    "Co",
    "Corp",
    "Corporation",
    "GmbH",
    "Inc",
    "LLC",
    "Limited",
    "Ltd",
    "PLC",
    "SA",
    "SAS",
    "plc",
];

/// Whether the name ending at `end` is followed by a company suffix (one space, then a word of
/// [`COMPANY_SUFFIXES`], written as listed, before a non-letter): the company, not its product.
pub fn company_name(text: &str, end: usize) -> bool {
    let Some(rest) = text[end..].strip_prefix(NAME_SPACES) else {
        return false;
    };
    COMPANY_SUFFIXES.contains(&first_word(rest))
}

/// The person-name lists of the given-name rule, generated by `data/build.py` from the US Census Bureau's 1990 name
/// files (see `data/gazbuild/person_names.py` for what they leave out and why).
struct PersonNames {
    /// Country names that are also given names ("Chad", "Jordan", "Israel").
    countries: rustc_hash::FxHashSet<&'static str>,
    /// Given names that make a following country name a surname ("Michael Jordan").
    given: rustc_hash::FxHashSet<&'static str>,
    /// Surnames that make a preceding country name a given name ("Chad Johnson").
    surnames: rustc_hash::FxHashSet<&'static str>,
}

fn person_names() -> &'static PersonNames {
    static NAMES: std::sync::OnceLock<PersonNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = PersonNames {
            countries: rustc_hash::FxHashSet::default(),
            given: rustc_hash::FxHashSet::default(),
            surnames: rustc_hash::FxHashSet::default(),
        };
        let mut section = None;
        for line in include_str!("person_names.txt").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line {
                "[countries]" => section = Some(&mut names.countries),
                "[given]" => section = Some(&mut names.given),
                "[surnames]" => section = Some(&mut names.surnames),
                _ => {
                    if let Some(set) = section.as_deref_mut() {
                        set.insert(line);
                    }
                }
            }
        }
        names
    })
}

/// Whether `span`, as written, is a country name that is also a given name ("Chad", "Jordan", "Israel"), which
/// [`person_name_at`] tests.
pub fn is_given_name_country(span: &str) -> bool {
    person_names().countries.contains(span)
}

/// A capital letter, then lower-case letters only, all ASCII ("Johnson", not "JOHNSON" or "McGee"): how the name
/// lists are written.
fn capitalised(word: &str) -> bool {
    let mut bytes = word.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase()) && bytes.all(|b| b.is_ascii_lowercase())
}

/// Whether `word`, as a name is written in running text (ASCII letters, a capital first, not all capitals:
/// "Johnson", "`McClain`", "`DeShawn`"), is in `list`, which holds names capitalised ("Mcclain", "Deshawn").
fn listed_name(word: &str, list: &rustc_hash::FxHashSet<&'static str>) -> bool {
    let mut buf = [0u8; 32];
    let bytes = word.as_bytes();
    if bytes.len() < 2
        || bytes.len() > buf.len()
        || !bytes[0].is_ascii_uppercase()
        || !bytes.iter().all(u8::is_ascii_alphabetic)
        || bytes.iter().all(u8::is_ascii_uppercase)
    {
        return false;
    }
    let key = &mut buf[..bytes.len()];
    key.copy_from_slice(bytes);
    key[1..].make_ascii_lowercase();
    std::str::from_utf8(key).is_ok_and(|k| list.contains(k))
}

/// Whether `rest` starts with a surname written with an elided prefix ("O'Keeffe", "D’Angelo"), which the census
/// lists write without the apostrophe ("Okeeffe").
fn elided_surname(rest: &str, list: &rustc_hash::FxHashSet<&'static str>) -> bool {
    let mut chars = rest.chars();
    let (Some(initial), Some(mark)) = (chars.next(), chars.next()) else {
        return false;
    };
    if !initial.is_ascii_uppercase() || !matches!(mark, '\'' | '\u{2019}') {
        return false;
    }
    let tail = chars.as_str();
    let tail = first_word(tail);
    let mut joined = String::with_capacity(1 + tail.len());
    joined.push(initial);
    joined.push_str(tail);
    tail.starts_with(|c: char| c.is_ascii_uppercase()) && listed_name(&joined, list)
}

/// The letters at the start of `s` ("Johnson's" -> "Johnson"; "" before a non-letter).
fn first_word(s: &str) -> &str {
    &s[..s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len())]
}

/// The letters at the end of `s` ("Minister of" -> "of"; "" after a non-letter).
fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[start..]
}

/// The spaces a name's parts are written with.
const NAME_SPACES: [char; 2] = [' ', '\u{a0}'];

/// `rest` without a leading middle initial and its space ("B. Peterson" -> "Peterson"), or as it is.
fn skip_initial(rest: &str) -> &str {
    let b = rest.as_bytes();
    if b.len() > 3 && b[0].is_ascii_uppercase() && b[1] == b'.' {
        if let Some(after) = rest[2..].strip_prefix(NAME_SPACES) {
            return after;
        }
    }
    rest
}

/// `rest` without a trailing middle initial and its space ("Michael B." -> "Michael"), or as it is.
fn drop_initial(rest: &str) -> &str {
    let b = rest.as_bytes();
    let n = b.len();
    if n > 3 && b[n - 1] == b'.' && b[n - 2].is_ascii_uppercase() {
        if let Some(before) = rest[..n - 2].strip_suffix(NAME_SPACES) {
            return before;
        }
    }
    rest
}

/// Whether the country name `text[start..end]` (see [`is_given_name_country`]) is here part of a person's name,
/// one space (and at most a middle initial) from a census name: a surname right after it ("Chad Johnson said",
/// "Kenya Moore", "Jordan B. Peterson") or a given name right before it ("Michael Jordan", "Michael B. Jordan").
/// A word that another mention starts at (`mention_starts`) or ends at (`mention_ends`, byte offsets) is that
/// mention's, not a name's ("Israel Jordan"). The country name itself must be written capitalised ("Chad", not
/// "CHAD").
pub fn person_name_at(
    text: &str,
    start: usize,
    end: usize,
    mention_starts: impl Fn(usize) -> bool,
    mention_ends: impl Fn(usize) -> bool,
) -> bool {
    let names = person_names();
    if !capitalised(&text[start..end]) {
        return false;
    }
    if let Some(rest) = text[end..].strip_prefix(NAME_SPACES) {
        let rest = skip_initial(rest);
        let at = text.len() - rest.len();
        let word = first_word(rest);
        if (listed_name(word, &names.surnames) || elided_surname(rest, &names.surnames))
            && !mention_starts(at)
        {
            return true;
        }
    }
    if let Some(rest) = text[..start].strip_suffix(NAME_SPACES) {
        let rest = drop_initial(rest);
        let word = last_word(rest);
        if listed_name(word, &names.given) && !mention_ends(rest.len()) {
            return true;
        }
    }
    false
}

/// Words that, right before a name, make it a place ("in Chad", "the State of Israel", "flights from Kenya").
const PLACE_WORDS: &[&str] = &[
    "across",
    "from",
    "in",
    "inside",
    "into",
    "near",
    "of",
    "outside",
    "throughout",
    "toward",
    "towards",
    "visit",
    "visited",
    "visiting",
    "visits",
    "within",
];

/// Whether `text[start..]` is written as a place: after one of [`PLACE_WORDS`] ("Foreign Minister of Israel"),
/// or after a comma that follows a capitalised word ("Nairobi, Kenya"). The given-name rule carries a person's
/// reading of a name to the document's other mentions of it, but not to these.
pub fn place_frame(text: &str, start: usize) -> bool {
    let Some(before) = text[..start].strip_suffix(NAME_SPACES) else {
        return false;
    };
    let word = last_word(before);
    if !word.is_empty() {
        return PLACE_WORDS.iter().any(|p| p.eq_ignore_ascii_case(word));
    }
    let Some(listed) = before.strip_suffix(',') else {
        return false;
    };
    last_word(listed).starts_with(char::is_uppercase)
}

fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches([' ', '\u{a0}'])
}

/// File extensions of documents and programs used as lures.
const LURE_EXTENSIONS: &[&str] = &[
    "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pdf", "rtf", "zip", "rar", "7z",
    "iso", "img", "lnk", "exe", "dll", "scr", "js", "vbs", "hta", "chm", "jar", "msi", "bat",
    "ps1", "txt", "htm", "html",
];

/// Most characters between the opening quote of a file name and the mention, and between the mention and the
/// closing quote.
const QUOTED_NAME_CHARS: usize = 100;

/// Whether `text[start..end]` lies inside a quoted string (straight, curly or guillemet quotes, on one line) that
/// ends with a file extension: `"Ukraine war update.docx"`, `“Japan Policy 2023.pdf”`.
fn in_quoted_file_name(text: &str, start: usize, end: usize) -> bool {
    const OPEN: &[char] = &['"', '\u{201c}', '\u{ab}', '\'', '\u{2018}', '`'];
    let head = &text[..start];
    let mut open = None;
    for (n, (i, c)) in head.char_indices().rev().enumerate() {
        if n > QUOTED_NAME_CHARS || c == '\n' {
            return false;
        }
        if OPEN.contains(&c) || matches!(c, '\u{201d}' | '\u{bb}' | '\u{2019}') {
            open = Some((i, c));
            break;
        }
    }
    let Some((_, quote)) = open else {
        return false;
    };
    let close: &[char] = match quote {
        '\u{201c}' => &['\u{201d}'],
        '\u{ab}' => &['\u{bb}'],
        '\u{2018}' => &['\u{2019}'],
        '"' => &['"'],
        '\'' => &['\''],
        '`' => &['`'],
        _ => return false,
    };
    // A possessive apostrophe is not a closing quote: only a quote not followed by a letter closes.
    let tail = &text[end..];
    for (n, (i, c)) in tail.char_indices().enumerate() {
        if n > QUOTED_NAME_CHARS || c == '\n' {
            return false;
        }
        if close.contains(&c)
            && !tail[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_alphabetic)
        {
            let inside = &tail[..i];
            return inside.rsplit_once('.').is_some_and(|(_, ext)| {
                LURE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(ext))
            });
        }
    }
    false
}

/// A possible acronym definition right after a mention ending at `end`: "Golden Chickens (GC)" gives the byte range
/// of "GC". The acronym is 2 to 8 ASCII letters or digits, starts with a letter, has at least two upper-case
/// letters and no lower-case letter except a trailing "s".
pub fn defined_acronym(text: &str, end: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = end;
    while i < b.len() && b[i] == b' ' && i - end < 2 {
        i += 1;
    }
    if i >= b.len() || b[i] != b'(' {
        return None;
    }
    let s = i + 1;
    let mut j = s;
    while j < b.len() && b[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j >= b.len() || b[j] != b')' || !(2..=8).contains(&(j - s)) {
        return None;
    }
    let word = &b[s..j];
    let uppers = word.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lowers = word.iter().filter(|c| c.is_ascii_lowercase()).count();
    let plural_s = word.last() == Some(&b's');
    if !word[0].is_ascii_alphabetic() || uppers < 2 || lowers > usize::from(plural_s) {
        return None;
    }
    Some((s, j))
}

/// Whether `short` can abbreviate `long`: its first letter is the first letter of `long` (an article left out), and
/// its letters appear in `long` in order, case ignored ("GC" for "Golden Chickens", "MSTIC" for "Microsoft Threat
/// Intelligence Center").
pub fn abbreviates(short: &str, long: &str) -> bool {
    let long = long
        .strip_prefix("the ")
        .or_else(|| long.strip_prefix("The "))
        .unwrap_or(long);
    let mut letters = short
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase());
    let Some(first) = letters.next() else {
        return false;
    };
    let mut rest = long.bytes().map(|c| c.to_ascii_lowercase());
    if rest.next() != Some(first) {
        return false;
    }
    letters.all(|want| rest.by_ref().any(|c| c == want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_labels_are_indexed_by_code() {
        let labels = Resolution::labels();
        assert_eq!(labels.len(), 16 + CUES.len());
        assert_eq!(&labels[..3], &[None, Some("default"), Some("document")]);
        assert!(labels[3..16].iter().all(Option::is_none));
        for (i, cue) in CUES.iter().enumerate() {
            assert_eq!(labels[16 + i], Some(cue.text));
            assert_eq!(Resolution::cue(i).name(), Some(cue.text));
        }
    }

    fn cue_name(text: &str, name: &str) -> Option<&'static str> {
        let start = text.find(name).unwrap();
        find_cue(text, start, start + name.len()).and_then(Resolution::name)
    }

    #[test]
    fn cues_after_and_before_the_name() {
        assert_eq!(
            cue_name("the Conti ransomware encrypted", "Conti"),
            Some("ransomware")
        );
        assert_eq!(
            cue_name("the Conti ransomware gang", "Conti"),
            Some("ransomware gang")
        );
        assert_eq!(cue_name("Winnti group members", "Winnti"), Some("group"));
        assert_eq!(cue_name("a Winnti-backdoor", "Winnti"), Some("backdoor"));
        assert_eq!(cue_name("Conti-linked actors", "Conti"), None);
        assert_eq!(cue_name("Winnti backdoor", "Winnti"), Some("backdoor"));
        assert_eq!(cue_name("a new Carbanak RAT", "Carbanak"), Some("rat"));
        assert_eq!(cue_name("the Carbanak rat", "Carbanak"), None);
        assert_eq!(
            cue_name("attributed to the Winnti", "Winnti"),
            Some("attributed to")
        );
        assert_eq!(
            cue_name("they deployed Babuk on", "Babuk"),
            Some("deployed")
        );
        assert_eq!(cue_name("Babuk.", "Babuk"), None);
        assert_eq!(cue_name("Babuk web shell", "Babuk"), Some("web shell"));
        // Through a possessive, straight or curly; not into a word glued to it.
        assert_eq!(
            cue_name("DarkSide's affiliates", "DarkSide"),
            Some("affiliates")
        );
        assert_eq!(
            cue_name("Conti\u{2019}s  ransomware gang", "Conti"),
            Some("ransomware gang")
        );
        assert_eq!(cue_name("Conti'sgroup", "Conti"), None);
        assert_eq!(cue_name("Conti's", "Conti"), None);
    }

    #[test]
    fn every_cue_fits_the_word_window() {
        // `cue_words` and the word windows hold at most CUE_WORDS words.
        for cue in CUES {
            let n = cue.text.split(' ').count();
            assert!((1..=CUE_WORDS).contains(&n), "{:?}", cue.text);
            assert_eq!(cue.text, cue.text.to_ascii_lowercase(), "{:?}", cue.text);
        }
        assert_eq!(cue_words().len(), CUES.len());
    }

    #[test]
    fn resolution_names_round_trip() {
        assert_eq!(Resolution::NONE.name(), None);
        assert_eq!(Resolution::DEFAULT.name(), Some("default"));
        let names: Vec<_> = Resolution::names().collect();
        assert_eq!(names.len(), CUES.len() + 2);
        assert_eq!(Resolution::cue(0).sense(), Some(Sense::Actor));
    }

    fn shielded(text: &str, name: &str) -> bool {
        let start = text.find(name).unwrap();
        shielded_country(text, start, start + name.len())
    }

    #[test]
    fn money_certificates_and_quoted_file_names_shield_a_country() {
        assert!(shielded("paid US $150 in", "US"));
        assert!(shielded("paid US$150 in", "US"));
        assert!(shielded("paid $ US 100 in", "US"));
        assert!(shielded("paid $US100 in", "US"));
        assert!(shielded("C = US, O = Acme", "US"));
        assert!(shielded("C=US,ST=CA", "US"));
        assert!(shielded("countryName=GB", "GB"));
        assert!(shielded(
            "opened \"Ukraine war update.docx\" and",
            "Ukraine"
        ));
        assert!(shielded(
            "named \u{201c}Japan Policy 2023.pdf\u{201d}",
            "Japan"
        ));
        assert!(!shielded("the US $ rate", "US"));
        assert!(!shielded("US officials paid $150", "US"));
        assert!(!shielded("\"Ukraine\" said the docx", "Ukraine"));
        assert!(!shielded("ABC=US", "US"));
        assert!(!shielded("Russia's envoy", "Russia"));
    }

    #[test]
    fn acronym_definitions() {
        let t = "Golden Chickens (GC) and Foo (Gc) and Bar (GCs) and Baz (G)";
        let (s, e) = defined_acronym(t, t.find(" (GC)").unwrap()).unwrap();
        assert_eq!(&t[s..e], "GC");
        assert!(defined_acronym(t, t.find(" (Gc)").unwrap()).is_none());
        let (s, e) = defined_acronym(t, t.find(" (GCs)").unwrap()).unwrap();
        assert_eq!(&t[s..e], "GCs");
        assert!(defined_acronym(t, t.find(" (G)").unwrap()).is_none());
        assert!(abbreviates("GC", "Golden Chickens"));
        assert!(abbreviates("MSTIC", "Microsoft Threat Intelligence Center"));
        assert!(!abbreviates(
            "SVR",
            "the Foreign Intelligence Service of Russia"
        ));
        assert!(!abbreviates("XY", "Golden Chickens"));
    }

    /// `person_name_at` on the first `name` of `text`, with no other mention in the text.
    fn person(text: &str, name: &str) -> bool {
        let start = text.find(name).unwrap();
        person_name_at(text, start, start + name.len(), |_| false, |_| false)
    }

    #[test]
    fn census_names_beside_a_country_name_make_it_a_persons() {
        for name in [
            "Chad", "Jordan", "Israel", "Kenya", "India", "Georgia", "America",
        ] {
            assert!(is_given_name_country(name), "{name}");
        }
        for name in ["Russia", "CHAD", "chad", "Turkey", "Chadian"] {
            assert!(!is_given_name_country(name), "{name}");
        }
        // A surname right after, a given name right before, one space (or a no-break space) apart.
        assert!(person("Chad Johnson said", "Chad"));
        assert!(person("Kenya Moore's house", "Kenya"));
        assert!(person("as Michael Jordan did", "Jordan"));
        assert!(person("Israel\u{a0}Katz", "Israel"));
        assert!(person("Jordan Peterson.", "Jordan"));
        // A middle initial between the names; a surname with capitals inside it.
        assert!(person("Jordan B. Peterson wrote", "Jordan"));
        assert!(person("starring Michael B. Jordan", "Jordan"));
        assert!(person("China McClain sang", "China"));
        assert!(person("Georgia O'Keeffe painted", "Georgia"));
        assert!(person("Georgia O’Keeffe painted", "Georgia"));
        assert!(!person("Georgia O'keeffe", "Georgia"));
        assert!(!person("Georgia's Keeffe", "Georgia"));
        assert!(!person("the U.S. Jordan policy", "Jordan"));
        assert!(!person("Chad MCCLAIN", "Chad"));
        // Not a person: no census name, an English word ("Smith", "Valley", "May"), a place, a title, a month,
        // two spaces, the name not capitalised, a surname cut short by a letter.
        assert!(!person("Chad is a country", "Chad"));
        assert!(!person("the Jordan Valley", "Jordan"));
        assert!(!person("Chad Smith", "Chad"));
        assert!(!person("In May Jordan signed", "Jordan"));
        assert!(!person("In April Israel struck", "Israel"));
        assert!(!person("Paris France", "France"));
        assert!(!person("Jordan King Abdullah", "Jordan"));
        assert!(!person("Israel Monday", "Israel"));
        assert!(!person("Chad  Johnson", "Chad"));
        assert!(!person("CHAD JOHNSON", "CHAD"));
        assert!(!person("Chad Johnsonville", "Chad"));
        assert!(!person("Chad Johnsoné", "Chad"));
        // A census name that another mention starts or ends at is that mention's, as if "Katz" and "Michael" were
        // entities of the gazetteer.
        let text = "Israel Katz";
        assert!(person_name_at(text, 0, 6, |at| at == 6, |_| false));
        assert!(!person_name_at(text, 0, 6, |at| at == 7, |_| false));
        let text = "Michael Jordan";
        assert!(person_name_at(text, 8, 14, |_| false, |at| at == 8));
        assert!(!person_name_at(text, 8, 14, |_| false, |at| at == 7));
    }

    #[test]
    fn security_words_are_sorted_lower_case_and_read_whole() {
        assert!(SECURITY_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(SECURITY_WORDS.iter().all(|w| *w == w.to_lowercase()));
        for text in [
            "The Malware spread.",
            "an anti-malware tool",
            "a cyber-attack on the grid",
            "patched CVE-2021-44228 today",
            "a C&C server",
            "HACKERS struck",
            "the cyber domain",
            "a CVE number",
        ] {
            assert!(about_security(text), "{text}");
        }
        for text in [
            "",
            "Otomo's cyberpunk classic",
            "the fuel-cell Mirai",
            "an OLED display",
            "malwares",
        ] {
            assert!(!about_security(text), "{text}");
        }
    }

    #[test]
    fn a_name_after_a_place_word_or_in_a_list_of_places_is_a_place() {
        let frame = |text: &str, name: &str| place_frame(text, text.rfind(name).unwrap());
        assert!(frame("the Foreign Minister of Israel", "Israel"));
        assert!(frame("flights from Kenya", "Kenya"));
        assert!(frame("IN Chad", "Chad"));
        assert!(frame("to Nairobi, Kenya.", "Kenya"));
        assert!(!frame("Jordan scored", "Jordan"));
        assert!(!frame("said Jordan", "Jordan"));
        assert!(!frame("passes, Jordan", "Jordan"));
        assert!(!frame("offside, Jordan", "Jordan"));
        assert!(!frame("Kenya", "Kenya"));
        assert!(!frame("the inn Chad", "Chad"));
    }

    #[test]
    fn a_company_suffix_after_a_name_makes_it_the_company() {
        let after =
            |text: &str, name: &str| company_name(text, text.find(name).unwrap() + name.len());
        assert!(after("NetSupport Ltd. said", "NetSupport"));
        assert!(after("by TeamViewer GmbH", "TeamViewer"));
        assert!(after("Acme Inc, the maker", "Acme"));
        assert!(!after("NetSupport Manager", "NetSupport"));
        assert!(!after("NetSupport ltd", "NetSupport"));
        assert!(!after("Acme Incorporated", "Acme"));
        assert!(!after("NetSupport  Ltd", "NetSupport"));
    }

    /// The security-word rule read word by word, as the documentation states it: the reference for the automaton.
    fn about_security_by_words(text: &str) -> bool {
        let known = |w: &str| SECURITY_WORDS.contains(&w.to_ascii_lowercase().as_str());
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '&'))
            .any(|w| {
                let parts: Vec<&str> = w.split('-').collect();
                (0..parts.len())
                    .any(|i| (i + 1..=parts.len()).any(|j| known(&parts[i..j].join("-"))))
            })
    }

    #[test]
    fn the_security_automaton_reads_as_the_words_do() {
        let mut random = crate::testing::RandomTexts::new(11);
        let pieces = [
            "malware", "MALWARE", "hack", "hacker", "hackers", "cve", "-", "&", "c&c", "c", " ",
            "x", "s", "é", "zero", "day", "zero-day", "anti", "cyber", "punk", "worm", "2021", ".",
        ];
        for _ in 0..3000 {
            let text = random.text(&pieces, 8);
            assert_eq!(
                about_security(&text),
                about_security_by_words(&text),
                "{text:?}"
            );
        }
    }
}
