use par_for::par_for;

#[par_for]
fn main() {
    let (tx, rx) = std::sync::mpsc::channel();
    #[par_for(distribute)]
    for i in 0..10u64 {
        tx.send(i * i).unwrap()
    }
    drop(tx);
    println!("{}", rx.iter().sum::<u64>());
}
