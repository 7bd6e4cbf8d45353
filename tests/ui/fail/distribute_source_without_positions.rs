use std::collections::HashMap;

use par_for::par_for;

// Each source without positions is reported once, at the source.
#[par_for]
fn main() {
    let ages: HashMap<String, u32> = HashMap::from([("a".to_string(), 3), ("b".to_string(), 4)]);
    #[par_for(distribute)]
    let total: u32 = ages.values().copied().sum();
    println!("{total}");

    let mut sum = 0;
    #[par_for(distribute, reduce(sum: +))]
    for age in ages.values() {
        sum += age;
    }
    println!("{sum}");

    let ids = vec![1, 2];
    #[par_for(distribute)]
    let pairs: Vec<(i32, u32)> = ids.iter().copied().zip(ages.values().copied()).collect();
    println!("{pairs:?}");
}
