//! Form 2, the collecting pipeline: `SOURCE.adapter(..)...consumer(..)` taken apart
//! into its source, its adapters and its consumer, each mapped onto rayon's faithful
//! equivalent.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::{AngleBracketedGenericArguments, Expr, ExprMethodCall, Ident, Token};

use crate::source::parallel_source;

/// A pipeline: the source, its adapters from the source outwards, and its consumer.
pub struct Chain {
    pub source: Expr,
    pub adapters: Vec<Step>,
    pub consumer: Step,
}

/// One method call of the chain.
pub struct Step {
    pub method: Ident,
    pub turbofish: Option<AngleBracketedGenericArguments>,
    pub args: Punctuated<Expr, Token![,]>,
}

#[derive(Clone, Copy)]
enum Trait {
    Parallel,
    Indexed,
}

/// Arguments that are sources themselves (`zip(other)`, `chain(other)`).
#[derive(Clone, Copy, PartialEq)]
enum Args {
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
    ("cycle", "an endless pipeline cannot be collected; use `take` on a finite source"),
    ("fold", "std's `fold` threads one accumulator through the items in order; split it into a `map` of each item and an associative combine: `.map(|x| f(x)).reduce(|a, b| a + b)`, `.map(f).sum()` (and add the initial value after), or the loop `#[par_for(reduce(acc: +))] for x in items { acc += f(x); }`"),
    ("try_fold", "it visits the items one after another; use a #[par_for] loop with `?`, or `find`/`any`"),
    ("try_for_each", "use a #[par_for] `for` loop, where `?` returns the earliest error as the serial loop would"),
    ("last", "write `.rev()` before it and use `.find(|_| true)`, or collect and take the last"),
    ("nth", "use `.skip(n)` and `.find(|_| true)`"),
];

impl Chain {
    /// Takes `expr` apart, or says which part has no faithful parallel form.
    pub fn parse(expr: &Expr) -> syn::Result<Chain> {
        let Expr::MethodCall(outer) = expr else {
            return Err(syn::Error::new_spanned(
                expr,
                "a #[par_for] pipeline is a chain of method calls ending in a consumer, such as \
                 `items.iter().map(f).collect()`",
            ));
        };
        let consumer = consumer(outer)?;
        let mut adapters = Vec::new();
        let mut receiver = &*outer.receiver;
        while let Expr::MethodCall(call) = receiver {
            let name = call.method.to_string();
            if let Some((_, why)) = SEQUENTIAL.iter().find(|(n, _)| *n == name) {
                return Err(no_parallel_form(&call.method, why));
            }
            if !ADAPTERS.iter().any(|(n, ..)| *n == name) {
                break;
            }
            adapters.push(step(call));
            receiver = &call.receiver;
        }
        adapters.reverse();
        Ok(Chain {
            source: receiver.clone(),
            adapters,
            consumer,
        })
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

    /// The pipeline's parallel source, made on the calling thread.
    pub fn source(&self) -> TokenStream {
        let source = parallel_source(&self.source);
        quote!(::par_for::__private::pipeline(#source))
    }

    /// The statements that turn the source in `iter` into the pipeline, and the final
    /// consumer call.
    pub fn expand(&self, iter: &Ident, min_len: Option<&Expr>) -> TokenStream {
        let mut steps = TokenStream::new();
        if let Some(min_len) = min_len {
            steps.extend(quote! {
                let #iter = ::par_for::__private::IndexedParallelIterator::with_min_len(#iter, #min_len);
            });
        }
        for adapter in &self.adapters {
            let (_, kind, rayon, args) = ADAPTERS
                .iter()
                .find(|(n, ..)| adapter.method == n)
                .expect("adapters were recognised by name");
            if let Trait::Indexed = kind {
                steps.extend(to_indexed(iter));
            }
            let call = adapter.call(iter, *kind, rayon, *args);
            steps.extend(quote!(let #iter = #call;));
        }
        let (_, kind, rayon) = CONSUMERS
            .iter()
            .find(|(n, ..)| self.consumer.method == n)
            .expect("the consumer was recognised by name");
        if let Trait::Indexed = kind {
            steps.extend(to_indexed(iter));
        }
        let consume = self.consumer.call(iter, *kind, rayon, Args::Plain);
        quote! {
            #steps
            #consume
        }
    }
}

impl Step {
    fn call(&self, iter: &Ident, kind: Trait, rayon: &str, args: Args) -> TokenStream {
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
                let other = quote!(::par_for::__private::pipeline(#source));
                match kind {
                    Trait::Indexed => indexed(other),
                    Trait::Parallel => other,
                }
            }
        });
        quote_spanned!(span=> #path::#method #turbofish(#iter #(, #args)*))
    }
}

/// Makes `iter` indexed for the adapter that follows (see the runtime's `ToIndexed`).
fn to_indexed(iter: &Ident) -> TokenStream {
    let indexed = indexed(quote!(#iter));
    quote!(let #iter = #indexed;)
}

fn indexed(iter: TokenStream) -> TokenStream {
    quote! {
        {
            use ::par_for::__private::dispatch::{ViaCollect as _, ViaIndexed as _};
            (&&::par_for::__private::ToIndexed::new(#iter)).__par_for_indexed()
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

fn consumer(call: &ExprMethodCall) -> syn::Result<Step> {
    let name = call.method.to_string();
    if CONSUMERS.iter().any(|(n, ..)| *n == name) {
        return Ok(step(call));
    }
    if let Some((_, why)) = SEQUENTIAL.iter().find(|(n, _)| *n == name) {
        return Err(no_parallel_form(&call.method, why));
    }
    let known: Vec<&str> = CONSUMERS.iter().map(|(n, ..)| *n).collect();
    let what = if ADAPTERS.iter().any(|(n, ..)| *n == name) {
        format!("a #[par_for] pipeline must end in a consumer, but `{name}` is an adapter")
    } else {
        format!("`{name}` is not a consumer #[par_for] can run in parallel")
    };
    Err(syn::Error::new_spanned(
        &call.method,
        format!(
            "{what}\nhelp: end the pipeline with one of: {}",
            known.join(", ")
        ),
    ))
}

fn no_parallel_form(method: &Ident, why: &str) -> syn::Error {
    syn::Error::new_spanned(
        method,
        format!("`{method}` has no faithful parallel form in a #[par_for] pipeline: {why}"),
    )
}
