//! How far a Form 2 pipeline reads a serial source whose reading has effects (here an
//! iterator that counts its `next` calls; `stdin().lines()` consumes input the same
//! way): a borrowed source (`it.by_ref()`) exactly as far as the serial pipeline, an
//! owned one at most two batches further (see "How far a serial source is read" in
//! `docs/rules.md`).

use std::sync::atomic::{AtomicUsize, Ordering};

use par_for::par_for;

/// The largest batch the runtime reads from a serial source.
const MAX_BATCH: usize = 1 << 16;
/// The first batch on a pool of four threads.
const FIRST_BATCH: usize = 4 * 4;

fn on_four<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    par_for::with_threads(4, f)
}

/// `0, 1, 2, ...`, counting every call of `next` in `reads`.
struct Counted<'a> {
    next: u64,
    reads: &'a AtomicUsize,
}

fn counted(reads: &AtomicUsize) -> Counted<'_> {
    Counted { next: 0, reads }
}

impl Iterator for Counted<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let item = self.next;
        self.next += 1;
        Some(item)
    }
}

fn parse(x: u64, bad: u64) -> Result<u64, String> {
    if x == bad {
        Err(format!("bad {x}"))
    } else {
        Ok(x * 2)
    }
}

/// What each consumer that stops early gives over a source, and how many items it read.
type Outcome = (
    Option<u64>,
    Option<usize>,
    bool,
    Vec<u64>,
    Result<Vec<u64>, String>,
);

#[par_for]
fn owned(t: u64, reads: &[AtomicUsize; 5]) -> Outcome {
    #[par_for]
    let found = counted(&reads[0]).find(|&x| x == t);
    #[par_for]
    let at = counted(&reads[1]).position(|x| x == t);
    #[par_for]
    let any = counted(&reads[2]).any(|x| x == t);
    #[par_for]
    let taken: Vec<u64> = counted(&reads[3]).take(t as usize + 1).collect();
    #[par_for]
    let parsed: Result<Vec<u64>, String> = counted(&reads[4]).map(|x| parse(x, t)).collect();
    (found, at, any, taken, parsed)
}

/// [`owned`], each source borrowed with `by_ref()`; also the item each source gives next.
#[par_for]
fn borrowed(t: u64, reads: &[AtomicUsize; 5]) -> (Outcome, Vec<Option<u64>>) {
    let mut sources = reads.each_ref().map(counted);
    let [a, b, c, d, e] = &mut sources;
    #[par_for]
    let found = a.by_ref().find(|&x| x == t);
    #[par_for]
    let at = b.by_ref().position(|x| x == t);
    #[par_for]
    let any = c.by_ref().any(|x| x == t);
    #[par_for]
    let taken: Vec<u64> = d.by_ref().take(t as usize + 1).collect();
    #[par_for]
    let parsed: Result<Vec<u64>, String> = e.by_ref().map(|x| parse(x, t)).collect();
    let after = sources.iter_mut().map(Iterator::next).collect();
    ((found, at, any, taken, parsed), after)
}

fn serial(t: u64, reads: &[AtomicUsize; 5]) -> (Outcome, Vec<Option<u64>>) {
    let mut sources = reads.each_ref().map(counted);
    let [a, b, c, d, e] = &mut sources;
    let found = a.by_ref().find(|&x| x == t);
    let at = b.by_ref().position(|x| x == t);
    let any = c.by_ref().any(|x| x == t);
    let taken: Vec<u64> = d.by_ref().take(t as usize + 1).collect();
    let parsed: Result<Vec<u64>, String> = e.by_ref().map(|x| parse(x, t)).collect();
    let after = sources.iter_mut().map(Iterator::next).collect();
    ((found, at, any, taken, parsed), after)
}

fn counters() -> [AtomicUsize; 5] {
    std::array::from_fn(|_| AtomicUsize::new(0))
}

fn counts(reads: &[AtomicUsize; 5]) -> Vec<usize> {
    reads.iter().map(|r| r.load(Ordering::Relaxed)).collect()
}

/// Each consumer's reads serially, before the one `next` that shows where it stopped.
fn serial_reads(t: u64) -> (Outcome, Vec<usize>) {
    let reads = counters();
    let (outcome, _) = serial(t, &reads);
    let stopped = counts(&reads).into_iter().map(|n| n - 1).collect();
    (outcome, stopped)
}

#[test]
fn a_borrowed_source_with_effects_is_read_exactly_as_far_as_serially() {
    for t in [0, 5, 1000, 70_000] {
        let (serial_outcome, serial_stopped) = serial_reads(t);
        let reads = counters();
        let (outcome, after) = on_four(|| borrowed(t, &reads));
        assert_eq!(outcome, serial_outcome, "t = {t}");
        let stopped: Vec<usize> = counts(&reads).into_iter().map(|n| n - 1).collect();
        assert_eq!(
            stopped, serial_stopped,
            "reads before the next item, t = {t}"
        );
        let serial_after: Vec<Option<u64>> =
            serial_stopped.iter().map(|&n| Some(n as u64)).collect();
        assert_eq!(
            after, serial_after,
            "the item each source gives next, t = {t}"
        );
    }
}

#[test]
fn an_owned_source_is_read_at_most_two_batches_past_where_serial_stops() {
    for t in [0, 5, 1000, 70_000, 300_000] {
        let (serial_outcome, serial_stopped) = serial_reads(t);
        let reads = counters();
        assert_eq!(on_four(|| owned(t, &reads)), serial_outcome, "t = {t}");
        for (read, serial) in counts(&reads).into_iter().zip(serial_stopped) {
            // The rest of the batch that decided, and the batch read meanwhile: batches
            // double from `FIRST_BATCH` up to `MAX_BATCH`.
            let bound = (4 * serial + 3 * FIRST_BATCH).min(serial + 2 * MAX_BATCH);
            assert!(
                (serial..=bound).contains(&read),
                "t = {t}: read {read} items where serially {serial}, bound {bound}"
            );
        }
    }
}
