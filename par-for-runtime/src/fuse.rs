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
//! A loop that can end early counts a panic as an end too ([`Keep`]): the tasks before
//! it go on, since an earlier end would make the serial loop never meet the panic.
//!
//! # Memory ordering
//!
//! Both signals are `Relaxed`: they carry no data (each task's result reaches the
//! caller through the join that waits for it), and a stale read only runs one more
//! block.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
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

/// A panic's payload, as `catch_unwind` gives it.
pub(crate) type Payload = Box<dyn Any + Send>;

/// What a fold does with a panic in one of its tasks: make it the task's accumulator
/// ([`Keep`]), which the fold then orders among the others' like an exit. So the
/// earliest panic in iteration order is the one raised, and a panic in an item after
/// the loop's exit is dropped, as the serial loop never meets them.
pub trait OnPanic<A>: Sync + Send {
    /// Runs `fold` (a task's blocks) on `acc` and gives the result; after a panic in
    /// it, what the panic made. The accumulator moves into `fold`, so that nothing
    /// outside it can see it while it folds and it may live in registers.
    fn fold(&self, acc: A, fold: impl FnOnce(A) -> A) -> A;

    /// Runs `fold` on `acc` in place; after a panic in it, `acc` is what the panic made.
    fn fold_in_place(&self, acc: &mut A, fold: impl FnOnce(&mut A));
}

impl<A, K: OnPanic<A>> OnPanic<A> for &K {
    fn fold(&self, acc: A, fold: impl FnOnce(A) -> A) -> A {
        (**self).fold(acc, fold)
    }

    fn fold_in_place(&self, acc: &mut A, fold: impl FnOnce(&mut A)) {
        (**self).fold_in_place(acc, fold)
    }
}

/// A panic unwinds through the fold: the pool stops, and the caller re-raises it (for
/// tests of the unwinding that the runtime's own code may still do).
#[cfg(test)]
pub(crate) struct Unwind;

#[cfg(test)]
impl<A> OnPanic<A> for Unwind {
    fn fold(&self, acc: A, fold: impl FnOnce(A) -> A) -> A {
        fold(acc)
    }

    fn fold_in_place(&self, acc: &mut A, fold: impl FnOnce(&mut A)) {
        fold(acc)
    }
}

/// A panic becomes the task's accumulator, `caught(payload)`: one whose fold is `done`.
/// Caught once per task, around all its blocks, not per item, so that a light body is
/// still inlined into its block's loop: a task makes no item's call after it is done,
/// so a panic in it comes before any exit of the same task.
pub(crate) struct Keep<K>(pub(crate) K);

impl<A, K: Fn(Payload) -> A + Sync + Send> OnPanic<A> for Keep<K> {
    // Unwind safety: the accumulator a panic interrupted is dropped or overwritten, not
    // read; what the body changes elsewhere is behind locks, which poison, or atomics.
    fn fold(&self, acc: A, fold: impl FnOnce(A) -> A) -> A {
        panic::catch_unwind(AssertUnwindSafe(|| fold(acc)))
            .unwrap_or_else(|payload| (self.0)(payload))
    }

    fn fold_in_place(&self, acc: &mut A, fold: impl FnOnce(&mut A)) {
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| fold(acc))) {
            *acc = (self.0)(payload);
        }
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
