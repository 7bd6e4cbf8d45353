use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn main() {
    let total = 0;
    let item = 5;
    let out = Mutex::new(Vec::new());
    #[par_for]
    for item in 0..10 {
        // `item` is the loop's own binding; `total` is shadowed by a local.
        let mut total = total;
        total += item;
        let add = |total: i32| total + 1;
        let total = add(total);
        let label = match Some(total) {
            Some(total) if total > 5 => total * 2,
            other => other.unwrap_or(0),
        };
        if let Some(mut x) = Some(label) {
            x += 1;
            out.lock().unwrap().push(x);
        }
    }
    assert_eq!(item, 5);
    assert_eq!(out.into_inner().unwrap().len(), 10);
}
