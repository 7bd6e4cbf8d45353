use par_for::par_for;

#[par_for]
struct Pixel {
    r: u8,
}

fn main() {}
