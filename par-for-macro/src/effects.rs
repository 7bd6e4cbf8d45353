//! The rule of `distribute`: a distributed body may have no effect that the serial
//! program would see after the loop, other than its reductions, because each item runs
//! on one MPI rank only and every rank has its own copy of every variable.
//!
//! Checked by syntax, without a list of method names:
//! - the source may not lend the items for writing (`&mut`, a method ending in `_mut`:
//!   `iter_mut`, `chunks_mut`, `values_mut`);
//! - a statement whose value is thrown away (`EXPR;`, `let _ = EXPR;`) may not call a
//!   method on a variable declared outside the body (`counter.fetch_add(1, ..);`,
//!   `log.lock().unwrap().push(x);`, `tx.send(x)?;`): called only for what it does, it
//!   acts on that variable;
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
use crate::scope::Scopes;

/// Rejects a source that lends its items for writing.
pub fn check_source(source: &Expr, errors: &mut Errors) {
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
pub fn check_body(
    bound: &[&Pat],
    body: &dyn Fn(&mut Effects),
    reductions: &HashSet<String>,
    errors: &mut Errors,
) {
    let mut effects = Effects {
        scopes: Scopes::default(),
        reductions,
        errors,
    };
    effects.scopes.push();
    for pat in bound {
        effects.scopes.bind_pattern(pat, true);
    }
    body(&mut effects);
}

pub struct Effects<'a> {
    scopes: Scopes,
    reductions: &'a HashSet<String>,
    errors: &'a mut Errors,
}

impl Effects<'_> {
    /// The outer variable at the root of a method-call chain: `m` in
    /// `m.lock().unwrap().push(x)?`, `self` in `self.hits.fetch_add(1, ..)`.
    fn acted_on<'e>(&self, expr: &'e Expr) -> Option<(&'e Ident, &'e Ident)> {
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
                        !self.scopes.is_bound(root) && !self.reductions.contains(&root.to_string());
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

    fn check_discarded(&mut self, expr: &Expr) {
        if let Some((root, method)) = self.acted_on(expr) {
            self.errors.push(acts_error(expr.span(), root, method));
        }
    }

    /// The last expression of a loop body is thrown away too (`for .. { tx.send(x).unwrap() }`).
    pub fn check_loop_body(&mut self, body: &syn::Block) {
        if let Some(syn::Stmt::Expr(tail, None)) = body.stmts.last() {
            self.check_discarded(tail);
        }
    }

    fn check_place(&mut self, place: &Expr) {
        if let Some((root, method)) = self.acted_on(place) {
            self.errors.push(acts_error(place.span(), root, method));
        }
    }
}

fn acts_error(span: Span, root: &Ident, method: &Ident) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "this calls `{method}` on `{root}` for its effect, but `{root}` is declared outside \
             this `distribute` loop: each MPI rank has its own copy of `{root}`, so the effect \
             would stay on the rank that runs the iteration and the other ranks would never see \
             it\nhelp: declare a reduction (`#[par_for(distribute, reduce(total: +))]`) and \
             update it here, or compute the values with a `distribute` pipeline and collect \
             them; or drop `distribute` to run this loop on this machine only"
        ),
    )
}

fn shown(expr: &Expr) -> String {
    expr.to_token_stream()
        .to_string()
        .replace(" . ", ".")
        .replace(" (", "(")
}

impl<'ast> Visit<'ast> for Effects<'_> {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scopes.push();
        syn::visit::visit_block(self, block);
        self.scopes.pop();
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        match stmt {
            syn::Stmt::Expr(expr, Some(_)) => self.check_discarded(expr),
            syn::Stmt::Local(local) if matches!(local.pat, Pat::Wild(_)) => {
                if let Some(init) = &local.init {
                    self.check_discarded(&init.expr);
                }
            }
            _ => {}
        }
        syn::visit::visit_stmt(self, stmt);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.scopes.bind_pattern(&local.pat, true);
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.scopes.push();
        for input in &closure.inputs {
            self.scopes.bind_pattern(input, true);
        }
        self.visit_expr(&closure.body);
        self.scopes.pop();
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scopes.push();
        self.scopes.bind_pattern(&arm.pat, false);
        syn::visit::visit_arm(self, arm);
        self.scopes.pop();
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        self.visit_expr(&expr.expr);
        self.scopes.bind_pattern(&expr.pat, false);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.visit_expr(&expr.expr);
        self.scopes.push();
        self.scopes.bind_pattern(&expr.pat, true);
        self.visit_block(&expr.body);
        self.check_loop_body(&expr.body);
        self.scopes.pop();
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        syn::visit::visit_expr_while(self, expr);
        self.check_loop_body(&expr.body);
    }

    fn visit_expr_assign(&mut self, expr: &'ast syn::ExprAssign) {
        self.check_place(&expr.left);
        syn::visit::visit_expr_assign(self, expr);
    }

    fn visit_expr_binary(&mut self, expr: &'ast syn::ExprBinary) {
        use syn::BinOp::*;
        if matches!(
            expr.op,
            AddAssign(_)
                | SubAssign(_)
                | MulAssign(_)
                | DivAssign(_)
                | RemAssign(_)
                | BitXorAssign(_)
                | BitAndAssign(_)
                | BitOrAssign(_)
                | ShlAssign(_)
                | ShrAssign(_)
        ) {
            self.check_place(&expr.left);
        }
        syn::visit::visit_expr_binary(self, expr);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
