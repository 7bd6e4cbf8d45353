//! `PAR_FOR_THREADS=1` runs every annotated loop serially, in order, on the calling
//! thread: the debugging switch. (Its own test binary, so the variable is set before
//! the pool is first used.)

use std::sync::Mutex;
use std::thread;

use par_for::par_for;

#[par_for]
fn record_everything(order: &Mutex<Vec<(u32, bool)>>) -> Vec<u32> {
    let caller = thread::current().id();
    #[par_for]
    for i in 0..100u32 {
        order
            .lock()
            .unwrap()
            .push((i, thread::current().id() == caller));
    }
    #[par_for]
    for line in "a\nb\nc".lines() {
        order
            .lock()
            .unwrap()
            .push((line.len() as u32 + 100, thread::current().id() == caller));
    }
    let mut streamed = Vec::new();
    #[par_for(stream)]
    for (i, same) in (200..210u32).map(|i| (i, thread::current().id() == caller)) {
        order.lock().unwrap().push((i, same));
        streamed.push(i);
    }
    #[par_for(threads = 4)]
    for i in 300..340u32 {
        order
            .lock()
            .unwrap()
            .push((i, thread::current().id() == caller));
    }
    #[par_for]
    let collected: Vec<u32> = (0..50u32).map(|i| i * 2).collect();
    assert_eq!(streamed, (200..210).collect::<Vec<_>>());
    collected
}

/// Also inside a pool the program asked for, and in a loop that asks for its own pool:
/// the switch is for debugging, and a debugger wants every loop serial.
#[test]
fn par_for_threads_1_runs_serially_in_order_on_the_calling_thread() {
    std::env::set_var("PAR_FOR_THREADS", "1");
    assert_eq!(par_for::current_threads(), 1);
    check_serial(record_everything);
    assert_eq!(par_for::with_threads(4, par_for::current_threads), 1);
    check_serial(|order| par_for::with_threads(4, || record_everything(order)));
}

fn check_serial(record: impl FnOnce(&Mutex<Vec<(u32, bool)>>) -> Vec<u32>) {
    let order = Mutex::new(Vec::new());
    let collected = record(&order);
    let order = order.into_inner().unwrap();
    let expected: Vec<u32> = (0..100)
        .chain([101, 101, 101])
        .chain(200..210)
        .chain(300..340)
        .collect();
    assert_eq!(order.iter().map(|(i, _)| *i).collect::<Vec<_>>(), expected);
    assert!(
        order.iter().all(|(_, on_caller)| *on_caller),
        "some iteration left the calling thread"
    );
    assert_eq!(collected, (0..50).map(|i| i * 2).collect::<Vec<_>>());
}
