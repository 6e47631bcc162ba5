"""Stage 3 of the threat-actor build: which clusters are the same group.

A constrained union-find: a pair is linked by strong evidence (a primary name of one is a name of
the other, two shared names, or one shared name plus a MISP `similar` link; MITRE `revoked-by` links
and curated merges always), strongest pairs first; two clusters of the same file end up together
only if they are linked directly, so a name shared by two unlinked groups never chains them
together. Curated splits are never linked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from gazbuild.common import Decision, UnionFind, merge_key
from gazbuild.threat_actors.aliases import G_NUMBER, OWN_NAME_EXEMPT, AliasRules
from gazbuild.threat_actors.clusters import Cluster, Name
from gazbuild.threat_actors.tables import Curated

SIMILAR_TYPES = {"similar", "same-as", "overlaps"}


@dataclass(frozen=True)
class Evidence:
    """Why two clusters are the same group."""

    shared: frozenset[str]
    same_value: bool
    primary: bool
    similar: bool
    forced: bool

    @property
    def strong(self) -> bool:
        """Enough to merge.

        The same primary name, a primary name of one that is a name of the other (not an ordinary
        word), two shared names, or a shared name and a MISP `similar` link; or a curated merge or a
        MITRE `revoked-by` link.
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
        g_number = any(G_NUMBER.fullmatch(k.upper()) for k in self.shared)
        return (
            100 * self.forced
            + 10 * self.same_value
            + 3 * g_number
            + 2 * self.primary
            + 2 * self.similar
            + len(self.shared)
        )


def _counts(decision: Decision, name: Name) -> bool:
    """Whether a name counts when clusters are compared: not dropped (own operation names count)."""
    if decision.action == "drop":
        return name.primary and decision.reason.startswith(OWN_NAME_EXEMPT)
    return True


def evidence_keys(
    clusters: list[Cluster], rules: AliasRules, curated: Curated
) -> tuple[list[set[str]], set[str]]:
    """The merge keys of each cluster's names that count as evidence, and the weak keys among them
    (ordinary words, by a stoplist `word` row or by the word list)."""
    keys = [
        {merge_key(n.text) for n in c.names if _counts(rules.classify(n.text), n)} for c in clusters
    ]
    weak = {merge_key(k) for k, rule in curated.stop.items() if rule.action == "word"}
    weak |= {
        merge_key(n.text)
        for c in clusters
        for n in c.names
        if rules.classify(n.text).action == "word"
    }
    return keys, weak


def merge_clusters(
    clusters: list[Cluster], keys: list[set[str]], curated: Curated, weak: set[str] | None = None
) -> tuple[list[list[int]], dict[frozenset[int], Evidence]]:
    """Components of clusters (lists of indices), and the evidence of each linked pair.

    `keys` are the names of each cluster that count as evidence; `weak` keys (ordinary words)
    count as shared names but never as a primary-name match.
    """
    weak = weak or set()
    index = {c.uuid: i for i, c in enumerate(clusters)}
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            by_key[k].append(i)
    primary_keys = [
        {merge_key(n.text) for n in c.names if n.primary} & keys[i] - weak
        for i, c in enumerate(clusters)
    ]
    value_keys = [merge_key(c.value) for c in clusters]
    similar: set[frozenset[int]] = set()
    forced: set[frozenset[int]] = set()
    for i, c in enumerate(clusters):
        for rtype, dest in c.related:
            j = index.get(dest)
            if j is None or j == i:
                continue
            if rtype in SIMILAR_TYPES:
                similar.add(frozenset((i, j)))
            if rtype == "revoked-by":
                forced.add(frozenset((i, j)))
    split: set[frozenset[int]] = set()
    for table, rows, target in (
        ("merges", curated.merges, forced),
        ("splits", curated.splits, split),
    ):
        for a, b, name_a, name_b in rows:
            for u, name in ((a, name_a), (b, name_b)):
                if u not in index or name not in (
                    clusters[index[u]].original,
                    clusters[index[u]].value,
                ):
                    raise ValueError(f"threat-actors-{table}.tsv: no cluster {u} named {name!r}")
            target.add(frozenset((index[a], index[b])))
    pairs: set[frozenset[int]] = set(forced)
    for members in by_key.values():
        if len(members) > 1:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add(frozenset((members[x], members[y])))
    evidence: dict[frozenset[int], Evidence] = {}
    for pair in pairs:
        i, j = sorted(pair)
        shared = frozenset(keys[i] & keys[j])
        evidence[pair] = Evidence(
            shared=shared,
            same_value=value_keys[i] == value_keys[j] and value_keys[i] in shared,
            primary=bool(primary_keys[i] & keys[j] or primary_keys[j] & keys[i]),
            similar=pair in similar,
            forced=pair in forced,
        )
    uf = UnionFind(len(clusters))

    def compatible(ra: int, rb: int) -> bool:
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
        if evidence[pair].forced or compatible(ri, rj):
            uf.union(ri, rj)
    components = sorted((sorted(m) for m in uf.members.values()), key=lambda m: m[0])
    return components, evidence
