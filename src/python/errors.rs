//! Mapping core errors onto the package's exceptions (defined in Python, `cybernexus/errors.py`, so that they can
//! subclass both `CybernexusError` and a builtin such as `ValueError`).

use pyo3::exceptions::{
    PyFileNotFoundError, PyKeyError, PyOSError, PyPermissionError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;

use crate::error::Error;

pyo3::import_exception!(cybernexus.errors, GazetteerError);
pyo3::import_exception!(cybernexus.errors, TextEncodingError);

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        match err {
            Error::Io { ref source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(err.to_string()),
                std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(err.to_string()),
                _ => PyOSError::new_err(err.to_string()),
            },
            Error::InvalidArgument(message) => PyValueError::new_err(message),
            Error::UnknownId(_) => PyKeyError::new_err(err.to_string()),
            Error::NotText(message) => PyTypeError::new_err(message),
            Error::RecordType { .. } => PyTypeError::new_err(err.to_string()),
            Error::Encoding(message) => TextEncodingError::new_err(message),
            Error::ThreadPool(message) => PyOSError::new_err(message),
            Error::OutOfMemory(_) => pyo3::exceptions::PyMemoryError::new_err(err.to_string()),
            Error::Cancelled => pyo3::exceptions::PyKeyboardInterrupt::new_err(err.to_string()),
            other => GazetteerError::new_err(other.to_string()),
        }
    }
}

/// `TypeError` for an argument of the wrong type, naming what was expected and what came.
pub(crate) fn type_error(what: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!("{what} must be {expected}, got {}", type_name(got)))
}

/// The name of `obj`'s type (`int`, `NoneType`).
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}
