"""Helpers shared by the gazetteer builders (standard library only): reading the curated tables and
word lists, text keys, alias specs and the case policy, alias decisions, union-find, country names
and the ordinary-word rule."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

Record = dict[str, Any]

# The repository's curated folder. The word lists that the rules are written with (element names,
# generic words, ...) are read from it once, when a builder is imported, like constants; the
# decision tables are read from the folder passed to each build.
CURATED = Path(__file__).resolve().parents[1] / "curated"


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header; blank and `#` comment lines are skipped.

    Fails loudly on a row with the wrong number of cells.
    """
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise ValueError(
                f"{path.name}: row {number}: expected {len(header)} cells, got {len(cells)}: "
                f"{cells}"
            )
        rows.append({h: c.strip() for h, c in zip(header, cells, strict=True)})
    return rows


def read_stop_aliases(path: Path, actions: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """A builder's curated stoplist (`alias`, `action`, `reason`) by folded alias: (action, reason).

    The builders allow different `actions`; a row with another action, no reason or an alias
    listed twice is a slip in the table, and fails the build.
    """
    stop: dict[str, tuple[str, str]] = {}
    for row in read_tsv(path):
        where = f"{path.name}: {row['alias']!r}"
        if row["action"] not in actions:
            raise ValueError(f"{where}: unknown action {row['action']!r}")
        if not row["reason"]:
            raise ValueError(f"{where}: no reason")
        key = fold(row["alias"])
        if key in stop:
            raise ValueError(f"{where}: listed twice")
        stop[key] = (row["action"], row["reason"])
    return stop


def _unique(path: Path, words: Iterable[str]) -> tuple[str, ...]:
    """The words in order; an empty or repeated entry is a slip in the file, and fails."""
    out = tuple(words)
    repeated = sorted({w for w in out if out.count(w) > 1})
    if repeated or "" in out:
        raise ValueError(f"{path.name}: empty or repeated entries {repeated}")
    return out


def read_words(path: Path, column: str = "word") -> tuple[str, ...]:
    """The entries of one column of a curated word list, in file order (no empty or repeated one)."""
    return _unique(path, (row[column] for row in read_tsv(path)))


def read_word_lists(
    path: Path, by: str, names: tuple[str, ...], column: str = "word"
) -> dict[str, tuple[str, ...]]:
    """The word lists of one curated file, one per value of its `by` column, each in file order.

    `names` are the lists the builder reads: a row naming any other fails (a misspelt list name
    would otherwise leave its word out unnoticed), and so does a list with no rows.
    """
    lists: dict[str, list[str]] = {name: [] for name in names}
    for row in read_tsv(path):
        if row[by] not in lists:
            raise ValueError(f"{path.name}: {row[column]!r}: unknown {by} {row[by]!r}")
        lists[row[by]].append(row[column])
    empty = [name for name, words in lists.items() if not words]
    if empty:
        raise ValueError(f"{path.name}: no rows for {empty}")
    return {name: _unique(path, words) for name, words in lists.items()}


def fold(text: str) -> str:
    """The matcher's comparison key, approximately: case-folded, white space collapsed, typography unified."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def merge_key(text: str) -> str:
    """The key two names must share to count as the same name: case-folded letters and digits only.

    "APT 28", "APT-28" and "apt28" share a key, as do "Lapsus$" and "LAPSUS", "Cobalt Strike" and
    "CobaltStrike".
    """
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def slugify(text: str) -> str:
    """Lower-case ASCII, other characters collapsed to `-` ("Lazarus Group" -> "lazarus-group")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_space(text: str) -> str:
    """White space collapsed to single spaces, ends stripped."""
    return " ".join(text.split())


def as_list(value: Any) -> list[str]:
    """A MISP meta value (missing, a string or a list) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def galaxy_entries(galaxy: Path, files: dict[str, str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source, entry) for every entry of the MISP galaxy `files` (source name -> file name), in
    the order of `files` and of each file: the builders' priorities and tie-breaks follow it."""
    for source, filename in files.items():
        data = json.loads((galaxy / filename).read_text(encoding="utf-8"))
        for entry in data["values"]:
            yield source, entry


def alias(text: str, form: str | None, case: str = "auto") -> dict[str, Any]:
    return {"text": text, "case": case, "form": form}


def dedupe_aliases(aliases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the first alias of each (text, case) pair, in order."""
    seen: set[tuple[str, str]] = set()
    out = []
    for a in aliases:
        key = (a["text"], a["case"])
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


# --------------------------------------------------------------------------------------------------
# Aliases under construction (threat actors, software) and the case policy

# Appended to the reason of a restricted alias that also needs support.
SUPPORT_NOTE = "; needs support (needs_support: true)"


@dataclass
class Alias:
    """An alias of an entity under construction (threat actors, software)."""

    text: str
    case: str
    form: str
    support: int
    primary: bool
    needs_support: bool = False


ClusterT = TypeVar("ClusterT")


@dataclass
class BaseEntity(Generic[ClusterT]):
    """A merged entity under construction (threat-actor group, software family), over the clusters
    `ClusterT` of its builder; each builder adds its own fields and rules."""

    clusters: list[ClusterT]
    aliases: dict[str, Alias] = field(default_factory=dict)
    # (alias, action, reason, entities the reason names as {0}, {1}, ...)
    removed: list[tuple[str, str, str, tuple[int, ...]]] = field(default_factory=list)
    name: str = ""
    id: str = ""
    left_out: bool = False

    def merge_keys(self) -> set[str]:
        """The merge keys of the aliases kept so far."""
        return {merge_key(a.text) for a in self.aliases.values()}

    def add_alias(
        self, text: str, case: str, form: str, primary: bool, needs_support: bool
    ) -> Alias:
        """The alias `text`, new with support 1, or the one already there with one more source
        cluster's support (primary if any cluster has it as a primary name)."""
        existing = self.aliases.get(text)
        if existing is None:
            existing = self.aliases[text] = Alias(text, case, form, 1, primary, needs_support)
        else:
            existing.support += 1
            existing.primary = existing.primary or primary
        return existing


def shared_keys(entities: Sequence[BaseEntity[Any]]) -> list[tuple[str, list[int]]]:
    """Each merge key that two entities or more still have, with their indices, by key: the names
    that each builder's conflict rule then settles."""
    holders: dict[str, list[int]] = defaultdict(list)
    for e, entity in enumerate(entities):
        for k in sorted(entity.merge_keys()):
            holders[k].append(e)
    return [(key, owners) for key, owners in sorted(holders.items()) if len(owners) > 1]


def alias_spec(a: Alias, form: str | None = None) -> dict[str, Any]:
    """The record's spec of an alias; `needs_support` is written only when true."""
    spec: dict[str, Any] = {"text": a.text, "case": a.case, "form": form or a.form}
    if a.needs_support:
        spec["needs_support"] = True
    return spec


def case_variants(aliases: dict[str, Alias], name: str, case: str) -> list[Alias]:
    """The aliases to write besides the canonical `name` (whose policy is `case`), by folded text.

    Spellings that differ only in case need one insensitive alias: the canonical name if it is
    insensitive, else the mixed-case spelling ("Lazarus" before "LAZARUS"); spellings restricted to
    exact or upper_first are kept side by side.
    """
    by_fold: dict[str, list[Alias]] = defaultdict(list)
    for text, a in aliases.items():
        if text != name:
            by_fold[fold(text)].append(a)
    covered = fold(name) if resolve_case(name, case) == "insensitive" else None
    out: list[Alias] = []
    for folded in sorted(by_fold):
        if folded == covered:
            continue
        group = sorted(by_fold[folded], key=lambda a: (a.text.isupper(), a.text))
        loose = [a for a in group if resolve_case(a.text, a.case) == "insensitive"]
        out += loose[:1] if loose else group
    return out


@dataclass(frozen=True)
class Decision:
    """What the alias rules do with one alias: keep, drop, or keep restricted (`exact`,
    `upper_first`; the threat actors also `caps` and `word`)."""

    action: str
    reason: str = ""
    # A single-token ordinary word kept restricted: the matcher accepts it only with support (another
    # entity of the field in the sentence, or the entity's full name elsewhere in the document).
    needs_support: bool = False
    # Whether a name that needs support still makes two source clusters that share it one family. An
    # ordinary word does not ("Impact" names unrelated tools); a proper noun does ("Phobos" in
    # Malpedia and in MISP's ransomware list), whatever a news report means by it.
    merges: bool = False


KEEP = Decision("keep")


def resolve_case(text: str, case: str) -> str:
    """The loader's policy: `auto` is exact for one all-caps token ("APT28"), else insensitive.

    A copy of the core's rule, `CasePolicy::auto` in src/gazetteer/mod.rs: the records keep
    writing `auto` and the core resolves it when it loads them, but the builders need the result
    first, to tell which spellings one insensitive alias covers (`case_variants`), and the build
    runs without the compiled package. Keep the two in step (Python's `isspace` also counts
    U+001C to U+001F, which no alias contains).
    """
    if case != "auto":
        return case
    stripped = text.strip()
    one_token = not any(c.isspace() for c in stripped)
    has_upper = any(c.isupper() for c in stripped)
    has_lower = any(c.islower() for c in stripped)
    return "exact" if one_token and has_upper and not has_lower else "insensitive"


# --------------------------------------------------------------------------------------------------
# Merging (the constrained union-find of both builders) and country names


class UnionFind:
    """Union-find over indices that keeps each component's member list (the smaller root wins)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


class _Name(Protocol):
    """What the merge reads of a cluster's name (the builders' `Name` classes differ otherwise)."""

    @property
    def text(self) -> str: ...

    @property
    def primary(self) -> bool: ...


class _Cluster(Protocol):
    """What the merge reads of a cluster (the builders' `Cluster` classes differ otherwise)."""

    @property
    def source(self) -> str: ...

    @property
    def uuid(self) -> str: ...

    @property
    def names(self) -> Sequence[_Name]: ...

    @property
    def related(self) -> Sequence[tuple[str, str]]: ...


@dataclass(frozen=True)
class Evidence:
    """Why two clusters are the same entity (threat-actor group, software family)."""

    shared: frozenset[str]
    same_value: bool
    primary: bool
    similar: bool
    forced: bool
    # Merging priority a builder adds by its own rule (the threat actors: a shared ATT&CK G-number).
    bonus: int = 0

    @property
    def strong(self) -> bool:
        """Enough to merge.

        The same primary name, a primary name of one that is a name of the other (not an ordinary
        word), two shared names, or a shared name and a MISP `similar` link; or a forced link (a
        MITRE `revoked-by` link, a curated merge).
        """
        return (
            self.forced
            or self.same_value
            or self.primary
            or len(self.shared) >= 2
            or (self.similar and bool(self.shared))
        )

    @property
    def score(self) -> int:
        """Order of merging: forced links, then the same primary name, then most shared names."""
        return (
            100 * self.forced
            + 10 * self.same_value
            + self.bonus
            + 2 * self.primary
            + 2 * self.similar
            + len(self.shared)
        )


def merge_on_evidence(
    clusters: Sequence[_Cluster],
    keys: list[set[str]],
    weak: set[str],
    *,
    similar_types: set[str],
    same_value: Callable[[int, int], bool],
    bonus: Callable[[frozenset[str]], int] | None = None,
    forced: set[frozenset[int]] | None = None,
    split: set[frozenset[int]] | None = None,
    compatible: Callable[[list[int], list[int]], bool] | None = None,
) -> tuple[list[list[int]], dict[frozenset[int], Evidence]]:
    """The constrained union-find of both builders: components of clusters (sorted lists of
    indices), and the evidence of each pair that shares a name or is forced.

    Pairs are linked on strong evidence only, strongest first (ties by uuid, so the build is
    deterministic), and two clusters of the same source file end up together only if they are
    linked directly: a name shared by two unlinked entries never chains them. `keys` are the merge
    keys of each cluster's names that count as evidence; `weak` keys (ordinary words) count as
    shared names but never as a primary-name match. What differs between the builders is passed
    in: which MISP relation types are `similar` links, when two clusters have the same value, a
    `bonus` to the score, `forced` pairs besides MITRE's `revoked-by` links (curated merges),
    `split` pairs never linked (curated splits), and a further `compatible` test of two
    components' members.
    """
    index = {c.uuid: i for i, c in enumerate(clusters)}
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            by_key[k].append(i)
    primary_keys = [
        {merge_key(n.text) for n in c.names if n.primary} & keys[i] - weak
        for i, c in enumerate(clusters)
    ]
    similar: set[frozenset[int]] = set()
    forced = set(forced or ())
    split = split or set()
    for i, c in enumerate(clusters):
        for rtype, dest in c.related:
            j = index.get(dest)
            if j is None or j == i:
                continue
            if rtype in similar_types:
                similar.add(frozenset((i, j)))
            if rtype == "revoked-by":
                forced.add(frozenset((i, j)))
    pairs: set[frozenset[int]] = set(forced)
    for members in by_key.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add(frozenset((members[x], members[y])))
    evidence: dict[frozenset[int], Evidence] = {}
    for pair in pairs:
        i, j = sorted(pair)
        shared = frozenset(keys[i] & keys[j])
        evidence[pair] = Evidence(
            shared=shared,
            same_value=same_value(i, j),
            primary=bool(primary_keys[i] & keys[j] or primary_keys[j] & keys[i]),
            similar=pair in similar,
            forced=pair in forced,
            bonus=bonus(shared) if bonus else 0,
        )
    uf = UnionFind(len(clusters))

    def joinable(ra: int, rb: int) -> bool:
        if compatible is not None and not compatible(uf.members[ra], uf.members[rb]):
            return False
        for p in uf.members[ra]:
            for q in uf.members[rb]:
                pair = frozenset((p, q))
                if pair in split:
                    return False
                if clusters[p].source == clusters[q].source:
                    ev = evidence.get(pair)
                    if ev is None or not ev.strong:
                        return False
        return True

    order = sorted(
        (p for p, ev in evidence.items() if ev.strong and p not in split),
        key=lambda p: (-evidence[p].score, sorted(clusters[i].uuid for i in p)),
    )
    for pair in order:
        i, j = sorted(pair)
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        if evidence[pair].forced or joinable(ri, rj):
            uf.union(ri, rj)
    components = sorted((sorted(m) for m in uf.members.values()), key=lambda m: m[0])
    return components, evidence


def country_names(sources: Path) -> set[str]:
    """Folded English country names and nationality adjectives (CLDR, countries-list, i18n): a
    threat actor's or a software's alias that is one of them names the country, not the entity."""
    names: set[str] = set()
    cldr = json.loads((sources / "cldr" / "territories.en.json").read_text(encoding="utf-8"))
    territories: dict[str, str] = cldr["main"]["en"]["localeDisplayNames"]["territories"]
    names.update(fold(v) for k, v in territories.items() if not k[:1].isdigit())
    countries = json.loads(
        (sources / "countries-list" / "countries.json").read_text(encoding="utf-8")
    )
    names.update(fold(c["name"]) for c in countries.values())
    nationality = json.loads((sources / "i18n-nationality" / "en.json").read_text(encoding="utf-8"))
    names.update(fold(v) for v in nationality["nationalities"].values())
    return names


# --------------------------------------------------------------------------------------------------
# Ordinary words
#
# The rule, shared by the threat-actor and software builders: a single-token alias whose lower-case
# form is a lower-case entry of the vendored English word lists (SCOWL size 50 in its American and
# British spellings, Debian's wamerican and wbritish: data/sources/scowl/american-english and
# british-english, so that "offence" and "colour" count as "offense" and "color" do) is an ordinary
# word. Capitalised entries of the lists (proper nouns: "Zeus", "Kevin", "Medusa", "Korean") are not
# ordinary words: they are kept apart as `names`, which the software builder tests on its own (a
# family named after a person, a people or a figure of myth needs support). `data/curated/
# ordinary-words.tsv` overrides the rule for single words (keep: not an ordinary word here; drop:
# never an alias, even restricted), with a reason.

WORD_LISTS = (Path("scowl") / "american-english", Path("scowl") / "british-english")
WORD_ACTIONS = ("keep", "drop")


@dataclass(frozen=True)
class OrdinaryWords:
    """The English word lists (lower-case entries), their capitalised entries and the curated
    overrides."""

    words: frozenset[str]
    overrides: dict[str, tuple[str, str]]
    #: Capitalised single-word entries of the lists, as written ("Kevin", "Medusa", "Korean").
    names: frozenset[str] = frozenset()

    def proper_noun(self, text: str) -> bool:
        """Whether `text` is one token that, capitalised, is a capitalised entry of the word lists (a
        person's, a people's or a myth's name: "Kevin", "Korean", "medusa") and not an ordinary word."""
        stripped = text.strip()
        return self.is_name(stripped) and stripped.lower() not in self.words

    def is_name(self, word: str) -> bool:
        """Whether `word`, capitalised ("medusa", "MEDUSA": "Medusa"), is a capitalised entry."""
        return word[:1].upper() + word[1:].lower() in self.names

    def check(self, text: str) -> tuple[str, str]:
        """("", "") when `text` is not an ordinary word; else ("word" or "drop", reason).

        Only a single token counts (no white space); its lower-case form must be a lower-case entry
        of the word list, or an override row must say `drop`.
        """
        stripped = text.strip()
        if not stripped or any(c.isspace() for c in stripped):
            return "", ""
        lower = stripped.lower()
        override = self.overrides.get(lower)
        if override is not None:
            action, reason = override
            if action == "keep":
                return "", ""
            return "drop", f"ordinary word (ordinary-words.tsv): {reason}"
        if lower in self.words:
            return "word", "ordinary word: a lower-case entry of the English word list (SCOWL)"
        return "", ""


def load_ordinary_words(sources: Path, curated: Path) -> OrdinaryWords:
    """Read the vendored word list and data/curated/ordinary-words.tsv."""
    entries = [
        w
        for path in WORD_LISTS
        for w in (sources / path).read_text(encoding="utf-8").split("\n")
        if w and "'" not in w
    ]
    words = frozenset(w for w in entries if w == w.lower())
    # A capital, then lower-case letters only: "Kevin", not "MasterCard" or "NASA".
    names = frozenset(w for w in entries if w[:1].isupper() and w[1:].islower() and w.isalpha())
    overrides: dict[str, tuple[str, str]] = {}
    for row in read_tsv(curated / "ordinary-words.tsv"):
        if row["action"] not in WORD_ACTIONS:
            raise ValueError(
                f"ordinary-words.tsv: {row['word']!r}: unknown action {row['action']!r}"
            )
        if not row["reason"]:
            raise ValueError(f"ordinary-words.tsv: {row['word']!r}: no reason")
        key = row["word"].lower()
        if key in overrides or " " in key:
            raise ValueError(f"ordinary-words.tsv: {row['word']!r}: listed twice or not one word")
        overrides[key] = (row["action"], row["reason"])
    return OrdinaryWords(words, overrides, names)
