use std::sync::Mutex;

use par_for::par_for;

#[par_for]
fn main() {
    let (tx, rx) = std::sync::mpsc::channel();
    let log = Mutex::new(Vec::new());
    #[par_for(distribute)]
    for i in 0..10u64 {
        if i % 2 == 0 {
            tx.send(i).unwrap()
        }
        match i {
            0 => log.lock().unwrap().push(i),
            _ => {}
        }
    }
    drop(tx);
    println!("{} {:?}", rx.iter().sum::<u64>(), log);
}
