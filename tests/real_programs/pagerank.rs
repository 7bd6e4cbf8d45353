//! PageRank by power iteration, pull style: each page's new rank is the damped sum of
//! its in-neighbours' ranks divided by their out-degrees.
//!
//! Change beyond the attribute: the serial iteration writes `next[v] = ..` (a write to
//! an outer Vec, rejected); the loop runs over `next.iter_mut().enumerate()`. Each
//! page's sum runs over its in-neighbours in the serial order, so the ranks are
//! identical.

use par_for::par_for;

use super::SplitMix;

struct Graph {
    incoming: Vec<Vec<usize>>,
    out_degree: Vec<usize>,
}

fn graph(n: usize) -> Graph {
    let mut rng = SplitMix::new(13);
    let mut incoming = vec![Vec::new(); n];
    let mut out_degree = vec![0; n];
    for u in 0..n {
        for _ in 0..1 + rng.below(6) {
            let v = rng.below(n as u64) as usize;
            incoming[v].push(u);
            out_degree[u] += 1;
        }
    }
    Graph {
        incoming,
        out_degree,
    }
}

#[par_for]
fn pagerank(g: &Graph, iterations: usize) -> Vec<f64> {
    let n = g.incoming.len();
    let d = 0.85;
    let mut rank = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..iterations {
        #[par_for]
        for (v, r) in next.iter_mut().enumerate() {
            let mut sum = 0.0;
            for &u in &g.incoming[v] {
                sum += rank[u] / g.out_degree[u] as f64;
            }
            *r = (1.0 - d) / n as f64 + d * sum;
        }
        std::mem::swap(&mut rank, &mut next);
    }
    rank
}

fn pagerank_serial(g: &Graph, iterations: usize) -> Vec<f64> {
    let n = g.incoming.len();
    let d = 0.85;
    let mut rank = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..iterations {
        for v in 0..n {
            let mut sum = 0.0;
            for &u in &g.incoming[v] {
                sum += rank[u] / g.out_degree[u] as f64;
            }
            next[v] = (1.0 - d) / n as f64 + d * sum;
        }
        std::mem::swap(&mut rank, &mut next);
    }
    rank
}

#[test]
fn pagerank_matches_serial() {
    let g = graph(2000);
    assert_eq!(pagerank(&g, 15), pagerank_serial(&g, 15));
}
