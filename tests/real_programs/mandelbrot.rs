//! The Mandelbrot set: escape iterations per pixel, row by row.
//!
//! Change beyond the attribute: the serial program writes `image[y * width + x] = n`;
//! marked, every row would write the shared image (rejected), so the row loop runs over
//! `image.chunks_mut(width).enumerate()`, and each iteration fills its own row.

use par_for::par_for;

fn escape(cx: f64, cy: f64, limit: u32) -> u32 {
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let mut n = 0;
    while n < limit && x * x + y * y <= 4.0 {
        let t = x * x - y * y + cx;
        y = 2.0 * x * y + cy;
        x = t;
        n += 1;
    }
    n
}

fn point(x: usize, y: usize, width: usize, height: usize) -> (f64, f64) {
    (
        -2.0 + 3.0 * x as f64 / width as f64,
        -1.2 + 2.4 * y as f64 / height as f64,
    )
}

#[par_for]
fn render(width: usize, height: usize, limit: u32) -> Vec<u32> {
    let mut image = vec![0; width * height];
    #[par_for]
    for (y, row) in image.chunks_mut(width).enumerate() {
        for x in 0..width {
            let (cx, cy) = point(x, y, width, height);
            row[x] = escape(cx, cy, limit);
        }
    }
    image
}

fn render_serial(width: usize, height: usize, limit: u32) -> Vec<u32> {
    let mut image = vec![0; width * height];
    for y in 0..height {
        for x in 0..width {
            let (cx, cy) = point(x, y, width, height);
            image[y * width + x] = escape(cx, cy, limit);
        }
    }
    image
}

#[test]
fn mandelbrot_matches_serial() {
    assert_eq!(render(96, 64, 200), render_serial(96, 64, 200));
}
