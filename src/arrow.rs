//! Arrow string columns read in place through the Arrow C data interface (the structs that the Python capsule
//! interface's `__arrow_c_stream__` / `__arrow_c_array__` hand over; `src/python/arrow.rs` takes them out of the
//! capsules), without one object per document.
//!
//! Why by hand and not pyo3-arrow + arrow-rs: all we need is to *read* one string column in three layouts
//! (`string`, `large_string`, `string_view`). The Arrow C data interface is a stable ABI of three small structs; the
//! crates would add minutes of build time and about 12 MB to the extension for that. pyarrow, polars, pandas (3.x,
//! and `ArrowDtype` columns), `DuckDB` and nanoarrow all export these capsules, and none of them is needed here.
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
use std::ptr;

use crate::error::{Error, Result};

// The three structs of the Arrow C data interface, as the specification defines them
// (https://arrow.apache.org/docs/format/CDataInterface.html and CStreamInterface.html).

#[repr(C)]
#[derive(Debug)]
pub struct ArrowSchema {
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
#[derive(Debug)]
pub struct ArrowArray {
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
#[derive(Debug)]
pub struct ArrowArrayStream {
    get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> c_int>,
    get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> c_int>,
    get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    private_data: *mut c_void,
}

impl ArrowSchema {
    /// A released struct, for a producer to fill in.
    pub const fn empty() -> Self {
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
    /// A released struct, for a producer to fill in.
    pub const fn empty() -> Self {
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

/// `is_live` and `mark_moved` for each of the three structs, whose `release` member says whether they are live.
macro_rules! release_state {
    ($($t:ty),+) => {$(
        impl $t {
            /// Whether the struct is live (not released): a consumer may read it once, then must release it.
            pub fn is_live(&self) -> bool {
                self.release.is_some()
            }

            /// Mark the struct released without calling its callback: after its contents moved to a new owner.
            pub fn mark_moved(&mut self) {
                self.release = None;
            }
        }
    )+};
}

release_state!(ArrowSchema, ArrowArray, ArrowArrayStream);

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
    fn error(&mut self, what: &str, code: c_int) -> Error {
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
        Error::InvalidArgument(format!("{what}: the Arrow stream failed: {message}"))
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
    /// `null`: every row null (what pandas exports for an object column of only `None`, or an empty one).
    Null,
}

fn layout_of(schema: &ArrowSchema, what: &str) -> Result<Layout> {
    if schema.format.is_null() {
        return Err(Error::InvalidArgument(format!(
            "{what}: the Arrow schema has no format string"
        )));
    }
    // SAFETY: non-null, NUL-terminated per the interface.
    let format = unsafe { CStr::from_ptr(schema.format) }.to_string_lossy();
    if !schema.dictionary.is_null() {
        return Err(Error::NotText(format!(
            "{what} is a dictionary-encoded Arrow column; decode it first (pyarrow: \
             column.dictionary_decode(), polars: series.cast(pl.String))"
        )));
    }
    match &*format {
        "u" => Ok(Layout::Utf8),
        "U" => Ok(Layout::LargeUtf8),
        "vu" => Ok(Layout::Utf8View),
        "n" => Ok(Layout::Null),
        "z" | "Z" | "vz" => Err(Error::NotText(format!(
            "{what} is an Arrow binary column, not strings: decode it to UTF-8 text first"
        ))),
        "+s" => Err(Error::NotText(format!(
            "{what} is an Arrow table or struct; pass one string column (for example table['text'])"
        ))),
        other => Err(Error::NotText(format!(
            "{what} must be an Arrow string column (string, large_string or string_view), got Arrow format \
             {other:?}"
        ))),
    }
}

/// One string column read through the C data interface: its chunks, kept alive until the column is dropped.
pub struct StringColumn {
    layout: Layout,
    chunks: Vec<OwnedArray>,
    _schema: OwnedSchema,
}

impl std::fmt::Debug for StringColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StringColumn")
            .field("layout", &self.layout)
            .field("chunks", &self.chunks.len())
            .field("rows", &self.len())
            .finish_non_exhaustive()
    }
}

impl StringColumn {
    /// Read every chunk of an Arrow array stream (moved out of its capsule). `what` names the argument in messages.
    ///
    /// # Errors
    ///
    /// [`Error::NotText`] if the stream's column is not strings, [`Error::InvalidArgument`] if the producer fails
    /// or its structs are malformed.
    ///
    /// # Safety
    ///
    /// `stream` must be a live `ArrowArrayStream` as the C stream interface defines it; it is released here.
    pub unsafe fn from_stream(stream: Box<ArrowArrayStream>, what: &str) -> Result<Self> {
        let mut stream = OwnedStream(stream);
        let (Some(get_schema), Some(get_next)) = (stream.0.get_schema, stream.0.get_next) else {
            return Err(Error::InvalidArgument(format!(
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
    }

    /// One array with its schema (both moved out of their capsules). See [`StringColumn::from_stream`].
    ///
    /// # Errors
    ///
    /// As [`StringColumn::from_stream`].
    ///
    /// # Safety
    ///
    /// `schema` and `array` must be live structs as the C data interface defines them, `array` of that schema;
    /// both are released when the column is dropped.
    pub unsafe fn from_array(
        schema: Box<ArrowSchema>,
        array: Box<ArrowArray>,
        what: &str,
    ) -> Result<Self> {
        let (schema, array) = (OwnedSchema(schema), OwnedArray(array));
        let layout = layout_of(&schema.0, what)?;
        Ok(Self {
            layout,
            chunks: vec![array],
            _schema: schema,
        })
    }

    /// Number of documents (rows) in the column, as the producer declares them.
    pub fn len(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| usize::try_from(c.0.length).unwrap_or(0))
            .fold(0, usize::saturating_add)
    }

    /// Every document as a `&str` into the Arrow buffers (a null as ""), checked as described in the module notes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for malformed offsets or views, [`Error::Encoding`] for a document that is not
    /// UTF-8 (naming its row).
    pub fn strs(&self, what: &str) -> Result<Vec<&str>> {
        // The declared length is not trusted with an allocation: a bogus one must fail below, not abort here.
        let mut out = Vec::with_capacity(self.len().min(1 << 20));
        for chunk in &self.chunks {
            // SAFETY: `chunk` was filled in by a producer following the interface for `self.layout`, and stays
            // alive (not released) as long as `self`, which the returned slices borrow.
            unsafe { read_chunk(&chunk.0, self.layout, &mut out, what) }?;
        }
        Ok(out)
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The longest column of the `null` type read (it has no buffer whose size would bound a bogus length).
const MAX_NULL_ROWS: usize = 1 << 32;

fn invalid(what: &str, doc: usize, why: &str) -> Error {
    Error::InvalidArgument(format!("{what}: malformed Arrow data at row {doc}: {why}"))
}

fn non_negative(value: i64, what: &str, doc: usize, field: &str) -> Result<usize> {
    usize::try_from(value).map_err(|_| invalid(what, doc, &format!("negative {field}")))
}

/// Decode one UTF-8 document, naming its row if it is not valid UTF-8.
fn utf8<'a>(bytes: &'a [u8], what: &str, doc: usize) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|err| {
        Error::Encoding(format!(
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
) -> std::result::Result<Vec<usize>, (usize, &'static str)> {
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
) -> Result<()> {
    let first = out.len();
    let length = non_negative(array.length, what, first, "length")?;
    let offset = non_negative(array.offset, what, first, "offset")?;
    if length == 0 {
        return Ok(());
    }
    if layout == Layout::Null {
        // No buffer to check the length against: a length no real column of nulls has is refused, not allocated.
        if length > MAX_NULL_ROWS {
            return Err(invalid(what, first, "a null column longer than 2^32 rows"));
        }
        out.extend(std::iter::repeat_n("", length));
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
        Layout::Null => unreachable!("invariant: null columns return above"),
    }
    Ok(())
}

#[cfg(test)]
// The helpers return boxes because the constructors take the structs boxed, as they come out of capsules.
#[allow(clippy::unnecessary_box_returns)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    static RELEASED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn release_array(array: *mut ArrowArray) {
        RELEASED.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the struct the test handed over; a released struct has no callback.
        unsafe { (*array).release = None };
    }

    fn schema(format: &'static CStr) -> Box<ArrowSchema> {
        Box::new(ArrowSchema {
            format: format.as_ptr(),
            ..ArrowSchema::empty()
        })
    }

    /// An array over `buffers` (which the test keeps alive), `length` rows from `offset`.
    fn array(
        buffers: &mut [*const c_void],
        length: i64,
        offset: i64,
        nulls: i64,
    ) -> Box<ArrowArray> {
        Box::new(ArrowArray {
            length,
            null_count: nulls,
            offset,
            n_buffers: i64::try_from(buffers.len()).unwrap(),
            buffers: buffers.as_mut_ptr(),
            ..ArrowArray::empty()
        })
    }

    fn column(format: &'static CStr, array: Box<ArrowArray>) -> Result<StringColumn> {
        // SAFETY: the structs describe buffers the calling test owns and keeps alive.
        unsafe { StringColumn::from_array(schema(format), array, "texts") }
    }

    #[test]
    fn strings_with_nulls_and_an_offset_read_in_place() {
        let data = b"IranSwedenSyria";
        let offsets: [i32; 5] = [0, 4, 10, 10, 15];
        let validity = [0b1011u8]; // row 2 is null
        let mut buffers = [
            validity.as_ptr().cast(),
            offsets.as_ptr().cast(),
            data.as_ptr().cast(),
        ];
        let col = column(c"u", array(&mut buffers, 4, 0, 1)).unwrap();
        assert_eq!(col.strs("texts").unwrap(), ["Iran", "Sweden", "", "Syria"]);
        // A slice of the same buffers: rows 1 to 3, large offsets.
        let large: [i64; 5] = [0, 4, 10, 10, 15];
        let mut buffers = [ptr::null(), large.as_ptr().cast(), data.as_ptr().cast()];
        let col = column(c"U", array(&mut buffers, 3, 1, 0)).unwrap();
        assert_eq!(
            (col.len(), col.strs("texts").unwrap()),
            (3, vec!["Sweden", "", "Syria"])
        );
    }

    #[test]
    fn malformed_offsets_and_bad_utf8_name_the_row() {
        let data = b"ab\xffcd";
        let decreasing: [i32; 3] = [0, 2, 1];
        let mut buffers = [
            ptr::null(),
            decreasing.as_ptr().cast(),
            data.as_ptr().cast(),
        ];
        let err = column(c"u", array(&mut buffers, 2, 0, 0))
            .unwrap()
            .strs("texts")
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)));
        assert_eq!(
            err.to_string(),
            "texts: malformed Arrow data at row 1: decreasing offsets"
        );
        let negative: [i32; 2] = [-1, 2];
        let mut buffers = [ptr::null(), negative.as_ptr().cast(), data.as_ptr().cast()];
        let err = column(c"u", array(&mut buffers, 1, 0, 0))
            .unwrap()
            .strs("texts")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "texts: malformed Arrow data at row 0: negative offset"
        );
        let offsets: [i32; 3] = [0, 2, 5];
        let mut buffers = [ptr::null(), offsets.as_ptr().cast(), data.as_ptr().cast()];
        let err = column(c"u", array(&mut buffers, 2, 0, 0))
            .unwrap()
            .strs("texts")
            .unwrap_err();
        assert!(matches!(err, Error::Encoding(_)));
        assert!(
            err.to_string()
                .starts_with("texts[1] is not valid UTF-8 (at byte 0)"),
            "{err}"
        );
        let mut buffers = [ptr::null(), offsets.as_ptr().cast()];
        let err = column(c"u", array(&mut buffers, 2, 0, 0))
            .unwrap()
            .strs("texts")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "texts: malformed Arrow data at row 0: too few buffers"
        );
    }

    /// A 16-byte string view: inline if at most 12 bytes, else a prefix, a buffer index and an offset.
    fn view(s: &[u8], buffer: i32, offset: i32) -> [u8; 16] {
        let mut v = [0u8; 16];
        v[..4].copy_from_slice(&i32::try_from(s.len()).unwrap().to_le_bytes());
        if s.len() <= 12 {
            v[4..4 + s.len()].copy_from_slice(s);
        } else {
            v[4..8].copy_from_slice(&s[..4]);
            v[8..12].copy_from_slice(&buffer.to_le_bytes());
            v[12..].copy_from_slice(&offset.to_le_bytes());
        }
        v
    }

    #[test]
    fn string_views_inline_and_in_buffers_are_checked_against_the_declared_sizes() {
        let long = b"Democratic People's Republic of Korea";
        let data = [b"xx".as_slice(), long].concat();
        let views: Vec<u8> = [view(b"Iran", 0, 0), view(long, 0, 2)].concat();
        let sizes = [i64::try_from(data.len()).unwrap()];
        let mut buffers = [
            ptr::null(),
            views.as_ptr().cast(),
            data.as_ptr().cast(),
            sizes.as_ptr().cast(),
        ];
        let col = column(c"vu", array(&mut buffers, 2, 0, 0)).unwrap();
        assert_eq!(
            col.strs("texts").unwrap(),
            ["Iran", "Democratic People's Republic of Korea"]
        );
        let short = [5i64];
        let mut buffers = [
            ptr::null(),
            views.as_ptr().cast(),
            data.as_ptr().cast(),
            short.as_ptr().cast(),
        ];
        let err = column(c"vu", array(&mut buffers, 2, 0, 0))
            .unwrap()
            .strs("texts")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "texts: malformed Arrow data at row 1: view outside its buffer"
        );
        let missing: Vec<u8> = view(long, 3, 0).to_vec();
        let mut buffers = [
            ptr::null(),
            missing.as_ptr().cast(),
            data.as_ptr().cast(),
            sizes.as_ptr().cast(),
        ];
        let err = column(c"vu", array(&mut buffers, 1, 0, 0))
            .unwrap()
            .strs("texts")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "texts: malformed Arrow data at row 0: view into a missing buffer"
        );
    }

    #[test]
    fn other_types_are_refused_and_arrays_released_once() {
        let mut buffers: [*const c_void; 0] = [];
        for (format, expected) in [
            (c"z", "is an Arrow binary column"),
            (c"+s", "is an Arrow table or struct"),
            (c"i", "must be an Arrow string column"),
        ] {
            let err = column(format, array(&mut buffers, 0, 0, 0)).unwrap_err();
            assert!(matches!(err, Error::NotText(_)), "{format:?}");
            assert!(err.to_string().contains(expected), "{err}");
        }
        let mut dictionary = schema(c"i");
        let mut values = ArrowSchema {
            format: c"u".as_ptr(),
            ..ArrowSchema::empty()
        };
        dictionary.dictionary = &raw mut values;
        // SAFETY: structs over no buffers, alive for the call.
        let err =
            unsafe { StringColumn::from_array(dictionary, array(&mut buffers, 0, 0, 0), "texts") };
        assert!(err.unwrap_err().to_string().contains("dictionary-encoded"));
        let before = RELEASED.load(Ordering::SeqCst);
        let mut owned = array(&mut buffers, 0, 0, 0);
        owned.release = Some(release_array);
        let col = column(c"u", owned).unwrap();
        assert!(col.is_empty() && col.strs("texts").unwrap().is_empty());
        drop(col);
        assert_eq!(RELEASED.load(Ordering::SeqCst), before + 1);
    }
}
