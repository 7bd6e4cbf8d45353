//! Reductions (`reduce(VAR: OP)`): each worker folds into a private accumulator that
//! starts at OP's identity; the accumulators are combined in iteration order.
//!
//! The identities take a reference to the reduction variable only to give the
//! accumulator its type, so the loop body can call methods on it.

use std::ops::{Add, BitAnd, BitOr, BitXor, Mul};
use std::panic;

use crate::flow::{Exit, Flow, Left};
use crate::fuse::{Keep, Payload};
use crate::options::Options;
use crate::source::LoopSource;
use crate::task::OnlyReadsOuterVariablesAndReduces;

/// Runs `body` over `source` as [`crate::__private::for_each_flow`] does, with an
/// accumulator per task: `body(&mut acc, item)` updates it in place and says how the
/// iteration ended. Returns the combination of every accumulator, in iteration order,
/// of the iterations up to the first that left the loop (as the serial loop would
/// have accumulated), and the loop's exit. A panic counts as a way of leaving, as in
/// `for_each_flow`: one in an iteration after the exit is dropped.
pub fn for_each_reduce<'a, S, A, R, I, C, F>(
    source: S,
    options: &Options,
    identity: I,
    combine: C,
    body: F,
) -> (A, Exit<'a, R>)
where
    S: LoopSource,
    A: Send,
    I: Fn() -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    F: Sync + Send,
    F: OnlyReadsOuterVariablesAndReduces<A, S::Item, Flow<'a, R>>, // changes an outer variable? collect, or a Mutex
{
    let body = |acc: &mut A, item| body.call(acc, item);
    let bar = crate::for_each::progress_bar(options, &source);
    let body = |acc: &mut A, item| {
        let flow = body(acc, item);
        if let Some(bar) = &bar {
            bar.tick();
        }
        flow
    };
    let (acc, first) = source.run_fold(
        options,
        || (identity(), None),
        |(acc, exit): &mut (A, Option<Left<R>>), item| {
            if exit.is_none() {
                // Written only when it leaves: an assignment per item would drop
                // the `None` it overwrites, a call the compiler keeps.
                if let Some(left) = body(acc, item).leaves_loop() {
                    *exit = Some(Ok(left));
                }
            }
        },
        |(left, left_exit), (right, right_exit)| match left_exit {
            Some(exit) => (left, Some(exit)),
            None => (combine(left, right), right_exit),
        },
        |(_, exit)| exit.is_some(),
        Keep(|payload| (identity(), Some(Err(payload)))),
    );
    if let Some(bar) = bar {
        bar.finish();
    }
    (acc, Exit::from_first_left(first))
}

/// [`for_each_reduce`] for a body that never leaves the loop: `body(&mut acc, item)`
/// updates the task's accumulator, and the result combines them all in iteration order.
/// A panic is raised once every task before it has ended: the earliest in order, as
/// the serial loop meets it first.
pub fn for_each_fold<S, A, I, C, F>(
    source: S,
    options: &Options,
    identity: I,
    combine: C,
    body: F,
) -> A
where
    S: LoopSource,
    A: Send,
    I: Fn() -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    F: Sync + Send,
    F: OnlyReadsOuterVariablesAndReduces<A, S::Item, ()>, // changes an outer variable? collect values, or a Mutex
{
    let body = |acc: &mut A, item| body.call(acc, item);
    match crate::for_each::progress_bar(options, &source) {
        None => fold_in_order(source, options, identity, combine, body),
        Some(bar) => {
            let body = |acc: &mut A, item| {
                body(acc, item);
                bar.tick();
            };
            let acc = fold_in_order(source, options, identity, combine, body);
            bar.finish();
            acc
        }
    }
}

/// Folds on the pool `options` chose, a task's panic kept beside its accumulator and
/// raised here if it is the earliest in order.
fn fold_in_order<S, A, I, C, F>(source: S, options: &Options, identity: I, combine: C, body: F) -> A
where
    S: LoopSource,
    A: Send,
    I: Fn() -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    F: Fn(&mut A, S::Item) + Sync + Send,
{
    let (acc, panic) = source.run_fold_all(
        options,
        || (identity(), None),
        |(acc, _): &mut (A, Option<Payload>), item| body(acc, item),
        |(left, left_panic), (right, right_panic)| match left_panic {
            Some(panic) => (left, Some(panic)),
            None => (combine(left, right), right_panic),
        },
        |(_, panic)| panic.is_some(),
        Keep(|payload| (identity(), Some(payload))),
    );
    match panic {
        Some(payload) => panic::resume_unwind(payload),
        None => acc,
    }
}

/// The outer loop's copy of a variable that a loop nested in it reduces too, with the
/// same operation: the inner loop reduces into a local taken from it and gives the
/// local back (see the macro's `item/nested.rs`). A call, so that the outer loop's rules
/// see an update.
pub fn nested<T>(place: &mut T) -> &mut T {
    place
}

/// The identity of `+` and of a function reduction: `T::default()`.
pub fn zero<T: Zero>(_like: &T) -> T {
    T::zero()
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

/// The identity named in `reduce(VAR: OP = IDENTITY)`, of the variable's type.
pub fn named<T>(_like: &T, identity: T) -> T {
    identity
}

/// The function that combines two copies of a reduction variable, written in the body's
/// own update form (`|a, b| a.max(b)`, `|a, b| if b > a { b } else { a }`): `like` gives
/// the closure's arguments their type, so that its body can call methods on them.
pub fn written<T, C: Fn(T, T) -> T>(_like: &T, combine: C) -> C {
    combine
}

/// The function of `reduce(VAR: f)`, which combines two copies: `like` gives it the
/// variable's type. Its result is a `Fn(T, T) -> T` even where `f` is not one, so that
/// an `f` of another signature is reported for its signature (at `f`, and once more at
/// the item's attribute), not as mismatched types at every call of it.
pub fn function<T, F: Merge<T>>(_like: &T, combine: F) -> impl Fn(T, T) -> T + Sync + Send {
    combine
}

/// A function that combines two copies of a reduction variable of type `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot combine the workers' copies of this reduction: a function reduction takes two copies and returns their combination, `fn(a: {T}, b: {T}) -> {T}`",
    label = "not a `fn({T}, {T}) -> {T}`",
    note = "one that merges in place (`fn merge(into: &mut {T}, other: {T})`) can be wrapped: `fn merged(mut a: {T}, b: {T}) -> {T} {{ merge(&mut a, b); a }}`, then `reduce(VAR: merged)`"
)]
pub trait Merge<T>: Fn(T, T) -> T + Sync + Send {}

#[diagnostic::do_not_recommend]
impl<T, F: Fn(T, T) -> T + Sync + Send> Merge<T> for F {}

/// `a + b`.
pub fn add<T: Addable>(a: T, b: T) -> T {
    a + b
}

/// A type whose copies a `+` reduction can add: `T + T -> T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `+` reduction: the workers' copies are added as `a + b`, both of type `{Self}`",
    label = "the copies of this variable are added with `+`",
    note = "to concatenate `String`s or `Vec`s, reduce by a function: `reduce(s: concat)` with `fn concat(a: String, b: String) -> String {{ a + &b }}`"
)]
pub trait Addable: Add<Output = Self> + Sized {}

impl<T: Add<Output = T>> Addable for T {}

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

/// The identity of addition and of function reductions: `Default`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no identity for this reduction: it does not implement `Default`",
    label = "each worker's copy of this variable starts from `Default::default()`",
    note = "name the value the copies start from: `reduce(v: + = EXPR)` or `reduce(v: merge = EXPR)`, e.g. `reduce(v: + = Vec3::ZERO)`"
)]
pub trait Zero {
    /// `T::default()`.
    fn zero() -> Self;
}

impl<T: Default> Zero for T {
    fn zero() -> Self {
        T::default()
    }
}

/// The identity of multiplication.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no identity for a `*` reduction that par-for knows",
    label = "each worker's copy of this variable starts from one",
    note = "name the value the copies start from: `reduce(v: * = EXPR)`, e.g. `reduce(m: * = Mat2::IDENTITY)`"
)]
pub trait One {
    /// 1.
    fn one() -> Self;
}

/// The identity of bitwise and.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no identity for a `&` reduction that par-for knows",
    label = "each worker's copy of this variable starts with every bit set",
    note = "name the value the copies start from: `reduce(v: & = EXPR)`"
)]
pub trait AllOnes {
    /// Every bit set.
    fn all_ones() -> Self;
}

/// The identities of `min` and `max`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no identity for a `min` or `max` reduction that par-for knows",
    label = "each worker's copy of this variable starts from the greatest (`min`) or least (`max`) value",
    note = "name the value the copies start from: `reduce(v: min = EXPR)`, e.g. `reduce(best: min = Score::WORST)`"
)]
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

/// Tuples compare lexicographically: the greatest has every element at its greatest.
macro_rules! tuples {
    ($(($($t:ident)+))*) => {$(
        impl<$($t: Bounded),+> Bounded for ($($t,)+) {
            fn greatest() -> Self { ($($t::greatest(),)+) }
            fn least() -> Self { ($($t::least(),)+) }
        }
    )*};
}
tuples!((A B) (A B C) (A B C D));

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
        assert_eq!(max(least(&(0u32, 0i64)), (3, -7)), (3, -7));
        assert_eq!(
            min(greatest(&(0u8, 0.0f64, 'a' as u32)), (1, 2.5, 9)),
            (1, 2.5, 9)
        );
    }
}
