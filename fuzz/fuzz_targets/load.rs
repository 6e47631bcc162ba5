//! The JSON and CSV gazetteer readers on arbitrary bytes: an error or records, never a panic; records that load
//! build a gazetteer or fail with an error, and a gazetteer survives its own serialisation.
#![no_main]

use std::path::Path;

use cybernexus::{parse_csv, parse_json, Gazetteer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for records in [
        parse_json(text, Path::new("f.json")),
        parse_csv(text, Path::new("f.csv")),
    ] {
        if let Ok(records) = records {
            if let Ok(g) = Gazetteer::from_records(records) {
                let again = Gazetteer::from_bytes(&g.to_bytes())
                    .expect("a gazetteer decodes its own bytes");
                assert_eq!(again.entities(), g.entities());
            }
        }
    }
});
