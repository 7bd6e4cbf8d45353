//! The body of a reducing loop, rewritten to update each worker's copy in place.
//!
//! In the task closure a reduction variable `v` is bound to `&mut` of the worker's
//! copy, so its uses become `(*v)`, and an update that gives `v` a new value made from
//! the old one (`v = merge(v, x)`, which moves `v`) takes the old value out first:
//! `{ let slot = &mut *v; let v = replace(slot, IDENTITY); *slot = merge(v, x); }`.
//! A binding of the body that shadows `v` ends the rewrite in its scope. Inside a
//! macro call (`write!(v, ..)`), `v` is rewritten token by token.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Pat};

use crate::scope::Scopes;

/// Rewrites `body` (of a loop that binds `pat`) for the reduction variables `vars`;
/// `identity(i)` is the expression that makes a fresh copy of `vars[i]`.
pub(crate) fn rewrite(
    pat: &Pat,
    body: &mut syn::Block,
    vars: &[&Ident],
    identity: &dyn Fn(usize) -> TokenStream,
) {
    let mut rewriter = InPlace {
        vars,
        identity,
        scopes: Scopes::default(),
    };
    rewriter.scopes.push();
    rewriter.scopes.bind_pattern(pat, true);
    rewriter.visit_block_mut(body);
}

struct InPlace<'a> {
    vars: &'a [&'a Ident],
    identity: &'a dyn Fn(usize) -> TokenStream,
    scopes: Scopes,
}

impl InPlace<'_> {
    /// The index of the reduction variable `expr` names, unless shadowed.
    fn var(&self, expr: &Expr) -> Option<usize> {
        let Expr::Path(path) = expr else { return None };
        let ident = path.path.get_ident()?;
        if path.qself.is_some() || self.scopes.is_bound(ident) {
            return None;
        }
        self.vars.iter().position(|v| *v == ident)
    }

    /// `v = RHS` where RHS is made from the old value of `v`.
    fn replace_assign(&mut self, index: usize, assign: &mut syn::ExprAssign) -> Expr {
        let var = self.vars[index];
        // Inside RHS `v` is the old value, a local: it is not rewritten.
        self.scopes.push();
        self.scopes.bind(var);
        self.visit_expr_mut(&mut assign.right);
        self.scopes.pop();
        let slot = Ident::new("__par_for_slot", Span::mixed_site());
        let identity = (self.identity)(index);
        let right = &assign.right;
        let span = assign.span();
        Expr::Verbatim(quote_spanned! {span=>
            {
                let #slot = &mut *#var;
                let #var = ::core::mem::replace(#slot, #identity);
                *#slot = #right;
            }
        })
    }
}

impl InPlace<'_> {
    /// Every `v` in `tokens` not after a `.` (a field name) as `(*v)`.
    fn deref_tokens(&self, tokens: TokenStream) -> TokenStream {
        let mut out = TokenStream::new();
        let mut after_dot = false;
        for token in tokens {
            let next_after_dot = matches!(&token, TokenTree::Punct(p) if p.as_char() == '.');
            match token {
                TokenTree::Group(group) => {
                    let mut new = Group::new(group.delimiter(), self.deref_tokens(group.stream()));
                    new.set_span(group.span());
                    out.extend([TokenTree::Group(new)]);
                }
                TokenTree::Ident(ident)
                    if !after_dot
                        && !self.scopes.is_bound(&ident)
                        && self.vars.iter().any(|v| **v == ident) =>
                {
                    out.extend(quote_spanned!(ident.span()=> (*#ident)));
                }
                other => out.extend([other]),
            }
            after_dot = next_after_dot;
        }
        out
    }
}

impl VisitMut for InPlace<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Path(_) => {
                if self.var(expr).is_some() {
                    let span = expr.span();
                    *expr = Expr::Verbatim(quote_spanned!(span=> (*#expr)));
                }
            }
            Expr::Assign(assign) => match self.var(&assign.left) {
                Some(index) if mentions(&assign.right, self.vars[index]) => {
                    *expr = self.replace_assign(index, assign);
                }
                _ => syn::visit_mut::visit_expr_assign_mut(self, assign),
            },
            Expr::Closure(closure) => {
                self.scopes.push();
                for input in &closure.inputs {
                    self.scopes.bind_pattern(input, true);
                }
                self.visit_expr_mut(&mut closure.body);
                self.scopes.pop();
            }
            Expr::If(e) => {
                self.scopes.push();
                self.visit_expr_mut(&mut e.cond);
                self.visit_block_mut(&mut e.then_branch);
                self.scopes.pop();
                if let Some((_, otherwise)) = &mut e.else_branch {
                    self.visit_expr_mut(otherwise);
                }
            }
            Expr::While(e) => {
                self.scopes.push();
                self.visit_expr_mut(&mut e.cond);
                self.visit_block_mut(&mut e.body);
                self.scopes.pop();
            }
            Expr::Let(e) => {
                self.visit_expr_mut(&mut e.expr);
                self.scopes.bind_pattern(&e.pat, false);
            }
            Expr::ForLoop(e) => {
                self.visit_expr_mut(&mut e.expr);
                self.scopes.push();
                self.scopes.bind_pattern(&e.pat, true);
                self.visit_block_mut(&mut e.body);
                self.scopes.pop();
            }
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        self.scopes.push();
        syn::visit_mut::visit_block_mut(self, block);
        self.scopes.pop();
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        if let Some(init) = &mut local.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, diverge)) = &mut init.diverge {
                self.visit_expr_mut(diverge);
            }
        }
        self.scopes.bind_pattern(&local.pat, true);
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        self.scopes.push();
        self.scopes.bind_pattern(&arm.pat, false);
        if let Some((_, guard)) = &mut arm.guard {
            self.visit_expr_mut(guard);
        }
        self.visit_expr_mut(&mut arm.body);
        self.scopes.pop();
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // A macro's uses of `v` are updates such as `write!(v, ..)` or
        // `write!(&mut v, ..)` (reads were rejected): `v` becomes `(*v)` token-wise.
        mac.tokens = self.deref_tokens(std::mem::take(&mut mac.tokens));
    }
}

/// Whether `var` occurs in `expr` (shadowing aside: then the old value is only taken
/// out and put back).
fn mentions(expr: &Expr, var: &Ident) -> bool {
    fn scan(tokens: TokenStream, var: &Ident) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Group(group) => scan(group.stream(), var),
            TokenTree::Ident(ident) => ident == *var,
            _ => false,
        })
    }
    scan(quote::ToTokens::to_token_stream(expr), var)
}
