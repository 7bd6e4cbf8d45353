//! Blocking I/O: for tasks that mostly wait (network requests, disk, a slow database),
//! the number of cores does not matter; the number of tasks waiting at once does. Python
//! reaches for `ThreadPool`/`ThreadPoolExecutor` here; with par-for it is the same loop
//! with more threads: `#[par_for(threads = 32)]`. The "requests" below are simulated
//! with `std::thread::sleep` of a random 20 to 200 ms.
//!
//! Python:
//!
//! ```python
//! with ThreadPool(32) as pool:
//!     sizes = pool.map(download, urls)
//! ```
//!
//! `random` is in `tutorial/mod.rs`, shared by the examples.
//!
//! ```text
//! cargo run --release --example blocking_io            # 40 requests of 20-200 ms
//! cargo run --release --example blocking_io -- --quick  # 40 requests of 1-10 ms
//! ```

use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::random;

/// A simulated request: blocks for 10% to 100% of `latency`, "downloads" some bytes.
fn download(url: &str, id: u64, latency: Duration) -> usize {
    std::thread::sleep(latency.mul_f64(0.1 + 0.9 * random(id)));
    url.len() * 1_000 + (random(id + 1_000) * 1e4) as usize
}

fn serial(urls: &[String], latency: Duration) -> Vec<usize> {
    urls.iter()
        .enumerate()
        .map(|(id, url)| download(url, id as u64, latency))
        .collect()
}

/// The default pool: one thread per core, so only that many requests wait at once.
#[par_for]
fn default_pool(urls: &[String], latency: Duration) -> Vec<usize> {
    let mut sizes = vec![0; urls.len()];
    #[par_for]
    for (id, (size, url)) in sizes.iter_mut().zip(urls).enumerate() {
        *size = download(url, id as u64, latency);
    }
    sizes
}

/// 32 threads: 32 requests wait at once, whatever the number of cores.
#[par_for]
fn thirty_two_threads(urls: &[String], latency: Duration) -> Vec<usize> {
    let mut sizes = vec![0; urls.len()];
    #[par_for(threads = 32)]
    for (id, (size, url)) in sizes.iter_mut().zip(urls).enumerate() {
        *size = download(url, id as u64, latency);
    }
    sizes
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let latency = if quick {
        Duration::from_millis(10)
    } else {
        Duration::from_millis(200)
    };
    let urls: Vec<String> = (0..40)
        .map(|i| format!("https://example.com/page/{i}"))
        .collect();
    println!(
        "{} simulated requests of {:?} to {latency:?}; {} logical CPUs",
        urls.len(),
        latency / 10,
        par_for::cpu_count()
    );

    let start = Instant::now();
    let expected = serial(&urls, latency);
    let serial_time = start.elapsed().as_secs_f64();
    println!("serial loop:                  {serial_time:>6.2} s");

    let start = Instant::now();
    let sizes = default_pool(&urls, latency);
    let default_time = start.elapsed().as_secs_f64();
    assert_eq!(sizes, expected);
    println!(
        "#[par_for] ({:>2} threads):      {default_time:>6.2} s   {:>5.1}x",
        par_for::current_threads(),
        serial_time / default_time
    );

    let start = Instant::now();
    let sizes = thirty_two_threads(&urls, latency);
    let many_time = start.elapsed().as_secs_f64();
    assert_eq!(sizes, expected);
    println!(
        "#[par_for(threads = 32)]:     {many_time:>6.2} s   {:>5.1}x",
        serial_time / many_time
    );
    println!(
        "same {} bytes each time; waiting tasks need threads, not cores",
        expected.iter().sum::<usize>()
    );
}
