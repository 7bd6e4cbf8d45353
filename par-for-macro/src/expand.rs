//! Code generation: each marked statement becomes a call into `::par_for::__private`,
//! with the original serial loop kept for `PAR_FOR_THREADS=1` and `if = false`.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Ident};

use crate::ast::{Form, Marked};
use crate::attr::Options;
use crate::error::Errors;
use crate::flow::{self, Target};
use crate::source::parallel_source;
use crate::valid::{check_task, FreeVars};

/// The code that replaces one marked statement.
pub fn marked(marked: Marked, errors: &mut Errors) -> TokenStream {
    match marked.form {
        Form::Loop(for_loop) => parallel_loop(&marked.options, for_loop, errors),
        Form::Stream {
            for_loop,
            source,
            task,
        } => stream_loop(&marked.options, for_loop, &source, &task, errors),
    }
}

fn parallel_loop(options: &Options, for_loop: ExprForLoop, errors: &mut Errors) -> TokenStream {
    let reductions = HashSet::new();
    let free = check_task(
        &[&for_loop.pat],
        &|checker| checker.visit_block(&for_loop.body),
        &reductions,
        errors,
    );
    let mut body = for_loop.body.clone();
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let jumps = flow::rewrite(&mut body, label, Target::Worker, errors);

    let options_var = local("options");
    let source_var = local("source");
    let exit_var = local("exit");
    let settings = runtime_options(options);
    let shared = shared_reads(&free);
    let source = parallel_source(&for_loop.expr);
    let pat = &for_loop.pat;
    // The task closure carries the span of the loop's `for`, so that the compiler's own
    // errors about it ("captured variable in a `Fn` closure") point at the loop.
    let task_start = quote_spanned!(for_loop.for_token.span=> |#pat|);
    let run = if jumps.breaks || jumps.returns {
        let value = if jumps.returns { quote!(_) } else { quote!(::core::convert::Infallible) };
        let exit = quote! {
            ::par_for::__private::for_each_flow(#source_var, &#options_var, #task_start -> ::par_for::__private::Flow<#value> {
                #body
                ::par_for::__private::Flow::Continue
            })
        };
        let leave = jumps.returns.then(|| {
            quote! {
                if let ::par_for::__private::Exit::Returned(#exit_var) = #exit_var {
                    return #exit_var.run();
                }
            }
        });
        quote! {
            #[allow(unreachable_code)]
            let #exit_var = #exit;
            #leave
        }
    } else {
        quote! {
            ::par_for::__private::for_each(#source_var, &#options_var, #task_start #body);
        }
    };
    let serial = ExprForLoop { attrs: Vec::new(), ..for_loop };
    quote! {
        {
            let #options_var = #settings;
            if #options_var.runs_in_parallel() {
                #shared
                let #source_var = #source;
                #run
            } else {
                #serial
            }
        }
    }
}

fn stream_loop(
    options: &Options,
    for_loop: ExprForLoop,
    source: &Expr,
    task: &Expr,
    errors: &mut Errors,
) -> TokenStream {
    let reductions = HashSet::new();
    let free = match task {
        Expr::Closure(closure) => {
            let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
            check_task(&inputs, &|checker| checker.visit_expr(&closure.body), &reductions, errors)
        }
        _ => FreeVars { reads: Vec::new() },
    };
    let mut body = for_loop.body.clone();
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let jumps = flow::rewrite(&mut body, label, Target::Consumer, errors);

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
    let pat = &for_loop.pat;
    let value = if jumps.returns { quote!(_) } else { quote!(::core::convert::Infallible) };
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
            #[allow(unreachable_code)]
            let #exit_var = ::par_for::__private::stream_for_each(#source, #task, &#options_var,
                |#pat| -> ::core::ops::ControlFlow<::core::option::Option<#value>> {
                    #body
                    ::core::ops::ControlFlow::Continue(())
                });
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
    if let Some(progress) = &options.progress {
        let label = progress.label.as_ref().map_or_else(|| quote!(""), |l| quote!(#l));
        settings.extend(quote!(.progress(#label)));
    }
    settings
}

/// One `assert_shared(&var)` per free variable, spanned at its first use in the body,
/// so that a capture that is not `Sync` is reported there, naming par-for.
fn shared_reads(free: &FreeVars) -> TokenStream {
    free.reads
        .iter()
        .map(|var| quote_spanned!(var.span()=> ::par_for::__private::assert_shared(&#var);))
        .collect()
}

fn local(name: &str) -> Ident {
    Ident::new(&format!("__par_for_{name}"), Span::mixed_site())
}
