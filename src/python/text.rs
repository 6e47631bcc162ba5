//! Borrowing Python strings as UTF-8 without copying.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use super::errors::{type_error, TextEncodingError};

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
        let py = obj.py();
        let position = err.value(py).getattr("start").and_then(|p| p.extract::<usize>()).ok();
        let at = position.map(|p| format!(" at index {p}")).unwrap_or_default();
        TextEncodingError::new_err(format!(
            "{what} contains a lone surrogate{at}, which has no UTF-8 form; clean the text first (for example \
             text.encode('utf-8', errors='replace').decode('utf-8'))"
        ))
    })
}

/// Collect the strings of an iterable (not a single `str`), checking each item.
pub(crate) fn collect_strs<'py>(
    texts: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if texts.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be an iterable of str, got a single str (use find() for one text, or wrap it in a list)"
        )));
    }
    if texts.is_instance_of::<PyBytes>() || texts.is_none() {
        return Err(type_error(what, "an iterable of str", texts));
    }
    let iter = texts
        .try_iter()
        .map_err(|_| type_error(what, "an iterable of str", texts))?;
    let mut items = Vec::with_capacity(texts.len().unwrap_or(0));
    for (i, item) in iter.enumerate() {
        let item = item?;
        if !item.is_instance_of::<PyString>() {
            borrow_str(&item, &format!("{what}[{i}]"))?;
        }
        items.push(item);
    }
    Ok(items)
}

/// Borrow every collected string; see [`borrow_str`].
pub(crate) fn borrow_all<'a>(items: &'a [Bound<'_, PyAny>], what: &str) -> PyResult<Vec<&'a str>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| borrow_str(item, &format!("{what}[{i}]")))
        .collect()
}
