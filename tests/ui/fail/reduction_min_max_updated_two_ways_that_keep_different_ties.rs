use par_for::par_for;

#[par_for]
fn main() {
    let scores = [3u32, 7, 7, 1];
    let mut best = 0u32;
    #[par_for(reduce(best: max))]
    for &s in &scores {
        best = best.max(s);
        if s * 2 > best {
            best = s * 2;
        }
    }
    println!("{best}");
}
