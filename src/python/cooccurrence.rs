//! Co-occurrence counting: argument conversion around [`crate::cooccurrence`].

use numpy::IntoPyArray;
use pyo3::prelude::*;

use super::args::{self, threads};
use super::errors::type_error;
use super::matcher::PyMatcher;
use super::text::Texts;
use crate::cooccurrence::{cooccurrence_capped, Groups, Scope};

/// What `_cooccurrence_counts` returns: `(n_units, entities, indptr, indices, data, extra)`.
type CountsArrays = (
    u64,
    Py<PyAny>,
    Py<PyAny>,
    Py<PyAny>,
    Py<PyAny>,
    Vec<(i64, String, String, String)>,
);

/// Co-occurrence counts of `texts` (see ``cybernexus.cooccurrence``, which wraps this).
///
/// ``max_unit_entities`` caps the distinct ids of one unit (``None``: no cap; the package passes
/// ``MAX_UNIT_ENTITIES`` by default); a unit with more raises ValueError.
///
/// ``groups`` gives, for each gazetteer entity, what it is counted as: an id (its own index, or a group's) or -1
/// to leave it out; ``None`` counts every entity as itself.
///
/// Threat actors named by a numbering scheme (entity numbers past the gazetteer's, see
/// ``Gazetteer::pattern_entity_number``) count as themselves when ``patterns`` is true, else not at all.
///
/// Returns ``(n_units, ids, indptr, indices, data, extra)``: a CSR matrix over the counted ``ids`` (int32,
/// increasing), with int64 ``indptr``, ``indices`` and ``data``; ``extra`` labels the ids that are such threat actors
/// as ``(id number, entity id, name, kind)``.
#[pyfunction]
#[pyo3(signature = (matcher, texts, /, *, scope = "sentence", window = None, groups = None, n_threads = None, patterns = true, max_unit_entities = None))]
#[allow(clippy::too_many_arguments)]
pub fn _cooccurrence_counts<'py>(
    py: Python<'py>,
    matcher: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
    scope: &str,
    window: Option<&Bound<'py, PyAny>>,
    groups: Option<Vec<i64>>,
    n_threads: Option<&Bound<'py, PyAny>>,
    patterns: bool,
    max_unit_entities: Option<&Bound<'py, PyAny>>,
) -> PyResult<CountsArrays> {
    let max_unit = args::limit(max_unit_entities, "max_unit_entities")?.unwrap_or(usize::MAX);
    let matcher = matcher
        .cast::<PyMatcher>()
        .map_err(|_| type_error("matcher", "a Matcher", matcher))?;
    let scope = Scope::parse(scope, args::window(window)?)?;
    let n_threads = threads(n_threads)?;
    let texts = Texts::extract(texts, "texts")?;
    let strs = texts.strs(py, "texts")?;
    let core = matcher.get().core();
    let gazetteer = core.gazetteer();
    let groups = Groups::new(gazetteer.len(), groups.as_deref(), patterns)?;
    let (n_units, (entities, indptr, indices, data)) =
        super::interrupt::detach(py, strs.iter().map(|s| s.len()).sum(), || {
            cooccurrence_capped(core, &strs, scope, |e| groups.id(e), n_threads, max_unit)
                .map(|c| (c.n_units, c.to_csr()))
        })?;
    let extra = gazetteer
        .entities_past_own(&entities)
        .into_iter()
        .map(|(e, entity)| (i64::from(e), entity.id, entity.name, entity.kind))
        .collect();
    // Entity numbers fit in i32: the gazetteer refuses more entities and schemes.
    #[allow(clippy::cast_possible_wrap)]
    let entities: Vec<i32> = entities.into_iter().map(|e| e as i32).collect();
    Ok((
        n_units,
        entities.into_pyarray(py).into_any().unbind(),
        indptr.into_pyarray(py).into_any().unbind(),
        indices.into_pyarray(py).into_any().unbind(),
        data.into_pyarray(py).into_any().unbind(),
        extra,
    ))
}

/// Paragraphs and sentences of ``text``, as Python ``str`` offsets.
///
/// Returns ``{"paragraphs": [(start, end), ...], "sentences": [(start, end, paragraph), ...]}``: spans without
/// surrounding white space, in order; each sentence gives the index of its paragraph. Paragraphs are separated by
/// blank lines, or are lines when the text has no blank line; a sentence ends at ``.``, ``!``, ``?`` or ``…``
/// (with any closing quotes or brackets) followed by white space and a word that does not start in lower case,
/// except after an abbreviation or initial ("U.S.", "Feb.", "J. Smith") unless a sentence opener such as "The"
/// follows, and except inside brackets or quotations.
///
/// Raises:
///     TypeError: ``text`` is not a ``str``.
///     TextEncodingError: ``text`` holds a lone surrogate.
#[pyfunction]
#[pyo3(signature = (text, /))]
pub fn segment<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let s = super::text::borrow_str(text, "text")?;
    let segments = py.detach(|| crate::segment::segment_chars(s));
    let out = pyo3::types::PyDict::new(py);
    let paragraphs: Vec<(usize, usize)> = segments
        .paragraphs
        .iter()
        .map(|p| (p.start, p.end))
        .collect();
    let sentences: Vec<(usize, usize, u32)> = segments
        .sentences
        .iter()
        .zip(&segments.sentence_paragraph)
        .map(|(s, &p)| (s.start, s.end, p))
        .collect();
    out.set_item("paragraphs", paragraphs)?;
    out.set_item("sentences", sentences)?;
    Ok(out)
}
