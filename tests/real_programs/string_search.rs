//! String search over the lines of a text (grep): the first line that contains a
//! pattern, and how many lines contain it.
//!
//! No change beyond the attributes: `return Some(i)` leaves with the earliest matching
//! line, as the serial loop does, and the count is a reduction declared
//! `reduce(count: +)`.

use par_for::par_for;

use super::SplitMix;

#[par_for]
fn first_match(lines: &[String], pattern: &str) -> Option<usize> {
    #[par_for]
    for (i, line) in lines.iter().enumerate() {
        if line.contains(pattern) {
            return Some(i);
        }
    }
    None
}

fn first_match_serial(lines: &[String], pattern: &str) -> Option<usize> {
    for (i, line) in lines.iter().enumerate() {
        if line.contains(pattern) {
            return Some(i);
        }
    }
    None
}

#[par_for]
fn count_matches(lines: &[String], pattern: &str) -> usize {
    let mut count = 0;
    #[par_for(reduce(count: +))]
    for line in lines {
        if line.contains(pattern) {
            count += 1;
        }
    }
    count
}

fn count_matches_serial(lines: &[String], pattern: &str) -> usize {
    let mut count = 0;
    for line in lines {
        if line.contains(pattern) {
            count += 1;
        }
    }
    count
}

#[test]
fn string_search_matches_serial() {
    let mut rng = SplitMix::new(23);
    let lines: Vec<String> = (0..5000)
        .map(|_| {
            (0..30)
                .map(|_| (b'a' + rng.below(6) as u8) as char)
                .collect()
        })
        .collect();
    for pattern in ["abcde", "fff", "aaaaaa", "zz", ""] {
        assert_eq!(
            first_match(&lines, pattern),
            first_match_serial(&lines, pattern)
        );
        assert_eq!(
            count_matches(&lines, pattern),
            count_matches_serial(&lines, pattern)
        );
    }
}
