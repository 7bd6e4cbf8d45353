//! A mark under a condition, `#[cfg_attr(feature = "parallel", par_for(..))]`: the
//! statement is marked where the condition holds and plain elsewhere. The macro cannot
//! evaluate the condition (the compiler does, after it), so the statement becomes two,
//! `#[cfg(COND)]` marked and `#[cfg(not(COND))]` as written, of which the compiler
//! keeps one.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Meta, Stmt, Token};

use super::marks::{is_marker_path, stmt_attrs};

/// Makes `stmt` the marked copy of a statement marked under a condition and returns
/// the plain copy and the condition; `None`, leaving it as it is, for any other
/// statement.
pub(super) fn split(stmt: &mut Stmt) -> Option<(Stmt, Meta)> {
    let attrs = stmt_attrs(stmt)?;
    let (at, condition, inside) = attrs.iter().enumerate().find_map(|(at, attr)| {
        let (condition, inside) = conditional_mark(attr)?;
        Some((at, condition, inside))
    })?;
    let span = attrs[at].span();
    let mut plain = attrs.clone();
    plain[at] = syn::parse_quote_spanned!(span=> #[cfg(not(#condition))]);
    let marked: Vec<Attribute> =
        std::iter::once(syn::parse_quote_spanned!(span=> #[cfg(#condition)]))
            .chain(
                inside
                    .iter()
                    .map(|meta| syn::parse_quote_spanned!(span=> #[#meta])),
            )
            .collect();
    attrs.splice(at..=at, marked);
    let mut unmarked = stmt.clone();
    *stmt_attrs(&mut unmarked).expect("the same statement") = plain;
    Some((unmarked, condition))
}

/// Takes the mark out of each `#[cfg_attr(COND, ..)]` of `attrs`, and drops one left
/// with nothing.
pub(super) fn unmark(attrs: &mut Vec<Attribute>) {
    attrs.retain_mut(|attr| {
        let Some((condition, inside)) = conditional_mark(attr) else {
            return true;
        };
        let others: Vec<&Meta> = inside
            .iter()
            .filter(|meta| !is_marker_path(meta.path()))
            .collect();
        if others.is_empty() {
            return false;
        }
        let span = attr.span();
        *attr = syn::parse_quote_spanned!(span=> #[cfg_attr(#condition, #(#others),*)]);
        true
    });
}

/// The errors of statements marked under a condition, each reported only where its
/// condition holds.
pub(super) fn errors(errors: Vec<(Meta, syn::Error)>) -> TokenStream {
    errors
        .into_iter()
        .flat_map(|(condition, error)| {
            error.into_iter().map(move |error| {
                let error = error.to_compile_error();
                quote!(#[cfg(#condition)] #error)
            })
        })
        .collect()
}

/// The condition and attributes of `#[cfg_attr(COND, ATTRS..)]` when one of them is the
/// mark.
fn conditional_mark(attr: &Attribute) -> Option<(Meta, Vec<Meta>)> {
    if !attr.path().is_ident("cfg_attr") {
        return None;
    }
    let Meta::List(list) = &attr.meta else {
        return None;
    };
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated
        .parse2(list.tokens.clone())
        .ok()?;
    let mut metas = metas.into_iter();
    let condition = metas.next()?;
    let inside: Vec<Meta> = metas.collect();
    inside
        .iter()
        .any(|meta| is_marker_path(meta.path()))
        .then_some((condition, inside))
}
