//! Reading numbers, one per line, with `?`: the total of a file of integers, where the
//! first malformed line is the error (as `str::parse` and `?` give it serially).
//!
//! Change beyond the attribute: the running total is declared `reduce(total: +)` (each
//! worker keeps a partial total). Lines are a serial source (`str::lines`), fed to the
//! pool through the bridge; `?` returns the error of the earliest bad line.

use std::num::ParseIntError;

use par_for::par_for;

#[par_for]
fn total(text: &str) -> Result<i64, ParseIntError> {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        total += line.parse::<i64>()?;
    }
    Ok(total)
}

fn total_serial(text: &str) -> Result<i64, ParseIntError> {
    let mut total = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        total += line.parse::<i64>()?;
    }
    Ok(total)
}

/// The same as a comprehension: the numbers, or the first line's error.
#[par_for]
fn numbers(text: &str) -> Result<Vec<i64>, ParseIntError> {
    #[par_for]
    let numbers: Result<Vec<i64>, ParseIntError> = text
        .lines()
        .map(|line| line.trim().parse::<i64>())
        .collect();
    numbers
}

fn numbers_serial(text: &str) -> Result<Vec<i64>, ParseIntError> {
    text.lines()
        .map(|line| line.trim().parse::<i64>())
        .collect()
}

fn text(bad: &[(usize, &str)]) -> String {
    let mut lines: Vec<String> = (0..3000).map(|i| format!("{}", i * 7 - 9000)).collect();
    lines[10] = "# a comment".into();
    lines[11] = String::new();
    for &(at, line) in bad {
        lines[at] = line.into();
    }
    lines.join("\n")
}

#[test]
fn totals_match_serial() {
    let good = text(&[]);
    assert_eq!(total(&good), total_serial(&good));
    assert!(total(&good).is_ok());
    // Several bad lines, each with a different error: the first one's must win.
    let bad = text(&[(1700, "99999999999999999999"), (2500, "12x"), (2900, "-")]);
    assert_eq!(total(&bad), total_serial(&bad));
    let bad = text(&[(1200, "4 4"), (2000, "99999999999999999999")]);
    assert_eq!(total(&bad), total_serial(&bad));
}

#[test]
fn collected_numbers_match_serial() {
    let good: String = (0..2000).map(|i| format!("{i}\n")).collect();
    assert_eq!(numbers(&good), numbers_serial(&good));
    // Bad lines all over, the first near the end of the first half: whichever worker
    // finds an error first, the result must be the first line's.
    let mut bad: Vec<(usize, &str)> = vec![(1400, "99999999999999999999")];
    bad.extend((1500..3000).step_by(37).map(|at| (at, "12x")));
    let bad = text(&bad);
    for _ in 0..20 {
        assert_eq!(numbers(&bad), numbers_serial(&bad));
    }
}
