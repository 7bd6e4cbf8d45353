//! Form 2 over a serial source (the runtime's `batches`): the pipeline as a closure
//! run once per batch, and the consumer as std's, over the batches' results in order.
//!
//! Adapters that count positions (`enumerate`, `skip`, `take`, `step_by`) carry their
//! count from batch to batch in the runtime's `Cursor`; `zip`'s other side is one
//! serial iterator for all batches. A function argument that is not a closure literal
//! is passed by reference, so that it may be used again in every batch.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Expr;
use syn::Ident;

use crate::pipeline::{adapter_entry, consumer_entry, local, to_indexed, Args, Chain, Step};

/// The statements, run on the pool, that consume the batches of `items`.
pub(crate) fn expand(chain: &Chain, items: &Ident) -> TokenStream {
    let iter = local("iter");
    let cursor = local("cursor");
    let mode = local("mode");
    let batches = local("batches");
    let mut before = TokenStream::new();
    let mut steps = TokenStream::new();
    let mut stages = 0usize;
    for (at, adapter) in chain.adapters.iter().enumerate() {
        let name = adapter.method.to_string();
        let span = adapter.method.span();
        let method = &adapter.method;
        match name.as_str() {
            "enumerate" | "skip" | "take" | "step_by" => {
                steps.extend(to_indexed(&iter, &mode));
                let args = adapter.args.iter();
                steps.extend(quote_spanned! {span=>
                    let #iter = ::par_for::__private::batch::#method(#iter, #cursor, #stages #(, #args)*);
                });
                stages += 1;
            }
            "zip" => {
                let other = local(&format!("zip{at}"));
                let args = &adapter.args;
                before.extend(quote_spanned! {span=>
                    let mut #other = ::core::iter::IntoIterator::into_iter(#args);
                });
                steps.extend(to_indexed(&iter, &mode));
                steps.extend(quote_spanned! {span=>
                    let #iter = ::par_for::__private::batch::zip(#iter, #cursor, &mut #other);
                });
            }
            _ => {
                let (_, kind, rayon, args) = adapter_entry(method);
                let call = reusable(adapter, at, &mut before).call(&iter, kind, rayon, args, &mode);
                steps.extend(quote!(let #iter = #call;));
            }
        }
    }
    let at = chain.adapters.len();
    let (partial, finish) = consumer(&chain.consumer, at, &iter, &mode, &batches, &mut before);
    quote! {
        #before
        let #batches = ::par_for::__private::batch::batches(#items, #stages, |#iter, #cursor| {
            let #mode = ::par_for::__private::Mode::parallel();
            #steps
            #partial
        });
        #finish
    }
}

/// The consumer over one batch, and the consumer of the batches' results.
fn consumer(
    step: &Step,
    at: usize,
    iter: &Ident,
    mode: &Ident,
    batches: &Ident,
    before: &mut TokenStream,
) -> (TokenStream, TokenStream) {
    let name = step.method.to_string();
    let span = step.method.span();
    let method = &step.method;
    let step = reusable(step, at, before);
    let args: Vec<&Expr> = step.args.iter().collect();
    let turbofish = step.turbofish.as_ref().map(|t| {
        let args = &t.args;
        quote!(::<#args>)
    });
    let on_batch = || {
        let (_, kind, rayon) = consumer_entry(method);
        step.call(iter, kind, rayon, Args::Plain, mode)
    };
    // At the user's call, so that the compiler's errors about the result do not point
    // at the function's attribute.
    let batch = quote_spanned!(span=> ::par_for::__private::batch);
    let std_iter = quote_spanned!(span=> ::core::iter::Iterator);
    let flat = quote_spanned!(span=> #std_iter::flatten(#batches));
    match name.as_str() {
        "collect" | "unzip" => (
            quote!(::par_for::__private::ParallelIterator::collect::<::std::vec::Vec<_>>(#iter)),
            quote_spanned!(span=> #std_iter::#method #turbofish(#flat)),
        ),
        "sum" | "product" => (on_batch(), quote_spanned!(span=> #batch::#method(#batches))),
        "count" => (on_batch(), quote!(#batch::sum::<usize>(#batches))),
        "find" | "find_map" => (on_batch(), quote!(#batch::first(#batches))),
        "any" | "all" | "for_each" => (on_batch(), quote!(#batch::#method(#batches))),
        "position" => {
            let indexed = to_indexed(iter, mode);
            (
                quote_spanned!(span=> #indexed #batch::position(#iter #(, #args)*)),
                quote!(#batch::position_of(#batches)),
            )
        }
        "partition" => (
            quote_spanned!(span=> #batch::partition_marks(#iter #(, #args)*)),
            quote!(#batch::partition(#batches)),
        ),
        // min, max, min_by_key, max_by_key, min_by, max_by, reduce: std's consumer over
        // each batch's answer, in order, breaks ties as it would over all the items.
        _ => (
            on_batch(),
            quote_spanned!(span=> #std_iter::#method #turbofish(#flat #(, #args)*)),
        ),
    }
}

/// The step with its function arguments made usable in every batch: one that is not a
/// closure literal is evaluated once, before the batches (`before`), and passed by
/// reference (`.map(&g)`, `.map(make_f())`); a closure literal is written again in each
/// batch, without its `move`, so that it borrows what it would have moved (the batches'
/// closure is called once per batch, and could not move it again). Either way the
/// function reads the same values, as it must from every thread.
fn reusable(step: &Step, at: usize, before: &mut TokenStream) -> Step {
    let args = step
        .args
        .iter()
        .enumerate()
        .map(|(k, arg)| match arg {
            Expr::Closure(closure) => {
                let mut closure = closure.clone();
                closure.capture = None;
                Expr::Closure(closure)
            }
            other => {
                let name = local(&format!("arg{at}_{k}"));
                before.extend(quote!(let #name = #other;));
                Expr::Verbatim(quote!(&#name))
            }
        })
        .collect();
    Step {
        method: step.method.clone(),
        turbofish: step.turbofish.clone(),
        args,
    }
}
