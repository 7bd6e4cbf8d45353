//! The names a loop's body, or a value, binds itself: where a `return` value names one,
//! it means the body's own, not the variable of the same name outside.

use std::collections::HashSet;

use syn::ext::IdentExt;
use syn::visit::Visit;
use syn::Expr;

use super::binds_nothing;

/// The names a loop's pattern and body bind somewhere, outside closures and `return`
/// values: where a `return` names one, it may mean the body's own (`let header = ..;
/// return (header, i)` after reading an outer `header`), which stays the body's to
/// move, so that the value is never built from the outer variable instead. A closure's
/// bindings do not count: the body's own `return`s are outside closures, out of their
/// scope (so the closures an inner marked loop's expansion binds variables in do not
/// hide them); nor do a `return` value's own (a `match` arm's, a block's `let`), whose
/// scope is that value, where the value's rewriting tells them apart from the outer
/// variable's uses (`deferred`).
pub(crate) fn bound_in_body(pat: &syn::Pat, body: &syn::Block) -> HashSet<String> {
    struct OutsideClosures(Bindings);
    impl<'ast> Visit<'ast> for OutsideClosures {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.visit_pat_ident(pat);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            may_bind(mac, &mut self.0 .0);
        }
    }
    let mut bindings = OutsideClosures(Bindings(HashSet::new()));
    bindings.visit_pat(pat);
    bindings.visit_block(body);
    bindings.0 .0
}

/// Every name a function binds anywhere: its parameters (`self` included), and the
/// patterns of its body, closures' included (not nested items'). A name the body reads
/// that is not among them is no variable of the function's (an item: `drop`, `Some`,
/// a function, a constant), which no task captures. A user's macro may bind any name in
/// its tokens.
pub(crate) fn bound_in_fn(sig: &syn::Signature, body: &syn::Block) -> HashSet<String> {
    struct InFn(Bindings);
    impl<'ast> Visit<'ast> for InFn {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.visit_pat_ident(pat);
        }
        fn visit_receiver(&mut self, _: &'ast syn::Receiver) {
            self.0 .0.insert("self".to_string());
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            may_bind(mac, &mut self.0 .0);
        }
    }
    let mut bindings = InFn(Bindings(HashSet::new()));
    bindings.visit_signature(sig);
    bindings.visit_block(body);
    bindings.0 .0
}

/// Every name a pattern inside `expr` binds.
pub(crate) fn bound_names(expr: &Expr) -> HashSet<String> {
    let mut bindings = Bindings(HashSet::new());
    bindings.visit_expr(expr);
    bindings.0
}

/// A macro of the user's may bind a name it is given (`bind!(k, ..)` expanding to
/// `let k = ..;`), which only its expansion shows: every name in its tokens may be
/// bound. Std's macros bind none.
fn may_bind(mac: &syn::Macro, into: &mut HashSet<String>) {
    if !binds_nothing(mac) {
        collect_idents(mac.tokens.clone(), into);
    }
}

/// Every identifier among `tokens`, groups included.
fn collect_idents(tokens: proc_macro2::TokenStream, into: &mut HashSet<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                into.insert(ident.unraw().to_string());
            }
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), into),
            _ => {}
        }
    }
}

/// The names the patterns a walk visits bind (not inside nested items).
struct Bindings(HashSet<String>);

impl<'ast> Visit<'ast> for Bindings {
    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        self.0.insert(pat.ident.unraw().to_string());
        syn::visit::visit_pat_ident(self, pat);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
