"""Package-level promises: a light import, fork safety, the public names."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import cybernexus as cx


def run_python(code: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_needs_only_numpy() -> None:
    """`import cybernexus` (and matching) loads none of the optional heavy dependencies."""
    out = run_python(
        """
        import sys
        import cybernexus as cx
        cx.Matcher(cx.example_gazetteer()).find_table(["Fancy Bear"])
        heavy = {"pandas", "scipy", "networkx", "matplotlib", "pyarrow", "dask", "pyspark"}
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    assert out == "[]"


def test_forked_child_after_parallel_work_does_not_hang() -> None:
    """A child forked after the parent used thread pools still matches (on one thread) and agrees."""
    out = run_python(
        """
        import os, sys
        import cybernexus as cx
        m = cx.Matcher(cx.example_gazetteer())
        texts = cx.sample_texts() * 50
        expected = m.find_many(texts, n_threads=2)
        m.find_many(texts)  # the global pool too
        pid = os.fork()
        if pid == 0:
            ok = m.find_many(texts, n_threads=2) == expected and m.find_many(texts) == expected
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        """,
        timeout=60,
    )
    assert out == "0"


def test_public_names() -> None:
    """__all__ lists the public API and every name in it exists."""
    assert set(cx.__all__) == {
        "Cooccurrence",
        "CybernexusError",
        "Entity",
        "Gazetteer",
        "GazetteerError",
        "Matcher",
        "Mention",
        "MentionTable",
        "TextEncodingError",
        "__version__",
        "cooccurrence",
        "cooccurrence_by_period",
        "example_gazetteer",
        "highlight",
        "find_file",
        "iter_find",
        "read_documents",
        "read_misp_galaxy",
        "read_stix",
        "read_texts",
        "sample_corpus",
        "sample_texts",
        "segment",
        "write_gexf_timeline",
    }
    for name in cx.__all__:
        assert hasattr(cx, name)
    assert cx.__version__.count(".") == 2
    for cls in (cx.Gazetteer, cx.Matcher, cx.Mention, cx.Entity, cx.MentionTable):
        assert cls.__module__ == "cybernexus._core"
        assert cls.__doc__
