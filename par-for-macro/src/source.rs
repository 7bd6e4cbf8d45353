//! The `EXPR` of `for PAT in EXPR` as the runtime source it becomes.
//!
//! Chains that mirror rayon are taken apart so that rayon splits the collection
//! natively: `.iter()`, `.iter_mut()`, `.into_iter()`; the slice methods `.chunks(n)`,
//! `.chunks_mut(n)`, `.chunks_exact(n)`, `.chunks_exact_mut(n)`, `.windows(n)`; and the
//! adapters `.copied()`, `.cloned()`, `.map(f)`, `.rev()`, `.skip(n)`, `.take(n)`,
//! `.step_by(n)`, `.enumerate()`, `.zip(..)`, `.chain(..)`, which the runtime has on
//! every kind of source. What is left (a receiver, or a chain whose outermost call is
//! none of these, such as `.filter(p)` or `.peekable()`) is handed whole to the
//! runtime's type-based dispatch, which picks rayon or the bridge by the value's type:
//! an adapter rayon lacks thus bridges the whole std chain, as written.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprClosure, ExprMethodCall, Ident, Token};

/// The tokens of an expression evaluating to a `Native` or `Bridge` source.
pub(crate) fn parallel_source(expr: &Expr) -> TokenStream {
    parallel_source_at(expr, Span::call_site())
}

/// The same, its block at `span`: the compiler reports a source the runtime refuses
/// there.
pub(crate) fn parallel_source_at(expr: &Expr, span: Span) -> TokenStream {
    let dispatch = translate(expr);
    // Only the block's braces at `span`: the imports keep the macro's own, so that one
    // the source does not use raises no lint at the user's code.
    let inner = quote! {
        use ::par_for::__private::dispatch::{
            Receiver as _, ViaBorrowedIter as _, ViaBridge as _, ViaIndexedRayon as _,
            ViaNotSend as _, ViaRayon as _, ViaRecover as _, ViaWideRange as _,
        };
        #dispatch
    };
    let mut block = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, inner);
    block.set_span(span);
    TokenStream::from(proc_macro2::TokenTree::Group(block))
}

/// An expression telling whether the source of `expr` is split natively (for tests).
pub(crate) fn is_native(expr: &Expr) -> TokenStream {
    let source = parallel_source(expr);
    quote! {
        {
            fn native<S: ::par_for::__private::Source>(_: &S) -> bool {
                S::NATIVE
            }
            native(&#source)
        }
    }
}

fn translate(expr: &Expr) -> TokenStream {
    let expr = strip_parens(expr);
    let Expr::MethodCall(call) = expr else {
        return probe(quote!(#expr), into_iter, expr.span());
    };
    let receiver = &call.receiver;
    let method = &call.method;
    let span = call.method.span();
    if let Some(adapter) = adapter(method, &call.turbofish, &call.args) {
        let inner = translate(receiver);
        return match adapter {
            Adapter::Plain => quote_spanned!(span=> #inner.#method()),
            Adapter::Taking(arg) => quote_spanned!(span=> #inner.#method(#arg)),
            Adapter::Joining(other) if method == "chain" && is_literal_range(other) => {
                let other = strip_parens(other);
                quote_spanned!(span=> #inner.chain_range(#other))
            }
            Adapter::Joining(other) => {
                let other = translate(other);
                quote_spanned!(span=> #inner.#method(#other))
            }
        };
    }
    let args: Vec<&Expr> = call.args.iter().collect();
    match (method.to_string().as_str(), args.as_slice()) {
        ("iter", []) => borrowed(call, quote!(__par_for_ref), span),
        ("iter_mut", []) => borrowed(call, quote!(__par_for_mut), span),
        ("into_iter", []) => {
            let receiver = strip_parens(receiver);
            probe(quote!(#receiver), |r| quote!(|#r| #r.#method()), span)
        }
        ("chunks" | "chunks_exact" | "windows", [size]) => {
            quote_spanned!(span=> ::par_for::__private::#method(#receiver.__par_for_ref(), #size))
        }
        ("chunks_mut" | "chunks_exact_mut", [size]) => {
            quote_spanned!(span=> ::par_for::__private::#method(#receiver.__par_for_mut(), #size))
        }
        _ => probe(quote!(#expr), into_iter, expr.span()),
    }
}

/// An adapter every kind of source has (see the runtime's `adapt`), which `translate`
/// makes the adapter of the source's own kind rather than a source of its own. The one
/// list of them: `translate`, the checks of their closures and a pipeline's source all
/// read it.
pub(crate) enum Adapter<'e> {
    /// `.enumerate()`, `.copied()`, `.cloned()`, `.rev()`.
    Plain,
    /// `.map(f)`, `.skip(n)`, `.take(n)`, `.step_by(n)`, with their argument.
    Taking(&'e Expr),
    /// `.zip(other)`, `.chain(other)`, with the other side.
    Joining(&'e Expr),
}

/// What `.method::<turbofish>(args)` on a source is (see [`Adapter`]); `None` for a call
/// the source's kind does not have.
pub(crate) fn adapter<'e>(
    method: &Ident,
    turbofish: &Option<syn::AngleBracketedGenericArguments>,
    args: &'e Punctuated<Expr, Token![,]>,
) -> Option<Adapter<'e>> {
    if turbofish.is_some() {
        return None;
    }
    let args: Vec<&Expr> = args.iter().collect();
    match (method.to_string().as_str(), args.as_slice()) {
        ("enumerate" | "copied" | "cloned" | "rev", []) => Some(Adapter::Plain),
        ("map" | "skip" | "take" | "step_by", [arg]) => Some(Adapter::Taking(arg)),
        ("zip" | "chain", [other]) => Some(Adapter::Joining(other)),
        _ => None,
    }
}

/// The serial iterator of a value the loop runs over as written: what `for` calls, so
/// that an `IntoIterator` that is not itself an iterator (`&graph`) works too.
fn into_iter(collection: &Ident) -> TokenStream {
    quote!(|#collection| ::core::iter::IntoIterator::into_iter(#collection))
}

/// The closures `translate` hands to the source's adapters (`map(f)`), which run on the
/// pool like the body: they are checked by the same rules.
pub(crate) fn source_closures(expr: &Expr) -> Vec<&ExprClosure> {
    let mut closures = Vec::new();
    collect_closures(expr, &mut closures);
    closures
}

fn collect_closures<'e>(expr: &'e Expr, closures: &mut Vec<&'e ExprClosure>) {
    let Expr::MethodCall(call) = strip_parens(expr) else {
        return;
    };
    match adapter(&call.method, &call.turbofish, &call.args) {
        Some(Adapter::Taking(f)) if call.method == "map" => {
            if let Expr::Closure(closure) = strip_parens(f) {
                closures.push(closure);
            }
        }
        Some(Adapter::Joining(other)) => collect_closures(other, closures),
        Some(Adapter::Plain | Adapter::Taking(_)) => {}
        None => return,
    }
    collect_closures(&call.receiver, closures);
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
        (&&&&&&&::par_for::__private::Probe::new(#value, #serial)).__par_for_source()
    }
}

/// The expression inside any parentheses, for use as a function argument.
/// Whether `expr` is `a..b` with integer literals of no suffix (`-5..0`): its type is
/// the one the items it is chained after have, which only they decide.
pub(crate) fn is_literal_range(expr: &Expr) -> bool {
    fn unsuffixed(bound: Option<&Expr>) -> bool {
        match bound.map(strip_parens) {
            Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(int),
                ..
            })) => int.suffix().is_empty(),
            Some(Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Neg(_),
                expr,
                ..
            })) => unsuffixed(Some(expr)),
            _ => false,
        }
    }
    matches!(strip_parens(expr), Expr::Range(range)
        if matches!(range.limits, syn::RangeLimits::HalfOpen(_))
            && unsuffixed(range.start.as_deref())
            && unsuffixed(range.end.as_deref()))
}

pub(crate) fn strip_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip_parens(&p.expr),
        Expr::Group(g) => strip_parens(&g.expr),
        other => other,
    }
}

/// `expr` without the parentheses around it, unless it needs them where the expansion
/// puts it, before a block (`match SOURCE { .. }`): a struct literal at its start
/// (`(Countdown { n: 5 }).map(f)`) would be taken for the block.
pub(crate) fn strip_parens_before_block(expr: &Expr) -> &Expr {
    let stripped = strip_parens(expr);
    if starts_with_struct_literal(stripped) {
        expr
    } else {
        stripped
    }
}

fn starts_with_struct_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Struct(_) => true,
        Expr::MethodCall(call) => starts_with_struct_literal(&call.receiver),
        Expr::Field(field) => starts_with_struct_literal(&field.base),
        Expr::Index(index) => starts_with_struct_literal(&index.expr),
        Expr::Try(tried) => starts_with_struct_literal(&tried.expr),
        Expr::Await(awaited) => starts_with_struct_literal(&awaited.base),
        Expr::Cast(cast) => starts_with_struct_literal(&cast.expr),
        Expr::Binary(binary) => starts_with_struct_literal(&binary.left),
        Expr::Range(range) => range
            .start
            .as_deref()
            .is_some_and(starts_with_struct_literal),
        _ => false,
    }
}
