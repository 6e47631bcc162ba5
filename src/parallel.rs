//! Running work on rayon thread pools: a thread-count knob, cached pools, and fork safety.
//!
//! Callers choose the number of threads per call. `None` uses rayon's global pool (sized by `RAYON_NUM_THREADS` or
//! the number of cores); `Some(1)` runs on the calling thread; `Some(k)` uses a pool of `k` threads that is built on
//! first use and kept for later calls. Results always come back in input order, so the output does not depend on
//! the thread count.
//!
//! Watching: [`with_watch`] runs work under a [`Watch`] that another thread reads and may raise (the Python glue
//! does, on Ctrl-C and for progress bars). [`map`] checks its flag before each item and, once raised, skips the rest
//! and returns [`Error::Cancelled`]; after each item it adds the item's count (one, or what [`map_counted`] is
//! told: the documents in a run of them) to the watch's tally. Work is never cut inside an item, so a stop takes
//! effect within one item's time (one document, or one run of documents).
//!
//! Fork safety: a forked child (Python `multiprocessing` with the fork start method, Jupyter helpers) inherits the
//! pools' bookkeeping but not their threads, so using a pool there would wait forever. A `pthread_atfork` child
//! hook records the fork, and from then on the child runs everything on the calling thread.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Largest accepted thread count; more is almost certainly a mistake and would exhaust the machine.
pub const MAX_THREADS: usize = 1024;

static POOL_USED: AtomicBool = AtomicBool::new(false);
static FORKED: AtomicBool = AtomicBool::new(false);
static REGISTER_FORK_HOOK: Once = Once::new();
static POOLS: Mutex<Option<HashMap<usize, Arc<rayon::ThreadPool>>>> = Mutex::new(None);

#[cfg(unix)]
extern "C" fn after_fork_in_child() {
    FORKED.store(true, Ordering::SeqCst);
}

/// Register the `pthread_atfork` child hook (once per process).
fn register_fork_hook() {
    REGISTER_FORK_HOOK.call_once(|| {
        #[cfg(unix)]
        // Safety: registers a handler that only stores to an atomic, which is async-signal-safe; no pointers are
        // passed. The call is made once (guarded by `Once`), from any thread.
        unsafe {
            libc::pthread_atfork(None, None, Some(after_fork_in_child));
        }
    });
}

/// Whether parallel work must run on the calling thread because this process is a fork of one that used pools.
pub fn parallelism_disabled_by_fork() -> bool {
    FORKED.load(Ordering::SeqCst) && POOL_USED.load(Ordering::SeqCst)
}

/// Check a user-supplied thread count.
pub fn check_threads(n_threads: Option<usize>) -> Result<()> {
    match n_threads {
        Some(0) => Err(Error::InvalidArgument(
            "n_threads must be at least 1 (or None for all cores)".into(),
        )),
        Some(k) if k > MAX_THREADS => Err(Error::InvalidArgument(format!(
            "n_threads must be at most {MAX_THREADS}, got {k}"
        ))),
        _ => Ok(()),
    }
}

fn pool(k: usize) -> Result<Arc<rayon::ThreadPool>> {
    let mut pools = POOLS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let pools = pools.get_or_insert_with(HashMap::new);
    if let Some(pool) = pools.get(&k) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(k)
        .thread_name(|i| format!("cybernexus-{i}"))
        .build()
        .map_err(|e| Error::ThreadPool(e.to_string()))?;
    let pool = Arc::new(pool);
    pools.insert(k, Arc::clone(&pool));
    Ok(pool)
}

/// Whether rayon's global pool runs, starting it if need be.
///
/// Rayon panics where its global pool cannot start (no memory or no thread left at the first parallel call: a
/// `PanicException` in Python), and it tries only once per process. Here a pool that did not start answers false,
/// and the callers then work on the calling thread: slower, but the call still succeeds or fails for its own reason
/// (a `MemoryError`).
fn global_pool() -> bool {
    static READY: AtomicBool = AtomicBool::new(false);
    static FAILED: AtomicBool = AtomicBool::new(false);
    if READY.load(Ordering::Acquire) {
        return true;
    }
    if FAILED.load(Ordering::Acquire) {
        return false;
    }
    match rayon::ThreadPoolBuilder::new().build_global() {
        // Only a pool that could not start has a cause; "already initialized" (by an earlier use) has none.
        Err(e) if std::error::Error::source(&e).is_some() => {
            FAILED.store(true, Ordering::Release);
            false
        }
        _ => {
            READY.store(true, Ordering::Release);
            true
        }
    }
}

/// What a caller watches while work runs (see [`with_watch`]): a flag that stops it, and a tally of work done.
#[derive(Debug, Default)]
pub struct Watch {
    /// Raised by the caller: [`map`] skips the items that have not started.
    pub stop: AtomicBool,
    /// Added to by [`map`] as items finish, in the unit of its `count` (documents, for the matcher).
    pub done: AtomicU64,
}

thread_local! {
    /// The watch of the work this thread runs under [`with_watch`], if any (null: none).
    ///
    /// A plain pointer rather than an `Arc`: a thread-local with a destructor makes glibc allocate on the thread's
    /// first use of it, and when that allocation fails glibc aborts the process ("failed to register TLS
    /// destructor"). The Python glue starts a thread per watched call, so that was the abort left when memory ran
    /// out.
    static WATCH: Cell<*const Watch> = const { Cell::new(std::ptr::null()) };
}

/// Run `work` on this thread under `watch`, which [`map`] reads (the watch in force before is restored after,
/// also if `work` panics). The watch is read on the thread that calls [`map`] and shared with its workers.
pub fn with_watch<R>(watch: &Watch, work: impl FnOnce() -> R) -> R {
    struct Restore(*const Watch);
    impl Drop for Restore {
        fn drop(&mut self) {
            WATCH.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(WATCH.with(|s| s.replace(watch)));
    work()
}

/// The watch of the innermost [`with_watch`] running on this thread.
fn current_watch<'a>() -> Option<&'a Watch> {
    let ptr = WATCH.with(Cell::get);
    // Safety: a non-null pointer was set by `with_watch` on this thread from a borrow that lasts until it puts the
    // previous pointer back, which it does only when its `work` returns or unwinds. Every caller of this function
    // runs inside that `work` and drops the reference before returning, so the watch outlives every use.
    unsafe { ptr.as_ref() }
}

/// `items.iter().map(f).collect()`, spread over `n_threads` threads; the result is in input order. Each item
/// counts one in the tally of the [`Watch`] in force.
///
/// # Errors
///
/// A bad thread count, a pool that cannot start, or [`Error::Cancelled`] if the flag of the [`Watch`] in force was
/// raised before the last item started.
pub fn map<T, R, F>(items: &[T], n_threads: Option<usize>, f: F) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    map_counted(items, n_threads, |_| 1, f)
}

/// [`map`], where a finished item adds `count(item)` to the watch's tally (a run of documents: its length).
///
/// # Errors
///
/// As [`map`].
pub fn map_counted<T, R, F>(
    items: &[T],
    n_threads: Option<usize>,
    count: impl Fn(&T) -> u64 + Sync + Send,
    f: F,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    check_threads(n_threads)?;
    let watch = current_watch();
    let one = |item: &T| match watch {
        None => Some(f(item)),
        Some(w) if w.stop.load(Ordering::Relaxed) => None,
        Some(w) => {
            let r = f(item);
            w.done.fetch_add(count(item), Ordering::Relaxed);
            Some(r)
        }
    };
    let results: Vec<Option<R>> = if items.len() <= 1
        || n_threads == Some(1)
        || parallelism_disabled_by_fork()
        || (n_threads.is_none() && !global_pool())
    {
        items.iter().map(one).collect()
    } else {
        register_fork_hook();
        POOL_USED.store(true, Ordering::SeqCst);
        match n_threads {
            None => items.par_iter().map(one).collect(),
            // A pool whose threads cannot start (see `global_pool`): the calling thread does the work.
            Some(k) => match pool(k) {
                Ok(pool) => pool.install(|| items.par_iter().map(one).collect()),
                Err(_) => items.iter().map(one).collect(),
            },
        }
    };
    results
        .into_iter()
        .collect::<Option<Vec<R>>>()
        .ok_or(Error::Cancelled)
}

/// Run `work` under `watch` (see [`with_watch`]) on a thread of rayon's global pool, while this thread waits and
/// calls `poll` with the tally done so far every `every`; once `poll` returns true the watch's flag is raised.
/// Returns what `work` returned.
///
/// Why a pool thread and not one started per call: a new thread sets up its thread-locals (the standard
/// library's among them) on first use, and when glibc cannot allocate for that it aborts the process, which made
/// a call that ran out of memory kill the interpreter. The pool's threads are started once and kept. In a fork
/// of a process that used pools ([`parallelism_disabled_by_fork`]) the work runs here, without `poll`.
///
/// # Panics
///
/// If `work` panics (the panic is passed on once the work has ended).
pub fn run_watched<R: Send>(
    watch: &Watch,
    work: impl FnOnce() -> R + Send,
    every: std::time::Duration,
    mut poll: impl FnMut(u64) -> bool,
) -> R {
    /// Marks the work done (and wakes the waiter) when dropped: after it returns, and also if it panics.
    struct Done<'a>(&'a AtomicBool, std::thread::Thread);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Release);
            self.1.unpark();
        }
    }
    // Without a pool (a fork, or threads that cannot start), the work runs here and unwatched; a pool that
    // cannot start is reported by the work's own parallel calls.
    if parallelism_disabled_by_fork() || !global_pool() {
        return with_watch(watch, work);
    }
    register_fork_hook();
    POOL_USED.store(true, Ordering::SeqCst);
    let done = AtomicBool::new(false);
    let result = Mutex::new(None);
    let waiter = std::thread::current();
    rayon::in_place_scope(|scope| {
        scope.spawn(|_| {
            let _done = Done(&done, waiter);
            let r = with_watch(watch, work);
            *result
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
        });
        let mut raised = false;
        while !done.load(Ordering::Acquire) {
            std::thread::park_timeout(every);
            if !raised && !done.load(Ordering::Acquire) && poll(watch.done.load(Ordering::Relaxed))
            {
                watch.stop.store(true, Ordering::Relaxed);
                raised = true;
            }
        }
    });
    // The scope passes a panic of the work on above, so the work returned.
    result
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .expect("invariant: the work returned, or its panic was passed on")
}

/// [`map`] of a fallible `f`: the first error (in input order) if any item failed.
///
/// # Errors
///
/// As [`map`], and the error of a failed item.
pub fn try_map<T, R, F>(items: &[T], n_threads: Option<usize>, f: F) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> Result<R> + Sync + Send,
{
    try_map_counted(items, n_threads, |_| 1, f)
}

/// [`map_counted`] of a fallible `f` (see [`try_map`]).
///
/// # Errors
///
/// As [`map`], and the error of a failed item.
pub fn try_map_counted<T, R, F>(
    items: &[T],
    n_threads: Option<usize>,
    count: impl Fn(&T) -> u64 + Sync + Send,
    f: F,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> Result<R> + Sync + Send,
{
    map_counted(items, n_threads, count, f)?
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order_for_every_thread_count() {
        let items: Vec<u64> = (0..10_000).collect();
        let expected: Vec<u64> = items.iter().map(|x| x * x).collect();
        for n in [None, Some(1), Some(2), Some(3), Some(8)] {
            assert_eq!(map(&items, n, |x| x * x).unwrap(), expected);
        }
    }

    #[test]
    fn a_raised_stop_flag_skips_the_rest() {
        let items: Vec<u64> = (0..1_000).collect();
        for k in [1, 2, 4] {
            let watch = Watch::default();
            let done = std::sync::atomic::AtomicUsize::new(0);
            // Every item raises the flag before anything else, so an item can only start if its thread checked
            // the flag before some item's first step: at most one item per thread. (Raising it at item 10 let the
            // other threads race through hundreds of items on a busy machine: 761 of 1,000 in a CI run.)
            let result = with_watch(&watch, || {
                map(&items, Some(k), |&x| {
                    watch.stop.store(true, Ordering::Relaxed);
                    done.fetch_add(1, Ordering::Relaxed);
                    x
                })
            });
            assert!(matches!(result, Err(Error::Cancelled)), "{k}");
            let done = done.load(Ordering::Relaxed);
            assert!((1..=k).contains(&done), "{k} threads: {done} items ran");
            // The tally counts the items that finished.
            assert_eq!(watch.done.load(Ordering::Relaxed), done as u64);
            let n = Some(k);
            // Outside `with_watch`, and with the flag down, nothing is skipped.
            assert_eq!(map(&items, n, |&x| x).unwrap(), items);
            watch.stop.store(false, Ordering::Relaxed);
            assert_eq!(
                with_watch(&watch, || map(&items, n, |&x| x)).unwrap(),
                items
            );
        }
    }

    #[test]
    fn the_tally_adds_each_items_count_on_every_thread_count() {
        let runs: Vec<std::ops::Range<u64>> = (0..200).map(|i| i..i + i % 7).collect();
        let expected: u64 = runs.iter().map(|r| r.end - r.start).sum();
        for n in [None, Some(1), Some(2), Some(5)] {
            let watch = Watch::default();
            let count = |r: &std::ops::Range<u64>| r.end - r.start;
            let out = with_watch(&watch, || map_counted(&runs, n, count, |r| r.start)).unwrap();
            assert_eq!(out, (0..200).collect::<Vec<_>>());
            assert_eq!(watch.done.load(Ordering::Relaxed), expected, "{n:?}");
            // Nested watches: the inner one is in force inside, the outer one again after.
            let inner = Watch::default();
            with_watch(&watch, || {
                with_watch(&inner, || map(&runs, n, |_| ()).unwrap());
                map(&runs[..3], n, |_| ()).unwrap();
            });
            assert_eq!(inner.done.load(Ordering::Relaxed), 200);
            assert_eq!(watch.done.load(Ordering::Relaxed), expected + 3);
        }
    }

    #[test]
    fn run_watched_polls_with_the_tally_and_its_answer_stops_the_work() {
        let items: Vec<u64> = (0..10_000).collect();
        let watch = Watch::default();
        let mut seen = Vec::new();
        let result = run_watched(
            &watch,
            || {
                map(&items, Some(2), |&x| {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                    x
                })
            },
            std::time::Duration::from_millis(5),
            |done| {
                seen.push(done);
                done > 0
            },
        );
        assert!(matches!(result, Err(Error::Cancelled)));
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        let done = watch.done.load(Ordering::Relaxed);
        assert!(done > 0 && done < 10_000, "{done}");
    }

    #[test]
    fn rejects_zero_and_absurd_thread_counts() {
        assert!(map(&[1], Some(0), |x| *x).is_err());
        assert!(map(&[1], Some(MAX_THREADS + 1), |x| *x).is_err());
    }
}
