use par_for::par_for;

struct Stats {
    largest: u32,
}

#[par_for]
fn main() {
    let mut stats = Stats { largest: 0 };
    #[par_for]
    for x in vec![3u32, 9, 4] {
        if x > 5 {
            stats.largest = x;
        }
    }
    println!("{}", stats.largest);
}
