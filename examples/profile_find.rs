//! `find_table` with the built-in gazetteer over a JSON list of texts, on one thread: a target for profilers
//! (`perf record`, `valgrind --tool=callgrind --toggle-collect='*find_into*'`) and for paired timings.
//!
//! ```text
//! cargo run --release --example profile_find -- corpus.json [repeat] [norules]
//! ```
//!
//! `GAZ=path.json` reads another gazetteer file (an older built-in one, say); `OFF=support,patterns` turns rules
//! off one by one (names as in [`Rules`]); `norules` turns them all off. Capitals are left out, as
//! `Gazetteer.builtin()` does.

use std::sync::Arc;
use std::time::Instant;

use cybernexus::gazetteer::CAPITAL_FORMS;
use cybernexus::{read_json, Gazetteer, Matcher, Offsets, Overlaps, RawAlias, Resolve, Rules};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = args
        .get(1)
        .expect("usage: profile_find corpus.json [repeat] [norules]");
    let texts: Vec<String> =
        serde_json::from_slice(&std::fs::read(corpus).expect("corpus")).expect("a JSON list");
    let repeat: usize = args.get(2).map_or(1, |r| r.parse().expect("repeat"));
    // `Gazetteer.builtin()` by default, as Python users get it (capitals left out); `GAZ=file.json` another file.
    let gazetteer = match std::env::var("GAZ") {
        Ok(path) => {
            let records = read_json(path.as_ref()).expect("gazetteer file");
            let records = records.into_iter().map(|mut record| {
                record.aliases.retain(|a| {
                    !matches!(a, RawAlias::Spec { form: Some(f), .. } if CAPITAL_FORMS.contains(&f.as_str()))
                });
                record
            });
            Arc::new(Gazetteer::from_records(records).expect("gazetteer"))
        }
        Err(_) => Gazetteer::builtin(false).expect("the built-in gazetteer"),
    };
    let off = if args.get(3).is_some_and(|a| a == "norules") {
        "resolve,variants,patterns,acronyms,support,shields".to_owned()
    } else {
        std::env::var("OFF").unwrap_or_default()
    };
    let on = |name: &str| !off.split(',').any(|o| o == name);
    let rules = Rules {
        resolve: if on("resolve") {
            Resolve::Local
        } else {
            Resolve::None
        },
        variants: on("variants"),
        patterns: on("patterns"),
        acronyms: on("acronyms"),
        support: on("support"),
        shields: on("shields"),
    };
    let matcher = Matcher::with_rules(gazetteer, Overlaps::Longest, rules).expect("matcher");
    let bytes: usize = texts.iter().map(String::len).sum();
    let clock = Instant::now();
    let mut mentions = 0;
    for _ in 0..repeat {
        let table = matcher
            .find_table(&texts, Offsets::Chars, Some(1), false)
            .expect("table");
        mentions += table.len();
    }
    let seconds = clock.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = (bytes * repeat) as f64 / 1e6 / seconds;
    println!("{mentions} mentions, {rate:.1} MB/s");
}
