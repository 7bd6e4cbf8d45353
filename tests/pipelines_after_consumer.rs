//! Form 2: what follows the consumer (`.is_some()`, `.unwrap()`, `.len()`, `?`,
//! `Option::map`) is serial code on the pipeline's result, as written.

use std::num::ParseIntError;
use std::ops::Mul;

use par_for::par_for;
use proptest::prelude::*;

fn on_four<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    par_for::with_threads(4, f)
}

#[par_for]
fn after(xs: &[u64]) -> Vec<String> {
    #[par_for]
    let found = xs.iter().find(|x| **x % 7 == 3).is_some();
    #[par_for]
    let product = xs
        .iter()
        .map(|x| x % 3 + 1)
        .take(20)
        .reduce(Mul::mul)
        .unwrap_or(1);
    #[par_for]
    let max = xs.iter().copied().max().unwrap_or(0);
    #[par_for]
    let len = xs.iter().filter(|x| **x > 50).collect::<Vec<_>>().len();
    #[par_for]
    let many = xs.iter().filter(|x| **x % 2 == 0).count() > 3;
    // `Option::map` after `find`, not the adapter `map`.
    #[par_for]
    let doubled = xs.iter().find(|x| **x > 10).map(|x| x * 2);
    #[par_for]
    let first_even = xs.iter().position(|x| x % 2 == 0).map_or(-1, |i| i as i64);
    #[par_for]
    let sum_text = xs.iter().sum::<u64>().to_string().len();
    #[par_for]
    let parsed_again = xs
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
        .len();
    vec![
        format!("{found} {product} {max} {len} {many}"),
        format!("{doubled:?} {first_even} {sum_text} {parsed_again}"),
    ]
}

fn after_serial(xs: &[u64]) -> Vec<String> {
    let found = xs.iter().any(|x| *x % 7 == 3);
    let product = xs
        .iter()
        .map(|x| x % 3 + 1)
        .take(20)
        .reduce(Mul::mul)
        .unwrap_or(1);
    let max = xs.iter().copied().max().unwrap_or(0);
    let len = xs.iter().filter(|x| **x > 50).count();
    let many = xs.iter().filter(|x| **x % 2 == 0).count() > 3;
    let doubled = xs.iter().find(|x| **x > 10).map(|x| x * 2);
    let first_even = xs.iter().position(|x| x % 2 == 0).map_or(-1, |i| i as i64);
    let sum_text = xs.iter().sum::<u64>().to_string().len();
    let parsed_again = xs
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
        .len();
    vec![
        format!("{found} {product} {max} {len} {many}"),
        format!("{doubled:?} {first_even} {sum_text} {parsed_again}"),
    ]
}

#[par_for]
fn question_mark(text: &str) -> Result<(usize, i64), ParseIntError> {
    #[par_for]
    let numbers = text
        .split(',')
        .map(|w| w.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()?;
    #[par_for]
    let total = numbers.iter().sum::<i64>();
    Ok((numbers.len(), total))
}

/// The first line that is not a number, found by a marked expression statement ending
/// in `?` (found testing as a new user: it was refused as an unmarked statement).
// As users write it (clippy would have `try_for_each`, which a pipeline lacks).
#[allow(clippy::map_collect_result_unit)]
#[par_for]
fn validate(lines: &[&str]) -> Result<usize, String> {
    #[par_for]
    lines
        .iter()
        .map(|l| l.trim().parse::<i64>().map(drop).map_err(|_| l.to_string()))
        .collect::<Result<(), String>>()?;
    Ok(lines.len())
}

#[par_for]
fn on_a_serial_source(text: &str) -> (bool, usize, Option<usize>) {
    #[par_for]
    let has_long = text.lines().find(|l| l.len() > 8).is_some();
    #[par_for]
    let longest = text.lines().map(str::len).max().unwrap_or_default();
    #[par_for]
    let second = text
        .lines()
        .skip(1)
        .position(|l| l.starts_with('b'))
        .map(|i| i + 1);
    (has_long, longest, second)
}

#[test]
fn question_mark_after_the_consumer() {
    assert_eq!(on_four(|| question_mark("1, 2, 3")), Ok((3, 6)));
    assert_eq!(
        on_four(|| question_mark("1, x, 3, y")),
        Err("x".parse::<i64>().unwrap_err())
    );
}

#[test]
fn question_mark_ends_a_marked_expression_statement() {
    assert_eq!(on_four(|| validate(&["1", " 2", "3"])), Ok(3));
    let lines: Vec<String> = (0..5_000)
        .map(|i| match i {
            1_234 => "oops".to_string(),
            4_000 => "later".to_string(),
            _ => i.to_string(),
        })
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_eq!(on_four(|| validate(&lines)), Err("oops".to_string()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn calls_after_the_consumer_equal_serial(xs in prop::collection::vec(0u64..100, 0..500)) {
        prop_assert_eq!(on_four(|| after(&xs)), after_serial(&xs));
    }

    #[test]
    fn calls_after_a_serial_source_equal_serial(lines in prop::collection::vec("[a-c]{0,12}", 0..200)) {
        let text = lines.join("\n");
        let expected = (
            text.lines().any(|l| l.len() > 8),
            text.lines().map(str::len).max().unwrap_or_default(),
            text.lines().skip(1).position(|l| l.starts_with('b')).map(|i| i + 1),
        );
        prop_assert_eq!(on_four(|| on_a_serial_source(&text)), expected);
    }
}
