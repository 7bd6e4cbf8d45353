use par_for::par_for;

struct Q {
    n: u64,
}

// A syntax error of the user's: the compiler's own error, and one of the macro's saying
// it cannot read the function; not that the attribute belongs on a `fn`.
#[par_for]
fn main() {
    let xs: Vec<u64> = (0..10).collect();
    let mut out = vec![0u64; xs.len()];
    #[par_for]
    for (o, &x) in out.iter_mut().zip(&xs) {
        match Q { n: x } {
            Q { n } => *o = n,
        }
    }
}
