"""The ``cybernexus`` command line.

``cybernexus demo`` runs the matcher on the bundled sample texts; ``cybernexus find FILE...`` finds mentions in text
files (one document per file, or one per line with ``--lines``) and writes them as TSV or JSON lines.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from cybernexus._core import Gazetteer, Matcher, Mention
from cybernexus._data import example_gazetteer, sample_texts
from cybernexus.errors import CybernexusError


def _load_gazetteer(path: str | None, capitals: bool = False) -> Gazetteer:
    if path is None:
        return Gazetteer.builtin(capitals=capitals)
    if path == "example":
        return example_gazetteer()
    if path.endswith(".csv"):
        return Gazetteer.from_csv(path)
    return Gazetteer.from_json(path)


def _write(out: TextIO, fmt: str, doc: str, mentions: Sequence[Mention]) -> None:
    for m in mentions:
        if fmt == "jsonl":
            row = {
                "doc": doc,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "entity_id": m.entity_id,
                "kind": m.kind,
                "name": m.name,
                "alias": m.alias,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            text = m.text.replace("\t", " ").replace("\n", " ")
            out.write(f"{doc}\t{m.start}\t{m.end}\t{text}\t{m.entity_id}\t{m.kind}\t{m.name}\n")


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    gazetteer = _load_gazetteer(args.gazetteer)
    matcher = Matcher(gazetteer)
    texts = sample_texts()
    out.write(f"{gazetteer!r}\n{matcher!r}\n\n")
    found = matcher.find_many(texts)
    for i, (text, mentions) in enumerate(zip(texts, found, strict=True)):
        out.write(f"[{i}] {text}\n")
        out.writelines(
            f"    {m.start:>4}-{m.end:<4} {m.text!r:<40} -> {m.entity_id} ({m.name})\n"
            for m in mentions
        )
        out.write("\n")
    total = sum(len(ms) for ms in found)
    out.write(f"{total} mentions in {len(texts)} texts\n")
    return 0


def _find(args: argparse.Namespace, out: TextIO) -> int:
    matcher = Matcher(_load_gazetteer(args.gazetteer, args.capitals), overlaps=args.overlaps)
    if args.format == "tsv":
        out.write("doc\tstart\tend\ttext\tentity_id\tkind\tname\n")
    for name in args.files:
        path = Path(name)
        data = path.read_bytes()
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise CybernexusError(f"{path}:{line}: invalid UTF-8 (byte {err.start})") from None
        docs = content.splitlines() if args.lines else [content]
        labels = [f"{name}:{i + 1}" for i in range(len(docs))] if args.lines else [name]
        for label, mentions in zip(
            labels, matcher.find_many(docs, n_threads=args.threads), strict=True
        ):
            _write(out, args.format, label, mentions)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cybernexus`` command."""
    parser = argparse.ArgumentParser(prog="cybernexus", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="find entities in the bundled sample texts")
    demo.add_argument(
        "--gazetteer", help="a JSON or CSV gazetteer, or 'example' (default: the built-in one)"
    )
    find = sub.add_parser("find", help="find entities in text files")
    find.add_argument("files", nargs="+", help="UTF-8 text files")
    find.add_argument(
        "--gazetteer", help="a JSON or CSV gazetteer, or 'example' (default: the built-in one)"
    )
    find.add_argument("--capitals", action="store_true", help="match capitals as their state")
    find.add_argument("--lines", action="store_true", help="one document per line")
    find.add_argument("--format", choices=["tsv", "jsonl"], default="tsv")
    find.add_argument("--overlaps", choices=["longest", "all"], default="longest")
    find.add_argument("--threads", type=int, default=None, help="number of threads (default: all)")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    stream = sys.stdout if out is None else out
    try:
        if args.command == "demo":
            return _demo(args, stream)
        return _find(args, stream)
    except (CybernexusError, OSError, ValueError, TypeError) as err:
        sys.stderr.write(f"cybernexus: error: {err}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
