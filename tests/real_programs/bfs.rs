//! Breadth-first search, level by level (as in Graph500): the next frontier is every
//! unvisited neighbour of the current one.
//!
//! Change beyond the attribute: the serial expansion both sets `dist[v]` and pushes `v`
//! onto `next` from every iteration; marked, both are writes to outer variables
//! (rejected), and a vertex reached from two frontier vertices is a real race. The
//! parallel program splits the level in two: a comprehension collects, in order, every
//! neighbour not yet visited (reading `dist` only), then a serial pass keeps each
//! vertex's first occurrence and sets its distance. The frontiers and distances are
//! those of the serial search, in the same order.

use par_for::par_for;

use super::SplitMix;

const UNSEEN: usize = usize::MAX;

fn graph(n: usize) -> Vec<Vec<usize>> {
    let mut rng = SplitMix::new(17);
    let mut adj = vec![Vec::new(); n];
    for u in 0..n {
        for _ in 0..rng.below(4) {
            let v = rng.below(n as u64) as usize;
            adj[u].push(v);
            adj[v].push(u);
        }
    }
    adj
}

#[par_for]
fn bfs(adj: &[Vec<usize>], source: usize) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut dist = vec![UNSEEN; adj.len()];
    dist[source] = 0;
    let mut frontier = vec![source];
    let mut levels = Vec::new();
    let mut level = 0;
    while !frontier.is_empty() {
        #[par_for]
        let found: Vec<usize> = frontier
            .iter()
            .flat_map(|&u| adj[u].iter().copied())
            .filter(|&v| dist[v] == UNSEEN)
            .collect();
        let mut next = Vec::new();
        for v in found {
            if dist[v] == UNSEEN {
                dist[v] = level + 1;
                next.push(v);
            }
        }
        levels.push(std::mem::replace(&mut frontier, next));
        level += 1;
    }
    (dist, levels)
}

fn bfs_serial(adj: &[Vec<usize>], source: usize) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut dist = vec![UNSEEN; adj.len()];
    dist[source] = 0;
    let mut frontier = vec![source];
    let mut levels = Vec::new();
    let mut level = 0;
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for &u in &frontier {
            for &v in &adj[u] {
                if dist[v] == UNSEEN {
                    dist[v] = level + 1;
                    next.push(v);
                }
            }
        }
        levels.push(std::mem::replace(&mut frontier, next));
        level += 1;
    }
    (dist, levels)
}

#[test]
fn bfs_matches_serial() {
    let adj = graph(3000);
    let (dist, levels) = bfs(&adj, 0);
    assert_eq!((dist.clone(), levels), bfs_serial(&adj, 0));
    assert!(dist.iter().filter(|&&d| d != UNSEEN).count() > 100);
}
