//! Python bindings (the `cybernexus._core` extension module). Only conversion lives here: every method extracts its
//! arguments, calls one core function with the interpreter detached, and converts the result.
//!
//! Doc comments here are Python docstrings (Google style, reStructuredText markup), not rustdoc, hence the allow.
#![allow(clippy::doc_markdown)]

mod args;
mod arrow;
mod cooccurrence;
mod errors;
mod gazetteer;
mod interrupt;
mod matcher;
mod text;

// The extension's Rust allocations go to mimalloc, not glibc's malloc: building a gazetteer makes and frees hundreds
// of thousands of small strings, and glibc spent 30-40% of `without()` at 160k entities consolidating freed chunks,
// which made it grow 2.6-2.9x per doubling (BENCHMARKS.md). Python's own objects keep Python's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// `gil_used = false`: the module may be imported into a free-threaded interpreter without turning the GIL back on.
// Every class is frozen (immutable after construction, so `Sync` by construction), the caches are `PyOnceLock`s
// and atomics, and the one process-wide switch the glue touches, the garbage collector's, is counted (`GcPause`).
#[pyo3::pymodule(gil_used = false)]
mod _core {
    #[pymodule_export]
    use super::cooccurrence::{_cooccurrence, _counts_from_bytes, _segment, PyCounts};
    #[pymodule_export]
    use super::gazetteer::{_gazetteer_from_bytes, PyEntity, PyGazetteer};
    #[pymodule_export]
    use super::matcher::{
        _matcher_from_state, _mention_table_from_state, PyMatcher, PyMention, PyMentionTable,
    };

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // Load numpy's C API now, not at the first array the module returns: that first load imports numpy, and a
        // Ctrl-C that arrived while the work ran (interpreter detached) would make the import fail, which the
        // numpy crate answers with a panic (`PanicException`, which `except Exception` misses) instead of
        // `KeyboardInterrupt`.
        numpy::PyArray1::<i64>::zeros(m.py(), 0, false);
        m.add("MAX_UNIT_ENTITIES", crate::cooccurrence::MAX_UNIT_ENTITIES)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
