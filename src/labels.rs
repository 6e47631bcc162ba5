//! The label columns of a [`MatchTable`](crate::MatchTable), dictionary-encoded over the labels its rows use.
//!
//! A table's rows hold entity and alias positions; readers want ids, kinds, names and alias texts. Spelling a label
//! per row costs one string per mention, and a label table of the whole gazetteer (thousands of entities, tens of
//! thousands of aliases) costs more than a batch of a few hundred mentions is worth. The encoding here touches only
//! the entities the rows name: each column becomes small integer codes into its distinct values, which Arrow keeps as
//! a dictionary column and pandas as a categorical, or expands with one `take`.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::gazetteer::Entity;

/// One dictionary-encoded column: row `i`'s label is `values[codes[i]]`. The values are distinct, in the order of
/// their first use, so the same rows always give the same encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary<'a> {
    /// A position in `values` per row.
    pub codes: Vec<i32>,
    /// The distinct labels.
    pub values: Vec<&'a str>,
}

impl<'a> Dictionary<'a> {
    fn code(&mut self, seen: &mut HashMap<&'a str, i32>, label: &'a str) -> Result<i32> {
        if let Some(&code) = seen.get(label) {
            return Ok(code);
        }
        let code = i32::try_from(self.values.len())
            .map_err(|_| Error::InvalidArgument("more than 2^31 distinct labels".into()))?;
        self.values.push(label);
        seen.insert(label, code);
        Ok(code)
    }

    /// The code of an optional label: [`NULL`] for none.
    fn code_or_null(
        &mut self,
        seen: &mut HashMap<&'a str, i32>,
        label: Option<&'a str>,
    ) -> Result<i32> {
        label.map_or(Ok(NULL), |label| self.code(seen, label))
    }
}

/// The code of a row without a label (an alias without a form): what pandas' `Categorical.from_codes` reads as a
/// missing value, and what the Arrow writers mask.
pub const NULL: i32 = -1;

/// A code or position as an index. Codes are built non-negative here; a negative one (a hand-made
/// [`Dictionary`]) maps past any vector, so indexing with it fails loudly instead of wrapping.
fn at(code: i32) -> usize {
    usize::try_from(code).unwrap_or(usize::MAX)
}

impl Dictionary<'_> {
    /// The column spelled out as Arrow's `large_string` layout: `offsets` (one more than the rows) into the
    /// concatenated UTF-8 `data`, so that a reader wraps the two buffers without copying a string per row.
    pub fn expand(&self) -> (Vec<i64>, Vec<u8>) {
        let mut offsets = Vec::with_capacity(self.codes.len() + 1);
        let size: usize = self.codes.iter().map(|&c| self.values[at(c)].len()).sum();
        let mut data = Vec::with_capacity(size);
        offsets.push(0);
        for &code in &self.codes {
            data.extend_from_slice(self.values[at(code)].as_bytes());
            // A Vec never holds more than isize::MAX bytes, so its length fits in i64.
            offsets.push(i64::try_from(data.len()).unwrap_or(i64::MAX));
        }
        (offsets, data)
    }
}

/// The label columns of a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelColumns<'a> {
    /// Entity ids.
    pub id: Dictionary<'a>,
    /// Entity kinds.
    pub kind: Dictionary<'a>,
    /// Canonical names.
    pub name: Dictionary<'a>,
    /// The texts of the aliases that matched.
    pub alias: Dictionary<'a>,
    /// The forms of the aliases that matched (`"name"`, `"adjective"`, `"acronym"`, ...), [`NULL`] for an alias
    /// without one. Never expanded: the code marks the missing values.
    pub form: Dictionary<'a>,
}

/// Encode the labels of rows `(entity[i], alias[i])`, where an entity position counts first the `entities` of the
/// gazetteer, then the `extra` ones (threat actors named by a numbering scheme, see
/// [`MatchTable::compact_pattern_entities`](crate::MatchTable::compact_pattern_entities)).
///
/// # Errors
///
/// [`Error::InvalidArgument`] if the two columns differ in length or a position names no entity or alias.
pub fn label_columns<'a>(
    entity: &[i32],
    alias: &[i32],
    entities: &'a [Entity],
    extra: &'a [Entity],
) -> Result<LabelColumns<'a>> {
    if entity.len() != alias.len() {
        return Err(Error::InvalidArgument(format!(
            "{} entity positions but {} alias positions",
            entity.len(),
            alias.len()
        )));
    }
    let n = entities.len() + extra.len();
    let at = |e: usize| {
        if e < entities.len() {
            &entities[e]
        } else {
            &extra[e - entities.len()]
        }
    };
    let mut out = LabelColumns {
        id: Dictionary::default(),
        kind: Dictionary::default(),
        name: Dictionary::default(),
        alias: Dictionary::default(),
        form: Dictionary::default(),
    };
    for column in [
        &mut out.id,
        &mut out.kind,
        &mut out.name,
        &mut out.alias,
        &mut out.form,
    ] {
        column.codes.reserve_exact(entity.len());
    }
    // Codes of each entity already seen, so that a row costs one lookup in a vector, not three string hashes.
    let mut by_entity: Vec<Option<[i32; 3]>> = vec![None; n];
    let mut by_alias: HashMap<(i32, i32), (i32, i32)> = HashMap::new();
    let (mut ids, mut kinds, mut names, mut texts, mut forms) = Default::default();
    for (&e, &a) in entity.iter().zip(alias) {
        let index = usize::try_from(e).ok().filter(|&i| i < n).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "entity position {e} is outside the {n} entities of the table"
            ))
        })?;
        let record = at(index);
        let codes = if let Some(codes) = by_entity[index] {
            codes
        } else {
            let codes = [
                out.id.code(&mut ids, &record.id)?,
                out.kind.code(&mut kinds, &record.kind)?,
                out.name.code(&mut names, &record.name)?,
            ];
            by_entity[index] = Some(codes);
            codes
        };
        out.id.codes.push(codes[0]);
        out.kind.codes.push(codes[1]);
        out.name.codes.push(codes[2]);
        let codes = if let Some(&codes) = by_alias.get(&(e, a)) {
            codes
        } else {
            let text = usize::try_from(a)
                .ok()
                .and_then(|a| record.aliases.get(a))
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "alias position {a} is outside the {} aliases of {}",
                        record.aliases.len(),
                        record.id
                    ))
                })?;
            let codes = (
                out.alias.code(&mut texts, &text.text)?,
                out.form.code_or_null(&mut forms, text.form.as_deref())?,
            );
            by_alias.insert((e, a), codes);
            codes
        };
        out.alias.codes.push(codes.0);
        out.form.codes.push(codes.1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{Gazetteer, RawAlias, RawRecord};
    use crate::testing::RandomTexts;

    fn gazetteer() -> Gazetteer {
        let record = |id: &str, kind: &str, name: &str, aliases: &[&str]| RawRecord {
            id: id.into(),
            kind: kind.into(),
            name: name.into(),
            // "Russian" has a form, the other aliases none.
            aliases: aliases
                .iter()
                .map(|&a| match a {
                    "Russian" => RawAlias::Spec {
                        text: a.into(),
                        case: None,
                        form: Some("adjective".into()),
                        needs_support: false,
                    },
                    _ => RawAlias::Text(a.into()),
                })
                .collect(),
            attrs: std::collections::BTreeMap::default(),
        };
        Gazetteer::from_records([
            record(
                "country:RU",
                "country",
                "Russia",
                &["Russian Federation", "Russian"],
            ),
            record(
                "threat_actor:apt28",
                "threat_actor",
                "APT28",
                &["Fancy Bear", "Russian"],
            ),
            // Two entities that share a name: one value in the name column.
            record("agency:a", "agency", "Ministry of Defence", &["MoD"]),
            record("agency:b", "agency", "Ministry of Defence", &["MoD"]),
        ])
        .unwrap()
    }

    /// Expands a column, to compare with labels read row by row.
    fn expand<'a>(d: &Dictionary<'a>) -> Vec<&'a str> {
        d.codes.iter().map(|&c| d.values[at(c)]).collect()
    }

    #[test]
    fn codes_follow_first_use_and_values_are_distinct() {
        let g = gazetteer();
        let entities = g.entities();
        // Aliases: [0] is the canonical name, then the listed ones.
        let entity = [1, 0, 1, 3, 2, 0];
        let alias = [1, 2, 2, 1, 1, 0];
        let l = label_columns(&entity, &alias, entities, &[]).unwrap();
        assert_eq!(
            l.id.values,
            ["threat_actor:apt28", "country:RU", "agency:b", "agency:a"]
        );
        assert_eq!(l.id.codes, [0, 1, 0, 2, 3, 1]);
        assert_eq!(l.kind.values, ["threat_actor", "country", "agency"]);
        assert_eq!(l.kind.codes, [0, 1, 0, 2, 2, 1]);
        assert_eq!(l.name.values, ["APT28", "Russia", "Ministry of Defence"]);
        assert_eq!(l.name.codes, [0, 1, 0, 2, 2, 1]);
        // "Russian" of Russia and of APT28 is one value; "MoD" of both agencies too.
        assert_eq!(l.alias.values, ["Fancy Bear", "Russian", "MoD", "Russia"]);
        assert_eq!(l.alias.codes, [0, 1, 1, 2, 2, 3]);
        // "Russian" (rows 1 and 2) has its form, the canonical name (row 5) the form the build gives it, and the
        // other aliases none.
        assert_eq!(l.form.values, ["adjective", "name"]);
        assert_eq!(l.form.codes, [NULL, 0, 0, NULL, NULL, 1]);
    }

    #[test]
    fn random_rows_expand_to_the_labels_read_one_by_one() {
        let g = gazetteer();
        let entities = g.entities();
        let mut random = RandomTexts::new(7);
        for _ in 0..50 {
            let rows = random.text(&["0", "1", "2", "3"], 40);
            let entity: Vec<i32> = rows.bytes().map(|b| i32::from(b - b'0')).collect();
            let alias: Vec<i32> = entity
                .iter()
                .zip(random.text(&["0", "1", "2"], 1000).bytes().cycle())
                .map(|(&e, b)| {
                    let n = i32::try_from(entities[at(e)].aliases.len()).unwrap();
                    i32::from(b - b'0') % n
                })
                .collect();
            let l = label_columns(&entity, &alias, entities, &[]).unwrap();
            let record = |e: &i32| &entities[at(*e)];
            let field =
                |f: fn(&Entity) -> &str| entity.iter().map(|e| f(record(e))).collect::<Vec<_>>();
            assert_eq!(expand(&l.id), field(|r| &r.id));
            assert_eq!(expand(&l.kind), field(|r| &r.kind));
            assert_eq!(expand(&l.name), field(|r| &r.name));
            let texts: Vec<&str> = entity
                .iter()
                .zip(&alias)
                .map(|(e, &a)| record(e).aliases[at(a)].text.as_str())
                .collect();
            assert_eq!(expand(&l.alias), texts);
            let forms: Vec<Option<&str>> = entity
                .iter()
                .zip(&alias)
                .map(|(e, &a)| record(e).aliases[at(a)].form.as_deref())
                .collect();
            let read: Vec<Option<&str>> = l
                .form
                .codes
                .iter()
                .map(|&c| (c != NULL).then(|| l.form.values[at(c)]))
                .collect();
            assert_eq!(read, forms);
            for d in [&l.id, &l.kind, &l.name, &l.alias, &l.form] {
                let mut distinct = d.values.clone();
                distinct.sort_unstable();
                distinct.dedup();
                assert_eq!(distinct.len(), d.values.len());
            }
        }
    }

    #[test]
    fn expand_spells_each_row() {
        let d = Dictionary {
            codes: vec![1, 0, 1, 2],
            values: vec!["Россия", "APT28", ""],
        };
        let (offsets, data) = d.expand();
        assert_eq!(offsets, [0, 5, 17, 22, 22]);
        assert_eq!(std::str::from_utf8(&data).unwrap(), "APT28РоссияAPT28");
        assert_eq!(Dictionary::default().expand(), (vec![0], vec![]));
    }

    #[test]
    fn extra_entities_come_after_the_gazetteer() {
        let g = gazetteer();
        let extra = Gazetteer::from_records([RawRecord {
            id: "threat_actor:unc1234".into(),
            kind: "threat_actor".into(),
            name: "UNC1234".into(),
            aliases: vec![],
            attrs: std::collections::BTreeMap::default(),
        }])
        .unwrap();
        let l = label_columns(&[4, 1], &[0, 0], g.entities(), extra.entities()).unwrap();
        assert_eq!(l.id.values, ["threat_actor:unc1234", "threat_actor:apt28"]);
        assert_eq!(l.kind.values, ["threat_actor"]);
        assert_eq!(l.alias.values, ["UNC1234", "APT28"]);
    }

    #[test]
    fn bad_positions_are_errors() {
        let g = gazetteer();
        let e = |entity: &[i32], alias: &[i32]| {
            label_columns(entity, alias, g.entities(), &[])
                .unwrap_err()
                .to_string()
        };
        assert!(e(&[4], &[0]).contains("entity position 4 is outside the 4 entities"));
        assert!(e(&[-1], &[0]).contains("entity position -1"));
        assert!(e(&[0], &[3]).contains("alias position 3 is outside the 3 aliases of country:RU"));
        assert!(e(&[0, 1], &[0]).contains("2 entity positions but 1 alias positions"));
        assert_eq!(
            label_columns(&[], &[], g.entities(), &[]).unwrap(),
            LabelColumns::default()
        );
    }
}
