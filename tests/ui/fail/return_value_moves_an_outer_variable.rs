use par_for::par_for;

// The iterations only borrow `header`: a `return` that moves it is reported at the
// move, by the variable's name. `header.clone()` compiles.
#[par_for]
fn find(rows: &[Vec<u32>], target: u32) -> (Vec<u32>, Option<usize>) {
    let header = vec![1, 2, 3];
    #[par_for]
    for (i, r) in rows.iter().enumerate() {
        if r.contains(&target) {
            return (header, Some(i));
        }
    }
    (header, None)
}

fn main() {
    println!("{:?}", find(&[vec![1], vec![2]], 2));
}
