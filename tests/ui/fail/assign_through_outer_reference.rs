use par_for::par_for;

#[par_for]
fn largest(items: &[u32], out: &mut u32) {
    #[par_for]
    for &x in items {
        if x > 10 {
            *out = x;
        }
    }
}

fn main() {
    let mut out = 0;
    largest(&[1, 20], &mut out);
}
