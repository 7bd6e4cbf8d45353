//! Form 2, the collecting pipeline: `SOURCE.adapter(..)...consumer(..)` found in the
//! marked expression and taken apart into its source, its adapters and its consumer,
//! each mapped onto rayon's faithful equivalent. The expansion has two arms, chosen by
//! the source's type at run time: a source rayon splits runs rayon's chain (on the
//! calling thread or the team when the pipeline's site knows it is small), any other
//! runs in batches (`batch.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::{AngleBracketedGenericArguments, Expr, ExprMethodCall, Ident, Token};

use crate::source::{parallel_source, strip_parens};

/// A pipeline: the source, its adapters from the source outwards, and its consumer.
pub struct Chain {
    pub source: Expr,
    pub adapters: Vec<Step>,
    pub consumer: Step,
    /// The way from the marked expression down to the consumer's call: what is on the
    /// way (`.is_some()`, `?`, `> 3`) is serial code on the pipeline's result.
    path: Vec<Down>,
}

/// One step down an expression, towards the consumer's call.
#[derive(Clone, Copy)]
enum Down {
    Receiver,
    Try,
    Field,
    Left,
    Right,
    Unary,
    Cast,
}

/// One method call of the chain.
pub struct Step {
    pub method: Ident,
    pub turbofish: Option<AngleBracketedGenericArguments>,
    pub args: Punctuated<Expr, Token![,]>,
}

#[derive(Clone, Copy)]
pub(crate) enum Trait {
    Parallel,
    Indexed,
}

/// Arguments that are sources themselves (`zip(other)`, `chain(other)`).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Args {
    Plain,
    Source,
}

/// The adapters: std's name, rayon's trait and name, and how their argument is taken.
const ADAPTERS: &[(&str, Trait, &str, Args)] = &[
    ("map", Trait::Parallel, "map", Args::Plain),
    ("filter", Trait::Parallel, "filter", Args::Plain),
    ("filter_map", Trait::Parallel, "filter_map", Args::Plain),
    ("flat_map", Trait::Parallel, "flat_map_iter", Args::Plain),
    ("flatten", Trait::Parallel, "flatten_iter", Args::Plain),
    ("inspect", Trait::Parallel, "inspect", Args::Plain),
    ("copied", Trait::Parallel, "copied", Args::Plain),
    ("cloned", Trait::Parallel, "cloned", Args::Plain),
    ("chain", Trait::Parallel, "chain", Args::Source),
    ("enumerate", Trait::Indexed, "enumerate", Args::Plain),
    ("zip", Trait::Indexed, "zip", Args::Source),
    ("skip", Trait::Indexed, "skip", Args::Plain),
    ("take", Trait::Indexed, "take", Args::Plain),
    ("step_by", Trait::Indexed, "step_by", Args::Plain),
    ("rev", Trait::Indexed, "rev", Args::Plain),
];

/// The consumers, mapped to the rayon method that gives std's result: `find` is the
/// first match in order, `position` the first index, `reduce` std's `Option` form.
const CONSUMERS: &[(&str, Trait, &str)] = &[
    ("collect", Trait::Parallel, "collect"),
    ("sum", Trait::Parallel, "sum"),
    ("product", Trait::Parallel, "product"),
    ("count", Trait::Parallel, "count"),
    ("min", Trait::Parallel, "min"),
    ("max", Trait::Parallel, "max"),
    ("min_by_key", Trait::Parallel, "min_by_key"),
    ("max_by_key", Trait::Parallel, "max_by_key"),
    ("min_by", Trait::Parallel, "min_by"),
    ("max_by", Trait::Parallel, "max_by"),
    ("find", Trait::Parallel, "find_first"),
    ("find_map", Trait::Parallel, "find_map_first"),
    ("position", Trait::Indexed, "position_first"),
    ("any", Trait::Parallel, "any"),
    ("all", Trait::Parallel, "all"),
    ("for_each", Trait::Parallel, "for_each"),
    ("reduce", Trait::Parallel, "reduce_with"),
    ("unzip", Trait::Parallel, "unzip"),
    ("partition", Trait::Parallel, "partition"),
];

/// Adapters and consumers whose meaning depends on running one item after another.
const SEQUENTIAL: &[(&str, &str)] = &[
    ("scan", "it carries state from each item to the next; compute each item's value with `map` and combine them with `reduce`, or keep this pipeline serial"),
    ("take_while", "where it stops depends on every item before; find the end with `position`, then `take` up to it"),
    ("skip_while", "where it starts depends on every item before; find the start with `position`, then `skip` up to it"),
    ("map_while", "where it stops depends on every item before; use `filter_map`, or find the end with `position` first"),
    ("peekable", "peeking looks at the next item, which another thread may be working on; restructure with `zip` or `enumerate`"),
    ("fuse", "a parallel pipeline is always fused; remove `.fuse()`"),
    ("fold", "std's `fold` threads one accumulator through the items in order; split it into a `map` of each item and an associative combine: `.map(|x| f(x)).reduce(|a, b| a + b)`, `.map(f).sum()` (and add the initial value after), or the loop `#[par_for(reduce(acc: +))] for x in items { acc += f(x); }`"),
    ("try_fold", "it visits the items one after another; use a #[par_for] loop with `?`, or `find`/`any`"),
    ("try_for_each", "use a #[par_for] `for` loop, where `?` returns the earliest error as the serial loop would"),
    ("last", "write `.rev()` before it and use `.find(|_| true)`, or collect and take the last"),
    ("nth", "use `.skip(n)` and `.find(|_| true)`"),
];

impl Chain {
    /// Finds the pipeline in `expr`, or says which part has no faithful parallel form.
    ///
    /// The pipeline is `expr` itself, or the first operand of an operator, cast or `!`
    /// that holds one (`xs.iter().filter(p).count() > 3`). Its consumer is the first
    /// consumer after the source and its adapters; what comes after it (`.is_some()`,
    /// `.unwrap_or(0)`, `.len()`, `?`) is serial code on its result, so `Option::map`
    /// after `find` is not the adapter `map`.
    pub fn parse(expr: &Expr) -> syn::Result<Chain> {
        let mut candidates = Vec::new();
        operands(expr, &mut Vec::new(), &mut candidates);
        let mut first_error: Option<(bool, syn::Error)> = None;
        for (path, candidate) in candidates {
            match Chain::parse_calls(candidate) {
                Ok(mut chain) => {
                    chain.path = path.into_iter().chain(chain.path).collect();
                    return Ok(chain);
                }
                // An error about a chain of calls says more than one about an operator.
                Err((calls, error)) => match &first_error {
                    Some((true, _)) => {}
                    Some((false, _)) if !calls => {}
                    _ => first_error = Some((calls, error)),
                },
            }
        }
        Err(first_error
            .expect("an expression is its own first candidate")
            .1)
    }

    /// The pipeline whose consumer is the outermost call of `expr` or one inside it;
    /// the error says whether `expr` was a chain of calls at all.
    fn parse_calls(expr: &Expr) -> Result<Chain, (bool, syn::Error)> {
        // The calls from the outside in, down to the expression they start from.
        let mut spine = Vec::new();
        let mut node = strip_parens(expr);
        loop {
            spine.push(node);
            node = match node {
                Expr::MethodCall(call) => strip_parens(&call.receiver),
                Expr::Try(try_expr) => strip_parens(&try_expr.expr),
                Expr::Field(field) => strip_parens(&field.base),
                _ => break,
            };
        }
        spine.pop();
        // From the inside out: the source ends at the last call that is not an adapter
        // before the first consumer.
        let mut source_end = spine.len();
        let mut sequential: Option<&Ident> = None;
        for at in (0..spine.len()).rev() {
            let Expr::MethodCall(call) = spine[at] else {
                (source_end, sequential) = (at, None);
                continue;
            };
            let name = call.method.to_string();
            if CONSUMERS.iter().any(|(n, ..)| *n == name) {
                if let Some(method) = sequential {
                    return Err((true, sequential_error(method)));
                }
                return Ok(Chain::from_spine(&spine, source_end, at, expr));
            }
            if ADAPTERS.iter().any(|(n, ..)| *n == name) {
                continue;
            }
            source_end = at;
            sequential = SEQUENTIAL
                .iter()
                .any(|(n, _)| *n == name)
                .then_some(&call.method);
        }
        Err(match (sequential, spine.first()) {
            (Some(method), _) => (true, sequential_error(method)),
            (None, Some(Expr::MethodCall(outer))) => (true, not_a_consumer(&outer.method)),
            _ => (
                false,
                syn::Error::new_spanned(
                    expr,
                    "a #[par_for] pipeline is a chain of method calls ending in a consumer, such \
                     as `items.iter().map(f).collect()`",
                ),
            ),
        })
    }

    /// The chain whose consumer is `spine[consumer]` and whose source is
    /// `spine[source_end]` (the innermost expression when `source_end` is past the end).
    fn from_spine(spine: &[&Expr], source_end: usize, consumer: usize, expr: &Expr) -> Chain {
        let call = |at: usize| match spine[at] {
            Expr::MethodCall(call) => call,
            _ => unreachable!("adapters and consumers are method calls"),
        };
        let source = match spine.get(source_end) {
            Some(&source) => source.clone(),
            None => {
                let innermost = spine.last().map_or(expr, |&e| e);
                match innermost {
                    Expr::MethodCall(c) => (*c.receiver).clone(),
                    Expr::Try(t) => (*t.expr).clone(),
                    Expr::Field(f) => (*f.base).clone(),
                    other => other.clone(),
                }
            }
        };
        Chain {
            source,
            adapters: (consumer + 1..source_end)
                .rev()
                .map(|at| step(call(at)))
                .collect(),
            consumer: step(call(consumer)),
            path: spine[..consumer]
                .iter()
                .map(|node| match node {
                    Expr::MethodCall(_) => Down::Receiver,
                    Expr::Try(_) => Down::Try,
                    _ => Down::Field,
                })
                .collect(),
        }
    }

    /// Every closure of the pipeline: its task functions.
    pub fn closures(&self) -> impl Iterator<Item = &syn::ExprClosure> {
        self.adapters
            .iter()
            .chain(std::iter::once(&self.consumer))
            .flat_map(|step| step.args.iter())
            .filter_map(|arg| match arg {
                Expr::Closure(closure) => Some(closure),
                _ => None,
            })
    }

    /// The consumer's call within the marked expression, which the expansion replaces;
    /// what is outside it stays as written.
    pub fn consumer_in<'e>(&self, expr: &'e mut Expr) -> &'e mut Expr {
        let mut node = expr;
        for down in &self.path {
            node = match (down, strip_parens_mut(node)) {
                (Down::Receiver, Expr::MethodCall(call)) => &mut call.receiver,
                (Down::Try, Expr::Try(try_expr)) => &mut try_expr.expr,
                (Down::Field, Expr::Field(field)) => &mut field.base,
                (Down::Left, Expr::Binary(binary)) => &mut binary.left,
                (Down::Right, Expr::Binary(binary)) => &mut binary.right,
                (Down::Unary, Expr::Unary(unary)) => &mut unary.expr,
                (Down::Cast, Expr::Cast(cast)) => &mut cast.expr,
                _ => unreachable!("the path was found by `parse` in the same expression"),
            };
        }
        strip_parens_mut(node)
    }

    /// Whether an adapter needs the whole of the stage before it (`chain`, `rev`), so
    /// that a serial source is read whole first rather than in batches.
    fn needs_whole(&self) -> bool {
        self.adapters
            .iter()
            .any(|a| a.method == "chain" || a.method == "rev")
    }

    /// The expression that runs the pipeline with the runtime options in `options`: over
    /// a source rayon splits, as rayon's chain; over any other, in batches.
    pub fn expand(&self, options: &Ident) -> TokenStream {
        let iter = local("iter");
        let mode = local("mode");
        let source = parallel_source(&self.source);
        let split = self.split(&iter, &mode);
        if self.needs_whole() {
            return quote! {
                ::par_for::__private::run_split(&#options, ::par_for::__private::whole(#source), |#iter, #mode| {
                    #split
                })
            };
        }
        let items = local("items");
        let batched = crate::batch::expand(self, &items);
        quote! {
            match {
                use ::par_for::__private::dispatch::{ViaBorrowed as _, ViaOwned as _};
                (&&::par_for::__private::Check::new(#source)).__par_for_pipeline()
            } {
                ::par_for::__private::Pipeline::Split(#iter) => {
                    ::par_for::__private::run_split(&#options, #iter, |#iter, #mode| {
                        #split
                    })
                }
                ::par_for::__private::Pipeline::Serial(#items) => {
                    ::par_for::__private::install(&#options, #items, |#items| {
                        #batched
                    })
                }
            }
        }
    }

    /// The statements that turn the first stage in `iter` into the pipeline, and the
    /// final consumer call, as rayon's chain.
    ///
    /// The first stage, and each made by an adapter that needs positions or by `chain`,
    /// may run on the team (see the runtime's `OnTeam`): those adapters reach the items
    /// of the stage below through its producer, not its consumer.
    fn split(&self, iter: &Ident, mode: &Ident) -> TokenStream {
        let mut steps = on_team(iter, mode);
        for adapter in &self.adapters {
            let (_, kind, rayon, args) = adapter_entry(&adapter.method);
            if let Trait::Indexed = kind {
                steps.extend(to_indexed(iter, mode));
            }
            let call = adapter.call(iter, kind, rayon, args, mode);
            steps.extend(quote!(let #iter = #call;));
            if matches!(kind, Trait::Indexed) || adapter.method == "chain" {
                steps.extend(on_team(iter, mode));
            }
        }
        let (_, kind, rayon) = consumer_entry(&self.consumer.method);
        if let Trait::Indexed = kind {
            steps.extend(to_indexed(iter, mode));
        }
        let consume = if self.consumer.method == "position" {
            let span = self.consumer.method.span();
            let args = &self.consumer.args;
            quote_spanned!(span=> ::par_for::__private::position(#iter, #mode, #args))
        } else if self.consumer.method == "collect" {
            let target = self.consumer.turbofish.as_ref().map(|t| {
                let args = &t.args;
                quote!(::<#args, _>)
            });
            quote_spanned!(self.consumer.method.span()=> ::par_for::__private::collect #target(#iter))
        } else {
            self.consumer.call(iter, kind, rayon, Args::Plain, mode)
        };
        quote! {
            #steps
            #consume
        }
    }
}

/// `expr` and, in order, the operands of the operators, casts and `!` in it, each with
/// the way down to it.
fn operands<'e>(expr: &'e Expr, path: &mut Vec<Down>, out: &mut Vec<(Vec<Down>, &'e Expr)>) {
    let expr = strip_parens(expr);
    out.push((path.clone(), expr));
    let mut down = |step: Down, inner: &'e Expr, out: &mut Vec<(Vec<Down>, &'e Expr)>| {
        path.push(step);
        operands(inner, path, out);
        path.pop();
    };
    match expr {
        Expr::Binary(binary) => {
            down(Down::Left, &binary.left, out);
            down(Down::Right, &binary.right, out);
        }
        Expr::Unary(unary) => down(Down::Unary, &unary.expr, out),
        Expr::Cast(cast) => down(Down::Cast, &cast.expr, out),
        _ => {}
    }
}

/// The table entry of an adapter `parse` recognised.
pub(crate) fn adapter_entry(method: &Ident) -> (&'static str, Trait, &'static str, Args) {
    *ADAPTERS
        .iter()
        .find(|(n, ..)| method == n)
        .expect("adapters were recognised by name")
}

/// The table entry of the consumer `parse` recognised.
pub(crate) fn consumer_entry(method: &Ident) -> (&'static str, Trait, &'static str) {
    *CONSUMERS
        .iter()
        .find(|(n, ..)| method == n)
        .expect("the consumer was recognised by name")
}

pub(crate) fn local(name: &str) -> Ident {
    Ident::new(&format!("__par_for_{name}"), Span::mixed_site())
}

fn strip_parens_mut(expr: &mut Expr) -> &mut Expr {
    match expr {
        Expr::Paren(p) => strip_parens_mut(&mut p.expr),
        Expr::Group(g) => strip_parens_mut(&mut g.expr),
        other => other,
    }
}

impl Step {
    pub(crate) fn call(
        &self,
        iter: &Ident,
        kind: Trait,
        rayon: &str,
        args: Args,
        mode: &Ident,
    ) -> TokenStream {
        let span = self.method.span();
        let method = Ident::new(rayon, span);
        let path = match kind {
            Trait::Parallel => quote_spanned!(span=> ::par_for::__private::ParallelIterator),
            Trait::Indexed => quote_spanned!(span=> ::par_for::__private::IndexedParallelIterator),
        };
        let turbofish = self.turbofish.as_ref().map(|t| {
            let args = &t.args;
            quote!(::<#args>)
        });
        let args = self.args.iter().map(|arg| match args {
            Args::Plain => quote!(#arg),
            Args::Source => {
                let source = parallel_source(arg);
                let other = quote!(::par_for::__private::side(#source));
                match kind {
                    Trait::Indexed => indexed(other, mode),
                    Trait::Parallel => other,
                }
            }
        });
        quote_spanned!(span=> #path::#method #turbofish(#iter #(, #args)*))
    }
}

/// Lets the stage in `iter` run on the team if it is indexed (see the runtime's
/// `TeamStage`).
fn on_team(iter: &Ident, mode: &Ident) -> TokenStream {
    quote! {
        let #iter = {
            use ::par_for::__private::dispatch::{ViaAsIs as _, ViaTeam as _};
            (&&::par_for::__private::TeamStage::new(#iter, #mode)).__par_for_on_team()
        };
    }
}

/// Makes `iter` indexed for the adapter that follows (see the runtime's `ToIndexed`).
pub(crate) fn to_indexed(iter: &Ident, mode: &Ident) -> TokenStream {
    let indexed = indexed(quote!(#iter), mode);
    quote!(let #iter = #indexed;)
}

fn indexed(iter: TokenStream, mode: &Ident) -> TokenStream {
    quote! {
        {
            use ::par_for::__private::dispatch::{ViaCollect as _, ViaIndexed as _};
            (&&::par_for::__private::ToIndexed::new(#iter, #mode)).__par_for_indexed()
        }
    }
}

fn step(call: &ExprMethodCall) -> Step {
    Step {
        method: call.method.clone(),
        turbofish: call.turbofish.clone(),
        args: call.args.clone(),
    }
}

fn not_a_consumer(method: &Ident) -> syn::Error {
    let name = method.to_string();
    let known: Vec<&str> = CONSUMERS.iter().map(|(n, ..)| *n).collect();
    let what = if ADAPTERS.iter().any(|(n, ..)| *n == name) {
        format!("a #[par_for] pipeline must end in a consumer, but `{name}` is an adapter")
    } else {
        format!("`{name}` is not a consumer #[par_for] can run in parallel")
    };
    syn::Error::new_spanned(
        method,
        format!(
            "{what}\nhelp: end the pipeline with one of: {}",
            known.join(", ")
        ),
    )
}

fn sequential_error(method: &Ident) -> syn::Error {
    let (_, why) = SEQUENTIAL
        .iter()
        .find(|(n, _)| method == n)
        .expect("a sequential method was recognised by name");
    no_parallel_form(method, why)
}

fn no_parallel_form(method: &Ident, why: &str) -> syn::Error {
    syn::Error::new_spanned(
        method,
        format!("`{method}` has no faithful parallel form in a #[par_for] pipeline: {why}"),
    )
}
