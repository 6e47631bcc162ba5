//! Helpers shared by the unit tests.

/// Random texts made of given pieces, from a xorshift generator: no dependency, the same texts on every run.
pub(crate) struct RandomTexts {
    state: u64,
}

impl RandomTexts {
    /// A generator started from `seed` (not 0).
    pub(crate) fn new(seed: u64) -> Self {
        RandomTexts { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    /// A text of fewer than `max_pieces` pieces drawn from `pieces`.
    pub(crate) fn text(&mut self, pieces: &[&str], max_pieces: u64) -> String {
        let len = self.next() % max_pieces;
        (0..len)
            .map(|_| pieces[usize::try_from(self.next() % pieces.len() as u64).unwrap()])
            .collect()
    }
}
