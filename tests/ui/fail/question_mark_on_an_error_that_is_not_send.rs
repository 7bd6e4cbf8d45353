use std::error::Error;

use par_for::par_for;

fn parse_line(line: &str) -> Result<(String, u32), Box<dyn Error>> {
    let (k, v) = line.split_once('=').ok_or("missing =")?;
    Ok((k.trim().to_string(), v.trim().parse()?))
}

// `Box<dyn Error>` is not `Send`: the error of a failing iteration cannot go from the
// pool's thread to the caller. The fix: `Box<dyn Error + Send + Sync>` in both types.
#[par_for]
fn check_config(lines: &[&str]) -> Result<u64, Box<dyn Error>> {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for line in lines {
        let (_k, v) = parse_line(line)?;
        total += v as u64;
    }
    Ok(total)
}

#[par_for]
fn check_all(lines: &[&str]) -> Result<(), Box<dyn Error>> {
    #[par_for]
    for line in lines {
        parse_line(line)?;
    }
    Ok(())
}

fn main() {
    println!("{:?}", check_config(&["a = 1", "b = 2"]).unwrap());
}
