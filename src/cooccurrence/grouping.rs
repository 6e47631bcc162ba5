//! What each mention is counted as: the kinds that are counted, and the roll-up of entities into groups (an agency
//! counted as its country), resolved once against a gazetteer into [`Groups`] and the labels of the groups.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::Groups;
use crate::error::Result;
use crate::gazetteer::{Entity, Gazetteer};

/// Kinds that exist so that their longer names win over a country's ("South China Sea", "US$"), and that are not
/// counted unless the kinds to count name them.
pub const SHIELD_KINDS: [&str; 2] = ["region", "currency"];

/// How entities roll up into groups before counting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rollup {
    /// Every entity counts as itself.
    #[default]
    None,
    /// An agency counts as its country and a threat actor as its sponsor ([`Gazetteer::country_of`]), when that is
    /// an ISO 3166-1 alpha-2 code; other entities count as themselves.
    Country,
    /// Entity id to group id; ids not in the map count as themselves.
    Map(BTreeMap<String, String>),
}

/// The kinds to count and the roll-up: what two partial counts must agree on to be added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grouping {
    /// The kinds to count, sorted and distinct; `None`: every kind but [`SHIELD_KINDS`].
    kinds: Option<Vec<String>>,
    rollup: Rollup,
}

/// The id, canonical name and kind of a counted entity or group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Entity id, or group id.
    pub id: String,
    /// The entity's canonical name; a group that is no entity is named by its id.
    pub name: String,
    /// The entity's kind; `"group"` for a group that is no entity.
    pub kind: String,
}

impl Label {
    fn of(e: &Entity) -> Label {
        Label {
            id: e.id.clone(),
            name: e.name.clone(),
            kind: e.kind.clone(),
        }
    }
}

/// A [`Grouping`] resolved against one gazetteer.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What each entity number is counted as.
    pub groups: Groups,
    /// The label of each group id below the gazetteer's size; numbers past it are threat actors named by a
    /// numbering scheme, labelled by [`Gazetteer::entity_at`].
    pub labels: Vec<Label>,
}

impl Plan {
    /// The label of counted number `n`.
    pub fn label(&self, gazetteer: &Gazetteer, n: u32) -> Label {
        match self.labels.get(n as usize) {
            Some(label) if (n as usize) < gazetteer.len() => label.clone(),
            _ => gazetteer.entity_at(n).map_or_else(
                || Label {
                    id: format!("#{n}"),
                    name: format!("#{n}"),
                    kind: "group".into(),
                },
                |e| Label::of(&e),
            ),
        }
    }
}

impl Grouping {
    /// Count `kinds` (`None`: every kind but the shields) after `rollup`.
    pub fn new(kinds: Option<Vec<String>>, rollup: Rollup) -> Grouping {
        let kinds = kinds.map(|mut k| {
            k.sort_unstable();
            k.dedup();
            k
        });
        Grouping { kinds, rollup }
    }

    /// `kinds=[...], rollup=...` as the Python arguments would say it, for messages.
    pub fn describe(&self) -> String {
        let kinds = self.kinds.as_ref().map_or_else(
            || "None".to_owned(),
            |k| {
                let quoted: Vec<String> = k.iter().map(|k| format!("'{k}'")).collect();
                format!("[{}]", quoted.join(", "))
            },
        );
        let rollup = match &self.rollup {
            Rollup::None => "None".to_owned(),
            Rollup::Country => "'country'".to_owned(),
            Rollup::Map(m) => format!("a mapping of {} ids", m.len()),
        };
        format!("kinds={kinds}, rollup={rollup}")
    }

    /// Resolve against `gazetteer`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] for a kind that no entity of the gazetteer has, and for a roll-up mapping
    /// none of whose keys is an entity id of the gazetteer (see [`Grouping::check_map`]).
    pub fn resolve(&self, gazetteer: &Gazetteer) -> Result<Plan> {
        let entities = gazetteer.entities();
        if let Some(kinds) = &self.kinds {
            gazetteer.check_kinds(kinds)?;
        }
        if let Rollup::Map(map) = &self.rollup {
            Self::check_map(map, gazetteer)?;
        }
        let counted = |e: &Entity| match &self.kinds {
            Some(kinds) => kinds.binary_search(&e.kind).is_ok(),
            None => !SHIELD_KINDS.contains(&e.kind.as_str()),
        };
        // Threat actors named by a numbering scheme count as themselves when threat actors are counted.
        let patterns = self
            .kinds
            .as_ref()
            .is_none_or(|k| k.iter().any(|k| k == "threat_actor"));
        let n = entities.len();
        if self.rollup == Rollup::None {
            // Groups are the entities themselves: labels are the entities, numbers their positions.
            let labels = entities.iter().map(Label::of).collect();
            let of = (!entities.iter().all(counted)).then(|| {
                entities
                    .iter()
                    .zip(0u32..)
                    .map(|(e, i)| counted(e).then_some(i))
                    .collect()
            });
            let groups = Groups {
                of,
                n_entities: n,
                patterns,
            };
            return Ok(Plan { groups, labels });
        }
        let target: Vec<Option<String>> = entities
            .iter()
            .map(|e| counted(e).then(|| self.target(e)))
            .collect();
        let mut ids: Vec<&str> = target.iter().flatten().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        let number: HashMap<&str, u32> = ids.iter().zip(0u32..).map(|(&id, i)| (id, i)).collect();
        let labels = ids
            .iter()
            .map(|&id| {
                gazetteer.get(id).map_or_else(
                    || Label {
                        id: id.to_owned(),
                        name: id.to_owned(),
                        kind: "group".into(),
                    },
                    Label::of,
                )
            })
            .collect();
        let groups = Groups {
            of: Some(
                target
                    .iter()
                    .map(|t| t.as_deref().map(|id| number[id]))
                    .collect(),
            ),
            n_entities: n,
            patterns,
        };
        Ok(Plan { groups, labels })
    }

    /// Refuse a roll-up mapping that would change nothing because none of its keys is an entity id, as when it is
    /// keyed by names (`APT28`) instead of ids (`threat_actor:apt28`): the message gives the id of the first key
    /// that names an entity. Some unknown keys among known ones are allowed, so that one mapping serves a gazetteer
    /// and its filtered parts.
    fn check_map(map: &BTreeMap<String, String>, gazetteer: &Gazetteer) -> Result<()> {
        if map.is_empty() || map.keys().any(|k| gazetteer.get(k).is_some()) {
            return Ok(());
        }
        let hint = map.keys().find_map(|k| {
            let e = gazetteer.entity_at(*gazetteer.lookup(k).first()?)?;
            Some(format!(" ('{k}' is a name; its entity's id is '{}')", e.id))
        });
        let first = map.keys().next().expect("invariant: the map is not empty");
        Err(crate::Error::InvalidArgument(format!(
            "rollup: none of the mapping's {} keys is an entity id of the gazetteer (the first is '{first}'); keys \
             must be entity ids{}",
            map.len(),
            hint.unwrap_or_default()
        )))
    }

    /// The group id entity `e` counts as.
    fn target(&self, e: &Entity) -> String {
        match &self.rollup {
            Rollup::None => e.id.clone(),
            Rollup::Country => match Gazetteer::country_of(e) {
                Some(code) if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
                    format!("country:{code}")
                }
                _ => e.id.clone(),
            },
            Rollup::Map(map) => map.get(&e.id).unwrap_or(&e.id).clone(),
        }
    }
}
