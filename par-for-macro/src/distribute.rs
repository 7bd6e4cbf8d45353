//! `#[par_for(distribute)]`: a Form 2 pipeline, or a Form 1 loop whose only effects are
//! its reductions, split across MPI ranks.
//!
//! The expansion asks the runtime whether this loop splits here (MPI up with several
//! ranks, on the thread that started it, not inside another distributed loop); if not,
//! it runs the local `#[par_for]` expansion unchanged. Split, the source is cut by
//! position after its index-keeping adapters (`map`, `enumerate`, `zip`, ...), each rank
//! runs the rest of the pipeline on its pieces, and the runtime gathers the pieces'
//! results and folds them in iteration order on every rank.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Ident};

use crate::ast::{pipeline_expr_mut, Form, Marked};
use crate::attr::Options;
use crate::effects::{check_body, check_source};
use crate::error::Errors;
use crate::expand;
use crate::flow::{self, Target};
use crate::in_place;
use crate::pipeline::{Chain, Step};
use crate::source::parallel_source;
use crate::valid::check_task;

/// The expansion of a statement marked `distribute`.
pub fn marked(marked: Marked, errors: &mut Errors) -> TokenStream {
    let Marked { mut options, form } = marked;
    let split = split(&options, errors);
    match form {
        Form::Loop(for_loop) => distributed_loop(&options, for_loop, &split, errors),
        Form::Pipeline { stmt, chain } => {
            distributed_pipeline(&options, stmt, &chain, &split, errors)
        }
        form @ Form::Stream { .. } => {
            if let Some(span) = options.distribute.take() {
                errors.push(syn::Error::new(
                    span,
                    "`distribute` does not apply to a streaming loop: its body runs on this \
                     process, in order\nhelp: distribute the work with a `distribute` pipeline \
                     (`let results: Vec<_> = items.iter().map(task).collect();`) and loop over \
                     its results",
                ));
            }
            options.schedule = None;
            expand::marked(Marked { options, form }, errors)
        }
    }
}

/// `Split::blocks` (static blocks), `Split::cyclic` or `Split::chunks(.., n)`: how the
/// source is dealt, as a function of the indexed iterator.
fn split(options: &Options, errors: &mut Errors) -> TokenStream {
    let path = quote!(::par_for::__private::mpi::Split);
    let Some(schedule) = &options.schedule else {
        return quote!(#path::blocks);
    };
    match schedule {
        Expr::Path(p) if p.path.is_ident("blocks") => quote!(#path::blocks),
        Expr::Path(p) if p.path.is_ident("cyclic") => quote!(#path::cyclic),
        Expr::Call(call)
            if matches!(&*call.func, Expr::Path(p) if p.path.is_ident("chunks"))
                && call.args.len() == 1 =>
        {
            let n = &call.args[0];
            quote!((|__par_for_iter| #path::chunks(__par_for_iter, #n)))
        }
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "`schedule` is `blocks` (the default: one contiguous block per rank), `cyclic` \
                 (smaller blocks dealt round-robin, for uneven work) or `chunks(N)` (blocks of N \
                 items dealt round-robin)",
            ));
            quote!(#path::blocks)
        }
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

fn distributed_loop(
    options: &Options,
    for_loop: ExprForLoop,
    split: &TokenStream,
    errors: &mut Errors,
) -> TokenStream {
    let reductions: HashSet<String> = options.reduce.iter().map(|r| r.var.to_string()).collect();
    check_source(&for_loop.expr, errors);
    check_body(
        &[&for_loop.pat],
        &|effects| {
            effects.visit_block(&for_loop.body);
            effects.check_loop_body(&for_loop.body);
        },
        &reductions,
        errors,
    );
    let local = expand::parallel_loop(options, for_loop.clone(), errors);

    // The local expansion reported the body's errors already; this is the same task,
    // each reduction variable `&mut` to this task's private copy, as there.
    let mut quiet = Errors::default();
    let free = check_task(
        &[&for_loop.pat],
        &|checker| checker.visit_block(&for_loop.body),
        &reductions,
        &mut quiet,
    )
    .and(expand::source_reads(&for_loop.expr, &mut quiet));
    let mut body = for_loop.body.clone();
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let jumps = flow::rewrite(&mut body, label, Target::Worker, &free.reads, &mut quiet);
    let vars: Vec<&Ident> = options.reduce.iter().map(|r| &r.var).collect();
    let identities = local_ident("identity");
    in_place::rewrite(&for_loop.pat, &mut body, &vars, &|i| {
        let i = syn::Index::from(i);
        quote!((#identities.#i)())
    });

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
    let combines = options.reduce.iter().zip(&index).map(|(r, i)| {
        let combine = expand::combine(r);
        quote!(#combine(#left.#i, #right.#i))
    });
    let merge_back = options.reduce.iter().zip(&index).map(|(r, i)| {
        let (combine, var) = (expand::combine(r), &r.var);
        quote!(#var = #combine(#var, #total.#i);)
    });
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
    let pat = &for_loop.pat;
    quote! {
        {
            let #plan = ::par_for::__private::mpi::Plan::new(#site);
            if #plan.splits() #cond {
                let #options_var = #settings;
                let #identities = (#(|| #make_identity,)*);
                #[allow(unreachable_code, unused_variables)]
                let (#total, #exit) = ::par_for::__private::mpi::for_each_reduce(
                    &#plan,
                    &#options_var,
                    #split(#source),
                    || (#((#identities.#index)(),)*),
                    |#left, #right| (#(#combines,)*),
                    |#acc, #pat| {
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

fn distributed_pipeline(
    options: &Options,
    stmt: syn::Stmt,
    chain: &Chain,
    split: &TokenStream,
    errors: &mut Errors,
) -> TokenStream {
    check_source(&chain.source, errors);
    for closure in chain.closures() {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        check_body(
            &inputs,
            &|effects| effects.visit_expr(&closure.body),
            &HashSet::new(),
            errors,
        );
    }
    let local = expand::pipeline(options, stmt, chain, errors);
    let Some(distributed) = pipeline_value(options, chain, split, errors) else {
        return local;
    };
    // The local expansion is the statement with its pipeline replaced: put the choice
    // between the two in that place.
    let Ok(mut stmt) = syn::parse2::<syn::Stmt>(local.clone()) else {
        return local;
    };
    let slot = match pipeline_expr_mut(&mut stmt) {
        Some(slot) => slot,
        None => match &mut stmt {
            syn::Stmt::Expr(expr, _) => expr,
            _ => return local,
        },
    };
    let plan = local_ident("plan");
    let site = site(chain.consumer.method.span());
    let cond = condition(options);
    let local_value = slot.clone();
    *slot = Expr::Verbatim(quote! {
        {
            let #plan = ::par_for::__private::mpi::Plan::new(#site);
            if #plan.splits() #cond {
                #distributed
            } else {
                #local_value
            }
        }
    });
    quote!(#stmt)
}

/// The distributed pipeline's value: cut, run on this rank's pieces, folded.
fn pipeline_value(
    options: &Options,
    chain: &Chain,
    split: &TokenStream,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let iter = local_ident("iter");
    let mut prefix = TokenStream::new();
    let mut rest = TokenStream::new();
    let mut per_item: Option<&Ident> = None;
    for step in &chain.adapters {
        let name = step.method.to_string();
        let keeps = KEEP_POSITIONS.iter().find(|(n, ..)| *n == name);
        if let (None, Some(&(_, rayon, indexed))) = (per_item, keeps) {
            prefix.extend(adapter_call(step, &iter, rayon, indexed, errors));
        } else if let Some(&(_, rayon)) = PER_ITEM.iter().find(|(n, _)| *n == name) {
            per_item.get_or_insert(&step.method);
            rest.extend(adapter_call(step, &iter, rayon, false, errors));
        } else {
            let first = per_item.map_or_else(String::new, ToString::to_string);
            errors.push(syn::Error::new_spanned(
                &step.method,
                format!(
                    "`{name}` after `{first}` needs the positions the items have after `{first}`, \
                     which depend on every item before them, but a `distribute` pipeline deals \
                     its items to the ranks by their positions in the source\nhelp: move \
                     `{name}` before `{first}` (as in `.enumerate().filter(|(i, x)| ..)`), or \
                     drop `distribute`"
                ),
            ));
            return None;
        }
    }
    let (per_block, fold) = consumer(&chain.consumer, &iter, per_item, errors)?;
    let offset = local_ident("offset");
    let offset = (chain.consumer.method == "position")
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
    Some(quote! {
        let #options_var = #settings;
        let #iter = #source;
        #prefix
        let #parts = ::par_for::__private::mpi::pipeline(&#plan, &#options_var, #split(#iter), |#iter| {
            #offset
            #min_len
            #rest
            #per_block
        });
        #fold
    })
}

fn adapter_call(
    step: &Step,
    iter: &Ident,
    rayon: &str,
    indexed: bool,
    errors: &mut Errors,
) -> TokenStream {
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
        if !takes_source {
            return quote!(#arg);
        }
        check_source(arg, errors);
        split_source(arg)
    });
    let args: Vec<TokenStream> = args.collect();
    quote_spanned!(span=> let #iter = #path::#method #turbofish(#iter #(, #args)*);)
}

/// The consumer on one block, and the fold of the blocks' results into its value.
fn consumer(
    step: &Step,
    iter: &Ident,
    per_item: Option<&Ident>,
    errors: &mut Errors,
) -> Option<(TokenStream, TokenStream)> {
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
    Some(match name.as_str() {
        "collect" => (
            quote_spanned!(span=> #all::collect::<::std::vec::Vec<_>>(#iter)),
            quote_spanned!(span=> ::core::iter::Iterator::collect #turbofish(#fold::concat(#parts))),
        ),
        "sum" | "product" => (
            quote_spanned!(span=> #all::#method #turbofish(#iter)),
            quote_spanned!(span=> #fold::#method(#parts)),
        ),
        "count" | "min" | "max" => (
            quote_spanned!(span=> #all::#method(#iter)),
            quote_spanned!(span=> #fold::#method(#parts)),
        ),
        "min_by_key" | "max_by_key" | "min_by" | "max_by" | "reduce" => {
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
        "any" | "all" => (
            quote_spanned!(span=> #all::#method(#iter, #args)),
            quote_spanned!(span=> #fold::#method(#parts)),
        ),
        "find" | "find_map" => {
            let rayon = Ident::new(&format!("{name}_first"), span);
            (
                quote_spanned!(span=> #all::#rayon(#iter, #args)),
                quote_spanned!(span=> #fold::first(#parts)),
            )
        }
        "position" => {
            if let Some(first) = per_item {
                errors.push(syn::Error::new_spanned(
                    &step.method,
                    format!(
                        "`position` after `{first}` counts the items that are left after \
                         `{first}`, which depend on every item before them, but a `distribute` \
                         pipeline deals its items to the ranks by their positions in the source\n\
                         help: find the item with `find`, or drop `distribute`"
                    ),
                ));
                return None;
            }
            (
                quote_spanned! {span=>
                    ::core::option::Option::map(
                        ::par_for::__private::IndexedParallelIterator::position_first(#iter, #args),
                        |#index| #index + #offset,
                    )
                },
                quote_spanned!(span=> #fold::first(#parts)),
            )
        }
        other => {
            let why = match other {
                "for_each" => "its closure acts on the world, and each MPI rank would act only for its own items; compute values with `map` and `collect` them, or drop `distribute`",
                _ => "it is not distributable yet; `collect` the pairs or items and split them after the pipeline, or drop `distribute`",
            };
            errors.push(syn::Error::new_spanned(
                &step.method,
                format!("`{other}` cannot end a `distribute` pipeline: {why}"),
            ));
            return None;
        }
    })
}
