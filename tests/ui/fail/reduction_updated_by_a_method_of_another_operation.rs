use par_for::par_for;

// `s += x` would not saturate: the help names the function reduction instead.
#[par_for]
fn saturating_total(v: &[u8]) -> u8 {
    let mut s = 0u8;
    #[par_for(reduce(s: +))]
    for x in v {
        s = s.saturating_add(*x);
    }
    s
}

// The classic word count, written with `get_mut`: the help names `entry`.
#[par_for]
fn word_count(words: &[&str]) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    #[par_for(reduce(counts: merge))]
    for w in words {
        if let Some(c) = counts.get_mut(*w) {
            *c += 1;
        } else {
            counts.insert(w.to_string(), 1);
        }
    }
    counts
}

fn merge(
    mut a: std::collections::HashMap<String, usize>,
    b: std::collections::HashMap<String, usize>,
) -> std::collections::HashMap<String, usize> {
    for (k, n) in b {
        *a.entry(k).or_insert(0) += n;
    }
    a
}

fn main() {
    println!("{}", saturating_total(&[200, 100]));
    println!("{:?}", word_count(&["a", "b", "a"]));
}
