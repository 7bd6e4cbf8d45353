//! Code generation: each marked statement becomes a call into `::par_for::__private`,
//! with the original serial loop kept for `PAR_FOR_THREADS=1` and `if = false`.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Ident};

use crate::ast::{pipeline_expr_mut, Form, Marked};
use crate::attr::Options;
use crate::error::Errors;
use crate::flow::{self, Target};
use crate::in_place;
use crate::pipeline::Chain;
use crate::source::{parallel_source, source_closures, strip_parens};
use crate::task::{shared_reads, typed_task};
use crate::update::check_updates;
use crate::valid::{check_closure_task, check_task, FreeVars};

mod reducing;

pub(crate) use reducing::{combine, identity};

/// The code that replaces one marked statement.
pub fn marked(marked: Marked, errors: &mut Errors) -> TokenStream {
    if marked.options.distribute.is_some() {
        return crate::distribute::marked(marked, errors);
    }
    match marked.form {
        Form::Loop(for_loop) => parallel_loop(&marked.options, for_loop, errors),
        Form::Stream {
            for_loop,
            source,
            task,
        } => stream_loop(&marked.options, for_loop, &source, &task, errors),
        Form::Pipeline { stmt, chain } => pipeline(&marked.options, stmt, &chain, errors),
    }
}

pub(crate) fn parallel_loop(
    options: &Options,
    for_loop: ExprForLoop,
    errors: &mut Errors,
) -> TokenStream {
    let reductions: HashSet<String> = options.reduce.iter().map(|r| r.var.to_string()).collect();
    let free = check_task(
        &[&for_loop.pat],
        &|checker| checker.visit_block(&for_loop.body),
        &reductions,
        errors,
    );
    let free = free.and(source_reads(&for_loop.expr, errors));
    check_updates(&for_loop.pat, &for_loop.body, &options.reduce, errors);
    let mut body = for_loop.body.clone();
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let jumps = flow::rewrite(&mut body, label, Target::Worker, &free.reads, errors);
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
    let source_var = local("source");
    let site = Ident::new("__PAR_FOR_SITE", Span::mixed_site());
    let mut settings = runtime_options(options);
    settings.extend(quote!(.site(&#site)));
    let shared = shared_reads(&free);
    let source = parallel_source(&for_loop.expr);
    // The task closure carries the span of the loop's `for`, so that the compiler's own
    // errors about it ("this closure implements `FnMut`, not `Fn`") point at the loop.
    // Its argument gets its type from `item_type` (see the runtime's `task` module).
    let pat = &for_loop.pat;
    let arg = local("item");
    let item_type = local("item_type");
    let task = Task {
        start: quote_spanned!(for_loop.for_token.span=> |#arg|),
        span: for_loop.for_token.span,
        bind: quote! {
            let #item_type = ::par_for::__private::item_type(&#source_var);
        },
        arg: quote!(let #pat = #item_type.pass(#arg);),
        item: arg,
        body,
        jumps,
    };
    let run = if options.reduce.is_empty() {
        task.run(&source_var, &options_var)
    } else {
        task.run_reducing(&source_var, &options_var, &options.reduce)
    };
    let serial = ExprForLoop {
        attrs: Vec::new(),
        ..for_loop
    };
    quote! {
        {
            static #site: ::par_for::__private::Site = ::par_for::__private::Site::new();
            let #options_var = #settings;
            if #options_var.runs_in_parallel() {
                #shared
                // A `match`, as in the desugaring of `for`: temporaries of the source
                // (`make().iter()`) live as long as the loop.
                match #source {
                    #source_var => {
                        #run
                    }
                }
            } else {
                #serial
            }
        }
    }
}

/// Checks the closures of a source's adapters (`map(f)`), which run on the pool like a
/// body, and gives what they read.
pub(crate) fn source_reads(source: &Expr, errors: &mut Errors) -> FreeVars {
    let mut free = FreeVars { reads: Vec::new() };
    for closure in source_closures(source) {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        let reads = check_closure_task(
            &inputs,
            &|checker| checker.visit_expr(&closure.body),
            errors,
        );
        free = free.and(reads);
    }
    free
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
        if self.jumps.returns {
            quote! {
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

pub(crate) fn pipeline(
    options: &Options,
    mut stmt: syn::Stmt,
    chain: &Chain,
    errors: &mut Errors,
) -> TokenStream {
    reject_for_pipeline(options, errors);
    let mut reads = Vec::new();
    for closure in chain.closures().chain(source_closures(&chain.source)) {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        let free = check_closure_task(
            &inputs,
            &|checker| checker.visit_expr(&closure.body),
            errors,
        );
        for read in free.reads {
            if !reads.contains(&read) {
                reads.push(read);
            }
        }
    }
    let options_var = local("options");
    let site = Ident::new("__PAR_FOR_SITE", Span::mixed_site());
    let mut settings = runtime_options(options);
    settings.extend(quote!(.site(&#site)));
    let shared = shared_reads(&FreeVars { reads });
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
                #original
            }
        })
    };
    *slot = Expr::Verbatim(expansion);
    quote!(#stmt)
}

/// Options a streaming loop does not have.
fn reject_for_stream(options: &Options, errors: &mut Errors) {
    if let Some(first) = options.reduce.first() {
        errors.push(syn::Error::new_spanned(
            &first.var,
            "`reduce(...)` does not apply to a streaming loop: its body already runs on this \
             thread, in order, so update the variable there directly",
        ));
    }
    for (name, expr) in [("min_len", &options.min_len), ("if", &options.parallel_if)] {
        if let Some(expr) = expr {
            errors.push(syn::Error::new_spanned(
                expr,
                format!("`{name}` does not apply to a streaming loop; its options are `window = N`, `threads = N`, `unordered` and `progress`"),
            ));
        }
    }
}

/// Options that a pipeline does not have.
fn reject_for_pipeline(options: &Options, errors: &mut Errors) {
    if let Some(first) = options.reduce.first() {
        errors.push(syn::Error::new_spanned(
            &first.var,
            "`reduce(...)` declares reduction variables of a `for` loop; a pipeline reduces with \
             its consumer: `.sum()`, `.product()`, `.min()`, `.max()` or `.reduce(f)`",
        ));
    }
    if let Some(progress) = &options.progress {
        errors.push(syn::Error::new(
            progress.span,
            "`progress` applies to `for` loops; mark the loop form of this work to see a progress bar",
        ));
    }
    if let Some(stream) = options.stream {
        errors.push(syn::Error::new(
            stream,
            "`stream` applies to a `for` loop over `SOURCE.map(TASK)`: write \
             `#[par_for(stream)] for r in items.map(task) { .. }` to consume results as they come",
        ));
    }
}

pub(crate) fn stream_loop(
    options: &Options,
    for_loop: ExprForLoop,
    source: &Expr,
    task: &Expr,
    errors: &mut Errors,
) -> TokenStream {
    let free = match task {
        Expr::Closure(closure) => {
            let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
            check_closure_task(
                &inputs,
                &|checker| checker.visit_expr(&closure.body),
                errors,
            )
        }
        _ => FreeVars { reads: Vec::new() },
    };
    let mut body = for_loop.body.clone();
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let jumps = flow::rewrite(&mut body, label, Target::Consumer, &[], errors);

    let options_var = local("options");
    let exit_var = local("exit");
    let shared = shared_reads(&free);
    let mut settings = quote!(::par_for::__private::StreamOptions::new());
    if let Some(window) = &options.window {
        settings.extend(quote!(.window(#window)));
    }
    if let Some(threads) = &options.threads {
        settings.extend(quote!(.threads(#threads)));
    }
    if options.unordered.is_some() {
        settings.extend(quote!(.unordered()));
    }
    settings.extend(progress_setting(options));
    reject_for_stream(options, errors);
    let pat = &for_loop.pat;
    let source = strip_parens(source);
    let source_var = local("source");
    let item_type = local("item_type");
    let task = typed_task(task, &item_type);
    let run_stream = quote_spanned!(for_loop.for_token.span=> ::par_for::__private::stream_loop);
    let value = if jumps.returns {
        quote!(_)
    } else {
        quote!(::core::convert::Infallible)
    };
    let leave = if jumps.returns {
        quote! {
            if let ::core::option::Option::Some(#exit_var) = #exit_var {
                return #exit_var;
            }
        }
    } else {
        quote!(let _ = #exit_var;)
    };
    quote! {
        {
            let #options_var = #settings;
            #shared
            // A `match`, as in the desugaring of `for`: temporaries of the source live as
            // long as the loop.
            #[allow(unreachable_code)]
            let #exit_var = match #source {
                #source_var => {
                    let #item_type = ::par_for::__private::stream_item_type(&#source_var);
                    #run_stream(#source_var, #task, &#options_var,
                        |#pat| -> ::core::ops::ControlFlow<::core::option::Option<#value>> {
                            #body
                            ::core::ops::ControlFlow::Continue(())
                        })
                }
            };
            #leave
        }
    }
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

pub(crate) fn local(name: &str) -> Ident {
    Ident::new(&format!("__par_for_{name}"), Span::mixed_site())
}
