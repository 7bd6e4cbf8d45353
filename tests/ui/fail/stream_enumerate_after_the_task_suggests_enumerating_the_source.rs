use par_for::par_for;

fn task(x: &u64) -> u64 {
    x * x
}

#[par_for]
fn main() {
    let items = vec![1u64, 2, 3];
    #[par_for(stream)]
    for (i, r) in items.iter().map(task).enumerate() {
        println!("{i}: {r}");
    }
}
