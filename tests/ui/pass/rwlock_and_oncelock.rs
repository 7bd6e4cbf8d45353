use std::sync::{OnceLock, RwLock};

use par_for::par_for;

#[par_for]
fn main() {
    let table = RwLock::new(vec![0u32; 10]);
    let first = OnceLock::new();
    #[par_for]
    for i in 0..10 {
        table.write().unwrap()[i] = i as u32;
        first.get_or_init(|| "set once");
    }
    assert_eq!(table.into_inner().unwrap(), (0..10).collect::<Vec<u32>>());
    assert_eq!(first.get(), Some(&"set once"));
}
