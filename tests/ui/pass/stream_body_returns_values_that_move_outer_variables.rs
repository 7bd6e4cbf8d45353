use std::num::ParseIntError;

use par_for::par_for;

/// `return out;` moving a `Vec` declared before the loop, which the body pushes to.
#[par_for]
fn prefix_until(n: u64, stop: u64) -> Vec<u64> {
    let mut out = Vec::new();
    #[par_for(stream)]
    for r in (0..n).map(|i| i * i) {
        out.push(r);
        if r >= stop {
            return out;
        }
    }
    Vec::new()
}

/// `return Ok(acc)` with an outer `String`, beside a `?`, a `return` of the item, one
/// that reads a variable it does not move and one that names `acc` in a format string.
#[par_for]
fn joined(words: &[&str], limit: usize) -> Result<String, ParseIntError> {
    let mut acc = String::new();
    let sep = String::from("+");
    #[par_for(stream, unordered, window = 1)]
    for w in words.iter().map(|w| w.to_string()) {
        let n: u64 = w.parse()?;
        if n == 99 {
            return Ok(w);
        }
        if n == 98 {
            return Ok(format!("{acc}{sep}!"));
        }
        acc.push_str(&w);
        acc.push_str(&sep);
        if acc.len() >= limit {
            return Ok(acc);
        }
    }
    Ok(String::new())
}

fn main() {
    assert_eq!(prefix_until(10, 20), vec![0, 1, 4, 9, 16, 25]);
    assert_eq!(prefix_until(3, 20), Vec::<u64>::new());
    assert_eq!(joined(&["1", "22", "333"], 5).unwrap(), "1+22+");
    assert_eq!(joined(&["1", "99", "333"], 50).unwrap(), "99");
    assert_eq!(joined(&["1", "98"], 50).unwrap(), "1++!");
    assert!(joined(&["1", "x"], 50).is_err());
}
