//! A body or a pipeline that names a function or a constructor as a value (`map(drop)`,
//! `map(Some)`, `filter_map(parse)`, a generic function of one's own) compiles and runs
//! as serially: those are items, not variables the task captures. Found testing as a
//! new user: `.map(drop)` was refused with "type annotations needed" (E0283).

use par_for::par_for;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Halves an even number of any unsigned width.
fn half<T: Copy + Into<u64>>(x: T) -> Option<u64> {
    let x: u64 = x.into();
    (x % 2 == 0).then_some(x / 2)
}

fn parse(word: &&str) -> Option<u32> {
    word.parse().ok()
}

/// What each case gave.
type Results = (Result<(), String>, Vec<Option<u32>>, Vec<u64>, usize, u64);

// As users write it (clippy would have `try_for_each`, which a pipeline lacks).
#[allow(clippy::map_collect_result_unit)]
#[par_for]
fn marked(words: &[&str], nums: &[u32]) -> Results {
    #[par_for]
    let checked = words
        .iter()
        .map(|w| w.parse::<u32>().map(drop).map_err(|_| w.to_string()))
        .collect::<Result<(), String>>();
    #[par_for]
    let wrapped: Vec<Option<u32>> = nums.iter().copied().map(Some).collect();
    #[par_for]
    let halves: Vec<u64> = nums.iter().copied().filter_map(half).collect();
    #[par_for]
    let parsed = words.iter().filter_map(parse).count();
    let seen = Mutex::new(BTreeMap::new());
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for (i, w) in words.iter().enumerate() {
        let value: u64 = w.parse().unwrap_or_default();
        let mut map = seen.lock().unwrap();
        map.insert(i, value);
        drop(map);
        total += [value as u32]
            .into_iter()
            .map(u64::from)
            .map(Some)
            .map(Option::unwrap)
            .sum::<u64>();
    }
    (
        checked,
        wrapped,
        halves,
        parsed,
        total + seen.into_inner().unwrap().len() as u64,
    )
}

#[allow(clippy::map_collect_result_unit)]
fn serial(words: &[&str], nums: &[u32]) -> Results {
    let checked = words
        .iter()
        .map(|w| w.parse::<u32>().map(drop).map_err(|_| w.to_string()))
        .collect::<Result<(), String>>();
    let wrapped: Vec<Option<u32>> = nums.iter().copied().map(Some).collect();
    let halves: Vec<u64> = nums.iter().copied().filter_map(half).collect();
    let parsed = words.iter().filter_map(parse).count();
    let total: u64 = words
        .iter()
        .map(|w| w.parse::<u64>().unwrap_or_default())
        .sum();
    (checked, wrapped, halves, parsed, total + words.len() as u64)
}

#[test]
fn functions_and_constructors_named_as_values_run_as_serially() {
    let nums: Vec<u32> = (0..3_000).map(|i| i * 7 % 1_000).collect();
    let texts: Vec<String> = nums
        .iter()
        .map(|n| {
            if n % 97 == 5 {
                format!("x{n}")
            } else {
                n.to_string()
            }
        })
        .collect();
    let words: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert_eq!(marked(&words, &nums), serial(&words, &nums));
    let clean: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !w.starts_with('x'))
        .collect();
    assert_eq!(marked(&clean, &nums), serial(&clean, &nums));
}
