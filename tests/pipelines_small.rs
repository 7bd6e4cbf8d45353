//! Form 2: a small pipeline called again and again takes the way its site finds faster
//! (the calling thread, unsplit, or the pool), and every way gives the serial result,
//! through every kind of stage: indexed adapters after a `filter` (collected, then
//! indexed), `zip` and `chain` with another source, short-circuiting consumers.

use par_for::par_for;

/// What `small` computes: kept, dot, at, stepped, any.
type Results = (Vec<(usize, u32)>, u64, Option<usize>, Vec<u32>, bool);

#[par_for]
fn small(v: &[u32], w: &[u32]) -> Results {
    #[par_for]
    let kept: Vec<(usize, u32)> = v
        .iter()
        .copied()
        .filter(|x| x % 3 != 0)
        .enumerate()
        .skip(2)
        .collect();
    #[par_for]
    let dot: u64 = v.iter().zip(w.iter()).map(|(a, b)| u64::from(a * b)).sum();
    #[par_for]
    let at = v.iter().chain(w.iter()).position(|x| *x == 77);
    #[par_for]
    let stepped: Vec<u32> = v.iter().rev().step_by(3).copied().collect();
    #[par_for]
    let any = v.iter().filter(|x| *x % 2 == 0).any(|x| *x > 900);
    (kept, dot, at, stepped, any)
}

fn small_serial(v: &[u32], w: &[u32]) -> Results {
    let kept: Vec<(usize, u32)> = v
        .iter()
        .copied()
        .filter(|x| x % 3 != 0)
        .enumerate()
        .skip(2)
        .collect();
    let dot: u64 = v.iter().zip(w.iter()).map(|(a, b)| u64::from(a * b)).sum();
    let at = v.iter().chain(w.iter()).position(|x| *x == 77);
    let stepped: Vec<u32> = v.iter().rev().step_by(3).copied().collect();
    let any = v.iter().filter(|x| *x % 2 == 0).any(|x| *x > 900);
    (kept, dot, at, stepped, any)
}

#[test]
fn every_way_a_site_takes_gives_the_serial_result() {
    par_for::with_threads(2, || {
        // Past the first streak of the other way (256 runs in), so both ways are taken.
        for run in 0..600u32 {
            let v: Vec<u32> = (0..200 + run % 50).map(|i| (i * 37 + run) % 1000).collect();
            let w: Vec<u32> = (0..150).map(|i| (i * 11 + run) % 100).collect();
            assert_eq!(small(&v, &w), small_serial(&v, &w), "run {run}");
        }
    });
}

#[par_for]
fn pool_threads_of(v: &[u32]) -> Vec<Option<usize>> {
    #[par_for]
    let ids: Vec<Option<usize>> = v.iter().map(|_| rayon::current_thread_index()).collect();
    ids
}

#[test]
fn a_tiny_pipeline_called_again_stays_off_the_pool() {
    // Four items: waking rayon's pool costs far more than the pipeline. Once the site
    // has seen that, the pipeline runs on the calling thread, or on the team (whose
    // threads spin between loops and are not rayon's), which cost about the same.
    let v: Vec<u32> = (0..4).collect();
    // The first runs go to the pool; a serial run the OS interrupts can make the site
    // prefer a parallel way for a while: hence many runs.
    let off_the_pool = (0..600)
        .filter(|_| pool_threads_of(&v).iter().all(Option::is_none))
        .count();
    assert!(
        off_the_pool >= 500,
        "{off_the_pool} of 600 runs off rayon's pool"
    );
}
