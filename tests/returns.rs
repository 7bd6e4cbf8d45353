//! `return` and `?` in a parallel loop give the function the serial loop's value, even
//! when that value borrows what the function's arguments lend, reads variables declared
//! outside the loop, or has side effects: only the winning iteration's value is
//! computed, once, on the calling thread, after every iteration before it completed.

use std::num::ParseIntError;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

use par_for::par_for;

/// Later items finish first, so a wrong winner would show.
fn slow_first(i: usize, n: usize) {
    thread::sleep(Duration::from_micros(((n - i) * 200) as u64));
}

fn words() -> Vec<String> {
    ["a", "bb", "ccc", "dddd", "ee", "fffff", "gggg", "h"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

// The lifetimes as the issue wrote them: the value borrows the argument.
#[allow(clippy::needless_lifetimes)]
#[par_for]
fn first_long<'a>(words: &'a [String]) -> Option<&'a str> {
    #[par_for]
    for s in words {
        if s.len() > 3 {
            return Some(s.as_str());
        }
    }
    None
}

#[par_for]
fn first_long_len(words: &[String]) -> Option<usize> {
    #[par_for]
    for (i, s) in words.iter().enumerate() {
        slow_first(i, words.len());
        if s.len() > 3 {
            return Some(s.len() * 10 + i);
        }
    }
    None
}

#[allow(clippy::needless_lifetimes)]
#[par_for]
fn first_long_reducing<'a>(words: &'a [String]) -> (usize, Option<&'a str>) {
    let mut seen = 0;
    #[par_for(reduce(seen: +))]
    for s in words {
        seen += 1;
        if s.len() > 4 {
            return (0, Some(&s[1..]));
        }
    }
    (seen, None)
}

#[test]
fn a_return_value_may_borrow_the_functions_arguments() {
    let words = words();
    par_for::with_threads(4, || {
        assert_eq!(first_long(&words), Some("dddd"));
        assert_eq!(first_long_len(&words), Some(43));
        assert_eq!(first_long_reducing(&words), (0, Some("ffff")));
        assert_eq!(first_long(&words[..3]), None);
    });
}

#[derive(Debug, PartialEq)]
struct Bad<'a>(&'a str);

impl<'a> From<&'a str> for Bad<'a> {
    fn from(s: &'a str) -> Self {
        Bad(s)
    }
}

#[par_for]
fn first_bang<'a>(items: &[&'a str]) -> Result<usize, Bad<'a>> {
    let ok = AtomicUsize::new(0);
    #[par_for]
    for (i, item) in items.iter().enumerate() {
        slow_first(i, items.len());
        let checked: Result<&str, &'a str> = if item.starts_with('!') {
            Err(item)
        } else {
            Ok(item)
        };
        checked?;
        ok.fetch_add(1, SeqCst);
    }
    Ok(ok.into_inner())
}

#[test]
fn a_question_mark_error_may_borrow_the_functions_arguments() {
    let items = ["a", "b", "!c", "d", "!e", "!f"];
    let owned: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
    par_for::with_threads(4, || {
        assert_eq!(first_bang(&borrowed), Err(Bad("!c")));
        assert_eq!(first_bang(&borrowed[..2]), Ok(2));
    });
}

/// Every iteration with `i % 7 == 3` returns; the serial loop evaluates the return
/// expression once, in iteration 3, when the counter is still 0.
#[par_for]
fn count_on_return(n: usize) -> usize {
    let counter = AtomicUsize::new(0);
    #[par_for]
    for i in 0..n {
        slow_first(i, n);
        if i % 7 == 3 {
            return counter.fetch_add(1, SeqCst) * 1000 + i;
        }
    }
    usize::MAX
}

#[test]
fn only_the_winning_return_expression_is_evaluated() {
    par_for::with_threads(4, || {
        // Later iterations reach `return` first: had they computed their values, the
        // winner's would count them.
        for _ in 0..5 {
            assert_eq!(count_on_return(60), 3);
        }
    });
}

#[derive(Debug, PartialEq)]
struct Hit {
    label: String,
    limit: usize,
    index: usize,
}

/// The return value reads outer variables that are not `Copy`, inside a macro and in
/// struct shorthand, and calls an outer closure.
#[par_for]
fn describe(values: &[usize]) -> Option<Hit> {
    let names: Vec<String> = values.iter().map(|v| format!("v{v}")).collect();
    let prefix = String::from("hit ");
    let limit = 5;
    let shout = |s: &str| s.to_uppercase();
    #[par_for]
    for (i, v) in values.iter().enumerate() {
        slow_first(i, values.len());
        if *v > limit {
            return Some(Hit {
                label: shout(&format!("{}{}", prefix, names[i])),
                limit,
                index: i,
            });
        }
    }
    None
}

#[test]
fn a_return_value_may_read_outer_variables() {
    let values = [1, 2, 7, 3, 9, 8];
    let want = Some(Hit {
        label: "HIT V7".to_string(),
        limit: 5,
        index: 2,
    });
    assert_eq!(par_for::with_threads(4, || describe(&values)), want);
}

static CONVERSIONS: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, PartialEq)]
struct Counted(String);

impl From<ParseIntError> for Counted {
    fn from(e: ParseIntError) -> Self {
        CONVERSIONS.fetch_add(1, SeqCst);
        Counted(e.to_string())
    }
}

#[par_for]
fn parse_doubled(items: &[&str]) -> Result<Vec<i64>, Counted> {
    #[par_for]
    for (i, item) in items.iter().enumerate() {
        slow_first(i, items.len());
        if let Some(doubled) = item.strip_prefix('=') {
            return Ok(vec![doubled.parse::<i64>()? * 2]);
        }
        item.parse::<i64>()?;
    }
    Ok(Vec::new())
}

#[test]
fn a_question_mark_converts_only_the_winning_error() {
    let items = ["1", "2", "x", "=4", "y", "", "z"];
    let serial: Result<i64, ParseIntError> = "x".parse();
    par_for::with_threads(4, || {
        CONVERSIONS.store(0, SeqCst);
        assert_eq!(
            parse_doubled(&items),
            Err(Counted(serial.unwrap_err().to_string()))
        );
        assert_eq!(CONVERSIONS.load(SeqCst), 1);
        assert_eq!(parse_doubled(&["1", "=21", "q"]), Ok(vec![42]));
        CONVERSIONS.store(0, SeqCst);
        assert!(parse_doubled(&["1", "=z", "q"]).is_err());
        assert_eq!(CONVERSIONS.load(SeqCst), 1);
    });
}

/// Outer variables with raw names, and one a nested parallel loop reads from the
/// enclosing iteration (a `Copy` local of that iteration, gone when the value is
/// computed: it is copied).
#[par_for]
fn raw_and_nested(rows: usize) -> Option<String> {
    let r#type = String::from("cell");
    #[par_for]
    for r in 0..rows {
        let row_tag = r * 100;
        #[par_for]
        for c in 0..rows {
            if r * c == 6 {
                return Some(format!("{} {}", r#type, row_tag + c));
            }
        }
    }
    None
}

#[test]
fn return_values_read_raw_names_and_enclosing_iterations() {
    let serial = (0..8usize)
        .flat_map(|r| (0..8).map(move |c| (r, c)))
        .find(|(r, c)| r * c == 6)
        .map(|(r, c)| format!("cell {}", r * 100 + c));
    assert_eq!(serial.as_deref(), Some("cell 106"));
    assert_eq!(par_for::with_threads(4, || raw_and_nested(8)), serial);
}

/// The body reads an outer `header`, then shadows it with its own: the `return` moves
/// the body's, as serially, not the outer one.
#[par_for]
fn shadowed_header(n: u64) -> (Vec<u64>, u64) {
    let header = vec![100];
    #[par_for]
    for i in 0..n {
        let base = header.len() as u64;
        let header = vec![i, base];
        if i == 7 {
            return (header, i);
        }
    }
    (header, 0)
}

/// The same, where the value only reads the name (a clone): it reads the body's.
#[par_for]
fn shadowed_label(n: u64) -> Option<String> {
    let label = String::from("outer");
    #[par_for]
    for i in 0..n {
        let width = label.len();
        let label = format!("item {i} of width {width}");
        if i == 7 {
            return Some(label.clone());
        }
    }
    None
}

#[test]
fn a_return_moves_the_bodys_own_variable_where_it_shadows_an_outer_one() {
    assert_eq!(shadowed_header(20), (vec![7, 1], 7));
    assert_eq!(shadowed_header(3), (vec![100], 0));
    assert_eq!(shadowed_label(20).as_deref(), Some("item 7 of width 5"));
}

macro_rules! bind {
    ($name:ident, $value:expr) => {
        let $name = $value;
    };
}

/// A name the body binds through a macro of the user's is the body's too.
#[par_for]
fn bound_by_a_macro(k: u64, n: u64) -> u64 {
    #[par_for]
    for i in 0..n {
        bind!(k, i * 10);
        if i == 3 {
            return k;
        }
    }
    k
}

#[test]
fn a_return_reads_a_name_a_macro_of_the_users_binds_in_the_body() {
    assert_eq!(bound_by_a_macro(1, 50), 30);
    assert_eq!(bound_by_a_macro(1, 2), 1);
}

/// A return value that names an outer variable and binds the same name inside it (a
/// closure's parameter, a block's `let`, a match arm): the outer one is borrowed where
/// the value uses it freely, the inner one is the value's own.
#[par_for]
fn shadowed_inside_the_value(rows: &[usize]) -> Option<(Vec<usize>, usize, usize)> {
    let header: Vec<String> = vec!["id".into(), "name".into(), "score".into()];
    let width: Vec<usize> = vec![4, 10];
    #[par_for]
    for &r in rows {
        if r % 5 == 4 {
            return Some((
                header.iter().map(|header| header.len() + r).collect(),
                {
                    let total = width.iter().sum::<usize>();
                    let width = total * 2;
                    width + r
                },
                match header.first() {
                    Some(header) => header.len() + width.len(),
                    None => 0,
                },
            ));
        }
    }
    None
}

#[test]
fn a_return_value_may_shadow_an_outer_variable_it_reads() {
    let rows: Vec<usize> = (0..3000).collect();
    let serial = Some((vec![6, 8, 9], 32, 4));
    assert_eq!(
        par_for::with_threads(3, || shadowed_inside_the_value(&rows)),
        serial
    );
}
