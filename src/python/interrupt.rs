//! Core work that Ctrl-C can stop: the work runs on a thread of the core's pool ([`run_watched`]), and the calling
//! thread, detached from the interpreter, checks for signals every [`POLL`] while it waits. On a signal it raises the core's stop flag
//! ([`crate::parallel::with_stop`]), waits for the workers to leave their current item, and returns Python's
//! exception (`KeyboardInterrupt`).
//!
//! Python runs signal handlers on the main thread only; called from another thread, the wait simply lasts until the
//! work is done.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use pyo3::prelude::*;

use crate::parallel::run_watched;

/// How often the waiting thread checks for signals.
const POLL: Duration = Duration::from_millis(20);

/// Below this many bytes of text the work takes a few milliseconds: it runs on the calling thread, without the
/// watch (a thread start costs tens of microseconds, which a loop of small calls would feel).
const WATCHED_BYTES: usize = 1 << 20;

/// `work()` over `bytes` bytes of text, with the interpreter detached, stopped by Ctrl-C.
#[allow(clippy::redundant_closure_for_method_calls)] // `Python::check_signals` is not general enough over lifetimes
pub(crate) fn detach<T: Send>(
    py: Python<'_>,
    bytes: usize,
    work: impl FnOnce() -> crate::Result<T> + Send,
) -> PyResult<T> {
    if bytes < WATCHED_BYTES {
        return Ok(py.detach(work)?);
    }
    let stop = AtomicBool::new(false);
    let mut signal = None;
    let result = py.detach(|| {
        run_watched(&stop, work, POLL, || {
            // Python runs signal handlers on the main thread only; elsewhere this finds nothing.
            match Python::attach(|py| py.check_signals()) {
                Ok(()) => false,
                Err(err) => {
                    signal = Some(err);
                    true
                }
            }
        })
    });
    // The signal's handler has run (its exception is `signal`): raise it even if the work finished first, or the
    // Ctrl-C would be lost.
    match signal {
        Some(err) => Err(err),
        None => Ok(result?),
    }
}
