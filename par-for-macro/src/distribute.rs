//! The code of `#[par_for(distribute)]`: a Form 2 pipeline, or a Form 1 loop whose only
//! effects are its reductions, split across MPI ranks (`check/distribute.rs` checks
//! them and plans the cut).
//!
//! The expansion asks the runtime whether this loop splits here (MPI up with several
//! ranks, on the thread that started it, not inside another distributed loop); if not,
//! it runs the local `#[par_for]` expansion unchanged. Split, the source is cut by
//! position after its index-keeping adapters (`map`, `enumerate`, `zip`, ...), each rank
//! runs the rest of the pipeline on its pieces, and the runtime gathers the pieces'
//! results and folds them in iteration order on every rank.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Ident};

use crate::ast::pipeline_expr_mut;
use crate::attr::Options;
use crate::check::{Gather, LoopPlan, PipelinePlan, Schedule};
use crate::expand;
use crate::in_place;
use crate::pipeline::Step;
use crate::source::parallel_source;

/// The expansion of a loop marked `distribute`.
pub(crate) fn distributed_loop(plan: &LoopPlan, schedule: &Schedule) -> TokenStream {
    let local = expand::parallel_loop(plan);
    split_loop(plan, &split(schedule), local)
}

/// The expansion of a pipeline marked `distribute`, cut after its first `cut` adapters.
pub(crate) fn distributed_pipeline(
    plan: &PipelinePlan,
    schedule: &Schedule,
    cut: usize,
    gather: &Gather,
) -> TokenStream {
    let local = expand::pipeline(plan);
    let distributed = pipeline_value(plan, &split(schedule), cut, gather);
    // The local expansion is the statement with its pipeline replaced: put the choice
    // between the two in that place.
    let Ok(mut stmt) = syn::parse2::<syn::Stmt>(local.clone()) else {
        return local;
    };
    let marked = match pipeline_expr_mut(&mut stmt) {
        Some(slot) => slot,
        None => match &mut stmt {
            syn::Stmt::Expr(expr, _) => expr,
            _ => return local,
        },
    };
    // Only the pipeline's value: what comes after its consumer (`.map(f)`, `* 2`, `?`)
    // is serial code on either value, as written.
    let Some(slot) = plan.chain.place_in(marked) else {
        return local;
    };
    let plan_var = local_ident("plan");
    let site = site(plan.chain.consumer.method.span());
    let cond = condition(&plan.options);
    let local_value = slot.clone();
    // In parentheses: the value of a `let .. else` may not end in a `}`.
    *slot = Expr::Verbatim(quote! {
        ({
            let #plan_var = ::par_for::__private::mpi::Plan::new(#site);
            if #plan_var.splits() #cond {
                #distributed
            } else {
                #local_value
            }
        })
    });
    quote!(#stmt)
}

/// `Split::blocks` (static blocks), `Split::cyclic` or `Split::chunks(.., n)`: how the
/// source is dealt, as a function of the indexed iterator.
fn split(schedule: &Schedule) -> TokenStream {
    let path = quote!(::par_for::__private::mpi::Split);
    match schedule {
        Schedule::Blocks => quote!(#path::blocks),
        Schedule::Cyclic => quote!(#path::cyclic),
        Schedule::Chunks(n) => quote!((|__par_for_iter| #path::chunks(__par_for_iter, #n))),
    }
}

/// `file:line:column` of the statement, the same on every rank: the watchdog's name for it.
fn site(span: Span) -> TokenStream {
    quote_spanned!(span=> ::core::concat!(::core::file!(), ":", ::core::line!(), ":", ::core::column!()))
}

fn settings(options: &Options) -> TokenStream {
    let mut settings = quote!(::par_for::__private::Options::new());
    if let Some(threads) = &options.threads {
        settings.extend(quote!(.threads(#threads)));
    }
    if let Some(min_len) = &options.min_len {
        settings.extend(quote!(.min_len(#min_len)));
    }
    settings
}

/// `&& COND` when the loop has `if = COND`: a false condition runs it locally.
fn condition(options: &Options) -> TokenStream {
    options
        .parallel_if
        .as_ref()
        .map(|cond| quote!(&& (#cond)))
        .unwrap_or_default()
}

/// The loop split across the ranks when it splits here, `local` when not.
fn split_loop(plan: &LoopPlan, split: &TokenStream, local: TokenStream) -> TokenStream {
    let LoopPlan {
        options,
        for_loop,
        jumps,
        ..
    } = plan;
    // The same task as the local expansion's, each reduction variable `&mut` to this
    // task's private copy.
    // Each rank computes the value of a `return` and sends it: it is built from what the
    // iterations borrow, not from variables moved after the loop.
    let mut body = expand::worker_body(plan, None, None);
    let vars: Vec<&Ident> = options.reduce.iter().map(|r| &r.var).collect();
    let identities = local_ident("identity");
    in_place::rewrite(&for_loop.pat, &mut body, &vars, &|i| {
        let i = syn::Index::from(i);
        quote!((#identities.#i)())
    });
    let body = expand::unit_statement(&body);
    // A body that cannot leave the loop was rewritten for a task returning `()` (its
    // `continue` is a plain `return`): run it in a closure of its own.
    let body = if jumps.breaks || jumps.returns {
        body
    } else {
        quote!((|| { #body })();)
    };

    let plan = local_ident("plan");
    let options_var = local_ident("options");
    let total = local_ident("reduced");
    let exit = local_ident("exit");
    let acc = local_ident("acc");
    let (left, right) = (local_ident("left"), local_ident("right"));
    let site = site(for_loop.for_token.span);
    let settings = settings(options);
    let cond = condition(options);
    let source = split_source(&for_loop.expr);
    let index: Vec<syn::Index> = (0..vars.len()).map(syn::Index::from).collect();
    let make_identity = options.reduce.iter().map(expand::identity);
    let combiners = local_ident("combine");
    let make_combine = options.reduce.iter().map(expand::combine);
    let combines = index
        .iter()
        .map(|i| quote!((#combiners.#i)(#left.#i, #right.#i)));
    let merge_back = options
        .reduce
        .iter()
        .zip(&index)
        .map(|(r, i)| expand::merge_back(&r.var, quote!((#combiners.#i)), quote!(#total.#i)));
    let value = if jumps.returns { quote!(_) } else { quote!(()) };
    let leave = if jumps.returns {
        quote! {
            if let ::par_for::__private::Exit::Returned(#exit) = #exit {
                return #exit.run();
            }
        }
    } else {
        quote!(let _ = #exit;)
    };
    // Bound as the local loop binds it, so that a pattern that does not fit the items
    // is reported once for both.
    let item = local_ident("item");
    let bind_item =
        expand::item_binding(for_loop, quote!(::core::convert::identity), quote!(#item));
    quote! {
        {
            let #plan = ::par_for::__private::mpi::Plan::new(#site);
            if #plan.splits() #cond {
                let #options_var = #settings;
                let #identities = (#(|| #make_identity,)*);
                let #combiners = (#(#make_combine,)*);
                #[allow(unreachable_code, unused_variables)]
                let (#total, #exit) = ::par_for::__private::mpi::for_each_reduce(
                    &#plan,
                    &#options_var,
                    #split(#source),
                    || (#((#identities.#index)(),)*),
                    |#left, #right| (#(#combines,)*),
                    |#acc, #item| {
                        #bind_item
                        let (#(#vars,)*) = #acc;
                        (|| -> ::par_for::__private::Flow<#value> {
                            #body
                            ::par_for::__private::Flow::Continue
                        })()
                    },
                );
                #(#merge_back)*
                #leave
            } else #local
        }
    }
}

/// `mpi::source(SOURCE)`, the indexed iterator a distributed loop deals to the ranks.
///
/// The source is bound first to a name spanned at it, so that the argument and the call
/// have one span: a source that cannot be split is then reported once, at the source.
fn split_source(expr: &Expr) -> TokenStream {
    let span = expr.span();
    let source = parallel_source(expr);
    let bound = Ident::new("__par_for_split", span);
    quote_spanned! {span=>
        {
            let #bound = #source;
            ::par_for::__private::mpi::source(#bound)
        }
    }
}

fn local_ident(name: &str) -> Ident {
    Ident::new(&format!("__par_for_{name}"), Span::mixed_site())
}

/// Adapters that keep positions: the source is cut after the last of them.
const KEEP_POSITIONS: &[(&str, &str, bool)] = &[
    // (std name, rayon name, needs `IndexedParallelIterator`)
    ("map", "map", false),
    ("inspect", "inspect", false),
    ("copied", "copied", false),
    ("cloned", "cloned", false),
    ("chain", "chain", false),
    ("enumerate", "enumerate", true),
    ("zip", "zip", true),
    ("skip", "skip", true),
    ("take", "take", true),
    ("step_by", "step_by", true),
    ("rev", "rev", true),
];

/// Adapters that look at one item at a time: they run on each rank's pieces.
const PER_ITEM: &[(&str, &str)] = &[
    ("map", "map"),
    ("inspect", "inspect"),
    ("copied", "copied"),
    ("cloned", "cloned"),
    ("filter", "filter"),
    ("filter_map", "filter_map"),
    ("flat_map", "flat_map_iter"),
    ("flatten", "flatten_iter"),
];

/// Whether an adapter keeps the positions of the items: the source may be cut after it.
pub(crate) fn keeps_positions(method: &Ident) -> bool {
    KEEP_POSITIONS.iter().any(|(n, ..)| method == n)
}

/// Whether an adapter looks at one item at a time: it may run on each rank's pieces.
pub(crate) fn per_item(method: &Ident) -> bool {
    PER_ITEM.iter().any(|(n, _)| method == n)
}

/// The distributed pipeline's value: cut, run on this rank's pieces, folded.
fn pipeline_value(
    plan: &PipelinePlan,
    split: &TokenStream,
    cut: usize,
    gather: &Gather,
) -> TokenStream {
    let PipelinePlan { options, chain, .. } = plan;
    let iter = local_ident("iter");
    let mut prefix = TokenStream::new();
    let mut rest = TokenStream::new();
    // The check cut the chain after adapters that keep positions, and let only
    // per-item adapters after the cut.
    for step in &chain.adapters[..cut] {
        let name = step.method.to_string();
        let (rayon, indexed) = KEEP_POSITIONS
            .iter()
            .find(|(n, ..)| *n == name)
            .map_or((name.as_str(), false), |&(_, rayon, indexed)| {
                (rayon, indexed)
            });
        prefix.extend(adapter_call(step, &iter, rayon, indexed));
    }
    for step in &chain.adapters[cut..] {
        let name = step.method.to_string();
        let rayon = PER_ITEM
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(name.as_str(), |&(_, rayon)| rayon);
        rest.extend(adapter_call(step, &iter, rayon, false));
    }
    let (per_block, fold) = consumer(&chain.consumer, gather, &iter);
    let offset = local_ident("offset");
    let offset = matches!(gather, Gather::Position)
        .then(|| quote!(let #offset = ::par_for::__private::mpi::Block::offset(&#iter);));
    let min_len = options.min_len.as_ref().map(|n| {
        quote!(let #iter = ::par_for::__private::IndexedParallelIterator::with_min_len(#iter, #n);)
    });
    let source = split_source(&chain.source);
    let (plan, options_var, parts) = (
        local_ident("plan"),
        local_ident("options"),
        local_ident("parts"),
    );
    let settings = settings(options);
    // At the consumer: a result that cannot travel between ranks (no serde) is reported
    // at the user's call, not at the function's attribute.
    let run = quote_spanned! {chain.consumer.method.span()=>
        ::par_for::__private::mpi::pipeline(&#plan, &#options_var, #split(#iter), |#iter| {
            #offset
            #min_len
            #rest
            #per_block
        })
    };
    quote! {
        let #options_var = #settings;
        let #iter = #source;
        #prefix
        let #parts = #run;
        #fold
    }
}

/// `let ITER = Trait::RAYON(ITER, ARGS);` for `step`.
fn adapter_call(step: &Step, iter: &Ident, rayon: &str, indexed: bool) -> TokenStream {
    let span = step.method.span();
    let method = Ident::new(rayon, span);
    let path = if indexed {
        quote_spanned!(span=> ::par_for::__private::IndexedParallelIterator)
    } else {
        quote_spanned!(span=> ::par_for::__private::ParallelIterator)
    };
    let turbofish = step.turbofish.as_ref().map(|t| {
        let args = &t.args;
        quote!(::<#args>)
    });
    let takes_source = step.method == "zip" || step.method == "chain";
    let args = step.args.iter().map(|arg| {
        if takes_source {
            split_source(arg)
        } else {
            quote!(#arg)
        }
    });
    quote_spanned!(span=> let #iter = #path::#method #turbofish(#iter #(, #args)*);)
}

/// The consumer on one block, and the fold of the blocks' results into its value.
fn consumer(step: &Step, gather: &Gather, iter: &Ident) -> (TokenStream, TokenStream) {
    let name = step.method.to_string();
    let span = step.method.span();
    let method = Ident::new(&name, span);
    let args = &step.args;
    let turbofish = step.turbofish.as_ref().map(|t| {
        let args = &t.args;
        quote!(::<#args>)
    });
    let all = quote_spanned!(span=> ::par_for::__private::ParallelIterator);
    let fold = quote_spanned!(span=> ::par_for::__private::mpi::fold);
    let parts = local_ident("parts");
    let offset = local_ident("offset");
    let index = local_ident("index");
    match gather {
        Gather::Collect => (
            quote_spanned!(span=> #all::collect::<::std::vec::Vec<_>>(#iter)),
            quote_spanned!(span=> ::core::iter::Iterator::collect #turbofish(#fold::concat(#parts))),
        ),
        Gather::Total => (
            quote_spanned!(span=> #all::#method #turbofish(#iter)),
            quote_spanned!(span=> #fold::#method(#parts)),
        ),
        Gather::Plain => (
            quote_spanned!(span=> #all::#method(#iter)),
            quote_spanned!(span=> #fold::#method(#parts)),
        ),
        Gather::Combine => {
            let rayon = if name == "reduce" {
                Ident::new("reduce_with", span)
            } else {
                method.clone()
            };
            (
                quote_spanned!(span=> #all::#rayon(#iter, #args)),
                quote_spanned!(span=> #fold::#method(#parts, #args)),
            )
        }
        Gather::Test => (
            quote_spanned!(span=> #all::#method(#iter, #args)),
            quote_spanned!(span=> #fold::#method(#parts)),
        ),
        Gather::First => {
            let rayon = Ident::new(&format!("{name}_first"), span);
            (
                quote_spanned!(span=> #all::#rayon(#iter, #args)),
                quote_spanned!(span=> #fold::first(#parts)),
            )
        }
        Gather::Position => (
            quote_spanned! {span=>
                ::core::option::Option::map(
                    ::par_for::__private::IndexedParallelIterator::position_first(#iter, #args),
                    |#index| #index + #offset,
                )
            },
            quote_spanned!(span=> #fold::first(#parts)),
        ),
    }
}
