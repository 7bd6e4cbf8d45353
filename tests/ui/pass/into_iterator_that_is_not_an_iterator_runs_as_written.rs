// `for x in v` calls `IntoIterator::into_iter(v)`: a value that is `IntoIterator`
// without being an iterator (a user's `&Graph`, a generic `I: IntoIterator`) is a source
// as written, as serially.
use par_for::par_for;

struct Graph {
    nodes: Vec<u32>,
}

impl<'a> IntoIterator for &'a Graph {
    type Item = &'a u32;
    type IntoIter = std::slice::Iter<'a, u32>;
    fn into_iter(self) -> Self::IntoIter {
        self.nodes.iter()
    }
}

#[par_for]
fn total(graph: &Graph) -> u32 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for n in graph {
        total += n;
    }
    total
}

#[par_for]
fn sum_all<I>(items: I) -> u64
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Send,
{
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in items {
        total += x;
    }
    total
}

#[par_for]
fn first_big<I>(items: I) -> Option<u64>
where
    I: IntoIterator<Item = u64>,
    I::IntoIter: Send,
{
    #[par_for]
    let found = items.into_iter().find(|&x| x > 10);
    found
}

fn main() {
    let graph = Graph {
        nodes: (1..=100).collect(),
    };
    assert_eq!(total(&graph), 5050);
    assert_eq!(sum_all(vec![1, 2, 3]), 6);
    assert_eq!(sum_all(std::collections::BTreeSet::from([4, 5])), 9);
    assert_eq!(first_big([3, 12, 40]), Some(12));
}
