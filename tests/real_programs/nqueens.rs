//! N-queens: count solutions, split by the first queen's column; also first solution found.
//! The search loop returns `(total, per_col, Some(placed))`, moving `per_col` as the
//! serial loop does.
use par_for::par_for;

fn solve(n: usize, row: usize, cols: u32, d1: u32, d2: u32) -> u64 {
    if row == n {
        return 1;
    }
    let mut count = 0;
    let mut free = !(cols | d1 | d2) & ((1 << n) - 1);
    while free != 0 {
        let bit = free & free.wrapping_neg();
        free ^= bit;
        count += solve(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    count
}

fn first_solution(n: usize, row: usize, placed: &mut Vec<usize>) -> bool {
    if row == n {
        return true;
    }
    for c in 0..n {
        if placed
            .iter()
            .enumerate()
            .all(|(r, &pc)| pc != c && (row - r) != c.abs_diff(pc))
        {
            placed.push(c);
            if first_solution(n, row + 1, placed) {
                return true;
            }
            placed.pop();
        }
    }
    false
}

#[par_for]
fn queens(n: usize) -> (u64, Vec<u64>, Option<Vec<usize>>) {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for c in 0..n {
        let bit = 1u32 << c;
        total += solve(n, 1, bit, bit << 1, bit >> 1);
    }
    #[par_for]
    let per_col: Vec<u64> = (0..n)
        .map(|c| {
            let bit = 1u32 << c;
            solve(n, 1, bit, bit << 1, bit >> 1)
        })
        .collect();
    #[par_for]
    for c in 0..n {
        let mut placed = vec![c];
        if first_solution(n, 1, &mut placed) {
            return (total, per_col, Some(placed));
        }
    }
    (total, per_col, None)
}

fn queens_serial(n: usize) -> (u64, Vec<u64>, Option<Vec<usize>>) {
    let mut total = 0;
    for c in 0..n {
        let bit = 1u32 << c;
        total += solve(n, 1, bit, bit << 1, bit >> 1);
    }
    let per_col: Vec<u64> = (0..n)
        .map(|c| {
            let bit = 1u32 << c;
            solve(n, 1, bit, bit << 1, bit >> 1)
        })
        .collect();
    for c in 0..n {
        let mut placed = vec![c];
        if first_solution(n, 1, &mut placed) {
            return (total, per_col, Some(placed));
        }
    }
    (total, per_col, None)
}

#[test]
fn queens_match_serial() {
    for n in 1..=10 {
        assert_eq!(queens(n), queens_serial(n), "n = {n}");
    }
    assert_eq!(queens(8).0, 92);
}
