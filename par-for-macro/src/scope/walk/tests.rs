//! What the walk calls a rule back for: free uses under every binding form, and the
//! values thrown away.

use quote::ToTokens;
use syn::parse::Parser;
use syn::visit::Visit;
use syn::{Block, Expr, ExprPath, Pat};

use super::{Rule, Scopes, Walker};

#[derive(Default)]
struct Record {
    free: Vec<String>,
    discarded: Vec<String>,
}

impl Rule for Record {
    fn free(&mut self, path: &ExprPath, _: &Scopes) {
        self.free.push(path.to_token_stream().to_string());
    }

    fn discarded(&mut self, expr: &Expr, _: &Scopes) {
        self.discarded.push(expr.to_token_stream().to_string());
    }
}

/// The walk of a loop body `body` (a block) whose pattern is `pat`.
fn loop_body(pat: &str, body: &str) -> Record {
    let pat = Pat::parse_single.parse_str(pat).expect("a pattern");
    let body: Block = syn::parse_str(body).expect("a block");
    let mut walker = Walker::new(Record::default(), &[&pat]);
    walker.visit_block(&body);
    walker.into_rule()
}

fn free(body: &str) -> Vec<String> {
    loop_body("item", body).free
}

#[test]
fn the_loop_pattern_is_bound() {
    assert_eq!(free("{ item + other; }"), ["other"]);
}

#[test]
fn a_let_binds_after_its_initializer_and_its_else_block() {
    assert_eq!(free("{ x; let x = x; x; }"), ["x", "x"]);
    assert_eq!(
        free("{ let Some(y) = y else { return z(y); }; y; }"),
        ["y", "z", "y"]
    );
}

#[test]
fn a_closure_binds_its_parameters_in_its_body_only() {
    assert_eq!(free("{ let f = |a, (b, _)| a + b + c; a; }"), ["c", "a"]);
    assert_eq!(free("{ |a| move |b| a + b + c; }"), ["c"]);
}

#[test]
fn a_match_arm_binds_for_its_guard_and_body_only() {
    assert_eq!(
        free("{ match v { Some(x) if x > limit => x, _ => x } }"),
        ["v", "limit", "x"]
    );
    // `N` in a pattern that can fail is a constant, not a binding.
    assert_eq!(free("{ match v { N => 1, Some(n) => n } }"), ["v"]);
}

#[test]
fn if_let_and_while_let_bind_in_their_condition_and_first_block_only() {
    assert_eq!(
        free("{ if let Some(c) = o && c > 1 { c; } else { c; } c; }"),
        ["o", "c", "c"]
    );
    assert_eq!(
        free("{ while let Some(c) = it.next() { c; } c; }"),
        ["it", "c"]
    );
}

#[test]
fn a_for_loop_binds_its_pattern_in_its_body_only() {
    assert_eq!(
        free("{ for (i, j) in pairs(i) { i + j + k; } j; }"),
        ["pairs", "i", "k", "j"]
    );
}

#[test]
fn a_block_ends_its_bindings_labelled_or_not() {
    assert_eq!(
        free("{ 'a: { let z = 1; break 'a; } { let w = 2; } z + w; }"),
        ["z", "w"]
    );
}

#[test]
fn nested_items_are_not_entered() {
    assert_eq!(
        free(
            "{ fn helper() { hidden; } const C: u8 = hidden; impl S { fn f() { hidden; } } seen; }"
        ),
        ["seen"]
    );
}

#[test]
fn a_path_of_more_than_one_segment_is_not_a_variable() {
    assert_eq!(
        free("{ std::f64::consts::PI; <T>::new; Self::X; x; }"),
        ["x"]
    );
}

#[test]
fn macro_arguments_are_walked_and_named_arguments_are_only_their_value() {
    assert_eq!(free("{ println!(\"{} {n}\", a, n = b); }"), ["a", "b"]);
    // Without a format string before it, `x = y` is an assignment.
    assert_eq!(free("{ m!(x = y); }"), ["x", "y"]);
    // Arguments that are not expressions are left to the rule.
    assert_eq!(free("{ vec![c; 3]; }"), Vec::<String>::new());
}

fn discarded(body: &str) -> Vec<String> {
    loop_body("item", body).discarded
}

#[test]
fn statements_and_the_tail_of_a_loop_body_are_thrown_away() {
    assert_eq!(
        discarded("{ a.f(); let _ = b.g(); let v = e.h(); c.i() }"),
        ["a . f ()", "b . g ()", "c . i ()"]
    );
}

#[test]
fn the_tail_of_a_value_is_used() {
    let body: Expr = syn::parse_str("{ a.f(); c.i() }").expect("a block");
    let mut walker = Walker::new(Record::default(), &[]);
    walker.visit_expr(&body);
    assert_eq!(walker.into_rule().discarded, ["a . f ()"]);
}

#[test]
fn branches_of_a_thrown_away_if_or_match_are_thrown_away() {
    let thrown = discarded("{ if p { a.f() } else if q { b.g() } match r { _ => (c.h()) }; let v = if p { d.i() } else { 0 }; }");
    for call in ["a . f ()", "b . g ()", "(c . h ())", "c . h ()"] {
        assert!(thrown.iter().any(|e| e == call), "{call} in {thrown:?}");
    }
    assert!(!thrown.iter().any(|e| e == "d . i ()"), "{thrown:?}");
}

#[test]
fn loop_bodies_are_thrown_away_and_closure_bodies_are_used() {
    let thrown = discarded(
        "{ loop { a.f() } while p { b.g() } for x in xs { c.h() } xs.iter().map(|x| { x.i() }); }",
    );
    for call in ["a . f ()", "b . g ()", "c . h ()"] {
        assert!(thrown.iter().any(|e| e == call), "{call} in {thrown:?}");
    }
    assert!(!thrown.iter().any(|e| e == "x . i ()"), "{thrown:?}");
}

#[test]
fn names_a_std_format_string_reads_inline_are_free_but_not_named_arguments() {
    assert_eq!(
        free(r#"{ println!("{tag}-{item} {n:>4} {{literal}}", n = width); }"#),
        ["width", "tag"]
    );
    let bound = free(r#"{ let tag = 1; let s = format!("{tag}"); }"#);
    assert!(bound.is_empty(), "{bound:?}");
    // Another macro's string is not known to be a format string.
    let other = free(r#"{ let v = vec!["{tag}"]; }"#);
    assert!(other.is_empty(), "{other:?}");
}
