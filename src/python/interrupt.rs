//! Core work that Ctrl-C can stop and a progress bar can follow: the work runs on a thread of the core's pool
//! ([`run_watched`]), and the calling thread, detached from the interpreter, wakes every [`POLL`] while it waits. It
//! checks for signals, and moves the progress bar to the documents done so far (the core's tally, see
//! [`crate::parallel::Watch`]). On a signal, or an exception from the bar, it raises the core's stop flag, waits for
//! the workers to leave their current item, and returns that exception (`KeyboardInterrupt` for Ctrl-C).
//!
//! Python runs signal handlers on the main thread only; called from another thread, the wait simply lasts until the
//! work is done.

use std::time::Duration;

use pyo3::prelude::*;

use crate::parallel::{run_watched, Watch};

/// How often the waiting thread checks for signals.
const POLL: Duration = Duration::from_millis(20);

/// Below this many bytes of text the work takes a few milliseconds: it runs on the calling thread, without the
/// watch (a thread start costs tens of microseconds, which a loop of small calls would feel).
const WATCHED_BYTES: usize = 1 << 20;

/// A progress bar (tqdm's, made by `cybernexus.stream._bar`) over `total` documents, and how far it has moved.
pub(crate) struct Progress {
    bar: Py<PyAny>,
    shown: u64,
    total: u64,
}

impl Progress {
    /// A bar over `total` documents if `enabled` (else none); an `ImportError` that names the extra if tqdm is
    /// missing.
    pub(crate) fn new(py: Python<'_>, enabled: bool, total: usize) -> PyResult<Option<Self>> {
        if !enabled {
            return Ok(None);
        }
        let bar = py
            .import("cybernexus.stream")?
            .getattr("_bar")?
            .call1((total,))?;
        Ok(Some(Self {
            bar: bar.unbind(),
            shown: 0,
            total: total as u64,
        }))
    }

    /// Move the bar to `done` documents.
    fn to(&mut self, py: Python<'_>, done: u64) -> PyResult<()> {
        let done = done.min(self.total);
        if done > self.shown {
            self.bar.call_method1(py, "update", (done - self.shown,))?;
            self.shown = done;
        }
        Ok(())
    }

    /// Fill the bar if the work succeeded, and close it either way.
    fn finish(mut self, py: Python<'_>, succeeded: bool) -> PyResult<()> {
        let filled = if succeeded {
            self.to(py, self.total)
        } else {
            Ok(())
        };
        self.bar.call_method0(py, "close")?;
        filled
    }
}

/// `work()` over `bytes` bytes of text, with the interpreter detached, stopped by Ctrl-C; `progress` (if any) moves
/// as the core's tally of documents grows, and is filled at the end.
#[allow(clippy::redundant_closure_for_method_calls)] // `Python::check_signals` is not general enough over lifetimes
pub(crate) fn detach<T: Send>(
    py: Python<'_>,
    bytes: usize,
    mut progress: Option<Progress>,
    work: impl FnOnce() -> crate::Result<T> + Send,
) -> PyResult<T> {
    if bytes < WATCHED_BYTES {
        let result = py.detach(work);
        let closed = progress.map_or(Ok(()), |bar| bar.finish(py, result.is_ok()));
        let value = result?;
        closed?;
        return Ok(value);
    }
    let watch = Watch::default();
    let mut raised = None;
    let result = py.detach(|| {
        run_watched(&watch, work, POLL, |done| {
            // Python runs signal handlers on the main thread only; elsewhere this finds nothing.
            let polled = Python::attach(|py| {
                py.check_signals()?;
                match progress.as_mut() {
                    Some(bar) => bar.to(py, done),
                    None => Ok(()),
                }
            });
            match polled {
                Ok(()) => false,
                Err(err) => {
                    raised = Some(err);
                    true
                }
            }
        })
    });
    let closed = progress.map_or(Ok(()), |bar| {
        bar.finish(py, raised.is_none() && result.is_ok())
    });
    // The signal's handler has run (its exception is `raised`): raise it even if the work finished first, or the
    // Ctrl-C would be lost. The work's own error comes next, then one from closing the bar.
    if let Some(err) = raised {
        return Err(err);
    }
    let value = result?;
    closed?;
    Ok(value)
}
