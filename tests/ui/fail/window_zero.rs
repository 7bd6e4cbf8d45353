use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(stream, window = 0)]
    for r in (0..10).map(|x| x * 2) {
        println!("{r}");
    }
}
