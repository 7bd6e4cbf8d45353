//! The value of a `return` inside a parallel iteration, as the closure the runtime
//! calls on the calling thread once the loop is over, for the winning iteration only.
//!
//! The closure must own the iteration's locals (the iteration is over when it runs) but
//! not move the variables declared outside the loop (the iteration only borrowed them:
//! `return counter.fetch_add(1, SeqCst)` on an outer atomic must not move it). A `move`
//! closure owns what it names, so each outer variable the value reads is named through
//! an alias taken before the closure, a copy if its type is `Copy` (it may be a local
//! of an enclosing parallel iteration) and a reference otherwise (see the runtime's
//! `capture`): `counter` becomes `(*counter)`, the same value, where this `counter` is
//! the alias (the macro's own hygiene keeps it apart from the user's). Each use keeps
//! the user's location, so that an error about it (a `return` that would move an outer
//! `Vec`: "cannot move out of `*header` which is behind a shared reference") points
//! at the use and names the variable.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, Token};

use crate::error::Errors;
use crate::valid::check_task;

/// `Deferred::new(move || VALUE)`, with the outer variables of VALUE (those of `outer`
/// that VALUE reads) borrowed rather than moved.
pub(crate) fn deferred(value: &Expr, outer: &[Ident], span: Span) -> TokenStream {
    let mut ignored = Errors::default();
    let free = check_task(
        &[],
        &|checker| checker.visit_expr(value),
        &HashSet::new(),
        &mut ignored,
    );
    let bound = bound_names(value);
    // A name bound somewhere inside VALUE is left alone: renaming only names that are
    // never bound there renames exactly their free uses.
    let aliases: Vec<(Ident, Ident)> = free
        .reads
        .into_iter()
        .filter(|read| outer.contains(read) && !bound.contains(&read.unraw().to_string()))
        .map(|read| {
            // The same spelling (`r#type` stays raw), the macro's hygiene.
            let mut alias = read.clone();
            alias.set_span(Span::mixed_site());
            (read, alias)
        })
        .collect();
    let mut value = value.clone();
    Rename { aliases: &aliases }.visit_expr_mut(&mut value);
    let borrows = aliases.iter().map(|(name, alias)| {
        quote! {
            let #alias = {
                use ::par_for::__private::dispatch::{ViaCopy as _, ViaRef as _};
                (&&::par_for::__private::Capture(&#name)).__par_for_capture()
            };
        }
    });
    quote_spanned! {span=>
        {
            #(#borrows)*
            ::par_for::__private::Deferred::new(move || #value)
        }
    }
}

/// Every name a pattern inside `expr` binds.
fn bound_names(expr: &Expr) -> HashSet<String> {
    struct Bindings(HashSet<String>);
    impl<'ast> Visit<'ast> for Bindings {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.0.insert(pat.ident.unraw().to_string());
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut bindings = Bindings(HashSet::new());
    bindings.visit_expr(expr);
    bindings.0
}

fn expr_span(expr: &Expr) -> Span {
    syn::spanned::Spanned::span(expr)
}

struct Rename<'a> {
    aliases: &'a [(Ident, Ident)],
}

impl Rename<'_> {
    fn alias(&self, expr: &Expr) -> Option<&Ident> {
        let Expr::Path(path) = expr else { return None };
        let ident = path.path.get_ident().filter(|_| path.qself.is_none())?;
        self.aliases
            .iter()
            .find(|(name, _)| name == ident)
            .map(|(_, alias)| alias)
    }
}

impl VisitMut for Rename<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(alias) = self.alias(expr) {
            // The macro's hygiene, the user's location.
            let span = Span::mixed_site().located_at(expr_span(expr));
            let mut alias = alias.clone();
            alias.set_span(span);
            *expr = syn::parse_quote_spanned!(span=> (*#alias));
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        // `S { counter }` is `S { counter: counter }`: spell it out once renamed.
        if field.colon_token.is_none() && self.alias(&field.expr).is_some() {
            field.colon_token = Some(Default::default());
        }
        syn::visit_mut::visit_field_value_mut(self, field);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // Arguments of expression-like macros (`format!`, `vec!`); `name = value`
        // keeps its name.
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
            return;
        };
        for arg in &mut args {
            match arg {
                Expr::Assign(named) if matches!(&*named.left, Expr::Path(_)) => {
                    self.visit_expr_mut(&mut named.right);
                }
                other => self.visit_expr_mut(other),
            }
        }
        mac.tokens = args.to_token_stream();
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested item cannot name the loop's variables.
    }
}
