use par_for::par_for;

#[par_for]
fn main() {
    let mut started = Vec::new();
    #[par_for(stream)]
    for r in (0..10).map(|x| {
        started.push(x);
        x * 2
    }) {
        println!("{r}");
    }
    println!("{started:?}");
}
