//! Benchmarks Game k-nucleotide: k-mer frequencies with windows(k), into HashMap and BTreeMap.
use super::SplitMix;
use par_for::par_for;
use std::collections::{BTreeMap, HashMap};

fn merge_h<'a>(
    mut a: HashMap<&'a [u8], usize>,
    b: HashMap<&'a [u8], usize>,
) -> HashMap<&'a [u8], usize> {
    for (k, v) in b {
        *a.entry(k).or_insert(0) += v;
    }
    a
}

fn merge_b(mut a: BTreeMap<String, usize>, b: BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    for (k, v) in b {
        *a.entry(k).or_insert(0) += v;
    }
    a
}

#[par_for]
fn count_kmers(seq: &[u8], k: usize) -> HashMap<&[u8], usize> {
    let mut counts = HashMap::new();
    #[par_for(reduce(counts: merge_h))]
    for w in seq.windows(k) {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

fn count_kmers_serial(seq: &[u8], k: usize) -> HashMap<&[u8], usize> {
    let mut counts = HashMap::new();
    for w in seq.windows(k) {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

#[par_for]
fn count_kmers_b(seq: &[u8], k: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    #[par_for(reduce(counts: merge_b))]
    for w in seq.windows(k).step_by(3) {
        let key = String::from_utf8(w.to_vec()).unwrap();
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

fn count_kmers_b_serial(seq: &[u8], k: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for w in seq.windows(k).step_by(3) {
        let key = String::from_utf8(w.to_vec()).unwrap();
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// The frequency table sorted by count desc then key, as the benchmark prints it.
#[par_for]
fn frequency_lines(counts: &HashMap<&[u8], usize>, total: usize) -> String {
    let mut entries: Vec<(&&[u8], &usize)> = counts.iter().collect();
    entries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    #[par_for]
    let out: String = entries
        .iter()
        .map(|(k, v)| {
            format!(
                "{} {:.3}\n",
                String::from_utf8_lossy(k),
                100.0 * **v as f64 / total as f64
            )
        })
        .collect();
    out
}

#[test]
fn knucleotide_matches_serial() {
    let mut r = SplitMix::new(5);
    let seq: Vec<u8> = (0..20_000).map(|_| b"ACGT"[r.below(4) as usize]).collect();
    for k in [1, 2, 3, 4, 6, 12, 18] {
        let p = count_kmers(&seq, k);
        let s = count_kmers_serial(&seq, k);
        assert_eq!(p, s, "k = {k}");
        assert_eq!(count_kmers_b(&seq, k), count_kmers_b_serial(&seq, k));
    }
    let c = count_kmers_serial(&seq, 2);
    let mut entries: Vec<(&&[u8], &usize)> = c.iter().collect();
    entries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let serial: String = entries
        .iter()
        .map(|(k, v)| {
            format!(
                "{} {:.3}\n",
                String::from_utf8_lossy(k),
                100.0 * **v as f64 / 19_999.0
            )
        })
        .collect();
    assert_eq!(frequency_lines(&c, 19_999), serial);
}
