//! Native ceiling for the benchmark suite (`benchmarks/suite.py`): the `aho-corasick` crate alone, no Python, no
//! boundary check, no case policy, no offsets conversion, only counting matches.
//!
//! ```text
//! cargo run --release --example ceiling -- PATTERNS CORPUS [REPEAT]
//! ```
//!
//! `PATTERNS` holds one pattern per line; `CORPUS` is searched as one haystack. Every automaton is ASCII
//! case-insensitive. For each of the DFA and the contiguous NFA, with `MatchKind::Standard` (every overlapping
//! occurrence, what cybernexus collects before its filters) and `MatchKind::LeftmostLongest` (non-overlapping), the
//! program prints the build time, the median search time of `REPEAT` runs (default 3, after one untimed run), the
//! throughput in MB/s (10^6 bytes per second), the match count and the automaton's heap size, as one JSON object.

use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde_json::{json, Value};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn measure(
    patterns: &[&str],
    haystack: &[u8],
    kind: AhoCorasickKind,
    match_kind: MatchKind,
    repeat: usize,
) -> Result<Value, Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let automaton = AhoCorasick::builder()
        .kind(Some(kind))
        .match_kind(match_kind)
        .ascii_case_insensitive(true)
        .build(patterns)?;
    let build_ms = t0.elapsed().as_secs_f64() * 1e3;
    let count = || -> usize {
        if match_kind == MatchKind::Standard {
            automaton.find_overlapping_iter(haystack).count()
        } else {
            automaton.find_iter(haystack).count()
        }
    };
    let matches = count();
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let t = Instant::now();
        let n = count();
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(n, matches);
    }
    let seconds = median(times);
    #[allow(clippy::cast_precision_loss)]
    let mb = haystack.len() as f64 / 1e6;
    Ok(json!({
        "automaton": format!("{kind:?}"),
        "match_kind": format!("{match_kind:?}"),
        "build_ms": build_ms,
        "seconds": seconds,
        "mb_per_s": mb / seconds,
        "matches": matches,
        "heap_bytes": automaton.memory_usage(),
    }))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: ceiling PATTERNS CORPUS [REPEAT]".into());
    }
    let pattern_text = std::fs::read_to_string(&args[0])?;
    let patterns: Vec<&str> = pattern_text.lines().filter(|p| !p.is_empty()).collect();
    let haystack = std::fs::read(&args[1])?;
    let repeat = match args.get(2) {
        Some(r) => r.parse::<usize>()?.max(1),
        None => 3,
    };
    let mut runs = Vec::new();
    for kind in [AhoCorasickKind::DFA, AhoCorasickKind::ContiguousNFA] {
        for match_kind in [MatchKind::Standard, MatchKind::LeftmostLongest] {
            runs.push(measure(&patterns, &haystack, kind, match_kind, repeat)?);
        }
    }
    let report = json!({
        "patterns": patterns.len(),
        "bytes": haystack.len(),
        "repeat": repeat,
        "runs": runs,
    });
    println!("{report}");
    Ok(())
}
