//! The `EXPR` of `for PAT in EXPR` as the runtime source it becomes.
//!
//! Chains that mirror rayon (`.iter()`, `.iter_mut()`, `.into_iter()`, `.chunks(n)`,
//! `.chunks_mut(n)`, `.enumerate()`, `.zip(..)`) are taken apart so that rayon splits
//! the collection natively; whatever is left is handed to the runtime's type-based
//! dispatch, which picks rayon or the bridge by the value's type.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprMethodCall, Ident};

/// The tokens of an expression evaluating to a `Native` or `Bridge` source.
pub fn parallel_source(expr: &Expr) -> TokenStream {
    let dispatch = translate(expr);
    quote! {
        {
            use ::par_for::__private::dispatch::{
                Receiver as _, ViaBridge as _, ViaIndexedRayon as _, ViaRayon as _, ViaRecover as _,
                ViaWideRange as _,
            };
            #dispatch
        }
    }
}

fn translate(expr: &Expr) -> TokenStream {
    let expr = strip_parens(expr);
    let Expr::MethodCall(call) = expr else {
        return probe(quote!(#expr), |r| quote!(|#r| #r), expr.span());
    };
    let name = call.method.to_string();
    let receiver = &call.receiver;
    let args: Vec<&Expr> = call.args.iter().collect();
    let span = call.method.span();
    match (name.as_str(), args.as_slice()) {
        ("enumerate", []) => {
            let inner = translate(receiver);
            quote_spanned!(span=> #inner.enumerate())
        }
        ("zip", [other]) => {
            let inner = translate(receiver);
            let other = translate(other);
            quote_spanned!(span=> #inner.zip(#other))
        }
        ("iter", []) => borrowed(call, quote!(__par_for_ref), span),
        ("iter_mut", []) => borrowed(call, quote!(__par_for_mut), span),
        ("into_iter", []) => {
            let method = &call.method;
            let receiver = strip_parens(receiver);
            probe(quote!(#receiver), |r| quote!(|#r| #r.#method()), span)
        }
        ("chunks", [size]) => {
            quote_spanned!(span=> ::par_for::__private::chunks(#receiver.__par_for_ref(), #size))
        }
        ("chunks_mut", [size]) => {
            quote_spanned!(span=> ::par_for::__private::chunks_mut(#receiver.__par_for_mut(), #size))
        }
        _ => probe(quote!(#expr), |r| quote!(|#r| #r), expr.span()),
    }
}

/// `recv.iter()` / `recv.iter_mut()`: rayon gets `&recv` / `&mut recv`; the closure
/// keeps the original call for collections rayon does not know.
fn borrowed(call: &ExprMethodCall, borrow: TokenStream, span: Span) -> TokenStream {
    let receiver = &call.receiver;
    let method = &call.method;
    probe(
        quote!((#receiver).#borrow()),
        |r| quote!(|#r| #r.#method()),
        span,
    )
}

/// A `Probe` of `value`, with `serial(r)` building the closure that makes the serial
/// iterator from it.
fn probe(
    value: TokenStream,
    serial: impl FnOnce(&Ident) -> TokenStream,
    span: Span,
) -> TokenStream {
    let serial = serial(&Ident::new("__par_for_collection", Span::mixed_site()));
    // At the user's source for errors, but marked as the macro's: lints such as
    // clippy's `needless_borrow` then leave the autoref tower alone.
    let span = span.resolved_at(Span::mixed_site());
    quote_spanned! {span=>
        (&&&&&::par_for::__private::Probe::new(#value, #serial)).__par_for_source()
    }
}

/// The expression inside any parentheses, for use as a function argument.
pub fn strip_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip_parens(&p.expr),
        Expr::Group(g) => strip_parens(&g.expr),
        other => other,
    }
}
