use par_for::par_for;

#[par_for]
fn main() {
    #[par_for(threads)]
    for i in 0..10 {
        println!("{i}");
    }
    // The `=` written, the value left out: at the `=`, not at the function's attribute.
    #[par_for(if = )]
    for i in 0..10 {
        println!("{i}");
    }
    #[par_for(min_len =, threads = 2)]
    for i in 0..10 {
        println!("{i}");
    }
}
