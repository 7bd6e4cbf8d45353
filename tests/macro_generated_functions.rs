//! A function that a `macro_rules!` macro writes, `#[par_for]` included, keeps the
//! grouping of the expressions the macro is given: `$val * 2` with `$val` = `x + 1000`
//! is `(x + 1000) * 2`, marked or not (found testing as a new user: it was
//! `x + 1000 * 2`, in every run).

use par_for::par_for;

macro_rules! scaled {
    ($name:ident, $val:expr) => {
        #[par_for]
        fn $name(xs: &[u64]) -> (u64, Vec<u64>, u64, u64) {
            let unmarked = $val * 2;
            #[par_for]
            let doubled: Vec<u64> = xs.iter().map(|x| x * ($val * 2)).collect();
            let mut total = 0;
            #[par_for(reduce(total: +))]
            for x in xs {
                total += x * $val * 2;
            }
            let negated = -($val as i64) * 2;
            (unmarked, doubled, total, negated.unsigned_abs())
        }
    };
}

scaled!(scaled_by_a_sum, 1 + 1000);

#[test]
fn an_expression_a_macro_hands_over_keeps_its_grouping() {
    let xs = [1u64, 2, 3];
    let (unmarked, doubled, total, negated) = scaled_by_a_sum(&xs);
    assert_eq!(unmarked, 2002);
    assert_eq!(doubled, vec![2002, 4004, 6006]);
    assert_eq!(total, 6 * 2002);
    assert_eq!(negated, 2002);
}
