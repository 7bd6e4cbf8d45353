//! The other side of a `zip` or `chain` that is not a collection: an endless iterator
//! (`1..`, `repeat(x)`, `successors`), a borrowed one (`it.by_ref()`), one that is not
//! `Send`. Each marked loop and pipeline is compared with the same code run serially,
//! including how far it read the iterators its caller goes on reading.

use par_for::par_for;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts up from `next` to `end`, holding an `Rc`, so that it cannot be sent to the
/// pool's threads (as `stdin().lock().lines()` cannot).
struct Local {
    _rc: Rc<()>,
    next: u64,
    end: u64,
}

fn local(from: u64, end: u64) -> Local {
    Local {
        _rc: Rc::new(()),
        next: from,
        end,
    }
}

impl Iterator for Local {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        (self.next < self.end).then(|| {
            self.next += 1;
            self.next - 1
        })
    }
}

/// An endless iterator that counts how often it was asked for an item.
struct Counted<'a> {
    asked: &'a AtomicUsize,
}

impl Iterator for Counted<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        Some(self.asked.fetch_add(1, Ordering::Relaxed) as u64 * 3)
    }
}

fn nums() -> Vec<u64> {
    (0..5_000).map(|i| i * 7 % 1_009).collect()
}

#[par_for]
fn zip_endless_sides_marked(nums: &[u64]) -> (u64, Vec<(u64, u64)>, u64, u64) {
    #[par_for]
    let numbered: u64 = nums.iter().zip(1u64..).map(|(x, i)| x * i).sum();
    #[par_for]
    let paired: Vec<(u64, u64)> = nums
        .iter()
        .copied()
        .zip(std::iter::repeat(7))
        .filter(|(x, _)| x % 2 == 0)
        .collect();
    #[par_for]
    let powers: u64 = nums
        .iter()
        .zip(std::iter::successors(Some(1u64), |p| {
            Some(p.wrapping_mul(3))
        }))
        .map(|(x, p)| x.wrapping_mul(p) >> 40)
        .sum();
    // After `filter`, the zip runs inside the split pipeline.
    #[par_for]
    let after_filter: u64 = nums
        .iter()
        .filter(|x| *x % 3 == 0)
        .zip(100u64..)
        .map(|(x, i)| x * i)
        .sum();
    (numbered, paired, powers, after_filter)
}

fn zip_endless_sides_serial(nums: &[u64]) -> (u64, Vec<(u64, u64)>, u64, u64) {
    let numbered: u64 = nums.iter().zip(1u64..).map(|(x, i)| x * i).sum();
    let paired: Vec<(u64, u64)> = nums
        .iter()
        .copied()
        .zip(std::iter::repeat(7))
        .filter(|(x, _)| x % 2 == 0)
        .collect();
    let powers: u64 = nums
        .iter()
        .zip(std::iter::successors(Some(1u64), |p| {
            Some(p.wrapping_mul(3))
        }))
        .map(|(x, p)| x.wrapping_mul(p) >> 40)
        .sum();
    let after_filter: u64 = nums
        .iter()
        .filter(|x| *x % 3 == 0)
        .zip(100u64..)
        .map(|(x, i)| x * i)
        .sum();
    (numbered, paired, powers, after_filter)
}

#[test]
fn a_pipeline_zips_with_an_endless_side() {
    let nums = nums();
    assert_eq!(
        zip_endless_sides_marked(&nums),
        zip_endless_sides_serial(&nums)
    );
}

#[par_for]
fn zip_after_filter_reads_marked(nums: &[u64], asked: &AtomicUsize) -> u64 {
    #[par_for]
    let total: u64 = nums
        .iter()
        .filter(|x| *x % 5 == 0)
        .zip(Counted { asked })
        .map(|(x, y)| x + y)
        .sum();
    total
}

#[test]
fn a_zip_inside_a_pipeline_reads_its_side_no_further_than_serially() {
    let nums = nums();
    let serial_asked = AtomicUsize::new(0);
    let serial: u64 = nums
        .iter()
        .filter(|x| *x % 5 == 0)
        .zip(Counted {
            asked: &serial_asked,
        })
        .map(|(x, y)| x + y)
        .sum();
    let asked = AtomicUsize::new(0);
    assert_eq!(zip_after_filter_reads_marked(&nums, &asked), serial);
    assert_eq!(
        asked.load(Ordering::Relaxed),
        serial_asked.load(Ordering::Relaxed)
    );
}

#[par_for]
fn zip_borrowed_pipeline_marked(nums: &[u64], ids: &mut std::ops::Range<u64>) -> u64 {
    #[par_for]
    let total: u64 = nums.iter().zip(ids.by_ref()).map(|(x, id)| x * id).sum();
    total
}

#[par_for]
fn zip_borrowed_find_marked(nums: &[u64], ids: &mut std::ops::Range<u64>) -> Option<(u64, u64)> {
    #[par_for]
    let found = nums
        .iter()
        .copied()
        .zip(ids.by_ref())
        .find(|(x, _)| *x == 77);
    found
}

#[par_for]
fn zip_borrowed_loop_marked(nums: &[u64], ids: &mut std::ops::Range<u64>, stop: u64) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for (x, id) in nums.iter().zip(ids.by_ref()) {
        if *x == stop {
            break;
        }
        total += x * id;
    }
    total
}

fn zip_borrowed_loop_serial(nums: &[u64], ids: &mut std::ops::Range<u64>, stop: u64) -> u64 {
    let mut total = 0;
    for (x, id) in nums.iter().zip(ids.by_ref()) {
        if *x == stop {
            break;
        }
        total += x * id;
    }
    total
}

#[test]
fn a_borrowed_side_of_a_zip_is_read_as_far_as_serially() {
    let nums = nums();
    let (mut ids, mut serial_ids) = (1_000..20_000u64, 1_000..20_000u64);
    let serial: u64 = nums
        .iter()
        .zip(serial_ids.by_ref())
        .map(|(x, id)| x * id)
        .sum();
    assert_eq!(zip_borrowed_pipeline_marked(&nums, &mut ids), serial);
    assert_eq!(ids, serial_ids);

    let (mut ids, mut serial_ids) = (0..20_000u64, 0..20_000u64);
    let serial = nums
        .iter()
        .copied()
        .zip(serial_ids.by_ref())
        .find(|(x, _)| *x == 77);
    assert_eq!(zip_borrowed_find_marked(&nums, &mut ids), serial);
    assert_eq!(ids, serial_ids);

    // 1_009 is not among the numbers: the loop reads the whole zip.
    for stop in [77, 500, 1_009] {
        let (mut ids, mut serial_ids) = (0..20_000u64, 0..20_000u64);
        assert_eq!(
            zip_borrowed_loop_marked(&nums, &mut ids, stop),
            zip_borrowed_loop_serial(&nums, &mut serial_ids, stop),
            "stop at {stop}"
        );
        assert_eq!(ids, serial_ids, "stop at {stop}");
    }
}

#[par_for]
fn two_local_sides_marked(n: u64) -> (u64, Vec<u64>, Option<u64>) {
    #[par_for]
    let dot: u64 = local(0, n).zip(local(5, n + 5)).map(|(a, b)| a * b).sum();
    #[par_for]
    let both: Vec<u64> = local(0, n).chain(local(0, n / 2)).map(|a| a * 3).collect();
    #[par_for]
    let first = local(0, n)
        .chain(local(n, 2 * n))
        .find(|a| a * a > n * n + 1);
    (dot, both, first)
}

fn two_local_sides_serial(n: u64) -> (u64, Vec<u64>, Option<u64>) {
    let dot: u64 = local(0, n).zip(local(5, n + 5)).map(|(a, b)| a * b).sum();
    let both: Vec<u64> = local(0, n).chain(local(0, n / 2)).map(|a| a * 3).collect();
    let first = local(0, n)
        .chain(local(n, 2 * n))
        .find(|a| a * a > n * n + 1);
    (dot, both, first)
}

#[test]
fn a_pipeline_zips_or_chains_two_sources_that_are_not_send() {
    for n in [0, 1, 7, 3_000] {
        assert_eq!(
            two_local_sides_marked(n),
            two_local_sides_serial(n),
            "n = {n}"
        );
    }
}

#[par_for]
fn chain_endless_marked(nums: &[u64]) -> (Option<u64>, Vec<u64>) {
    #[par_for]
    let first = nums.iter().copied().chain(2_000u64..).find(|x| *x > 2_100);
    #[par_for]
    let some: Vec<u64> = (0..10u64).chain(100..).take(25).collect();
    (first, some)
}

#[test]
fn a_pipeline_chained_to_an_endless_part_stops_where_serial_stops() {
    let nums = nums();
    let first = nums.iter().copied().chain(2_000u64..).find(|x| *x > 2_100);
    let some: Vec<u64> = (0..10u64).chain(100..).take(25).collect();
    assert_eq!(chain_endless_marked(&nums), (first, some));
}

#[par_for]
fn zip_borrowed_then_filter_marked(
    nums: &[u64],
    ids: &mut std::ops::Range<u64>,
) -> Vec<(u64, u64)> {
    #[par_for]
    let first: Vec<(u64, u64)> = nums
        .iter()
        .copied()
        .zip(ids.by_ref())
        .filter(|(x, _)| x % 10 == 0)
        .take(3)
        .collect();
    first
}

#[par_for]
fn borrowed_zip_then_filter_marked(ids: &mut std::ops::Range<u64>, nums: &[u64]) -> Option<usize> {
    #[par_for]
    let at = ids
        .by_ref()
        .zip(nums.iter())
        .filter(|(_, x)| **x % 7 == 0)
        .position(|(id, _)| id > 40);
    at
}

#[test]
fn a_borrowed_side_is_read_as_far_as_serially_before_a_filter_that_stops() {
    let nums = nums();
    let (mut ids, mut serial_ids) = (0..20_000u64, 0..20_000u64);
    let serial: Vec<(u64, u64)> = nums
        .iter()
        .copied()
        .zip(serial_ids.by_ref())
        .filter(|(x, _)| x % 10 == 0)
        .take(3)
        .collect();
    assert_eq!(zip_borrowed_then_filter_marked(&nums, &mut ids), serial);
    assert_eq!(ids, serial_ids);

    let (mut ids, mut serial_ids) = (0..20_000u64, 0..20_000u64);
    let serial = serial_ids
        .by_ref()
        .zip(nums.iter())
        .filter(|(_, x)| **x % 7 == 0)
        .position(|(id, _)| id > 40);
    assert_eq!(borrowed_zip_then_filter_marked(&mut ids, &nums), serial);
    assert_eq!(ids, serial_ids);
}
