use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn largest<T: PartialOrd + Copy + Send + Sync>(items: &[T]) -> Option<T> {
    let best: Mutex<Option<T>> = Mutex::new(None);
    #[par_for]
    for &x in items {
        let mut best = best.lock().unwrap();
        if best.is_none_or(|b| x > b) {
            *best = Some(x);
        }
    }
    best.into_inner().unwrap()
}

fn main() {
    assert_eq!(largest(&[3, 9, 2]), Some(9));
    assert_eq!(largest::<f64>(&[]), None);
}
