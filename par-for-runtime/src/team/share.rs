//! How the team shares a loop's items: a static share per thread first, as OpenMP's
//! `static` schedule, then stealing from the others' shares once a thread's own is done.
//!
//! The owner cuts the items, in order, into pieces before the loop starts. Each thread
//! that arrives at the loop takes the next *seat*, and each seat has a share: an equal
//! run of consecutive items, whose pieces halve in size from its front to its back,
//! down to a smallest piece: a 32nd of the share, or the loop's `min_len` if larger,
//! which the loop's site makes about a microsecond of work (`Site::smallest_piece`).
//! A thread claims the pieces of its own share from the front, on a cache line that no
//! other thread writes while every thread is busy; once its share is empty, it claims
//! pieces of the other shares from their backs, the smallest first (and a thread whose
//! share was raided so takes the rest of its own from the back too). So when every thread arrives on time, a loop costs each thread a
//! handful of uncontended claims, and the shares end close together; a thread that
//! arrives late (or never, asleep), or is descheduled, leaves its share to the others,
//! who wait at most for the one piece it holds.

use std::sync::atomic::{AtomicU64, Ordering};

/// The smallest piece is this many times shorter than a thread's share of the loop.
const SMALLEST_SHARE: usize = 32;

/// A value alone on its cache line (two lines: some CPUs fetch lines in pairs), so
/// that threads writing different values do not slow each other down.
#[repr(align(128))]
pub(super) struct Line<T>(pub(super) T);

/// The seats of the team's threads at the current loop, kept by the team from loop to
/// loop so that a loop allocates none. A thread's seat comes with the job (see
/// `job.rs`): 0 for the owner, then one per worker in the order they entered.
///
/// Relaxed throughout: each piece goes to one thread by the atomicity of the claims
/// alone, what the pieces hold and produce is behind mutexes, and the owner resets the
/// seats before it publishes the loop (which releases them to the workers, see
/// `job.rs`) and after every thread has left the last one.
pub(super) struct Seats {
    /// Per seat, the pieces left of its share: `front` in the low half, `back` (one
    /// past the last) in the high half.
    shares: Box<[Line<AtomicU64>]>,
}

impl Seats {
    pub(super) fn new(threads: usize) -> Seats {
        Seats {
            shares: (0..threads).map(|_| Line(AtomicU64::new(0))).collect(),
        }
    }

    /// Cuts `len` items into pieces, in order, and deals them to the seats: `cut(n)`
    /// makes the next piece, of the next `n` items (the `n` add up to `len`). Called by
    /// the owner before it publishes the loop.
    pub(super) fn deal<T>(
        &self,
        len: usize,
        min_len: usize,
        mut cut: impl FnMut(usize) -> T,
    ) -> Vec<T> {
        let threads = self.shares.len();
        let smallest = (len / (threads * SMALLEST_SHARE)).max(min_len).max(1);
        let mut pieces = Vec::with_capacity(threads * 8);
        let mut cut_off = 0;
        for (seat, share) in self.shares.iter().enumerate() {
            let front = pieces.len();
            // `len * (seat + 1) / threads`, without overflow.
            let end = len / threads * (seat + 1) + len % threads * (seat + 1) / threads;
            let mut left = end - cut_off;
            while left > 0 {
                let mut take = (left / 2).max(smallest).min(left);
                if left - take < smallest {
                    take = left;
                }
                pieces.push(cut(take));
                left -= take;
            }
            cut_off = end;
            share.0.store(pack(front, pieces.len()), Ordering::Relaxed);
        }
        pieces
    }

    /// The pieces the thread at seat `me` runs, as it claims them: its own share from
    /// the front, then the others' from their backs.
    pub(super) fn claims(&self, me: usize) -> Claims<'_> {
        debug_assert!(me < self.shares.len(), "a seat per thread of the team");
        Claims {
            seats: self,
            me,
            victim: 0,
        }
    }

    /// Takes one piece of `seat`'s share, if any is left. Its own thread (`own`) takes
    /// the largest first, from the front, until another thread has raided the share:
    /// then it came late or fell behind, and takes the smallest left, as thieves do, so
    /// that it does not start a long piece when the others are nearly done.
    fn claim(&self, seat: usize, own: bool) -> Option<usize> {
        let share = &self.shares[seat].0;
        let mut now = share.load(Ordering::Relaxed);
        loop {
            let (front, back) = unpack(now);
            if front >= back {
                return None;
            }
            let (piece, rest) = if own && now & RAIDED == 0 {
                (front, pack(front + 1, back))
            } else {
                (back - 1, pack(front, back - 1) | RAIDED)
            };
            match share.compare_exchange_weak(now, rest, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(piece),
                Err(changed) => now = changed,
            }
        }
    }
}

/// The pieces a thread claims, one at a time (see [`Seats::claims`]).
pub(super) struct Claims<'a> {
    seats: &'a Seats,
    me: usize,
    /// How far past `me` the share claimed from is: 0 for its own.
    victim: usize,
}

impl Iterator for Claims<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let seats = self.seats.shares.len();
        if self.victim == 0 {
            if let Some(piece) = self.seats.claim(self.me, true) {
                return Some(piece);
            }
            self.victim = 1;
        }
        while self.victim < seats {
            if let Some(piece) = self.seats.claim((self.me + self.victim) % seats, false) {
                return Some(piece);
            }
            self.victim += 1;
        }
        None
    }
}

/// A share's top bit: a thread other than its own has claimed some of it.
const RAIDED: u64 = 1 << 63;

fn pack(front: usize, back: usize) -> u64 {
    front as u64 | (back as u64) << 32
}

fn unpack(share: u64) -> (usize, usize) {
    let back = (share & !RAIDED) >> 32;
    ((share & u64::from(u32::MAX)) as usize, back as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    /// The items of each piece of `0..len` dealt to `threads` seats.
    fn deal(threads: usize, len: usize, min_len: usize) -> (Seats, Vec<Range<usize>>) {
        let seats = Seats::new(threads);
        let mut next = 0;
        let pieces = seats.deal(len, min_len, |take| {
            next += take;
            next - take..next
        });
        (seats, pieces)
    }

    #[test]
    fn the_pieces_cover_the_items_in_order_and_halve_within_each_share() {
        for (threads, len, min_len) in [
            (2, 1000, 1),
            (4, 1000, 1),
            (3, 10, 1),
            (4, 3, 1),
            (2, 1000, 300),
        ] {
            let (seats, pieces) = deal(threads, len, min_len);
            let mut next = 0;
            for piece in &pieces {
                assert_eq!(piece.start, next);
                assert!(!piece.is_empty());
                next = piece.end;
            }
            assert_eq!(next, len);
            for seat in 0..threads {
                let (front, back) = unpack(seats.shares[seat].0.load(Ordering::Relaxed));
                let share = &pieces[front..back];
                assert!(share.windows(2).all(|w| w[0].len() >= w[1].len()));
                if let (Some(first), Some(last)) = (share.first(), share.last()) {
                    assert_eq!(first.start, len * seat / threads);
                    assert_eq!(last.end, len * (seat + 1) / threads);
                }
            }
        }
        // 1000 items on 2 threads: 500 each, halving down to 1000 / 64.
        let (_, pieces) = deal(2, 1000, 1);
        let lens: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
        assert_eq!(lens, [250, 125, 62, 31, 16, 16, 250, 125, 62, 31, 16, 16]);
        // `min_len` bounds every piece but a share's whole.
        let (_, pieces) = deal(2, 1000, 300);
        assert!(pieces.iter().all(|p| p.len() >= 300));
    }

    #[test]
    fn a_thread_claims_its_share_from_the_front_then_the_others_from_the_back() {
        let (seats, pieces) = deal(2, 1000, 1);
        let (front, back) = unpack(seats.shares[1].0.load(Ordering::Relaxed));
        assert_eq!((front, back), (6, 12));
        assert_eq!(pieces.len(), 12);
        let mine: Vec<usize> = seats.claims(1).take(2).collect();
        assert_eq!(mine, [6, 7]);
        // Seat 0, alone: its share in order, then seat 1's from the back.
        let all: Vec<usize> = seats.claims(0).collect();
        assert_eq!(all, [0, 1, 2, 3, 4, 5, 11, 10, 9, 8]);
        assert_eq!(seats.claims(1).next(), None);
        // Seat 1 arrives after seat 0 raided its share: it takes the smallest left.
        let (seats, _) = deal(2, 1000, 1);
        let first: Vec<usize> = seats.claims(0).take(7).collect();
        assert_eq!(first, [0, 1, 2, 3, 4, 5, 11]);
        let late: Vec<usize> = seats.claims(1).collect();
        assert_eq!(late, [10, 9, 8, 7, 6]);
    }

    /// Every thread at its seat, or some missing (a worker asleep, or one that came
    /// after the others had taken everything): each piece is claimed once.
    #[test]
    fn threads_claiming_at_once_get_every_piece_once() {
        for present in [&[0, 1, 2, 3][..], &[0, 1, 3], &[0], &[2, 3]].repeat(50) {
            let (seats, pieces) = deal(4, 1000, 1);
            let claimed: Vec<usize> = std::thread::scope(|s| {
                let workers: Vec<_> = present
                    .iter()
                    .map(|&seat| {
                        let seats = &seats;
                        s.spawn(move || seats.claims(seat).collect::<Vec<_>>())
                    })
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|w| w.join().unwrap())
                    .collect()
            });
            let mut sorted = claimed.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..pieces.len()).collect::<Vec<_>>());
        }
    }
}
