use par_for::par_for;

#[par_for]
fn first_negative(v: &[i32]) -> Option<usize> {
    #[par_for]
    for (i, x) in v.iter().enumerate() {
        if *x < 0 {
            return Some(i);
        }
    }
    None
}

#[par_for]
fn parse_all(words: &[&str]) -> Result<u32, std::num::ParseIntError> {
    let total = std::sync::atomic::AtomicU32::new(0);
    #[par_for]
    for w in words {
        let n: u32 = w.parse()?;
        total.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }
    Ok(total.into_inner())
}

#[par_for]
fn with_box_dyn_error(words: &[&str]) -> Result<(), Box<dyn std::error::Error>> {
    #[par_for]
    for w in words {
        if w.is_empty() {
            return Err("empty word".into());
        }
        let _n: i64 = w.parse()?;
    }
    Ok(())
}

#[par_for]
fn stop_at_zero(v: &[u32]) -> bool {
    #[par_for]
    for x in v {
        if *x == 0 {
            break;
        }
    }
    true
}

fn main() {
    assert_eq!(first_negative(&[1, 2, -3, 4, -5]), Some(2));
    assert_eq!(first_negative(&[1]), None);
    assert_eq!(parse_all(&["1", "2"]), Ok(3));
    assert!(parse_all(&["1", "x"]).is_err());
    assert!(with_box_dyn_error(&["1", ""]).is_err());
    assert!(with_box_dyn_error(&["1", "2"]).is_ok());
    assert!(stop_at_zero(&[1, 0, 2]));
}
