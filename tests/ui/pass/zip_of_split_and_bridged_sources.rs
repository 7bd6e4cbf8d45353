use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn main() {
    let data: Vec<u64> = (0..10).collect();
    let text = "a b c d e f g h i j";
    let seen = Mutex::new(Vec::new());
    #[par_for]
    for (x, word) in data.iter().zip(text.split(' ')) {
        seen.lock().unwrap().push(format!("{x}{word}"));
    }
    #[par_for]
    for (word, x) in text.split(' ').zip(data.iter().copied()) {
        seen.lock().unwrap().push(format!("{x}{word}"));
    }
    #[par_for]
    for (word, c) in text.split(' ').zip(text.chars()) {
        seen.lock().unwrap().push(format!("{c}{word}"));
    }
    #[par_for]
    for (i, x) in (1u64..).zip(data.iter()) {
        seen.lock().unwrap().push(format!("{i}{x}"));
    }
    println!("{}", seen.into_inner().unwrap().len());
}
