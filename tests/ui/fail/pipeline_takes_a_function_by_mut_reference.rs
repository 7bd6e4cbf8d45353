use par_for::par_for;

#[par_for]
fn main() {
    let xs: Vec<u64> = (0..100).collect();
    let mut calls = 0;
    let mut f = |x: &u64| {
        calls += 1;
        x * 2
    };
    #[par_for]
    let v: Vec<u64> = xs.iter().map(&mut f).collect();
    println!("{} {calls}", v.len());
}
