//! The folds of a distributed pipeline's consumers: every block's result, in iteration
//! order, into the serial result. Each rank folds the same parts in the same order, so
//! even float results are identical on every rank.

use std::cmp::Ordering;
use std::iter::{Product, Sum};

/// `collect`: the blocks' items, in order, for the serial `collect` into the target
/// (which reuses this `Vec`'s memory when the target is a `Vec`).
pub fn concat<T>(parts: Vec<Vec<T>>) -> std::vec::IntoIter<T> {
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    for part in parts {
        all.extend(part);
    }
    all.into_iter()
}

/// `sum`.
pub fn sum<S: Sum<S>>(parts: Vec<S>) -> S {
    parts.into_iter().sum()
}

/// `product`.
pub fn product<S: Product<S>>(parts: Vec<S>) -> S {
    parts.into_iter().product()
}

/// `count`.
pub fn count(parts: Vec<usize>) -> usize {
    parts.into_iter().sum()
}

/// `min`: the first of equal minima, as std.
pub fn min<T: Ord>(parts: Vec<Option<T>>) -> Option<T> {
    parts.into_iter().flatten().min()
}

/// `max`: the last of equal maxima, as std.
pub fn max<T: Ord>(parts: Vec<Option<T>>) -> Option<T> {
    parts.into_iter().flatten().max()
}

/// `min_by_key`.
pub fn min_by_key<T, K: Ord>(parts: Vec<Option<T>>, key: impl FnMut(&T) -> K) -> Option<T> {
    parts.into_iter().flatten().min_by_key(key)
}

/// `max_by_key`.
pub fn max_by_key<T, K: Ord>(parts: Vec<Option<T>>, key: impl FnMut(&T) -> K) -> Option<T> {
    parts.into_iter().flatten().max_by_key(key)
}

/// `min_by`.
pub fn min_by<T>(parts: Vec<Option<T>>, compare: impl FnMut(&T, &T) -> Ordering) -> Option<T> {
    parts.into_iter().flatten().min_by(compare)
}

/// `max_by`.
pub fn max_by<T>(parts: Vec<Option<T>>, compare: impl FnMut(&T, &T) -> Ordering) -> Option<T> {
    parts.into_iter().flatten().max_by(compare)
}

/// `find`, `find_map`, `position`: the first block's answer.
pub fn first<T>(parts: Vec<Option<T>>) -> Option<T> {
    parts.into_iter().flatten().next()
}

/// `any`.
pub fn any(parts: Vec<bool>) -> bool {
    parts.into_iter().any(|b| b)
}

/// `all`.
pub fn all(parts: Vec<bool>) -> bool {
    parts.into_iter().all(|b| b)
}

/// `reduce`.
pub fn reduce<T>(parts: Vec<Option<T>>, op: impl FnMut(T, T) -> T) -> Option<T> {
    parts.into_iter().flatten().reduce(op)
}
