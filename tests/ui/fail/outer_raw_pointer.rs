use par_for::par_for;

#[par_for]
fn main() {
    let mut data = [0u32; 4];
    let first = data.as_mut_ptr();
    #[par_for]
    for i in 0..4 {
        unsafe { *first.add(i) = i as u32 };
    }
    println!("{data:?}");
}
