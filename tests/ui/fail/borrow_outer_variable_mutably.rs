use par_for::par_for;

fn bump(counter: &mut u32) {
    *counter += 1;
}

#[par_for]
fn main() {
    let mut hits = 0;
    #[par_for]
    for _ in 0..10 {
        bump(&mut hits);
    }
    println!("{hits}");
}
