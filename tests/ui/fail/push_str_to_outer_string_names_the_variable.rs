use par_for::par_for;

#[par_for]
fn main() {
    let words = vec!["a".to_string(), "b".to_string()];
    let mut line = String::new();
    #[par_for]
    for w in &words {
        line.push_str(w);
    }
    println!("{line}");
}
