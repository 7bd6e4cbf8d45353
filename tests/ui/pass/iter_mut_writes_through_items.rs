use par_for::par_for;

#[par_for]
fn brighten(pixels: &mut Vec<f32>, gamma: f32) {
    #[par_for]
    for p in pixels.iter_mut() {
        *p = p.powf(gamma);
    }
    #[par_for]
    for p in &mut *pixels {
        *p += 1.0;
    }
    #[par_for]
    for row in pixels.chunks_mut(2) {
        row[0] = 0.0;
    }
}

fn main() {
    let mut pixels = vec![2.0f32; 6];
    brighten(&mut pixels, 2.0);
    assert_eq!(pixels, vec![0.0, 5.0, 0.0, 5.0, 0.0, 5.0]);
}
