//! A stream's body runs on the calling thread, in order, so it may leave to code outside
//! the stream as the serial loop does: a `return` whose value moves variables declared
//! before the loop (the value is built once the stream has stopped, from the variables
//! themselves), and a labelled `break`/`continue` to a loop around the stream (the
//! stream stops, then the jump is made). Each is compared with its serial twin, ordered
//! and `unordered`, and the items after the exit are not consumed.

use std::num::ParseIntError;

use par_for::par_for;

fn square(i: u64) -> u64 {
    i * i
}

// ---- `return` that moves variables declared before the loop ----

fn prefix_until_serial(n: u64, stop: u64) -> Vec<u64> {
    let mut out = Vec::new();
    for r in (0..n).map(square) {
        out.push(r);
        if r >= stop {
            return out;
        }
    }
    Vec::new()
}

#[par_for]
fn prefix_until(n: u64, stop: u64) -> Vec<u64> {
    let mut out = Vec::new();
    #[par_for(stream)]
    for r in (0..n).map(|i| i * i) {
        out.push(r);
        if r >= stop {
            return out;
        }
    }
    Vec::new()
}

#[par_for]
fn prefix_until_unordered(n: u64, stop: u64) -> Vec<u64> {
    let mut out = Vec::new();
    #[par_for(stream, unordered)]
    for r in (0..n).map(|i| i * i) {
        out.push(r);
        if r >= stop {
            return out;
        }
    }
    Vec::new()
}

/// `return Ok(acc)` with an outer `String`, beside a `?`, a `return` that moves the
/// item and one that reads an outer variable it does not move.
fn joined_serial(words: &[&str], limit: usize) -> Result<(String, usize), ParseIntError> {
    let mut acc = String::new();
    let mut count = 0;
    let sep = String::from("+");
    for w in words.iter().map(|w| w.to_string()) {
        let n: u64 = w.parse()?;
        if n == 99 {
            return Ok((w, sep.len()));
        }
        if !acc.is_empty() {
            acc.push_str(&sep);
        }
        acc.push_str(&w);
        count += 1;
        if acc.len() >= limit {
            return Ok((acc, count));
        }
    }
    Ok((String::new(), 0))
}

#[par_for]
fn joined(words: &[&str], limit: usize) -> Result<(String, usize), ParseIntError> {
    let mut acc = String::new();
    let mut count = 0;
    let sep = String::from("+");
    #[par_for(stream)]
    for w in words.iter().map(|w| w.to_string()) {
        let n: u64 = w.parse()?;
        if n == 99 {
            return Ok((w, sep.len()));
        }
        if !acc.is_empty() {
            acc.push_str(&sep);
        }
        acc.push_str(&w);
        count += 1;
        if acc.len() >= limit {
            return Ok((acc, count));
        }
    }
    Ok((String::new(), 0))
}

#[par_for]
fn joined_unordered_window_1(
    words: &[&str],
    limit: usize,
) -> Result<(String, usize), ParseIntError> {
    let mut acc = String::new();
    let mut count = 0;
    let sep = String::from("+");
    // A window of one item: completion order is input order.
    #[par_for(stream, unordered, window = 1)]
    for w in words.iter().map(|w| w.to_string()) {
        let n: u64 = w.parse()?;
        if n == 99 {
            return Ok((w, sep.len()));
        }
        if !acc.is_empty() {
            acc.push_str(&sep);
        }
        acc.push_str(&w);
        count += 1;
        if acc.len() >= limit {
            return Ok((acc, count));
        }
    }
    Ok((String::new(), 0))
}

#[test]
fn a_return_that_moves_an_outer_vec_returns_the_serial_value() {
    assert_eq!(prefix_until(10, 20), vec![0, 1, 4, 9, 16, 25]);
    for (n, stop) in [(0, 0), (10, 20), (10, 1000), (100_000, 1_000_000), (1, 0)] {
        assert_eq!(prefix_until(n, stop), prefix_until_serial(n, stop));
        let mut unordered = prefix_until_unordered(n, stop);
        // Completion order: the same count of squares, each below the serial limit, or
        // every square when none reaches it.
        let serial = prefix_until_serial(n, stop);
        unordered.sort_unstable();
        if serial.is_empty() {
            assert!(unordered.is_empty());
        } else {
            assert!(unordered.iter().any(|&r| r >= stop));
            assert!(unordered.iter().all(|&r| r < n * n));
        }
    }
}

#[test]
fn a_return_ok_of_an_outer_string_beside_a_question_mark_is_the_serial_one() {
    let cases: [(&[&str], usize); 6] = [
        (&["1", "22", "333", "4444"], 6),
        (&["1", "22", "333", "4444"], 100),
        (&["1", "x", "333"], 100),
        (&["1", "22", "99", "x"], 100),
        (&["5", "6", "7"], 1),
        (&[], 3),
    ];
    for (words, limit) in cases {
        let serial = joined_serial(words, limit);
        assert_eq!(joined(words, limit), serial, "{words:?} {limit}");
        assert_eq!(joined_unordered_window_1(words, limit), serial);
    }
}

/// The variables a `return` moves may be a `&mut` parameter, and the value may use
/// `self`; a parallel loop or another stream inside the body may return them too.
struct Log {
    name: String,
}

impl Log {
    #[par_for]
    fn fill<'a>(&self, out: &'a mut Vec<u64>, stop: u64) -> (&'a mut Vec<u64>, usize) {
        #[par_for(stream)]
        for r in (0..100u64).map(|i| i * 3) {
            out.push(r);
            if r >= stop {
                return (out, self.name.len());
            }
        }
        (out, 0)
    }

    /// `self` is `&mut` here, and the body changes it too.
    #[par_for]
    fn drain(&mut self, stop: u64) -> (Vec<u64>, String) {
        let mut out = Vec::new();
        #[par_for(stream)]
        for r in (0..100u64).map(|i| i * 3) {
            out.push(r);
            self.name.push('.');
            if r >= stop {
                return (out, std::mem::take(&mut self.name));
            }
        }
        (out, String::new())
    }
}

#[par_for]
fn nested_returns(n: u64) -> (Vec<u64>, &'static str) {
    let mut out = Vec::new();
    #[par_for(stream)]
    for r in (0..n).map(|i| i + 1) {
        out.push(r);
        #[par_for]
        for k in 0..r {
            if k == 5 {
                return (out, "parallel loop");
            }
        }
        #[par_for(stream)]
        for k in (0..r).map(|k| k * 2) {
            if k == 8 {
                return (out, "inner stream");
            }
        }
    }
    (out, "none")
}

#[test]
fn a_return_may_move_a_mut_parameter_use_self_and_come_from_nested_loops() {
    let log = Log {
        name: "abc".to_string(),
    };
    let mut out = vec![7];
    let (filled, len) = log.fill(&mut out, 10);
    assert_eq!((filled.clone(), len), (vec![7, 0, 3, 6, 9, 12], 3));
    let mut log = log;
    assert_eq!(
        log.drain(4),
        (vec![0, 3, 6], "abc...".to_string()),
        "a `&mut self` method"
    );
    assert_eq!(log.name, "");
    assert_eq!(nested_returns(10), (vec![1, 2, 3, 4, 5], "inner stream"));
    assert_eq!(nested_returns(4), (vec![1, 2, 3, 4], "none"));
}

// ---- labelled `break` / `continue` to a loop around the stream ----

fn first_row_with_big_serial(rows: &[Vec<u64>]) -> (Option<usize>, Vec<u64>) {
    let mut found = None;
    let mut consumed = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        for sq in row.iter().map(|x| x * x) {
            consumed.push(sq);
            if sq > 100 {
                found = Some(i);
                break 'rows;
            }
        }
    }
    (found, consumed)
}

#[par_for]
fn first_row_with_big(rows: &[Vec<u64>]) -> (Option<usize>, Vec<u64>) {
    let mut found = None;
    let mut consumed = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        #[par_for(stream)]
        for sq in row.iter().map(|x| x * x) {
            consumed.push(sq);
            if sq > 100 {
                found = Some(i);
                break 'rows;
            }
        }
    }
    (found, consumed)
}

/// Per row, the squares up to the first odd one; a row is left at its first odd square.
fn until_odd_serial(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
    let mut seen = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        for sq in row.iter().map(|x| x * x) {
            seen.push((i, sq));
            if sq % 2 == 1 {
                continue 'rows;
            }
        }
        seen.push((i, u64::MAX));
    }
    seen
}

#[par_for]
fn until_odd(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
    let mut seen = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        #[par_for(stream)]
        for sq in row.iter().map(|x| x * x) {
            seen.push((i, sq));
            if sq % 2 == 1 {
                continue 'rows;
            }
        }
        // Not reached after `continue 'rows`.
        seen.push((i, u64::MAX));
    }
    seen
}

#[par_for]
fn until_odd_unordered_window_1(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
    let mut seen = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        #[par_for(stream, unordered, window = 1)]
        for sq in row.iter().map(|x| x * x) {
            seen.push((i, sq));
            if sq % 2 == 1 {
                continue 'rows;
            }
        }
        seen.push((i, u64::MAX));
    }
    seen
}

/// Every kind of jump at once: to the stream's own label, to an inner loop of the body,
/// to the loop around the stream (`continue`) and to the one around that (`break`), a
/// `return`, and a labelled block around the stream with a value.
fn every_jump(grid: &[Vec<i64>]) -> (Vec<i64>, i64) {
    let mut seen = Vec::new();
    let last = 'block: {
        'grid: for _pass in 0..2 {
            'rows: for row in grid {
                's: for v in row.iter().map(|x| x * 10) {
                    'inner: for k in 0..3 {
                        if k == 1 {
                            break 'inner;
                        }
                        seen.push(k);
                    }
                    if v == 0 {
                        continue 's;
                    }
                    seen.push(v);
                    match v {
                        10 => continue 'rows,
                        20 => break 's,
                        -10 => break 'grid,
                        -20 => break 'block v,
                        -30 => return (seen, -30),
                        _ => {}
                    }
                }
            }
        }
        0
    };
    (seen, last)
}

#[par_for]
fn every_jump_streamed(grid: &[Vec<i64>]) -> (Vec<i64>, i64) {
    let mut seen = Vec::new();
    let last = 'block: {
        'grid: for _pass in 0..2 {
            'rows: for row in grid {
                #[par_for(stream)]
                's: for v in row.iter().map(|x| x * 10) {
                    'inner: for k in 0..3 {
                        if k == 1 {
                            break 'inner;
                        }
                        seen.push(k);
                    }
                    if v == 0 {
                        continue 's;
                    }
                    seen.push(v);
                    match v {
                        10 => continue 'rows,
                        20 => break 's,
                        -10 => break 'grid,
                        -20 => break 'block v,
                        -30 => return (seen, -30),
                        _ => {}
                    }
                }
            }
        }
        0
    };
    (seen, last)
}

#[test]
fn a_labelled_break_leaves_the_loop_around_the_stream() {
    let rows = vec![vec![1, 2], vec![3, 11, 2], vec![20]];
    assert_eq!(first_row_with_big(&rows).0, Some(1));
    assert_eq!(first_row_with_big(&rows), first_row_with_big_serial(&rows));
    let long: Vec<Vec<u64>> = (0..50)
        .map(|r| {
            (0..2000)
                .map(|c| if r == 7 && c == 900 { 11 } else { c % 10 })
                .collect()
        })
        .collect();
    // The squares after the one over 100 are not consumed.
    let (found, consumed) = first_row_with_big(&long);
    assert_eq!(found, Some(7));
    assert_eq!(consumed.len(), 7 * 2000 + 901);
    assert_eq!((found, consumed), first_row_with_big_serial(&long));
    assert_eq!(first_row_with_big(&[]), (None, Vec::new()));
}

#[test]
fn a_labelled_continue_goes_on_with_the_next_item_of_the_loop_around_the_stream() {
    let rows: Vec<Vec<u64>> = vec![
        vec![2, 4, 3, 6, 8],
        vec![],
        vec![2, 4],
        vec![1],
        (0..5000)
            .map(|c| if c == 4000 { 7 } else { 2 * c })
            .collect(),
    ];
    let serial = until_odd_serial(&rows);
    assert_eq!(until_odd(&rows), serial);
    assert_eq!(until_odd_unordered_window_1(&rows), serial);
    // Nothing after the odd square of a row is consumed.
    assert!(!serial.contains(&(0, 36)));
}

#[test]
fn every_jump_out_of_a_stream_body_is_the_serial_one() {
    let grids: [&[&[i64]]; 7] = [
        &[&[1, 2, 3], &[4]],
        &[&[3, 0, 2, 5], &[6, 1, 9]],
        &[&[3, 4], &[5, -1, 7], &[8]],
        &[&[3, -2, 1]],
        &[&[0, 4, -3, 5]],
        &[&[], &[3]],
        &[],
    ];
    for grid in grids {
        let grid: Vec<Vec<i64>> = grid.iter().map(|row| row.to_vec()).collect();
        assert_eq!(every_jump_streamed(&grid), every_jump(&grid), "{grid:?}");
    }
}

/// A stream inside a stream: the inner body's jump to the loop around both stops both.
#[par_for]
fn nested_streams(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
    let mut seen = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        #[par_for(stream)]
        for x in row.iter().map(|x| x + 1) {
            #[par_for(stream)]
            for y in (0..x).map(|y| y * x) {
                seen.push((i, y));
                if y >= 6 {
                    continue 'rows;
                }
                if y == 5 {
                    break 'rows;
                }
            }
        }
        seen.push((i, 0));
    }
    seen
}

fn nested_streams_serial(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
    let mut seen = Vec::new();
    'rows: for (i, row) in rows.iter().enumerate() {
        for x in row.iter().map(|x| x + 1) {
            for y in (0..x).map(|y| y * x) {
                seen.push((i, y));
                if y >= 6 {
                    continue 'rows;
                }
                if y == 5 {
                    break 'rows;
                }
            }
        }
        seen.push((i, 0));
    }
    seen
}

/// A stream inside a parallel loop labelled `'items`: `continue 'items` and
/// `break 'items` from the stream's body are the parallel loop's own.
#[par_for]
fn in_a_parallel_loop(items: &[u64]) -> Option<u64> {
    let found = std::sync::Mutex::new(Vec::new());
    #[par_for]
    'items: for &n in items {
        #[par_for(stream)]
        for d in (1..=n).map(|d| n % d) {
            if d == 3 {
                continue 'items;
            }
            if n == 50 {
                break 'items;
            }
        }
        found.lock().unwrap().push(n);
    }
    let mut found = found.into_inner().unwrap();
    found.sort_unstable();
    found.first().copied()
}

#[test]
fn a_jump_from_a_stream_inside_a_stream_or_a_parallel_loop_is_the_serial_one() {
    let rows = vec![vec![1, 2, 5], vec![0], vec![1, 1], vec![4, 9]];
    assert_eq!(nested_streams(&rows), nested_streams_serial(&rows));
    // 7 and 11 leave a remainder of 3 (by 4) and go on with the next item; 6 does not;
    // 50 breaks, after every item before it.
    assert_eq!(in_a_parallel_loop(&[7, 11, 6]), Some(6));
    assert_eq!(in_a_parallel_loop(&[7, 11]), None);
    assert_eq!(in_a_parallel_loop(&[7, 6, 50]), Some(6));
}
