//! cybernexus: find countries, government agencies and threat actors in text, resolve their aliases to one entity,
//! and count which entities are mentioned together.
//!
//! This crate is the pure-Rust core; the Python bindings live behind the `python` feature.
//!
//! ```
//! use std::sync::Arc;
//! use cybernexus::{Gazetteer, Matcher, Offsets, Overlaps, RawAlias, RawRecord};
//!
//! let apt28 = RawRecord {
//!     id: "threat_actor:apt28".into(),
//!     kind: "threat_actor".into(),
//!     name: "APT28".into(),
//!     aliases: vec![RawAlias::Text("Fancy Bear".into())],
//!     attrs: Default::default(),
//! };
//! let matcher = Matcher::new(Arc::new(Gazetteer::from_records([apt28])?), Overlaps::Longest)?;
//! let found = matcher.find("Analysts blamed FANCY BEAR, not apt28.", Offsets::Chars);
//! assert_eq!((found.len(), found[0].start, found[0].end), (1, 16, 26));
//! # Ok::<(), cybernexus::Error>(())
//! ```

pub mod arrow;
pub mod context;
pub mod cooccurrence;
pub mod error;
pub mod gazetteer;
pub mod labels;
pub mod matcher;
pub mod normalize;
pub mod parallel;
pub mod patterns;
pub mod segment;
pub mod wordtrie;

#[cfg(test)]
mod testing;

#[cfg(feature = "python")]
mod python;

pub use context::Resolution;
pub use error::{Error, Result};
pub use gazetteer::{
    parse_csv, parse_json, read_csv, read_json, Alias, CasePolicy, Entity, Gazetteer, OnConflict,
    RawAlias, RawRecord,
};
pub use matcher::{Match, MatchTable, Matcher, Offsets, Overlaps, Resolve, Rules, Via};
