// A `return`'s value coerces to the function's return type, as serially: `Some(w)` with
// `w: &String` into `Option<&str>`, `Some(l)` with `l: &&str`, `Box::new(x)` into a
// `Box<dyn Debug>`, in a plain loop, a reducing one, one nested in a closure and a
// streaming loop's body.
use std::fmt::Debug;

use par_for::par_for;

#[par_for]
fn first_empty(words: &[String]) -> Option<&str> {
    #[par_for]
    for w in words {
        if w.is_empty() {
            return Some(w);
        }
    }
    None
}

#[par_for]
fn first_long<'a>(lines: &[&'a str]) -> Option<&'a str> {
    #[par_for]
    for l in lines {
        if l.len() > 3 {
            return Some(l);
        }
    }
    None
}

#[par_for]
fn seven_or_total(xs: &[u64]) -> Option<Box<dyn Debug>> {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for &x in xs {
        if x == 7 {
            return Some(Box::new(x));
        }
        total += x;
    }
    Some(Box::new(total))
}

#[par_for]
fn per_row(rows: &[Vec<String>]) -> Vec<Option<&str>> {
    rows.iter()
        .map(|row| -> Option<&str> {
            #[par_for]
            for w in row {
                if w.starts_with('x') {
                    return Some(w);
                }
            }
            None
        })
        .collect()
}

#[par_for]
fn first_stream_match(words: &[String]) -> Option<&str> {
    #[par_for(stream)]
    for (w, long) in words.iter().map(|w| (w, w.len() > 3)) {
        if long {
            return Some(w);
        }
    }
    None
}

fn main() {
    assert_eq!(first_empty(&["a".into(), String::new()]), Some(""));
    assert_eq!(first_long(&["ab", "abcd", "x"]), Some("abcd"));
    assert_eq!(format!("{:?}", seven_or_total(&[1, 7, 3])), "Some(7)");
    assert_eq!(format!("{:?}", seven_or_total(&[1, 2])), "Some(3)");
    let rows = vec![vec!["a".to_string(), "xb".to_string()], vec!["c".to_string()]];
    assert_eq!(per_row(&rows), [Some("xb"), None]);
    let words = ["ab".to_string(), "abcd".to_string(), "abcde".to_string()];
    assert_eq!(first_stream_match(&words), Some("abcd"));
}
