use par_for::par_for;

#[par_for]
fn main() {
    let mut ids = 100..;
    #[par_for]
    for name in ["a", "b", "c"] {
        let id = ids.next();
        println!("{name} {id:?}");
    }
}
