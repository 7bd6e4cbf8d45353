//! Std's macros as the walks see them: the variables a format string names inline
//! (`println!("{tag}-{i}")`), read as the macro's other arguments are, and which macros
//! are std's, binding no name of the caller's.

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

/// Std's macros that format their arguments: a format string may name variables
/// inline, and they are known to read what it names.
const FORMATTING: &[&str] = &[
    "format",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
    "format_args",
];

/// Std's other macros that take expressions or nothing.
const OTHER_STD: &[&str] = &[
    "vec",
    "matches",
    "dbg",
    "concat",
    "stringify",
    "line",
    "column",
    "file",
    "env",
];

fn named_one_of(mac: &syn::Macro, names: &[&str]) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|last| names.iter().any(|name| last.ident == name))
}

/// Whether a macro is one of std's that format their arguments.
pub(crate) fn is_format_macro(mac: &syn::Macro) -> bool {
    named_one_of(mac, FORMATTING)
}

/// Whether a macro is one of std's, which bind no name of the caller's.
pub(crate) fn binds_nothing(mac: &syn::Macro) -> bool {
    is_format_macro(mac) || named_one_of(mac, OTHER_STD)
}
