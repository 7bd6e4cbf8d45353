//! Kernels of well-known programs, written for this suite after the usual textbook and
//! benchmark-game versions, each annotated with `#[par_for]` as a user would annotate
//! it and compared with its serial twin: the same code without the marks.
//!
//! Integer results must be equal. Float results must be identical where every value is
//! computed by one iteration in the serial order (a per-pixel, per-row or per-body sum);
//! only where a float reduction combines partial sums in a different grouping is a
//! tolerance used, and the test says so.
//!
//! Where a kernel needed more than the attributes (a `reduce(..)`, an `iter_mut()` source
//! instead of `out[i] = ..`), its module doc says what changed and why.

// The kernels index as the programs they follow do, and take their arguments as those
// do (`&mut Vec`, ten slices for gemver, wide result tuples); the serial twins must stay
// the same code as the marked loops, manual `find`s included.
#![allow(
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::too_many_arguments,
    clippy::type_complexity,
    clippy::manual_find
)]

mod bfs;
mod blackscholes;
mod collatz;
mod fannkuch;
mod game_of_life;
mod gemver;
mod heat;
mod histogram;
mod jacobi2d;
mod kmeans;
mod knucleotide;
mod levenshtein;
mod mandelbrot;
mod matmul;
mod monte_carlo_pi;
mod nbody;
mod nqueens;
mod pagerank;
mod parse_numbers;
mod ray_spheres;
mod sieve;
mod spectral;
mod string_search;
mod word_count;

/// SplitMix64: small, seedable, the same sequence everywhere; for inputs and for the
/// per-item generators of the Monte Carlo kernel.
#[derive(Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// The generator whose sequence `seed` starts.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `0..n` (with the small bias of a modulo).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Whether two floats agree to within the rounding of a float sum regrouped across
/// threads (a relative 1e-9).
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}
