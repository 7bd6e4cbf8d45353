//! Reductions (`reduce(VAR: OP)`): each worker folds into a private accumulator that
//! starts at OP's identity; the accumulators are combined in iteration order.
//!
//! The identities take a reference to the reduction variable only to give the
//! accumulator its type, so the loop body can call methods on it.

use std::ops::{Add, BitAnd, BitOr, BitXor, Mul};

use crate::flow::{Exit, Flow};
use crate::options::Options;
use crate::pool;
use crate::source::Source;
use crate::task::OnlyReadsOuterVariablesAndReduces;

/// Runs `body` over `source` as [`crate::__private::for_each_flow`] does, threading an
/// accumulator through it: `body(acc, item)` gives the updated accumulator and how the
/// iteration ended. Returns the combination of every accumulator, in iteration order,
/// of the iterations up to the first that left the loop (as the serial loop would
/// have accumulated), and the loop's exit.
pub fn for_each_reduce<'a, S, A, R, I, C, F>(
    source: S,
    options: &Options,
    identity: I,
    combine: C,
    body: F,
) -> (A, Exit<'a, R>)
where
    S: Source,
    A: Send,
    I: Fn() -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    F: Sync + Send,
    F: OnlyReadsOuterVariablesAndReduces<A, S::Item, (A, Flow<'a, R>)>, // changes an outer variable? collect, or a Mutex
{
    let body = |acc, item| body.call(acc, item);
    let bar = crate::exec::progress_bar(options, &source);
    let body = |acc, item| {
        let out = body(acc, item);
        if let Some(bar) = &bar {
            bar.tick();
        }
        out
    };
    let (acc, first) = pool::install(options.threads, || {
        source.drive_fold(
            options.run(),
            || (identity(), None),
            |(acc, exit), item| match exit {
                Some(exit) => (acc, Some(exit)),
                None => {
                    let (acc, flow) = body(acc, item);
                    (acc, flow.leaves_loop())
                }
            },
            |(left, left_exit), (right, right_exit)| match left_exit {
                Some(exit) => (left, Some(exit)),
                None => (combine(left, right), right_exit),
            },
            |(_, exit)| exit.is_some(),
        )
    });
    if let Some(bar) = bar {
        bar.finish();
    }
    (acc, Exit::from_first(first))
}

/// [`for_each_reduce`] for a body that never leaves the loop: `body(acc, item)` gives
/// the updated accumulator, and the result combines them all in iteration order.
pub fn for_each_fold<S, A, I, C, F>(
    source: S,
    options: &Options,
    identity: I,
    combine: C,
    body: F,
) -> A
where
    S: Source,
    A: Send,
    I: Fn() -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    F: Sync + Send,
    F: OnlyReadsOuterVariablesAndReduces<A, S::Item, A>, // changes an outer variable? collect values, or a Mutex
{
    let body = |acc, item| body.call(acc, item);
    match crate::exec::progress_bar(options, &source) {
        None => pool::install(options.threads, || {
            source.drive_fold(options.run(), identity, body, combine, |_| false)
        }),
        Some(bar) => {
            let body = |acc, item| {
                let acc = body(acc, item);
                bar.tick();
                acc
            };
            let acc = pool::install(options.threads, || {
                source.drive_fold(options.run(), identity, body, combine, |_| false)
            });
            bar.finish();
            acc
        }
    }
}

/// The identity of `+`.
pub fn zero<T: Default>(_like: &T) -> T {
    T::default()
}

/// The identity of `*`.
pub fn one<T: One>(_like: &T) -> T {
    T::one()
}

/// The identity of `&`.
pub fn all_ones<T: AllOnes>(_like: &T) -> T {
    T::all_ones()
}

/// The identity of `min`: the largest value of the type.
pub fn greatest<T: Bounded>(_like: &T) -> T {
    T::greatest()
}

/// The identity of `max`: the smallest value of the type.
pub fn least<T: Bounded>(_like: &T) -> T {
    T::least()
}

/// `a + b`.
pub fn add<T: Add<Output = T>>(a: T, b: T) -> T {
    a + b
}

/// `a * b`.
pub fn mul<T: Mul<Output = T>>(a: T, b: T) -> T {
    a * b
}

/// `a & b`.
pub fn bitand<T: BitAnd<Output = T>>(a: T, b: T) -> T {
    a & b
}

/// `a | b`.
pub fn bitor<T: BitOr<Output = T>>(a: T, b: T) -> T {
    a | b
}

/// `a ^ b`.
pub fn bitxor<T: BitXor<Output = T>>(a: T, b: T) -> T {
    a ^ b
}

/// The smaller, `a` on ties (as `Ord::min` and `f64::min` do).
pub fn min<T: PartialOrd>(a: T, b: T) -> T {
    if b < a {
        b
    } else {
        a
    }
}

/// The larger, `b` on ties (as `Ord::max` does).
pub fn max<T: PartialOrd>(a: T, b: T) -> T {
    if b < a {
        a
    } else {
        b
    }
}

/// The identity of multiplication.
pub trait One {
    /// 1.
    fn one() -> Self;
}

/// The identity of bitwise and.
pub trait AllOnes {
    /// Every bit set.
    fn all_ones() -> Self;
}

/// The identities of `min` and `max`.
pub trait Bounded {
    /// The largest value (`+inf` for floats).
    fn greatest() -> Self;
    /// The smallest value (`-inf` for floats).
    fn least() -> Self;
}

macro_rules! integers {
    ($($t:ty)*) => {$(
        impl One for $t {
            fn one() -> Self { 1 }
        }
        impl AllOnes for $t {
            fn all_ones() -> Self { !0 }
        }
        impl Bounded for $t {
            fn greatest() -> Self { <$t>::MAX }
            fn least() -> Self { <$t>::MIN }
        }
    )*};
}
integers!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize);

macro_rules! floats {
    ($($t:ty)*) => {$(
        impl One for $t {
            fn one() -> Self { 1.0 }
        }
        impl Bounded for $t {
            fn greatest() -> Self { <$t>::INFINITY }
            fn least() -> Self { <$t>::NEG_INFINITY }
        }
    )*};
}
floats!(f32 f64);

impl AllOnes for bool {
    fn all_ones() -> Self {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_neutral() {
        assert_eq!(add(zero(&5i32), 7), 7);
        assert_eq!(mul(one(&5u64), 7), 7);
        assert_eq!(bitand(all_ones(&0u8), 0b1010), 0b1010);
        assert_eq!(min(greatest(&0i16), -3), -3);
        assert_eq!(max(least(&0f64), -3.5), -3.5);
        assert!(bitand(all_ones(&false), true));
    }
}
