use par_for::par_for;

#[par_for]
fn main() {
    let xs: Vec<u64> = (0..1000).collect();
    let mut out = vec![0u64; xs.len()];
    #[par_for]
    for (o, &x) in out.iter_mut().zip(&xs) {
        // Declared in the body, yet one place for every iteration.
        static mut CALLS: u64 = 0;
        let c = unsafe {
            CALLS += 1;
            CALLS
        };
        *o = c + x;
    }
    println!("{}", out[0]);
}
