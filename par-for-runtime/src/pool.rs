//! Pool sizing and control: the default pool, dedicated pools of N threads, and the
//! CPU counts.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// The number of logical CPUs this process may run on.
///
/// Honours CPU affinity masks and cgroup quotas (it is
/// [`std::thread::available_parallelism`]), so inside a container limited to two
/// cores it says two. Never less than one.
///
/// ```
/// assert!(par_for_runtime::cpu_count() >= 1);
/// ```
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The number of physical cores of the machine, as the OS reports its topology
/// (hyper-threads of one core count once). Never less than one.
///
/// ```
/// let physical = par_for_runtime::physical_cpu_count();
/// assert!(physical >= 1);
/// ```
pub fn physical_cpu_count() -> usize {
    num_cpus::get_physical().max(1)
}

/// The number of threads an annotated loop would use if it started here: the size of
/// the pool the calling thread belongs to, or of the default pool.
///
/// The default pool has `PAR_FOR_THREADS` threads if that variable is set, else
/// `RAYON_NUM_THREADS`, else [`cpu_count`]. With `PAR_FOR_THREADS=1` it is 1
/// everywhere, inside [`with_threads`] too: every annotated loop runs serially.
///
/// ```
/// assert_eq!(par_for_runtime::with_threads(3, par_for_runtime::current_threads), 3);
/// ```
pub fn current_threads() -> usize {
    if serial_switch() || ONE_THREAD.with(Cell::get) > 0 {
        return 1;
    }
    ensure_default_pool();
    rayon::current_num_threads()
}

thread_local! {
    /// How many loops with `threads = 1` this thread is running serially, inside each
    /// other: while any is, this thread's loops see a pool of one thread, as they would
    /// inside a pool of one (the loop runs on the calling thread instead, so that its
    /// `return` and `break` stay its own).
    static ONE_THREAD: Cell<usize> = const { Cell::new(0) };
}

/// While alive, [`current_threads`] is 1 on this thread (see `ONE_THREAD`).
pub struct OneThread(());

impl OneThread {
    pub(crate) fn enter() -> Self {
        ONE_THREAD.with(|depth| depth.set(depth.get() + 1));
        OneThread(())
    }
}

impl Drop for OneThread {
    fn drop(&mut self) {
        ONE_THREAD.with(|depth| depth.set(depth.get() - 1));
    }
}

/// Runs `f` inside a pool of exactly `n` threads; every annotated loop that `f` starts
/// (without its own `threads = ..`) runs on that pool, except under `PAR_FOR_THREADS=1`,
/// which runs every annotated loop serially. Pools are built once per size and reused
/// for the life of the process.
///
/// # Panics
/// If `n` is zero, or if the OS refuses to start the threads.
///
/// ```
/// let seen = par_for_runtime::with_threads(2, || par_for_runtime::current_threads());
/// assert_eq!(seen, 2);
/// ```
pub fn with_threads<R, F>(n: usize, f: F) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    sized_pool(n).install(f)
}

/// Runs `f` on the pool a loop with `threads` asked for: the dedicated pool of that size,
/// or, with `None`, the pool of the calling thread (the default pool from outside any).
pub(crate) fn install<R, F>(threads: Option<usize>, f: F) -> R
where
    F: FnOnce() -> R + Send,
    R: Send,
{
    match pool_for(threads) {
        Some(pool) => pool.install(f),
        None => {
            ensure_default_pool();
            f()
        }
    }
}

/// Runs `op` on the calling thread with a scope of the pool a loop with `threads` asked
/// for (the dedicated pool of that size, or the calling thread's pool): its spawned jobs
/// run on that pool, and it returns once they have all ended.
pub(crate) fn in_place_scope<'scope, R>(
    threads: Option<usize>,
    op: impl FnOnce(&rayon::Scope<'scope>) -> R,
) -> R {
    match pool_for(threads) {
        Some(pool) => pool.in_place_scope(op),
        None => {
            ensure_default_pool();
            rayon::in_place_scope(op)
        }
    }
}

/// How many threads a loop asking for `threads` gets.
pub(crate) fn threads_for(threads: Option<usize>) -> usize {
    if serial_switch() {
        return 1;
    }
    threads.unwrap_or_else(current_threads)
}

/// Whether `PAR_FOR_THREADS=1`, the debugging switch: every annotated loop then runs
/// serially, whatever pool it asks for (`threads = N`, [`with_threads`]). Read once.
pub(crate) fn serial_switch() -> bool {
    static SWITCH: OnceLock<bool> = OnceLock::new();
    *SWITCH.get_or_init(|| {
        std::env::var("PAR_FOR_THREADS")
            .is_ok_and(|value| parse_thread_count("PAR_FOR_THREADS", &value) == Some(1))
    })
}

/// The dedicated pool a loop asking for `threads` runs on, `None` for the calling
/// thread's. Under the switch, work that would go to a larger pool (one of
/// `threads = N`, or the [`with_threads`] pool the caller runs in) goes to a pool of one.
fn pool_for(threads: Option<usize>) -> Option<Arc<ThreadPool>> {
    if serial_switch() {
        ensure_default_pool();
        return (rayon::current_num_threads() > 1).then(|| sized_pool(1));
    }
    threads.map(sized_pool)
}

pub(crate) fn sized_pool(n: usize) -> Arc<ThreadPool> {
    assert!(n > 0, "par_for: `threads` must be at least 1, got 0");
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pools
        .entry(n)
        .or_insert_with(|| {
            let pool = ThreadPoolBuilder::new()
                .num_threads(n)
                .thread_name(move |i| format!("par-for-{n}-{i}"))
                .build()
                .unwrap_or_else(|e| panic!("par_for: cannot start a pool of {n} threads: {e}"));
            Arc::new(pool)
        })
        .clone()
}

/// Sizes rayon's global pool from `PAR_FOR_THREADS` before its first use. If the
/// program already built the global pool itself, that pool is kept as it is.
fn ensure_default_pool() {
    static CONFIGURED: OnceLock<()> = OnceLock::new();
    CONFIGURED.get_or_init(|| {
        let threads = default_pool_size();
        let _already_built = ThreadPoolBuilder::new().num_threads(threads).build_global();
    });
}

fn default_pool_size() -> usize {
    ["PAR_FOR_THREADS", "RAYON_NUM_THREADS"]
        .iter()
        .find_map(|var| parse_thread_count(var, std::env::var(var).ok()?.as_str()))
        .unwrap_or_else(cpu_count)
}

/// The count a variable sets: none when it is empty or 0. A value that is not a number
/// is a mistake in `PAR_FOR_THREADS`, said loudly; in `RAYON_NUM_THREADS` it is ignored,
/// as rayon ignores it (a program that runs under rayon keeps running).
fn parse_thread_count(var: &str, value: &str) -> Option<usize> {
    let value = value.trim();
    match value.parse::<usize>() {
        Ok(0) => None,
        Ok(n) => Some(n),
        Err(_) if value.is_empty() || var == "RAYON_NUM_THREADS" => None,
        Err(_) => panic!("par_for: {var}={value:?} is not a number of threads"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_means_default_and_numbers_parse() {
        assert_eq!(parse_thread_count("X", "0"), None);
        assert_eq!(parse_thread_count("X", " 6 "), Some(6));
    }

    #[test]
    fn empty_means_default_and_rayon_s_variable_is_read_as_rayon_reads_it() {
        assert_eq!(parse_thread_count("PAR_FOR_THREADS", ""), None);
        assert_eq!(parse_thread_count("PAR_FOR_THREADS", "  "), None);
        assert_eq!(parse_thread_count("RAYON_NUM_THREADS", "auto"), None);
        assert_eq!(parse_thread_count("RAYON_NUM_THREADS", "3"), Some(3));
    }

    #[test]
    #[should_panic(expected = "not a number of threads")]
    fn garbage_is_rejected_loudly() {
        parse_thread_count("PAR_FOR_THREADS", "many");
    }

    #[test]
    fn sized_pools_are_reused() {
        assert!(Arc::ptr_eq(&sized_pool(3), &sized_pool(3)));
    }
}
