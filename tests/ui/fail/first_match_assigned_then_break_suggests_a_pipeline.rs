use par_for::par_for;

#[par_for]
fn first_negative(v: &[i64]) -> Option<usize> {
    let mut found = None;
    #[par_for]
    for (i, x) in v.iter().enumerate() {
        if *x < 0 {
            found = Some(i);
            break;
        }
    }
    found
}

fn main() {
    println!("{:?}", first_negative(&[1, -2]));
}
