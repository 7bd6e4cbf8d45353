//! A streaming loop whose source reads what its body changes: with `window = 1` each
//! item is pulled only once the body has run for the one before, so the source sees
//! every change, as serially. (Without it, such a loop over a `Cell` or `RefCell` is a
//! compile error: `tests/ui/fail/stream_source_reads_what_the_body_changes.rs`.)

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use par_for::par_for;

#[par_for]
fn drain(n: u64) -> Vec<u64> {
    let queue = RefCell::new(vec![0u64]);
    let mut out = Vec::new();
    #[par_for(stream, window = 1)]
    for x in std::iter::from_fn(|| queue.borrow_mut().pop()).map(|x| x + 1) {
        out.push(x);
        if x < n {
            queue.borrow_mut().push(x);
        }
    }
    out
}

#[par_for]
fn until_flag(n: u64) -> Vec<u64> {
    let stop = Cell::new(false);
    let mut next = 0;
    let mut out = Vec::new();
    #[par_for(stream, window = 1)]
    for x in std::iter::from_fn(|| {
        next += 1;
        (!stop.get()).then_some(next)
    })
    .map(|x| x * 10)
    {
        out.push(x);
        if x >= n * 10 {
            stop.set(true);
        }
    }
    out
}

/// A breadth-first walk of a tree of `pages` pages (page `p` links to `2p + 1` and
/// `2p + 2`), the frontier a `RefCell<VecDeque>` the body refills.
#[par_for]
fn crawl(pages: u64) -> Vec<u64> {
    let frontier = RefCell::new(VecDeque::from([0u64]));
    let mut visited = Vec::new();
    #[par_for(stream, window = 1)]
    for (page, links) in std::iter::from_fn(|| frontier.borrow_mut().pop_front())
        .map(|p| (p, [2 * p + 1, 2 * p + 2]))
    {
        visited.push(page);
        for link in links {
            if link < pages {
                frontier.borrow_mut().push_back(link);
            }
        }
    }
    visited
}

#[test]
fn a_work_queue_the_body_refills_is_drained_as_serially() {
    assert_eq!(drain(5), vec![1, 2, 3, 4, 5]);
}

#[test]
fn a_flag_the_body_sets_stops_the_source_as_serially() {
    assert_eq!(until_flag(5), vec![10, 20, 30, 40, 50]);
}

#[test]
fn a_crawl_visits_every_page_in_breadth_first_order() {
    assert_eq!(crawl(100), (0..100).collect::<Vec<u64>>());
}
