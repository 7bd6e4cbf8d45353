use par_for::par_for;

#[par_for]
fn joined(words: &[&str]) -> String {
    let mut s = String::new();
    #[par_for(reduce(s: +))]
    for w in words {
        s += w;
    }
    s
}

fn main() {
    println!("{:?}", joined(&["a", "b"]));
}
