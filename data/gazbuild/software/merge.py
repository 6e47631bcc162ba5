"""Stage 3 of the software build: which clusters are the same family.

The shared constrained union-find of `common.merge_on_evidence`, as for the threat actors: a pair is
linked by strong evidence only (the same primary name, a primary name of one that is a name of the
other, two shared names, a shared name plus a MISP `similar` / `same-as` link, the same ATT&CK id, a
MITRE `revoked-by` link), strongest first, and two clusters of one file end up together only if
they are linked directly, so one generic shared synonym never chains two families.
"""

from __future__ import annotations

from gazbuild.common import merge_key, merge_on_evidence
from gazbuild.software.clusters import EXPLOIT_KIT, RANSOM, Cluster

SIMILAR = {"similar", "same-as"}


def _category(cluster: Cluster) -> str:
    """Ransomware, exploit kit or other: an ordinary-word value ("Phoenix", "Snake") shared by two
    files names one family only within one category when one of the files is ransomware.json or
    exploit-kit.json, the lists with many homonyms; within one file it is a duplicate entry or a
    platform variant (Malpedia's "Clop" and "Clop (ELF)"), and between the other files one family."""
    if cluster.ransomware:
        return "ransomware"
    return "exploit-kit" if cluster.source == EXPLOIT_KIT else "other"


def merge_clusters(
    clusters: list[Cluster], keys: list[set[str]], weak: set[str]
) -> list[list[int]]:
    """Components of clusters (lists of indices), by strong evidence only (see the module doc).

    Software's own rules, passed to the shared merge: a shared value that is an ordinary word is
    the same value across ransomware.json or exploit-kit.json only within one category
    (`_category`), and two ATT&CK ids are two families.
    """
    value_keys = [{merge_key(v) for v in c.values} & keys[i] for i, c in enumerate(clusters)]

    def same_value(i: int, j: int) -> bool:
        shared = value_keys[i] & value_keys[j]
        return bool(shared - weak) or (
            bool(shared)
            and (
                clusters[i].source == clusters[j].source
                or not {clusters[i].source, clusters[j].source} & {RANSOM, EXPLOIT_KIT}
                or _category(clusters[i]) == _category(clusters[j])
            )
        )

    def compatible(a: list[int], b: list[int]) -> bool:
        """Two ATT&CK ids are two families (unless MITRE revoked one: a forced link)."""
        ids = {clusters[p].attack_id for p in a if clusters[p].attack_id}
        other = {clusters[q].attack_id for q in b if clusters[q].attack_id}
        return not (ids and other and not ids & other)

    components, _ = merge_on_evidence(
        clusters, keys, weak, similar_types=SIMILAR, same_value=same_value, compatible=compatible
    )
    return components
