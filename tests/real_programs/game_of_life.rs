//! Conway's game of life on a torus: the next generation from the current one.
//!
//! Change beyond the attribute: the serial step writes `next[y * w + x] = ..`; marked,
//! that is a write to an outer Vec (rejected), so the loop runs over
//! `next.chunks_mut(w).enumerate()`, one row per iteration.

use par_for::par_for;

use super::SplitMix;

fn live_neighbours(cells: &[bool], w: usize, h: usize, x: usize, y: usize) -> usize {
    let mut n = 0;
    for dy in [h - 1, 0, 1] {
        for dx in [w - 1, 0, 1] {
            if (dx, dy) != (0, 0) && cells[(y + dy) % h * w + (x + dx) % w] {
                n += 1;
            }
        }
    }
    n
}

fn rule(alive: bool, n: usize) -> bool {
    matches!((alive, n), (true, 2) | (_, 3))
}

#[par_for]
fn step(cells: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut next = vec![false; w * h];
    #[par_for]
    for (y, row) in next.chunks_mut(w).enumerate() {
        for x in 0..w {
            row[x] = rule(cells[y * w + x], live_neighbours(cells, w, h, x, y));
        }
    }
    next
}

fn step_serial(cells: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut next = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            next[y * w + x] = rule(cells[y * w + x], live_neighbours(cells, w, h, x, y));
        }
    }
    next
}

#[test]
fn game_of_life_matches_serial() {
    let (w, h) = (40, 30);
    let mut rng = SplitMix::new(11);
    let mut par: Vec<bool> = (0..w * h).map(|_| rng.below(3) == 0).collect();
    let mut ser = par.clone();
    for _ in 0..10 {
        par = step(&par, w, h);
        ser = step_serial(&ser, w, h);
        assert_eq!(par, ser);
    }
}
