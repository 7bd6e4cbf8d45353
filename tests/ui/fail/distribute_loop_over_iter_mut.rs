use par_for::par_for;

#[par_for]
fn main() {
    let mut pixels = vec![0.5f32; 64];
    #[par_for(distribute)]
    for p in pixels.iter_mut() {
        *p *= 2.0;
    }
    println!("{pixels:?}");
}
