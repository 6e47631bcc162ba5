"""The data build's copy of the automatic case policy agrees with the core's (`CasePolicy::auto`).

The build (data/gazbuild/common.py, `resolve_case`) needs the policy before the core has seen the records and runs
without the compiled package, so it keeps a copy; this test is what keeps the copy honest, on every alias text the
built-in gazetteer ships and on the shapes the rule distinguishes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cybernexus as cx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "data"))
from gazbuild import common

EDGE_CASES = [
    "US",
    "U.S.",
    "APT28",
    "Fancy Bear",
    "FANCY BEAR",
    "28",
    "x",
    "İSTANBUL",
    "ΑΘΗΝΑ",
    "Dr.Web",
    "TA-505",
    "ÉTAT",
    "\u00a0GRU\u00a0",
    "Ǆ",
]


def core_policies(texts: list[str]) -> dict[str, str]:
    """The policy the core gives each text written with ``case="auto"`` (by the text as given: the core trims it)."""
    records = [
        {"id": f"e{i}", "kind": "k", "name": text, "aliases": [{"text": text, "case": "auto"}]}
        for i, text in enumerate(texts)
    ]
    loaded = cx.Gazetteer.from_records(records).to_records()
    return {text: record["aliases"][0]["case"] for text, record in zip(texts, loaded, strict=True)}


def test_the_build_and_the_core_resolve_auto_the_same_way() -> None:
    built = json.loads(
        (ROOT / "python" / "cybernexus" / "data" / "builtin.json").read_text("utf-8")
    )
    entities = built["entities"] if isinstance(built, dict) else built
    shipped = {
        a["text"] if isinstance(a, dict) else a for e in entities for a in e.get("aliases", [])
    }
    shipped.update(EDGE_CASES)
    texts = sorted(t for t in shipped if t.strip())
    assert len(texts) > 20_000
    core = core_policies(texts)
    differ = {
        t: (core[t], common.resolve_case(t, "auto"))
        for t in texts
        if core[t] != common.resolve_case(t, "auto")
    }
    assert differ == {}
    # The rule itself, by hand: one all-caps token is exact, anything else insensitive.
    assert [core[t] for t in ("APT28", "U.S.", "FANCY BEAR", "Fancy Bear", "28")] == [
        "exact",
        "exact",
        "insensitive",
        "insensitive",
        "insensitive",
    ]
