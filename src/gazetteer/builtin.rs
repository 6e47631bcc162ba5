//! The built-in gazetteer: `python/cybernexus/data/builtin.json`, written by `data/build.py` (CI checks it byte for
//! byte), embedded in the library and read once per process, so that Rust code, the criterion benchmarks, Python
//! and every Dask or Spark worker use the same entities.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::load::parse_json;
use super::{Gazetteer, RawAlias};
use crate::error::{Error, Result};

/// The built-in gazetteer's file, as `data/build.py` writes it.
const BUILTIN_JSON: &str = include_str!("../../python/cybernexus/data/builtin.json");

/// How errors name the embedded file.
const BUILTIN_NAME: &str = "<built-in gazetteer>";

/// Alias forms left out of the built-in gazetteer unless capitals are asked for ("Moscow said", "the Kremlin").
pub const CAPITAL_FORMS: [&str; 2] = ["capital", "metonym"];

impl Gazetteer {
    /// The built-in gazetteer: countries, agencies, threat actors and software with their aliases, regions and
    /// currencies as shields. Capitals and metonyms (aliases of the forms in [`CAPITAL_FORMS`]) are left out
    /// unless `capitals` is true. Read once per process for each value of `capitals` and shared.
    ///
    /// # Errors
    ///
    /// Never for a library built from this repository (its tests read the file); the error of reading the embedded
    /// file otherwise.
    pub fn builtin(capitals: bool) -> Result<Arc<Gazetteer>> {
        static CACHE: [OnceLock<std::result::Result<Arc<Gazetteer>, String>>; 2] =
            [OnceLock::new(), OnceLock::new()];
        CACHE[usize::from(capitals)]
            .get_or_init(|| {
                read_builtin(capitals)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(Error::State)
    }
}

/// Parse the embedded file, leaving out the capital forms unless `capitals`.
fn read_builtin(capitals: bool) -> Result<Gazetteer> {
    let path = Path::new(BUILTIN_NAME);
    let mut records = parse_json(BUILTIN_JSON, path)?;
    if !capitals {
        for record in &mut records {
            record.aliases.retain(|a| {
                !matches!(a, RawAlias::Spec { form: Some(f), .. } if CAPITAL_FORMS.contains(&f.as_str()))
            });
        }
    }
    Gazetteer::from_records(records).map_err(|e| e.in_file(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_read_once_and_capitals_are_opt_in() {
        let plain = Gazetteer::builtin(false).unwrap();
        assert!(Arc::ptr_eq(&plain, &Gazetteer::builtin(false).unwrap()));
        let with = Gazetteer::builtin(true).unwrap();
        assert_eq!(plain.len(), with.len());
        let form = |g: &Gazetteer, f: &str| {
            g.entities()
                .iter()
                .flat_map(|e| &e.aliases)
                .filter(|a| a.form.as_deref() == Some(f))
                .count()
        };
        for f in CAPITAL_FORMS {
            assert_eq!(form(&plain, f), 0, "{f}");
        }
        assert!(form(&with, "capital") > 100);
        let ru = plain.get("country:RU").unwrap();
        assert!(ru.aliases.iter().any(|a| a.text == "Russian Federation"));
        assert!(!ru.aliases.iter().any(|a| a.text == "Moscow"));
        assert!(with
            .get("country:RU")
            .unwrap()
            .aliases
            .iter()
            .any(|a| a.text == "Moscow"));
    }
}
