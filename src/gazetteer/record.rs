//! Gazetteer records as users write them, and the one reader that turns a record of any source (a JSON file's
//! tree, Python dicts) into a [`RawRecord`].
//!
//! A source implements [`RecordValue`]: it says what shape a value has and how its own language names types. The
//! reader owns the rules (which keys a record and an alias take, which are required, what each must be) and the
//! wording of every error, so a record written in Python and the same record in a JSON file are refused for the
//! same reason in the same words, only with the source's type names ("must be str, got int" against "must be a
//! string, got a number"). Errors name the record by position and id: [`Error::Record`] for a wrong value,
//! [`Error::RecordType`] for a wrong type (a `TypeError` in Python; inside a file, the file's error).

use std::collections::BTreeMap;

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
    /// [`RawRecord::into_entity`] for an entity built on its own: errors name the entity, not a record position.
    ///
    /// # Errors
    ///
    /// As [`RawRecord::into_entity`], with no index in the [`Error::Record`].
    pub fn into_lone_entity(self) -> Result<Entity> {
        self.into_entity(0).map_err(|e| match e {
            Error::Record { id, message, .. } => Error::Record {
                index: None,
                id,
                message,
            },
            other => other,
        })
    }

    /// Validate the record (the `index`-th of its source) and build the entity.
    ///
    /// # Errors
    ///
    /// [`Error::Record`]: an empty or padded id or kind, an empty name or alias, an unknown case policy, an empty
    /// attribute name.
    pub fn into_entity(self, index: usize) -> Result<Entity> {
        let fail = |id: Option<&str>, message: String| Error::Record {
            index: Some(index),
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
            let text = trimmed(text);
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
            aliases.push(Alias {
                text,
                case,
                form,
                needs_support,
            });
        }
        // Repeats dropped, the first kept: by a set of borrowed aliases, not a search of the list (one entity may
        // have 100k aliases, and a search made that quadratic), nor a set of copies (a copy of every alias).
        let mut seen = std::collections::HashSet::with_capacity(aliases.len());
        let first: Vec<bool> = aliases.iter().map(|alias| seen.insert(alias)).collect();
        drop(seen);
        let mut first = first.into_iter();
        aliases.retain(|_| first.next().unwrap_or(true));
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

/// `text` without white space at either end, reusing its buffer when there is none.
fn trimmed(text: String) -> String {
    let t = text.trim_matches(char::is_whitespace);
    if t.len() == text.len() {
        text
    } else {
        t.to_owned()
    }
}

/// The shape of one value of a record source, as [`RecordValue::shape`] sees it.
pub enum Shape<V> {
    /// JSON `null`, Python `None`: the same as leaving an optional key out.
    Null,
    /// A string, or why it has no UTF-8 form (Python's lone surrogates: `contains a lone surrogate at index 4`).
    Str(std::result::Result<String, String>),
    /// A boolean.
    Bool(bool),
    /// A sequence (a JSON array; any Python iterable but `str`, `bytes` and `dict`).
    List(Vec<V>),
    /// A mapping, in its order (a JSON object, a Python dict); a key that is not a string is given by its type
    /// name.
    Map(Vec<(std::result::Result<String, String>, V)>),
    /// Anything else (a number, bytes, ...).
    Other,
}

/// How a source names, in its own language, what a value must be; see [`RecordValue::NAMES`].
pub struct TypeNames {
    /// A record: `a dict`, `an object`.
    pub record: &'static str,
    /// A string: `str`, `a string`.
    pub string: &'static str,
    /// A boolean: `a bool`, `a boolean`.
    pub boolean: &'static str,
    /// The aliases: `a list of str or dict`.
    pub aliases: &'static str,
    /// One alias: `a str or a dict`.
    pub alias: &'static str,
    /// The attributes: `a dict of str to str`.
    pub attrs: &'static str,
    /// Said after an attribute that is a number: how to write it as a string in this source.
    pub number_hint: &'static str,
}

/// One value of a record source: a node of a JSON tree, a Python object.
///
/// The source only reports shapes and type names; [`read_record`] decides what is valid.
pub trait RecordValue: Sized {
    /// The source's own errors (Python's exceptions while iterating); core errors convert into it.
    type Error: From<Error>;
    /// How this source names types in messages.
    const NAMES: TypeNames;
    /// The value's type as the source names it (`NoneType`, `int`; `null`, `a number`), for error messages.
    fn type_name(&self) -> String;
    /// What the value is, with its items or entries.
    ///
    /// # Errors
    ///
    /// Whatever the source raises while reading the value (a Python iterator that fails).
    fn shape(&self) -> std::result::Result<Shape<Self>, Self::Error>;
}

/// Where in a record the reader is, for its errors.
struct At<'a> {
    index: Option<usize>,
    id: Option<&'a str>,
}

impl At<'_> {
    fn value(&self, message: String) -> Error {
        Error::Record {
            index: self.index,
            id: self.id.map(str::to_owned),
            message,
        }
    }

    fn wrong_type<V: RecordValue>(
        &self,
        what: Option<&str>,
        expected: &str,
        got: &V,
        hint: &str,
    ) -> Error {
        self.wrong_type_name(what, expected, &got.type_name(), hint)
    }

    fn wrong_type_name(&self, what: Option<&str>, expected: &str, got: &str, hint: &str) -> Error {
        Error::RecordType {
            index: self.index,
            id: self.id.map(str::to_owned),
            what: what.map(str::to_owned),
            message: format!("must be {expected}, got {got}{hint}"),
        }
    }

    /// `value`, which must be a string.
    fn string<V: RecordValue>(
        &self,
        what: &str,
        value: &V,
    ) -> std::result::Result<String, V::Error> {
        match value.shape()? {
            Shape::Str(Ok(s)) => Ok(s),
            Shape::Str(Err(problem)) => {
                let at = crate::error::fmt_record(self.index, self.id);
                Err(Error::Encoding(format!("{at}: {what} {problem}")).into())
            }
            _ => Err(self
                .wrong_type(Some(what), V::NAMES.string, value, "")
                .into()),
        }
    }
}

fn unknown_key(key: &str, known: &[&str]) -> String {
    format!("unknown key {key:?} (expected {})", known.join(", "))
}

/// Read the `index`-th record of a source (`None`: an entity on its own), a mapping with the keys in
/// [`RECORD_KEYS`].
///
/// # Errors
///
/// [`Error::RecordType`] for a value of the wrong type, [`Error::Record`] for an unknown or missing key,
/// [`Error::Encoding`] for a string without a UTF-8 form, or the source's own error.
pub fn read_record<V: RecordValue>(
    index: Option<usize>,
    value: &V,
) -> std::result::Result<RawRecord, V::Error> {
    let at = At { index, id: None };
    let Shape::Map(entries) = value.shape()? else {
        return Err(at.wrong_type(None, V::NAMES.record, value, "").into());
    };
    let get = |name: &str| {
        entries
            .iter()
            .find(|(k, _)| k.as_deref() == Ok(name))
            .map(|(_, v)| v)
    };
    // The id, if it is a string, names the record in every later error.
    let id_hint = match get("id").map(RecordValue::shape).transpose()? {
        Some(Shape::Str(Ok(id))) => Some(id),
        _ => None,
    };
    let at = At {
        index,
        id: id_hint.as_deref(),
    };
    for (key, _) in &entries {
        match key {
            Ok(k) if RECORD_KEYS.contains(&k.as_str()) => {}
            Ok(k) => return Err(at.value(unknown_key(k, &RECORD_KEYS)).into()),
            Err(got) => {
                let err = at.wrong_type_name(Some("a key"), V::NAMES.string, got, "");
                return Err(err.into());
            }
        }
    }
    let required = |name: &str| get(name).ok_or_else(|| at.value(format!("missing {name:?}")));
    let (id, kind, name) = (required("id")?, required("kind")?, required("name")?);
    read_parts(index, id, kind, name, get("aliases"), get("attrs"))
}

/// Read a record given as its parts (Python's `Entity(id, kind, name, aliases, attrs)`); see [`read_record`].
///
/// # Errors
///
/// As [`read_record`].
pub fn read_parts<V: RecordValue>(
    index: Option<usize>,
    id: &V,
    kind: &V,
    name: &V,
    aliases: Option<&V>,
    attrs: Option<&V>,
) -> std::result::Result<RawRecord, V::Error> {
    let at = At { index, id: None };
    let id = at.string("'id'", id)?;
    let at = At {
        index,
        id: Some(&id),
    };
    let kind = at.string("'kind'", kind)?;
    let name = at.string("'name'", name)?;
    let mut raw_aliases = Vec::new();
    if let Some(aliases) = aliases {
        match aliases.shape()? {
            Shape::Null => {}
            Shape::List(items) => {
                for (a, item) in items.iter().enumerate() {
                    raw_aliases.push(read_alias(&at, a, item)?);
                }
            }
            shape => {
                let hint = match shape {
                    Shape::Str(_) | Shape::Map(_) => " (wrap a single alias in a list)",
                    _ => "",
                };
                let what = Some("'aliases'");
                return Err(at.wrong_type(what, V::NAMES.aliases, aliases, hint).into());
            }
        }
    }
    let mut raw_attrs = BTreeMap::new();
    if let Some(attrs) = attrs {
        match attrs.shape()? {
            Shape::Null => {}
            Shape::Map(entries) => {
                for (key, value) in &entries {
                    let key = key.as_ref().map_err(|got| {
                        at.wrong_type_name(Some("an attribute name"), V::NAMES.string, got, "")
                    })?;
                    let what = format!("attribute {key:?}");
                    let value = match value.shape()? {
                        Shape::Str(_) | Shape::Null | Shape::List(_) | Shape::Map(_) => {
                            at.string(&what, value)?
                        }
                        Shape::Bool(_) | Shape::Other => {
                            let hint = V::NAMES.number_hint;
                            return Err(at
                                .wrong_type(Some(&what), V::NAMES.string, value, hint)
                                .into());
                        }
                    };
                    raw_attrs.insert(key.clone(), value);
                }
            }
            _ => {
                return Err(at
                    .wrong_type(Some("'attrs'"), V::NAMES.attrs, attrs, "")
                    .into())
            }
        }
    }
    Ok(RawRecord {
        id,
        kind,
        name,
        aliases: raw_aliases,
        attrs: raw_attrs,
    })
}

/// Read alias `a` of the record at `at`: a string, or a mapping with the keys in [`ALIAS_KEYS`].
fn read_alias<V: RecordValue>(
    at: &At<'_>,
    a: usize,
    value: &V,
) -> std::result::Result<RawAlias, V::Error> {
    let entries = match value.shape()? {
        Shape::Str(_) => return Ok(RawAlias::Text(at.string(&format!("alias {a}"), value)?)),
        Shape::Map(entries) => entries,
        _ => {
            let what = format!("alias {a}: an alias");
            return Err(at.wrong_type(Some(&what), V::NAMES.alias, value, "").into());
        }
    };
    let mut text = None;
    let (mut case, mut form, mut needs_support) = (None, None, false);
    for (key, item) in &entries {
        let key = key.as_ref().map_err(|got| {
            let what = format!("alias {a}: a key");
            at.wrong_type_name(Some(&what), V::NAMES.string, got, "")
        })?;
        let what = format!("alias {a}: {key:?}");
        let optional = |item: &V| -> std::result::Result<Option<String>, V::Error> {
            match item.shape()? {
                Shape::Null => Ok(None),
                _ => at.string(&what, item).map(Some),
            }
        };
        match key.as_str() {
            "text" => text = optional(item)?,
            "case" => case = optional(item)?,
            "form" => form = optional(item)?,
            "needs_support" => {
                needs_support = match item.shape()? {
                    Shape::Null => false,
                    Shape::Bool(b) => b,
                    _ => {
                        return Err(at
                            .wrong_type(Some(&what), V::NAMES.boolean, item, "")
                            .into())
                    }
                }
            }
            _ => {
                let message = format!("alias {a}: {}", unknown_key(key, &ALIAS_KEYS));
                return Err(at.value(message).into());
            }
        }
    }
    let text = text.ok_or_else(|| at.value(format!("alias {a}: missing \"text\"")))?;
    Ok(RawAlias::Spec {
        text,
        case,
        form,
        needs_support,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn duplicate_aliases_are_dropped_in_order() {
        let texts = ["B", "A", "B", "C", "A", "X"];
        let mut aliases: Vec<RawAlias> =
            texts.iter().map(|t| RawAlias::Text((*t).into())).collect();
        aliases.push(RawAlias::Spec {
            text: "A".into(),
            case: Some("insensitive".into()),
            form: None,
            needs_support: false,
        });
        let record = RawRecord {
            id: "x".into(),
            kind: "k".into(),
            name: "X".into(),
            aliases,
            attrs: BTreeMap::new(),
        };
        let entity = record.into_entity(0).unwrap();
        let got: Vec<(&str, &str)> = entity
            .aliases
            .iter()
            .map(|a| (a.text.as_str(), a.case.as_str()))
            .collect();
        // "A" twice with the automatic policy (exact: a one-letter acronym), once more as insensitive: a different
        // alias. "X" is the name, already listed, so it is not added in front.
        assert_eq!(
            got,
            [
                ("B", "exact"),
                ("A", "exact"),
                ("C", "exact"),
                ("X", "exact"),
                ("A", "insensitive")
            ]
        );
    }
}
