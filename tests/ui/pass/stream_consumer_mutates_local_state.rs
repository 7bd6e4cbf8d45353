use par_for::par_for;

fn slow_square(x: u64) -> u64 {
    std::thread::sleep(std::time::Duration::from_micros(50 * (x % 3)));
    x * x
}

#[par_for]
fn first_square_above(limit: u64) -> Option<u64> {
    #[par_for(stream, window = 4)]
    for sq in (0..).map(slow_square) {
        if sq > limit {
            return Some(sq);
        }
    }
    None
}

#[par_for]
fn main() {
    let mut seen = Vec::new();
    let mut printed = 0;
    #[par_for(stream)]
    for sq in (0..20u64).map(|x| slow_square(x)) {
        seen.push(sq);
        printed += 1;
        if printed == 15 {
            break;
        }
    }
    assert_eq!(seen, (0..15u64).map(|x| x * x).collect::<Vec<_>>());
    let mut unordered = Vec::new();
    #[par_for(stream, unordered, threads = 3, progress = "squares")]
    for sq in vec![3u64, 1, 2].into_iter().map(slow_square) {
        unordered.push(sq);
    }
    unordered.sort();
    assert_eq!(unordered, vec![1, 4, 9]);
    assert_eq!(first_square_above(50), Some(64));
}
