//! The loop body's closure is not given its argument's type by a `Fn` bound (so that a
//! body changing an outer variable is reported naming it): the item's type still reaches
//! every pattern and method call, in plain loops, loops that leave, reductions and
//! streaming tasks.
use std::sync::Mutex;

use par_for::par_for;

struct Point {
    x: i64,
    y: i64,
}

#[par_for]
fn longest(words: &[(String, u32)]) -> Result<usize, String> {
    let lengths = Mutex::new(Vec::new());
    #[par_for]
    for (word, n) in words.iter() {
        lengths.lock().unwrap().push(word.len() + n.pow(2) as usize);
    }
    #[par_for]
    for &(ref word, n) in words {
        if word.trim().is_empty() {
            return Err(format!("empty word with count {}", n.count_ones()));
        }
    }
    let mut longest = 0;
    #[par_for(reduce(longest: max))]
    for (word, _) in words {
        longest = longest.max(word.chars().count());
    }
    let points = vec![Point { x: 1, y: -2 }, Point { x: -3, y: 4 }];
    let mut manhattan = 0;
    #[par_for(reduce(manhattan: +))]
    for Point { x, y } in &points {
        manhattan += x.abs() + y.abs();
    }
    assert_eq!(manhattan, 10);
    let mut total = 0;
    #[par_for(stream)]
    for len in words.iter().map(|(word, n)| word.to_uppercase().len() + *n as usize) {
        total += len;
    }
    assert_eq!(total, (3 + 2) + (3 + 3));
    Ok(longest)
}

fn main() {
    let words = vec![("par".to_string(), 2), ("for".to_string(), 3)];
    assert_eq!(longest(&words), Ok(3));
}
