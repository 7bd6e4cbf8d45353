//! A marked pipeline or loop inside a streaming loop's task closure, and a function
//! declared inside a loop body and used as a value there: an item declared in a block
//! is not a variable the body reads from outside.
use par_for::par_for;

#[par_for]
fn row_sums(rows: Vec<Vec<u64>>) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    #[par_for(stream)]
    for r in rows.into_iter().map(|row| {
        #[par_for]
        let s: u64 = row.iter().sum();
        let mut squares = 0;
        #[par_for(reduce(squares: +))]
        for x in &row {
            squares += x * x;
        }
        (s, squares)
    }) {
        out.push(r);
    }
    out
}

#[par_for]
fn squared_lengths(words: &[&str]) -> Vec<Vec<usize>> {
    #[par_for]
    let out: Vec<Vec<usize>> = words
        .iter()
        .map(|w| {
            fn square(n: usize) -> usize {
                n * n
            }
            w.split('-').map(str::len).map(square).collect()
        })
        .collect();
    out
}

#[par_for]
fn cubes(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        fn cube(x: u64) -> u64 {
            x * x * x
        }
        let f = cube;
        total += f(i);
    }
    total
}

fn main() {
    assert_eq!(row_sums(vec![vec![1, 2], vec![3]]), [(3, 5), (3, 9)]);
    assert_eq!(squared_lengths(&["ab-c", "def"]), [vec![4, 1], vec![9]]);
    assert_eq!(cubes(10), (0..10u64).map(|i| i * i * i).sum::<u64>());
}
