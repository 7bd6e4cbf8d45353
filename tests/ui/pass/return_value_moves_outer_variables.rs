//! A `return` whose value moves variables declared before the loop, as the serial loop
//! moves them when it returns: the value is built after the loop, from the variables
//! themselves. With `?` in the same body, inside a marked loop nested in another, and
//! with a reduction.
use par_for::par_for;

#[par_for]
fn find(rows: &[Vec<u32>], target: u32) -> (Vec<u32>, Option<usize>) {
    let header = vec![1, 2, 3];
    #[par_for]
    for (i, r) in rows.iter().enumerate() {
        if r.contains(&target) {
            return (header, Some(i));
        }
    }
    (header, None)
}

#[par_for]
fn checked(words: &[&str], context: String) -> Result<u64, String> {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for w in words {
        let n: u64 = w.parse().map_err(|_| format!("{context}: bad {w}"))?;
        if n == 99 {
            return Err(context);
        }
        total += n;
    }
    Ok(total)
}

#[par_for]
fn first_cell(grid: &[Vec<u32>], label: String) -> Option<(String, usize, usize)> {
    #[par_for]
    for (r, row) in grid.iter().enumerate() {
        #[par_for]
        for (c, cell) in row.iter().enumerate() {
            if *cell == 0 {
                return Some((label, r, c));
            }
        }
    }
    None
}

fn main() {
    assert_eq!(find(&[vec![1], vec![2], vec![2]], 2), (vec![1, 2, 3], Some(1)));
    assert_eq!(find(&[vec![1]], 2), (vec![1, 2, 3], None));
    assert_eq!(checked(&["1", "2"], "ctx".into()), Ok(3));
    assert_eq!(checked(&["1", "99", "x"], "ctx".into()), Err("ctx".into()));
    assert_eq!(checked(&["1", "x", "99"], "ctx".into()), Err("ctx: bad x".into()));
    let grid = vec![vec![1, 2], vec![3, 0], vec![0, 5]];
    assert_eq!(first_cell(&grid, "z".into()), Some(("z".into(), 1, 1)));
}
