use par_for::par_for;

#[par_for]
fn apply<F: Fn(u64) -> u64>(xs: &mut [u64], f: F) {
    #[par_for]
    for x in xs.iter_mut() {
        *x = f(*x);
    }
}

#[par_for]
fn apply_dyn(xs: &mut [u64], g: &dyn Fn(u64) -> u64) {
    #[par_for]
    for x in xs.iter_mut() {
        *x = g(*x);
    }
}

fn main() {
    let mut v = vec![1, 2, 3];
    apply(&mut v, |x| x + 1);
    apply_dyn(&mut v, &|x| x * 2);
}
