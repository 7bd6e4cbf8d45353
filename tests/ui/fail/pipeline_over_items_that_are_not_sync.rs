// A pipeline over a slice of items that are not `Sync` cannot share them out: reported
// at the source, once, with what to write instead.
use par_for::par_for;

#[par_for]
fn show_all<T: std::fmt::Debug>(items: &[T]) -> Vec<String> {
    #[par_for]
    let shown: Vec<String> = items.iter().map(|x| format!("{x:?}")).collect();
    shown
}

fn main() {
    println!("{:?}", show_all(&[1, 2]));
}
