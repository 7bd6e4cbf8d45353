// The fn's #[par_for] sees only the macro's call, not the mark inside its body.
use par_for::par_for;

macro_rules! total {
    ($v:expr) => {{
        #[par_for]
        let t: u64 = $v.iter().sum();
        t
    }};
}

#[par_for]
fn f(v: &[u64]) -> u64 {
    total!(v)
}

fn main() {
    println!("{}", f(&[1, 2]));
}
