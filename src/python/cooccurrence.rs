//! Co-occurrence counting: argument conversion around [`crate::cooccurrence`].

use std::collections::BTreeMap;

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use super::args::{self, threads};
use super::errors::type_error;
use super::matcher::PyMatcher;
use super::text::Texts;
use crate::cooccurrence::{count_table, evidence, Grouping, Rollup, Scope, Table};
use crate::error::reserve;

/// Co-occurrence counts of a corpus, labelled and mergeable (see ``cybernexus.Cooccurrence``, which wraps this).
///
/// ``a + b`` adds the counts of two disjoint corpora, exactly, and refuses (``ValueError``) counts made with
/// another gazetteer, matcher rules, scope, kinds or roll-up. Pickles as a compact binary form.
#[pyclass(frozen, eq, module = "cybernexus._core", name = "Counts")]
#[derive(PartialEq)]
pub struct PyCounts {
    inner: Table,
}

fn matcher_of<'a, 'py>(matcher: &'a Bound<'py, PyAny>) -> PyResult<&'a Bound<'py, PyMatcher>> {
    matcher
        .cast::<PyMatcher>()
        .map_err(|_| type_error("matcher", "a Matcher", matcher))
}

/// ``rollup`` as the core's type: ``None``, ``"country"``, or a dict of ``str`` to ``str``.
fn rollup(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Rollup> {
    let expected = "'country', a dict of entity ids to group ids, or None";
    match obj.filter(|o| !o.is_none()) {
        None => Ok(Rollup::None),
        Some(o) if o.is_instance_of::<PyString>() => match o.extract::<&str>()? {
            "country" => Ok(Rollup::Country),
            other => Err(crate::Error::choice("rollup", expected, other).into()),
        },
        Some(o) => o
            .extract::<BTreeMap<String, String>>()
            .map(Rollup::Map)
            .map_err(|_| type_error("rollup", expected, o)),
    }
}

/// Count ``texts`` (see ``cybernexus.cooccurrence``, which wraps this). ``kinds``: the kinds to count (``None``:
/// every kind but regions and currencies); ``rollup``: ``None``, ``"country"`` or a dict of ids to group ids;
/// ``max_unit_entities``: the most distinct ids of one unit (``None``: no cap); ``progress``: a tqdm bar of the
/// documents counted.
#[pyfunction]
#[pyo3(signature = (matcher, texts, /, *, scope = "sentence", window = None, kinds = None, rollup = None, n_threads = None, max_unit_entities = None, progress = false))]
#[allow(clippy::too_many_arguments)]
pub fn _cooccurrence<'py>(
    py: Python<'py>,
    matcher: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
    scope: &str,
    window: Option<&Bound<'py, PyAny>>,
    kinds: Option<Vec<String>>,
    rollup: Option<&Bound<'py, PyAny>>,
    n_threads: Option<&Bound<'py, PyAny>>,
    max_unit_entities: Option<&Bound<'py, PyAny>>,
    progress: bool,
) -> PyResult<PyCounts> {
    let max_unit = args::limit(max_unit_entities, "max_unit_entities")?.unwrap_or(usize::MAX);
    let matcher = matcher_of(matcher)?;
    let scope = Scope::parse(scope, args::window(window)?)?;
    let grouping = Grouping::new(kinds, self::rollup(rollup)?);
    let n_threads = threads(n_threads)?;
    let texts = Texts::extract(texts, "texts")?;
    let strs = texts.strs(py, "texts")?;
    let core = matcher.get().core();
    let bar = super::interrupt::Progress::new(py, progress, strs.len())?;
    let bytes = strs.iter().map(|s| s.len()).sum();
    let inner = super::interrupt::detach(py, bytes, bar, || {
        count_table(core, &strs, scope, &grouping, n_threads, max_unit)
    })?;
    Ok(PyCounts { inner })
}

/// Rebuild pickled counts.
#[pyfunction]
pub fn _counts_from_bytes(state: &[u8]) -> PyResult<PyCounts> {
    Ok(PyCounts {
        inner: Table::from_bytes(state)?,
    })
}

#[pymethods]
impl PyCounts {
    /// Number of units.
    #[getter]
    fn n_units(&self) -> u64 {
        self.inner.n_units
    }

    /// The unit: ``"document"``, ``"paragraph"``, ``"sentence"`` or ``"window:<k>"``.
    #[getter]
    fn scope(&self) -> &str {
        &self.inner.key.scope
    }

    /// The counted entities (or groups), sorted by id: ``(ids, names, kinds)``.
    fn labels(&self) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        let l = &self.inner.labels;
        (
            l.iter().map(|l| l.id.as_str()).collect(),
            l.iter().map(|l| l.name.as_str()).collect(),
            l.iter().map(|l| l.kind.as_str()).collect(),
        )
    }

    /// The full symmetric matrix in label order as CSR arrays ``(indptr, indices, data)`` (int64).
    fn csr(&self, py: Python<'_>) -> (Py<PyAny>, Py<PyAny>, Py<PyAny>) {
        let (indptr, indices, data) = self.inner.to_csr();
        let array = |v: Vec<i64>| v.into_pyarray(py).into_any().unbind();
        (array(indptr), array(indices), array(data))
    }

    /// The units of ``texts`` (the counted corpus, in order) that hold both ``a`` and ``b``: ``[(doc, start, end)]``
    /// in code points, at most ``limit``.
    #[pyo3(signature = (matcher, texts, a, b, /, *, limit = None))]
    fn evidence<'py>(
        &self,
        py: Python<'py>,
        matcher: &Bound<'py, PyAny>,
        texts: &Bound<'py, PyAny>,
        a: &str,
        b: &str,
        limit: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vec<(usize, usize, usize)>> {
        let limit = args::limit(limit, "limit")?;
        let matcher = matcher_of(matcher)?;
        let texts = Texts::extract(texts, "texts")?;
        let strs = texts.strs(py, "texts")?;
        let core = matcher.get().core();
        Ok(py.detach(|| evidence(core, &strs, &self.inner, (a, b), limit))?)
    }

    fn __add__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<PyCounts>() else {
            return Ok(py.NotImplemented());
        };
        let inner = self.inner.add(&other.get().inner)?;
        Ok(Bound::new(py, PyCounts { inner })?.into_any().unbind())
    }

    fn __repr__(&self) -> String {
        format!(
            "<Counts: {} entities, {} units ({})>",
            self.inner.labels.len(),
            self.inner.n_units,
            self.inner.key.scope
        )
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let rebuild = py
            .import("cybernexus._core")?
            .getattr("_counts_from_bytes")?;
        Ok((rebuild, (PyBytes::new(py, &self.inner.to_bytes()),)))
    }
}

/// The paragraphs and sentences of ``text`` as two flat ``int64`` arrays of ``str`` offsets: ``[start, end, ...]``
/// and ``[start, end, paragraph, ...]``. ``cybernexus.segment`` makes the tuples (in Python, where a failed
/// allocation is a ``MemoryError``; pyo3 panics when a tuple cannot be allocated).
#[pyfunction]
#[pyo3(signature = (text, /))]
pub fn _segment<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let s = super::text::borrow_str(text, "text")?;
    let (paragraphs, sentences) = py.detach(|| -> crate::error::Result<_> {
        let segments = crate::segment::segment_chars(s)?;
        let mut paragraphs: Vec<i64> = Vec::new();
        reserve(&mut paragraphs, 2 * segments.paragraphs.len())?;
        let mut sentences: Vec<i64> = Vec::new();
        reserve(&mut sentences, 3 * segments.sentences.len())?;
        // Offsets into a str fit in i64 (a str holds at most isize::MAX code points).
        #[allow(clippy::cast_possible_wrap)]
        {
            for p in &segments.paragraphs {
                paragraphs.extend([p.start as i64, p.end as i64]);
            }
            for (s, &p) in segments.sentences.iter().zip(&segments.sentence_paragraph) {
                sentences.extend([s.start as i64, s.end as i64, i64::from(p)]);
            }
        }
        Ok((paragraphs, sentences))
    })?;
    Ok((
        paragraphs.into_pyarray(py).into_any(),
        sentences.into_pyarray(py).into_any(),
    ))
}
