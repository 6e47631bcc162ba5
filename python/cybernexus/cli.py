"""The ``cybernexus`` command line.

Subcommands (``cybernexus COMMAND --help`` for each):

* ``extract``: every mention in files, folders or standard input, to TSV, CSV, JSON lines or Parquet.
* ``cooc``: co-occurrence counts of a corpus, as a printed top list, an edge CSV or a GEXF graph.
* ``gazetteer search|show|stats|export``: look into the gazetteer.
* ``demo``: the built-in gazetteer on the bundled sample texts; ``find``: the first command, kept as it was.

Exit status: 0 done, 1 bad input (a one-line message on standard error naming the file and the line), 2 wrong
usage. Output goes to a temporary file first, so nothing is written when the input turns out to be bad; a closed
pipe (``| head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from cybernexus._core import Gazetteer, Matcher, Mention, __version__
from cybernexus._data import example_gazetteer, sample_texts
from cybernexus.display import aliases_by_form, entity_links
from cybernexus.errors import CybernexusError
from cybernexus.stream import FORMATS, Format, _read_stream, batched, read_documents

if TYPE_CHECKING:
    import pandas as pd

EPILOG_EXTRACT = """examples:
  cybernexus extract news.jsonl.gz -o mentions.csv
  cybernexus extract reports/ --to jsonl > mentions.jsonl
  cybernexus extract articles.csv --field body --id url -o mentions.parquet
  cat notes.txt | cybernexus extract - | head
"""
EPILOG_COOC = """examples:
  cybernexus cooc news.jsonl --scope sentence --top 20
  cybernexus cooc reports/ --scope document --measure count --min-count 3 -o edges.csv
  cybernexus cooc news.parquet --rollup country -o countries.gexf
"""
EPILOG_GAZETTEER = """examples:
  cybernexus gazetteer search bear
  cybernexus gazetteer show threat_actor:apt28
  cybernexus gazetteer stats
  cybernexus gazetteer export -o gazetteer.json
"""
#: Columns of ``extract``'s output, in order.
COLUMNS = ["id", "start", "end", "text", "entity_id", "kind", "name", "alias"]
MEASURES = ["count", "npmi", "pmi", "jaccard", "dice", "lift", "g2", "chi2"]


def _at_least(low: int) -> Any:
    """An argparse type: an int of at least ``low``, else a usage error (exit status 2) that says so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an int: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    parse.__name__ = "int"
    return parse


class UsageError(CybernexusError, ValueError):
    """Options that cannot go together (exit status 2, as argparse's own errors)."""


# --- shared options -----------------------------------------------------------------------------------------------


def _gazetteer(path: str | None, capitals: bool = False) -> Gazetteer:
    if path is None:
        return Gazetteer.builtin(capitals=capitals)
    if path == "example":
        return example_gazetteer()
    if path.endswith(".csv"):
        return Gazetteer.from_csv(path)
    return Gazetteer.from_json(path)


def _matcher(args: argparse.Namespace) -> Matcher:
    return Matcher(_gazetteer(args.gazetteer, args.capitals), overlaps=args.overlaps)


def _add_gazetteer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gazetteer",
        metavar="FILE",
        help="a JSON or CSV gazetteer, or 'example' (default: the built-in one)",
    )
    parser.add_argument(
        "--capitals", action="store_true", help="also match capitals as their state"
    )


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files (.txt, .jsonl, .csv, .tsv, .parquet, optionally .gz), folders, or - for standard input",
    )
    parser.add_argument(
        "-f",
        "--input-format",
        choices=FORMATS,
        help="how to read the inputs (default: by suffix; a document per file in folders, a line of stdin)",
    )
    parser.add_argument(
        "--field",
        default="text",
        help="the JSON field or CSV/Parquet column of the text (default: text)",
    )
    parser.add_argument(
        "--id",
        metavar="FIELD",
        help="the JSON field or column of document ids (default: file:line)",
    )
    _add_gazetteer(parser)
    parser.add_argument("--overlaps", choices=["longest", "all"], default="longest")
    parser.add_argument(
        "--threads", type=_at_least(1), default=None, help="threads (default: all cores)"
    )
    parser.add_argument(
        "--batch-size", type=_at_least(1), default=5000, help="documents per batch (default: 5000)"
    )
    parser.add_argument(
        "--progress", action="store_true", help="show progress on standard error (needs tqdm)"
    )


def _documents(args: argparse.Namespace) -> Iterator[tuple[Any, str]]:
    """``(id, text)`` of every input, in order; ``-`` reads standard input (a document per line by default)."""
    fmt: Format | None = args.input_format
    for source in args.inputs:
        if source == "-":
            yield from _read_stream(
                "<stdin>", sys.stdin.buffer, fmt or "lines", args.field, args.id, True
            )
        else:
            yield from read_documents(source, format=fmt, field=args.field, id=args.id)


def _progress(items: Iterator[list[Any]], enabled: bool) -> Iterator[list[Any]]:
    """Batches, counted in documents on a tqdm bar on standard error."""
    if not enabled:
        yield from items
        return
    try:
        from tqdm import tqdm
    except ImportError:
        raise CybernexusError("--progress needs tqdm: pip install tqdm") from None
    with tqdm(unit="doc", file=sys.stderr) as bar:
        for batch in items:
            yield batch
            bar.update(len(batch))


# --- output, written only once the whole input is read --------------------------------------------------------------


@contextlib.contextmanager
def _output(path: str | None, binary: bool, out: TextIO) -> Iterator[IO[Any]]:
    """A temporary file that becomes ``path`` (or is copied to ``out``) when the block ends without an error, and
    is removed otherwise: a bad input line leaves no half-written output behind."""
    folder = Path(path).resolve().parent if path else None
    tmp: IO[Any]
    if binary:
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on every path
            mode="wb", dir=folder, prefix=".cybernexus-", suffix=".part", delete=False
        )
    else:
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on every path
            mode="w",
            encoding="utf-8",
            newline="",
            dir=folder,
            prefix=".cybernexus-",
            suffix=".part",
            delete=False,
        )
    try:
        with tmp:
            yield tmp
        if path:
            os.replace(tmp.name, path)
        else:
            with open(tmp.name, encoding="utf-8", newline="") as f:
                shutil.copyfileobj(f, out)
            out.flush()
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp.name)


def _to(args: argparse.Namespace, suffixes: dict[str, str], default: str) -> str:
    """The output format: ``--to``, else the output file's suffix, else ``default``."""
    if args.to:
        return str(args.to)
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix in suffixes:
            return suffixes[suffix]
    return default


# --- extract --------------------------------------------------------------------------------------------------------


def _frames(args: argparse.Namespace, matcher: Matcher) -> Iterator[pd.DataFrame]:
    """One frame of mentions per batch, with the columns of :data:`COLUMNS` (labels as plain strings)."""
    for batch in _progress(batched(_documents(args), args.batch_size), args.progress):
        ids = [i for i, _ in batch]
        texts = [t for _, t in batch]
        frame = matcher.find_table(texts, n_threads=args.threads).to_pandas(texts, ids=ids)
        frame = frame[COLUMNS]
        yield frame.astype({c: object for c in ("entity_id", "kind", "name", "alias", "text")})


def _extract(args: argparse.Namespace, out: TextIO) -> int:
    to = _to(
        args,
        {".tsv": "tsv", ".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"},
        "tsv",
    )
    if to == "parquet" and not args.output:
        raise UsageError("Parquet is binary: give an output file with -o")
    matcher = _matcher(args)
    with _output(args.output, to == "parquet", out) as f:
        if to == "parquet":
            _write_parquet(f, _frames(args, matcher))
            return 0
        if to in ("tsv", "csv"):
            f.write(("\t" if to == "tsv" else ",").join(COLUMNS) + "\n")
        for frame in _frames(args, matcher):
            if to == "jsonl":
                for row in frame.to_dict("records"):
                    f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            elif to == "csv":
                frame.to_csv(f, index=False, header=False, lineterminator="\n")
            else:
                # A TSV cell holds no tab or line break (a mention's text may hold one: a name across lines).
                cells = frame.astype(str).replace(r"[\t\r\n]", " ", regex=True)
                f.writelines(
                    "\t".join(row) + "\n" for row in cells.itertuples(index=False, name=None)
                )
    return 0


def _write_parquet(f: IO[Any], frames: Iterator[pd.DataFrame]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    schema = None
    for frame in frames:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if schema is None:
            schema = pa.schema(
                [
                    pa.field(n, pa.string()) if t == pa.null() else pa.field(n, t)
                    for n, t in zip(table.schema.names, table.schema.types, strict=True)
                ]
            )
            writer = pq.ParquetWriter(f, schema)
        assert writer is not None
        writer.write_table(table.cast(schema))
    if writer is None:
        empty = {
            c: pa.array([], pa.int64() if c in ("start", "end") else pa.string()) for c in COLUMNS
        }
        pq.write_table(pa.table(empty), f)
    else:
        writer.close()


# --- cooc -----------------------------------------------------------------------------------------------------------


def _cooc(args: argparse.Namespace, out: TextIO) -> int:
    from cybernexus.cooccurrence import cooccurrence

    to = _to(args, {".csv": "csv", ".gexf": "gexf"}, "top")
    if args.scope == "window" and args.window is None:
        raise UsageError("--scope window needs --window K (tokens per block)")
    if args.window is not None and args.scope != "window":
        raise UsageError("--window goes with --scope window")
    matcher = _matcher(args)
    texts = (t for _, t in _documents(args))
    co = cooccurrence(
        texts,
        matcher,
        scope=args.scope,
        window=args.window,
        kinds=[k.strip() for k in args.kinds.split(",") if k.strip()] if args.kinds else None,
        rollup=args.rollup,
        n_threads=args.threads,
        batch_size=args.batch_size,
        progress=args.progress,
    )
    with _output(args.output, to == "gexf", out) as f:
        if to == "gexf":
            co.write_gexf(f, args.measure, min_count=args.min_count)
            return 0
        if to == "csv":
            frame = co.top_pairs(len(co.labels) ** 2, args.measure, min_count=args.min_count)
            frame.to_csv(f, index=False, lineterminator="\n")
            return 0
        top = co.top_pairs(args.top, args.measure, min_count=args.min_count)
        f.write(f"{co!r}\n")
        if top.empty:
            f.write(f"no pair seen at least {args.min_count} times\n")
        for row in top.to_dict("records"):
            value = row["count"] if args.measure == "count" else f"{row[args.measure]:.3f}"
            f.write(
                f"{value:>8}  {row['count']:>6}  {row['source_name']} ({row['source']})"
                f"  --  {row['target_name']} ({row['target']})\n"
            )
    return 0


# --- gazetteer ------------------------------------------------------------------------------------------------------


def _search(args: argparse.Namespace, out: TextIO) -> int:
    g = _gazetteer(args.gazetteer, args.capitals)
    hits = g.search(args.query, kind=args.kind, limit=args.limit, with_alias=True)
    if not hits:
        sys.stderr.write(f"cybernexus: no entity matches {args.query!r}\n")
        return 0
    out.write("id\tkind\tname\tmatched alias\n")
    out.writelines(
        f"{entity.id}\t{entity.kind}\t{entity.name}\t{alias}\n" for entity, alias in hits
    )
    return 0


def _show(args: argparse.Namespace, out: TextIO) -> int:
    g = _gazetteer(args.gazetteer, args.capitals)
    if args.id not in g:
        near = [e.id for e in g.search(args.id.split(":")[-1], limit=5)]
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise CybernexusError(f"no entity with id {args.id!r}{hint}")
    record = g[args.id].to_record()
    out.write(f"{record['name']}  ({record['id']}, {record['kind']})\n")
    out.write("aliases:\n")
    out.writelines(f"  {form}: {', '.join(texts)}\n" for form, texts in aliases_by_form(record))
    if record["attrs"]:
        out.write("attributes:\n")
        out.writelines(f"  {key}: {value}\n" for key, value in sorted(record["attrs"].items()))
    links = entity_links(record["attrs"])
    if links:
        out.write("links:\n")
        out.writelines(f"  {label}: {url}\n" for label, url in links)
    return 0


def _stats(args: argparse.Namespace, out: TextIO) -> int:
    g = _gazetteer(args.gazetteer, args.capitals)
    stats = g.stats()
    out.write(f"{stats['entities']} entities, {stats['aliases']} aliases\n")
    for section in ("by_kind", "by_source"):
        out.write(f"{section.replace('_', ' ')}:\n")
        out.writelines(
            f"  {key}: {n}\n"
            for key, n in sorted(stats[section].items(), key=lambda kv: (-kv[1], kv[0]))
        )
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    g = _gazetteer(args.gazetteer, args.capitals)
    to = _to(args, {".json": "json", ".csv": "csv"}, "json")
    records = g.to_records()
    with _output(args.output, False, out) as f:
        if to == "json":
            json.dump({"entities": records}, f, ensure_ascii=False, indent=1)
            f.write("\n")
            return 0
        import csv

        lost = _lost_in_csv(records)
        if lost and not args.lossy:
            rid, alias, why = lost[0]
            raise CybernexusError(
                f"{len(lost)} aliases would match differently when the CSV is read back, as a CSV holds no "
                f"case policy or support rule (first: {rid} {alias!r}, {why}); export as JSON, or pass "
                "--lossy to write the CSV anyway"
            )
        keys = sorted({k for r in records for k in r["attrs"]})
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "kind", "name", "aliases", *keys])
        for r in records:
            aliases = [a["text"] for a in r["aliases"]]
            if any("|" in a for a in aliases):
                raise CybernexusError(
                    f"{r['id']}: an alias holds '|', the CSV alias separator; export as JSON"
                )
            attrs = r["attrs"]
            writer.writerow(
                [
                    r["id"],
                    r["kind"],
                    r["name"],
                    "|".join(aliases),
                    *(attrs.get(k, "") for k in keys),
                ]
            )
    return 0


def _lost_in_csv(records: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The aliases whose case policy or support rule a CSV cannot hold: (id, alias, what), found by reading the
    records back as the CSV loader would (plain alias strings), so that the core's own ``auto`` rule decides."""
    plain = [{**r, "aliases": [a["text"] for a in r["aliases"]]} for r in records]
    back = {
        r["id"]: {a["text"]: a for a in r["aliases"]}
        for r in Gazetteer.from_records(plain).to_records()
    }
    lost = []
    for r in records:
        for a in r["aliases"]:
            b = back[r["id"]].get(a["text"])
            was = (a["case"], bool(a.get("needs_support")))
            now = (b["case"], bool(b.get("needs_support"))) if b is not None else None
            if now != was:
                why = f"case {a['case']}" + (", needs support" if was[1] else "")
                lost.append((str(r["id"]), str(a["text"]), why))
    return lost


# --- demo and find (the first commands) ----------------------------------------------------------------------------


def _write_mentions(out: IO[str], fmt: str, doc: str, mentions: Sequence[Mention]) -> None:
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
    gazetteer = _gazetteer(args.gazetteer)
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
    matcher = _matcher(args)
    with _output(None, False, out) as f:
        if args.format == "tsv":
            f.write("doc\tstart\tend\ttext\tentity_id\tkind\tname\n")
        for name in args.files:
            # With --lines a file is read by its suffix (a JSON line's text field, a CSV row's text column), not
            # as raw lines of JSON; without it, as one document.
            docs = list(read_documents(name, format=None if args.lines else "file"))
            found = matcher.find_many([t for _, t in docs], n_threads=args.threads)
            for (doc, _), mentions in zip(docs, found, strict=True):
                _write_mentions(f, args.format, doc if args.lines else name, mentions)
    return 0


# --- the parser -----------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cybernexus`` command."""
    parser = argparse.ArgumentParser(
        prog="cybernexus",
        description="Find countries, agencies and threat actors in text, and count who is mentioned with whom.",
        epilog="Run 'cybernexus COMMAND --help' for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"cybernexus {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    extract = sub.add_parser(
        "extract",
        help="every mention in files, folders or stdin",
        epilog=EPILOG_EXTRACT,
        formatter_class=raw,
    )
    _add_inputs(extract)
    extract.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    extract.add_argument(
        "-t",
        "--to",
        choices=["tsv", "csv", "jsonl", "parquet"],
        help="output format (default: by -o suffix, else tsv)",
    )
    extract.set_defaults(run=_extract)

    cooc = sub.add_parser(
        "cooc",
        help="who is mentioned with whom: top pairs, edge CSV or GEXF",
        epilog=EPILOG_COOC,
        formatter_class=raw,
    )
    _add_inputs(cooc)
    cooc.add_argument(
        "--scope", choices=["document", "paragraph", "sentence", "window"], default="sentence"
    )
    cooc.add_argument("--window", type=_at_least(1), help="tokens per block, with --scope window")
    cooc.add_argument("--measure", choices=MEASURES, default="npmi", help="default: npmi")
    cooc.add_argument(
        "--min-count", type=_at_least(1), default=1, help="pairs seen at least this often"
    )
    cooc.add_argument(
        "--kinds", help="comma-separated kinds to count (default: all but regions, currencies)"
    )
    cooc.add_argument(
        "--rollup", choices=["country"], help="count agencies and actors as their country"
    )
    cooc.add_argument(
        "--top", type=_at_least(1), default=20, help="pairs in the printed list (default: 20)"
    )
    cooc.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    cooc.add_argument(
        "-t", "--to", choices=["top", "csv", "gexf"], help="default: by -o suffix, else top"
    )
    cooc.set_defaults(run=_cooc)

    gaz = sub.add_parser(
        "gazetteer",
        help="search, show, count or export the gazetteer",
        epilog=EPILOG_GAZETTEER,
        formatter_class=raw,
    )
    gsub = gaz.add_subparsers(dest="action", required=True, metavar="ACTION")
    search = gsub.add_parser(
        "search", help="entities by part of a name, best first, with the alias that matched"
    )
    search.add_argument("query")
    search.add_argument("--kind", action="append", help="only this kind (repeatable)")
    search.add_argument("--limit", type=_at_least(0), default=20, help="default: 20")
    search.set_defaults(run=_search)
    show = gsub.add_parser("show", help="one entity: aliases by form, attributes, links")
    show.add_argument("id")
    show.set_defaults(run=_show)
    stats = gsub.add_parser("stats", help="entities and aliases by kind and by source")
    stats.set_defaults(run=_stats)
    export = gsub.add_parser("export", help="the gazetteer as JSON records (or CSV)")
    export.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    export.add_argument(
        "-t", "--to", choices=["json", "csv"], help="default: by -o suffix, else json"
    )
    export.add_argument(
        "--lossy",
        action="store_true",
        help="write a CSV even where it loses case policies and support rules (read back, it matches more)",
    )
    export.set_defaults(run=_export)
    for p in (search, show, stats, export):
        _add_gazetteer(p)

    demo = sub.add_parser("demo", help="find entities in the bundled sample texts")
    demo.add_argument(
        "--gazetteer", help="a JSON or CSV gazetteer, or 'example' (default: the built-in one)"
    )
    demo.set_defaults(run=_demo)
    find = sub.add_parser("find", help="find entities in text files (see also extract)")
    find.add_argument("files", nargs="+", help="UTF-8 text files")
    _add_gazetteer(find)
    find.add_argument(
        "--lines", action="store_true", help="one document per line (or JSON line, or CSV row)"
    )
    find.add_argument("--format", choices=["tsv", "jsonl"], default="tsv")
    find.add_argument("--overlaps", choices=["longest", "all"], default="longest")
    find.add_argument(
        "--threads", type=_at_least(1), default=None, help="number of threads (default: all)"
    )
    find.set_defaults(run=_find)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 1 bad input, 2 wrong usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, --version, or a usage error argparse has reported
        return exit.code if isinstance(exit.code, int) else 2
    stream = sys.stdout if out is None else out
    try:
        status: int = args.run(args, stream)
        return status
    except UsageError as err:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"cybernexus: error: {err}\n")
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`): end quietly; later writes to stdout go nowhere.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("cybernexus: interrupted\n")
        return 130
    except (CybernexusError, OSError, ValueError, TypeError, KeyError, ImportError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        sys.stderr.write(f"cybernexus: error: {message}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
