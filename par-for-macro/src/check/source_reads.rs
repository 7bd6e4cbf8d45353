//! A streaming loop's source that reads what its body may change.
//!
//! A stream pulls its source ahead of its body (up to `window` items), so a source
//! that depends on the body (a work queue the body refills, a flag the body sets to
//! stop it) would see each change late or never, where the serial loop sees it at
//! the next item: a silent difference. The body can change an outer variable that the
//! source still reads only through a shared reference, so only by interior
//! mutability; the expansion asks each variable that both use to be `Sync`, which
//! `Cell` and `RefCell`, the ways of a single thread, are not. `window = 1`, which
//! pulls each item only after the body has run for the one before, lifts the check.

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, ExprForLoop, ExprPath, Ident};

use crate::scope::{starts_upper, Rule, Scopes, Walker};

/// The outer variables (and `self`) that both the source, up to the task, and the body
/// use, each at its first use in the body.
pub(crate) fn read_by_source_and_body(source: &Expr, for_loop: &ExprForLoop) -> Vec<Ident> {
    let mut in_source = Walker::new(Names::default(), &[]);
    in_source.visit_expr(source);
    let in_source: HashSet<String> = in_source
        .into_rule()
        .0
        .iter()
        .map(Ident::to_string)
        .collect();
    let mut in_body = Walker::new(Names::default(), &[&for_loop.pat]);
    in_body.visit_block(&for_loop.body);
    let mut seen = HashSet::new();
    in_body
        .into_rule()
        .0
        .into_iter()
        .filter(|name| {
            let name = name.to_string();
            in_source.contains(&name) && seen.insert(name)
        })
        .collect()
}

/// Whether the loop's `window` option is the literal `1`.
pub(crate) fn window_of_one(window: Option<&Expr>) -> bool {
    matches!(
        window,
        Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(one), .. })) if one.base10_digits() == "1"
    )
}

/// The free names of one identifier: variables, `self`, and functions and constants
/// of lowercase names (which are `Sync`, so their check passes).
#[derive(Default)]
struct Names(Vec<Ident>);

impl Rule for Names {
    fn free(&mut self, path: &ExprPath, _: &Scopes) {
        if let Some(ident) = path.path.get_ident() {
            if !starts_upper(ident) {
                self.0.push(ident.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(stream: ExprForLoop) -> Vec<String> {
        let ExprForLoop { expr, .. } = &stream;
        read_by_source_and_body(expr, &stream)
            .iter()
            .map(Ident::to_string)
            .collect()
    }

    #[test]
    fn a_variable_the_source_and_the_body_both_use_is_found_once_at_the_body() {
        let stream: ExprForLoop = syn::parse_quote! {
            for x in std::iter::from_fn(|| queue.borrow_mut().pop()).map(|x| x + 1) {
                out.push(x);
                queue.borrow_mut().push(x);
                queue.borrow_mut().push(x);
            }
        };
        assert_eq!(shared(stream), ["queue"]);
    }

    #[test]
    fn names_bound_in_the_source_or_the_body_are_not_outer_variables() {
        let stream: ExprForLoop = syn::parse_quote! {
            for x in items.iter().map(|item| item * 2) {
                let item = x;
                total += item;
            }
        };
        assert!(shared(stream).is_empty());
        let stream: ExprForLoop = syn::parse_quote! {
            for r in rows.iter().map(|r| r.len()) {
                println!("{} of {}", r, rows.len());
                if self.stop.get() { break; }
            }
        };
        assert_eq!(shared(stream), ["rows"]);
    }

    #[test]
    fn only_a_literal_window_of_one_lifts_the_check() {
        assert!(window_of_one(Some(&syn::parse_quote!(1))));
        assert!(!window_of_one(Some(&syn::parse_quote!(2))));
        assert!(!window_of_one(Some(&syn::parse_quote!(w))));
        assert!(!window_of_one(None));
    }
}
