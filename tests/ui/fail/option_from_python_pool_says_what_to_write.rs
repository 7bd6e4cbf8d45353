//! Options brought from Python's `multiprocessing.Pool` (and OpenMP) are not par-for's,
//! and the error says what to write instead of listing every option.
use par_for::par_for;

fn square(x: u64) -> u64 {
    x * x
}

#[par_for]
fn main() {
    #[par_for(processes = 4, chunksize = 8)]
    for i in 0..10 {
        println!("{i}");
    }
    #[par_for(num_threads(4))]
    for i in 0..10 {
        println!("{i}");
    }
    #[par_for(stream, ordered)]
    for r in (0..10u64).map(square) {
        println!("{r}");
    }
}
