//! `Matcher`, `Mention` and `MentionTable`: argument conversion around the core matcher.

use std::sync::Arc;

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyString, PyTuple};

use super::args::threads;
use super::errors::type_error;
use super::gazetteer::{labels, Labels, PyGazetteer};
use super::interrupt::{self, Progress};
use super::text::{borrow_str, intern_str, new_list, new_str, Texts};
use crate::context::Resolution;
use crate::labels::{label_columns, Dictionary, LabelColumns};
use crate::matcher::{Located, Match, Matcher, Offsets, Overlaps, Resolve, Rules, Via};

/// One mention of an entity in a text.
///
/// ``start`` and ``end`` are positions in the Python string, so ``text[m.start:m.end] == m.text``.
#[pyclass(frozen, module = "cybernexus._core", name = "Mention")]
pub struct PyMention {
    /// Start position (code points).
    #[pyo3(get)]
    start: usize,
    /// End position, exclusive.
    #[pyo3(get)]
    end: usize,
    /// The matched text, as written.
    #[pyo3(get)]
    text: Py<PyString>,
    /// Whether the span names more than one entity and nothing decided between them (or two of the same kind).
    #[pyo3(get)]
    ambiguous: bool,
    /// The entity's strings, shared by every mention of it, and small codes for the rest: a mention is made
    /// millions of times, and at 96 bytes (from 160 with a field per string) it costs a third less to make.
    entity: Arc<EntityStrings>,
    /// Sentence and paragraph, [`NO_PLACE`] where there is none.
    place: (i64, i64),
    alias: u32,
    resolved_by: u16,
    via: u8,
}

impl PyMention {
    /// Every field, in constructor order, as two tuples (pyo3 converts tuples of at most 12 items); comparing and
    /// hashing the pair is comparing and hashing the fields in order.
    fn key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let e = &self.entity;
        let first = (
            self.start,
            self.end,
            &self.text,
            &e.id,
            &e.kind,
            &e.name,
            self.alias(),
        );
        let second = (
            self.form(),
            self.sentence(),
            self.paragraph(),
            self.resolved_by(py)?,
            self.ambiguous,
            self.via(py)?,
        );
        (first, second).into_pyobject(py)
    }
}

#[pymethods]
impl PyMention {
    #[new]
    #[pyo3(signature = (start, end, text, entity_id, kind, name, alias, form = None, sentence = None, paragraph = None, resolved_by = None, ambiguous = false, via = None))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        start: usize,
        end: usize,
        text: Py<PyString>,
        entity_id: Py<PyString>,
        kind: Py<PyString>,
        name: Py<PyString>,
        alias: Py<PyString>,
        form: Option<Py<PyString>>,
        sentence: Option<i64>,
        paragraph: Option<i64>,
        resolved_by: Option<Py<PyString>>,
        ambiguous: bool,
        via: Option<Py<PyString>>,
    ) -> PyResult<Self> {
        if end < start {
            return Err(PyValueError::new_err(format!(
                "end ({end}) is before start ({start})"
            )));
        }
        if sentence == Some(NO_PLACE) || paragraph == Some(NO_PLACE) {
            return Err(PyValueError::new_err(format!(
                "a sentence or paragraph index must be above {NO_PLACE}"
            )));
        }
        let via = match via {
            Some(via) => via,
            None => codes(py)?.via[0].clone_ref(py),
        };
        let entity = Arc::new(EntityStrings {
            id: entity_id,
            kind,
            name,
            aliases: vec![alias],
            forms: vec![form],
            own: Some((resolved_by, via)),
        });
        Ok(PyMention {
            start,
            end,
            text,
            ambiguous,
            entity,
            place: (sentence.unwrap_or(NO_PLACE), paragraph.unwrap_or(NO_PLACE)),
            alias: 0,
            resolved_by: 0,
            via: 0,
        })
    }

    /// Id of the entity.
    #[getter]
    fn entity_id(&self) -> &Py<PyString> {
        &self.entity.id
    }

    /// Kind of the entity.
    #[getter]
    fn kind(&self) -> &Py<PyString> {
        &self.entity.kind
    }

    /// Canonical name of the entity.
    #[getter]
    fn name(&self) -> &Py<PyString> {
        &self.entity.name
    }

    /// The alias that matched, as the gazetteer writes it.
    #[getter]
    fn alias(&self) -> &Py<PyString> {
        &self.entity.aliases[self.alias as usize]
    }

    /// The alias's form (``"abbreviation"``, ``"adjective"``, ...), if the gazetteer says.
    #[getter]
    fn form(&self) -> Option<&Py<PyString>> {
        self.entity.forms[self.alias as usize].as_ref()
    }

    /// Index of the sentence the mention starts in (with ``segments=True``; else ``None``).
    #[getter]
    fn sentence(&self) -> Option<i64> {
        Some(self.place.0).filter(|&s| s != NO_PLACE)
    }

    /// Index of the paragraph the mention starts in (with ``segments=True``; else ``None``).
    #[getter]
    fn paragraph(&self) -> Option<i64> {
        Some(self.place.1).filter(|&p| p != NO_PLACE)
    }

    /// How the entity was chosen where the span names several (a group and its software, two groups): the cue
    /// (``"ransomware"``, ``"operators"``, ``"attributed to"``, ...), ``"document"`` or ``"default"``; ``None`` when
    /// the span names one entity.
    #[getter]
    fn resolved_by<'a>(&'a self, py: Python<'_>) -> PyResult<Option<&'a Py<PyString>>> {
        Ok(match &self.entity.own {
            Some((resolved_by, _)) => resolved_by.as_ref(),
            None => codes(py)?.resolved_by[usize::from(self.resolved_by)].as_ref(),
        })
    }

    /// How the span was found: ``"alias"``, ``"variant"`` (a CamelCase variant), ``"pattern"`` (a vendor's
    /// numbering scheme) or ``"acronym"`` (defined in the text).
    #[getter]
    fn via<'a>(&'a self, py: Python<'_>) -> PyResult<&'a Py<PyString>> {
        Ok(match &self.entity.own {
            Some((_, via)) => via,
            None => &codes(py)?.via[usize::from(self.via)],
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let repr = |s: &Py<PyString>| {
            s.bind(py)
                .repr()
                .map_or_else(|_| "?".into(), |r| r.to_string())
        };
        format!(
            "Mention(start={}, end={}, text={}, entity_id={}, alias={})",
            self.start,
            self.end,
            repr(&self.text),
            repr(&self.entity.id),
            repr(self.alias())
        )
    }

    fn __richcmp__(
        &self,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyMention>() else {
            return Ok(py.NotImplemented());
        };
        Ok(self
            .key(py)?
            .rich_compare(other.get().key(py)?, op)?
            .unbind())
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        self.key(py)?.hash()
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, pyo3::types::PyType>, Bound<'py, PyTuple>)> {
        let key = slf.get().key(slf.py())?;
        // The constructor's arguments: the two halves of the key, joined.
        let fields = key
            .get_item(0)?
            .add(key.get_item(1)?)?
            .cast_into::<PyTuple>()?;
        Ok((slf.get_type(), fields))
    }
}

/// A place that a mention built by hand does not have (the matcher gives a segmented mention both places, where
/// the sentence may be -1; no index is ever this low).
const NO_PLACE: i64 = i64::MIN;

/// The interned names of the `via` and `resolved_by` codes, made once per process.
struct Codes {
    via: Vec<Py<PyString>>,
    resolved_by: Vec<Option<Py<PyString>>>,
}

fn codes(py: Python<'_>) -> PyResult<&'static Codes> {
    static CODES: PyOnceLock<Codes> = PyOnceLock::new();
    CODES.get_or_try_init(py, || {
        let name = |n: &str| intern_str(py, n).map(Bound::unbind);
        Ok(Codes {
            via: Via::NAMES
                .iter()
                .map(|n| name(n))
                .collect::<PyResult<_>>()?,
            resolved_by: Resolution::labels()
                .into_iter()
                .map(|n| n.map(name).transpose())
                .collect::<PyResult<_>>()?,
        })
    })
}

/// Python strings of one entity, made once per matcher so that mentions share them.
struct EntityStrings {
    id: Py<PyString>,
    kind: Py<PyString>,
    name: Py<PyString>,
    aliases: Vec<Py<PyString>>,
    forms: Vec<Option<Py<PyString>>>,
    /// `resolved_by` and `via` of a mention built by hand, which may be any strings (else the codes are read).
    own: Option<(Option<Py<PyString>>, Py<PyString>)>,
}

impl EntityStrings {
    fn new(py: Python<'_>, e: &crate::gazetteer::Entity) -> PyResult<EntityStrings> {
        Ok(EntityStrings {
            id: new_str(py, &e.id)?.unbind(),
            kind: intern_str(py, &e.kind)?.unbind(),
            name: new_str(py, &e.name)?.unbind(),
            aliases: e
                .aliases
                .iter()
                .map(|a| new_str(py, &a.text).map(Bound::unbind))
                .collect::<PyResult<_>>()?,
            forms: e
                .aliases
                .iter()
                .map(|a| {
                    a.form
                        .as_deref()
                        .map(|f| intern_str(py, f).map(Bound::unbind))
                        .transpose()
                })
                .collect::<PyResult<_>>()?,
            own: None,
        })
    }
}

/// Finds the entities of a gazetteer in text.
///
/// Matching rules: a match never starts or ends inside a word (``"Iran"`` is not found in ``"Iranian"``, and a
/// rejected longer candidate never hides a valid shorter one); white-space runs, line breaks and no-break spaces
/// match a space; typographic apostrophes and dashes match their ASCII forms; each alias's case policy applies.
///
/// Args:
///     gazetteer: The entities to find; by default the built-in gazetteer (:meth:`Gazetteer.builtin`).
///     overlaps: ``"longest"`` (default) keeps the leftmost-longest mention and one entity per span; ``"all"``
///         returns nested and overlapping mentions too.
///     resolve: How a name that a group and its software share is read: ``"local"`` (default) by the cue next to
///         it, ``"document"`` also by the cues of the same name elsewhere in the text, ``"none"`` not at all.
///     variants: Also find names joined or split at their capitals ("CloudAtlas" / "Cloud Atlas").
///     patterns: Find the vendors' numbered clusters ("UNC4841", "Storm-0558") as threat actors.
///     acronyms: An acronym defined after a name ("Golden Chickens (GC)") names it in the rest of the text.
///     support: Aliases that need support (ordinary words, technical terms) count only with evidence, and in a
///         text of 500 bytes or more that says nothing of computer security, malware names count only with a cue.
///     shields: Country names in money amounts, certificate fields, quoted file names and person names
///         ("Chad Johnson", "Michael Jordan") are not mentions.
///
/// Building one over the built-in gazetteer takes about 10 ms and 2 MB. A matcher is immutable and thread-safe:
/// share one between threads, and pickle it to send it to worker processes (it is rebuilt from its gazetteer on
/// unpickling).
#[pyclass(frozen, weakref, module = "cybernexus._core", name = "Matcher")]
pub struct PyMatcher {
    inner: Arc<Matcher>,
    gazetteer: Py<PyGazetteer>,
    strings: Vec<Arc<EntityStrings>>,
}

impl PyMatcher {
    /// The core matcher.
    pub(crate) fn core(&self) -> &Matcher {
        &self.inner
    }

    fn mention(
        &self,
        py: Python<'_>,
        span: Py<PyString>,
        m: &Match,
        place: Option<(i64, i64)>,
    ) -> PyResult<PyMention> {
        let entity = if let Some(e) = self.strings.get(m.entity as usize) {
            Arc::clone(e)
        } else {
            // A threat actor named by a numbering scheme: its strings are made for this mention.
            let e = self
                .inner
                .gazetteer()
                .entity_at(m.entity)
                .expect("invariant: the matcher only reports entities its gazetteer numbers");
            Arc::new(EntityStrings::new(py, &e)?)
        };
        Ok(PyMention {
            start: m.start,
            end: m.end,
            text: span,
            ambiguous: m.ambiguous,
            entity,
            place: place.unwrap_or((NO_PLACE, NO_PLACE)),
            alias: m.alias,
            resolved_by: m.resolved_by.0,
            via: m.via.code(),
        })
    }

    fn mentions<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        found: &Located,
    ) -> PyResult<Bound<'py, PyList>> {
        let (matches, places) = found;
        // Mentions of one span (nested entities with `overlaps="all"`, or N entities sharing an alias) share the
        // span's `str`, as equal strings may: one object for the span, not one per entity.
        let mut last: Option<(usize, usize, Py<PyString>)> = None;
        let objects = matches
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let span = match &last {
                    Some((s, e, span)) if (*s, *e) == (m.byte_start, m.byte_end) => {
                        span.clone_ref(py)
                    }
                    _ => {
                        let span = new_str(py, &text[m.byte_start..m.byte_end])?.unbind();
                        last = Some((m.byte_start, m.byte_end, span.clone_ref(py)));
                        span
                    }
                };
                let object = Bound::new(
                    py,
                    self.mention(py, span, m, places.as_ref().map(|p| p[i]))?,
                )?;
                // Safety: untracking only takes the object off the cyclic collector's lists (CPython does the same
                // for tuples of atomic objects); the collector would find nothing to do with it: a Mention made
                // here refers only to exact `str` objects (its text, and its entity's through a Rust `Arc`) and
                // holds no container, so it can never be part of a reference cycle, and it is still freed by reference counting. `PyObject_GC_UnTrack` is valid on
                // any object of a collected type, tracked or not, with the interpreter held (it is, by `py`).
                unsafe { pyo3::ffi::PyObject_GC_UnTrack(object.as_ptr().cast()) };
                Ok(object)
            })
            .collect::<PyResult<Vec<_>>>()?;
        new_list(py, objects)
    }
}

/// Pauses Python's cyclic garbage collector while many `Mention` objects are created, and resumes it on drop.
///
/// Performance note: creating millions of objects made the collector run full collections over everything created
/// so far, again and again: `find_many` on 500 MB (1.5 million mentions) took 2.5x the time of `find_table`; on 2
/// million short mentions, 1.95 s against 0.24 s. Each `Mention` is now taken off the collector's lists (see
/// `mentions`), which brought that to 0.79-0.90 s, and pausing the collector while the per-document lists are built
/// to 0.44-0.67 s.
///
/// The collector's switch is one for the whole process, and on a free-threaded interpreter several threads may
/// build lists at once: the pauses are counted ([`GC_PAUSES`]), the first one turns the collector off (if it was
/// on) and the last one turns it back on, so one thread's pause never ends another's, and a collector that the user
/// turned off stays off.
struct GcPause<'py> {
    py: Option<Python<'py>>,
}

/// Live [`GcPause`]s in the process, and whether the first of them turned the collector off.
static GC_PAUSES: std::sync::Mutex<(usize, bool)> = std::sync::Mutex::new((0, false));

impl<'py> GcPause<'py> {
    /// Below this many objects the pause is not worth its two calls.
    const MIN_OBJECTS: usize = 10_000;

    fn over(py: Python<'py>, objects: usize) -> PyResult<GcPause<'py>> {
        if objects < Self::MIN_OBJECTS {
            return Ok(GcPause { py: None });
        }
        let gc = py.import("gc")?;
        // The lock is held only around calls of `gc`'s C functions, which run no Python code and never detach, so
        // a thread that waits for it cannot be holding what the holder needs.
        let mut pauses = GC_PAUSES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if pauses.0 == 0 {
            let on = gc.call_method0("isenabled")?.is_truthy()?;
            if on {
                gc.call_method0("disable")?;
            }
            pauses.1 = on;
        }
        pauses.0 += 1;
        Ok(GcPause { py: Some(py) })
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        let Some(py) = self.py else {
            return;
        };
        // Nothing to report to if this fails (it cannot, short of a broken `gc` module); the count must still drop.
        let gc = py.import("gc").ok();
        let mut pauses = GC_PAUSES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pauses.0 -= 1;
        if pauses.0 == 0 && pauses.1 {
            if let Some(gc) = gc {
                let _ = gc.call_method0("enable");
            }
        }
    }
}

#[pymethods]
impl PyMatcher {
    #[new]
    #[pyo3(signature = (gazetteer = None, /, *, overlaps = "longest", resolve = "local", variants = true, patterns = true, acronyms = true, support = true, shields = true))]
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn py_new(
        py: Python<'_>,
        gazetteer: Option<&Bound<'_, PyAny>>,
        overlaps: &str,
        resolve: &str,
        variants: bool,
        patterns: bool,
        acronyms: bool,
        support: bool,
        shields: bool,
    ) -> PyResult<Self> {
        let builtin;
        let gazetteer = if let Some(g) = gazetteer {
            g
        } else {
            builtin = super::gazetteer::builtin(py, false)?
                .into_bound(py)
                .into_any();
            &builtin
        };
        let gazetteer = gazetteer
            .cast::<PyGazetteer>()
            .map_err(|_| type_error("gazetteer", "a Gazetteer", gazetteer))?;
        let mode = Overlaps::parse(overlaps)?;
        let resolve = Resolve::parse(resolve)?;
        let rules = Rules {
            resolve,
            variants,
            patterns,
            acronyms,
            support,
            shields,
        };
        let core = Arc::clone(&gazetteer.get().inner);
        let strings = core
            .entities()
            .iter()
            .map(|e| EntityStrings::new(py, e).map(Arc::new))
            .collect::<PyResult<_>>()?;
        let inner = py.detach(|| Matcher::with_rules(core, mode, rules))?;
        codes(py)?;
        Ok(PyMatcher {
            inner: Arc::new(inner),
            gazetteer: gazetteer.clone().unbind(),
            strings,
        })
    }

    /// The gazetteer this matcher finds.
    #[getter]
    fn gazetteer(&self, py: Python<'_>) -> Py<PyGazetteer> {
        self.gazetteer.clone_ref(py)
    }

    /// The overlap mode, ``"longest"`` or ``"all"``.
    #[getter]
    fn overlaps(&self) -> &'static str {
        self.inner.overlaps().as_str()
    }

    /// The rules beyond the alias search, as the keyword arguments that set them (``resolve``, ``variants``,
    /// ``patterns``, ``acronyms``, ``support``, ``shields``).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let r = self.inner.rules();
        let d = pyo3::types::PyDict::new(py);
        d.set_item("resolve", r.resolve.as_str())?;
        for (name, on) in r.switches() {
            d.set_item(name, on)?;
        }
        Ok(d)
    }

    /// Bytes of memory held by the search structure (the gazetteer not included): about 1.6 MB for the built-in
    /// gazetteer.
    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.heap_bytes()
    }

    /// Every mention in ``text``, in order of position (longest first where mentions nest).
    ///
    /// Raises:
    ///     TypeError: ``text`` is not a ``str``.
    ///     TextEncodingError: ``text`` holds a lone surrogate.
    ///
    /// Args:
    ///     text: The text.
    ///     segments: Also give each mention's ``sentence`` and ``paragraph`` index (see :func:`segment`); this
    ///         segments the text, which costs about as much as matching it.
    #[pyo3(signature = (text, /, *, segments = false))]
    fn find<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        segments: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let s = borrow_str(text, "text")?;
        let found = py.detach(|| self.inner.find_located(s, Offsets::Chars, segments))?;
        let _pause = GcPause::over(py, found.0.len())?;
        self.mentions(py, s, &found)
    }

    /// :meth:`find` on every text of an iterable, in parallel; one list per text, in input order.
    ///
    /// The texts are matched with the interpreter released, on ``n_threads`` threads (``None``: all cores, or
    /// ``RAYON_NUM_THREADS``); the result is the same for every thread count.
    ///
    /// Raises:
    ///     TypeError: ``texts`` is a single ``str``, not iterable, or holds a non-``str`` item (the message gives its
    ///         index).
    ///     TextEncodingError: a text holds a lone surrogate.
    ///     ValueError: ``n_threads`` is below 1.
    ///     ImportError: ``progress=True`` without tqdm installed.
    ///
    /// With ``progress=True`` a tqdm bar counts the documents matched, out of ``len(texts)``.
    #[pyo3(signature = (texts, /, *, n_threads = None, segments = false, progress = false))]
    fn find_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        n_threads: Option<&Bound<'py, PyAny>>,
        segments: bool,
        progress: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let n_threads = threads(n_threads)?;
        let texts = Texts::extract(texts, "texts")?;
        let strs = texts.strs(py, "texts")?;
        let bar = Progress::new(py, progress, strs.len())?;
        let found = interrupt::detach(py, strs.iter().map(|s| s.len()).sum(), bar, || {
            self.inner
                .find_many_located(&strs, Offsets::Chars, segments, n_threads)
        })?;
        let _pause = GcPause::over(py, found.iter().map(|(m, _)| m.len()).sum())?;
        new_list(
            py,
            strs.iter()
                .zip(&found)
                .map(|(s, matches)| self.mentions(py, s, matches))
                .collect::<PyResult<Vec<_>>>()?,
        )
    }

    /// Mentions of many texts as columns (numpy arrays), without one Python object per mention.
    ///
    /// Same matching and arguments as :meth:`find_many` (``progress`` too); see :class:`MentionTable`.
    #[pyo3(signature = (texts, /, *, n_threads = None, segments = false, progress = false))]
    fn find_table<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        n_threads: Option<&Bound<'py, PyAny>>,
        segments: bool,
        progress: bool,
    ) -> PyResult<PyMentionTable> {
        let n_threads = threads(n_threads)?;
        let texts = Texts::extract(texts, "texts")?;
        let strs = texts.strs(py, "texts")?;
        let bar = Progress::new(py, progress, strs.len())?;
        let bytes = strs.iter().map(|s| s.len()).sum();
        let gazetteer = self.inner.gazetteer();
        let (table, numbers, extra) = interrupt::detach(py, bytes, bar, || {
            let mut t = self
                .inner
                .find_table(&strs, Offsets::Chars, n_threads, segments)?;
            let numbers = t.compact_pattern_entities(gazetteer);
            let extra = gazetteer.entities_numbered(&numbers)?;
            Ok::<_, crate::Error>((t, numbers, extra))
        })?;
        // Read-only arrays that own the core's vectors (no copy).
        let column = |a: Bound<'py, PyAny>| -> PyResult<Py<PyAny>> {
            a.call_method1("setflags", (false,))?;
            Ok(a.unbind())
        };
        let segmented = |v: Vec<i64>| {
            segments
                .then(|| column(v.into_pyarray(py).into_any()))
                .transpose()
        };
        Ok(PyMentionTable {
            len: table.len(),
            n_docs: strs.len(),
            doc: column(table.doc.into_pyarray(py).into_any())?,
            start: column(table.start.into_pyarray(py).into_any())?,
            end: column(table.end.into_pyarray(py).into_any())?,
            entity: column(table.entity.into_pyarray(py).into_any())?,
            alias: column(table.alias.into_pyarray(py).into_any())?,
            sentence: segmented(table.sentence)?,
            paragraph: segmented(table.paragraph)?,
            resolved_by: column(table.resolved_by.into_pyarray(py).into_any())?,
            ambiguous: column(table.ambiguous.into_pyarray(py).into_any())?,
            via: column(table.via.into_pyarray(py).into_any())?,
            gazetteer: self.gazetteer.clone_ref(py),
            numbers,
            extra,
        })
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        let rebuild = py
            .import("cybernexus._core")?
            .getattr("_matcher_from_state")?;
        let rules = self.inner.rules();
        let flags = PyTuple::new(py, rules.switches().map(|(_, on)| on))?;
        Ok((
            rebuild,
            (
                self.gazetteer.clone_ref(py),
                self.overlaps(),
                py.None(),
                rules.resolve.as_str(),
                flags,
            ),
        ))
    }
}

/// What `Matcher.__reduce__` returns: the rebuilding function and its arguments.
type Reduced<'py> = (
    Bound<'py, PyAny>,
    (
        Py<PyGazetteer>,
        &'static str,
        Py<PyAny>,
        &'static str,
        Bound<'py, PyTuple>,
    ),
);

/// Rebuild a pickled matcher. `_automaton` is accepted, and ignored, for pickles written by versions that had an
/// automaton option; pickles written before the rules existed get the default rules.
#[pyfunction]
#[pyo3(signature = (gazetteer, overlaps, _automaton = None, resolve = "local", flags = (true, true, true, true, true)))]
pub fn _matcher_from_state(
    py: Python<'_>,
    gazetteer: &Bound<'_, PyAny>,
    overlaps: &str,
    _automaton: Option<&Bound<'_, PyAny>>,
    resolve: &str,
    flags: (bool, bool, bool, bool, bool),
) -> PyResult<PyMatcher> {
    let (variants, patterns, acronyms, support, shields) = flags;
    PyMatcher::py_new(
        py,
        Some(gazetteer),
        overlaps,
        resolve,
        variants,
        patterns,
        acronyms,
        support,
        shields,
    )
}

/// Mentions of many texts in columns: row ``i`` is a mention in text ``doc[i]`` from ``start[i]`` to ``end[i]``
/// (code points) of entity ``entity[i]`` (its position in :attr:`gazetteer`) by its alias number ``alias[i]``.
///
/// The arrays are read-only numpy arrays (``doc``, ``start``, ``end``: int64; ``entity``, ``alias``: int32), sorted
/// by document, then position. :meth:`to_pandas` labels them.
#[pyclass(frozen, module = "cybernexus._core", name = "MentionTable")]
pub struct PyMentionTable {
    len: usize,
    /// Number of texts that were matched.
    #[pyo3(get)]
    n_docs: usize,
    /// Text index of each mention (int64).
    #[pyo3(get)]
    doc: Py<PyAny>,
    /// Start positions, code points (int64).
    #[pyo3(get)]
    start: Py<PyAny>,
    /// End positions, exclusive (int64).
    #[pyo3(get)]
    end: Py<PyAny>,
    /// Entity positions in the gazetteer (int32).
    #[pyo3(get)]
    entity: Py<PyAny>,
    /// Alias positions within the entity's aliases (int32).
    #[pyo3(get)]
    alias: Py<PyAny>,
    /// Sentence index of each mention in its text (int64; -1 outside every sentence), with ``segments=True``.
    #[pyo3(get)]
    sentence: Option<Py<PyAny>>,
    /// Paragraph index of each mention in its text (int64), with ``segments=True``.
    #[pyo3(get)]
    paragraph: Option<Py<PyAny>>,
    /// How each mention's entity was chosen (uint16 codes; 0: the span names one entity); see
    /// :meth:`resolved_by_names`.
    #[pyo3(get)]
    resolved_by: Py<PyAny>,
    /// Whether each mention is ambiguous (bool); see :attr:`Mention.ambiguous`.
    #[pyo3(get)]
    ambiguous: Py<PyAny>,
    /// How each span was found (uint8 codes into :meth:`via_names`).
    #[pyo3(get)]
    via: Py<PyAny>,
    /// The gazetteer the entity positions refer to.
    #[pyo3(get)]
    gazetteer: Py<PyGazetteer>,
    /// Threat actors named by a numbering scheme, numbered after the gazetteer's entities, and their numbers in
    /// the gazetteer (see `Gazetteer::entity_at`), which a pickle keeps.
    extra: Vec<crate::gazetteer::Entity>,
    numbers: Vec<u32>,
}

/// The columns of a [`PyMentionTable`], in the order `_mention_table_from_state` takes them.
type Columns = (
    Py<PyAny>,
    Py<PyAny>,
    Py<PyAny>,
    Py<PyAny>,
    Py<PyAny>,
    Option<Py<PyAny>>,
    Option<Py<PyAny>>,
    Py<PyAny>,
    Py<PyAny>,
    Py<PyAny>,
);

/// The length of `a`, a one-dimensional array of `T`.
fn len<T: numpy::Element>(py: Python<'_>, a: &Py<PyAny>) -> PyResult<usize> {
    a.bind(py).extract::<PyReadonlyArray1<'_, T>>()?.len()
}

/// Rebuild a pickled [`PyMentionTable`]: the arrays are checked for their dtypes and one length, and the numbers of
/// the threat actors named by a numbering scheme are looked up again in the gazetteer.
#[pyfunction]
pub fn _mention_table_from_state(
    py: Python<'_>,
    gazetteer: Py<PyGazetteer>,
    n_docs: usize,
    columns: Columns,
    numbers: Vec<u32>,
) -> PyResult<PyMentionTable> {
    let (doc, start, end, entity, alias, sentence, paragraph, resolved_by, ambiguous, via) =
        columns;
    let extra = gazetteer.get().inner.entities_numbered(&numbers)?;
    // Each array's length, read through the dtype the table promises (a wrong dtype is a TypeError).
    let lengths = [
        len::<i64>(py, &doc)?,
        len::<i64>(py, &start)?,
        len::<i64>(py, &end)?,
        len::<i32>(py, &entity)?,
        len::<i32>(py, &alias)?,
        len::<u16>(py, &resolved_by)?,
        len::<bool>(py, &ambiguous)?,
        len::<u8>(py, &via)?,
    ];
    let mut segmented = Vec::new();
    for column in [&sentence, &paragraph].into_iter().flatten() {
        segmented.push(len::<i64>(py, column)?);
    }
    if sentence.is_some() != paragraph.is_some()
        || lengths.iter().chain(&segmented).any(|&n| n != lengths[0])
    {
        return Err(PyValueError::new_err(
            "a MentionTable's columns must have one length (and sentences and paragraphs go together)",
        ));
    }
    let all = [
        &doc,
        &start,
        &end,
        &entity,
        &alias,
        &resolved_by,
        &ambiguous,
        &via,
    ];
    for column in all.into_iter().chain(sentence.iter().chain(&paragraph)) {
        column.bind(py).call_method1("setflags", (false,))?;
    }
    Ok(PyMentionTable {
        len: lengths[0],
        n_docs,
        doc,
        start,
        end,
        entity,
        alias,
        sentence,
        paragraph,
        resolved_by,
        ambiguous,
        via,
        gazetteer,
        extra,
        numbers,
    })
}

#[pymethods]
impl PyMentionTable {
    fn __len__(&self) -> usize {
        self.len
    }

    /// Pickles as its gazetteer, its arrays and the numbers of its pattern-named threat actors.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let rebuild = py
            .import("cybernexus._core")?
            .getattr("_mention_table_from_state")?;
        let c = |a: &Py<PyAny>| a.clone_ref(py);
        let o = |a: &Option<Py<PyAny>>| a.as_ref().map(|a| a.clone_ref(py));
        let columns: Columns = (
            c(&self.doc),
            c(&self.start),
            c(&self.end),
            c(&self.entity),
            c(&self.alias),
            o(&self.sentence),
            o(&self.paragraph),
            c(&self.resolved_by),
            c(&self.ambiguous),
            c(&self.via),
        );
        let state = (
            self.gazetteer.clone_ref(py),
            self.n_docs,
            columns,
            self.numbers.clone(),
        );
        Ok((rebuild, state.into_pyobject(py)?))
    }

    fn __repr__(&self) -> String {
        format!(
            "<MentionTable: {} mentions in {} texts>",
            self.len, self.n_docs
        )
    }

    /// HTML for Jupyter: the size, mentions by kind and the first rows.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        super::gazetteer::display(slf.py(), "mention_table_html")?.call1((slf,))
    }

    /// The labels of the :attr:`resolved_by` codes: ``labels[code]`` (``None`` for 0, nothing chosen).
    #[staticmethod]
    fn resolved_by_names() -> Vec<Option<&'static str>> {
        Resolution::labels()
    }

    /// Labels of every entity position in :attr:`entity`: the gazetteer's entities, then the threat actors named by
    /// a numbering scheme that the table holds (``(ids, kinds, names, alias_offsets, alias_texts, alias_forms)``).
    fn _labels(&self) -> Labels<'_> {
        let own = self.gazetteer.get().inner.entities();
        labels(own.iter().chain(self.extra.iter()))
    }

    /// The label columns ``entity_id, kind, name, alias, form``, each dictionary-encoded over the labels the rows
    /// use: ``(codes, values)`` with ``values[codes[i]]`` row ``i``'s label (int32 codes; distinct values in order
    /// of first use; a ``form`` code of -1 for an alias without one). With ``expand=True`` the ``entity_id, name,
    /// alias`` columns are instead ``(offsets, data)``, Arrow's ``large_string`` buffers (int64 offsets into UTF-8
    /// bytes, as numpy arrays); ``kind`` and ``form`` stay encoded.
    #[pyo3(signature = (*, expand = false))]
    fn _label_columns<'py>(&self, py: Python<'py>, expand: bool) -> PyResult<Bound<'py, PyTuple>> {
        let entity: PyReadonlyArray1<'py, i32> = self.entity.bind(py).extract()?;
        let alias: PyReadonlyArray1<'py, i32> = self.alias.bind(py).extract()?;
        let own = self.gazetteer.get().inner.entities();
        let (entity, alias) = (entity.as_slice()?, alias.as_slice()?);
        // Under the GIL: the positions are borrowed from numpy arrays that Python code could otherwise change.
        let columns = label_columns(entity, alias, own, &self.extra)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let LabelColumns {
            id,
            kind,
            name,
            alias,
            form,
        } = columns;
        let column = |d: Dictionary<'_>, expand: bool| -> PyResult<Bound<'py, PyAny>> {
            if expand {
                let (offsets, data) = py.detach(|| d.expand());
                (offsets.into_pyarray(py), data.into_pyarray(py))
                    .into_pyobject(py)
                    .map(Bound::into_any)
            } else {
                (d.codes.into_pyarray(py), d.values)
                    .into_pyobject(py)
                    .map(Bound::into_any)
            }
        };
        PyTuple::new(
            py,
            [
                column(id, expand)?,
                column(kind, false)?,
                column(name, expand)?,
                column(alias, expand)?,
                column(form, false)?,
            ],
        )
    }

    /// The labels of the :attr:`via` codes: ``labels[code]``.
    #[staticmethod]
    fn via_names() -> Vec<&'static str> {
        Via::NAMES.to_vec()
    }

    /// A pandas DataFrame with columns ``doc, start, end, entity_id, kind, name, alias, form, resolved_by,
    /// ambiguous, via`` (plus ``sentence, paragraph`` when segmented, ``id`` first when ``ids`` are given, ``text``
    /// last when the matched ``texts`` are given). The dtypes are the same whether or not the table holds mentions
    /// (int64; categoricals for ``entity_id, kind, resolved_by, via``; pandas' string dtype for ``name, alias,
    /// form, text``; ``id`` as given). ``form`` is the alias's form (``"name"``, ``"adjective"``, ``"acronym"``,
    /// ...; missing for an alias without one), as :attr:`Mention.form`. Needs pandas.
    ///
    /// Args:
    ///     texts: The texts that were matched, to add each mention's text.
    ///     ids: One id per matched text (a list, numpy array, pandas or Arrow column): the ``id`` of each
    ///         mention's document, so that results join back to their source.
    #[pyo3(signature = (texts = None, *, ids = None))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        texts: Option<&Bound<'py, PyAny>>,
        ids: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frames(slf, "mention_table_to_pandas")?.call1((slf, texts, ids))
    }

    /// A pyarrow Table with columns ``doc, start, end`` (int64), ``entity_id, kind, name, alias, form,
    /// resolved_by, via`` (strings; ``form`` null for an alias without one), ``ambiguous`` (bool), plus ``sentence, paragraph`` (int64) when segmented and ``id`` first
    /// when ``ids`` are given. The numeric columns share memory with this table's arrays. Needs pyarrow.
    ///
    /// Args:
    ///     dictionary: Dictionary-encode the string columns (one string per entity, not per row); ``False`` gives
    ///         plain ``string`` columns, which Spark's ``mapInArrow`` and other readers without dictionaries take.
    ///     ids: One id per matched text, as for :meth:`to_pandas`.
    #[pyo3(signature = (*, dictionary = true, ids = None))]
    fn to_arrow<'py>(
        slf: &Bound<'py, Self>,
        dictionary: bool,
        ids: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frames(slf, "mention_table_to_arrow")?.call1((slf, dictionary, ids))
    }

    /// A polars DataFrame with the columns of :meth:`to_arrow` (categoricals, or strings with
    /// ``dictionary=False``). Needs polars.
    #[pyo3(signature = (*, dictionary = true, ids = None))]
    fn to_polars<'py>(
        slf: &Bound<'py, Self>,
        dictionary: bool,
        ids: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frames(slf, "mention_table_to_polars")?.call1((slf, dictionary, ids))
    }
}

/// A conversion function of ``cybernexus._frames``.
fn frames<'py>(slf: &Bound<'py, PyMentionTable>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    slf.py().import("cybernexus._frames")?.getattr(name)
}
