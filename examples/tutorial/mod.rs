//! The task of the Python tutorial that the examples share: each example that ports a
//! piece of the tutorial (`Pool.map`, `imap`, `starmap`, ...) runs this same task, so
//! their numbers can be compared with one another and with `sequential_loop`, the serial
//! baseline.
//!
//! In Python the task sleeps for a random fraction of a second; here it keeps a core busy
//! instead ([`busy_for`]), so that running tasks side by side really needs more cores.
//! The random value comes from [`random`], a seeded xorshift, so every run draws the same
//! values and the examples can check their results against the serial loop's.

// Each example uses a different subset of these items; the rest would warn as unused.
#![allow(dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// A number in `[0, 1)` drawn from `seed` by a few xorshift steps: random-looking, the
/// same on every run, and no dependency.
pub(crate) fn random(seed: u64) -> f64 {
    let mut x = seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Keeps one core busy for `duration`: CPU work, where the tutorial sleeps, so that
/// running tasks side by side really needs more cores. Returns a value computed by the
/// loop, so that the compiler cannot drop the work.
pub(crate) fn busy_for(duration: Duration) -> u64 {
    let start = Instant::now();
    let mut h = 1u64;
    while start.elapsed() < duration {
        for _ in 0..1_000 {
            h = h
                .wrapping_mul(0x5851_F42D_4C95_7F2D)
                .wrapping_add(0x1405_7B7E_F767_814F);
        }
    }
    black_box(h)
}

/// The task: draw a value in `[0, 1)`, work for that fraction of `unit`, return it.
pub(crate) fn task(arg: u64, unit: Duration) -> f64 {
    let value = random(arg);
    busy_for(unit.mul_f64(value));
    value
}

/// The longest a task may work: 20 ms when the command line has `--quick`, else `full`.
pub(crate) fn unit_from_args(full: Duration) -> Duration {
    let quick = std::env::args().any(|arg| arg == "--quick");
    if quick {
        Duration::from_millis(20)
    } else {
        full
    }
}
