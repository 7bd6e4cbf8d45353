use par_for::par_for;

#[par_for]
fn main() {
    let v: Vec<u64> = (0..10).collect();
    let mut s = 0;
    #[par_for(reduce(s: |a: u64, b: u64| a + b))]
    for x in &v {
        s += x;
    }
    println!("{s}");
}
