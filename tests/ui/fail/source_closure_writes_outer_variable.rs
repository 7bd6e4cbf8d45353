use par_for::par_for;

#[par_for]
fn main() {
    let data = vec![1, 2, 3];
    let mut produced = 0;
    #[par_for]
    for x in data.iter().map(|x| {
        produced += 1;
        x * 2
    }) {
        println!("{x}");
    }
    println!("{produced}");
}
