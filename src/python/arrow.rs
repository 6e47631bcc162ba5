//! Arrow string columns in, through the Arrow PyCapsule interface (`__arrow_c_stream__` / `__arrow_c_array__`):
//! this module only takes the C data interface's structs out of their capsules; [`crate::arrow`] reads them.

use std::ffi::CStr;
use std::ptr::{self, NonNull};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

pub(crate) use crate::arrow::StringColumn;
use crate::arrow::{ArrowArray, ArrowArrayStream, ArrowSchema};

/// `obj` offers Arrow data (`__arrow_c_stream__` or `__arrow_c_array__`).
pub(crate) fn is_arrow(obj: &Bound<'_, PyAny>) -> bool {
    obj.hasattr(pyo3::intern!(obj.py(), "__arrow_c_stream__"))
        .unwrap_or(false)
        || obj
            .hasattr(pyo3::intern!(obj.py(), "__arrow_c_array__"))
            .unwrap_or(false)
}

/// Move the struct a capsule points to out of it, leaving a released (no-op) struct behind, as the PyCapsule
/// interface asks of a consumer. A capsule that was consumed already (its struct released: a producer that hands
/// out the same capsule twice) is refused: its pointers refer to memory its first consumer may have freed.
///
/// # Safety
/// `capsule` must hold a `T` under `name`; `live` must read its `release` member and `released` reset it.
unsafe fn take<T>(
    capsule: &Bound<'_, PyAny>,
    name: &CStr,
    what: &str,
    live: impl FnOnce(&T) -> bool,
    released: impl FnOnce(&mut T),
) -> PyResult<Box<T>> {
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: the Arrow export did not return a PyCapsule"
        ))
    })?;
    let pointer: NonNull<T> = capsule
        .pointer_checked(Some(name))
        .map_err(|_| {
            PyTypeError::new_err(format!("{what}: expected an Arrow capsule named {name:?}"))
        })?
        .cast();
    // SAFETY: per the caller, the capsule holds a `T`.
    if !live(unsafe { pointer.as_ref() }) {
        return Err(PyValueError::new_err(format!(
            "{what}: the Arrow capsule was consumed already (released); export the data again"
        )));
    }
    // SAFETY: the `T` is live; we copy it out and mark the original released so the capsule's destructor does
    // nothing.
    unsafe {
        let value = Box::new(ptr::read(pointer.as_ptr()));
        released(&mut *pointer.as_ptr());
        Ok(value)
    }
}

fn take_schema(capsule: &Bound<'_, PyAny>, what: &str) -> PyResult<Box<ArrowSchema>> {
    // SAFETY: an "arrow_schema" capsule holds an ArrowSchema.
    unsafe {
        take::<ArrowSchema>(
            capsule,
            c"arrow_schema",
            what,
            ArrowSchema::is_live,
            ArrowSchema::mark_moved,
        )
    }
}

fn take_array(capsule: &Bound<'_, PyAny>, what: &str) -> PyResult<Box<ArrowArray>> {
    // SAFETY: an "arrow_array" capsule holds an ArrowArray.
    unsafe {
        take::<ArrowArray>(
            capsule,
            c"arrow_array",
            what,
            ArrowArray::is_live,
            ArrowArray::mark_moved,
        )
    }
}

/// What [`import`] made of an object that offers Arrow.
pub(crate) enum Imported {
    Column(StringColumn),
    /// The object's own export failed with an `ImportError` (a pandas Series without pyarrow), a `TypeError` or a
    /// `ValueError` (pyarrow's `ArrowTypeError` and `ArrowInvalid`: an object column holding a non-string), so the
    /// caller reads it as an iterable instead, which names the bad item.
    Refused,
}

/// Import `obj` (which [`is_arrow`]) as a string column. `what` names the argument in messages.
pub(crate) fn import(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Imported> {
    let py = obj.py();
    let refused = |err: PyErr| {
        let refused = err.is_instance_of::<pyo3::exceptions::PyImportError>(py)
            || err.is_instance_of::<PyTypeError>(py)
            || err.is_instance_of::<pyo3::exceptions::PyValueError>(py);
        if refused {
            Ok(Imported::Refused)
        } else {
            Err(err)
        }
    };
    if obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))? {
        let capsule = match obj.call_method0(pyo3::intern!(py, "__arrow_c_stream__")) {
            Ok(capsule) => capsule,
            Err(err) => return refused(err),
        };
        // SAFETY: an "arrow_array_stream" capsule holds an ArrowArrayStream.
        let stream = unsafe {
            take::<ArrowArrayStream>(
                &capsule,
                c"arrow_array_stream",
                what,
                ArrowArrayStream::is_live,
                ArrowArrayStream::mark_moved,
            )
        }?;
        // SAFETY: a live stream moved out of its capsule, as the interface defines it.
        return Ok(Imported::Column(unsafe {
            StringColumn::from_stream(stream, what)
        }?));
    }
    let pair = match obj.call_method1(pyo3::intern!(py, "__arrow_c_array__"), (py.None(),)) {
        Ok(pair) => pair,
        Err(err) => return refused(err),
    };
    let not_a_pair = || {
        PyTypeError::new_err(format!(
            "{what}.__arrow_c_array__() did not return a (schema, array) tuple"
        ))
    };
    let pair = pair.cast::<PyTuple>().map_err(|_| not_a_pair())?;
    if pair.len() != 2 {
        return Err(not_a_pair());
    }
    let schema = take_schema(&pair.get_item(0)?, what)?;
    let array = take_array(&pair.get_item(1)?, what)?;
    // SAFETY: live structs moved out of their capsules, the array exported with that schema.
    Ok(Imported::Column(unsafe {
        StringColumn::from_array(schema, array, what)
    }?))
}
