// A `return` value that reads an outer variable and binds the same name inside itself
// (a closure's parameter, a block's `let`, a match arm): the free uses are the outer
// variable, borrowed; the inner bindings are the value's own.
use par_for::par_for;

#[par_for]
fn widths(rows: &[usize]) -> Option<(Vec<usize>, usize)> {
    let header: Vec<String> = vec!["id".into(), "name".into()];
    #[par_for]
    for &r in rows {
        if r == 3 {
            return Some((
                header.iter().map(|header| header.len()).collect(),
                match header.last() {
                    Some(header) => {
                        let r = header.len();
                        r + 1
                    }
                    None => r,
                },
            ));
        }
    }
    None
}

fn main() {
    assert_eq!(widths(&[1, 2, 3, 4]), Some((vec![2, 4], 5)));
}
