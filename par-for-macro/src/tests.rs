//! The macro never panics: whatever it is given, it answers with code or with spanned
//! errors. Random statement soups built from the pieces users write are fed to it.

use proc_macro2::TokenStream;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use crate::item;

const PIECES: &[&str] = &[
    "#[par_for]",
    "#[par_for(threads = 0)]",
    "#[par_for(stream)]",
    "#[par_for(reduce(t: +))]",
    "#[par_for(if = x, min_len = 2, window = 3, unordered, progress = \"p\")]",
    "#[par_for(bogus)]",
    "#[par_for(num_threads(4), chunksize = 8, ordered)]",
    "#[par_for(reduce(t: +, t: max), reduce(t: *))]",
    "#[par_for = 3]",
    "#[par_for(reduce(t))]",
    "#[par_for(reduce(t: -))]",
    "#[par_for(reduce(t: + = 0, u: merge = M::new(), v: += Z))]",
    "#[par_for(reduce(t: min =))]",
    "#[par_for(reduce(r#type: +, r#in: max))]",
    "#[cfg_attr(feature = \"p\", par_for(reduce(t: +)), allow(x))]",
    "#[cfg_attr(all(), par_for)]",
    "#[cfg_attr(par_for)]",
    "#[cfg(any())]",
    "{ r#type += x; r#in = r#in.max(x); }",
    "{ t = t.max(x); }",
    "{ t = f(t, x); t.push(x); *t.entry(x).or_default() += 1; }",
    "{ if t > 3 { println!(\"{t}\"); } }",
    "for",
    "x",
    "in",
    "0..10",
    "v.iter()",
    "v.iter_mut()",
    ".enumerate()",
    ".zip(w.iter())",
    ".chunks(2)",
    ".map(|x| x + 1)",
    ".filter(|x| true)",
    ".scan(0, |a, b| Some(1))",
    ".collect()",
    ".sum()",
    ".fold(0, f)",
    ".len()",
    "{ x }",
    "{ break; }",
    "{ t += 1; }",
    "(x, y)",
    "[1, 2]",
    "{ return 1; }",
    "{ return S { x }; }",
    "{ return format!(\"{}\", r#type); }",
    ".copied()",
    ".windows(2)",
    ".chunks_exact_mut(2)",
    ".zip(w.iter().map(|x| x).rev())",
    ".chain(w)",
    "let",
    "mut",
    "t",
    "=",
    "+=",
    ";",
    ",",
    "&mut",
    "ref mut",
    "break",
    "continue",
    "return",
    "?",
    "'a:",
    "break 'a",
    "continue 'b",
    "loop",
    "while",
    "match x { _ => {} }",
    "|y| y",
    "async",
    ".await",
    "yield",
    "unsafe",
    "static",
    "println!(\"{}\", x)",
    "fn g() {}",
    "impl",
    "struct S;",
    "*x",
    "x.f",
    "x[0]",
    "Some(ref mut z)",
    "if",
    "else",
    "true",
    "'a",
    "#",
    "!",
    "::",
    "self",
    "Self",
    "42",
    "\"s\"",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|pieces| pieces.join(" "))
}

fn expand(args: &str, item: &str) -> Option<TokenStream> {
    let args: TokenStream = args.parse().ok()?;
    let item: TokenStream = item.parse().ok()?;
    Some(item::expand(args, item))
}

#[test]
fn most_soups_are_real_token_streams() {
    // Otherwise the properties below would test the lexer, not the macro.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let lexed = (0..500)
        .filter(|_| {
            let body = soup().new_tree(&mut runner).expect("a soup").current();
            format!("fn f() {{ {body} }}")
                .parse::<TokenStream>()
                .is_ok()
        })
        .count();
    assert!(lexed > 400, "only {lexed} of 500 soups lexed");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_function_body_expands_without_panicking(body in soup()) {
        let _ = expand("", &format!("fn f(v: Vec<u32>) {{ {body} }}"));
    }

    #[test]
    fn any_marked_loop_expands_without_panicking(head in soup(), body in soup()) {
        let _ = expand("", &format!("fn f() {{ #[par_for] for {head} {{ {body} }} }}"));
    }

    #[test]
    fn any_item_and_arguments_expand_without_panicking(args in soup(), item in soup()) {
        let _ = expand(&args, &item);
    }
}

#[test]
fn unusual_but_valid_input_expands_to_code() {
    for item in [
        "fn f() { #[par_for] for _ in 0..1 {} }",
        "fn f<T: Sync>(v: &[T]) { #[par_for] for x in v { let _ = x; } }",
        "impl S { fn f(&self) { #[par_for] for x in self.v.iter() { g(x); } } }",
        "mod m { fn f() { let c = || { #[par_for] for i in 0..3 { h(i); } }; c(); } }",
        "fn f() { #[par_for] 'a: for i in 0..3 { if i > 1 { break 'a; } } }",
        "fn f() { #[par_for] for i in 0..3 { #[par_for] for j in 0..3 { k(i, j); } } }",
        "fn f() -> Vec<u32> { let mut v = Vec::new(); #[par_for(stream)] \
         for r in (0..9).map(g) { v.push(r); if r > 3 { return v; } } v }",
        "fn f() { 'a: for i in 0..3 { 'b: loop { #[par_for(stream)] 's: for r in (0..i).map(g) \
         { if r > 1 { continue 'a; } if r > 2 { break 'b r; } if r > 3 { break 's; } } } } }",
    ] {
        let out = expand("", item).expect("valid tokens");
        assert!(
            !out.to_string().contains("compile_error"),
            "{item} gave {out}"
        );
    }
}
