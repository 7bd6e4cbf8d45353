//! Put `#[par_for]` on a `for` loop and it runs on every core, with the compiler
//! proving that the iterations do not race.
//!
//! par-for is the Rust answer to "turn the loop into a task function and hand it to
//! `multiprocessing.Pool().map`": the same conversions (map, starmap, imap,
//! imap_unordered, a chosen number of workers, a mutex for shared writes, errors that
//! reach the caller), with none of the pickling, on [rayon]'s work-stealing pool.
//!
//! # Where the attribute goes
//!
//! Stable Rust has no attribute macros on statements, so `#[par_for]` has two roles: on
//! an item (a `fn`, a method, an `impl` block, a `trait`, an inline `mod`) it *enables*
//! the rewrite of the statements inside it that are themselves marked `#[par_for]` or
//! `#[par_for(...)]`. Remove the mark from a loop (or run with `PAR_FOR_THREADS=1`) and
//! it is your serial loop again.
//!
//! To make parallelism a feature of your crate, mark under a condition: the statement
//! is marked where the condition holds and plain elsewhere.
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn total(v: &[u64]) -> u64 {
//!     let mut total = 0;
//!     #[cfg_attr(not(feature = "serial-only"), par_for(reduce(total: +)))]
//!     for x in v {
//!         total += x;
//!     }
//!     total
//! }
//! assert_eq!(total(&[1, 2, 3]), 6);
//! ```
//!
//! # Form 1: the parallel loop
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use par_for::par_for;
//!
//! #[par_for]
//! fn brighten(pixels: &mut [f32], gain: f32) -> u64 {
//!     let clipped = AtomicU64::new(0);
//!     #[par_for]
//!     for p in pixels.iter_mut() {      // each iteration owns its `&mut f32`
//!         *p *= gain;                   // reading `gain` from outside is fine
//!         if *p > 1.0 {
//!             *p = 1.0;
//!             clipped.fetch_add(1, Ordering::Relaxed); // a synchronized shared write
//!         }
//!     }
//!     clipped.into_inner()
//! }
//!
//! let mut pixels = vec![0.4, 0.8];
//! assert_eq!(brighten(&mut pixels, 2.0), 1);
//! assert_eq!(pixels, [0.8, 1.0]);
//! ```
//!
//! The body runs once per item, in any order, on the pool. Ranges, `Vec`s, slices,
//! arrays, maps, sets, references to them, and `.iter()`, `.iter_mut()`,
//! `.into_iter()`, `.chunks(n)`, `.chunks_mut(n)`, `.chunks_exact(n)`,
//! `.chunks_exact_mut(n)`, `.windows(n)` on them run as rayon's native parallel
//! iterators; any other `Iterator` (lines of a file, directory entries, your own) is fed
//! to the pool through a bridge. The type decides. An iterator that cannot be sent to
//! the pool's threads (`stdin().lock().lines()`, `rx.iter()`, an `impl Iterator` without
//! `+ Send`) is pulled by the calling thread, as a stream's source is, while the pool
//! runs the iterations; only its items must be `Send`. Tuple and struct patterns work,
//! which is Python's `starmap`: `for (a, b, c) in triples { .. }`.
//!
//! A chain of adapters stays split as long as rayon has them: `.copied()`, `.cloned()`,
//! `.map(f)`, `.rev()`, `.skip(n)`, `.take(n)`, `.step_by(n)`, `.enumerate()`,
//! `.chain(..)` and `.zip(..)` run as written, with the serial loop's items in the
//! serial loop's positions. `zip` takes any two sources: with one side bridged
//! (`data.iter().zip(text.split(' '))`, `(1..).zip(&v)`, `v.iter().zip(1..)`), the
//! bridged side reads as many items as the other has and the zip is still split; with
//! one side borrowed (`v.iter().zip(ids.by_ref())`), `ids` is read exactly as far as
//! serially. A `chain` with a bridged part is
//! bridged as a whole (that part may be endless). An adapter rayon lacks
//! (`.filter(p)`, `.peekable()`, `.scan(..)`, your own) bridges the whole std chain as
//! written: the same items in the same order, the body still on the pool.
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn scale(data: &[f32], gain: f32, out: &mut [f32]) {
//!     #[par_for]
//!     for (x, slot) in data.iter().copied().map(|x| x * gain).zip(out.iter_mut()) {
//!         *slot = x.min(1.0);
//!     }
//! }
//!
//! let mut out = [0.0; 3];
//! scale(&[0.1, 0.3, 0.9], 2.0, &mut out);
//! assert_eq!(out, [0.2, 0.6, 1.0]);
//! ```
//!
//! A closure given to `map` in the loop's source runs on the pool as the body does, so
//! the same rules hold for it: it may not write outer variables, and what it reads must
//! be `Sync`.
//!
//! Control flow keeps its serial meaning: `continue` ends the iteration; `break` stops
//! the loop after every earlier iteration (in iteration order) has completed; `return v`
//! and `?` make the function return exactly what the serial loop would have, the value
//! of the earliest iteration in order. Reductions and collected values hold only what
//! the serial loop's would. Iterations after the one that leaves may have run before
//! it was known (other threads run later items meanwhile), so their effects may show
//! (writes through their `iter_mut()` items, through a `Mutex` or an atomic); once it is
//! known, every thread stops at its next block of 256 items:
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn total(lines: &[&str]) -> Result<u64, std::num::ParseIntError> {
//!     let sum = std::sync::atomic::AtomicU64::new(0);
//!     #[par_for]
//!     for line in lines {
//!         let n: u64 = line.trim().parse()?;   // the first bad line in order wins
//!         sum.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
//!     }
//!     Ok(sum.into_inner())
//! }
//!
//! assert_eq!(total(&["1", "2"]), Ok(3));
//! assert_eq!(total(&["1", "x", "y"]).unwrap_err(), "x".parse::<u64>().unwrap_err());
//! ```
//!
//! The value of `return v` (and the conversion of a `?`'s error into the function's
//! error type) is computed only for the winning iteration, once, on the calling thread,
//! after every iteration before it has completed, as the serial loop computes it: a
//! `return counter.fetch_add(1, SeqCst)` gives the serial value, whatever other
//! iterations reached a `return` too. It may borrow what the function's arguments lend,
//! read variables declared outside the loop, and move them (`return (header, Some(i))`:
//! such a value is built after the loop from the variables themselves, as the serial
//! loop moves them when it returns). The error of a `?` goes from the pool's thread to
//! the calling thread, so it must be `Send`: a function that returns
//! `Box<dyn Error>` writes `Box<dyn Error + Send + Sync>` instead (`?` works on
//! `Result`, `Option` and `ControlFlow`):
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn first_long<'a>(words: &'a [String], min: usize) -> Option<&'a str> {
//!     #[par_for]
//!     for w in words {
//!         if w.len() >= min {
//!             return Some(w.as_str());
//!         }
//!     }
//!     None
//! }
//!
//! let words = ["a", "bbb", "cc", "dddd"].map(String::from);
//! assert_eq!(first_long(&words, 3), Some("bbb"));
//! ```
//!
//! A panic in an iteration stops new iterations from starting and is raised again on
//! the calling thread with its original payload; iterations already running finish. A
//! panic in an iteration after a `break`, `return` or `?` (one a thread ran before the
//! exit was known) is dropped, as the serial loop never meets it.
//!
//! # Form 2: the collecting pipeline
//!
//! The list comprehension `[task(x) for x in items]`, with exactly the serial result:
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn stats(words: &[&str]) -> (Vec<usize>, Option<usize>, usize) {
//!     #[par_for]
//!     let lengths: Vec<usize> = words.iter().map(|w| w.len()).collect(); // order kept
//!     #[par_for]
//!     let first_long = words.iter().position(|w| w.len() > 4);           // first in order
//!     #[par_for]
//!     let letters: usize = lengths.iter().sum();
//!     (lengths, first_long, letters)
//! }
//!
//! assert_eq!(stats(&["a", "parallel", "loop"]), (vec![1, 8, 4], Some(1), 13));
//! ```
//!
//! Adapters: `map filter filter_map flat_map flatten enumerate zip copied cloned inspect
//! skip take step_by rev chain`. Consumers: `collect` (into any `FromIterator` target,
//! order kept) `sum product count min max min_by_key max_by_key min_by max_by find
//! find_map position any all for_each reduce unzip partition` (`partition` into any
//! `Default + Extend` target, as std's; `unzip` into collections rayon can extend from
//! several threads: `Vec`, `VecDeque`, `String`, std's maps and sets), each giving what std
//! gives: `find` and `position` the first in order, ties broken as std breaks them, and
//! a `collect` (or `sum`, `product`) into `Result<C, E>` or `Option<C>` the first error
//! (or `None`) in iteration order. `reduce` must be given an associative function, and
//! `min_by`/`max_by` a consistent order: with NaNs among floats,
//! `partial_cmp(..).unwrap_or(Ordering::Equal)` is not one (its answer depends on which
//! items meet first), so compare with `f64::total_cmp`. `for_each` and `inspect` run
//! their closures in any order, as a loop's body. Adapters whose meaning is sequential (`scan`, `take_while`, `fold`, `peekable`, ...)
//! are compile errors that say what to write instead. Float sums may differ from the
//! serial sum, because the additions are grouped differently: in the last bits, and
//! over many `f32` items in more.
//!
//! What follows the consumer is ordinary serial code on its result, as written:
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn check(lines: &[&str]) -> Result<bool, std::num::ParseIntError> {
//!     #[par_for]
//!     let numbers = lines.iter().map(|l| l.parse::<i64>()).collect::<Result<Vec<_>, _>>()?;
//!     #[par_for]
//!     let has_big = numbers.iter().find(|n| **n > 100).is_some();
//!     #[par_for]
//!     let many_odd = numbers.iter().filter(|n| *n % 2 == 1).count() > 3;
//!     Ok(has_big || many_odd)
//! }
//!
//! assert_eq!(check(&["1", "200"]), Ok(true));
//! assert_eq!(check(&["1", "x", "y"]).unwrap_err(), "x".parse::<i64>().unwrap_err());
//! ```
//!
//! A source rayon cannot split (an endless range `(1..)`, `text.split(' ')`, `lines()`,
//! a user's iterator), and any source of a pipeline that may stop at a count of
//! positions after dropping items (`filter(..).take(n)`, `filter(..).position(..)`,
//! `filter(..).enumerate().find(..)`: rayon would run the filter over every item first,
//! to know the positions), is read on the calling thread in batches, each run on the pool
//! while the next is read (also one that cannot be sent to the pool's threads, such as
//! `stdin().lock().lines()`, which stays on the calling thread): a consumer that can stop early (`find`, `position`, `any`,
//! `all`, a `take(n)`, a `collect` into `Result` that meets an error) stops after the
//! batch that decided it, even on an endless source, and memory holds two batches
//! whatever the source's length. The next batch is read while one runs, so an owned
//! source may be read up to two batches further than serially (the rest of the batch
//! that decided and the one read meanwhile; `docs/rules.md` says when that shows); a
//! borrowed one (`it.by_ref()`, `&mut it`), which its owner reads on after the
//! pipeline, is read exactly as far as serially, one item at a time. Positions
//! (`enumerate`, `skip`, `take`, `step_by`, `zip`, `position`) count across batches as
//! the serial pipeline counts them. Batches start at a few items per thread and double,
//! so an early match costs little more work than serially. (`chain` and `rev` need what
//! comes before them whole: a serial source before them is read whole first.)
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn first_square_over(limit: u64) -> Option<usize> {
//!     #[par_for]
//!     let at = (1u64..).map(|x| x * x).position(|sq| sq > limit);
//!     at
//! }
//!
//! assert_eq!(first_square_over(300), Some(17));
//! ```
//!
//! Over an indexed source, each pipeline remembers what it took serially and on the pool
//! (as Form 1 loops do), and a small pipeline called again and again runs on the
//! calling thread when the pool does not pay: never much slower than the serial code.
//!
//! # Form 3: streaming (imap / imap_unordered)
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn longest_line(texts: Vec<String>) -> usize {
//!     let mut longest = 0;                     // the consumer may mutate local state
//!     #[par_for(stream, window = 8)]
//!     for lines in texts.into_iter().map(|t| t.lines().count()) {
//!         longest = longest.max(lines);         // runs on this thread, in input order
//!     }
//!     longest
//! }
//!
//! assert_eq!(longest_line(vec!["a\nb".into(), "c".into()]), 2);
//! ```
//!
//! The task in `.map(TASK)` runs on the pool (and, while tasks are cheap, on the calling
//! thread while it waits for the next result); the source is pulled lazily and at most
//! `window` items are in flight, so memory stays flat even for an endless source. A
//! `Send` source is pulled by the pool's threads, a few items at a time, as rayon's
//! `par_bridge` does, so each item is made and dropped on the thread that runs its task
//! (default window: 64 per pool thread); one that is not `Send` (an `Rc` in it,
//! `rx.iter()`) is pulled on the calling thread (default window: 64 per pool thread,
//! growing to 1024 while tasks take under 5 µs), as is a source built before the loop
//! from closures (`let items = v.iter().map(|x| ..);`), whose `Send` the compiler
//! cannot tell at the loop. The macro tells them apart by type. The
//! loop body gets results in input order (`unordered`: in completion order). The same is
//! available without the macro: [`stream`] and [`stream_unordered`], whose `Send`
//! source the pool's threads pull. `docs/streams.md` says how sources that block are
//! pulled and what leaving early waits for.
//!
//! The body, on the calling thread, may `break`, `return` (a value that moves the
//! function's variables too), `?`, and `break`/`continue` to a loop around the stream.
//! As the source is pulled ahead of the body, a source that reads what the body changes
//! (a work queue the body refills) needs `window = 1`; a `Cell` or `RefCell` that both
//! use is a compile error without it.
//!
//! # Shared state: what is rejected
//!
//! A free variable is one the body uses but does not declare. Assigning it, updating it
//! (`+=`), taking `&mut` of it or binding it by `ref mut` is a compile error at that
//! spot, naming the variable and the fix; calling a `&mut self` method on it
//! (`results.push(x)`) or moving out of it is rejected by the compiler (the task must be
//! `Fn + Send + Sync`), whose error names it ("closure is `FnMut` because it mutates the
//! variable `results` here"), and so is reading a value that is not `Sync` (`Cell`,
//! `RefCell`, `Rc`, raw pointers), with the error at its use, naming it. Shadowing, locals of the body, writes through the items
//! (`iter_mut`, `chunks_mut`) and synchronized writes (`Mutex`, `RwLock`, atomics,
//! channel senders, `OnceLock`) are fine. Other `unsafe` code (writes through a raw
//! pointer wrapped in your own `Sync` type) is your own promise. The compile-fail cases
//! in `tests/ui/` document every rule.
//!
//! # Options: `#[par_for(...)]`
//!
//! - `threads = N`: run on a pool of exactly N threads, built once per N and reused
//!   (`Pool(processes=N)`); loops the body starts run on it too. `threads = 1` runs the
//!   loop on the calling thread, where the loops its body starts see one thread.
//! - `reduce(VAR: OP, ...)`: VAR is a reduction: each worker task accumulates in place
//!   into a private copy that starts at OP's identity (one copy per task, not per item);
//!   the copies are combined in iteration order, then with VAR's value at the end, so
//!   an associative but non-commutative function (appending `Vec`s) gives the serial
//!   order (a float `+` or `*` may differ from the serial result: the operations are
//!   grouped differently, and over many items the rounding adds up, beyond the last
//!   bits: an `f32` sum of 100,000 items differed in its sixth digit; sum in `f64`, or
//!   keep the loop serial where every bit counts). OP is `+ * min max & | ^` or the
//!   path of a `fn(T, T) -> T` whose identity is `T::default()`. A type without that
//!   identity names one: `reduce(v: + = Vec3::ZERO, m: * = Mat2::IDENTITY, hist: merge
//!   = Hist::empty())`; so does a `Vec` whose elements the body updates, which would
//!   start empty: `reduce(counts: merge = vec![0; 256])` (serially, or under
//!   `PAR_FOR_THREADS=1`, the loop updates `counts` itself and never shows it). Inside the body VAR may only
//!   be updated (`total += x`, `best = best.max(x)`, `acc = merge(acc, x)`,
//!   `h.count[b] += 1`, `v.push(x);`): each copy holds a partial value, so any other read
//!   (a condition, an index, an argument, a print) is a compile error at the read
//!   (`docs/rules.md` lists the updates). The copies combine the way the updates are
//!   written: `if x > best { best = x; }` keeps the first of equal items and
//!   `best.max(x)` the last, `f64::min` ignores a NaN, `wrapping_add` never overflows:
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn sum_of_squares(n: u64) -> u64 {
//!     let mut total = 0;
//!     #[par_for(reduce(total: +))]
//!     for i in 0..n {
//!         total += i * i;
//!     }
//!     total
//! }
//!
//! assert_eq!(sum_of_squares(1000), (0..1000).map(|i| i * i).sum());
//! ```
//!
//! - `min_len = N`: no task handles fewer than N items (granularity, rayon's
//!   `with_min_len`).
//! - `if = EXPR`: run in parallel only when EXPR is true, otherwise serially, in order.
//! - `progress` or `progress = "label"`: a progress bar on stderr (feature `progress`,
//!   on by default; nothing is drawn when stderr is not a terminal).
//! - `stream`, `unordered`, `window = N`: Form 3.
//! - `distribute`, `schedule = ..`: split the items across the ranks of an MPI job.
//!
//! # Beyond one machine
//!
//! With the `mpi` feature, run the program under `mpirun -np N` and a statement marked
//! `#[par_for(distribute)]` (a pipeline, or a `for` loop whose only effects are its
//! reductions) deals its items to the ranks; each runs its share on its own pool and
//! every rank ends with the serial result. Without the feature or a launcher, it is a
//! local loop. See [`mpi`] and `docs/distributed.md`.
//!
//! ```
//! use par_for::par_for;
//!
//! #[par_for]
//! fn squares(n: u64) -> Vec<u64> {
//!     #[par_for(distribute)]
//!     let v: Vec<u64> = (0..n).map(|i| i * i).collect();
//!     v
//! }
//!
//! let _mpi = par_for::mpi::init(); // first thing in `main`
//! assert_eq!(squares(4), [0, 1, 4, 9]);
//! ```
//!
//! # The pool
//!
//! The default pool is rayon's global pool, sized by `PAR_FOR_THREADS`, else
//! `RAYON_NUM_THREADS`, else [`cpu_count`]. `PAR_FOR_THREADS=1` runs every annotated
//! loop serially, in order, on the calling thread: the debugging switch (loops with
//! `threads = N`, and loops inside `with_threads`, too). Nested
//! annotated loops, and loops inside `threads = N` pools, never deadlock.
//!
//! Entering rayon's pool from outside costs tens of microseconds (waking the workers,
//! waiting for them), as much as a small loop takes. So small loops over a source of
//! known length (ranges, slices, `Vec`s, their `zip`/`enumerate`/...) called from
//! outside the pool, Form 1 loops and Form 2 pipelines alike, run on a *team*, as
//! OpenMP's `parallel for` does: threads of par-for's own, as many as the default pool
//! has, with the calling thread, whose workers stay ready for a short time after each
//! loop. Each annotated loop remembers
//! how long it took serially, on the team and on the pool, and takes the fastest way:
//! small loops serially or on the team, long ones (2 ms or more) on rayon's work
//! stealing, which balances uneven work. Now and then a small loop tries the other way
//! again. A small loop called again and again thus runs close to `serial / threads`,
//! and is never much slower than the plain loop. Either way the results and the
//! control-flow rules are the same; only which thread runs an iteration differs.
//!
//! ## `PAR_FOR_WAIT`: what the team's threads do between loops
//!
//! Like `OMP_WAIT_POLICY`:
//! - unset (the default): after a loop, a worker spins for 1.5 times the recent pauses
//!   between loops, at least 100 µs and at most 2 ms, then sleeps until the next
//!   loop; when loops come more than 2 ms apart it spins 100 µs only. Spinning
//!   workers yield their CPU to other threads after 20 µs, so a busy machine loses
//!   little to them. The CPU time burnt while idle is bounded: at most 2 ms per worker
//!   after the last loop (a program that runs a loop and then waits for input burns
//!   no more), and about 0.1% of a core per worker for a program that runs one small
//!   loop every 10 ms; a program whose loops come less than ~1.3 ms apart keeps its
//!   workers spinning between them, as OpenMP does.
//! - `PAR_FOR_WAIT=passive`: workers sleep at once; a loop then pays to wake them
//!   (and small loops may run serially instead).
//! - `PAR_FOR_WAIT=active`: workers spin until the next loop, up to 1 s after the
//!   last one.
//!
//! A loop nested in a team loop, loops of a second thread while one owns the team, and
//! loops on rayon's workers (nested in a pool loop, `threads = N`) do not use the
//! team: they run serially or on rayon's pool, and never wait for the team.
//! See `docs/small-loops.md` for the measurements.
//!
//! [rayon]: https://docs.rs/rayon

pub use par_for_macro::par_for;
pub use par_for_runtime::{cpu_count, current_threads, physical_cpu_count, with_threads};
pub use par_for_runtime::{stream, stream_unordered, Stream};

/// Running `#[par_for(distribute)]` loops across the ranks of an MPI job: see
/// [`mpi::init`] and `docs/distributed.md`. Present without the `mpi` feature too, as a
/// world of one, so a program compiles the same either way.
pub use par_for_runtime::mpi;

#[doc(hidden)]
pub use par_for_macro::__source_is_native;
#[doc(hidden)]
pub use par_for_runtime::__private;

/// The README's examples, run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The guides in `docs/`, whose Rust examples run as doctests so that they stay true.
#[cfg(doctest)]
pub mod guides {
    /// `docs/from-python.md`.
    #[doc = include_str!("../docs/from-python.md")]
    pub struct FromPython;
    /// `docs/rules.md`.
    #[doc = include_str!("../docs/rules.md")]
    pub struct Rules;
    /// `docs/streams.md`.
    #[doc = include_str!("../docs/streams.md")]
    pub struct Streams;
}
