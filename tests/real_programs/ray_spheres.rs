//! A tiny ray tracer: one ray per pixel from a pinhole camera against a few spheres,
//! Lambert shading from one light, written as 8-bit grey levels.
//!
//! Change beyond the attribute: `pixels[y * w + x] = shade` in the serial loop writes an
//! outer Vec (rejected); the rows are `pixels.chunks_mut(w).enumerate()`. Every pixel is
//! computed by the serial arithmetic, so the image is identical.

use par_for::par_for;

struct Sphere {
    centre: [f64; 3],
    radius: f64,
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn normalise(a: [f64; 3]) -> [f64; 3] {
    let l = dot(a, a).sqrt();
    [a[0] / l, a[1] / l, a[2] / l]
}

/// The distance along `dir` (a unit vector from the origin) to the sphere, if hit.
fn hit(s: &Sphere, dir: [f64; 3]) -> Option<f64> {
    let b = dot(dir, s.centre);
    let c = dot(s.centre, s.centre) - s.radius * s.radius;
    let disc = b * b - c;
    (disc >= 0.0).then(|| b - disc.sqrt()).filter(|&t| t > 0.0)
}

fn shade(scene: &[Sphere], dir: [f64; 3], light: [f64; 3]) -> u8 {
    let mut nearest: Option<(f64, &Sphere)> = None;
    for s in scene {
        if let Some(t) = hit(s, dir) {
            if nearest.is_none_or(|(best, _)| t < best) {
                nearest = Some((t, s));
            }
        }
    }
    let Some((t, s)) = nearest else { return 20 };
    let p = [dir[0] * t, dir[1] * t, dir[2] * t];
    let normal = normalise([p[0] - s.centre[0], p[1] - s.centre[1], p[2] - s.centre[2]]);
    let lambert = dot(normal, light).max(0.0);
    (40.0 + 215.0 * lambert) as u8
}

fn ray(x: usize, y: usize, w: usize, h: usize) -> [f64; 3] {
    let u = (x as f64 + 0.5) / w as f64 * 2.0 - 1.0;
    let v = 1.0 - (y as f64 + 0.5) / h as f64 * 2.0;
    normalise([u * w as f64 / h as f64, v, 1.5])
}

fn scene() -> Vec<Sphere> {
    vec![
        Sphere {
            centre: [0.0, 0.0, 5.0],
            radius: 1.0,
        },
        Sphere {
            centre: [1.5, 0.5, 6.0],
            radius: 0.8,
        },
        Sphere {
            centre: [-1.2, -0.6, 4.0],
            radius: 0.5,
        },
        Sphere {
            centre: [0.0, -101.0, 5.0],
            radius: 100.0,
        },
    ]
}

#[par_for]
fn render(w: usize, h: usize) -> Vec<u8> {
    let scene = scene();
    let light = normalise([-1.0, 1.0, -1.0]);
    let mut pixels = vec![0u8; w * h];
    #[par_for]
    for (y, row) in pixels.chunks_mut(w).enumerate() {
        for x in 0..w {
            row[x] = shade(&scene, ray(x, y, w, h), light);
        }
    }
    pixels
}

fn render_serial(w: usize, h: usize) -> Vec<u8> {
    let scene = scene();
    let light = normalise([-1.0, 1.0, -1.0]);
    let mut pixels = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            pixels[y * w + x] = shade(&scene, ray(x, y, w, h), light);
        }
    }
    pixels
}

#[test]
fn ray_tracing_matches_serial() {
    let image = render(80, 60);
    assert_eq!(image, render_serial(80, 60));
    assert!(image.iter().any(|&p| p > 100), "the spheres are lit");
}
