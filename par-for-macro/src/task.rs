//! The task closure's captures and type: one `Sync` check per free variable, naming it,
//! and a streaming task rewritten so that the compiler infers its kind from its body
//! (see the runtime's `task` module for why).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Expr, Ident};

use crate::expand::local;
use crate::valid::FreeVars;

/// One `assert_shared(&var)` per free variable, spanned at its first use in the body,
/// so that a capture that is not `Sync` is reported there, naming par-for.
/// The error names the variable through a type the check declares with its name. The
/// variable is borrowed before that type is declared, so that a name that is not a
/// variable at all (a typo) gets the compiler's own "cannot find value" once, not also
/// "expected value, found enum".
pub(crate) fn shared_reads(free: &FreeVars) -> TokenStream {
    let borrowed = local("shared");
    free.reads
        .iter()
        .chain(&free.called)
        .map(|var| {
            if var == "self" {
                return quote_spanned!(var.span()=> ::par_for::__private::assert_self_shared(&#var););
            }
            quote_spanned! {var.span()=>
                {
                    let #borrowed = &#var;
                    {
                        #[allow(non_camel_case_types, dead_code)]
                        enum #var {}
                        ::par_for::__private::assert_shared::<#var, _>(#borrowed);
                    }
                }
            }
        })
        .collect()
}

/// One `assert_unchanged_under_the_source(&var)` per variable that a streaming loop's
/// source and body both use, spanned at its first use in the body, naming it as
/// [`shared_reads`] does: one that is not `Sync` (a `Cell`, a `RefCell`) is reported
/// there (see `check::source_reads`).
pub(crate) fn reads_under_the_source(vars: &[Ident]) -> TokenStream {
    let borrowed = local("read_by_source");
    vars.iter()
        .map(|var| {
            if var == "self" {
                return quote_spanned! {var.span()=>
                    ::par_for::__private::assert_self_unchanged_under_the_source(&#var);
                };
            }
            quote_spanned! {var.span()=>
                {
                    let #borrowed = &#var;
                    {
                        #[allow(non_camel_case_types, dead_code)]
                        enum #var {}
                        ::par_for::__private::assert_unchanged_under_the_source::<#var, _>(#borrowed);
                    }
                }
            }
        })
        .collect()
}

/// A task closure `|PAT| BODY` as `|ARG| { let PAT = ITEM_TYPE.pass(ARG); BODY }`, so
/// that its kind is inferred from its body (see the runtime's `task` module). Any other
/// task (a function's path) is kept.
pub(crate) fn typed_task(task: &Expr, item_type: &Ident) -> TokenStream {
    let Expr::Closure(closure) = task else {
        return quote!(#task);
    };
    if closure.inputs.len() != 1 {
        return quote!(#task);
    }
    let pat = &closure.inputs[0];
    let arg = local("item");
    let span = closure.or1_token.span;
    // A block body's statements follow the binding in one block: nested, a one-line
    // `{ x + 1 }` would be a block's tail, which `unused_braces` flags (a closure's own
    // body is exempt).
    let body = match &*closure.body {
        Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => {
            let stmts = &block.block.stmts;
            quote!(#(#stmts)*)
        }
        body => quote!(#body),
    };
    let mut typed = closure.clone();
    typed.inputs = std::iter::once(syn::Pat::Verbatim(quote!(#arg))).collect();
    *typed.body = Expr::Verbatim(quote_spanned! {span=>
        {
            let #pat = #item_type.pass(#arg);
            #body
        }
    });
    quote!(#typed)
}
