use par_for::par_for;

#[par_for]
fn scale(input: &[f64], out: &mut [f64], k: f64) {
    #[par_for]
    for i in 0..input.len() {
        out[i] = input[i] * k;
    }
}

fn main() {
    let mut out = [0.0; 3];
    scale(&[1.0, 2.0, 3.0], &mut out, 2.0);
    println!("{out:?}");
}
