//! Python arguments that are not plain strings or booleans, read once into core types with one error style:
//! `TypeError` for a wrong type (naming what was expected and what came), `ValueError` for a wrong value (the core's
//! [`crate::Error::InvalidArgument`]). Options given by name (`overlaps`, `resolve`, `scope`, `on_conflict`) are
//! parsed by the core types themselves (`Overlaps::parse`, ...), so their rules and messages live in one place.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

use super::errors::type_error;

/// An optional Python `int` (never a `bool`, which Python counts as an int): `None` stays `None`. `expected` is
/// how the `TypeError` names what the argument takes.
fn optional_int(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
    expected: &str,
) -> PyResult<Option<i64>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(what, expected, obj));
    }
    if let Ok(n) = obj.extract::<i64>() {
        return Ok(Some(n));
    }
    if obj.is_instance_of::<PyInt>() {
        // An int beyond 64 bits: too large (or small) for any count, which the range check then says.
        return Ok(Some(if obj.gt(0)? { i64::MAX } else { i64::MIN }));
    }
    Err(type_error(what, expected, obj))
}

/// A thread count: `None` (every core) or an int of at least 1 that the thread pool accepts.
pub(crate) fn threads(n_threads: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(n) = optional_int(n_threads, "n_threads", "an int or None")? else {
        return Ok(None);
    };
    let n = usize::try_from(n).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "n_threads must be at least 1 (or None for all cores), got {n}"
        ))
    })?;
    crate::parallel::check_threads(Some(n))?;
    Ok(Some(n))
}

/// The `window` of a co-occurrence scope, as an int for [`crate::cooccurrence::Scope::parse`] to check.
pub(crate) fn window(window: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    optional_int(window, "window", "an int")
}

/// A count such as `limit`: `None`, or an int of at least 0; an int beyond any count (10**30) is as good as no limit.
pub(crate) fn limit(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<usize>> {
    let Some(n) = optional_int(obj, what, "an int or None")? else {
        return Ok(None);
    };
    if n < 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "{what} must be at least 0, got {n}"
        )));
    }
    Ok(Some(usize::try_from(n).unwrap_or(usize::MAX)))
}
