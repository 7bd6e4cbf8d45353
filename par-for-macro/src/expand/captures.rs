//! The outer variables the closures of a streaming loop's source capture, for the
//! runtime to choose the source's engine by type.
//!
//! The runtime lets the pool's threads pull a source whose type is `Send`, asking at
//! the call site by autoref-based dispatch. The compiler cannot answer that for a
//! closure written in the same function (its captures are known only after the whole
//! function is checked), so such a source would be taken for `Send` and then fail to
//! compile if it is not. The macro therefore names what those closures capture; the
//! runtime's probe requires each to be `Send + Sync` before it lets threads pull.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::visit::Visit;
use syn::{Expr, ExprPath, Ident};

use crate::scope::{pattern_bindings, starts_upper, Rule, Scopes, Walker};

/// `Captures::new().and(&a).and(&b)` for the variables the closures of `source`
/// capture (or may: a name bound inside `source` but outside its closures is left out,
/// as the variable it names does not exist outside).
pub(crate) fn captures_witness(source: &Expr) -> TokenStream {
    let mut closures = Closures::default();
    closures.visit_expr(source);
    let mut witness = quote_spanned!(proc_macro2::Span::mixed_site()=>
        ::par_for::__private::Captures::new());
    let mut seen = HashSet::new();
    for closure in &closures.found {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        let mut walker = Walker::new(Free::default(), &inputs);
        walker.visit_expr(&closure.body);
        for name in walker.into_rule().names {
            let key = name.to_string();
            if closures.bound.contains(&key) || !seen.insert(key) {
                continue;
            }
            witness.extend(quote_spanned!(name.span()=> .and(&#name)));
        }
    }
    witness
}

/// The outermost closures of an expression, and every name a pattern binds in it.
#[derive(Default)]
struct Closures<'ast> {
    found: Vec<&'ast syn::ExprClosure>,
    bound: HashSet<String>,
}

impl<'ast> Visit<'ast> for Closures<'ast> {
    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.found.push(closure);
        // Walked for the names bound inside too.
        syn::visit::visit_expr_closure(self, closure);
    }

    fn visit_pat(&mut self, pat: &'ast syn::Pat) {
        self.bound
            .extend(pattern_bindings(pat, false).iter().map(Ident::to_string));
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The names of one identifier a closure's body uses and does not bind: its captured
/// variables, and functions, statics and constants of lowercase names (harmless).
#[derive(Default)]
struct Free {
    names: Vec<Ident>,
}

impl Rule for Free {
    fn free(&mut self, path: &ExprPath, _: &Scopes) {
        if let Some(ident) = path.path.get_ident() {
            if !starts_upper(ident) && ident != "self" {
                self.names.push(ident.clone());
            }
        }
    }
}
