use par_for::par_for;

#[par_for]
fn main() {
    let mut state = Some(0u32);
    #[par_for]
    for x in 0..10u32 {
        match state {
            Some(ref mut seen) => *seen = x,
            None => {}
        }
    }
    println!("{state:?}");
}
