//! The marks: which attributes are `#[par_for]`, where a statement keeps them, and
//! taking them out of code that is compiled as written.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::visit_mut::VisitMut;
use syn::{Attribute, Item, Stmt};

use super::conditional;

/// Whether an attribute is `#[par_for]`, `#[par_for(...)]` or `#[par_for::par_for]`.
pub(super) fn is_marker(attr: &Attribute) -> bool {
    is_marker_path(attr.path())
}

pub(super) fn is_marker_path(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == "par_for")
}

pub(super) fn take_marker(attrs: &mut Vec<Attribute>) -> Option<Attribute> {
    let index = attrs.iter().position(is_marker)?;
    Some(attrs.remove(index))
}

pub(super) fn stmt_attrs(stmt: &mut Stmt) -> Option<&mut Vec<Attribute>> {
    match stmt {
        Stmt::Local(local) => Some(&mut local.attrs),
        Stmt::Macro(mac) => Some(&mut mac.attrs),
        Stmt::Expr(expr, _) => expr_attrs(expr),
        Stmt::Item(_) => None,
    }
}

pub(super) fn expr_attrs(expr: &mut syn::Expr) -> Option<&mut Vec<Attribute>> {
    use syn::Expr::*;
    Some(match expr {
        ForLoop(e) => &mut e.attrs,
        // `#[attr] a = b` puts the attribute on `a`, the leftmost operand.
        Assign(e) => {
            if e.attrs.iter().any(is_marker) {
                &mut e.attrs
            } else {
                return place_attrs(&mut e.left);
            }
        }
        MethodCall(e) => &mut e.attrs,
        // `#[par_for] items.iter().map(f).collect::<Result<(), _>>()?;`
        Try(e) => &mut e.attrs,
        Call(e) => &mut e.attrs,
        While(e) => &mut e.attrs,
        Loop(e) => &mut e.attrs,
        Block(e) => &mut e.attrs,
        // Not forms, but marked all the same: taken here, so that the macro says what
        // it marks instead of the compiler rejecting an attribute on an expression.
        If(e) => &mut e.attrs,
        Match(e) => &mut e.attrs,
        Unsafe(e) => &mut e.attrs,
        Macro(e) => &mut e.attrs,
        Async(e) => &mut e.attrs,
        Closure(e) => &mut e.attrs,
        Return(e) => &mut e.attrs,
        Break(e) => &mut e.attrs,
        Continue(e) => &mut e.attrs,
        Path(e) => &mut e.attrs,
        Lit(e) => &mut e.attrs,
        Tuple(e) => &mut e.attrs,
        Paren(e) => &mut e.attrs,
        _ => return None,
    })
}

pub(super) fn place_attrs(place: &mut syn::Expr) -> Option<&mut Vec<Attribute>> {
    use syn::Expr::*;
    Some(match place {
        Path(e) => &mut e.attrs,
        Field(e) => return place_attrs(&mut e.base),
        Index(e) => return place_attrs(&mut e.expr),
        Unary(e) => &mut e.attrs,
        _ => return None,
    })
}

/// Whether a nested item enables par_for itself (then its own expansion handles it).
pub(super) fn enables_itself(item: &Item) -> bool {
    let attrs = match item {
        Item::Fn(f) => &f.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Mod(m) => &m.attrs,
        Item::Trait(t) => &t.attrs,
        _ => return false,
    };
    attrs.iter().any(is_marker)
}

/// Removes the marks, so that an item with errors compiles as the serial code it was.
pub(super) struct Unmark;

impl VisitMut for Unmark {
    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Some(attrs) = stmt_attrs(stmt) {
            attrs.retain(|attr| !is_marker(attr));
            conditional::unmark(attrs);
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }

    /// Also misplaced marks, on expressions inside statements.
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let Some(attrs) = expr_attrs(expr) {
            attrs.retain(|attr| !is_marker(attr));
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        if !enables_itself(item) {
            syn::visit_mut::visit_item_mut(self, item);
        }
    }
}

/// The tokens of code that does not parse, with every `#[par_for..]` taken out, so that
/// the compiler's own syntax error is not joined by others about attributes on
/// expressions.
pub(super) fn strip_tokens(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(hash) if hash.as_char() == '#' => {
                let is_mark = matches!(
                    tokens.peek(),
                    Some(TokenTree::Group(group))
                        if group.delimiter() == Delimiter::Bracket && is_mark_tokens(group.stream())
                );
                if is_mark {
                    tokens.next();
                } else {
                    out.push(TokenTree::Punct(hash));
                }
            }
            TokenTree::Group(group) => {
                let mut stripped = Group::new(group.delimiter(), strip_tokens(group.stream()));
                stripped.set_span(group.span());
                out.push(TokenTree::Group(stripped));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Whether the inside of `#[..]` is a mark: `par_for`, `par_for(..)`, `par_for::par_for`.
fn is_mark_tokens(inside: TokenStream) -> bool {
    syn::parse2::<syn::Meta>(inside).is_ok_and(|meta| is_marker_path(meta.path()))
}
