// As serially, an error (E0515): reported at the loop, not at the function's attribute.
use par_for::par_for;

#[par_for]
fn find() -> Option<&'static String> {
    let v: Vec<String> = vec!["a".into(), "bb".into()];
    #[par_for]
    for s in v.iter() {
        if s.len() > 1 {
            return Some(s);
        }
    }
    None
}

fn main() {
    println!("{:?}", find());
}
