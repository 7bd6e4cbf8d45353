//! The item the enabling attribute is on: what it may be, parsed, and what is left of
//! it when it cannot be read.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Item};

use super::marks::{self, Unmark};

/// What the enabling attribute is on: an item (`fn`, `impl`, `trait`, inline `mod`), or
/// one method of an `impl` block.
pub(super) enum Enabled {
    Item(Item),
    Method(syn::ImplItemFn),
}

impl Enabled {
    pub(super) fn visit(&mut self, visitor: &mut impl VisitMut) {
        match self {
            Enabled::Item(item) => visitor.visit_item_mut(item),
            Enabled::Method(method) => visitor.visit_impl_item_fn_mut(method),
        }
    }

    pub(super) fn attrs(&self) -> &[Attribute] {
        match self {
            Enabled::Item(Item::Fn(f)) => &f.attrs,
            Enabled::Item(Item::Mod(m)) => &m.attrs,
            Enabled::Item(Item::Impl(i)) => &i.attrs,
            Enabled::Item(Item::Trait(t)) => &t.attrs,
            Enabled::Item(_) => &[],
            Enabled::Method(m) => &m.attrs,
        }
    }

    pub(super) fn name_span(&self) -> proc_macro2::Span {
        match self {
            Enabled::Item(Item::Fn(f)) => f.sig.ident.span(),
            Enabled::Item(Item::Mod(m)) => m.ident.span(),
            Enabled::Item(Item::Impl(i)) => i.self_ty.span(),
            Enabled::Item(Item::Trait(t)) => t.ident.span(),
            Enabled::Item(other) => other.span(),
            Enabled::Method(m) => m.sig.ident.span(),
        }
    }

    pub(super) fn into_token_stream(self) -> TokenStream {
        match self {
            Enabled::Item(item) => item.to_token_stream(),
            Enabled::Method(method) => method.to_token_stream(),
        }
    }
}

impl ToTokens for Enabled {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Enabled::Item(item) => item.to_tokens(tokens),
            Enabled::Method(method) => method.to_tokens(tokens),
        }
    }
}

/// The item the attribute enables, with the grouping of the expressions a
/// `macro_rules!` macro handed over kept (see `grouping`).
pub(super) fn parse_item(input: TokenStream) -> syn::Result<Enabled> {
    let mut item = parse_enabled(input)?;
    item.visit(&mut crate::grouping::KeepGrouping);
    Ok(item)
}

fn parse_enabled(input: TokenStream) -> syn::Result<Enabled> {
    let not_here = |span| {
        syn::Error::new(
            span,
            "#[par_for] goes on a `fn`, a method, an `impl` block, a `trait` or an inline `mod`, \
             and on the `for` loops and `let` pipelines inside them",
        )
    };
    match syn::parse2::<Item>(input.clone()) {
        Ok(item @ (Item::Fn(_) | Item::Impl(_) | Item::Trait(_))) => Ok(Enabled::Item(item)),
        Ok(Item::Mod(module)) if module.content.is_some() => Ok(Enabled::Item(Item::Mod(module))),
        Ok(other) => Err(not_here(other.span())),
        Err(_) => match syn::parse2::<syn::ImplItemFn>(input.clone()) {
            Ok(method) => Ok(Enabled::Method(method)),
            Err(_) if syn::parse2::<syn::Stmt>(input.clone()).is_ok() => Err(syn::Error::new(
                input.span(),
                "this #[par_for] marks a statement that no #[par_for] on an enclosing `fn` has \
                 seen\nhelp: put `#[par_for]` on the `fn` (or `impl`, `trait`, inline `mod`) \
                 around it; a mark inside a `macro_rules!` body is never seen that way (the \
                 `fn`'s attribute sees only the macro's call): mark the statement where the \
                 macro is used, or write the loop outside the macro; under another name \
                 (`use par_for::par_for as parallel;`) the enabling attribute is \
                 `#[parallel]`, and the marks inside are still spelled `#[par_for]`",
            )),
            Err(_) => match syn::parse2::<Item>(input.clone()) {
                // An item of a kind it goes on, which does not parse: the compiler
                // reports the syntax error itself.
                Err(error) if names_an_enabling_item(&input) => Err(syn::Error::new(
                    error.span(),
                    format!(
                        "#[par_for] cannot read this item: {error}\nhelp: fix the syntax \
                         error the compiler reports here first"
                    ),
                )),
                _ => Err(not_here(input.span())),
            },
        },
    }
}

/// Whether `input` starts like a `fn`, `impl`, `trait` or `mod` (after attributes and
/// qualifiers), whatever follows.
fn names_an_enabling_item(input: &TokenStream) -> bool {
    use proc_macro2::TokenTree;
    input
        .clone()
        .into_iter()
        .filter_map(|token| match token {
            TokenTree::Ident(ident) => Some(ident.to_string()),
            _ => None,
        })
        .find(|word| {
            ![
                "pub", "crate", "const", "async", "unsafe", "extern", "default",
            ]
            .contains(&word.as_str())
        })
        .is_some_and(|word| ["fn", "impl", "trait", "mod"].contains(&word.as_str()))
}

/// An item the attribute cannot go on, with the marks inside it removed, so that the
/// one error is the macro's and not also the compiler's about attributes on expressions.
pub(super) fn unmarked(input: TokenStream) -> TokenStream {
    match syn::parse2::<Item>(input.clone()) {
        Ok(mut item) => {
            syn::visit_mut::visit_item_mut(&mut Unmark, &mut item);
            item.into_token_stream()
        }
        Err(_) => marks::strip_tokens(input),
    }
}
