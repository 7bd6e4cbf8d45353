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
//! the user's location, so that an error about it points at the use and names the
//! variable.
//!
//! A value that uses outer variables by value (`return (header, Some(i))`, moving
//! `header`) is a function of those instead (the runtime's `Moving`): the calling
//! thread hands them over after the loop, when the function returns, as the serial loop
//! moves them. Every `return` of a loop takes the same variables (a `_` for those it
//! does not use), so that their values have one type.
//!
//! A stream's body runs on the calling thread, but in a closure the stream calls again
//! and again, which cannot give away the variables it uses either: a `return` there
//! whose value moves one (`return out;`) is built once the stream has stopped
//! ([`after_stream`], the runtime's `AfterStream`), from every variable declared before
//! the loop that the value names, handed over by value then. The value names them as
//! written: its closure binds them under their own names.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprPath, Ident, Token};

use crate::error::Errors;
use crate::scope::{bound_in_body, bound_names, format_names, free_uses};
use crate::valid::check_task;

/// The outer variables a loop's `return` values move (see [`moved_by_value`]), and the
/// local that holds their types: such values are built after the loop, from the
/// variables themselves (the runtime's `Moving`).
pub(crate) struct Moves<'a> {
    pub moved: &'a [Ident],
    pub types: &'a Ident,
}

/// `Deferred::new(move || VALUE)`, with the outer variables of VALUE (those of `outer`
/// that VALUE reads) borrowed rather than moved; with `moves`, VALUE is a function of
/// the moved ones, which the calling thread hands over after the loop.
pub(crate) fn deferred(
    value: &Expr,
    outer: &[Ident],
    moves: Option<&Moves<'_>>,
    span: Span,
) -> TokenStream {
    let (reads, bound) = reads_of(value);
    let moved = moves.map_or(&[][..], |m| m.moved);
    let reads: Vec<Ident> = reads.into_iter().filter(|r| outer.contains(r)).collect();
    let mut value = value.clone();
    let free = free_uses(&value, &reads);
    // Renamed: the free uses outside macros; inside a macro's arguments, which the walk
    // parses anew, a name VALUE never binds. A name bound in VALUE and used freely only
    // in a macro is left alone, as the variable itself.
    let reads: Vec<Ident> = reads
        .into_iter()
        .filter(|read| {
            !bound.contains(&read.unraw().to_string()) || free.iter().any(|(_, n)| n == read)
        })
        .collect();
    let aliases: Vec<(Ident, Ident)> = reads
        .iter()
        .filter(|read| !moved.contains(read))
        .cloned()
        .map(|read| {
            // The same spelling (`r#type` stays raw), the macro's hygiene.
            let mut alias = read.clone();
            alias.set_span(Span::mixed_site());
            (read, alias)
        })
        .collect();
    let free: HashSet<*const ExprPath> = free.into_iter().map(|(path, _)| path).collect();
    Rename {
        aliases: &aliases,
        free: &free,
        bound: &bound,
        in_macro: false,
    }
    .visit_expr_mut(&mut value);
    let borrows = aliases.iter().map(|(name, alias)| {
        quote! {
            let #alias = {
                use ::par_for::__private::dispatch::{ViaCopy as _, ViaRef as _};
                (&&::par_for::__private::Capture(&#name)).__par_for_capture()
            };
        }
    });
    let value = match moves {
        None => quote!(#value),
        Some(Moves { moved, types }) => {
            let takes = moved.iter().map(|name| {
                if reads.contains(name) {
                    quote!(#name)
                } else {
                    quote!(_)
                }
            });
            quote!(::par_for::__private::Moving::new(#types, move |(#(#takes,)*)| #value))
        }
    };
    quote_spanned! {span=>
        {
            #(#borrows)*
            ::par_for::__private::Deferred::new(move || #value)
        }
    }
}

/// The variables declared before a stream's loop that its body names: the free
/// variables of the body (and its pattern), `self` included, less those of
/// [`bound_in_body`].
pub(crate) fn stream_outer(pat: &syn::Pat, body: &syn::Block) -> Vec<Ident> {
    let mut ignored = Errors::default();
    let free = check_task(
        &[pat],
        &|checker| checker.visit_block(body),
        &HashSet::new(),
        &mut ignored,
    );
    let bound = bound_in_body(pat, body);
    free.reads
        .into_iter()
        .filter(|name| !bound.contains(&name.unraw().to_string()))
        .collect()
}

/// The names `value` reads from outside it, and the names it binds itself.
fn reads_of(value: &Expr) -> (Vec<Ident>, HashSet<String>) {
    let mut ignored = Errors::default();
    let free = check_task(
        &[],
        &|checker| checker.visit_expr(value),
        &HashSet::new(),
        &mut ignored,
    );
    (free.reads, bound_names(value))
}

/// The variables of `outer` that `value` names, as a path or inside a format string
/// (`format!("{acc}")`), in order, each once; not those it binds itself.
pub(crate) fn named_outer(value: &Expr, outer: &[Ident]) -> Vec<Ident> {
    let (reads, bound) = reads_of(value);
    let mut named = Vec::new();
    let in_strings = format_names(value.to_token_stream());
    for name in reads.iter().chain(&in_strings) {
        let key = name.unraw().to_string();
        if bound.contains(&key) || named.iter().any(|n: &Ident| n.unraw() == key) {
            continue;
        }
        if let Some(outer) = outer.iter().find(|o| o.unraw() == key) {
            named.push(outer.clone());
        }
    }
    named
}

/// `AfterStream::new(TYPES, move |taken| { let (a, _, b) = taken; VALUE })`: the value
/// of a `return` in a stream's body, built after the stream from the variables of
/// `taken` (those VALUE names, bound under their own names, `mut` in case it calls
/// what takes `&mut self`; `_` for the others). What else VALUE uses (the body's
/// locals, the item) the closure owns.
pub(crate) fn after_stream(value: &Expr, taken: &Moves<'_>, span: Span) -> TokenStream {
    let Moves { moved, types } = taken;
    let named = named_outer(value, moved);
    // `self` cannot be a closure's parameter: it is taken under another name.
    let this = Ident::new("__par_for_self", Span::mixed_site());
    let takes = moved.iter().map(|name| match () {
        _ if !named.contains(name) => quote!(_),
        _ if name == "self" => quote!(#this),
        _ => quote!(mut #name),
    });
    let mut value = value.clone();
    if named.iter().any(|name| name == "self") {
        RenameSelf { to: &this }.visit_expr_mut(&mut value);
    }
    let arg = Ident::new("__par_for_taken", Span::mixed_site());
    quote_spanned! {span=>
        ::par_for::__private::AfterStream::new(#types, move |#arg| {
            #[allow(unused_mut, unused_variables)]
            let (#(#takes,)*) = #arg;
            #value
        })
    }
}

/// The variables of `outer` that `value` uses by value (a tuple's element, a call's
/// argument, an operand of arithmetic, a struct field's value, ...), in order: those a
/// serial `return value` moves (or copies). A method call's receiver, a field's or an
/// index's base, a borrow, a comparison's operand and a macro's argument do not count
/// (they are borrowed, or moved only in ways this cannot see); nor does `self`, which a
/// closure cannot bind.
pub(crate) fn moved_by_value(value: &Expr, outer: &[Ident]) -> Vec<Ident> {
    let bound = bound_names(value);
    let mut found = Vec::new();
    by_value(value, true, &mut found);
    let mut moved: Vec<Ident> = Vec::new();
    for name in found {
        let free = !bound.contains(&name.unraw().to_string());
        if free && name != "self" && outer.contains(&name) && !moved.contains(&name) {
            moved.push(name);
        }
    }
    moved
}

/// Collects the single names `expr` uses by value (`moves`: whether `expr` itself is in
/// a by-value position).
fn by_value(expr: &Expr, moves: bool, found: &mut Vec<Ident>) {
    use syn::BinOp::{Eq, Ge, Gt, Le, Lt, Ne};
    match expr {
        Expr::Path(path) => {
            if let Some(name) = path.path.get_ident().filter(|_| moves) {
                found.push(name.clone());
            }
        }
        Expr::Paren(e) => by_value(&e.expr, moves, found),
        Expr::Group(e) => by_value(&e.expr, moves, found),
        Expr::Tuple(e) => e.elems.iter().for_each(|e| by_value(e, true, found)),
        Expr::Array(e) => e.elems.iter().for_each(|e| by_value(e, true, found)),
        Expr::Call(e) => e.args.iter().for_each(|e| by_value(e, true, found)),
        Expr::MethodCall(e) => {
            by_value(&e.receiver, false, found);
            e.args.iter().for_each(|e| by_value(e, true, found));
        }
        Expr::Struct(e) => {
            e.fields.iter().for_each(|f| by_value(&f.expr, true, found));
            if let Some(rest) = &e.rest {
                by_value(rest, true, found);
            }
        }
        Expr::Binary(e) => {
            let operands_move = !matches!(e.op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_));
            by_value(&e.left, operands_move, found);
            by_value(&e.right, operands_move, found);
        }
        Expr::Unary(e) => by_value(&e.expr, !matches!(e.op, syn::UnOp::Deref(_)), found),
        Expr::Cast(e) => by_value(&e.expr, true, found),
        Expr::Field(e) => by_value(&e.base, false, found),
        Expr::Index(e) => {
            by_value(&e.expr, false, found);
            by_value(&e.index, true, found);
        }
        Expr::Reference(e) => by_value(&e.expr, false, found),
        Expr::If(e) => {
            by_value(&e.cond, false, found);
            block_value(&e.then_branch, found);
            if let Some((_, other)) = &e.else_branch {
                by_value(other, true, found);
            }
        }
        Expr::Block(e) => block_value(&e.block, found),
        Expr::Match(e) => e
            .arms
            .iter()
            .for_each(|arm| by_value(&arm.body, true, found)),
        _ => {}
    }
}

/// The tail of a block, which is its value.
fn block_value(block: &syn::Block, found: &mut Vec<Ident>) {
    if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
        by_value(tail, true, found);
    }
}

fn expr_span(expr: &Expr) -> Span {
    syn::spanned::Spanned::span(expr)
}

/// Renames `self` (a path of its own, not `Self`), in the value and its macros'
/// arguments, keeping each use's location.
struct RenameSelf<'a> {
    to: &'a Ident,
}

impl VisitMut for RenameSelf<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Path(path) = expr {
            if path.qself.is_none() && path.path.is_ident("self") {
                let span = Span::mixed_site().located_at(expr_span(expr));
                let mut to = self.to.clone();
                to.set_span(span);
                *expr = syn::parse_quote_spanned!(span=> #to);
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        visit_macro_args_mut(mac, |arg| self.visit_expr_mut(arg));
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Rewrites each argument of an expression-like macro (`format!`, `vec!`) with `visit`;
/// a `name = value` argument keeps its name. A macro whose arguments are not
/// expressions is left alone.
fn visit_macro_args_mut(mac: &mut syn::Macro, mut visit: impl FnMut(&mut Expr)) {
    let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
    let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
        return;
    };
    for arg in &mut args {
        match arg {
            Expr::Assign(named) if matches!(&*named.left, Expr::Path(_)) => {
                visit(&mut named.right);
            }
            other => visit(other),
        }
    }
    mac.tokens = args.to_token_stream();
}

/// Renames the free uses of the aliased names: outside macros those `free` holds (by
/// address in the value), inside a macro's arguments those of names the value never
/// binds (`bound`).
struct Rename<'a> {
    aliases: &'a [(Ident, Ident)],
    free: &'a HashSet<*const ExprPath>,
    bound: &'a HashSet<String>,
    in_macro: bool,
}

impl Rename<'_> {
    fn alias(&self, expr: &Expr) -> Option<&Ident> {
        let Expr::Path(path) = expr else { return None };
        let ident = path.path.get_ident().filter(|_| path.qself.is_none())?;
        let free = if self.in_macro {
            !self.bound.contains(&ident.unraw().to_string())
        } else {
            self.free.contains(&(path as *const ExprPath))
        };
        if !free {
            return None;
        }
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
        let in_macro = std::mem::replace(&mut self.in_macro, true);
        visit_macro_args_mut(mac, |arg| self.visit_expr_mut(arg));
        self.in_macro = in_macro;
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested item cannot name the loop's variables.
    }
}

#[cfg(test)]
mod tests {
    use super::{moved_by_value, named_outer, stream_outer};
    use syn::Ident;

    fn names(idents: &[Ident]) -> Vec<String> {
        idents.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_stream_return_names_outer_variables_as_paths_and_in_format_strings() {
        let outer: Vec<Ident> = ["out", "acc", "sep", "n"]
            .iter()
            .map(|name| Ident::new(name, proc_macro2::Span::call_site()))
            .collect();
        let named = |value: syn::Expr| names(&named_outer(&value, &outer));
        assert_eq!(named(syn::parse_quote!(out)), ["out"]);
        assert_eq!(
            named(syn::parse_quote!(Ok((acc, sep.len(), r)))),
            ["acc", "sep"]
        );
        assert_eq!(
            named(syn::parse_quote!(Err(format!(
                "{acc:?} after {} {{n}} {n:>4} {0}",
                sep
            )))),
            ["sep", "acc", "n"]
        );
        assert_eq!(
            named(syn::parse_quote!(xs.iter().map(|out| out + n).sum())),
            ["n"],
            "a closure's parameter is its own"
        );
        assert_eq!(
            named(syn::parse_quote!(format!("{LIMIT} {_x}"))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_outer_variables_of_a_stream_body_leave_out_what_it_binds() {
        let pat: syn::Pat = syn::parse_quote!((i, r));
        let body: syn::Block = syn::parse_quote!({
            out.push(r + i);
            if r > stop {
                return (out, count, self.name());
            }
            let count = out.len();
            helper(count);
            let _ = xs.iter().map(|stop| stop + 1);
        });
        assert_eq!(
            names(&stream_outer(&pat, &body)),
            ["out", "stop", "self", "xs"],
            "`count` is also a local of the body (not `stop`, a closure's parameter); \
             `helper` is called"
        );
    }

    fn moved(value: syn::Expr) -> Vec<String> {
        let outer: Vec<Ident> = ["header", "n", "a", "b", "x", "y", "self", "label"]
            .iter()
            .map(|name| Ident::new(name, proc_macro2::Span::call_site()))
            .collect();
        moved_by_value(&value, &outer)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_return_value_moves_what_it_uses_by_value_and_borrows_the_rest() {
        assert_eq!(moved(syn::parse_quote!((header, Some(i)))), ["header"]);
        assert_eq!(moved(syn::parse_quote!(header.len() + n)), ["n"]);
        assert_eq!(
            moved(syn::parse_quote!(Some(&header))),
            Vec::<String>::new()
        );
        assert_eq!(moved(syn::parse_quote!(a == b)), Vec::<String>::new());
        assert_eq!(moved(syn::parse_quote!(f(x, y.clone()))), ["x"]);
        assert_eq!(moved(syn::parse_quote!(S { a, b: x[n] })), ["a", "n"]);
        assert_eq!(
            moved(syn::parse_quote!(format!("{label}"))),
            Vec::<String>::new()
        );
        assert_eq!(moved(syn::parse_quote!(self)), Vec::<String>::new());
        assert_eq!(
            moved(syn::parse_quote!(match y {
                Some(a) => a,
                None => b,
            })),
            ["b"],
            "`a` is bound by the arm"
        );
    }
}
