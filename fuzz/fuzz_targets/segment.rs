//! Paragraphs and sentences of arbitrary text: spans in order, inside the text, on character boundaries, without
//! surrounding white space, each sentence inside its paragraph; code-point spans agree with byte spans.
#![no_main]

mod common;

use common::{text, Bytes};
use cybernexus::segment::{segment, segment_chars};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match std::str::from_utf8(data) {
        Ok(t) if data.first().is_some_and(|b| b % 2 == 0) => t.to_owned(),
        _ => text(&mut Bytes(data)),
    };
    let s = segment(&text);
    let mut last = 0;
    for p in &s.paragraphs {
        assert!(
            last <= p.start && p.start < p.end && p.end <= text.len(),
            "{text:?}"
        );
        assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
        let span = &text[p.start..p.end];
        assert_eq!(span.trim_matches(char::is_whitespace), span, "{text:?}");
        last = p.end;
    }
    assert_eq!(s.sentences.len(), s.sentence_paragraph.len());
    let mut last = 0;
    for (sentence, &p) in s.sentences.iter().zip(&s.sentence_paragraph) {
        assert!(
            last <= sentence.start && sentence.start < sentence.end,
            "{text:?}"
        );
        let para = s.paragraphs[p as usize];
        assert!(
            para.start <= sentence.start && sentence.end <= para.end,
            "{text:?}"
        );
        last = sentence.end;
    }
    let c = segment_chars(&text).expect("no allocation fails here");
    let to_chars = |b: usize| text[..b].chars().count();
    assert_eq!(c.paragraphs.len(), s.paragraphs.len());
    for (pc, pb) in c.paragraphs.iter().zip(&s.paragraphs) {
        assert_eq!((pc.start, pc.end), (to_chars(pb.start), to_chars(pb.end)));
    }
    assert_eq!(c.sentences.len(), s.sentences.len());
});
