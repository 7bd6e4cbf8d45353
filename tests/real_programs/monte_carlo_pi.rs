//! Monte Carlo estimate of pi: throw points into the unit square and count those inside
//! the quarter circle. Each sample has its own generator, seeded by its index, so the
//! samples do not depend on which thread draws them.
//!
//! Change beyond the attribute: the hit counter is declared `reduce(hits: +)`. The count
//! is an integer, so it equals the serial count exactly.

use par_for::par_for;

use super::SplitMix;

fn inside(sample: u64) -> bool {
    let mut rng = SplitMix::new(0xC0FFEE ^ sample.wrapping_mul(0x9E37_79B9));
    let (x, y) = (rng.next_f64(), rng.next_f64());
    x * x + y * y <= 1.0
}

#[par_for]
fn hits(samples: u64) -> u64 {
    let mut hits = 0;
    #[par_for(reduce(hits: +))]
    for i in 0..samples {
        if inside(i) {
            hits += 1;
        }
    }
    hits
}

fn hits_serial(samples: u64) -> u64 {
    let mut hits = 0;
    for i in 0..samples {
        if inside(i) {
            hits += 1;
        }
    }
    hits
}

#[test]
fn monte_carlo_pi_matches_serial() {
    let n = 200_000;
    let h = hits(n);
    assert_eq!(h, hits_serial(n));
    let pi = 4.0 * h as f64 / n as f64;
    assert!((pi - std::f64::consts::PI).abs() < 0.02, "{pi}");
}
