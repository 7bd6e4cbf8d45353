use par_for::par_for;

// The compiler's error, at the user's `collect`, not at the function's attribute.
#[par_for]
fn doubled(v: &[u64]) -> Vec<String> {
    #[par_for]
    let c: Vec<String> = v.iter().map(|x| x * 2).collect();
    c
}

fn main() {
    println!("{:?}", doubled(&[1]));
}
