use par_for::par_for;

#[par_for]
fn main() {
    let mut acc = 0;
    #[par_for(reduce(acc: +, acc: +))]
    for i in 0..10 {
        acc += i;
    }
    println!("{acc}");
}
