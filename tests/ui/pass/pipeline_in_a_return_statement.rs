//! `#[par_for] return PIPELINE;`: the pipeline's value is returned, as serially; also
//! inside a marked loop's body, where the loop returns it.
use par_for::par_for;

#[par_for]
fn total(v: &[u64]) -> u64 {
    if v.is_empty() {
        return 0;
    }
    #[par_for]
    return v.iter().map(|x| x * 2).sum();
}

#[par_for]
fn first_long_row(rows: &[Vec<u64>]) -> Option<u64> {
    #[par_for]
    for row in rows {
        if row.len() > 2 {
            #[par_for]
            return row.iter().copied().max();
        }
    }
    None
}

fn main() {
    assert_eq!(total(&[1, 2, 3]), 12);
    assert_eq!(total(&[]), 0);
    assert_eq!(first_long_row(&[vec![1], vec![4, 9, 2], vec![7, 7, 7]]), Some(9));
}
