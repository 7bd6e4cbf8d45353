use par_for::par_for;

#[par_for]
fn main() {
    let samples: Vec<i64> = vec![3, 5, 4, 8, 6];
    let deltas = std::sync::Mutex::new(Vec::new());
    let mut prev = samples[0];
    #[par_for]
    for &x in &samples[1..] {
        deltas.lock().unwrap().push(x - prev);
        prev = x;
    }
    println!("{:?}", deltas.into_inner().unwrap());
}
