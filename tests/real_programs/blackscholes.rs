//! PARSEC blackscholes: price each option (per element; identical results expected).
use super::SplitMix;
use par_for::par_for;

#[derive(Clone, Copy, Debug)]
struct Opt {
    s: f64,
    k: f64,
    r: f64,
    v: f64,
    t: f64,
    call: bool,
}

fn cndf(x: f64) -> f64 {
    // Abramowitz-Stegun approximation, as in PARSEC
    let neg = x < 0.0;
    let x = x.abs();
    let k = 1.0 / (1.0 + 0.2316419 * x);
    let poly = k
        * (0.319381530
            + k * (-0.356563782 + k * (1.781477937 + k * (-1.821255978 + k * 1.330274429))));
    let n = 1.0 - (-(x * x) / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly;
    if neg {
        1.0 - n
    } else {
        n
    }
}

fn price(o: &Opt) -> f64 {
    let d1 = ((o.s / o.k).ln() + (o.r + o.v * o.v / 2.0) * o.t) / (o.v * o.t.sqrt());
    let d2 = d1 - o.v * o.t.sqrt();
    if o.call {
        o.s * cndf(d1) - o.k * (-o.r * o.t).exp() * cndf(d2)
    } else {
        o.k * (-o.r * o.t).exp() * cndf(-d2) - o.s * cndf(-d1)
    }
}

#[par_for]
fn price_all(opts: &[Opt], prices: &mut Vec<f64>) -> Result<f64, String> {
    #[par_for]
    for (o, p) in opts.iter().zip(prices.iter_mut()) {
        *p = price(o);
    }
    #[par_for]
    for (i, p) in prices.iter().enumerate() {
        if !p.is_finite() {
            return Err(format!("option {i} has no price"));
        }
    }
    let mut total = 0.0;
    #[par_for(reduce(total: +))]
    for p in prices.iter() {
        total += p;
    }
    Ok(total)
}

fn price_all_serial(opts: &[Opt], prices: &mut Vec<f64>) -> Result<f64, String> {
    for (o, p) in opts.iter().zip(prices.iter_mut()) {
        *p = price(o);
    }
    for (i, p) in prices.iter().enumerate() {
        if !p.is_finite() {
            return Err(format!("option {i} has no price"));
        }
    }
    let mut total = 0.0;
    for p in prices.iter() {
        total += p;
    }
    Ok(total)
}

#[test]
fn blackscholes_matches_serial() {
    let mut r = SplitMix::new(21);
    let mut opts: Vec<Opt> = (0..10_000)
        .map(|i| Opt {
            s: 50.0 + 50.0 * r.next_f64(),
            k: 50.0 + 50.0 * r.next_f64(),
            r: 0.01 + 0.05 * r.next_f64(),
            v: 0.1 + 0.5 * r.next_f64(),
            t: 0.1 + 2.0 * r.next_f64(),
            call: i % 3 != 0,
        })
        .collect();
    let mut p1 = vec![0.0; opts.len()];
    let mut p2 = vec![0.0; opts.len()];
    let a = price_all(&opts, &mut p1).unwrap();
    let b = price_all_serial(&opts, &mut p2).unwrap();
    assert_eq!(p1, p2);
    assert!(super::close(a, b), "{a} vs {b}");
    // make two options unpriceable: the first in order must be reported
    opts[7777].v = f64::NAN;
    opts[4321].t = f64::NAN;
    assert_eq!(price_all(&opts, &mut p1), price_all_serial(&opts, &mut p2));
    assert_eq!(
        price_all(&opts, &mut p1),
        Err("option 4321 has no price".to_string())
    );
}
