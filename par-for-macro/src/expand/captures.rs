//! The outer variables the closures of a streaming loop's source capture, for the
//! runtime to choose the source's engine by type.
//!
//! The runtime lets the pool's threads pull a source whose type is `Send`, asking at
//! the call site by autoref-based dispatch. The compiler cannot answer that for a
//! closure written in the same function (its captures are known only after the whole
//! function is checked), so such a source would be taken for `Send` and then fail to
//! compile if it is not. The macro therefore names what those closures capture; the
//! runtime's probe requires each to be `Send + Sync` before it lets threads pull.
//! Closures it cannot name the captures of (written before the loop and reached
//! through a variable, whose captures may have been moved into them) send the loop to
//! the calling thread's engine, which needs no `Send`: slower with allocating sources,
//! never a compile error that the serial loop would not have.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::visit::Visit;
use syn::{Expr, ExprPath, Ident};

use crate::scope::{pattern_bindings, starts_upper, Rule, Scopes, Walker};

/// A variable bound by a `let` before the marked statement, with its initializer, when
/// its type may hold a closure of this function (see [`Lets`]).
pub(crate) type Let = (String, Expr);

/// `Captures::new().and(&a).and(&b)` for the variables the closures of `source`
/// capture, and `.and_unseen()` where a closure's captures cannot be named at the loop:
/// one capturing a variable bound inside `source`, or one reached through a variable of
/// `lets` (a closure written before the loop, whose captured variables may have been
/// moved into it by then).
pub(crate) fn captures_witness(source: &Expr, lets: &[Let]) -> TokenStream {
    let mut closures = Closures::default();
    closures.visit_expr(source);
    let mut witness = quote_spanned!(proc_macro2::Span::mixed_site()=>
        ::par_for::__private::Captures::new());
    let mut unseen = reaches_an_earlier_closure(source, lets);
    let mut seen = HashSet::new();
    for closure in &closures.found {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        let mut walker = Walker::new(Free::default(), &inputs);
        walker.visit_expr(&closure.body);
        for name in walker.into_rule().names {
            let key = name.to_string();
            if closures.bound.contains(&key) {
                unseen = true;
            } else if seen.insert(key) {
                witness.extend(quote_spanned!(name.span()=> .and(&#name)));
            }
        }
    }
    if unseen {
        witness.extend(quote_spanned!(proc_macro2::Span::mixed_site()=> .and_unseen()));
    }
    witness
}

/// Whether `source` names, directly or through other such variables, a variable of
/// `lets` whose initializer writes a closure.
fn reaches_an_earlier_closure(source: &Expr, lets: &[Let]) -> bool {
    let mut to_look_at = vec![source];
    let mut looked_up = HashSet::new();
    while let Some(expr) = to_look_at.pop() {
        let mut names = Names::default();
        names.visit_expr(expr);
        if names.closure && !std::ptr::eq(expr, source) {
            return true;
        }
        for name in names.found {
            if !looked_up.insert(name.clone()) {
                continue;
            }
            // The latest binding of the name before the loop.
            if let Some((_, init)) = lets.iter().rev().find(|(bound, _)| *bound == name) {
                to_look_at.push(init);
            }
        }
    }
    false
}

/// The one-identifier paths of an expression, and whether it writes a closure.
#[derive(Default)]
struct Names {
    found: Vec<String>,
    closure: bool,
}

impl<'ast> Visit<'ast> for Names {
    fn visit_expr_path(&mut self, path: &'ast ExprPath) {
        if let Some(ident) = path.path.get_ident() {
            self.found.push(ident.to_string());
        }
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.closure = true;
        syn::visit::visit_expr_closure(self, closure);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The `let` bindings visible at a statement, in order, for [`captures_witness`]: those
/// whose type may hold a closure of this function. A binding with a written type (no
/// `_`, no `impl`) or whose value ends in `.collect()` holds none, and is left out so
/// that a `Vec` built by a pipeline stays a source the pool's threads may pull.
#[derive(Default)]
pub(crate) struct Lets {
    visible: Vec<Let>,
}

impl Lets {
    /// How many bindings are visible, to forget those of a block when it ends.
    pub(crate) fn mark(&self) -> usize {
        self.visible.len()
    }

    pub(crate) fn forget_after(&mut self, mark: usize) {
        self.visible.truncate(mark);
    }

    pub(crate) fn visible(&self) -> &[Let] {
        &self.visible
    }

    /// Takes in the bindings of `stmt`, if it is a `let` with a value.
    pub(crate) fn bind(&mut self, stmt: &syn::Stmt) {
        let syn::Stmt::Local(local) = stmt else {
            return;
        };
        let Some(init) = &local.init else {
            return;
        };
        let (pat, typed) = match &local.pat {
            syn::Pat::Type(typed) => (&*typed.pat, !may_hold_a_closure(&typed.ty)),
            pat => (pat, false),
        };
        let collected = matches!(&*init.expr, Expr::MethodCall(call) if call.method == "collect");
        for name in pattern_bindings(pat, false) {
            let value = if typed || collected {
                // Shadows an earlier binding of the name with a value that holds none.
                Expr::Verbatim(TokenStream::new())
            } else {
                (*init.expr).clone()
            };
            self.visible.push((name.to_string(), value));
        }
    }
}

/// Whether a written type leaves its type to inference (`_`) or hides it (`impl ..`).
fn may_hold_a_closure(ty: &syn::Type) -> bool {
    struct Hidden(bool);
    impl<'ast> Visit<'ast> for Hidden {
        fn visit_type_infer(&mut self, _: &'ast syn::TypeInfer) {
            self.0 = true;
        }
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut hidden = Hidden(false);
    hidden.visit_type(ty);
    hidden.0
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
