//! Beyond one machine: the same annotated program on every rank of an MPI job. A
//! Mandelbrot image (rows of uneven cost) and a Monte Carlo estimate of pi are split
//! across the ranks with `#[par_for(distribute)]`; each rank runs its share on its own
//! pool, and every rank ends with the serial result. Run plainly, or without the `mpi`
//! feature, it is one process using every core.
//!
//! ```text
//! cargo run --release --example distributed_pi -- --quick        # one process
//! cargo build --release --features mpi --example distributed_pi
//! mpirun -np 4 --bind-to none target/release/examples/distributed_pi
//! ```
//!
//! See `docs/distributed.md` for Slurm, and for sizing each rank's pool.

use std::time::Instant;

use par_for::par_for;

/// A point of the unit square from sample `i`, by a fixed hash: every rank (and the
/// serial loop) sees the same points.
fn point(i: u64) -> (f64, f64) {
    let mut h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    h ^= h >> 31;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 29;
    let x = (h >> 32) as f64 / f64::from(u32::MAX);
    let y = (h & 0xFFFF_FFFF) as f64 / f64::from(u32::MAX);
    (x, y)
}

/// How many of `samples` points fall inside the quarter circle: an integer, so the
/// distributed count is exactly the serial one.
#[par_for]
fn inside(samples: u64) -> u64 {
    let mut hits = 0u64;
    #[par_for(distribute, reduce(hits: +))]
    for i in 0..samples {
        let (x, y) = point(i);
        if x * x + y * y <= 1.0 {
            hits += 1;
        }
    }
    hits
}

/// Iterations until the point escapes (at most `limit`).
fn escape(cx: f64, cy: f64, limit: u32) -> u32 {
    let (mut x, mut y) = (0.0f64, 0.0f64);
    for n in 0..limit {
        if x * x + y * y > 4.0 {
            return n;
        }
        (x, y) = (x * x - y * y + cx, 2.0 * x * y + cy);
    }
    limit
}

/// The image, row by row. The rows near the set cost far more than the others, so the
/// rows are dealt in small chunks round-robin (`schedule = cyclic`), not in one block
/// per rank.
#[par_for]
fn mandelbrot(width: usize, height: usize, limit: u32) -> Vec<Vec<u32>> {
    #[par_for(distribute, schedule = cyclic)]
    let rows: Vec<Vec<u32>> = (0..height)
        .map(|row| {
            let cy = -1.2 + 2.4 * row as f64 / height as f64;
            (0..width)
                .map(|col| escape(-2.2 + 3.2 * col as f64 / width as f64, cy, limit))
                .collect()
        })
        .collect();
    rows
}

fn main() {
    let _mpi = par_for::mpi::init();
    let quick = std::env::args().any(|a| a == "--quick");
    let (samples, side, limit) = if quick {
        (200_000, 120, 200)
    } else {
        (50_000_000, 1200, 2000)
    };

    let start = Instant::now();
    let hits = inside(samples);
    let pi_time = start.elapsed();
    let start = Instant::now();
    let image = mandelbrot(side, side, limit);
    let image_time = start.elapsed();

    // Every rank holds the same results; one prints them.
    if par_for::mpi::is_root() {
        let ranks = par_for::mpi::size();
        println!(
            "{ranks} rank(s) of {} thread(s) each",
            par_for::current_threads()
        );
        println!(
            "pi ~ {:.6} from {samples} samples in {:.1} ms",
            4.0 * hits as f64 / samples as f64,
            pi_time.as_secs_f64() * 1e3
        );
        let in_set = image.iter().flatten().filter(|&&n| n == limit).count();
        println!(
            "mandelbrot {side}x{side}: {in_set} points in the set, in {:.1} ms",
            image_time.as_secs_f64() * 1e3
        );
    }
    if quick {
        assert_eq!(
            hits,
            (0..samples)
                .filter(|&i| {
                    let (x, y) = point(i);
                    x * x + y * y <= 1.0
                })
                .count() as u64
        );
    }
}
