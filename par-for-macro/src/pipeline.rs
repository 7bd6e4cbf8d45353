//! Form 2, the collecting pipeline: the [`Chain`] that `check/chain.rs` took apart from
//! the marked expression (its source, its adapters and its consumer), each mapped onto
//! rayon's faithful equivalent. The expansion has two arms, chosen by
//! the source's type at run time: a source rayon splits runs rayon's chain (on the
//! calling thread or the team when the pipeline's site knows it is small), any other
//! runs in batches (`batch.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{AngleBracketedGenericArguments, Expr, Ident, Token};

use crate::source::parallel_source;
use joined::{joins_sides, mark_parts};

mod joined;

pub(crate) use joined::exact_side;

/// A pipeline: the source, its adapters from the source outwards, and its consumer.
pub(crate) struct Chain {
    pub source: Expr,
    pub adapters: Vec<Step>,
    pub consumer: Step,
    /// The way from the marked expression down to the consumer's call: what is on the
    /// way (`.is_some()`, `?`, `> 3`) is serial code on the pipeline's result.
    pub path: Vec<Down>,
}

/// One step down an expression, towards the consumer's call.
#[derive(Clone, Copy)]
pub(crate) enum Down {
    Receiver,
    Try,
    Field,
    Left,
    Right,
    Unary,
    Cast,
}

/// One method call of the chain.
#[derive(Clone)]
pub(crate) struct Step {
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
pub(crate) const CONSUMERS: &[(&str, Trait, &str)] = &[
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

impl Chain {
    /// Every closure of the pipeline: its task functions.
    pub(crate) fn closures(&self) -> impl Iterator<Item = &syn::ExprClosure> {
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
    pub(crate) fn consumer_in<'e>(&self, expr: &'e mut Expr) -> &'e mut Expr {
        self.place_in(expr)
            .expect("the path was found by `check::chain::parse` in the same expression")
    }

    /// The place of the consumer's call in `expr`, the marked expression or one whose
    /// consumer the expansion replaced (the code on the way is as written in both);
    /// `None` if `expr` has another shape.
    pub(crate) fn place_in<'e>(&self, expr: &'e mut Expr) -> Option<&'e mut Expr> {
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
                _ => return None,
            };
        }
        Some(strip_parens_mut(node))
    }

    /// Whether an adapter needs the whole of the stage before it (`chain`, `rev`), so
    /// that a serial source is read whole first rather than in batches.
    fn needs_whole(&self) -> bool {
        self.adapters
            .iter()
            .any(|a| a.method == "chain" || a.method == "rev")
    }

    /// Whether the pipeline may stop early (`take`, `zip`, or a consumer that stops at a
    /// match) at a step that counts positions, after one that drops or adds items
    /// (`filter`, `filter_map`, `flat_map`, `flatten`). Split by rayon, the stage before
    /// the count would run over every item first, to know the positions:
    /// `(2..u64::MAX).filter(is_prime).take(10)` would test every number. Read in
    /// batches it stops where the serial pipeline stops. A pipeline that consumes every
    /// item keeps rayon's split, which is faster (about twice, on light items).
    fn stops_after_unknown_positions(&self) -> bool {
        let unknown = |step: &Step| {
            ["filter", "filter_map", "flat_map", "flatten"]
                .iter()
                .any(|m| step.method == m)
        };
        let Some(first) = self.adapters.iter().position(unknown) else {
            return false;
        };
        let after = &self.adapters[first..];
        let counts = after
            .iter()
            .any(|a| matches!(adapter_entry(&a.method).1, Trait::Indexed))
            || matches!(consumer_entry(&self.consumer.method).1, Trait::Indexed);
        let stops = after
            .iter()
            .any(|a| a.method == "take" || a.method == "zip")
            || ["find", "find_map", "position", "any", "all"]
                .iter()
                .any(|m| self.consumer.method == m);
        counts && stops
    }

    /// The expression that runs the pipeline with the runtime options in `options`: over
    /// a source rayon splits, as rayon's chain; over any other, or where it may stop at
    /// a count of positions after items are dropped, in batches.
    pub(crate) fn expand(&self, options: &Ident) -> TokenStream {
        match self.with_zips_in_source() {
            Some(chain) => chain.expand_parts(options),
            None => self.expand_parts(options),
        }
    }

    fn expand_parts(&self, options: &Ident) -> TokenStream {
        let iter = local("iter");
        let mode = local("mode");
        // Set when a borrowed part of a source read as written makes it exact.
        let exact = local("exact");
        let mut exact_if = None;
        let source = if self.stops_after_unknown_positions() && !self.needs_whole() {
            // Without its parentheses: `InBatches::new((0..n))` would warn at the user's code.
            let stripped = crate::source::strip_parens(&self.source);
            let serial = if joins_sides(stripped) {
                exact_if = Some(quote!(.exact_if(#exact.get())));
                mark_parts(stripped, &exact)
            } else {
                quote!(#stripped)
            };
            let read = quote_spanned! {stripped.span()=>
                (&&&::par_for::__private::InBatches::new(#serial)).__par_for_in_batches()
            };
            quote! {
                {
                    use ::par_for::__private::dispatch::{
                        ViaBatchesHere as _, ViaBorrowedBatches as _, ViaSendBatches as _,
                    };
                    #read
                }
            }
        } else {
            parallel_source(&self.source)
        };
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
        // At the source: one the pipeline cannot run over (`stdin().lock().lines()`) is
        // reported there.
        let at_source = crate::source::strip_parens(&self.source).span();
        let dispatch = quote_spanned! {at_source=>
            (&&&::par_for::__private::Check::new(#source)).__par_for_pipeline()
        };
        let declare_exact = exact_if
            .as_ref()
            .map(|_| quote!(let #exact = ::core::cell::Cell::new(false);));
        quote! {
            #declare_exact
            match {
                use ::par_for::__private::dispatch::{ViaBorrowed as _, ViaHere as _, ViaOwned as _};
                #dispatch
            } {
                ::par_for::__private::Pipeline::Split(#iter) => {
                    ::par_for::__private::run_split(&#options, #iter, |#iter, #mode| {
                        #split
                    })
                }
                ::par_for::__private::Pipeline::Serial(#items) => {
                    ::par_for::__private::install(&#options, #items #exact_if, |#items| {
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
        } else if ["collect", "unzip", "partition"]
            .iter()
            .any(|m| self.consumer.method == m)
        {
            // The runtime's: `collect` and `partition` into any target std's take (rayon's
            // would ask for `ParallelExtend`), `unzip` with an error saying what it needs.
            let method = &self.consumer.method;
            let target = self.consumer.turbofish.as_ref().map(|t| {
                let args = &t.args;
                quote!(::<#args, _>)
            });
            let args = self.consumer.args.iter();
            quote_spanned!(method.span()=> ::par_for::__private::#method #target(#iter #(, #args)*))
        } else {
            self.consumer.call(iter, kind, rayon, Args::Plain, mode)
        };
        quote! {
            #steps
            #consume
        }
    }
}

/// Whether `name` is an adapter with a parallel form.
pub(crate) fn is_adapter(name: &str) -> bool {
    ADAPTERS.iter().any(|(n, ..)| *n == name)
}

/// Whether `name` is a consumer with a parallel form.
pub(crate) fn is_consumer(name: &str) -> bool {
    CONSUMERS.iter().any(|(n, ..)| *n == name)
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
    /// The other side of `zip(other)`.
    fn zipped(&self) -> Option<&Expr> {
        match self.args.iter().collect::<Vec<_>>().as_slice() {
            [other] if self.method == "zip" => Some(other),
            _ => None,
        }
    }

    /// The range of `chain(a..b)` with literal bounds, whose type the items decide.
    fn literal_range_chained(&self) -> Option<&Expr> {
        match self.args.iter().collect::<Vec<_>>().as_slice() {
            [range] if self.method == "chain" && crate::source::is_literal_range(range) => {
                Some(crate::source::strip_parens(range))
            }
            _ => None,
        }
    }

    pub(crate) fn call(
        &self,
        iter: &Ident,
        kind: Trait,
        rayon: &str,
        args: Args,
        mode: &Ident,
    ) -> TokenStream {
        let span = self.method.span();
        if let Some(range) = self.literal_range_chained() {
            return quote_spanned!(span=> ::par_for::__private::chain_range(#iter, #range));
        }
        if let (Args::Source, Some(other)) = (args, self.zipped()) {
            // At the other side: one that cannot be zipped here is reported there, once.
            let at_other = crate::source::strip_parens(other).span();
            let other = crate::source::parallel_source_at(other, at_other);
            return quote_spanned!(at_other=> ::par_for::__private::zip_split(#iter, #other));
        }
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
