"""Stage 3 of the threat-actor build: which clusters are the same group.

A constrained union-find: a pair is linked by strong evidence (a primary name of one is a name of
the other, two shared names, or one shared name plus a MISP `similar` link; MITRE `revoked-by` links
and curated merges always), strongest pairs first; two clusters of the same file end up together
only if they are linked directly, so a name shared by two unlinked groups never chains them
together. Curated splits are never linked.
"""

from __future__ import annotations

from gazbuild.common import Decision, Evidence, merge_key, merge_on_evidence
from gazbuild.threat_actors.aliases import G_NUMBER, OWN_NAME_EXEMPT, AliasRules
from gazbuild.threat_actors.clusters import Cluster, Name
from gazbuild.threat_actors.tables import Curated

SIMILAR_TYPES = {"similar", "same-as", "overlaps"}


def _g_number_bonus(shared: frozenset[str]) -> int:
    """A shared ATT&CK G-number ("G0032") links two clusters before other shared names do."""
    return 3 * any(G_NUMBER.fullmatch(k.upper()) for k in shared)


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
    count as shared names but never as a primary-name match. The threat actors' own rules, passed
    to the shared merge: MISP `overlaps` links are `similar` ones, curated merges are forced and
    curated splits never linked, and a shared G-number comes first among the shared names.
    """
    index = {c.uuid: i for i, c in enumerate(clusters)}
    forced: set[frozenset[int]] = set()
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
    value_keys = [merge_key(c.value) for c in clusters]

    def same_value(i: int, j: int) -> bool:
        return value_keys[i] == value_keys[j] and value_keys[i] in keys[i] & keys[j]

    return merge_on_evidence(
        clusters,
        keys,
        weak or set(),
        similar_types=SIMILAR_TYPES,
        same_value=same_value,
        bonus=_g_number_bonus,
        forced=forced,
        split=split,
    )
