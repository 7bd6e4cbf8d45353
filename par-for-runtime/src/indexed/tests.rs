//! The pool's fold stops its leaves once an earlier one is done.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use rayon::iter::plumbing::{Producer, ProducerCallback};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator};

use super::{Fold, Phases, Rest};
use crate::fuse::{Keep, Unwind, FUSE_BLOCK};

const THREADS: usize = 4;

/// Runs `phases` over `0..n` on a pool of [`THREADS`], as a loop's first run does.
fn on_pool<Ph: Phases<usize> + Send>(n: usize, phases: Ph) -> Ph::Output
where
    Ph::Output: Send,
{
    struct OnPool<Ph>(Ph, usize);
    impl<Ph: Phases<usize>> ProducerCallback<usize> for OnPool<Ph> {
        type Output = Ph::Output;
        fn callback<Pr: Producer<Item = usize>>(self, producer: Pr) -> Ph::Output {
            let panicked = AtomicBool::new(false);
            self.0
                .parallel(Rest::new(producer, self.1, None, &panicked))
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .unwrap();
    pool.install(|| (0..n).into_par_iter().with_producer(OnPool(phases, n)))
}

#[test]
fn once_a_leaf_is_done_the_leaves_after_it_stop_at_their_next_block() {
    const N: usize = 100_000;
    let done_at_0 = AtomicBool::new(false);
    let waited = Mutex::new(HashSet::new());
    let ran_after = AtomicUsize::new(0);
    let fold = Fold {
        identity: || (0usize, false),
        // As a loop's fold: once done (a `break`), the rest of the block is skipped.
        fold: |acc: &mut (usize, bool), i: usize| {
            if acc.1 {
                return;
            }
            if i == 0 {
                done_at_0.store(true, Ordering::SeqCst);
                acc.1 = true;
                return;
            }
            // Every other item runs once item 0 is done; each thread first gives the
            // thread that folded it the time to say so.
            while !done_at_0.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            if waited.lock().unwrap().insert(thread::current().id()) {
                thread::sleep(Duration::from_millis(50));
            }
            ran_after.fetch_add(1, Ordering::Relaxed);
            acc.0 += 1;
        },
        combine: |a: (usize, bool), b: (usize, bool)| if a.1 { a } else { (a.0 + b.0, b.1) },
        done: |acc: &(usize, bool)| acc.1,
        on_panic: Unwind,
    };
    assert_eq!(on_pool(N, fold), (0, true));
    // Each other thread ends the block it is in; a leaf that ran to its end instead
    // would run thousands (a quarter of the items, or an eighth).
    let ran_after = ran_after.into_inner();
    assert!(
        ran_after < THREADS * FUSE_BLOCK,
        "{ran_after} items ran after the first leaf was done"
    );
}

/// What a loop with `reduce(..)` folds: a count of items, and how the first iteration
/// that left did (`Ok(i)` for an exit at item `i`, `Err(message)` for a panic).
type CountAndLeft = (usize, Option<Result<usize, String>>);

/// A reducing loop's fold that keeps panics: it leaves at item `exit_at` and panics at
/// `panic_at`. The exit waits (a moment at most) for the panic, so that the panicking
/// item runs before the exit is known, where it comes later.
pub(crate) fn exit_or_panic(
    exit_at: usize,
    panic_at: usize,
    panicked: &AtomicBool,
) -> impl Phases<usize, Output = CountAndLeft> + Send + '_ {
    Fold {
        identity: || (0, None),
        fold: move |acc: &mut CountAndLeft, i: usize| {
            if acc.1.is_some() {
                return;
            }
            if i == panic_at {
                panicked.store(true, Ordering::SeqCst);
                panic!("item {i}");
            }
            if i == exit_at {
                let until = std::time::Instant::now() + Duration::from_millis(100);
                while !panicked.load(Ordering::SeqCst) && std::time::Instant::now() < until {
                    thread::yield_now();
                }
                acc.1 = Some(Ok(i));
                return;
            }
            acc.0 += 1;
        },
        combine: |a: CountAndLeft, b: CountAndLeft| match a.1 {
            Some(_) => a,
            None => (a.0 + b.0, b.1),
        },
        done: |acc: &CountAndLeft| acc.1.is_some(),
        on_panic: Keep(|payload: crate::fuse::Payload| {
            let message = payload.downcast_ref::<String>().cloned();
            (0, Some(Err(message.unwrap_or_default())))
        }),
    }
}

#[test]
fn a_kept_panic_after_an_exit_is_dropped_and_one_before_it_wins() {
    const N: usize = 100_000;
    for _ in 0..5 {
        let panicked = AtomicBool::new(false);
        assert_eq!(
            on_pool(N, exit_or_panic(10, N - 1, &panicked)),
            (10, Some(Ok(10)))
        );
        let panicked = AtomicBool::new(false);
        let (_, left) = on_pool(N, exit_or_panic(N - 1, 10, &panicked));
        assert_eq!(left, Some(Err("item 10".to_string())));
    }
}
