use par_for::par_for;

#[par_for]
fn first_negative(xs: &[i64]) -> Option<i64> {
    let mut seen = Vec::new();
    #[par_for]
    for &x in xs {
        seen.push(x);
        if x < 0 {
            return Some(x);
        }
    }
    None
}

fn main() {
    println!("{:?}", first_negative(&[1, -2]));
}
