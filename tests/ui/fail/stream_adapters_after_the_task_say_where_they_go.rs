use par_for::par_for;

fn task(x: &u64) -> u64 {
    x * x
}

fn is_even(r: &u64) -> bool {
    r % 2 == 0
}

#[par_for]
fn main() {
    let items = vec![1u64, 2, 3];
    #[par_for(stream)]
    for r in items.iter().map(task).take(2) {
        println!("{r}");
    }
    #[par_for(stream)]
    for r in items.iter().map(|x| x + 1).filter(|r| r % 2 == 0) {
        println!("{r}");
    }
    #[par_for(stream)]
    for r in items.iter().map(task).filter(is_even) {
        println!("{r}");
    }
    #[par_for(stream)]
    for r in items.iter().map(task).filter_map(|r| r.checked_sub(2)) {
        println!("{r}");
    }
    #[par_for(stream)]
    for r in items.iter().map(task).peekable() {
        println!("{r}");
    }
}
