use par_for::par_for;

#[par_for]
fn main() {
    let lines = vec!["1", "x", "3"];
    #[par_for(stream)]
    for n in lines.iter().filter_map(|s| s.parse::<u64>().ok()) {
        println!("{n}");
    }
}
