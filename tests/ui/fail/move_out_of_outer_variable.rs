use par_for::par_for;

fn consume(name: String) -> usize {
    name.len()
}

#[par_for]
fn main() {
    let name = String::from("par-for");
    #[par_for]
    for _ in 0..10 {
        println!("{}", consume(name));
    }
}
