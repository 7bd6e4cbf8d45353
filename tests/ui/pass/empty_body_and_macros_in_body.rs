use par_for::par_for;

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

#[par_for]
fn main() {
    #[par_for]
    for _ in 0..10 {}
    let v = vec![1, 2, 3];
    #[par_for]
    for x in &v {
        let _ = square!(x);
        assert!(*x > 0, "{x} must be positive");
        debug_assert_ne!(*x, 0);
    }
}
