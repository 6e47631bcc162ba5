//! Borrowing Python strings as UTF-8 without copying.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use super::arrow::{import, is_arrow, Imported, StringColumn};
use super::errors::{type_error, TextEncodingError};

/// The documents of a call: Python `str` objects, or an Arrow string column read in place.
pub(crate) enum Texts<'py> {
    Objects(Vec<Bound<'py, PyAny>>),
    Arrow(StringColumn),
}

impl<'py> Texts<'py> {
    /// Read `texts`: an Arrow string column (anything with `__arrow_c_stream__` or `__arrow_c_array__`: pyarrow,
    /// polars, pandas, ...) without one Python object per document, or else any iterable of `str`.
    ///
    /// An object that offers Arrow but cannot export it (a pandas Series without pyarrow, or of objects that are
    /// not all strings) is iterated instead, so that the error names the bad item.
    pub(crate) fn extract(texts: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        if !texts.is_instance_of::<PyString>() && is_arrow(texts) {
            if let Imported::Column(column) = import(texts, what)? {
                return Ok(Self::Arrow(column));
            }
        }
        collect_strs(texts, what).map(Self::Objects)
    }

    /// Borrow every document as UTF-8 (an Arrow column is checked with the interpreter detached).
    pub(crate) fn strs(&self, py: Python<'_>, what: &str) -> PyResult<Vec<&str>> {
        match self {
            Self::Objects(items) => borrow_all(items, what),
            Self::Arrow(column) => Ok(py.detach(|| column.strs(what))?),
        }
    }
}

/// Borrow `obj` as a `&str`. `what` names the argument in error messages (`text`, `texts[3]`).
///
/// For an ASCII string CPython hands out its own buffer; otherwise it builds (and caches on the object) a UTF-8
/// copy. A string with a lone surrogate has no UTF-8 form and raises `TextEncodingError` with its position.
pub(crate) fn borrow_str<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a str> {
    let Ok(s) = obj.cast::<PyString>() else {
        if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "{what} must be str, got bytes: decode it first (for example data.decode('utf-8', errors='replace'))"
            )));
        }
        return Err(type_error(what, "str", obj));
    };
    s.to_str().map_err(|err| {
        // Building the UTF-8 copy can also fail for want of memory: that is a MemoryError, not a bad text.
        if err.is_instance_of::<pyo3::exceptions::PyUnicodeEncodeError>(obj.py()) {
            TextEncodingError::new_err(format!("{what} {}", surrogate(obj.py(), &err)))
        } else {
            err
        }
    })
}

/// Why a `str` has no UTF-8 form, from the error `PyString::to_str` raised: `contains a lone surrogate at index 5,
/// which has no UTF-8 form; ...`.
pub(crate) fn surrogate(py: Python<'_>, err: &PyErr) -> String {
    let position = err
        .value(py)
        .getattr("start")
        .and_then(|p| p.extract::<usize>())
        .ok();
    let at = position
        .map(|p| format!(" at index {p}"))
        .unwrap_or_default();
    format!(
        "contains a lone surrogate{at}, which has no UTF-8 form; clean the text first (for example \
         text.encode('utf-8', errors='replace').decode('utf-8'))"
    )
}

/// The most items [`collect_strs`] reserves room for before it has seen them.
const MAX_PREALLOCATED: usize = 1 << 16;

/// Collect the items of an iterable of strings (not a single `str`); [`borrow_all`] then checks each item, once.
fn collect_strs<'py>(texts: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if texts.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be an iterable of str, got a single str (use find() for one text, or wrap it in a list)"
        )));
    }
    if texts.is_instance_of::<PyBytes>() || texts.is_none() {
        return Err(type_error(what, "an iterable of str", texts));
    }
    if texts.is_instance_of::<pyo3::types::PyDict>() {
        // Iterating a dict gives its keys: matching those instead of the texts would pass silently.
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be an iterable of str, got dict (pass its values: d.values())"
        )));
    }
    let iter = texts
        .try_iter()
        .map_err(|_| type_error(what, "an iterable of str", texts))?;
    // `__len__` is only a hint: an object may claim 10**11 items (or 2**62, which overflows a capacity) and hold
    // three, so the vector grows from a bounded start instead of trusting it.
    let mut items = Vec::with_capacity(texts.len().unwrap_or(0).min(MAX_PREALLOCATED));
    for item in iter {
        items.push(item?);
    }
    Ok(items)
}

/// Borrow every collected string; see [`borrow_str`].
fn borrow_all<'a>(items: &'a [Bound<'_, PyAny>], what: &str) -> PyResult<Vec<&'a str>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| borrow_str(item, &format!("{what}[{i}]")))
        .collect()
}

// Making Python objects where a failed allocation must be a `MemoryError`: pyo3's `PyString::new`,
// `PyString::intern` and `PyList::new` panic when CPython returns NULL (a `PanicException`, which `except
// Exception` does not catch), and the mentions of one large call are millions of such objects.

/// A new `str` holding `s`, or the `MemoryError` CPython raised.
pub(crate) fn new_str<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyString>> {
    // A `&str` is at most isize::MAX bytes, so its length fits in Py_ssize_t.
    #[allow(clippy::cast_possible_wrap)]
    let len = s.len() as pyo3::ffi::Py_ssize_t;
    // Safety: `s` is valid UTF-8 of `len` bytes, the interpreter is attached (`py`), and the pointer returned is a
    // new reference (or NULL with an exception set, which `from_owned_ptr_or_err` turns into the error).
    unsafe {
        let ptr = pyo3::ffi::PyUnicode_FromStringAndSize(s.as_ptr().cast(), len);
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.cast_into_unchecked())
    }
}

/// [`new_str`], interned (one shared object per distinct text, as `sys.intern`).
pub(crate) fn intern_str<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyString>> {
    let fresh = new_str(py, s)?;
    let mut ptr = fresh.into_ptr();
    // Safety: `ptr` is a new, owned reference to an exact `str`; `PyUnicode_InternInPlace` may replace it with the
    // interned object (dropping our reference and handing us a new one), and never makes it NULL.
    unsafe {
        pyo3::ffi::PyUnicode_InternInPlace(&raw mut ptr);
        Ok(Bound::from_owned_ptr(py, ptr).cast_into_unchecked())
    }
}

/// A list of `items`, or the `MemoryError` CPython raised.
pub(crate) fn new_list<'py, T>(
    py: Python<'py>,
    items: Vec<Bound<'py, T>>,
) -> PyResult<Bound<'py, pyo3::types::PyList>> {
    // A vector's length is at most isize::MAX.
    #[allow(clippy::cast_possible_wrap)]
    let len = items.len() as pyo3::ffi::Py_ssize_t;
    // Safety: a new list of `len` empty slots (or NULL with an exception set), attached to the interpreter; each slot
    // is filled once, in range, with a reference `into_ptr` gives up, which `PyList_SetItem` steals.
    unsafe {
        let list = Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyList_New(len))?;
        for (i, item) in items.into_iter().enumerate() {
            #[allow(clippy::cast_possible_wrap)]
            pyo3::ffi::PyList_SetItem(list.as_ptr(), i as pyo3::ffi::Py_ssize_t, item.into_ptr());
        }
        Ok(list.cast_into_unchecked())
    }
}
