//! Which items each rank runs: the pieces of a source of `len` items, and the order in
//! which the pieces' results are folded (the iteration order).

/// How the items of a distributed loop are dealt to the ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Schedule {
    /// One contiguous block per rank, of equal sizes (the default).
    Blocks,
    /// Block-cyclic with chunks sized to give each rank about [`CYCLIC_ROUNDS`] of them.
    Cyclic,
    /// Block-cyclic with chunks of `n` items: chunk `k` goes to rank `k % size`.
    Chunks(usize),
}

/// How many chunks each rank gets under `schedule = cyclic`.
pub(super) const CYCLIC_ROUNDS: usize = 8;

/// A contiguous run of items: `start..start + len` of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub start: usize,
    pub len: usize,
}

impl Schedule {
    /// The chunk size of a block-cyclic schedule; `None` for static blocks.
    fn chunk(self, len: usize, size: usize) -> Option<usize> {
        match self {
            Schedule::Blocks => None,
            Schedule::Cyclic => Some(len.div_ceil(size * CYCLIC_ROUNDS).max(1)),
            Schedule::Chunks(n) => Some(n.max(1)),
        }
    }

    /// How many pieces the whole source is cut into. Piece `k` belongs to rank
    /// `k % size` and is that rank's piece number `k / size`.
    pub(crate) fn piece_count(self, len: usize, size: usize) -> usize {
        match self.chunk(len, size) {
            None => size,
            Some(chunk) => len.div_ceil(chunk),
        }
    }

    /// Piece `k` of the source.
    pub(crate) fn piece(self, k: usize, len: usize, size: usize) -> Piece {
        match self.chunk(len, size) {
            None => {
                let bound = |r: usize| (r as u128 * len as u128 / size as u128) as usize;
                Piece {
                    start: bound(k),
                    len: bound(k + 1) - bound(k),
                }
            }
            Some(chunk) => {
                let start = k * chunk;
                Piece {
                    start,
                    len: chunk.min(len - start),
                }
            }
        }
    }

    /// The pieces of `rank`, in iteration order.
    pub(crate) fn pieces(self, len: usize, rank: usize, size: usize) -> Vec<Piece> {
        (rank..self.piece_count(len, size))
            .step_by(size)
            .map(|k| self.piece(k, len, size))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item is in exactly one piece, and the pieces in order `0, 1, ..` are the
    /// source in order.
    fn covers(schedule: Schedule, len: usize, size: usize) {
        let mut next = 0;
        for k in 0..schedule.piece_count(len, size) {
            let piece = schedule.piece(k, len, size);
            assert_eq!(
                piece.start, next,
                "{schedule:?} len {len} size {size} piece {k}"
            );
            next += piece.len;
        }
        assert_eq!(next, len, "{schedule:?} len {len} size {size}");
        let owned: usize = (0..size)
            .map(|r| {
                schedule
                    .pieces(len, r, size)
                    .iter()
                    .map(|p| p.len)
                    .sum::<usize>()
            })
            .sum();
        assert_eq!(owned, len);
    }

    #[test]
    fn every_schedule_covers_the_source_once_in_order() {
        for len in [0, 1, 2, 3, 7, 8, 100, 1001] {
            for size in 1..=5 {
                covers(Schedule::Blocks, len, size);
                covers(Schedule::Cyclic, len, size);
                covers(Schedule::Chunks(3), len, size);
                covers(Schedule::Chunks(1), len, size);
            }
        }
    }

    #[test]
    fn blocks_are_even() {
        let sizes: Vec<usize> = (0..4)
            .map(|r| Schedule::Blocks.piece(r, 10, 4).len)
            .collect();
        assert_eq!(sizes, [2, 3, 2, 3]);
        assert_eq!(
            Schedule::Blocks.pieces(10, 1, 4),
            [Piece { start: 2, len: 3 }]
        );
    }

    #[test]
    fn chunks_go_round_robin() {
        let starts: Vec<usize> = Schedule::Chunks(2)
            .pieces(10, 1, 2)
            .iter()
            .map(|p| p.start)
            .collect();
        assert_eq!(starts, [2, 6]);
        assert_eq!(Schedule::Cyclic.pieces(1600, 0, 2).len(), CYCLIC_ROUNDS);
    }
}
