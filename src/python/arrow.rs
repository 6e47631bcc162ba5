//! Arrow string columns in, through the Arrow PyCapsule interface (`__arrow_c_stream__` / `__arrow_c_array__`),
//! without one Python object per document.
//!
//! Why by hand and not pyo3-arrow + arrow-rs: all we need is to *read* one string column in three layouts
//! (`string`, `large_string`, `string_view`). The Arrow C data interface is a stable ABI of three small structs; the
//! crates would add minutes of build time and about 12 MB to the extension for that. pyarrow, polars, pandas (3.x,
//! and `ArrowDtype` columns), DuckDB and nanoarrow all export these capsules, and none of them is needed here.
//!
//! Performance notes: the texts are never copied; each document becomes a `&str` pointing into the Arrow buffers
//! (16 bytes per document, on the Rust side only). Arrow promises UTF-8 but a foreign producer is not trusted:
//! every document is validated with `str::from_utf8` (several GB/s on ASCII, about 1% of matching time) before it
//! is matched; all offsets of a chunk must be non-negative and non-decreasing, and views must lie inside the
//! buffer sizes the producer declares. Buffers are read unaligned (alignment is only recommended) and a capsule is
//! consumed once (a second use is refused, not read through dangling pointers).
//!
//! Arrow buffers are immutable by contract; a producer that lets another thread write to one while it is being
//! matched breaks that contract (and the UTF-8 check made before matching), as it would for any Arrow consumer.
//!
//! What cannot be checked: the interface gives no buffer sizes for `string` and `large_string`, so the offsets are
//! trusted to stay inside the data buffer, as every Arrow consumer trusts them (pyarrow validates arrays when they
//! are built, `Array.from_buffers` included). For `string_view` the producer declares its buffer sizes and every
//! view is checked against them.
//!
//! Null entries are matched as empty texts: they keep their document number and have no mentions.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::{self, NonNull};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use super::errors::TextEncodingError;

// The three structs of the Arrow C data interface, as the specification defines them
// (https://arrow.apache.org/docs/format/CDataInterface.html and CStreamInterface.html).

#[repr(C)]
struct ArrowSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut ArrowSchema,
    dictionary: *mut ArrowSchema,
    release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    private_data: *mut c_void,
}

#[repr(C)]
struct ArrowArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut ArrowArray,
    dictionary: *mut ArrowArray,
    release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    private_data: *mut c_void,
}

#[repr(C)]
struct ArrowArrayStream {
    get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> c_int>,
    get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> c_int>,
    get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    private_data: *mut c_void,
}

impl ArrowSchema {
    const fn empty() -> Self {
        Self {
            format: ptr::null(),
            name: ptr::null(),
            metadata: ptr::null(),
            flags: 0,
            n_children: 0,
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: None,
            private_data: ptr::null_mut(),
        }
    }
}

impl ArrowArray {
    const fn empty() -> Self {
        Self {
            length: 0,
            null_count: 0,
            offset: 0,
            n_buffers: 0,
            n_children: 0,
            buffers: ptr::null_mut(),
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: None,
            private_data: ptr::null_mut(),
        }
    }
}

/// A schema moved out of its capsule: ours to release.
struct OwnedSchema(Box<ArrowSchema>);

// SAFETY: as for `OwnedArray`: read only, released once by its owner.
unsafe impl Send for OwnedSchema {}
unsafe impl Sync for OwnedSchema {}

impl Drop for OwnedSchema {
    fn drop(&mut self) {
        if let Some(release) = self.0.release {
            // SAFETY: the producer's release callback, called once on the struct it filled in.
            unsafe { release(&raw mut *self.0) };
        }
    }
}

/// An array moved out of its capsule or stream: ours to release. The buffers stay valid until then.
struct OwnedArray(Box<ArrowArray>);

// SAFETY: the array is only read (from several threads) and released once, by its owner; the C data interface
// lets a consumer release an array from any thread.
unsafe impl Send for OwnedArray {}
unsafe impl Sync for OwnedArray {}

impl Drop for OwnedArray {
    fn drop(&mut self) {
        if let Some(release) = self.0.release {
            // SAFETY: as for `OwnedSchema`.
            unsafe { release(&raw mut *self.0) };
        }
    }
}

struct OwnedStream(Box<ArrowArrayStream>);

impl Drop for OwnedStream {
    fn drop(&mut self) {
        if let Some(release) = self.0.release {
            // SAFETY: as for `OwnedSchema`.
            unsafe { release(&raw mut *self.0) };
        }
    }
}

impl OwnedStream {
    fn error(&mut self, what: &str, code: c_int) -> PyErr {
        let message = self
            .0
            .get_last_error
            // SAFETY: the producer's callback; the message it returns lives until the next call on the stream.
            .map(|f| unsafe { f(&raw mut *self.0) })
            .filter(|p| !p.is_null())
            .map_or_else(
                || format!("error code {code}"),
                // SAFETY: a NUL-terminated string, per the interface.
                |p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned(),
            );
        PyValueError::new_err(format!("{what}: the Arrow stream failed: {message}"))
    }
}

/// The string layouts we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// `string`: int32 offsets.
    Utf8,
    /// `large_string`: int64 offsets.
    LargeUtf8,
    /// `string_view`: 16-byte views into variadic buffers.
    Utf8View,
}

fn layout_of(schema: &ArrowSchema, what: &str) -> PyResult<Layout> {
    if schema.format.is_null() {
        return Err(PyValueError::new_err(format!(
            "{what}: the Arrow schema has no format string"
        )));
    }
    // SAFETY: non-null, NUL-terminated per the interface.
    let format = unsafe { CStr::from_ptr(schema.format) }.to_string_lossy();
    if !schema.dictionary.is_null() {
        return Err(PyTypeError::new_err(format!(
            "{what} is a dictionary-encoded Arrow column; decode it first (pyarrow: \
             column.dictionary_decode(), polars: series.cast(pl.String))"
        )));
    }
    match &*format {
        "u" => Ok(Layout::Utf8),
        "U" => Ok(Layout::LargeUtf8),
        "vu" => Ok(Layout::Utf8View),
        "z" | "Z" | "vz" => Err(PyTypeError::new_err(format!(
            "{what} is an Arrow binary column, not strings: decode it to UTF-8 text first"
        ))),
        "+s" => Err(PyTypeError::new_err(format!(
            "{what} is an Arrow table or struct; pass one string column (for example table['text'])"
        ))),
        other => Err(PyTypeError::new_err(format!(
            "{what} must be an Arrow string column (string, large_string or string_view), got Arrow format \
             {other:?}"
        ))),
    }
}

/// One string column read through the C data interface: its chunks, kept alive until the column is dropped.
pub(crate) struct StringColumn {
    layout: Layout,
    chunks: Vec<OwnedArray>,
    _schema: OwnedSchema,
}

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

fn take_schema(capsule: &Bound<'_, PyAny>, what: &str) -> PyResult<OwnedSchema> {
    // SAFETY: an "arrow_schema" capsule holds an ArrowSchema.
    unsafe {
        take::<ArrowSchema>(
            capsule,
            c"arrow_schema",
            what,
            |s| s.release.is_some(),
            |s| s.release = None,
        )
    }
    .map(OwnedSchema)
}

fn take_array(capsule: &Bound<'_, PyAny>, what: &str) -> PyResult<OwnedArray> {
    // SAFETY: an "arrow_array" capsule holds an ArrowArray.
    unsafe {
        take::<ArrowArray>(
            capsule,
            c"arrow_array",
            what,
            |a| a.release.is_some(),
            |a| a.release = None,
        )
    }
    .map(OwnedArray)
}

impl StringColumn {
    /// Import `obj` (which [`is_arrow`]) as a string column. `what` names the argument in messages.
    pub(crate) fn import(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let py = obj.py();
        if obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))? {
            let capsule = obj.call_method0(pyo3::intern!(py, "__arrow_c_stream__"))?;
            // SAFETY: an "arrow_array_stream" capsule holds an ArrowArrayStream.
            let mut stream = OwnedStream(unsafe {
                take::<ArrowArrayStream>(
                    &capsule,
                    c"arrow_array_stream",
                    what,
                    |s| s.release.is_some(),
                    |s| s.release = None,
                )
            }?);
            let (Some(get_schema), Some(get_next)) = (stream.0.get_schema, stream.0.get_next)
            else {
                return Err(PyValueError::new_err(format!(
                    "{what}: the Arrow stream has no get_schema or get_next callback"
                )));
            };
            let mut schema = OwnedSchema(Box::new(ArrowSchema::empty()));
            // SAFETY: the producer fills in the schema we own.
            let code = unsafe { get_schema(&raw mut *stream.0, &raw mut *schema.0) };
            if code != 0 {
                return Err(stream.error(what, code));
            }
            let layout = layout_of(&schema.0, what)?;
            let mut chunks = Vec::new();
            loop {
                let mut array = OwnedArray(Box::new(ArrowArray::empty()));
                // SAFETY: the producer fills in the array we own; a released array marks the end.
                let code = unsafe { get_next(&raw mut *stream.0, &raw mut *array.0) };
                if code != 0 {
                    return Err(stream.error(what, code));
                }
                if array.0.release.is_none() {
                    break;
                }
                chunks.push(array);
            }
            Ok(Self {
                layout,
                chunks,
                _schema: schema,
            })
        } else {
            let pair = obj.call_method1(pyo3::intern!(py, "__arrow_c_array__"), (py.None(),))?;
            let pair = pair.cast::<PyTuple>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{what}.__arrow_c_array__() did not return a (schema, array) tuple"
                ))
            })?;
            if pair.len() != 2 {
                return Err(PyTypeError::new_err(format!(
                    "{what}.__arrow_c_array__() did not return a (schema, array) tuple"
                )));
            }
            let schema = take_schema(&pair.get_item(0)?, what)?;
            let array = take_array(&pair.get_item(1)?, what)?;
            let layout = layout_of(&schema.0, what)?;
            Ok(Self {
                layout,
                chunks: vec![array],
                _schema: schema,
            })
        }
    }

    /// Number of documents (rows) in the column.
    pub(crate) fn len(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| usize::try_from(c.0.length).unwrap_or(0))
            .fold(0, usize::saturating_add)
    }

    /// Every document as a `&str` into the Arrow buffers (a null as ""), checked as described in the module notes.
    pub(crate) fn strs(&self, what: &str) -> PyResult<Vec<&str>> {
        // The declared length is not trusted with an allocation: a bogus one must fail below, not abort here.
        let mut out = Vec::with_capacity(self.len().min(1 << 20));
        for chunk in &self.chunks {
            // SAFETY: `chunk` was filled in by a producer following the interface for `self.layout`, and stays
            // alive (not released) as long as `self`, which the returned slices borrow.
            unsafe { read_chunk(&chunk.0, self.layout, &mut out, what) }?;
        }
        Ok(out)
    }
}

fn invalid(what: &str, doc: usize, why: &str) -> PyErr {
    PyValueError::new_err(format!("{what}: malformed Arrow data at row {doc}: {why}"))
}

fn non_negative(value: i64, what: &str, doc: usize, field: &str) -> PyResult<usize> {
    usize::try_from(value).map_err(|_| invalid(what, doc, &format!("negative {field}")))
}

/// Decode one UTF-8 document, naming its row if it is not valid UTF-8.
fn utf8<'a>(bytes: &'a [u8], what: &str, doc: usize) -> PyResult<&'a str> {
    std::str::from_utf8(bytes).map_err(|err| {
        TextEncodingError::new_err(format!(
            "{what}[{doc}] is not valid UTF-8 (at byte {}); Arrow strings must be UTF-8",
            err.valid_up_to()
        ))
    })
}

/// The `length + 1` offsets of a `string` or `large_string` chunk, each non-negative and none smaller than the one
/// before, null rows included: then every row lies between the first and the last offset, the range producers
/// check against the data buffer. An error gives the row (in the chunk) and the reason.
///
/// # Safety
/// `buffer` must hold `offset + length + 1` offsets (int64 if `large`, else int32), aligned or not: the
/// specification only recommends alignment, so they are read unaligned.
unsafe fn checked_offsets(
    buffer: *const c_void,
    large: bool,
    offset: usize,
    length: usize,
) -> Result<Vec<usize>, (usize, &'static str)> {
    let mut out = Vec::with_capacity(length.min(1 << 20) + 1);
    for i in 0..=length {
        // SAFETY: in bounds per the caller.
        let value = unsafe {
            if large {
                ptr::read_unaligned(buffer.cast::<i64>().add(offset + i))
            } else {
                i64::from(ptr::read_unaligned(buffer.cast::<i32>().add(offset + i)))
            }
        };
        let row = i.saturating_sub(1);
        let value = usize::try_from(value).map_err(|_| (row, "negative offset"))?;
        if out.last().is_some_and(|&previous| value < previous) {
            return Err((row, "decreasing offsets"));
        }
        out.push(value);
    }
    Ok(out)
}

/// Append the documents of one chunk to `out`.
///
/// # Safety
/// `array` must be a live array of `layout` as the C data interface defines it.
unsafe fn read_chunk<'a>(
    array: &'a ArrowArray,
    layout: Layout,
    out: &mut Vec<&'a str>,
    what: &str,
) -> PyResult<()> {
    let first = out.len();
    let length = non_negative(array.length, what, first, "length")?;
    let offset = non_negative(array.offset, what, first, "offset")?;
    if length == 0 {
        return Ok(());
    }
    // Every layout has at least three: validity, offsets or views, and the data (or the variadic buffer sizes).
    if array.n_buffers < 3 || array.buffers.is_null() {
        return Err(invalid(what, first, "too few buffers"));
    }
    let n_buffers = non_negative(array.n_buffers, what, first, "buffer count")?;
    // SAFETY: `n_buffers` pointers, per the interface.
    let buffers = unsafe { std::slice::from_raw_parts(array.buffers, n_buffers) };
    let validity = buffers[0].cast::<u8>();
    let is_valid = |i: usize| -> bool {
        if validity.is_null() || array.null_count == 0 {
            return true;
        }
        let bit = offset + i;
        // SAFETY: the validity bitmap has a bit for every row of the array.
        unsafe { *validity.add(bit / 8) & (1 << (bit % 8)) != 0 }
    };
    match layout {
        Layout::Utf8 | Layout::LargeUtf8 => {
            if buffers[1].is_null() {
                return Err(invalid(what, first, "no offsets buffer"));
            }
            // SAFETY: a `string` or `large_string` chunk has `offset + length + 1` offsets.
            let offsets =
                unsafe { checked_offsets(buffers[1], layout == Layout::LargeUtf8, offset, length) }
                    .map_err(|(row, why)| invalid(what, first + row, why))?;
            let data = buffers[2].cast::<u8>();
            for i in 0..length {
                let doc = first + i;
                if !is_valid(i) {
                    out.push("");
                    continue;
                }
                let (start, end) = (offsets[i], offsets[i + 1]);
                if start == end {
                    out.push("");
                    continue;
                }
                if data.is_null() {
                    return Err(invalid(what, doc, "no data buffer"));
                }
                // SAFETY: the data buffer holds every byte the offsets point to.
                let bytes = unsafe { std::slice::from_raw_parts(data.add(start), end - start) };
                out.push(utf8(bytes, what, doc)?);
            }
        }
        Layout::Utf8View => {
            let views = buffers[1].cast::<u8>();
            if views.is_null() {
                return Err(invalid(what, first, "no views buffer"));
            }
            // Buffers: validity, views, the variadic data buffers, then an int64 array of their sizes.
            let data = &buffers[2..n_buffers - 1];
            let sizes = buffers[n_buffers - 1].cast::<i64>();
            if sizes.is_null() && !data.is_empty() {
                return Err(invalid(what, first, "no buffer sizes"));
            }
            for i in 0..length {
                let doc = first + i;
                if !is_valid(i) {
                    out.push("");
                    continue;
                }
                // SAFETY: 16 bytes per view, `offset + length` views.
                let view = unsafe { std::slice::from_raw_parts(views.add((offset + i) * 16), 16) };
                let field =
                    |k: usize| i32::from_le_bytes([view[k], view[k + 1], view[k + 2], view[k + 3]]);
                let len = non_negative(i64::from(field(0)), what, doc, "length")?;
                let bytes = if len <= 12 {
                    &view[4..4 + len]
                } else {
                    let index = non_negative(i64::from(field(8)), what, doc, "buffer index")?;
                    let start = non_negative(i64::from(field(12)), what, doc, "offset")?;
                    let Some(&buffer) = data.get(index) else {
                        return Err(invalid(what, doc, "view into a missing buffer"));
                    };
                    // SAFETY: `sizes` has one entry per variadic buffer (read unaligned, as the offsets).
                    let size = unsafe { ptr::read_unaligned(sizes.add(index)) };
                    let size = non_negative(size, what, doc, "buffer size")?;
                    if buffer.is_null() || start.checked_add(len).is_none_or(|e| e > size) {
                        return Err(invalid(what, doc, "view outside its buffer"));
                    }
                    // SAFETY: checked against the declared buffer size just above.
                    unsafe { std::slice::from_raw_parts(buffer.cast::<u8>().add(start), len) }
                };
                out.push(utf8(bytes, what, doc)?);
            }
        }
    }
    Ok(())
}
