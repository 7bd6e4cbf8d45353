//! Code generation: each marked statement becomes a call into `::par_for::__private`,
//! with the original serial loop kept for `PAR_FOR_THREADS=1` and `if = false`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, ExprForLoop, Ident};

use crate::ast::pipeline_expr_mut;
use crate::attr::Options;
use crate::check::{LoopPlan, PipelinePlan, Plan};
use crate::deferred::Moves;
use crate::distribute::{distributed_loop, distributed_pipeline};
use crate::flow::{self, Target};
use crate::in_place;
use crate::source::parallel_source;
use crate::task::shared_reads;

mod captures;
mod reducing;
mod stream;

pub(crate) use captures::Lets;
pub(crate) use reducing::{combine, identity, merge_back};
pub(crate) use stream::stream_loop;

/// The code that replaces one checked marked statement.
/// `lets` are the `let` bindings visible at the statement (see [`Lets`]).
pub(crate) fn plan(plan: Plan, lets: &Lets) -> TokenStream {
    match plan {
        Plan::Loop(plan) => parallel_loop(&plan),
        Plan::Pipeline(plan) => pipeline(&plan),
        Plan::Stream(plan) => stream_loop(&plan, lets.visible()),
        Plan::DistributedLoop { local, schedule } => distributed_loop(&local, &schedule),
        Plan::DistributedPipeline {
            local,
            schedule,
            cut,
            gather,
        } => distributed_pipeline(&local, &schedule, cut, &gather),
    }
}

/// The loop's body as one iteration runs it on a worker: its jumps rewritten into
/// values the runtime carries back.
pub(crate) fn worker_body(
    plan: &LoopPlan,
    moves: Option<&Moves<'_>>,
    returns: Option<&Ident>,
) -> syn::Block {
    let mut body = plan.for_loop.body.clone();
    let label = plan.for_loop.label.as_ref().map(|l| &l.name);
    flow::rewrite(
        &mut body,
        label,
        Target::Worker,
        &outer_for_returns(plan),
        moves,
        returns,
        plan.jumps,
    );
    body
}

/// Ties `returns` to the type the enclosing function returns, before the loop's body
/// is checked (see `flow::rewrite`). At the loop's `for`, like the `return` after the
/// loop: the compiler's errors about the value returned point there.
fn bind_return_type(returns: &Ident, span: Span) -> TokenStream {
    quote_spanned! {span=>
        let #returns = ::par_for::__private::return_type();
        if false {
            return #returns.never_given();
        }
    }
}

/// A number no other loop of this compilation has, for names that must not shadow an
/// enclosing loop's.
fn next_loop_number() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The outer variables the body reads that a `return` value may name: not one the body
/// binds itself somewhere, which the value may mean instead (see
/// `scope::bound_in_body`).
fn outer_for_returns(plan: &LoopPlan) -> Vec<Ident> {
    let bound = crate::scope::bound_in_body(&plan.for_loop.pat, &plan.for_loop.body);
    plan.reads
        .reads
        .iter()
        .filter(|name| !bound.contains(&syn::ext::IdentExt::unraw(*name).to_string()))
        .cloned()
        .collect()
}

/// The outer variables the loop's `return` values move, if any (at most 8, the most the
/// runtime's `Witness` takes; more keep the borrowed form).
fn moved_by_returns(plan: &LoopPlan) -> Vec<Ident> {
    if !plan.jumps.returns {
        return Vec::new();
    }
    let moved = flow::moved_outer(&plan.for_loop.body, &outer_for_returns(plan));
    if moved.len() > 8 {
        return Vec::new();
    }
    moved
}

pub(crate) fn parallel_loop(plan: &LoopPlan) -> TokenStream {
    let LoopPlan {
        options,
        for_loop,
        reads,
        jumps,
    } = plan;
    let moved = moved_by_returns(plan);
    // Its own name: the `return`s of a loop nested in this one's body are rewritten by
    // both loops, each with its own moved variables.
    let moved_types = local(&format!("moved_{}", next_loop_number()));
    let moves = Moves {
        moved: &moved,
        types: &moved_types,
    };
    // At the loop's `for`: the compiler's errors about the value returned point there.
    let mut returns = local("returns");
    returns.set_span(Span::mixed_site().located_at(for_loop.for_token.span));
    let returns = jumps.returns.then_some(&returns);
    let mut body = worker_body(plan, (!moved.is_empty()).then_some(&moves), returns);
    if !options.reduce.is_empty() {
        let vars: Vec<&Ident> = options.reduce.iter().map(|r| &r.var).collect();
        let identities = local("identity");
        let identity = |i: usize| {
            let i = syn::Index::from(i);
            quote!((#identities.#i)())
        };
        in_place::rewrite(&for_loop.pat, &mut body, &vars, &identity);
    }

    let options_var = local("options");
    let one_thread = local("one_thread");
    // At the user's source, with its hygiene: one the loop cannot run over (an
    // iterator that is not `Send`) is reported there (an identifier of the macro's own
    // is reported at the attribute). No user code names it: the prefix is par-for's.
    let source_var = Ident::new(
        "__par_for_source",
        crate::source::strip_parens(&for_loop.expr).span(),
    );
    let site = Ident::new("__PAR_FOR_SITE", Span::mixed_site());
    let mut settings = runtime_options(options);
    settings.extend(quote!(.site(&#site)));
    let shared = shared_reads(reads);
    let source = parallel_source(&for_loop.expr);
    // The task closure carries the span of the loop's `for`, so that the compiler's own
    // errors about it ("this closure implements `FnMut`, not `Fn`") point at the loop.
    // Its argument gets its type from `item_type` (see the runtime's `task` module).
    let arg = local("item");
    let item_type = local("item_type");
    let witness = if moved.is_empty() {
        quote!()
    } else {
        quote!(let #moved_types = (#(::par_for::__private::type_of(&#moved),)*);)
    };
    let task = Task {
        start: quote_spanned!(for_loop.for_token.span=> |#arg|),
        span: for_loop.for_token.span,
        bind: quote! {
            let #item_type = ::par_for::__private::item_type(&#source_var);
            #witness
        },
        arg: item_binding(
            for_loop,
            quote!(::par_for::__private::TypeOf::pass),
            quote!(#item_type, #arg),
        ),
        item: arg,
        body,
        jumps: *jumps,
        moved,
    };
    let run = if options.reduce.is_empty() {
        task.run(&source_var, &options_var)
    } else {
        task.run_reducing(&source_var, &options_var, &options.reduce)
    };
    let return_type = returns.map(|returns| bind_return_type(returns, for_loop.for_token.span));
    let serial = ExprForLoop {
        attrs: Vec::new(),
        ..for_loop.clone()
    };
    quote! {
        {
            static #site: ::par_for::__private::Site = ::par_for::__private::Site::new();
            let #options_var = #settings;
            if #options_var.runs_in_parallel() {
                #shared
                #return_type
                // A `match`, as in the desugaring of `for`: temporaries of the source
                // (`make().iter()`) live as long as the loop.
                match #source {
                    #source_var => {
                        #run
                    }
                }
            } else {
                let #one_thread = #options_var.serially();
                #serial
            }
        }
    }
}

/// The body of a parallel loop as the task closure the runtime calls.
struct Task {
    /// `|ARG|`, spanned at the loop's `for`.
    start: TokenStream,
    /// The loop's `for`, for the closure's braces: a closure's span runs from its first
    /// token to its last, and the compiler's errors about it point there.
    span: Span,
    /// `let ITEM_TYPE = item_type(&SOURCE);`, before the closure.
    bind: TokenStream,
    /// `let PAT = ITEM_TYPE.pass(ARG);`, the closure's first statement.
    arg: TokenStream,
    /// `ARG`.
    item: Ident,
    body: syn::Block,
    jumps: flow::Jumps,
    /// The outer variables the `return` values move, handed over after the loop.
    moved: Vec<Ident>,
}

impl Task {
    fn leaves(&self) -> bool {
        self.jumps.breaks || self.jumps.returns
    }

    /// `Flow<_>` when the body returns, `Flow<Infallible>` when it only breaks.
    fn flow_type(&self) -> TokenStream {
        let value = if self.jumps.returns {
            quote!(_)
        } else {
            quote!(::core::convert::Infallible)
        };
        quote!(::par_for::__private::Flow<'_, #value>)
    }

    /// After the loop: make the enclosing function return what the winning iteration
    /// returned.
    fn leave_function(&self, exit: &Ident) -> TokenStream {
        // At the loop's `for`: the compiler's errors about the value returned (one that
        // borrows a local of the function) point at the loop, not at the attribute.
        let span = self.span;
        let mut exit = exit.clone();
        exit.set_span(Span::mixed_site().located_at(span));
        if self.jumps.returns && !self.moved.is_empty() {
            let moved = &self.moved;
            quote_spanned! {span=>
                if let ::par_for::__private::Exit::Returned(#exit) = #exit {
                    return #exit.run().run((#(#moved,)*));
                }
            }
        } else if self.jumps.returns {
            quote_spanned! {span=>
                if let ::par_for::__private::Exit::Returned(#exit) = #exit {
                    return #exit.run();
                }
            }
        } else {
            quote!(let _ = #exit;)
        }
    }

    fn run(&self, source: &Ident, options: &Ident) -> TokenStream {
        let Task {
            start,
            span,
            bind,
            arg,
            body,
            ..
        } = self;
        let body = unit_statement(body);
        if !self.leaves() {
            let call = quote_spanned! {*span=>
                ::par_for::__private::for_each(#source, &#options, #start { #arg #body })
            };
            return quote! {
                #bind
                #call;
            };
        }
        let exit = local("exit");
        let flow = self.flow_type();
        let leave = self.leave_function(&exit);
        let call = quote_spanned! {*span=>
            ::par_for::__private::for_each_flow(#source, &#options, #start -> #flow {
                #arg
                #body
                ::par_for::__private::Flow::Continue
            })
        };
        quote! {
            #bind
            #[allow(unreachable_code)]
            let #exit = #call;
            #leave
        }
    }
}

pub(crate) fn pipeline(plan: &PipelinePlan) -> TokenStream {
    let PipelinePlan {
        options,
        stmt,
        chain,
        reads,
    } = plan;
    let mut stmt = stmt.clone();
    let options_var = local("options");
    let one_thread = local("one_thread");
    let site = Ident::new("__PAR_FOR_SITE", Span::mixed_site());
    let mut settings = runtime_options(options);
    settings.extend(quote!(.site(&#site)));
    let shared = shared_reads(reads);
    let parallel = chain.expand(&options_var);
    let Some(slot) = pipeline_expr_mut(&mut stmt) else {
        return quote!(#stmt);
    };
    // Only the pipeline up to its consumer is replaced; calls after it stay as written.
    let slot = chain.consumer_in(slot);
    let original = slot.clone();
    let expansion = quote! {
        ({
            static #site: ::par_for::__private::Site = ::par_for::__private::Site::new();
            let #options_var = #settings;
            if #options_var.runs_in_parallel() {
                #shared
                #parallel
            } else {
                let #one_thread = #options_var.serially();
                #original
            }
        })
    };
    *slot = Expr::Verbatim(expansion);
    quote!(#stmt)
}

/// `::par_for::__private::Options::new().threads(4)...` for the loop's options.
fn runtime_options(options: &Options) -> TokenStream {
    let mut settings = quote!(::par_for::__private::Options::new());
    if let Some(threads) = &options.threads {
        settings.extend(quote!(.threads(#threads)));
    }
    if let Some(min_len) = &options.min_len {
        settings.extend(quote!(.min_len(#min_len)));
    }
    if let Some(cond) = &options.parallel_if {
        settings.extend(quote!(.parallel_if(#cond)));
    }
    settings.extend(progress_setting(options));
    settings
}

/// `.progress(label)` when the loop asked for a progress bar, for either options builder.
fn progress_setting(options: &Options) -> TokenStream {
    let Some(progress) = &options.progress else {
        return TokenStream::new();
    };
    let label = progress
        .label
        .as_ref()
        .map_or_else(|| quote!(""), |l| quote!(#l));
    quote!(.progress(#label))
}

/// `let PAT = PASS(ARGS);`, a task's first statement: it binds the item to the loop's
/// pattern (`PASS(ARGS)` is `TypeOf::pass(ITEM_TYPE, ARG)` or `identity(ARG)`). The
/// call is spanned as the loop's source (its path at the source's first token, its
/// parentheses at the last), which the compiler then takes it to cover: a pattern that
/// does not fit the items (`for &[a, b] in v` over arrays) is reported at the pattern
/// with `this expression has type ..` under the source, as the serial loop's own error
/// is (the label was at the function's attribute), and once for all the copies that
/// bind it so.
pub(crate) fn item_binding(
    for_loop: &ExprForLoop,
    pass: TokenStream,
    args: TokenStream,
) -> TokenStream {
    let mut tokens = for_loop.expr.to_token_stream().into_iter();
    let first = tokens.next().map_or_else(Span::call_site, |t| t.span());
    let last = tokens.last().map_or(first, |t| t.span());
    let pass: TokenStream = pass
        .into_iter()
        .map(|mut token| {
            token.set_span(first);
            token
        })
        .collect();
    let mut args = proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, args);
    args.set_span(last);
    let pat = &for_loop.pat;
    quote!(let #pat = #pass #args;)
}

/// `let _: () = BODY;`: a loop's body as a statement of the task, typed `()` as a serial
/// loop types it. Not a block's tail or a statement of its own: there a one-line body
/// without its last `;` (`{ out.push(r) }`) is a block around one expression, and
/// `unused_braces` would tell the user to remove the loop's own braces.
pub(crate) fn unit_statement(body: &syn::Block) -> TokenStream {
    quote!(let _: () = #body;)
}

pub(crate) fn local(name: &str) -> Ident {
    Ident::new(&format!("__par_for_{name}"), Span::mixed_site())
}
