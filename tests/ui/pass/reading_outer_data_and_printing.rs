use std::collections::HashMap;
use std::sync::Arc;

use par_for::par_for;

struct Config {
    scale: u32,
}

#[par_for]
fn main() {
    let config = Config { scale: 3 };
    let names = vec!["a", "b"];
    let lookup: HashMap<u32, &str> = [(0, "zero")].into_iter().collect();
    let shared = Arc::new(7u32);
    #[par_for]
    for i in 0..4u32 {
        let scaled = i * config.scale + *shared;
        println!("{} {} {:?} {scaled}", i, names.len(), lookup.get(&i));
    }
}
