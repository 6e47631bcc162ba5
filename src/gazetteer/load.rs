//! The JSON and CSV readers of gazetteer files.

use std::path::Path;

use serde_json::Value;

use super::record::{read_record, RawAlias, RawRecord, RecordValue, Shape, TypeNames};
use crate::error::{Error, Result};

/// A node of a JSON tree, for [`read_record`]: the tree path of [`read_json`], which names what is wrong.
impl<'a> RecordValue for &'a Value {
    type Error = Error;
    const NAMES: TypeNames = TypeNames {
        record: "an object",
        string: "a string",
        boolean: "a boolean",
        aliases: "a list of strings or objects",
        alias: "a string or an object",
        attrs: "an object of strings",
        number_hint: " (write numbers as strings, in quotes)",
    };

    fn type_name(&self) -> String {
        describe(self).to_owned()
    }

    fn shape(&self) -> Result<Shape<&'a Value>> {
        let value: &'a Value = self;
        Ok(match value {
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::String(s) => Shape::Str(Ok(s.clone())),
            Value::Array(items) => Shape::List(items.iter().collect()),
            Value::Object(map) => Shape::Map(map.iter().map(|(k, v)| (Ok(k.clone()), v)).collect()),
            Value::Number(_) => Shape::Other,
        })
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn read_utf8(path: &Path) -> Result<String> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // A FIFO, socket or device would block or never end (and a blocked read ignores Ctrl-C): regular files only.
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Err(Error::File {
            path: path.to_path_buf(),
            line: None,
            message: "not a regular file (a FIFO, socket, device or folder)".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // An error path: the bytecount crate would be faster, but is not worth a dependency here.
        #[allow(clippy::naive_bytecount)]
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Error::File {
            path: path.to_path_buf(),
            line: Some(line),
            message: "invalid UTF-8".into(),
        }
    })
}

/// Read a JSON gazetteer: a list of records, or an object whose `"entities"` key holds that list.
///
/// Performance note: a well-formed file is read straight into records (serde's derived readers), which takes half
/// the time of building a `serde_json::Value` tree first (the 3 MB built-in gazetteer: about 17 ms against 39 ms);
/// a file that this fast path refuses is read again through the tree, whose errors name the record and the key.
pub fn read_json(path: &Path) -> Result<Vec<RawRecord>> {
    parse_json(&read_utf8(path)?, path)
}

/// [`read_json`] of a file's text; `path` names it in errors.
///
/// # Errors
///
/// As [`read_json`], but for reading the file.
pub fn parse_json(text: &str, path: &Path) -> Result<Vec<RawRecord>> {
    if let Some(records) = fast::records(text) {
        return Ok(records);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| Error::File {
        path: path.to_path_buf(),
        line: Some(e.line()),
        message: format!("invalid JSON: {e}"),
    })?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("entities") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(Error::File {
                    path: path.to_path_buf(),
                    line: None,
                    message: "expected a list of records or an object with an \"entities\" list"
                        .into(),
                })
            }
        },
        other => {
            return Err(Error::File {
                path: path.to_path_buf(),
                line: None,
                message: format!("expected a list of records, got {}", describe(&other)),
            })
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| read_record(Some(i), &v).map_err(|e| e.in_file(path)))
        .collect()
}

/// The fast path of [`read_json`]: exactly the records the tree path accepts, or `None` for anything else.
mod fast {
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::{self, Deserializer, MapAccess, Visitor};
    use serde::Deserialize;

    use super::{RawAlias, RawRecord};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        text: String,
        #[serde(default)]
        case: Option<String>,
        #[serde(default)]
        form: Option<String>,
        #[serde(default)]
        needs_support: Option<bool>,
    }

    struct Alias(RawAlias);

    impl<'de> Deserialize<'de> for Alias {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Alias;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a string or an alias object")
                }
                fn visit_str<E: de::Error>(self, s: &str) -> Result<Alias, E> {
                    Ok(Alias(RawAlias::Text(s.to_owned())))
                }
                fn visit_string<E: de::Error>(self, s: String) -> Result<Alias, E> {
                    Ok(Alias(RawAlias::Text(s)))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Alias, A::Error> {
                    let spec = Spec::deserialize(de::value::MapAccessDeserializer::new(map))?;
                    Ok(Alias(RawAlias::Spec {
                        text: spec.text,
                        case: spec.case,
                        form: spec.form,
                        needs_support: spec.needs_support.unwrap_or(false),
                    }))
                }
            }
            d.deserialize_any(V)
        }
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Record {
        id: String,
        kind: String,
        name: String,
        #[serde(default)]
        aliases: Option<Vec<Alias>>,
        #[serde(default)]
        attrs: Option<BTreeMap<String, String>>,
    }

    #[derive(Deserialize)]
    struct File {
        entities: Vec<Record>,
    }

    pub(super) fn records(text: &str) -> Option<Vec<RawRecord>> {
        let list = if text.trim_start().starts_with('{') {
            serde_json::from_str::<File>(text).ok()?.entities
        } else {
            serde_json::from_str::<Vec<Record>>(text).ok()?
        };
        Some(
            list.into_iter()
                .map(|r| RawRecord {
                    id: r.id,
                    kind: r.kind,
                    name: r.name,
                    aliases: r
                        .aliases
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| a.0)
                        .collect(),
                    attrs: r.attrs.unwrap_or_default(),
                })
                .collect(),
        )
    }
}

/// Read a CSV gazetteer.
///
/// The first row is a header with at least the columns `id`, `kind` and `name`. An optional `aliases` column holds
/// aliases separated by `|` (each with the default case policy). Every other column is an attribute; empty cells are
/// left out.
pub fn read_csv(path: &Path) -> Result<Vec<RawRecord>> {
    parse_csv(&read_utf8(path)?, path)
}

/// [`read_csv`] of a file's text; `path` names it in errors.
///
/// # Errors
///
/// As [`read_csv`], but for reading the file.
pub fn parse_csv(text: &str, path: &Path) -> Result<Vec<RawRecord>> {
    let file_error = |line: Option<u64>, message: String| Error::File {
        path: path.to_path_buf(),
        line: line.map(|l| l as usize),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error(Some(1), format!("invalid CSV header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(id_col), Some(kind_col), Some(name_col)) =
        (column("id"), column("kind"), column("name"))
    else {
        return Err(file_error(
            Some(1),
            format!(
                "the header must name the columns id, kind and name (found: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    // A quote that is never closed makes the csv reader take the rest of the file as one field: every row after it
    // would vanish into that text. Quotes inside a quoted field are doubled, so a closed file has an even number.
    #[allow(clippy::naive_bytecount)] // an error check over one file, not worth the bytecount crate
    let unclosed = text.bytes().filter(|&b| b == b'"').count() % 2 == 1;
    let alias_col = column("aliases");
    let mut records = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.map_err(|e| {
            let line = e.position().map(csv::Position::line);
            file_error(line, format!("invalid CSV: {e}"))
        })?;
        let line = row.position().map(csv::Position::line);
        if unclosed && row.iter().any(|cell| cell.contains(['\n', '\r'])) {
            return Err(file_error(
                line,
                "a quoted field is never closed (a \" without its closing \"), so the rest of the file would be read as \
                 its text"
                    .into(),
            ));
        }
        let cell = |c: usize| row.get(c).unwrap_or("").trim().to_owned();
        let aliases = alias_col
            .map(|c| {
                cell(c)
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(|a| RawAlias::Text(a.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let attrs = headers
            .iter()
            .enumerate()
            .filter(|&(c, _)| {
                ![Some(id_col), Some(kind_col), Some(name_col), alias_col].contains(&Some(c))
            })
            .filter_map(|(c, h)| {
                let v = cell(c);
                (!v.is_empty()).then(|| (h.trim().to_owned(), v))
            })
            .collect();
        let record = RawRecord {
            id: cell(id_col),
            kind: cell(kind_col),
            name: cell(name_col),
            aliases,
            attrs,
        };
        // Validate here so that the error names the line.
        record
            .clone()
            .into_entity(index)
            .map_err(|e| file_error(line, e.to_string()))?;
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_file(name: &str, content: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cybernexus-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(content)
            .unwrap();
        path
    }

    #[test]
    fn reads_json_records_with_alias_specs() {
        let path = temp_file(
            "ok.json",
            br#"{"entities": [{"id": "country:US", "kind": "country", "name": "United States",
                "aliases": ["USA", {"text": "US", "case": "exact", "form": "abbreviation"}],
                "attrs": {"iso3": "USA"}}]}"#,
        );
        let records = read_json(&path).unwrap();
        let entity = records[0].clone().into_entity(0).unwrap();
        assert_eq!(entity.aliases.len(), 3);
        assert_eq!(entity.aliases[0].text, "United States");
        assert_eq!(entity.aliases[2].form.as_deref(), Some("abbreviation"));
    }

    #[test]
    fn the_fast_path_reads_what_the_tree_path_reads() {
        let text = r#"{"entities": [{"id": "a", "kind": "k", "name": "A", "aliases": null, "attrs": null},
            {"id": "b", "kind": "k", "name": "B", "aliases": ["Bee", {"text": "BB", "case": null, "form": "x",
             "needs_support": true}], "attrs": {"q": "1"}}], "format": 1}"#;
        let fast = fast::records(text).unwrap();
        let path = temp_file("fast.json", text.as_bytes());
        assert_eq!(read_json(&path).unwrap(), fast);
        let Value::Object(mut map) = serde_json::from_str::<Value>(text).unwrap() else {
            unreachable!()
        };
        let Some(Value::Array(items)) = map.remove("entities") else {
            unreachable!()
        };
        let tree: Vec<RawRecord> = items
            .iter()
            .enumerate()
            .map(|(i, v)| read_record(Some(i), &v).unwrap())
            .collect();
        assert_eq!(tree, fast);
        // Anything the tree path refuses, the fast path refuses too, so the tree path names the error.
        for bad in [
            r#"[{"id": "x", "kind": "k", "name": "X", "alias": []}]"#,
            r#"[{"id": "x", "kind": "k", "name": "X", "aliases": [{"text": "a", "needs_support": "yes"}]}]"#,
            r#"[{"id": "x", "kind": "k", "name": "X", "attrs": {"n": 1}}]"#,
            r#"[{"id": 3, "kind": "k", "name": "X"}]"#,
        ] {
            assert!(fast::records(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn json_syntax_errors_name_file_and_line() {
        let path = temp_file("bad.json", b"[\n{\"id\": \"x\",\n}\n]");
        let err = read_json(&path).unwrap_err().to_string();
        assert!(err.contains("bad.json:3: invalid JSON"), "{err}");
    }

    #[test]
    fn json_record_errors_name_file_record_and_id() {
        let path = temp_file(
            "typo.json",
            br#"[{"id": "x", "kind": "k", "name": "X", "alias": []}]"#,
        );
        let err = read_json(&path).unwrap_err().to_string();
        assert!(
            err.contains("typo.json: record 0 (id \"x\"): unknown key \"alias\""),
            "{err}"
        );
    }

    #[test]
    fn json_type_errors_use_json_names_for_types() {
        let cases = [
            ("[5]", "record 0 must be an object, got a number"),
            (
                r#"[{"id": "x", "kind": null, "name": "X"}]"#,
                "record 0 (id \"x\"): 'kind' must be a string, got null",
            ),
            (
                r#"[{"id": "x", "kind": "k", "name": "X", "aliases": "X1"}]"#,
                "record 0 (id \"x\"): 'aliases' must be a list of strings or objects, got a string (wrap a single \
                 alias in a list)",
            ),
            (
                r#"[{"id": "x", "kind": "k", "name": "X", "aliases": ["a", [1]]}]"#,
                "record 0 (id \"x\"): alias 1: an alias must be a string or an object, got a list",
            ),
            (
                r#"[{"id": "x", "kind": "k", "name": "X", "attrs": {"year": 1949}}]"#,
                "record 0 (id \"x\"): attribute \"year\" must be a string, got a number (write numbers as \
                 strings, in quotes)",
            ),
            (
                r#"[{"kind": "k", "name": "X"}]"#,
                "record 0: missing \"id\"",
            ),
            (
                r#"[{"id": "x", "kind": "k", "name": "X", "aliases": [{"case": "exact"}]}]"#,
                "record 0 (id \"x\"): alias 0: missing \"text\"",
            ),
        ];
        for (text, message) in cases {
            let err = parse_json(text, Path::new("t.json")).unwrap_err();
            assert!(matches!(err, Error::File { .. }), "{err:?}");
            assert_eq!(err.to_string(), format!("t.json: {message}"));
        }
    }

    #[test]
    fn an_unclosed_quote_is_an_error_not_the_rest_of_the_file() {
        let path = temp_file("quote.csv", b"id,kind,name\na,k,A\nb,k,\"B\nc,k,C\nd,k,D\n");
        let err = read_csv(&path).unwrap_err().to_string();
        assert!(
            err.contains("quote.csv:3: a quoted field is never closed"),
            "{err}"
        );
        // Closed quotes, doubled quotes and a quoted line break are fine.
        let path = temp_file(
            "ok_quote.csv",
            b"id,kind,name,aliases\na,k,\"A, \"\"the\"\" one\",\"x\ny\"\nb,k,B,\n",
        );
        let records = read_csv(&path).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].name, "A, \"the\" one");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_folder_is_refused_without_reading() {
        let dir = std::env::temp_dir().join(format!("cybernexus-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.json");
        let _ = std::fs::remove_file(&fifo);
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        for path in [&fifo, &dir] {
            // Opening a FIFO for reading with no writer blocks: this returns only because it is never opened.
            let err = read_json(path).unwrap_err().to_string();
            assert!(
                err.ends_with(": not a regular file (a FIFO, socket, device or folder)"),
                "{err}"
            );
            assert!(read_csv(path).is_err());
        }
        std::fs::remove_file(&fifo).unwrap();
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let path = temp_file("latin1.csv", b"id,kind,name\nx,k,Caf\xe9\n");
        let err = read_csv(&path).unwrap_err().to_string();
        assert!(err.ends_with("latin1.csv:2: invalid UTF-8"), "{err}");
    }

    #[test]
    fn reads_csv_with_aliases_and_attribute_columns() {
        let path = temp_file(
            "ok.csv",
            "id,kind,name,aliases,iso3\ncountry:SE,country,Sweden,Swedish|Swedes,SWE\n".as_bytes(),
        );
        let records = read_csv(&path).unwrap();
        assert_eq!(records[0].aliases.len(), 2);
        assert_eq!(records[0].attrs["iso3"], "SWE");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let path = temp_file("short.csv", b"id,kind,name\na,k,A\nb,k\n");
        let err = read_csv(&path).unwrap_err().to_string();
        assert!(err.contains("short.csv:3"), "{err}");
        let path = temp_file("noname.csv", b"id,kind,name\na,k,A\nb,k,\n");
        let err = read_csv(&path).unwrap_err().to_string();
        assert!(
            err.contains("noname.csv:3: record 1 (id \"b\"): 'name' is empty"),
            "{err}"
        );
    }
}
