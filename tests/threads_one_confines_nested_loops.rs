//! `threads = 1` runs the body on a pool of one thread, as the spec says of any
//! `threads = N`: loops its body starts see one thread and run serially, on the calling
//! thread, as they do inside `with_threads(1, ..)`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::thread::{self, ThreadId};

use par_for::par_for;

#[par_for]
fn nested(outer_threads: usize) -> (Vec<usize>, HashSet<ThreadId>) {
    let seen = Mutex::new(Vec::new());
    let threads = Mutex::new(HashSet::new());
    #[par_for(threads = outer_threads)]
    for _ in 0..3 {
        seen.lock().unwrap().push(par_for::current_threads());
        #[par_for]
        for _ in 0..2000 {
            threads.lock().unwrap().insert(thread::current().id());
        }
    }
    (seen.into_inner().unwrap(), threads.into_inner().unwrap())
}

#[par_for]
fn nested_pipeline() -> usize {
    #[par_for(threads = 1)]
    let counts: Vec<usize> = (0..3).map(|_| par_for::current_threads()).collect();
    counts.iter().sum()
}

#[test]
fn loops_inside_a_threads_1_loop_see_one_thread() {
    let before = par_for::current_threads();
    let (seen, threads) = nested(1);
    assert_eq!(seen, [1, 1, 1]);
    assert_eq!(threads, HashSet::from([thread::current().id()]));
    assert_eq!(
        nested_pipeline(),
        3,
        "a pipeline's closures see one thread too"
    );
    assert_eq!(
        par_for::current_threads(),
        before,
        "and its own pool again after"
    );
}
