//! The rule of `distribute`: a distributed body may have no effect that the serial
//! program would see after the loop, other than its reductions, because each item runs
//! on one MPI rank only and every rank has its own copy of every variable.
//!
//! Checked by syntax, without a list of method names:
//! - the source may not lend the items for writing (`&mut`, a method ending in `_mut`:
//!   `iter_mut`, `chunks_mut`, `values_mut`);
//! - a value that is thrown away (`EXPR;`, `let _ = EXPR;`, the last expression of a
//!   loop body, a branch of an `if` or `match` whose value is thrown away: see
//!   `scope::walk`) may not be a method call on a variable declared outside the body
//!   (`counter.fetch_add(1, ..);`, `log.lock().unwrap().push(x);`, `tx.send(x)?;`):
//!   called only for what it does, it acts on that variable;
//! - no assignment through a method call on an outer variable (`*m.lock().unwrap() += x`).
//!
//! Reads stay free: `data.len()`, `table.get(&k)`, `f(&data)` whose values are used.
//! An effect hidden in a used value (`if seen.insert(x)` through a lock) is not seen.

use std::collections::HashSet;

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Ident, Pat};

use crate::error::Errors;
use crate::scope::{compound_assign, Rule, Scopes, Walker};

/// Rejects a source that lends its items for writing.
pub(crate) fn check_source(source: &Expr, errors: &mut Errors) {
    struct Lends<'a> {
        errors: &'a mut Errors,
    }
    impl<'ast> Visit<'ast> for Lends<'_> {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method.to_string().ends_with("_mut") {
                let what = format!("`{}()`", call.method);
                self.errors
                    .push(lends_error(call.method.span(), &what, &call.receiver));
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_reference(&mut self, reference: &'ast syn::ExprReference) {
            if reference.mutability.is_some() {
                self.errors
                    .push(lends_error(reference.span(), "`&mut`", &reference.expr));
            }
            syn::visit::visit_expr_reference(self, reference);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    Lends { errors }.visit_expr(source);
}

fn lends_error(span: Span, what: &str, lent: &Expr) -> syn::Error {
    let lent = shown(lent);
    syn::Error::new(
        span,
        format!(
            "{what} lends each iteration part of `{lent}` to write, but a `distribute` loop runs \
             each item on one MPI rank only: the writes would stay on that rank and `{lent}` \
             would differ between the ranks\nhelp: compute the new values with a `distribute` \
             pipeline (`let new: Vec<_> = ...collect();`) and write them after it, or drop \
             `distribute` to run this loop on this machine only"
        ),
    )
}

/// Rejects the effects of a distributed task body on outer variables. `bound` are the
/// names the task binds (loop pattern, closure parameters); `reductions` may be updated.
pub(crate) fn check_body(
    bound: &[&Pat],
    body: &dyn Fn(&mut Effects),
    reductions: &HashSet<String>,
    errors: &mut Errors,
) {
    let acts = Acts { reductions, errors };
    body(&mut Walker::new(acts, bound));
}

/// The walk of a distributed task body for its effects on outer variables.
pub(crate) type Effects<'a> = Walker<Acts<'a>>;

/// The rule of effects on outer variables.
pub(crate) struct Acts<'a> {
    reductions: &'a HashSet<String>,
    errors: &'a mut Errors,
}

impl Acts<'_> {
    /// The outer variable at the root of a method-call chain: `m` in
    /// `m.lock().unwrap().push(x)?`, `self` in `self.hits.fetch_add(1, ..)`.
    fn acted_on<'e>(&self, expr: &'e Expr, scopes: &Scopes) -> Option<(&'e Ident, &'e Ident)> {
        let mut method = None;
        let mut expr = expr;
        loop {
            expr = match expr {
                Expr::MethodCall(call) => {
                    method = Some(&call.method);
                    &call.receiver
                }
                Expr::Try(e) => &e.expr,
                Expr::Field(e) => &e.base,
                Expr::Index(e) => &e.expr,
                Expr::Paren(e) => &e.expr,
                Expr::Group(e) => &e.expr,
                Expr::Reference(e) => &e.expr,
                Expr::Unary(e) if matches!(e.op, syn::UnOp::Deref(_)) => &e.expr,
                Expr::Path(path) if path.qself.is_none() => {
                    let root = path.path.get_ident()?;
                    let outer =
                        !scopes.is_bound(root) && !self.reductions.contains(&root.to_string());
                    return if outer {
                        method.map(|m| (root, m))
                    } else {
                        None
                    };
                }
                _ => return None,
            };
        }
    }

    fn effect(&self, expr: &Expr, scopes: &Scopes) -> Option<syn::Error> {
        let (root, method) = self.acted_on(expr, scopes)?;
        Some(acts_error(expr.span(), root, method))
    }
}

fn acts_error(span: Span, root: &Ident, method: &Ident) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "this calls `{method}` on `{root}` for its effect, but `{root}` is declared outside \
             this `distribute` loop: each MPI rank has its own copy of `{root}`, so the effect \
             would stay on the rank that runs the iteration and the other ranks would never see \
             it\nhelp: keep what the loop gathers in a reduction variable declared before \
             it (`#[par_for(distribute, reduce(NAME: OP))]`: `+` for a count, a merge \
             function for a collection) and apply it to `{root}` after the loop, or compute \
             the values with a `distribute` pipeline and collect them; or drop `distribute` \
             to run this loop on this machine only"
        ),
    )
}

fn shown(expr: &Expr) -> String {
    expr.to_token_stream()
        .to_string()
        .replace(" . ", ".")
        .replace(" (", "(")
}

impl Rule for Acts<'_> {
    fn discarded(&mut self, expr: &Expr, scopes: &Scopes) {
        // The expression inside is reported as thrown away too.
        if matches!(expr, Expr::Paren(_) | Expr::Group(_)) {
            return;
        }
        if let Some(error) = self.effect(expr, scopes) {
            self.errors.push(error);
        }
    }

    fn expr(&mut self, expr: &Expr, scopes: &Scopes) {
        let place = match expr {
            Expr::Assign(assign) => &assign.left,
            Expr::Binary(binary) if compound_assign(&binary.op).is_some() => &binary.left,
            _ => return,
        };
        if let Some(error) = self.effect(place, scopes) {
            self.errors.push(error);
        }
    }
}
