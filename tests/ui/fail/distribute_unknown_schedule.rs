use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(distribute, schedule = dynamic)]
    let v: Vec<u64> = (0..10u64).map(|i| i * i).collect();
    println!("{v:?}");
}
