//! Rosetta Code: Levenshtein distance for every pair of words; closest pair; spell-check.
use par_for::par_for;

fn lev(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for j in 0..b.len() {
            let cost = if ca == b[j] { 0 } else { 1 };
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[par_for]
fn all_pairs(
    words: &[&str],
) -> (
    Vec<(usize, usize, usize)>,
    usize,
    Option<(usize, usize, usize)>,
) {
    let pairs: Vec<(usize, usize)> = (0..words.len())
        .flat_map(|i| (i + 1..words.len()).map(move |j| (i, j)))
        .collect();
    #[par_for]
    let dists: Vec<(usize, usize, usize)> = pairs
        .iter()
        .map(|&(i, j)| (i, j, lev(words[i], words[j])))
        .collect();
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for &(i, j) in &pairs {
        total += lev(words[i], words[j]);
    }
    #[par_for]
    let closest = dists.iter().copied().min_by_key(|&(_, _, d)| d);
    (dists, total, closest)
}

fn all_pairs_serial(
    words: &[&str],
) -> (
    Vec<(usize, usize, usize)>,
    usize,
    Option<(usize, usize, usize)>,
) {
    let pairs: Vec<(usize, usize)> = (0..words.len())
        .flat_map(|i| (i + 1..words.len()).map(move |j| (i, j)))
        .collect();
    let dists: Vec<(usize, usize, usize)> = pairs
        .iter()
        .map(|&(i, j)| (i, j, lev(words[i], words[j])))
        .collect();
    let mut total = 0;
    for &(i, j) in &pairs {
        total += lev(words[i], words[j]);
    }
    let closest = dists.iter().copied().min_by_key(|&(_, _, d)| d);
    (dists, total, closest)
}

/// Spell check: the first dictionary word at distance <= 1 of `w`, returned borrowed.
#[par_for]
fn suggest<'a>(dict: &'a [String], w: &str) -> Option<&'a str> {
    #[par_for]
    for cand in dict {
        if lev(cand, w) <= 1 {
            return Some(cand.as_str());
        }
    }
    None
}

fn suggest_serial<'a>(dict: &'a [String], w: &str) -> Option<&'a str> {
    for cand in dict {
        if lev(cand, w) <= 1 {
            return Some(cand.as_str());
        }
    }
    None
}

/// Pair-up with a flat_map in a pipeline (nested loop as pipeline).
#[par_for]
fn near_pairs(words: &[&str]) -> Vec<(usize, usize)> {
    #[par_for]
    let v: Vec<(usize, usize)> = (0..words.len())
        .flat_map(|i| (i + 1..words.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| lev(words[i], words[j]) <= 2)
        .collect();
    v
}

fn near_pairs_serial(words: &[&str]) -> Vec<(usize, usize)> {
    let v: Vec<(usize, usize)> = (0..words.len())
        .flat_map(|i| (i + 1..words.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| lev(words[i], words[j]) <= 2)
        .collect();
    v
}

#[test]
fn levenshtein_matches_serial() {
    let words = [
        "kitten",
        "sitting",
        "saturday",
        "sunday",
        "rosettacode",
        "raisethysword",
        "sit",
        "kit",
        "mitten",
        "smitten",
        "sunny",
        "saturn",
        "bitten",
        "button",
        "rust",
        "trust",
        "crust",
        "bust",
    ];
    assert_eq!(all_pairs(&words), all_pairs_serial(&words));
    let dict: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    for w in ["kiten", "sundy", "zzzz", "rusts", "bust"] {
        assert_eq!(suggest(&dict, w), suggest_serial(&dict, w), "{w}");
    }
    assert_eq!(near_pairs(&words), near_pairs_serial(&words));
}
