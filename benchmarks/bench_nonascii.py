"""Matching speed on text dense in non-ASCII letters, as written (mostly NFC) or decomposed (NFD).

    python benchmarks/bench_nonascii.py [as_is|NFD|NFC]

3,000 documents of 400 words drawn (seed 1) from Russian, French and German words and names, two paragraphs each;
prints MB/s of ``find_table`` and of paragraph-scope ``cooccurrence`` on one thread (best of 5), and the number of
mentions in the first 50 documents. Run it with two builds' interpreters to compare them (see BENCHMARKS.md).
"""

from __future__ import annotations

import random
import sys
import time
import unicodedata
from collections.abc import Callable

import cybernexus as cx

# Words are escaped where ruff would take a letter for a look-alike of another script's.
_TEXT = (
    "\u0420\u043e\u0441\u0441\u0438\u044f \u0437\u0430\u044f\u0432\u0438\u043b\u0430 "
    "\u0447\u0442\u043e \u0433\u0440\u0443\u043f\u043f\u0430 APT28 "
    "\u0441\u0432\u044f\u0437\u0430\u043d\u0430 \u0441 \u0413\u0420\u0423 \u0438 "
    "\u0430\u0442\u0430\u043a\u043e\u0432\u0430\u043b\u0430 "
    "\u0413\u0435\u0440\u043c\u0430\u043d\u0438\u044e T\xfcrkiye C\xf4te d'Ivoire la "
    "soci\xe9t\xe9 fran\xe7aise a \xe9t\xe9 vis\xe9e par des pirates li\xe9s \xe0 la Chine "
    "l\u2019\xc9tat d\xe9clar\xe9 \u2014 \xabcitation\xbb M\xfcnchen Z\xfcrich"
)
WORDS = _TEXT.split(" ")


def corpus(form: str) -> list[str]:
    rng = random.Random(1)
    docs = [
        " ".join(rng.choice(WORDS) for _ in range(300))
        + "\n\n"
        + " ".join(rng.choice(WORDS) for _ in range(100))
        for _ in range(3000)
    ]
    if form == "NFD":
        return [unicodedata.normalize("NFD", d) for d in docs]
    if form == "NFC":
        return [unicodedata.normalize("NFC", d) for d in docs]
    return docs


def best_seconds(call: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    form = sys.argv[1] if len(sys.argv) > 1 else "as_is"
    docs = corpus(form)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    m = cx.Matcher()
    calls: dict[str, Callable[[], object]] = {
        "find_table": lambda: m.find_table(docs, n_threads=1),
        "cooc_paragraph": lambda: cx.cooccurrence(docs, m, scope="paragraph", n_threads=1),
    }
    mentions = len(m.find_table(docs[:50]))
    for name, call in calls.items():
        print(form, name, f"{mb / best_seconds(call):.1f} MB/s", mentions)


if __name__ == "__main__":
    main()
