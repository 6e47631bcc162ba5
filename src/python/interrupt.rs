//! Core work that Ctrl-C can stop: the work runs on its own thread, and the calling thread, detached from the
//! interpreter, checks for signals every [`POLL`] while it waits. On a signal it raises the core's stop flag
//! ([`crate::parallel::with_stop`]), waits for the workers to leave their current item, and returns Python's
//! exception (`KeyboardInterrupt`).
//!
//! Python runs signal handlers on the main thread only; called from another thread, the wait simply lasts until the
//! work is done.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pyo3::prelude::*;

use crate::parallel::with_stop;

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
    let stop = Arc::new(AtomicBool::new(false));
    let waiter = std::thread::current();
    let (result, signal) = py.detach(|| {
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let result = with_stop(Arc::clone(&stop), work);
                waiter.unpark();
                result
            });
            let mut signal = None;
            while !worker.is_finished() {
                std::thread::park_timeout(POLL);
                if signal.is_none() && !worker.is_finished() {
                    if let Err(err) = Python::attach(|py| py.check_signals()) {
                        stop.store(true, Ordering::Relaxed);
                        signal = Some(err);
                    }
                }
            }
            // A panic in the work is the core's bug: pass it on as it is.
            let result = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (result, signal)
        })
    });
    // The signal's handler has run (its exception is `signal`): raise it even if the work finished first, or the
    // Ctrl-C would be lost.
    match signal {
        Some(err) => Err(err),
        None => Ok(result?),
    }
}
