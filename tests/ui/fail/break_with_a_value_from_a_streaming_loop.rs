// A streaming loop is a `for` loop, which has no value: `break 5` is the compiler's
// E0571, as serially (it was accepted, the value dropped).
use par_for::par_for;

#[par_for]
fn total(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(stream)]
    for x in (0..n).map(|x| x * 2) {
        total += x;
        if x > 4 {
            break 5;
        }
    }
    total
}

fn main() {
    println!("{}", total(10));
}
