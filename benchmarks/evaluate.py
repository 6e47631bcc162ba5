"""Score the built-in gazetteer on BIO-annotated threat-intelligence text (AnnoCTR).

    python benchmarks/evaluate.py [--split dev|train|all] [--data DIR] [--show 30] [--markdown]
                                  [--config NAME] [--summary]

Each report's tokens are joined as writers would (a space between words, none before punctuation or inside
"Russia's"; one sentence per line), the matcher runs on that text, and its
mentions are compared with the gold spans of the merged annotation layer (the last column):

* threat actors (kind ``threat_actor``) against ``GROUP``;
* countries (kind ``country``) against ``LOC``, for mentions by name only: adjectives and demonyms ("Russian
  government", "Iranians") are left out, because the annotators rarely mark them as locations;
* agencies (kind ``agency``) against ``ORG``;
* software (kind ``software``) against ``MALWARE`` or ``TOOL``.

``--config`` picks the matcher's rules (see ``CONFIGS``: ``data`` is the gazetteer with every rule off, ``+rule``
one rule alone, ``all`` the default, ``-rule`` the default less one rule); ``--summary`` scores every configuration
and prints one precision/recall table per split.

A prediction is correct when a gold span of its label covers the same tokens (exact match); the lenient figures also
accept any token overlap. Precision is over predictions, recall over gold spans of the label; recall for LOC and
ORG is low by construction (cities, regions and companies are LOC and ORG too) and is reported for reading only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cybernexus as cx

DEFAULT_DATA = Path(os.environ.get("CYBERNEXUS_SHARED_DATA", "/work/shared")) / "eval" / "annoctr"
NAME_FORMS_EXCLUDED = {"adjective", "demonym"}


def _actor(m: cx.Mention) -> bool:
    return m.kind == "threat_actor"


def _actor_not_malware(m: cx.Mention) -> bool:
    return m.kind == "threat_actor" and m.form != "malware"


def _country_by_name(m: cx.Mention) -> bool:
    return m.kind == "country" and m.form not in NAME_FORMS_EXCLUDED


def _agency(m: cx.Mention) -> bool:
    return m.kind == "agency"


def _software(m: cx.Mention) -> bool:
    return m.kind == "software"


#: What is scored: a name for the row, the gold label, and which mentions count as predictions.
EVALUATIONS: dict[str, tuple[str, Callable[[cx.Mention], bool]]] = {
    "threat_actor": ("GROUP", _actor),
    "threat_actor (malware names excluded)": ("GROUP", _actor_not_malware),
    "country (by name)": ("LOC", _country_by_name),
    "agency": ("ORG", _agency),
    "software": ("MALWARE|TOOL", _software),
}
LABELS = {name: label for name, (label, _) in EVALUATIONS.items()}

#: The matcher's rules, each of which a configuration turns on or off (``resolve`` is "local" when on).
RULES = ("resolve", "variants", "patterns", "acronyms", "support", "shields")


def _rules(on: set[str]) -> dict[str, object]:
    return {r: ("local" if r in on else "none") if r == "resolve" else r in on for r in RULES}


#: Matcher keyword arguments per configuration: ``default`` passes none (and runs on older versions of the
#: package), ``data`` turns every rule off, ``+rule`` adds one rule to ``data``, ``-rule`` removes one from ``all``.
CONFIGS: dict[str, dict[str, object]] = {
    "default": {},
    "data": _rules(set()),
    **{f"+{r}": _rules({r}) for r in RULES},
    "all": _rules(set(RULES)),
    **{f"-{r}": _rules(set(RULES) - {r}) for r in RULES},
    "all, document sense": {**_rules(set(RULES)), "resolve": "document"},
}


def _is(lab: str, label: str) -> bool:
    """Whether gold label `lab` is (one of) `label` ("MALWARE|TOOL")."""
    return lab in label.split("|")


@dataclass
class Doc:
    """One report: its text (tokens joined by spaces), token offsets and gold spans (label, first, last token)."""

    name: str
    text: str = ""
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    gold: list[tuple[str, int, int]] = field(default_factory=list)


NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "!", "?", "%", "'", "\u2019", "/", "\\", "$", "-"}
NO_SPACE_AFTER = {"(", "[", "$", "/", "\\", "-"}


def _space_between(previous: str, token: str) -> bool:
    """Undo the tokenisation where writers put no space: "Russia ' s" -> "Russia's", "( APT28 )" -> "(APT28)"."""
    if token in NO_SPACE_BEFORE or previous in NO_SPACE_AFTER:
        return False
    return not (previous in {"'", "\u2019"} and token.isalpha() and len(token) <= 2)


def read_bio(path: Path) -> list[Doc]:
    """Documents of a BIO file (``<DOCSTART>`` starts one, a blank line ends a sentence)."""
    docs: list[Doc] = []
    parts: list[str] = []
    pos = 0
    open_span: list[object] | None = None

    def close() -> None:
        nonlocal open_span
        if open_span is not None:
            label, first, last = str(open_span[0]), int(str(open_span[1])), int(str(open_span[2]))
            doc = docs[-1]
            # "China ' s" is annotated with its possessive; the entity is "China".
            while (
                last - first >= 2
                and doc_token(doc, parts, last) == "s"
                and doc_token(doc, parts, last - 1) in {"'", "\u2019"}
            ):
                last -= 2
            doc.gold.append((label, first, last))
            open_span = None

    for line in path.read_text(encoding="utf-8").split("\n"):
        cells = line.split("\t")
        if cells[0] == "<DOCSTART>":
            close()
            if docs:
                docs[-1].text = "".join(parts)
            docs.append(Doc(name=f"{path.stem}-{len(docs)}"))
            parts, pos = [], 0
            continue
        if len(cells) < 2:
            close()
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
                pos += 1
            continue
        token, tag = cells[0].strip() or " ", cells[-1]
        if parts and not parts[-1].endswith("\n") and _space_between(parts[-1], token):
            parts.append(" ")
            pos += 1
        doc = docs[-1]
        index = len(doc.starts)
        doc.starts.append(pos)
        doc.ends.append(pos + len(token))
        parts.append(token)
        pos += len(token)
        if tag.startswith("B-") or (
            tag.startswith("I-") and (open_span is None or open_span[0] != tag[2:])
        ):
            close()
            open_span = [tag[2:], index, index]
        elif tag.startswith("I-") and open_span is not None:
            open_span[2] = index
        else:
            close()
    close()
    if docs:
        docs[-1].text = "".join(parts)
    return docs


def doc_token(doc: Doc, parts: list[str], index: int) -> str:
    """Token `index` of a document whose text is still being assembled in `parts`."""
    text = "".join(parts)
    return text[doc.starts[index] : doc.ends[index]]


def token_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """First and last token touched by the character span [start, end)."""
    first = next(i for i, e in enumerate(doc.ends) if e > start)
    last = max(i for i, s in enumerate(doc.starts) if s < end)
    return first, last


@dataclass
class Score:
    """Counts for one label."""

    predicted: int = 0
    exact: int = 0
    lenient: int = 0
    nested_other: int = 0
    gold: int = 0
    found_exact: int = 0
    found_overlap: int = 0
    false_positives: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)

    def row(self, kind: str, label: str) -> list[str]:
        p = self.exact / self.predicted if self.predicted else 0.0
        pl = self.lenient / self.predicted if self.predicted else 0.0
        rest = self.predicted - self.nested_other
        pn = self.lenient / rest if rest else 0.0
        r = self.found_exact / self.gold if self.gold else 0.0
        ro = self.found_overlap / self.gold if self.gold else 0.0
        return [
            kind,
            label,
            str(self.predicted),
            str(self.gold),
            f"{p:.3f}",
            f"{pl:.3f}",
            str(self.nested_other),
            f"{pn:.3f}",
            f"{r:.3f}",
            f"{ro:.3f}",
        ]


def score_mention(
    doc: Doc, m: cx.Mention, kind: str, label: str, score: Score, predicted: set[tuple[int, int]]
) -> None:
    """Count one predicted mention (once per token span)."""
    span = token_span(doc, m.start, m.end)
    if span in predicted:
        return
    predicted.add(span)
    score.predicted += 1
    gold = [(a, b) for lab, a, b in doc.gold if _is(lab, label)]
    if span in gold:
        score.exact += 1
    else:
        score.false_positives[f"{m.text} -> {m.entity_id}"] += 1
    if any(a <= span[1] and span[0] <= b for a, b in gold):
        score.lenient += 1
    elif span not in gold and any(
        not _is(lab, label) and a <= span[0] and span[1] <= b for lab, a, b in doc.gold
    ):
        # Inside a longer gold span of another label: "Ministry of State Security of China" (ORG).
        score.nested_other += 1


def evaluate(docs: list[Doc], matcher: cx.Matcher) -> dict[str, Score]:
    scores = {kind: Score() for kind in LABELS}
    for doc, mentions in zip(docs, matcher.find_many([d.text for d in docs]), strict=True):
        predicted: dict[str, set[tuple[int, int]]] = {k: set() for k in LABELS}
        for m in mentions:
            for kind, (label, counts) in EVALUATIONS.items():
                if counts(m):
                    score_mention(doc, m, kind, label, scores[kind], predicted[kind])
        for kind, label in LABELS.items():
            for lab, a, b in doc.gold:
                if not _is(lab, label):
                    continue
                scores[kind].gold += 1
                if any(x <= b and a <= y for x, y in predicted[kind]):
                    scores[kind].found_overlap += 1
                if (a, b) in predicted[kind]:
                    scores[kind].found_exact += 1
                else:
                    scores[kind].misses[doc.text[doc.starts[a] : doc.ends[b]]] += 1
    return scores


def summary(data: Path, splits: list[str]) -> int:
    """One Markdown table per split: precision and recall (exact) per kind, a row per configuration."""
    for split in splits:
        docs = read_bio(data / "ner_bio" / f"{split}.bio")
        print(f"\n### AnnoCTR {split}\n")
        kinds = list(LABELS)
        print("| configuration | " + " | ".join(f"{k} P / R" for k in kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        for name, kwargs in CONFIGS.items():
            if name == "default":
                continue
            scores = evaluate(docs, cx.Matcher(**kwargs))  # type: ignore[arg-type]
            cells = []
            for k in kinds:
                s = scores[k]
                p = s.exact / s.predicted if s.predicted else 0.0
                r = s.found_exact / s.gold if s.gold else 0.0
                cells.append(f"{p:.3f} / {r:.3f} ({s.predicted})")
            print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "train", "all"], default="all")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--show", type=int, default=25, help="false positives and misses listed per label"
    )
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="default")
    parser.add_argument(
        "--summary", action="store_true", help="precision and recall of every configuration"
    )
    args = parser.parse_args(argv)
    splits = ["dev", "train"] if args.split == "all" else [args.split]
    if args.summary:
        return summary(args.data, splits)
    matcher = cx.Matcher(**CONFIGS[args.config])  # type: ignore[arg-type]
    header = [
        "kind",
        "label",
        "predicted",
        "gold",
        "precision (exact)",
        "precision (overlap)",
        "inside other label",
        "precision (overlap, without those)",
        "recall (exact)",
        "recall (overlap)",
    ]
    for split in splits:
        path = args.data / "ner_bio" / f"{split}.bio"
        if not path.exists():
            print(f"no such file: {path} (pass --data)", file=sys.stderr)
            return 2
        docs = read_bio(path)
        scores = evaluate(docs, matcher)
        print(
            f"\n## AnnoCTR {split}: {len(docs)} reports, {sum(len(d.text) for d in docs):,} characters\n"
        )
        rows = [s.row(k, LABELS[k]) for k, s in scores.items()]
        if args.markdown:
            print("| " + " | ".join(header) + " |")
            print("|" + "|".join(["---"] * len(header)) + "|")
            for r in rows:
                print("| " + " | ".join(r) + " |")
        else:
            print("\t".join(header))
            for r in rows:
                print("\t".join(r))
        for kind, s in scores.items():
            fps = ", ".join(f"{t} ({n})" for t, n in s.false_positives.most_common(args.show))
            misses = ", ".join(f"{t} ({n})" for t, n in s.misses.most_common(args.show))
            print(f"\n{kind} false positives: {fps or '-'}")
            if kind.startswith("threat_actor") or kind == "software":
                print(f"\n{kind} misses: {misses or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
