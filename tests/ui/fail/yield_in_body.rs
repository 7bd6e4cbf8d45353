use par_for::par_for;

#[par_for]
fn numbers() {
    #[par_for]
    for i in 0..10 {
        yield i;
    }
}

fn main() {
    numbers();
}
