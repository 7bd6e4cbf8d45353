//! One round of k-means (Lloyd's algorithm): assign each point to its nearest centre,
//! then move each centre to the mean of its points.
//!
//! Changes beyond the attributes:
//! - the assignment `assignment[i] = nearest(..)` writes an outer Vec (rejected); the
//!   loop runs over `points.iter().zip(assignment.iter_mut())` instead.
//! - the update adds each point into `sums[c]` and `counts[c]`, bins that several
//!   iterations share (rejected); they become one reduction variable, an array of
//!   `[sum_x, sum_y, count]` per centre, declared `reduce(sums: add_sums)`. The counts
//!   are exact; the coordinate sums are float sums regrouped by workers, so the centres
//!   are compared with a tolerance.

use par_for::par_for;

use super::SplitMix;

const K: usize = 4;

type Sums = [[f64; 3]; K];

fn nearest(p: [f64; 2], centres: &[[f64; 2]]) -> usize {
    let mut best = 0;
    let mut best_d = f64::INFINITY;
    for (c, centre) in centres.iter().enumerate() {
        let d = (p[0] - centre[0]).powi(2) + (p[1] - centre[1]).powi(2);
        if d < best_d {
            best = c;
            best_d = d;
        }
    }
    best
}

fn add_sums(mut a: Sums, b: Sums) -> Sums {
    for (x, y) in a.iter_mut().zip(b) {
        for k in 0..3 {
            x[k] += y[k];
        }
    }
    a
}

fn means(sums: &Sums, old: &[[f64; 2]]) -> Vec<[f64; 2]> {
    sums.iter()
        .zip(old)
        .map(|(s, o)| {
            if s[2] == 0.0 {
                *o
            } else {
                [s[0] / s[2], s[1] / s[2]]
            }
        })
        .collect()
}

#[par_for]
fn round(points: &[[f64; 2]], centres: &[[f64; 2]]) -> (Vec<usize>, Vec<[f64; 2]>) {
    let mut assignment = vec![0; points.len()];
    #[par_for]
    for (&p, slot) in points.iter().zip(assignment.iter_mut()) {
        *slot = nearest(p, centres);
    }
    let mut sums: Sums = [[0.0; 3]; K];
    #[par_for(reduce(sums: add_sums))]
    for (p, &c) in points.iter().zip(&assignment) {
        sums[c][0] += p[0];
        sums[c][1] += p[1];
        sums[c][2] += 1.0;
    }
    let centres = means(&sums, centres);
    (assignment, centres)
}

fn round_serial(points: &[[f64; 2]], centres: &[[f64; 2]]) -> (Vec<usize>, Vec<[f64; 2]>) {
    let mut assignment = vec![0; points.len()];
    for i in 0..points.len() {
        assignment[i] = nearest(points[i], centres);
    }
    let mut sums: Sums = [[0.0; 3]; K];
    for (p, &c) in points.iter().zip(&assignment) {
        sums[c][0] += p[0];
        sums[c][1] += p[1];
        sums[c][2] += 1.0;
    }
    let centres = means(&sums, centres);
    (assignment, centres)
}

#[test]
fn kmeans_rounds_match_serial() {
    let mut rng = SplitMix::new(21);
    let points: Vec<[f64; 2]> = (0..3000)
        .map(|i| {
            let (cx, cy) = [(0.0, 0.0), (5.0, 1.0), (2.0, 6.0), (7.0, 7.0)][i % 4];
            [cx + rng.next_f64(), cy + rng.next_f64()]
        })
        .collect();
    let mut centres: Vec<[f64; 2]> = points[..K].to_vec();
    for _ in 0..4 {
        let (par_assign, par_centres) = round(&points, &centres);
        let (ser_assign, ser_centres) = round_serial(&points, &centres);
        assert_eq!(par_assign, ser_assign);
        for (p, s) in par_centres.iter().zip(&ser_centres) {
            for k in 0..2 {
                assert!(
                    (p[k] - s[k]).abs() <= 1e-9 * s[k].abs().max(1.0),
                    "{p:?} vs {s:?}"
                );
            }
        }
        // Continue from the serial centres, so that a tie decided differently by the
        // regrouped sums cannot make the next rounds diverge.
        centres = ser_centres;
    }
}
