use std::sync::atomic::{AtomicUsize, Ordering};

use par_for::par_for;

#[par_for]
fn first_long<'a>(words: &'a [String]) -> Option<&'a str> {
    #[par_for]
    for s in words {
        if s.len() > 3 {
            return Some(s.as_str());
        }
    }
    None
}

#[par_for]
fn first_bang<'a>(items: &[&'a str]) -> Result<(), &'a str> {
    #[par_for]
    for item in items {
        if item.starts_with('!') {
            Err(*item)?;
        }
    }
    Ok(())
}

#[par_for]
fn counted(words: &[String]) -> usize {
    let counter = AtomicUsize::new(0);
    let names = vec![String::from("x")];
    #[par_for]
    for s in words {
        if s.is_empty() {
            return counter.fetch_add(1, Ordering::SeqCst) + names[0].len();
        }
    }
    0
}

fn main() {
    let words = vec![String::from("ab"), String::from("abcd"), String::new()];
    assert_eq!(first_long(&words), Some("abcd"));
    assert_eq!(first_bang(&["a", "!b"]), Err("!b"));
    assert_eq!(counted(&words), 1);
}
