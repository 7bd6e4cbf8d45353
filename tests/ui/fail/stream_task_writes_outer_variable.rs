use par_for::par_for;

#[par_for]
fn main() {
    let mut calls = 0;
    let mut total = 0;
    #[par_for(stream)]
    for r in (0..10).map(|x| {
        calls += 1;
        x * 2
    }) {
        total += r;
    }
    println!("{calls} {total}");
}
