use par_for::par_for;

#[par_for]
fn main() {
    let big = false;
    #[par_for(stream, if = big)]
    for r in (0..10).map(|x| x * 2) {
        println!("{r}");
    }
}
