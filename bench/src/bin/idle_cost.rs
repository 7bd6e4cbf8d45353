//! The CPU time the team's waiting workers burn (issue 9): a program that runs the
//! small loop (`par_for_bench::small`, ~55 µs serially) once every 10 ms (or 1 ms),
//! sleeping in between as if waiting for I/O, and then no more.
//!
//! For each `PAR_FOR_WAIT` policy (a child process each), the CPU time of the team's
//! threads (`par-for-team-*`, from `/proc/self/task/*/schedstat`, in nanoseconds) per
//! second of the program's life, against the share of the loops' work they did, and the
//! CPU time they burn in the second after the last loop. Linux only.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin idle_cost
//! cargo run --release -p par-for-bench --bin idle_cost -- --quick
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use par_for_bench::small;

/// CPU nanoseconds of this process's threads whose name starts with `prefix`.
fn cpu_of_threads(prefix: &str) -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.starts_with(prefix))
        })
        .filter_map(|task| {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
            stat.split_whitespace().next()?.parse::<u64>().ok()
        })
        .sum()
}

fn rounds_for(target: Duration) -> u32 {
    let probe = 64;
    let time = (0..50)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(small::serial(1000, probe));
            start.elapsed()
        })
        .min()
        .unwrap();
    ((probe as f64 * target.as_secs_f64() / time.as_secs_f64()) as u32).max(1)
}

fn child(quick: bool) {
    let rounds = rounds_for(Duration::from_micros(55));
    let serial = (0..20)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(small::serial(1000, rounds));
            start.elapsed()
        })
        .min()
        .unwrap();
    let life = Duration::from_millis(if quick { 300 } else { 3000 });
    let policy = std::env::var("PAR_FOR_WAIT").unwrap_or_else(|_| "(default)".into());
    for every in [Duration::from_millis(10), Duration::from_millis(1)] {
        // Warm up: the loop's site learns its way, the team starts.
        for _ in 0..600 {
            std::hint::black_box(small::loop_small(1000, rounds));
        }
        std::thread::sleep(Duration::from_millis(50));
        let team_before = cpu_of_threads("par-for-team");
        let start = Instant::now();
        let mut loops = 0u32;
        while start.elapsed() < life {
            std::hint::black_box(small::loop_small(1000, rounds));
            loops += 1;
            std::thread::sleep(every);
        }
        let wall = start.elapsed();
        let during = cpu_of_threads("par-for-team") - team_before;
        let after_last = cpu_of_threads("par-for-team");
        std::thread::sleep(Duration::from_secs(1));
        let after = cpu_of_threads("par-for-team") - after_last;
        // The workers' share of the loops' own work, if the team ran them evenly.
        let threads = par_for::current_threads() as f64;
        let work = loops as f64 * serial.as_secs_f64() * (threads - 1.0) / threads;
        println!(
            "| {policy} | one loop every {every:?} | {loops} | {:.2} ms | {:.2} ms | {:.2} ms |",
            during as f64 / 1e6 / wall.as_secs_f64(),
            work * 1e3 / wall.as_secs_f64(),
            after as f64 / 1e6,
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    if args.iter().any(|a| a == "--child") {
        return child(quick);
    }
    println!(
        "{} threads; small loop (~55 µs serially); team threads' CPU time",
        par_for::current_threads()
    );
    println!("| PAR_FOR_WAIT | program | loops | team CPU per s | of which loop work per s | team CPU in the 1 s after the last loop |");
    println!("|---|---|---|---|---|---|");
    let exe = std::env::current_exe().expect("own path");
    for policy in [None, Some("passive"), Some("active")] {
        let mut command = Command::new(&exe);
        command.arg("--child");
        if quick {
            command.arg("--quick");
        }
        match policy {
            Some(policy) => command.env("PAR_FOR_WAIT", policy),
            None => command.env_remove("PAR_FOR_WAIT"),
        };
        let status = command.status().expect("run the child");
        assert!(status.success(), "the child for {policy:?} failed");
    }
}
