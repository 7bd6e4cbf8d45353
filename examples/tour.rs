//! The main job in one screen: a real CPU-bound loop (rendering the Mandelbrot set)
//! run serially and with `#[par_for]`, with both wall times and the speedup.
//!
//! ```text
//! cargo run --release --example tour            # 1600 x 1200
//! cargo run --release --example tour -- 400     # a smaller picture
//! ```

use std::time::Instant;

use par_for::par_for;

const MAX_ITER: u32 = 2_000;

/// How many steps the point `(x, y)` takes to escape (`MAX_ITER` if it never does).
fn escape_time(x: f64, y: f64) -> u32 {
    let (mut re, mut im) = (0.0f64, 0.0f64);
    for step in 0..MAX_ITER {
        if re * re + im * im > 4.0 {
            return step;
        }
        let next_re = re * re - im * im + x;
        im = 2.0 * re * im + y;
        re = next_re;
    }
    MAX_ITER
}

fn point(col: usize, row: usize, width: usize, height: usize) -> (f64, f64) {
    let x = -2.2 + 3.2 * col as f64 / width as f64;
    let y = -1.2 + 2.4 * row as f64 / height as f64;
    (x, y)
}

fn render_serial(pixels: &mut [u32], width: usize) {
    let height = pixels.len() / width;
    for (row, line) in pixels.chunks_mut(width).enumerate() {
        for (col, pixel) in line.iter_mut().enumerate() {
            let (x, y) = point(col, row, width, height);
            *pixel = escape_time(x, y);
        }
    }
}

/// The same loop, one attribute more: each row is an iteration on the pool, and each
/// iteration writes only its own row, which the compiler checks.
#[par_for]
fn render_parallel(pixels: &mut [u32], width: usize) {
    let height = pixels.len() / width;
    #[par_for]
    for (row, line) in pixels.chunks_mut(width).enumerate() {
        for (col, pixel) in line.iter_mut().enumerate() {
            let (x, y) = point(col, row, width, height);
            *pixel = escape_time(x, y);
        }
    }
}

fn main() {
    let width: usize = std::env::args()
        .nth(1)
        .map_or(1600, |w| w.parse().expect("width in pixels"));
    let height = width * 3 / 4;
    println!(
        "Mandelbrot {width}x{height}, up to {MAX_ITER} steps per pixel; {} logical CPUs, {} physical cores, pool of {} threads",
        par_for::cpu_count(),
        par_for::physical_cpu_count(),
        par_for::current_threads(),
    );

    let mut serial = vec![0u32; width * height];
    let start = Instant::now();
    render_serial(&mut serial, width);
    let serial_time = start.elapsed();
    println!("serial:     {:>8.1} ms", serial_time.as_secs_f64() * 1e3);

    let mut parallel = vec![0u32; width * height];
    let start = Instant::now();
    render_parallel(&mut parallel, width);
    let parallel_time = start.elapsed();
    println!("#[par_for]: {:>8.1} ms", parallel_time.as_secs_f64() * 1e3);

    assert_eq!(
        serial, parallel,
        "the parallel picture must equal the serial one"
    );
    let inside = parallel.iter().filter(|&&steps| steps == MAX_ITER).count();
    println!(
        "speedup:    {:>8.2}x  (identical pictures; {inside} pixels inside the set)",
        serial_time.as_secs_f64() / parallel_time.as_secs_f64()
    );
}
