//! A named argument of a format macro (`name = value`) is not an assignment: the loop
//! writes nothing, and a reduction variable named there by a local of the body is fine.
use std::fmt::Write;

use par_for::par_for;

#[par_for]
fn main() {
    let names = ["ada", "grace", "alan"];
    let mut total = 0usize;
    let mut log = String::new();
    #[par_for(reduce(total: +, log: concat))]
    for (i, name) in names.iter().enumerate() {
        println!("{who} is number {n}", who = name, n = i);
        let line = format!("{n}:{len}", n = i, len = name.len());
        total += line.len();
        writeln!(log, "{who}", who = name).unwrap();
    }
    assert_eq!(total, "0:3".len() + "1:5".len() + "2:4".len());
    assert_eq!(log, "ada\ngrace\nalan\n");
}

fn concat(a: String, b: String) -> String {
    a + &b
}
