//! Serial-order searches over bridged iterators, which rayon only runs unordered.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::iter::{ParallelBridge, ParallelIterator};

/// The first `Some` that `op` gives, in the iterator's own order.
///
/// Items are numbered as they are pulled from the serial iterator. Once item `i` has
/// given `Some`, no item after `i` is pulled any more; every item before `i` was pulled
/// earlier and completes before this returns, so the earliest `Some` is the answer.
pub(crate) fn find_first<I, F, T>(iter: I, op: F) -> Option<T>
where
    I: Iterator + Send,
    I::Item: Send,
    F: Fn(I::Item) -> Option<T> + Sync + Send,
    T: Send,
{
    let stop_at = AtomicUsize::new(usize::MAX);
    let best: Mutex<Option<(usize, T)>> = Mutex::new(None);
    iter.enumerate()
        .take_while(|(index, _)| *index < stop_at.load(Ordering::Acquire))
        .par_bridge()
        .panic_fuse()
        .for_each(|(index, item)| {
            if index > stop_at.load(Ordering::Relaxed) {
                return;
            }
            if let Some(found) = op(item) {
                let mut best = best.lock().unwrap_or_else(|p| p.into_inner());
                if best.as_ref().is_none_or(|(at, _)| index < *at) {
                    *best = Some((index, found));
                    stop_at.fetch_min(index, Ordering::AcqRel);
                }
            }
        });
    best.into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .map(|(_, found)| found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_earliest_match_and_stops_pulling() {
        let pulled = AtomicUsize::new(0);
        let source = (0..1_000_000).inspect(|_| {
            pulled.fetch_add(1, Ordering::Relaxed);
        });
        let found = find_first(source, |x| (x % 1000 == 999).then_some(x));
        assert_eq!(found, Some(999));
        assert!(pulled.load(Ordering::Relaxed) < 1_000_000);
    }

    #[test]
    fn none_when_nothing_matches() {
        assert_eq!(find_first(0..100, |_| None::<()>), None);
    }
}
