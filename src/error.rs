//! The one error type of the core.
//!
//! Every variant carries the context a user needs to find the problem: the file and line, the record index and
//! entity id, the alias. The Python layer maps the variants onto the package's exception hierarchy.

use std::path::PathBuf;

/// Errors raised by the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A gazetteer record is invalid (empty id, empty alias, unknown case policy, unknown key, ...).
    #[error("{}: {message}", fmt_record(*.index, .id.as_deref()))]
    Record {
        /// Position of the record in its source (0-based); `None` for an entity built on its own, which is then
        /// named by its id alone.
        index: Option<usize>,
        /// The record's id, when it has one.
        id: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A value in a gazetteer record has the wrong type (`"kind": null`, an attribute that is a number).
    #[error("{}{}{message}", fmt_record(*.index, .id.as_deref()), .what.as_deref().map_or(" ".to_owned(), |w| format!(": {w} ")))]
    RecordType {
        /// As in [`Error::Record`].
        index: Option<usize>,
        /// As in [`Error::Record`].
        id: Option<String>,
        /// The value, as its source names it (`'kind'`, `alias 1: an alias`); `None` for the record itself.
        what: Option<String>,
        /// `must be <type>, got <type>`, in the source's names for types.
        message: String,
    },
    /// Two records share an id.
    #[error("duplicate entity id {id:?} (records {first} and {second})")]
    DuplicateId {
        /// The id used twice.
        id: String,
        /// Index of the first record with that id.
        first: usize,
        /// Index of the second one.
        second: usize,
    },
    /// A gazetteer file is malformed.
    #[error("{}{}: {message}", .path.display(), fmt_line(*.line))]
    File {
        /// The file.
        path: PathBuf,
        /// 1-based line number, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Two gazetteers cannot be merged.
    #[error("cannot merge entity {id:?}: {message}")]
    Merge {
        /// The entity id both gazetteers define.
        id: String,
        /// Why the two definitions conflict.
        message: String,
    },
    /// A matcher was asked for on a gazetteer without entities.
    /// An entity id that the gazetteer does not have ([`crate::Gazetteer::without`] and the like), so that a typo
    /// does not pass silently.
    #[error("no entity with id {0:?}")]
    UnknownId(String),

    /// Input that is not text: an Arrow column of another type (binary, dictionary, a table).
    #[error("{0}")]
    NotText(String),

    /// Text that is not valid UTF-8 (an Arrow column's row), with where.
    #[error("{0}")]
    Encoding(String),

    #[error("the gazetteer has no entities, so nothing could ever match")]
    EmptyGazetteer,
    /// An option has a value outside its domain (a thread count of 0, an unknown mode).
    #[error("{0}")]
    InvalidArgument(String),
    /// The search structure could not be built (for example, it would exceed its size limits).
    #[error("cannot build the matcher: {0}")]
    Build(String),
    /// The work was stopped (Ctrl-C in Python) before it finished; see [`crate::parallel::with_watch`].
    #[error("stopped before the work was done")]
    Cancelled,
    /// A thread pool could not be started.
    #[error("cannot start a thread pool: {0}")]
    ThreadPool(String),
    /// Memory for a buffer whose size the input sets (the folded copy of a document, its mentions, a table's
    /// columns) could not be had. Stable Rust aborts the process when an ordinary allocation fails, so these
    /// buffers grow through [`reserve`], which reports the failure instead (a `MemoryError` in Python).
    #[error("not enough memory for this input: {0}")]
    OutOfMemory(String),
    /// Serialised gazetteer state could not be decoded.
    #[error("cannot decode gazetteer state: {0}")]
    State(String),
}

/// How errors name a record: `record 3 (id "x")`, `record 3`, `entity (id "x")` or `entity`.
pub(crate) fn fmt_record(index: Option<usize>, id: Option<&str>) -> String {
    let at = index.map_or_else(|| "entity".to_owned(), |i| format!("record {i}"));
    match id {
        Some(id) => format!("{at} (id {id:?})"),
        None => at,
    }
}

fn fmt_line(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// Result alias of the core.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Attach a file path to an error raised while reading that file's records.
    pub(crate) fn in_file(self, path: &std::path::Path) -> Error {
        match self {
            e @ (Error::File { .. } | Error::Io { .. }) => e,
            other => Error::File {
                path: path.to_path_buf(),
                line: None,
                message: other.to_string(),
            },
        }
    }
}

impl Error {
    /// The error of an option given by name: `{what} must be {choices}, got "{got}"` (one wording for every
    /// option, whichever layer reads it).
    pub(crate) fn choice(what: &str, choices: &str, got: &str) -> Error {
        Error::InvalidArgument(format!("{what} must be {choices}, got {got:?}"))
    }
}

/// Make room for `additional` more items in `v`, or [`Error::OutOfMemory`] if the allocator cannot.
///
/// Why by hand: `Vec::push` and `extend` abort the process on a failed allocation (there is no stable way to make
/// them unwind, and a global allocator must not), so a document too large for the memory left would kill the
/// Python interpreter. The buffers whose size the input decides call this before they grow; small per-span
/// scratch vectors do not, since the input-sized buffers beside them fail first. The fast path is one comparison.
#[inline]
pub(crate) fn reserve<T>(v: &mut Vec<T>, additional: usize) -> Result<()> {
    if v.capacity() - v.len() >= additional {
        return Ok(());
    }
    v.try_reserve(additional).map_err(|e| out_of_memory(&e))
}

/// [`reserve`] for a `String`.
#[inline]
pub(crate) fn reserve_str(s: &mut String, additional: usize) -> Result<()> {
    if s.capacity() - s.len() >= additional {
        return Ok(());
    }
    s.try_reserve(additional).map_err(|e| out_of_memory(&e))
}

#[cold]
fn out_of_memory(e: &std::collections::TryReserveError) -> Error {
    Error::OutOfMemory(e.to_string())
}
