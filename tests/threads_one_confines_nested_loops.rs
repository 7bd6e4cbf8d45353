//! `threads = 1` runs the body on a pool of one thread, as the spec says of any
//! `threads = N`: loops its body starts see one thread and run serially, on the calling
//! thread, as they do inside `with_threads(1, ..)`. So do the tasks of a stream with
//! `threads = 1` (`#[par_for(stream, threads = 1)]`, `par_for::stream(..).threads(1)`);
//! its body, on the calling thread outside the stream's pool, sees the caller's pool.

use std::collections::HashSet;
use std::sync::Mutex;
use std::thread::{self, ThreadId};

use par_for::par_for;

mod common;

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

#[par_for]
fn stream_threads(threads: usize) -> (Vec<usize>, HashSet<ThreadId>) {
    let mut seen = Vec::new();
    let ran = Mutex::new(HashSet::new());
    #[par_for(stream, threads = threads)]
    for n in (0..3).map(|_| {
        let inner = par_for::current_threads();
        #[par_for]
        for _ in 0..2000 {
            ran.lock().unwrap().insert(thread::current().id());
        }
        inner
    }) {
        seen.push(n);
    }
    (seen, ran.into_inner().unwrap())
}

#[par_for]
fn unordered_stream_threads_1() -> Vec<usize> {
    let mut seen = Vec::new();
    #[par_for(stream, unordered, threads = 1)]
    for n in (0..3).map(|_| par_for::current_threads()) {
        seen.push(n);
    }
    seen
}

#[test]
fn tasks_of_a_threads_1_stream_see_one_thread() {
    let before = par_for::current_threads();
    let (seen, ran) = stream_threads(1);
    assert_eq!(seen, [1, 1, 1]);
    assert_eq!(
        ran,
        HashSet::from([thread::current().id()]),
        "the loops its tasks start run on the calling thread"
    );
    assert_eq!(unordered_stream_threads_1(), [1, 1, 1]);
    let three = if common::serial_switch() { 1 } else { 3 };
    assert_eq!(stream_threads(3).0, [three; 3]);
    let functions: Vec<usize> = par_for::stream(0..3, |_| par_for::current_threads())
        .threads(1)
        .collect();
    assert_eq!(functions, [1, 1, 1], "par_for::stream(..).threads(1)");
    let unordered: Vec<usize> = par_for::stream_unordered(0..3, |_| par_for::current_threads())
        .threads(1)
        .collect();
    assert_eq!(unordered, [1, 1, 1]);
    assert_eq!(
        par_for::current_threads(),
        before,
        "and its own pool again after"
    );
}

#[par_for]
fn stream_body_threads_1() -> usize {
    let mut body = 0;
    #[par_for(stream, threads = 1)]
    for _ in (0..1).map(|x| x) {
        // The body runs on the calling thread, outside the stream's pool, as with
        // `threads = 3`.
        body = par_for::current_threads();
    }
    body
}

#[test]
fn the_body_of_a_threads_1_stream_sees_the_calling_threads_pool() {
    assert_eq!(stream_body_threads_1(), par_for::current_threads());
}
