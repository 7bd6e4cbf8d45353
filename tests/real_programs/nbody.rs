//! One step of the classic all-pairs n-body simulation (as in the benchmarks game):
//! accelerations from every other body, then a kick and a drift, then the energy.
//!
//! Changes beyond the attributes:
//! - the serial program stores each body's acceleration with `acc[i] = a`; marked, that
//!   is a write to an outer Vec from every iteration (rejected), so the loop runs over
//!   `acc.iter_mut().enumerate()` and writes `*slot = a`: each iteration owns its slot.
//! - the energy sum is `reduce(energy: +)`. It is a float sum regrouped by workers, so it
//!   is compared with a relative tolerance; the positions and velocities are compared
//!   exactly (each is computed by one iteration, in the serial order).

use par_for::par_for;

use super::SplitMix;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Body {
    pos: [f64; 3],
    vel: [f64; 3],
    mass: f64,
}

fn bodies(n: usize) -> Vec<Body> {
    let mut rng = SplitMix::new(7);
    (0..n)
        .map(|_| Body {
            pos: [rng.next_f64(), rng.next_f64(), rng.next_f64()],
            vel: [rng.next_f64() - 0.5, rng.next_f64() - 0.5, 0.0],
            mass: 0.5 + rng.next_f64(),
        })
        .collect()
}

fn accel_on(i: usize, bodies: &[Body]) -> [f64; 3] {
    let mut a = [0.0; 3];
    for (j, other) in bodies.iter().enumerate() {
        if i == j {
            continue;
        }
        let d = [
            other.pos[0] - bodies[i].pos[0],
            other.pos[1] - bodies[i].pos[1],
            other.pos[2] - bodies[i].pos[2],
        ];
        let dist2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + 1e-3;
        let inv = other.mass / (dist2 * dist2.sqrt());
        for k in 0..3 {
            a[k] += d[k] * inv;
        }
    }
    a
}

#[par_for]
fn step(bodies: &mut [Body], dt: f64) -> f64 {
    let mut acc = vec![[0.0; 3]; bodies.len()];
    #[par_for]
    for (i, slot) in acc.iter_mut().enumerate() {
        *slot = accel_on(i, bodies);
    }
    #[par_for]
    for (b, a) in bodies.iter_mut().zip(&acc) {
        for k in 0..3 {
            b.vel[k] += a[k] * dt;
            b.pos[k] += b.vel[k] * dt;
        }
    }
    let mut energy = 0.0;
    #[par_for(reduce(energy: +))]
    for b in bodies.iter() {
        let v2 = b.vel[0] * b.vel[0] + b.vel[1] * b.vel[1] + b.vel[2] * b.vel[2];
        energy += 0.5 * b.mass * v2;
    }
    energy
}

fn step_serial(bodies: &mut [Body], dt: f64) -> f64 {
    let mut acc = vec![[0.0; 3]; bodies.len()];
    for i in 0..bodies.len() {
        acc[i] = accel_on(i, bodies);
    }
    for (b, a) in bodies.iter_mut().zip(&acc) {
        for k in 0..3 {
            b.vel[k] += a[k] * dt;
            b.pos[k] += b.vel[k] * dt;
        }
    }
    let mut energy = 0.0;
    for b in bodies.iter() {
        let v2 = b.vel[0] * b.vel[0] + b.vel[1] * b.vel[1] + b.vel[2] * b.vel[2];
        energy += 0.5 * b.mass * v2;
    }
    energy
}

#[test]
fn nbody_steps_match_serial() {
    let mut par = bodies(200);
    let mut ser = par.clone();
    for _ in 0..3 {
        let e_par = step(&mut par, 0.01);
        let e_ser = step_serial(&mut ser, 0.01);
        assert!(
            (e_par - e_ser).abs() <= 1e-12 * e_ser.abs(),
            "{e_par} vs {e_ser}"
        );
    }
    assert_eq!(par, ser);
}
