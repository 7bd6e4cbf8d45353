use par_for::par_for;

#[par_for]
fn main() {
    let data = vec![3u8, 1, 3, 0];
    let mut counts = vec![0u32; 4];
    #[par_for]
    for &d in &data {
        counts[d as usize] += 1;
    }
    println!("{counts:?}");
}
