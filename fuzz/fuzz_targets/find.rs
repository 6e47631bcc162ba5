//! The matcher on arbitrary text over a tricky gazetteer: no panic, offsets consistent in bytes and code points,
//! mentions in order (and disjoint for leftmost-longest), `find_many` equal to `find` on every thread count.
#![no_main]

mod common;

use common::{matchers, text, Bytes, PREPARED};
use cybernexus::{Offsets, Overlaps};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let (longest, all) = &matchers()[bytes.byte() as usize % PREPARED];
    let text = text(&mut bytes);
    for (m, overlaps) in [(longest, Overlaps::Longest), (all, Overlaps::All)] {
        let chars = m.find(&text, Offsets::Chars);
        let in_bytes = m.find(&text, Offsets::Bytes);
        assert_eq!(chars.len(), in_bytes.len());
        for (c, b) in chars.iter().zip(&in_bytes) {
            assert!(b.byte_start < b.byte_end && b.byte_end <= text.len());
            assert!(text.is_char_boundary(b.byte_start) && text.is_char_boundary(b.byte_end));
            assert_eq!((b.start, b.end), (b.byte_start, b.byte_end));
            assert_eq!(
                (c.byte_start, c.byte_end, c.entity, c.alias),
                (b.byte_start, b.byte_end, b.entity, b.alias)
            );
            assert_eq!(text[..c.byte_start].chars().count(), c.start);
            assert_eq!(text[..c.byte_end].chars().count(), c.end);
        }
        for w in chars.windows(2) {
            assert!(w[0].start <= w[1].start, "{text:?}: {w:?}");
            if overlaps == Overlaps::Longest {
                assert!(w[0].end <= w[1].start, "{text:?}: {w:?}");
            }
        }
        let texts = [text.as_str(), "", text.as_str()];
        for n in [Some(1), Some(2)] {
            let many = m
                .find_many(&texts, Offsets::Chars, n)
                .expect("a valid thread count");
            assert_eq!(many[0], chars);
            assert!(many[1].is_empty());
            assert_eq!(many[2], chars);
        }
    }
});
