//! Python bindings (the `cybernexus._core` extension module). Only conversion lives here: every method extracts its
//! arguments, calls one core function with the interpreter detached, and converts the result.

mod errors;
mod gazetteer;
mod matcher;
mod text;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    #[pymodule_export]
    use super::gazetteer::{PyEntity, PyGazetteer, _gazetteer_from_bytes};
    #[pymodule_export]
    use super::matcher::{PyMatcher, PyMention, PyMentionTable, _matcher_from_state};

    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
