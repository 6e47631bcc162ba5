//! `Entity` and `Gazetteer`: conversion between Python records and the core's types.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple, PyType};

use super::errors::{type_error, type_name};
use super::text::{borrow_str, surrogate};
use crate::gazetteer::{
    read_parts, read_record, Entity, Gazetteer, OnConflict, RecordValue, Shape, TypeNames,
};

/// A Python object as a value of a gazetteer record: the core's [`read_record`] decides what is valid and words
/// the errors; this only reports shapes in Python's names for types.
struct PyValue<'py>(Bound<'py, PyAny>);

impl<'py> RecordValue for PyValue<'py> {
    type Error = PyErr;
    const NAMES: TypeNames = TypeNames {
        record: "a dict",
        string: "str",
        boolean: "a bool",
        aliases: "a list of str or dict",
        alias: "a str or a dict",
        attrs: "a dict of str to str",
        number_hint: " (convert numbers with str())",
    };

    fn type_name(&self) -> String {
        type_name(&self.0)
    }

    fn shape(&self) -> PyResult<Shape<Self>> {
        let obj = &self.0;
        Ok(if obj.is_none() {
            Shape::Null
        } else if let Ok(s) = obj.cast::<PyString>() {
            Shape::Str(
                s.to_str()
                    .map(str::to_owned)
                    .map_err(|e| surrogate(obj.py(), &e)),
            )
        } else if let Ok(b) = obj.cast::<PyBool>() {
            Shape::Bool(b.is_true())
        } else if let Ok(dict) = obj.cast::<PyDict>() {
            let key = |k: &Bound<'py, PyAny>| match k.cast::<PyString>() {
                Ok(s) => s
                    .to_str()
                    .map(str::to_owned)
                    .map_err(|_| "str with a lone surrogate".into()),
                Err(_) => Err(type_name(k)),
            };
            Shape::Map(dict.iter().map(|(k, v)| (key(&k), PyValue(v))).collect())
        } else if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
            Shape::Other
        } else if let Ok(iter) = obj.try_iter() {
            Shape::List(
                iter.map(|item| item.map(PyValue))
                    .collect::<PyResult<_>>()?,
            )
        } else {
            Shape::Other
        })
    }
}

fn string_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    borrow_str(obj, what).map(str::to_owned)
}

/// `repr(s)` as Python writes it.
pub(crate) fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s)
        .repr()
        .map_or_else(|_| format!("{s:?}"), |r| r.to_string())
}

/// A `str` or an iterable of `str` (not bytes), as a list.
fn strings(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() {
        return Ok(vec![string_of(obj, what)?]);
    }
    // Bytes iterate as ints and a dict as its keys: neither is a list of names.
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyDict>() {
        return Err(type_error(what, "a str or an iterable of str", obj));
    }
    let iter = obj
        .try_iter()
        .map_err(|_| type_error(what, "a str or an iterable of str", obj))?;
    iter.enumerate()
        .map(|(i, item)| string_of(&item?, &format!("{what}[{i}]")))
        .collect()
}

/// What `_labels` returns: `(ids, kinds, names, alias_offsets, alias_texts, alias_forms)`.
pub(crate) type Labels<'a> = (
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<usize>,
    Vec<&'a str>,
    Vec<Option<&'a str>>,
);

/// Labels for columnar results over `entities`, in order (see `Gazetteer._labels`).
pub(crate) fn labels<'a>(entities: impl IntoIterator<Item = &'a Entity> + Clone) -> Labels<'a> {
    let mut offsets = Vec::new();
    let (mut texts, mut forms) = (Vec::new(), Vec::new());
    let (mut ids, mut kinds, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for e in entities {
        offsets.push(texts.len());
        texts.extend(e.aliases.iter().map(|a| a.text.as_str()));
        forms.extend(e.aliases.iter().map(|a| a.form.as_deref()));
        ids.push(e.id.as_str());
        kinds.push(e.kind.as_str());
        names.push(e.name.as_str());
    }
    offsets.push(texts.len());
    (ids, kinds, names, offsets, texts, forms)
}

fn entity_to_dict<'py>(py: Python<'py>, entity: &Entity) -> PyResult<Bound<'py, PyDict>> {
    let record = PyDict::new(py);
    record.set_item("id", &entity.id)?;
    record.set_item("kind", &entity.kind)?;
    record.set_item("name", &entity.name)?;
    let aliases = PyList::empty(py);
    for alias in &entity.aliases {
        let spec = PyDict::new(py);
        spec.set_item("text", &alias.text)?;
        spec.set_item("case", alias.case.as_str())?;
        spec.set_item("form", alias.form.as_deref())?;
        if alias.needs_support {
            spec.set_item("needs_support", true)?;
        }
        aliases.append(spec)?;
    }
    record.set_item("aliases", aliases)?;
    record.set_item("attrs", entity.attrs.clone())?;
    Ok(record)
}

/// A named thing the matcher finds: a country, an agency, a threat actor, or a kind of your own.
///
/// Entities are immutable values. The canonical name is always one of the aliases.
///
/// Args:
///     id: Stable id, unique in its gazetteer (``"country:RU"``, ``"threat_actor:apt28"``).
///     kind: ``"country"``, ``"agency"``, ``"threat_actor"`` or any kind of your own.
///     name: Canonical name.
///     aliases: Other names: plain strings (case policy ``"auto"``) or dicts ``{"text", "case", "form"}``.
///     attrs: String attributes.
#[pyclass(frozen, eq, hash, module = "cybernexus._core", name = "Entity")]
#[derive(PartialEq, Eq, Hash)]
pub struct PyEntity {
    pub(crate) inner: Entity,
}

#[pymethods]
impl PyEntity {
    #[new]
    #[pyo3(signature = (id, kind, name, aliases = None, attrs = None))]
    fn py_new(
        id: &Bound<'_, PyAny>,
        kind: &Bound<'_, PyAny>,
        name: &Bound<'_, PyAny>,
        aliases: Option<&Bound<'_, PyAny>>,
        attrs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        fn part<'py>(obj: &Bound<'py, PyAny>) -> PyValue<'py> {
            PyValue(obj.clone())
        }
        let (aliases, attrs) = (aliases.map(part), attrs.map(part));
        let record = read_parts(
            None,
            &part(id),
            &part(kind),
            &part(name),
            aliases.as_ref(),
            attrs.as_ref(),
        )?;
        let inner = record.into_lone_entity()?;
        Ok(PyEntity { inner })
    }

    /// Stable id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Kind (``"country"``, ``"agency"``, ``"threat_actor"``, ...).
    #[getter]
    fn kind(&self) -> &str {
        &self.inner.kind
    }

    /// Canonical name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// Alias strings, the canonical name included.
    #[getter]
    fn aliases(&self) -> Vec<&str> {
        self.inner.aliases.iter().map(|a| a.text.as_str()).collect()
    }

    /// String attributes (a new dict on every access).
    #[getter]
    fn attrs(&self) -> BTreeMap<String, String> {
        self.inner.attrs.clone()
    }

    /// HTML for Jupyter: name, kind, aliases by form, attributes and catalogue links.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        display(slf.py(), "entity_html")?.call1((slf,))
    }

    /// The entity as a record dict, with every alias as ``{"text", "case", "form"}`` (case policies resolved).
    fn to_record<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        entity_to_dict(py, &self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Entity(id={}, kind={}, name={}, aliases={})",
            py_repr(py, &self.inner.id),
            py_repr(py, &self.inner.kind),
            py_repr(py, &self.inner.name),
            self.inner.aliases.len()
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        // The constructor's arguments are the record's values, in order.
        let record = entity_to_dict(py, &slf.get().inner)?;
        let args = PyTuple::new(py, record.values())?;
        Ok((slf.get_type(), args))
    }
}

/// An immutable collection of entities with unique ids, indexed by alias.
///
/// Build one with :meth:`from_records`, :meth:`from_json` or :meth:`from_csv`; combine two with :meth:`merge`.
/// ``len(g)`` is the number of entities, iterating yields :class:`Entity` values in order, ``id in g`` tests an
/// id and ``g[id]`` (or :meth:`entity`) returns one.
#[pyclass(frozen, module = "cybernexus._core", name = "Gazetteer")]
pub struct PyGazetteer {
    pub(crate) inner: Arc<Gazetteer>,
}

impl From<Gazetteer> for PyGazetteer {
    fn from(gazetteer: Gazetteer) -> PyGazetteer {
        PyGazetteer {
            inner: Arc::new(gazetteer),
        }
    }
}

/// The built-in gazetteer ([`Gazetteer::builtin`]) as one Python object per value of `capitals`, so that
/// `Gazetteer.builtin() is Gazetteer.builtin()`.
pub(crate) fn builtin(py: Python<'_>, capitals: bool) -> PyResult<Py<PyGazetteer>> {
    static CACHE: [PyOnceLock<Py<PyGazetteer>>; 2] = [PyOnceLock::new(), PyOnceLock::new()];
    CACHE[usize::from(capitals)]
        .get_or_try_init(py, || {
            let inner = py.detach(|| Gazetteer::builtin(capitals))?;
            Py::new(py, PyGazetteer { inner })
        })
        .map(|g| g.clone_ref(py))
}

impl PyGazetteer {
    fn entity_obj(&self, i: u32) -> PyEntity {
        PyEntity {
            inner: self.inner.entities()[i as usize].clone(),
        }
    }

    fn find_id(&self, id: &Bound<'_, PyAny>) -> PyResult<u32> {
        let key = string_of(id, "id")?;
        Ok(self
            .inner
            .index_of(&key)
            .ok_or(crate::Error::UnknownId(key))?)
    }
}

#[pymethods]
impl PyGazetteer {
    #[new]
    #[pyo3(signature = (records = None, /))]
    fn py_new(py: Python<'_>, records: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        match records {
            None => Ok(Gazetteer::new(Vec::new())?.into()),
            Some(records) => Self::from_records(py, records),
        }
    }

    /// Build a gazetteer from an iterable of record dicts.
    ///
    /// A record is ``{"id": str, "kind": str, "name": str, "aliases": [...], "attrs": {str: str}}``; ``aliases``
    /// and ``attrs`` are optional. An alias is a string, whose case policy is ``"auto"`` (exact for acronyms such
    /// as ``"US"`` or ``"APT28"``, case-insensitive otherwise), or a dict ``{"text": str, "case": "auto" |
    /// "insensitive" | "exact" | "upper_first", "form": str}``.
    ///
    /// Raises:
    ///     TypeError: a record or one of its values has the wrong type.
    ///     GazetteerError: a record is invalid (unknown key, empty id or alias, duplicate id, unknown policy).
    #[staticmethod]
    fn from_records(py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Self> {
        if records.is_instance_of::<PyString>()
            || records.is_instance_of::<PyDict>()
            || records.is_none()
        {
            return Err(type_error("records", "an iterable of dicts", records));
        }
        let iter = records
            .try_iter()
            .map_err(|_| type_error("records", "an iterable of dicts", records))?;
        let raw = iter
            .enumerate()
            .map(|(i, item)| read_record(Some(i), &PyValue(item?)))
            .collect::<PyResult<Vec<_>>>()?;
        let gazetteer = py.detach(|| Gazetteer::from_records(raw))?;
        Ok(gazetteer.into())
    }

    /// Read a JSON file: a list of records (see :meth:`from_records`), or an object with an ``"entities"`` list.
    ///
    /// Raises:
    ///     FileNotFoundError: the file does not exist.
    ///     GazetteerError: the file is not valid UTF-8 or JSON, or a record is invalid; the message names the file
    ///         and the line or record.
    #[staticmethod]
    fn from_json(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Ok(py.detach(|| Gazetteer::from_json(&path))?.into())
    }

    /// Read a CSV file with a header naming at least ``id``, ``kind`` and ``name``.
    ///
    /// An optional ``aliases`` column holds aliases separated by ``|``; every other column becomes an attribute
    /// (empty cells are left out).
    ///
    /// Raises:
    ///     FileNotFoundError: the file does not exist.
    ///     GazetteerError: the file is not valid UTF-8 or CSV, or a row is invalid; the message names the line.
    #[staticmethod]
    fn from_csv(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Ok(py.detach(|| Gazetteer::from_csv(&path))?.into())
    }

    /// The entity with this id.
    ///
    /// Raises:
    ///     KeyError: no entity has this id.
    fn entity(&self, id: &Bound<'_, PyAny>) -> PyResult<PyEntity> {
        Ok(self.entity_obj(self.find_id(id)?))
    }

    fn __getitem__(&self, id: &Bound<'_, PyAny>) -> PyResult<PyEntity> {
        self.entity(id)
    }

    fn __contains__(&self, id: &Bound<'_, PyAny>) -> bool {
        id.extract::<&str>()
            .is_ok_and(|id| self.inner.index_of(id).is_some())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Equal to a gazetteer with the same entities in the same order (ids, kinds, names, aliases with their
    /// policies and forms, attributes), however each was built.
    fn __eq__(&self, other: &Bound<'_, PyGazetteer>) -> bool {
        *self.inner == *other.get().inner
    }

    /// The fingerprint of the entities (see :meth:`__eq__`): equal gazetteers hash alike.
    fn __hash__(&self) -> u64 {
        self.inner.fingerprint()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let entities = PyList::new(py, (0..self.inner.len() as u32).map(|i| self.entity_obj(i)))?;
        Ok(entities.try_iter()?.into_any())
    }

    /// The entity ids, in order.
    #[getter]
    fn ids(&self) -> Vec<&str> {
        self.inner
            .entities()
            .iter()
            .map(|e| e.id.as_str())
            .collect()
    }

    /// The entities that ``alias``, taken as a whole text, names (in gazetteer order).
    ///
    /// Comparison is the matcher's: white space and typography are normalised and each alias's case policy applies,
    /// so ``lookup("fancy  bear")`` finds APT28 while ``lookup("us")`` does not find the United States when
    /// ``"US"`` is an exact alias.
    fn lookup(&self, alias: &Bound<'_, PyAny>) -> PyResult<Vec<PyEntity>> {
        let text = string_of(alias, "alias")?;
        Ok(self
            .inner
            .lookup(&text)
            .into_iter()
            .map(|i| self.entity_obj(i))
            .collect())
    }

    /// A new gazetteer with this one's entities followed by the other's new ones.
    ///
    /// Args:
    ///     other: The gazetteer to add.
    ///     on_conflict: What to do with an id both define: ``"union"`` (default) keeps this one's kind and name
    ///         (the kinds must agree), adds the other's missing aliases and lets its attribute values win;
    ///         ``"replace"`` takes the other's entity; ``"keep"`` keeps this one's; ``"error"`` raises.
    ///
    /// Raises:
    ///     GazetteerError: a conflict that ``on_conflict`` does not allow.
    #[pyo3(signature = (other, /, *, on_conflict = "union"))]
    fn merge(&self, py: Python<'_>, other: &Bound<'_, PyAny>, on_conflict: &str) -> PyResult<Self> {
        let other = other
            .cast::<PyGazetteer>()
            .map_err(|_| type_error("other", "a Gazetteer", other))?;
        let rule = OnConflict::parse(on_conflict)?;
        let other = Arc::clone(&other.get().inner);
        let merged = py.detach(|| self.inner.merge(&other, rule))?;
        Ok(merged.into())
    }

    /// Every entity as a record dict (see :meth:`Entity.to_record`); ``Gazetteer.from_records`` reads it back.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .entities()
            .iter()
            .map(|e| entity_to_dict(py, e))
            .collect()
    }

    /// The built-in gazetteer: every country, the agencies and alliance bodies of the field, and the known threat
    /// actors (see ``data/`` in the source repository for sources, rules and licences).
    ///
    /// Args:
    ///     capitals: Also match capitals and metonyms as their state ("Moscow said", "the Kremlin"); such mentions
    ///         carry ``form="capital"`` or ``form="metonym"``. Off by default.
    ///
    /// The file is read once per process and the result cached; gazetteers are immutable, so sharing is safe.
    #[staticmethod]
    #[pyo3(signature = (*, capitals = false))]
    fn builtin(py: Python<'_>, capitals: bool) -> PyResult<Py<PyGazetteer>> {
        builtin(py, capitals)
    }

    /// HTML for Jupyter: entities and aliases by kind and by source.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        display(slf.py(), "gazetteer_html")?.call1((slf,))
    }

    /// Counts for inspection: ``{"entities", "aliases", "by_kind": {kind: n}, "by_source": {source: n}}``.
    ///
    /// Sources are the names in each entity's ``sources`` attribute (``misp-threat-actor``, ``cldr``,
    /// ``curated``, ...); an entity drawn from several sources counts for each.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.inner.stats();
        let out = PyDict::new(py);
        out.set_item("entities", stats.entities)?;
        out.set_item("aliases", stats.aliases)?;
        out.set_item("by_kind", stats.by_kind)?;
        out.set_item("by_source", stats.by_source)?;
        Ok(out)
    }

    /// A new gazetteer with the entities of the given kinds and countries (both optional).
    ///
    /// Args:
    ///     kind: A kind or an iterable of kinds (``"country"``, ``"agency"``, ``"threat_actor"``, ...).
    ///     country: An ISO 3166-1 alpha-2 code or an iterable of them: a country's own code, an agency's
    ///         ``country`` attribute or a threat actor's ``sponsor``.
    #[pyo3(signature = (*, kind = None, country = None))]
    fn filter(
        &self,
        py: Python<'_>,
        kind: Option<&Bound<'_, PyAny>>,
        country: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let kinds = kind.map(|k| strings(k, "kind")).transpose()?;
        let countries = country.map(|c| strings(c, "country")).transpose()?;
        let filtered = py.detach(|| self.inner.filter(kinds.as_deref(), countries.as_deref()))?;
        Ok(PyGazetteer::from(filtered))
    }

    /// A new gazetteer without the entities with these ids.
    ///
    /// Raises:
    ///     KeyError: an id is not in the gazetteer (so that a typo does not pass silently).
    #[pyo3(signature = (ids, /))]
    fn without(&self, py: Python<'_>, ids: &Bound<'_, PyAny>) -> PyResult<Self> {
        let ids = strings(ids, "ids")?;
        let filtered = py.detach(|| self.inner.without(&ids))?;
        Ok(PyGazetteer::from(filtered))
    }

    /// A new gazetteer without some aliases.
    ///
    /// Args:
    ///     aliases: Alias texts to remove (compared as the matcher compares: case, white space and typography
    ///         folded), or ``None``.
    ///     forms: Alias forms to remove (``"adjective"``, ``"capital"``, ...), or ``None``.
    ///     entities: Only remove aliases from these entity ids (default: from every entity).
    ///
    /// An entity may be left without aliases: it keeps its id but is never matched.
    ///
    /// Raises:
    ///     KeyError: an id of ``entities`` is not in the gazetteer.
    ///     ValueError: no alias has a form of ``forms``, here or in the built-in gazetteer (a typo, most often).
    #[pyo3(signature = (aliases = None, /, *, forms = None, entities = None))]
    fn without_aliases(
        &self,
        py: Python<'_>,
        aliases: Option<&Bound<'_, PyAny>>,
        forms: Option<&Bound<'_, PyAny>>,
        entities: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let aliases = aliases.map(|a| strings(a, "aliases")).transpose()?;
        let forms = forms.map(|f| strings(f, "forms")).transpose()?;
        let only = entities.map(|e| strings(e, "entities")).transpose()?;
        let filtered = py.detach(|| {
            self.inner.without_aliases(
                aliases.as_deref().unwrap_or_default(),
                forms.as_deref().unwrap_or_default(),
                only.as_deref(),
            )
        })?;
        Ok(PyGazetteer::from(filtered))
    }

    /// Entities whose name or an alias contains ``query`` (case, white space and typography folded), best match
    /// first: exact name, exact alias, the query as whole words of the name, then of an alias (``"bear"`` in
    /// ``"Fancy Bear"``, not in ``"Bearlyfy"``), name prefix, alias prefix, then containment; ties keep gazetteer
    /// order.
    ///
    /// Args:
    ///     query: Part of a name, e.g. ``"bear"``.
    ///     kind: Only entities of this kind (or kinds).
    ///     limit: At most this many results.
    ///     with_alias: Return ``(entity, alias)`` pairs: the alias that matched, as the gazetteer writes it.
    ///
    /// Raises:
    ///     ValueError: no entity has a kind of ``kind``, or ``limit`` is below 0.
    #[pyo3(signature = (query, /, *, kind = None, limit = None, with_alias = false))]
    fn search<'py>(
        &self,
        py: Python<'py>,
        query: &Bound<'py, PyAny>,
        kind: Option<&Bound<'py, PyAny>>,
        limit: Option<&Bound<'py, PyAny>>,
        with_alias: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let query = string_of(query, "query")?;
        let limit = super::args::limit(limit, "limit")?;
        let kinds = kind.map(|k| strings(k, "kind")).transpose()?;
        let hits = self.inner.search(&query, kinds.as_deref(), limit)?;
        let items = hits
            .into_iter()
            .map(|(i, alias)| {
                let entity = Bound::new(py, self.entity_obj(i))?.into_any();
                if !with_alias {
                    return Ok(entity);
                }
                let text = &self.inner.entities()[i as usize].aliases[alias as usize].text;
                PyTuple::new(py, [entity, super::text::new_str(py, text)?.into_any()])
                    .map(Bound::into_any)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// Labels for columnar results: ``(ids, kinds, names, alias_offsets, alias_texts, alias_forms)``; the aliases
    /// of entity ``i`` are ``alias_texts[alias_offsets[i]:alias_offsets[i + 1]]``, their forms (``None`` for none)
    /// at the same positions of ``alias_forms``.
    #[allow(clippy::type_complexity)]
    fn _labels(&self) -> Labels<'_> {
        labels(self.inner.entities())
    }

    fn __repr__(&self) -> String {
        self.inner.to_string()
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let rebuild = py
            .import("cybernexus._core")?
            .getattr("_gazetteer_from_bytes")?;
        Ok((rebuild, (PyBytes::new(py, &self.inner.to_bytes()),)))
    }
}

/// Rebuild a pickled gazetteer.
#[pyfunction]
pub fn _gazetteer_from_bytes(py: Python<'_>, state: &[u8]) -> PyResult<PyGazetteer> {
    let gazetteer = py.detach(|| Gazetteer::from_bytes(state))?;
    Ok(gazetteer.into())
}

/// A function of ``cybernexus.display``, which writes the HTML views.
pub(crate) fn display<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("cybernexus.display")?.getattr(name)
}
