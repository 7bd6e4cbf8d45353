//! Reductions: the loop accumulates into an outer variable, and the iterations must not
//! all write it at once. Python's answer is "return values and sum them in the caller";
//! par-for's is `reduce(VAR: OP)`: each worker accumulates into a private copy that
//! starts at OP's identity, and the copies are combined with VAR's value at the end.
//!
//! - `reduce(total: +)`: a sum of squares, equal to the serial loop's (integers are exact);
//! - `reduce(longest: max)`: the longest line;
//! - `reduce(counts: merge_counts)`: a word count, where each worker fills its own
//!   `HashMap` (starting at `HashMap::default()`) and `merge_counts` merges two of them.
//!
//! Without `reduce(..)`, `total += x` on an outer variable does not compile (see
//! `tests/ui/fail/compound_assign_to_outer_variable.rs`): the error suggests exactly this.
//!
//! Python:
//!
//! ```python
//! with Pool() as pool:
//!     total = sum(pool.map(square, range(n)))
//!     counts = reduce(merge_counts, pool.map(count_words, lines), Counter())
//! ```
//!
//! ```text
//! cargo run --release --example reduction            # 10^7 squares, 200 000 lines
//! cargo run --release --example reduction -- --quick  # 10^5 squares, 2 000 lines
//! ```

use std::collections::HashMap;
use std::time::Instant;

use par_for::par_for;

/// Merges two word counts: the combining function of `reduce(counts: merge_counts)`.
/// It must be associative; its identity is `HashMap::default()`, the empty count.
fn merge_counts(
    mut a: HashMap<&'static str, usize>,
    b: HashMap<&'static str, usize>,
) -> HashMap<&'static str, usize> {
    if a.len() < b.len() {
        return merge_counts(b, a);
    }
    for (word, n) in b {
        *a.entry(word).or_insert(0) += n;
    }
    a
}

const WORDS: [&str; 16] = [
    "pool", "map", "loop", "task", "worker", "result", "thread", "core", "rust", "python",
    "parallel", "serial", "mutex", "order", "stream", "reduce",
];

/// A line of 8 words drawn from `WORDS` by an xorshift generator seeded with the line number.
fn line(n: u64) -> Vec<&'static str> {
    let mut x = n.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..8)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[(x >> 60) as usize]
        })
        .collect()
}

#[par_for]
fn sum_of_squares(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        total += i * i;
    }
    total
}

#[par_for]
fn count_words(lines: &[Vec<&'static str>]) -> (HashMap<&'static str, usize>, usize) {
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut longest = 0;
    #[par_for(reduce(counts: merge_counts, longest: max))]
    for words in lines {
        for word in words {
            *counts.entry(word).or_insert(0) += 1;
        }
        longest = longest.max(words.iter().map(|w| w.len() + 1).sum::<usize>() - 1);
    }
    (counts, longest)
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (n, lines) = if quick {
        (100_000u64, 2_000)
    } else {
        (10_000_000, 200_000)
    };
    println!("pool of {} threads", par_for::current_threads());

    let total = sum_of_squares(n);
    let serial: u64 = (0..n).map(|i| i * i).sum();
    assert_eq!(total, serial);
    println!("reduce(total: +): the sum of i*i for i < {n} is {total}, equal to the serial sum");

    let text: Vec<Vec<&'static str>> = (0..lines).map(line).collect();
    let start = Instant::now();
    let (counts, longest) = count_words(&text);
    let parallel_time = start.elapsed();

    let start = Instant::now();
    let mut serial_counts: HashMap<&'static str, usize> = HashMap::new();
    for words in &text {
        for word in words {
            *serial_counts.entry(word).or_insert(0) += 1;
        }
    }
    let serial_time = start.elapsed();
    assert_eq!(
        counts, serial_counts,
        "the merged counts equal the serial count"
    );

    let mut sorted: Vec<(&str, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!(
        "\nreduce(counts: merge_counts, longest: max) over {lines} lines of 8 words \
         ({:.1} ms parallel, {:.1} ms serial):",
        parallel_time.as_secs_f64() * 1e3,
        serial_time.as_secs_f64() * 1e3
    );
    for (word, n) in sorted.iter().take(5) {
        println!("    {word:<10} {n:>8}");
    }
    println!(
        "    ... {} distinct words, {} in all, equal to the serial count",
        sorted.len(),
        sorted.iter().map(|(_, n)| n).sum::<usize>()
    );
    println!("the longest line has {longest} characters");
}
