use par_for::par_for;

// A potential energy: the loop only subtracts.
#[par_for]
fn main() {
    let masses: Vec<f64> = vec![1.0, 2.0, 3.0];
    let mut e = 0.0;
    #[par_for]
    for m in &masses {
        e -= m * 0.5;
    }
    println!("{e}");
}
