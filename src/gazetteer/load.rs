//! Gazetteer records as users write them, and the JSON and CSV readers.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{Alias, CasePolicy, Entity};
use crate::error::{Error, Result};

/// An alias as written in a record: a plain string (default case policy, see [`CasePolicy::auto`]) or a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawAlias {
    /// Just the text.
    Text(String),
    /// Text with an optional case policy name (`auto`, `insensitive`, `exact`, `upper_first`) and form.
    Spec {
        /// The alias.
        text: String,
        /// Case policy name; `None` means `auto`.
        case: Option<String>,
        /// What kind of name it is ("abbreviation", "adjective", ...).
        form: Option<String>,
        /// See [`Alias::needs_support`].
        needs_support: bool,
    },
}

/// A gazetteer record before validation: `{"id", "kind", "name", "aliases", "attrs"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// Stable id.
    pub id: String,
    /// Kind.
    pub kind: String,
    /// Canonical name (always matched too).
    pub name: String,
    /// Aliases besides the name.
    pub aliases: Vec<RawAlias>,
    /// String attributes.
    pub attrs: BTreeMap<String, String>,
}

/// The record keys [`RawRecord`] accepts.
pub const RECORD_KEYS: [&str; 5] = ["id", "kind", "name", "aliases", "attrs"];
/// The alias-spec keys [`RawAlias::Spec`] accepts.
pub const ALIAS_KEYS: [&str; 4] = ["text", "case", "form", "needs_support"];

fn label(s: &str) -> std::result::Result<String, String> {
    let trimmed = s.trim_matches(char::is_whitespace);
    if trimmed.is_empty() {
        Err("is empty".into())
    } else if trimmed.len() != s.len() {
        Err(format!("{s:?} has leading or trailing white space"))
    } else {
        Ok(s.to_owned())
    }
}

impl RawRecord {
    /// Validate the record (the `index`-th of its source) and build the entity.
    /// [`RawRecord::into_entity`] for an entity built on its own: errors name the entity, not a record position.
    ///
    /// # Errors
    ///
    /// [`Error::Entity`] where [`RawRecord::into_entity`] gives [`Error::Record`].
    pub fn into_lone_entity(self) -> Result<Entity> {
        self.into_entity(0).map_err(|e| match e {
            Error::Record { id, message, .. } => Error::Entity { id, message },
            other => other,
        })
    }

    pub fn into_entity(self, index: usize) -> Result<Entity> {
        let fail = |id: Option<&str>, message: String| Error::Record {
            index,
            id: id.map(str::to_owned),
            message,
        };
        let id = label(&self.id).map_err(|m| fail(None, format!("'id' {m}")))?;
        let kind = label(&self.kind).map_err(|m| fail(Some(&id), format!("'kind' {m}")))?;
        let name = self.name.trim_matches(char::is_whitespace).to_owned();
        if name.is_empty() {
            return Err(fail(Some(&id), "'name' is empty".into()));
        }
        let mut aliases: Vec<Alias> = Vec::with_capacity(self.aliases.len() + 1);
        for (a, raw) in self.aliases.into_iter().enumerate() {
            let (text, case, form, needs_support) = match raw {
                RawAlias::Text(text) => (text, None, None, false),
                RawAlias::Spec {
                    text,
                    case,
                    form,
                    needs_support,
                } => (text, case, form, needs_support),
            };
            let text = text.trim_matches(char::is_whitespace).to_owned();
            if text.is_empty() {
                return Err(fail(Some(&id), format!("alias {a} is empty")));
            }
            let case_name = case.as_deref().unwrap_or("auto");
            let case = CasePolicy::parse(case_name, &text).ok_or_else(|| {
                fail(
                    Some(&id),
                    format!(
                        "alias {text:?} has unknown case policy {case_name:?} (expected one of {})",
                        CasePolicy::NAMES.join(", ")
                    ),
                )
            })?;
            let form = form.filter(|f| !f.trim().is_empty());
            let alias = Alias {
                text,
                case,
                form,
                needs_support,
            };
            if !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
        if !aliases.iter().any(|a| a.text == name) {
            aliases.insert(
                0,
                Alias {
                    case: CasePolicy::auto(&name),
                    text: name.clone(),
                    form: Some("name".into()),
                    needs_support: false,
                },
            );
        }
        for key in self.attrs.keys() {
            if key.trim().is_empty() {
                return Err(fail(Some(&id), "an attribute name is empty".into()));
            }
        }
        Ok(Entity {
            id,
            kind,
            name,
            aliases,
            attrs: self.attrs,
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

fn record_from_json(index: usize, value: Value) -> Result<RawRecord> {
    let fail = |id: Option<&str>, message: String| Error::Record {
        index,
        id: id.map(str::to_owned),
        message,
    };
    let Value::Object(mut map) = value else {
        return Err(fail(
            None,
            format!("expected an object, got {}", describe(&value)),
        ));
    };
    let id = match map.get("id") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let id = id.as_deref();
    if let Some(key) = map.keys().find(|k| !RECORD_KEYS.contains(&k.as_str())) {
        return Err(fail(
            id,
            format!("unknown key {key:?} (expected {})", RECORD_KEYS.join(", ")),
        ));
    }
    let mut string = |key: &str, required: bool| -> Result<String> {
        match map.remove(key) {
            Some(Value::String(s)) => Ok(s),
            None if !required => Ok(String::new()),
            None => Err(fail(id, format!("missing {key:?}"))),
            Some(other) => Err(fail(
                id,
                format!("{key:?} must be a string, got {}", describe(&other)),
            )),
        }
    };
    let rid = string("id", true)?;
    let kind = string("kind", true)?;
    let name = string("name", true)?;
    let aliases = match map.remove("aliases") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(a, item)| alias_from_json(item).map_err(|m| fail(id, format!("alias {a}: {m}"))))
            .collect::<Result<_>>()?,
        Some(other) => {
            return Err(fail(
                id,
                format!("\"aliases\" must be a list, got {}", describe(&other)),
            ))
        }
    };
    let attrs = match map.remove("attrs") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(attrs)) => attrs
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k, s)),
                other => Err(fail(
                    id,
                    format!("attribute {k:?} must be a string, got {}", describe(&other)),
                )),
            })
            .collect::<Result<_>>()?,
        Some(other) => {
            return Err(fail(
                id,
                format!("\"attrs\" must be an object, got {}", describe(&other)),
            ))
        }
    };
    Ok(RawRecord {
        id: rid,
        kind,
        name,
        aliases,
        attrs,
    })
}

fn alias_from_json(value: Value) -> std::result::Result<RawAlias, String> {
    match value {
        Value::String(s) => Ok(RawAlias::Text(s)),
        Value::Object(mut map) => {
            if let Some(key) = map.keys().find(|k| !ALIAS_KEYS.contains(&k.as_str())) {
                return Err(format!(
                    "unknown key {key:?} (expected {})",
                    ALIAS_KEYS.join(", ")
                ));
            }
            let mut opt = |key: &str| match map.remove(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(format!(
                    "{key:?} must be a string, got {}",
                    describe(&other)
                )),
            };
            let text = opt("text")?.ok_or("missing \"text\"")?;
            let (case, form) = (opt("case")?, opt("form")?);
            let needs_support = match map.remove("needs_support") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => b,
                Some(other) => {
                    return Err(format!(
                        "\"needs_support\" must be a boolean, got {}",
                        describe(&other)
                    ))
                }
            };
            Ok(RawAlias::Spec {
                text,
                case,
                form,
                needs_support,
            })
        }
        other => Err(format!(
            "expected a string or an object, got {}",
            describe(&other)
        )),
    }
}

fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
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
pub(crate) fn parse_json(text: &str, path: &Path) -> Result<Vec<RawRecord>> {
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
        .into_iter()
        .enumerate()
        .map(|(i, v)| record_from_json(i, v).map_err(|e| e.in_file(path)))
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
    let text = read_utf8(path)?;
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
    let alias_col = column("aliases");
    let mut records = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.map_err(|e| {
            let line = e.position().map(csv::Position::line);
            file_error(line, format!("invalid CSV: {e}"))
        })?;
        let line = row.position().map(csv::Position::line);
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
            .into_iter()
            .enumerate()
            .map(|(i, v)| record_from_json(i, v).unwrap())
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
    fn a_lone_entity_is_named_by_its_id_not_a_position() {
        let record = |alias: &str| RawRecord {
            id: "x".into(),
            kind: "k".into(),
            name: "X".into(),
            aliases: vec![RawAlias::Text(alias.into())],
            attrs: BTreeMap::new(),
        };
        let err = record(" ").into_lone_entity().unwrap_err();
        assert_eq!(err.to_string(), "entity (id \"x\"): alias 0 is empty");
        assert_eq!(
            record(" ").into_entity(3).unwrap_err().to_string(),
            "record 3 (id \"x\"): alias 0 is empty"
        );
        assert_eq!(record("Ex").into_lone_entity().unwrap().aliases.len(), 2);
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
