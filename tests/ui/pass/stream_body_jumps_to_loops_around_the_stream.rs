use par_for::par_for;

/// `break 'rows` and `continue 'rows` from a stream's body to the loop around it: the
/// stream stops, then the jump is made.
#[par_for]
fn first_row_with_big(rows: &[Vec<u64>]) -> Option<usize> {
    let mut found = None;
    'rows: for (i, row) in rows.iter().enumerate() {
        #[par_for(stream)]
        for sq in row.iter().map(|x| x * x) {
            if sq == 4 {
                continue 'rows;
            }
            if sq > 100 {
                found = Some(i);
                break 'rows;
            }
        }
    }
    found
}

/// `break 'search pos` with a value, to a `loop` around an unordered stream; the
/// stream's own label and a labelled loop inside its body keep their meaning.
#[par_for]
fn first_pair_over(grid: &[Vec<u64>], limit: u64) -> Option<(usize, u64)> {
    let mut row = 0;
    let found = 'search: loop {
        if row == grid.len() {
            break None;
        }
        #[par_for(stream, unordered, window = 1)]
        'cells: for x in grid[row].iter().map(|x| x * 3) {
            'tries: for k in 0..3 {
                if k == 1 {
                    break 'tries;
                }
            }
            if x == 0 {
                continue 'cells;
            }
            if x > limit {
                break 'search Some((row, x));
            }
        }
        row += 1;
    };
    found
}

fn main() {
    assert_eq!(first_row_with_big(&[vec![1, 2], vec![3, 11, 2], vec![20]]), Some(1));
    assert_eq!(first_row_with_big(&[vec![2, 20], vec![1]]), None);
    assert_eq!(first_pair_over(&[vec![1, 0], vec![0, 5, 9]], 10), Some((1, 15)));
    assert_eq!(first_pair_over(&[vec![1]], 10), None);
}
