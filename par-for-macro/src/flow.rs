//! `break`, `continue`, `return` and `?` inside a task keep their serial meaning: they
//! are rewritten into values the runtime carries back to the calling thread.
//!
//! One walk, in two passes: [`scan`] finds the jumps a body makes (the check phase
//! refuses those the runtime cannot honour: a label outside a parallel loop, `.await`,
//! `yield`), and [`rewrite`] (a parallel loop's body) or [`rewrite_consumer`] (a
//! stream's body) then rewrites them for the task that runs the body.
//!
//! A stream's body runs on the calling thread, in order, so it may jump to a loop around
//! the stream (`break 'rows`, `continue 'rows`): it stops the stream with a value that
//! says which jump, and the code after the stream makes it (see [`OuterJump`]).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Lifetime};

use crate::deferred::{after_stream, deferred, moved_by_value, named_outer, Moves};

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
    /// A stream's body jumps to a loop around the stream.
    pub outer: bool,
}

/// A jump out of the task that a parallel iteration cannot make.
pub(crate) enum Escape {
    /// `break 'outer` / `continue 'outer` to a loop around the marked one (from a
    /// parallel iteration; a stream's body makes it, see [`OuterJump`]).
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

/// A `break 'label` or `continue 'label` in a stream's body to a loop (or block) around
/// the stream: the body stops the stream with the variant of the expansion's exit enum
/// named after it (`Break_rows`, `Continue_rows`), and the code after the stream makes
/// the jump itself, with the value the body gave (`break 'found v`).
pub(crate) struct OuterJump {
    pub keyword: &'static str,
    pub label: Lifetime,
    /// Whether some `break` to it carries a value.
    pub value: bool,
    /// The first such jump in the body, where the jump after the stream is spanned.
    pub span: Span,
}

impl OuterJump {
    /// The exit enum's variant: `Break_rows`, `Continue_rows`.
    pub(crate) fn variant(&self) -> Ident {
        let keyword = if self.keyword == "break" {
            "Break"
        } else {
            "Continue"
        };
        format_ident!(
            "{}_{}",
            keyword,
            self.label.ident,
            span = Span::mixed_site()
        )
    }
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

/// Rewrites the jumps of a stream's body (run on the calling thread, as the consumer of
/// the loop labelled `label`) into the `ControlFlow` its closure returns, and gives the
/// jumps to loops around the stream that the code after the stream makes.
///
/// With `taken`, the values of its `return`s are built after the stream from those
/// variables (see `crate::deferred::after_stream`). With jumps to loops around the
/// stream, every exit is a variant of the enum `leave` (`Return(v)`, `Break_rows`, ...).
pub(crate) fn rewrite_consumer(
    body: &mut syn::Block,
    label: Option<&Lifetime>,
    taken: Option<&Moves<'_>>,
    returns: Option<&Ident>,
    leave: &Ident,
) -> Vec<OuterJump> {
    let mut scan = JumpWalker::new(label, Target::Consumer, &[], Pass::Scan);
    scan.visit_block_mut(&mut body.clone());
    let outer_jumps = scan.outer_jumps;
    let mut walker = JumpWalker::new(label, Target::Consumer, &[], Pass::RewriteToFlow);
    walker.moves = taken;
    walker.returns = returns;
    walker.leave = (!outer_jumps.is_empty()).then_some(leave);
    walker.outer_jumps = outer_jumps;
    walker.visit_block_mut(body);
    walker.outer_jumps
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
    returns_outer(body, outer, moved_by_value)
}

/// The variables of `outer` that some `return` of the body (its own, not a closure's)
/// names (see `crate::deferred::named_outer`), each once, in order.
pub(crate) fn named_by_returns(body: &syn::Block, outer: &[Ident]) -> Vec<Ident> {
    returns_outer(body, outer, named_outer)
}

/// The variables of `outer` that `of` finds in the value of some `return` of the body,
/// each once, in order.
fn returns_outer(
    body: &syn::Block,
    outer: &[Ident],
    of: fn(&Expr, &[Ident]) -> Vec<Ident>,
) -> Vec<Ident> {
    struct Returns<'o> {
        outer: &'o [Ident],
        of: fn(&Expr, &[Ident]) -> Vec<Ident>,
        moved: Vec<Ident>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Returns<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Closure(_) | Expr::Async(_) => {}
                Expr::Return(syn::ExprReturn {
                    expr: Some(value), ..
                }) => {
                    for name in (self.of)(value, self.outer) {
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
        of,
        moved: Vec::new(),
    };
    syn::visit::Visit::visit_block(&mut returns, body);
    returns.moved
}

/// Where a `break` or `continue` goes.
enum Goes {
    /// To a loop or block inside the body.
    Inside,
    /// Out of the marked loop (or to its next item).
    OutOfTheLoop,
    /// To a loop or block around the marked loop.
    Around,
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
    /// A consumer's exit enum, when it jumps to loops around the stream.
    leave: Option<&'a Ident>,
    /// A consumer's jumps to loops around the stream: found by the scan, looked up by
    /// the rewrite.
    outer_jumps: Vec<OuterJump>,
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
            leave: None,
            outer_jumps: Vec::new(),
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

    /// Where a `break`/`continue` with this label goes.
    fn goes_to(&self, label: Option<&Lifetime>) -> Goes {
        match label {
            None if self.loops == 0 => Goes::OutOfTheLoop,
            None => Goes::Inside,
            Some(l) if self.labels.contains(&l.ident.to_string()) => Goes::Inside,
            Some(l) if self.label.is_some_and(|own| own.ident == l.ident) => Goes::OutOfTheLoop,
            Some(_) => Goes::Around,
        }
    }

    /// A jump to a loop around this one: an escape from a worker, an [`OuterJump`] of a
    /// consumer (recorded by the scan, whose index the rewrite gives).
    fn jump_around(
        &mut self,
        keyword: &'static str,
        label: &Lifetime,
        value: bool,
        span: Span,
    ) -> Option<usize> {
        if self.target == Target::Worker {
            self.escapes.push(Escape::OuterLabel {
                keyword,
                label: label.clone(),
                span,
            });
            return None;
        }
        self.jumps.outer = true;
        let same = |jump: &OuterJump| jump.keyword == keyword && jump.label.ident == label.ident;
        if let Some(index) = self.outer_jumps.iter().position(same) {
            self.outer_jumps[index].value |= value;
            return Some(index);
        }
        self.outer_jumps.push(OuterJump {
            keyword,
            label: label.clone(),
            value,
            span,
        });
        Some(self.outer_jumps.len() - 1)
    }

    /// A consumer's exit: `Break(Some(EXIT))`, `EXIT` wrapped in the exit enum's
    /// `Return` when there is one.
    fn consumer_exit(&self, exit: TokenStream, span: Span) -> TokenStream {
        let exit = match self.leave {
            Some(leave) => quote_spanned!(span=> #leave::Return(#exit)),
            None => exit,
        };
        quote_spanned! {span=>
            ::core::ops::ControlFlow::Break(::core::option::Option::Some(#exit))
        }
    }

    /// `return Break(Some(Leave::Break_rows(VALUE)))`, for the jump `index` of
    /// `outer_jumps`; none in the scan, which has no exit enum yet.
    fn leave_around(&self, index: usize, value: Option<&Expr>, span: Span) -> Option<TokenStream> {
        let jump = self.outer_jumps.get(index)?;
        let variant = jump.variant();
        let leave = self.leave?;
        let exit = match (jump.value, value) {
            (false, _) => quote_spanned!(span=> #leave::#variant),
            (true, Some(value)) => quote_spanned!(span=> #leave::#variant(#value)),
            (true, None) => quote_spanned!(span=> #leave::#variant(())),
        };
        Some(quote_spanned! {span=>
            return ::core::ops::ControlFlow::Break(::core::option::Option::Some(#exit))
        })
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
            Target::Consumer => {
                let value = match self.moves {
                    // Built after the stream, from the variables it takes.
                    Some(taken) => after_stream(value, taken, span),
                    None => quote_spanned!(span=> #value),
                };
                let exit = self.consumer_exit(value, span);
                quote_spanned!(span=> return #exit)
            }
        }
    }

    fn leave_try(&self, operand: &Expr, span: Span) -> TokenStream {
        let value = syn::Ident::new("__par_for_value", Span::mixed_site());
        // At the `?`: an error type that cannot go to the caller is reported there.
        let residual = syn::Ident::new("__par_for_residual", span);
        let leave = match self.target {
            Target::Worker => quote_spanned! {span=>
                ::par_for::__private::Flow::Return(::par_for::__private::residual(#residual))
            },
            Target::Consumer => self.consumer_exit(
                quote_spanned!(span=> ::par_for::__private::FromResidual::from_residual(#residual)),
                span,
            ),
        };
        // Without the operand's own parentheses (`(*x)?`), which an argument does not
        // need: the `unused_parens` lint would fire at the user's code, suggesting `*x?`.
        let operand = crate::source::strip_parens(operand);
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
                match (self.goes_to(e.label.as_ref()), &e.label) {
                    (Goes::OutOfTheLoop, _) => {
                        self.jumps.breaks = true;
                        let mut tokens = self.leave_break(span);
                        if let (Target::Consumer, Some(value)) = (self.target, &e.expr) {
                            // A `for` loop has no value: kept in one, so that the compiler
                            // says so (E0571), as it does of the serial loop.
                            tokens = quote_spanned! {span=>
                                {
                                    for _ in ::core::iter::empty::<()>() {
                                        break #value;
                                    }
                                    #tokens
                                }
                            };
                        }
                        self.replace(expr, tokens);
                    }
                    (Goes::Around, Some(label)) => {
                        let value = e.expr.is_some();
                        let index = self.jump_around("break", label, value, span);
                        let tokens =
                            index.and_then(|i| self.leave_around(i, e.expr.as_deref(), span));
                        if let Some(tokens) = tokens {
                            self.replace(expr, tokens);
                        }
                    }
                    _ => {}
                }
            }
            Expr::Continue(e) if self.in_task() => {
                let span = e.span();
                match (self.goes_to(e.label.as_ref()), &e.label) {
                    (Goes::OutOfTheLoop, _) => {
                        let tokens = self.leave_continue(span);
                        self.replace(expr, tokens);
                    }
                    (Goes::Around, Some(label)) => {
                        let index = self.jump_around("continue", label, false, span);
                        let tokens = index.and_then(|i| self.leave_around(i, None, span));
                        if let Some(tokens) = tokens {
                            self.replace(expr, tokens);
                        }
                    }
                    _ => {}
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
