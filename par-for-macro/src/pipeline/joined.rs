//! A pipeline's leading `zip`s and `chain`s made part of its source
//! ([`Chain::with_zips_in_source`]), so that the source's kind decides how their other
//! side is read, as in a loop; and, for such a source read as written, the marks that
//! make it exact when one of its parts is borrowed ([`mark_parts`]).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Token};

use super::Chain;
use crate::source::{adapter, Adapter};

impl Chain {
    /// The same pipeline with its leading adapters, up to its last `zip` or `chain`,
    /// made part of its source, when a loop's source has them all (`copied`, `map`,
    /// `enumerate`, ...). The source's kind then decides how the zip or chain runs, as in
    /// a loop: a borrowed side (`it.by_ref()`) is read exactly as far as serially, an
    /// endless one (`1..`) no further than the other side, and two sides that cannot be
    /// sent to the pool's threads are read together on the calling thread.
    pub(super) fn with_zips_in_source(&self) -> Option<Chain> {
        let leading = self
            .adapters
            .iter()
            .take_while(|a| adapter(&a.method, &a.turbofish, &a.args).is_some())
            .count();
        let joined = self.adapters[..leading].iter().rposition(|a| {
            matches!(
                adapter(&a.method, &a.turbofish, &a.args),
                Some(Adapter::Joining(_))
            )
        })? + 1;
        let mut source = self.source.clone();
        for step in &self.adapters[..joined] {
            let span = step.method.span();
            source = Expr::MethodCall(syn::ExprMethodCall {
                attrs: Vec::new(),
                receiver: Box::new(source),
                dot_token: Token![.](span),
                method: step.method.clone(),
                turbofish: step.turbofish.clone(),
                paren_token: syn::token::Paren(span),
                args: step.args.clone(),
            });
        }
        Some(Chain {
            source,
            adapters: self.adapters[joined..].to_vec(),
            consumer: self.consumer.clone(),
            path: self.path.clone(),
        })
    }
}

/// Whether a source read as written has sides joined to it (`a.zip(b)`, `a.chain(b)`,
/// made part of it by `Chain::with_zips_in_source`).
pub(super) fn joins_sides(source: &Expr) -> bool {
    match crate::source::strip_parens(source) {
        Expr::MethodCall(call) => match adapter(&call.method, &call.turbofish, &call.args) {
            Some(Adapter::Joining(_)) => true,
            Some(_) => joins_sides(&call.receiver),
            None => false,
        },
        _ => false,
    }
}

/// A source read as written with each of its parts (its root and the sides of its `zip`s
/// and `chain`s) passed through the runtime's `ExactSide`, which sets `exact` for one
/// that is borrowed.
pub(super) fn mark_parts(source: &Expr, exact: &Ident) -> TokenStream {
    let part = |part: &Expr| exact_side(quote!(#part), exact, part.span());
    let source = crate::source::strip_parens(source);
    match source {
        Expr::MethodCall(call) => {
            let Some(kind) = adapter(&call.method, &call.turbofish, &call.args) else {
                return part(source);
            };
            let receiver = mark_parts(&call.receiver, exact);
            let method = &call.method;
            let joins = matches!(kind, Adapter::Joining(_));
            let args = call
                .args
                .iter()
                .map(|arg| if joins { part(arg) } else { quote!(#arg) });
            quote!(#receiver.#method(#(#args),*))
        }
        _ => part(source),
    }
}

/// `part` passed through the runtime's `ExactSide`, which sets `exact` when it is a
/// borrowed iterator and gives it back as it is; spanned at `span`.
pub(crate) fn exact_side(part: TokenStream, exact: &Ident, span: proc_macro2::Span) -> TokenStream {
    let side = quote_spanned! {span=>
        (&&&::par_for::__private::ExactSide::new(&#exact, #part)).__par_for_side()
    };
    quote! {
        {
            use ::par_for::__private::dispatch::{ViaBorrowedSide as _, ViaOwnedSide as _};
            #side
        }
    }
}
