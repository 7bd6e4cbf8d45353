//! The variables a format string names inline (`println!("{tag}-{i}")`), which are
//! read as the macro's other arguments are.

use proc_macro2::{TokenStream, TokenTree};
use syn::Ident;

use super::starts_upper;

/// The names a string literal among `tokens` names inline, as a format string does:
/// `{name}`, `{name:?}`, `{name:>8}` (not `{{`, `{0}`, `{}`).
pub(crate) fn format_names(tokens: TokenStream) -> Vec<Ident> {
    let mut names = Vec::new();
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => names.extend(format_names(group.stream())),
            TokenTree::Literal(literal) => {
                let Ok(string) = syn::parse2::<syn::LitStr>(TokenTree::Literal(literal).into())
                else {
                    continue;
                };
                let text = string.value();
                let mut rest = text.as_str();
                while let Some(open) = rest.find('{') {
                    rest = &rest[open + 1..];
                    if let Some(after) = rest.strip_prefix('{') {
                        rest = after;
                        continue;
                    }
                    let end = rest
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    let (name, after) = rest.split_at(end);
                    let closes = after.starts_with('}') || after.starts_with(':');
                    let is_name = name.starts_with(|c: char| c.is_alphabetic() || c == '_');
                    if closes && is_name && name != "_" {
                        if let Ok(ident) = syn::parse_str::<Ident>(name) {
                            let mut ident = ident;
                            ident.set_span(string.span());
                            names.push(ident);
                        }
                    }
                    rest = after;
                }
            }
            _ => {}
        }
    }
    names.retain(|name| !starts_upper(name));
    names
}
