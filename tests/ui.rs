//! The rules, as compile-fail and pass cases: `tests/ui/fail/*.rs` must be rejected with
//! the message in the `.stderr` beside each, `tests/ui/pass/*.rs` must build and run.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
