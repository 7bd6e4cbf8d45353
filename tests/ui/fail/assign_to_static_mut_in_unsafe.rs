use par_for::par_for;

static mut COUNTER: u32 = 0;

#[par_for]
fn main() {
    #[par_for]
    for _ in 0..10 {
        unsafe {
            COUNTER += 1;
        }
    }
}
