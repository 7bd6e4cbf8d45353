use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn main() {
    let found = Mutex::new(Vec::new());
    let total = Mutex::new(0u64);
    #[par_for(distribute)]
    for i in 0..100u64 {
        found.lock().unwrap().push(i);
        *total.lock().unwrap() += i;
    }
    println!("{:?} {:?}", found, total);
}
