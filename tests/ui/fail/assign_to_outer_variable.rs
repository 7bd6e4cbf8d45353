use par_for::par_for;

#[par_for]
fn main() {
    let mut last = 0;
    #[par_for]
    for i in 0..100 {
        last = i;
    }
    println!("{last}");
}
