use std::collections::HashMap;

use par_for::par_for;

#[par_for]
fn main() {
    let ages: HashMap<String, u32> = HashMap::from([("a".to_string(), 3), ("b".to_string(), 4)]);
    #[par_for(distribute)]
    let total: u32 = ages.values().copied().sum();
    println!("{total}");
}
