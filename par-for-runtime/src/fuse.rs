//! When running work stops early: a task folds its items in blocks of [`FUSE_BLOCK`],
//! and between two blocks it looks whether it should go on ([`Halt`]). Within a block
//! the items are folded in a tight loop, so a trivial body still vectorizes (rayon's
//! `panic_fuse` checks a flag before every item).
//!
//! A task stops after a panic anywhere in the loop, and once an earlier part of the loop
//! has ended it (a `break`, `return` or `?` in the iteration order before this task's
//! items): nothing after that is part of the result, so running it would only be
//! wasted work, and side effects (a `Mutex` push, an atomic count) that the serial loop
//! never makes. Items after the end that a task ran before it was known still ran.
//!
//! # Memory ordering
//!
//! Both signals are `Relaxed`: they carry no data (each task's result reaches the
//! caller through the join that waits for it), and a stale read only runs one more
//! block.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::iter::plumbing::Producer;

/// How many items a task folds between two looks at its [`Halt`].
pub(crate) const FUSE_BLOCK: usize = 256;

/// What tells a running task to stop at its next block.
#[derive(Clone, Copy)]
pub(crate) struct Halt<'a> {
    panicked: &'a AtomicBool,
    /// The position of the first part of the loop that ended it (`usize::MAX` while
    /// none has), and this task's position in the same order.
    ended: Option<(&'a AtomicUsize, usize)>,
}

impl<'a> Halt<'a> {
    /// Stops after a panic only.
    pub(crate) fn on_panic(panicked: &'a AtomicBool) -> Self {
        Halt {
            panicked,
            ended: None,
        }
    }

    /// Stops after a panic, or once a part of the loop before `position` has ended it
    /// (`ended` holds the smallest position of such a part).
    pub(crate) fn at(panicked: &'a AtomicBool, ended: &'a AtomicUsize, position: usize) -> Self {
        Halt {
            panicked,
            ended: Some((ended, position)),
        }
    }

    /// Whether the task should stop now.
    pub(crate) fn now(&self) -> bool {
        self.panicked.load(Ordering::Relaxed)
            || self
                .ended
                .is_some_and(|(ended, position)| ended.load(Ordering::Relaxed) < position)
    }

    /// The loop's panic flag.
    pub(crate) fn panicked(&self) -> &'a AtomicBool {
        self.panicked
    }
}

/// The items of a task in blocks of [`FUSE_BLOCK`], until `halt` says to stop.
pub(crate) fn blocks<Pr: Producer>(producer: Pr, len: usize, halt: Halt<'_>) -> Blocks<'_, Pr> {
    Blocks {
        rest: Some(producer),
        len,
        halt,
    }
}

pub(crate) struct Blocks<'a, Pr> {
    rest: Option<Pr>,
    len: usize,
    halt: Halt<'a>,
}

impl<Pr: Producer> Iterator for Blocks<'_, Pr> {
    type Item = Pr;

    fn next(&mut self) -> Option<Pr> {
        if self.len == 0 || self.halt.now() {
            return None;
        }
        let rest = self.rest.take()?;
        let take = FUSE_BLOCK.min(self.len);
        let (head, tail) = rest.split_at(take);
        self.rest = Some(tail);
        self.len -= take;
        Some(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_stops_once_an_earlier_part_ended_the_loop_but_not_for_a_later_one() {
        let (panicked, ended) = (AtomicBool::new(false), AtomicUsize::new(usize::MAX));
        let halt = Halt::at(&panicked, &ended, 5);
        assert!(!halt.now());
        ended.store(9, Ordering::Relaxed);
        assert!(
            !halt.now(),
            "a later part's end does not stop an earlier one"
        );
        ended.store(5, Ordering::Relaxed);
        assert!(!halt.now(), "nor its own");
        ended.store(2, Ordering::Relaxed);
        assert!(halt.now());
        assert!(!Halt::on_panic(&panicked).now());
        panicked.store(true, Ordering::Relaxed);
        assert!(Halt::on_panic(&panicked).now());
    }
}
