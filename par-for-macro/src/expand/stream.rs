//! Form 3, the streaming loop: the task on the pool, the body on the calling thread as
//! the consumer, and what the code after the stream does when the body left it (a
//! `return`, whose value may be built from variables it moves, or a jump to a loop
//! around the stream).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;

use super::{
    bind_return_type, captures, local, next_loop_number, progress_setting, unit_statement,
};
use crate::check::StreamPlan;
use crate::deferred::Moves;
use crate::flow;
use crate::source::strip_parens_before_block;
use crate::task::{reads_under_the_source, shared_reads, typed_task};

pub(crate) fn stream_loop(plan: &StreamPlan, lets: &[captures::Let]) -> TokenStream {
    let StreamPlan {
        options,
        for_loop,
        source,
        task,
        reads,
        read_by_source,
        jumps,
    } = plan;
    let mut body = for_loop.body.clone();
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let number = next_loop_number();
    let taken = taken_by_returns(plan);
    let taken_types = local(&format!("taken_{number}"));
    let taken_by = Moves {
        moved: &taken,
        types: &taken_types,
    };
    let leave_enum = Ident::new(&format!("__ParForLeave{number}"), Span::mixed_site());
    let mut returns = local("returns");
    returns.set_span(Span::mixed_site().located_at(for_loop.for_token.span));
    let returns = jumps.returns.then_some(&returns);
    let outer_jumps = flow::rewrite_consumer(
        &mut body,
        label,
        (!taken.is_empty()).then_some(&taken_by),
        returns,
        &leave_enum,
    );
    let return_type = returns.map(|returns| bind_return_type(returns, for_loop.for_token.span));
    let body = unit_statement(&body);

    let options_var = local("options");
    let exit_var = local("exit");
    let shared = shared_reads(reads);
    let unchanged = reads_under_the_source(read_by_source);
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
    let pat = &for_loop.pat;
    let source = strip_parens_before_block(source);
    let captures = captures::captures_witness(source, lets);
    let captures_var = local("captures");
    let source_var = local("source");
    let item_type = local("item_type");
    let task = typed_task(task, &item_type);
    let run_stream = quote_spanned!(for_loop.for_token.span=> ::par_for::__private::stream_loop);
    let value = if jumps.returns || jumps.outer {
        quote!(_)
    } else {
        quote!(::core::convert::Infallible)
    };
    let exit = StreamExit {
        var: &exit_var,
        span: for_loop.for_token.span,
        returns: jumps.returns,
        taken: &taken,
        leave: &leave_enum,
        outer_jumps: &outer_jumps,
    };
    // A body that can leave the loop reads a borrowed source exactly as far as serially:
    // a borrowed part of its chain (`it.by_ref().enumerate()`) sets `exact`, and the
    // source as a whole (a `&mut I` parameter) is dispatched on its type.
    let leaves = jumps.breaks || jumps.returns || jumps.outer;
    let exact = local("exact");
    let (declare_exact, marked_source, exact_window) = if leaves {
        (
            quote!(let #exact = ::core::cell::Cell::new(false);),
            mark_borrowed(source, &exact),
            quote! {
                let #options_var = if #exact.get() {
                    ::core::clone::Clone::clone(&#options_var).window(1)
                } else {
                    #options_var
                };
            },
        )
    } else {
        (quote!(), quote!(#source), quote!())
    };
    let dispatch = if leaves {
        quote! {{
            use ::par_for::__private::dispatch::{
                ViaBorrowedStream as _, ViaFed as _, ViaPulled as _,
            };
            (&&&::par_for::__private::StreamProbe::new(#source_var, #captures_var))
                .__par_for_stream_source()
        }}
    } else {
        quote! {{
            use ::par_for::__private::dispatch::{ViaFed as _, ViaPulled as _};
            (&&::par_for::__private::StreamProbe::new(#source_var, #captures_var))
                .__par_for_stream_source()
        }}
    };
    let declare = exit.declare();
    let leave = exit.leave();
    let witness = if taken.is_empty() {
        quote!()
    } else {
        quote!(let #taken_types = (#(::par_for::__private::type_of(&#taken),)*);)
    };
    quote! {
        {
            let #options_var = #settings;
            #shared
            #unchanged
            #return_type
            #declare
            #witness
            // A `match`, as in the desugaring of `for`: temporaries of the source live as
            // long as the loop.
            #[allow(unreachable_code)]
            let #captures_var = #captures;
            #declare_exact
            let #exit_var = match #marked_source {
                #source_var => {
                    #exact_window
                    // Pulled by the pool's threads when it is `Send`, by this one otherwise.
                    let #source_var = #dispatch;
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

/// The variables declared before a stream's loop that the values of its body's `return`s
/// name, when some `return` moves one (and they are at most 8, the most the runtime's
/// `Witness` takes): those values are built after the stream, from these variables.
fn taken_by_returns(plan: &StreamPlan) -> Vec<Ident> {
    if !plan.jumps.returns {
        return Vec::new();
    }
    let body = &plan.for_loop.body;
    let outer = crate::deferred::stream_outer(&plan.for_loop.pat, body);
    if flow::moved_outer(body, &outer).is_empty() {
        return Vec::new();
    }
    let taken = flow::named_by_returns(body, &outer);
    if taken.len() > 8 {
        return Vec::new();
    }
    taken
}

/// How a stream's body left it, and what the code after the stream does about it.
struct StreamExit<'a> {
    /// The stream's result: `Some(EXIT)` when the body left it by `return`, `?` or a
    /// jump to a loop around it.
    var: &'a Ident,
    /// The loop's `for`, where the `return` after the stream is spanned.
    span: Span,
    returns: bool,
    /// The variables the `return` values are built from (see [`taken_by_returns`]).
    taken: &'a [Ident],
    /// The exit enum, when the body jumps to loops around the stream.
    leave: &'a Ident,
    outer_jumps: &'a [flow::OuterJump],
}

impl StreamExit<'_> {
    /// The exit enum, when the body jumps to loops around the stream: `Return(R)` when
    /// it returns, one variant per jump (`Break_rows`, `Break_found(B0)`,
    /// `Continue_rows`), generic in the values so that the compiler infers them.
    fn declare(&self) -> TokenStream {
        if self.outer_jumps.is_empty() {
            return quote!();
        }
        let leave = self.leave;
        let mut params = Vec::new();
        let mut variants = Vec::new();
        if self.returns {
            let param = Ident::new("__R", Span::mixed_site());
            variants.push(quote!(Return(#param)));
            params.push(param);
        }
        for (i, jump) in self.outer_jumps.iter().enumerate() {
            let variant = jump.variant();
            if jump.value {
                let param = Ident::new(&format!("__B{i}"), Span::mixed_site());
                variants.push(quote!(#variant(#param)));
                params.push(param);
            } else {
                variants.push(quote!(#variant));
            }
        }
        let generics = if params.is_empty() {
            quote!()
        } else {
            quote!(<#(#params),*>)
        };
        quote! {
            #[allow(non_camel_case_types, dead_code)]
            enum #leave #generics { #(#variants,)* }
        }
    }

    /// The `return` of the value the body returned: built from the taken variables
    /// when they are handed over.
    fn return_value(&self, value: &Ident) -> TokenStream {
        let mut value = value.clone();
        value.set_span(Span::mixed_site().located_at(self.span));
        let taken = self.taken;
        if taken.is_empty() {
            quote_spanned!(self.span=> return #value)
        } else {
            quote_spanned!(self.span=> return #value.run((#(#taken,)*)))
        }
    }

    /// After the stream: make the function return what the body returned, or make the
    /// jump the body made.
    fn leave(&self) -> TokenStream {
        let exit = self.var;
        if self.outer_jumps.is_empty() {
            if !self.returns {
                return quote!(let _ = #exit;);
            }
            let ret = self.return_value(exit);
            return quote! {
                if let ::core::option::Option::Some(#exit) = #exit {
                    #ret;
                }
            };
        }
        let leave = self.leave;
        let mut arms = Vec::new();
        if self.returns {
            let ret = self.return_value(exit);
            arms.push(quote!(::core::option::Option::Some(#leave::Return(#exit)) => #ret,));
        }
        for jump in self.outer_jumps {
            let variant = jump.variant();
            let label = &jump.label;
            let value = local("value");
            let (pattern, jump) = match (jump.keyword, jump.value) {
                ("break", true) => (
                    quote!(#leave::#variant(#value)),
                    quote_spanned!(jump.span=> break #label #value),
                ),
                ("break", false) => (
                    quote!(#leave::#variant),
                    quote_spanned!(jump.span=> break #label),
                ),
                _ => (
                    quote!(#leave::#variant),
                    quote_spanned!(jump.span=> continue #label),
                ),
            };
            arms.push(quote!(::core::option::Option::Some(#pattern) => #jump,));
        }
        quote! {
            match #exit {
                #(#arms)*
                ::core::option::Option::None => {}
            }
        }
    }
}

/// `source` with each part of its chain that may be a borrowed iterator (a method
/// call's value, `&mut it`) passed through the runtime's `ExactSide`, which sets `exact`
/// for one that is. Paths are left as they are: passing one would move it.
fn mark_borrowed(source: &syn::Expr, exact: &Ident) -> TokenStream {
    let mark = |part: TokenStream, span: Span| crate::pipeline::exact_side(part, exact, span);
    match crate::source::strip_parens(source) {
        syn::Expr::MethodCall(call) => {
            let receiver = mark_borrowed(&call.receiver, exact);
            let method = &call.method;
            let turbofish = &call.turbofish;
            let args = &call.args;
            mark(
                quote!(#receiver.#method #turbofish(#args)),
                syn::spanned::Spanned::span(&call.method),
            )
        }
        syn::Expr::Reference(reference) if reference.mutability.is_some() => {
            mark(quote!(#reference), syn::spanned::Spanned::span(reference))
        }
        _ => quote!(#source),
    }
}
