//! `break`, `continue`, `return` and `?` inside a task keep their serial meaning: they
//! are rewritten into values the runtime carries back to the calling thread.
//!
//! One walk, in two passes: [`scan`] finds the jumps a body makes (the check phase
//! refuses those the runtime cannot honour: a label outside the loop, `.await`,
//! `yield`), and [`rewrite`] then rewrites them for the task that runs the body.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Lifetime};

use crate::deferred::{deferred, moved_by_value, Moves};

/// Where the rewritten body runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A parallel iteration on the pool: leaves with `Flow`, returns deferred.
    Worker,
    /// The consumer of a stream, on the calling thread: leaves with `ControlFlow`.
    Consumer,
}

/// Which jumps out of the loop a body makes.
#[derive(Default, Clone, Copy)]
pub(crate) struct Jumps {
    pub breaks: bool,
    pub returns: bool,
}

/// A jump out of the task that a parallel iteration cannot make.
pub(crate) enum Escape {
    /// `break 'outer` / `continue 'outer` to a loop around the marked one.
    OuterLabel {
        keyword: &'static str,
        label: Lifetime,
        span: Span,
    },
    /// `.await`, at its `await`.
    Await(Span),
    /// `yield`, at its `yield`.
    Yield(Span),
}

/// The jumps of `body` (the body of the loop labelled `label`) run as `target`, and the
/// escapes among them, in the order they are written.
pub(crate) fn scan(
    body: &syn::Block,
    label: Option<&Lifetime>,
    target: Target,
) -> (Jumps, Vec<Escape>) {
    let mut walker = JumpWalker::new(label, target, &[], Pass::Scan);
    walker.visit_block_mut(&mut body.clone());
    (walker.jumps, walker.escapes)
}

/// Rewrites the jumps of `body`, which [`scan`] found to be `jumps`, for `target`. A
/// worker returns a `Flow` only when it can leave the loop; otherwise `continue` is a
/// plain `return`.
///
/// `outer` are the variables declared outside the loop that the body reads: a worker's
/// deferred `return` value reads them without moving them (see `crate::deferred`), but
/// for `moves`, which its `return` values move and are handed over after the loop.
/// `returns`, when given, is a local holding the `TypeOf` the enclosing function
/// returns: a `return`'s value is passed through it, so that it coerces to that type
/// as a serial `return` does (`Some(w)` with `w: &String` into `Option<&str>`).
pub(crate) fn rewrite(
    body: &mut syn::Block,
    label: Option<&Lifetime>,
    target: Target,
    outer: &[Ident],
    moves: Option<&Moves<'_>>,
    returns: Option<&Ident>,
    jumps: Jumps,
) {
    let pass = if target == Target::Consumer || jumps.breaks || jumps.returns {
        Pass::RewriteToFlow
    } else {
        Pass::RewriteToUnit
    };
    let mut walker = JumpWalker::new(label, target, outer, pass);
    walker.moves = moves;
    walker.returns = returns;
    walker.visit_block_mut(body);
}

/// The variables of `outer` that some `return` of the body (its own, not a closure's)
/// uses by value (see `crate::deferred::moved_by_value`), each once, in order.
pub(crate) fn moved_outer(body: &syn::Block, outer: &[Ident]) -> Vec<Ident> {
    struct Returns<'o> {
        outer: &'o [Ident],
        moved: Vec<Ident>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Returns<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Closure(_) | Expr::Async(_) => {}
                Expr::Return(syn::ExprReturn {
                    expr: Some(value), ..
                }) => {
                    for name in moved_by_value(value, self.outer) {
                        if !self.moved.contains(&name) {
                            self.moved.push(name);
                        }
                    }
                    syn::visit::visit_expr(self, value);
                }
                _ => syn::visit::visit_expr(self, expr),
            }
        }

        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut returns = Returns {
        outer,
        moved: Vec::new(),
    };
    syn::visit::Visit::visit_block(&mut returns, body);
    returns.moved
}

/// What a walk over a body does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Records the jumps and escapes; changes nothing.
    Scan,
    /// Rewrites for a task that returns `()`: a `continue` is a plain `return`.
    RewriteToUnit,
    /// Rewrites for a task that returns a `Flow` (a worker) or a `ControlFlow` (a
    /// consumer).
    RewriteToFlow,
}

struct JumpWalker<'a> {
    label: Option<&'a Lifetime>,
    target: Target,
    outer: &'a [Ident],
    moves: Option<&'a Moves<'a>>,
    returns: Option<&'a Ident>,
    pass: Pass,
    loops: usize,
    closures: usize,
    labels: Vec<String>,
    jumps: Jumps,
    escapes: Vec<Escape>,
}

impl<'a> JumpWalker<'a> {
    fn new(label: Option<&'a Lifetime>, target: Target, outer: &'a [Ident], pass: Pass) -> Self {
        JumpWalker {
            label,
            target,
            outer,
            moves: None,
            returns: None,
            pass,
            loops: 0,
            closures: 0,
            labels: Vec::new(),
            jumps: Jumps::default(),
            escapes: Vec::new(),
        }
    }

    fn in_task(&self) -> bool {
        self.closures == 0
    }

    /// Whether a `break`/`continue` with this label leaves the parallel loop.
    fn leaves_loop(&mut self, label: Option<&Lifetime>, keyword: &'static str, span: Span) -> bool {
        match label {
            None => self.loops == 0,
            Some(l) if self.labels.contains(&l.ident.to_string()) => false,
            Some(l) if self.label.is_some_and(|own| own.ident == l.ident) => true,
            Some(l) => {
                self.escapes.push(Escape::OuterLabel {
                    keyword,
                    label: l.clone(),
                    span,
                });
                false
            }
        }
    }

    fn nested<F: FnOnce(&mut Self)>(&mut self, label: Option<&Lifetime>, is_loop: bool, f: F) {
        if let Some(l) = label {
            self.labels.push(l.ident.to_string());
        }
        self.loops += usize::from(is_loop);
        f(self);
        self.loops -= usize::from(is_loop);
        if label.is_some() {
            self.labels.pop();
        }
    }

    fn replace(&self, expr: &mut Expr, tokens: TokenStream) {
        if self.pass != Pass::Scan {
            *expr = syn::parse2(tokens).expect("par_for: rewritten jump parses as an expression");
        }
    }

    fn leave_break(&self, span: Span) -> TokenStream {
        match self.target {
            Target::Worker => quote_spanned!(span=> return ::par_for::__private::Flow::Break),
            Target::Consumer => {
                quote_spanned!(span=> return ::core::ops::ControlFlow::Break(::core::option::Option::None))
            }
        }
    }

    fn leave_continue(&self, span: Span) -> TokenStream {
        match (self.target, self.pass) {
            (Target::Worker, Pass::RewriteToFlow) => {
                quote_spanned!(span=> return ::par_for::__private::Flow::Continue)
            }
            (Target::Worker, _) => quote_spanned!(span=> return),
            (Target::Consumer, _) => {
                quote_spanned!(span=> return ::core::ops::ControlFlow::Continue(()))
            }
        }
    }

    fn leave_return(&self, value: Option<&Expr>, span: Span) -> TokenStream {
        let unit: Expr = syn::parse_quote_spanned!(span=> ());
        let value = value.unwrap_or(&unit);
        let typed;
        let value = match self.returns {
            Some(returns) => {
                let mut returns = returns.clone();
                returns.set_span(Span::mixed_site().located_at(span));
                typed = syn::parse_quote_spanned!(span=> #returns.pass(#value));
                &typed
            }
            None => value,
        };
        match self.target {
            // Only the winning iteration's value is computed, on the calling thread once
            // the loop is over, as the serial loop computes it: once, after every
            // iteration before it. It may borrow what outlives the loop.
            Target::Worker => {
                let deferred = deferred(value, self.outer, self.moves, span);
                quote_spanned!(span=> return ::par_for::__private::Flow::Return(#deferred))
            }
            Target::Consumer => quote_spanned! {span=>
                return ::core::ops::ControlFlow::Break(::core::option::Option::Some(#value))
            },
        }
    }

    fn leave_try(&self, operand: &Expr, span: Span) -> TokenStream {
        let value = syn::Ident::new("__par_for_value", Span::mixed_site());
        let residual = syn::Ident::new("__par_for_residual", Span::mixed_site());
        let leave = match self.target {
            Target::Worker => quote_spanned! {span=>
                ::par_for::__private::Flow::Return(::par_for::__private::residual(#residual))
            },
            Target::Consumer => quote_spanned! {span=>
                ::core::ops::ControlFlow::Break(::core::option::Option::Some(
                    ::par_for::__private::FromResidual::from_residual(#residual)
                ))
            },
        };
        quote_spanned! {span=>
            match ::par_for::__private::branch(#operand) {
                ::core::ops::ControlFlow::Continue(#value) => #value,
                ::core::ops::ControlFlow::Break(#residual) => return #leave,
            }
        }
    }
}

impl VisitMut for JumpWalker<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(_) | Expr::Async(_) => {
                self.closures += 1;
                syn::visit_mut::visit_expr_mut(self, expr);
                self.closures -= 1;
            }
            Expr::ForLoop(e) => {
                let label = e.label.as_ref().map(|l| l.name.clone());
                self.nested(label.as_ref(), true, |s| {
                    syn::visit_mut::visit_expr_for_loop_mut(s, e)
                });
            }
            Expr::While(e) => {
                let label = e.label.as_ref().map(|l| l.name.clone());
                self.nested(label.as_ref(), true, |s| {
                    syn::visit_mut::visit_expr_while_mut(s, e)
                });
            }
            Expr::Loop(e) => {
                let label = e.label.as_ref().map(|l| l.name.clone());
                self.nested(label.as_ref(), true, |s| {
                    syn::visit_mut::visit_expr_loop_mut(s, e)
                });
            }
            Expr::Block(e) if e.label.is_some() => {
                let label = e.label.as_ref().map(|l| l.name.clone());
                self.nested(label.as_ref(), false, |s| {
                    syn::visit_mut::visit_expr_block_mut(s, e)
                });
            }
            Expr::Break(e) if self.in_task() => {
                syn::visit_mut::visit_expr_break_mut(self, e);
                let span = e.span();
                if self.leaves_loop(e.label.as_ref(), "break", span) {
                    self.jumps.breaks = true;
                    let tokens = self.leave_break(span);
                    self.replace(expr, tokens);
                }
            }
            Expr::Continue(e) if self.in_task() => {
                let span = e.span();
                if self.leaves_loop(e.label.as_ref(), "continue", span) {
                    let tokens = self.leave_continue(span);
                    self.replace(expr, tokens);
                }
            }
            Expr::Return(e) if self.in_task() => {
                // A worker's value is computed after the loop, in a closure of the
                // function's return type (see `leave_return`): a `?` in it is that
                // closure's own. A consumer's is computed at once, in the consumer.
                if self.target == Target::Consumer {
                    syn::visit_mut::visit_expr_return_mut(self, e);
                }
                self.jumps.returns = true;
                let tokens = self.leave_return(e.expr.as_deref(), e.span());
                self.replace(expr, tokens);
            }
            Expr::Try(e) if self.in_task() => {
                syn::visit_mut::visit_expr_try_mut(self, e);
                self.jumps.returns = true;
                let tokens = self.leave_try(&e.expr, e.question_token.span);
                self.replace(expr, tokens);
            }
            Expr::Await(e) if self.in_task() => {
                self.escapes.push(Escape::Await(e.await_token.span));
            }
            Expr::Yield(e) if self.in_task() => {
                self.escapes.push(Escape::Yield(e.yield_token.span));
            }
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // Jumps inside a nested item belong to it.
    }
}
