//! `distribute` on every consumer and on a loop with reductions, `break`, `return`
//! and `?`. Run plainly (a world of one), it gives the serial results; reading outer
//! data, calling methods whose values are used, and printing are all allowed.
use std::collections::HashMap;

use par_for::par_for;

#[par_for]
fn pipelines(data: &[u64], names: &HashMap<u64, &str>) {
    #[par_for(distribute)]
    let squares: Vec<u64> = data.iter().map(|x| x * x).collect();
    assert_eq!(squares, data.iter().map(|x| x * x).collect::<Vec<_>>());
    #[par_for(distribute, schedule = cyclic)]
    let named: Vec<String> = data.iter().filter_map(|x| names.get(x).map(|n| n.to_string())).collect();
    assert_eq!(named, ["one", "three"]);
    #[par_for(distribute, schedule = chunks(2), threads = 2, min_len = 1)]
    let total: u64 = data.iter().sum();
    assert_eq!(total, 10);
    #[par_for(distribute, if = data.len() > 1)]
    let evens = data.iter().filter(|&&x| x % 2 == 0).count();
    assert_eq!(evens, 2);
    #[par_for(distribute)]
    let first_big = data.iter().copied().enumerate().find(|(_, x)| *x > 2);
    assert_eq!(first_big, Some((2, 3)));
    #[par_for(distribute)]
    let where_three = data.iter().position(|&x| x == 3);
    assert_eq!(where_three, Some(2));
    #[par_for(distribute)]
    let longest = data.iter().copied().max_by_key(|x| x % 3);
    assert_eq!(longest, Some(2));
    #[par_for(distribute)]
    let product = data.iter().copied().reduce(|a, b| a * b);
    assert_eq!(product, Some(24));
    #[par_for(distribute)]
    let parsed: Result<Vec<u64>, String> = ["1", "x"].iter().map(|s| s.parse::<u64>().map_err(|e| e.to_string())).collect();
    assert!(parsed.is_err());
}

#[par_for]
fn loops(data: &[u64]) -> Result<u64, String> {
    let mut total = 0u64;
    let mut largest = 0u64;
    #[par_for(distribute, reduce(total: +, largest: max))]
    for (i, &x) in data.iter().enumerate() {
        if x > 100 {
            break;
        }
        if x == 99 {
            return Err(format!("99 at {i}"));
        }
        let checked: u64 = x.to_string().parse().map_err(|_| "unparsable".to_string())?;
        println!("item {i}: {checked}");
        total += checked;
        largest = largest.max(checked);
    }
    Ok(total + largest)
}

fn main() {
    let _mpi = par_for::mpi::init();
    let names = HashMap::from([(1, "one"), (3, "three")]);
    pipelines(&[1, 2, 3, 4], &names);
    assert_eq!(loops(&[1, 2, 3, 4]), Ok(14));
    assert_eq!(loops(&[1, 99, 200]), Err("99 at 1".to_string()));
    if par_for::mpi::is_root() {
        println!("{} of {}", par_for::mpi::rank(), par_for::mpi::size());
    }
}
