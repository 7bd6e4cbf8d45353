//! How the body writes the updates of a reduction, where that decides how the workers'
//! copies must combine to give the serial result.
//!
//! The serial loop folds each item into the variable with the update as written; the
//! copies are combined with that same update, the earlier copy in the variable's place
//! and the later one in the item's. For `min` and `max` the form decides which of two
//! equal items is kept (`if x > best` keeps the first, `best.max(x)` and `if x >= best`
//! the last) and what a NaN does (`f64::min` ignores one, `if x < lo` keeps a NaN
//! `lo`); for `+` and `*`, `wrapping_add` and `wrapping_mul` never overflow where `+`
//! would panic in a debug build.

use proc_macro2::{Span, TokenStream};
use quote::{quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Ident};

use crate::attr::{ReduceOp, Reduction};
use crate::error::Errors;

/// The update form that combines a reduction's copies, when it is not the operation's
/// own (`+`, `min`, ...).
#[derive(Clone)]
pub(crate) enum Written {
    /// `v = v.m(x)`: `a.m(b)`.
    Method(Ident),
    /// `v = f(v, x)`: `f` itself.
    Function(Expr),
    /// `if x OP v { v = x; }` (or the same comparison the other way round): `b` when
    /// `b OP a`, else `a`.
    Keep(BinOp),
}

impl Written {
    /// The form as a user reads it, with `v` for the variable and `x` for the new value.
    fn describe(&self, v: &Ident) -> String {
        match self {
            Written::Method(m) => format!("`{v} = {v}.{m}(x)`"),
            Written::Function(f) => format!("`{v} = {}({v}, x)`", compact(f)),
            Written::Keep(op) => format!("`if x {} {v} {{ {v} = x; }}`", compact(op)),
        }
    }

    fn same_as(&self, other: &Written) -> bool {
        match (self, other) {
            (Written::Method(a), Written::Method(b)) => a == b,
            (Written::Function(a), Written::Function(b)) => compact(a) == compact(b),
            (Written::Keep(a), Written::Keep(b)) => compact(a) == compact(b),
            _ => false,
        }
    }

    /// The function (`f`) or closure (`|a, b| ..`) that combines two copies, spanned at
    /// the body's update.
    pub(crate) fn closure(&self, a: &Ident, b: &Ident) -> TokenStream {
        match self {
            Written::Method(m) => quote_spanned!(m.span()=> |#a, #b| #a.#m(#b)),
            Written::Function(f) => f.to_token_stream(),
            Written::Keep(op) => {
                quote_spanned!(op.span()=> |#a, #b| if #b #op #a { #b } else { #a })
            }
        }
    }
}

fn compact(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

/// One update of a reduction variable, as the body writes it.
pub(super) struct Update {
    /// `None`: the operation's own combining (`v += x`, `v = v + x`, `v = v.add(x)`).
    pub(super) written: Option<Written>,
    /// The update (or the condition of an `if` update), for an error's span.
    pub(super) at: TokenStream,
}

/// The form of `v = RHS`, an update of `reduction` whose first operand is `v`.
pub(super) fn assigned(reduction: &Reduction, rhs: &Expr) -> Option<Written> {
    let (name, written) = match rhs {
        Expr::MethodCall(call) => (call.method.clone(), Written::Method(call.method.clone())),
        Expr::Call(call) => {
            let Expr::Path(path) = &*call.func else {
                return None;
            };
            let name = path.path.segments.last()?.ident.clone();
            (name, Written::Function((*call.func).clone()))
        }
        _ => return None,
    };
    match &reduction.op {
        ReduceOp::MinMax(_) => Some(written),
        ReduceOp::Operator(BinOp::Add(_)) if name.to_string().starts_with("wrapping_") => {
            // `wrapping_sub` of the items is their `wrapping_add`, subtracted: each copy
            // holds its items' negated sum, and copies add.
            Some(renamed(written, "wrapping_add", name.span()))
        }
        ReduceOp::Operator(BinOp::Mul(_)) if name == "wrapping_mul" => Some(written),
        _ => None,
    }
}

/// `written` calling `to` (in the same path) instead of the method or function it names.
fn renamed(written: Written, to: &str, span: Span) -> Written {
    let to = Ident::new(to, span);
    match written {
        Written::Method(_) => Written::Method(to),
        Written::Function(Expr::Path(mut path)) => {
            if let Some(last) = path.path.segments.last_mut() {
                last.ident = to;
            }
            Written::Function(Expr::Path(path))
        }
        other => other,
    }
}

/// How the copies of `reduction` combine, given every update the body makes to the bare
/// variable: the operation's own way if none decides it. Two `min`/`max` updates
/// written different ways may keep different items of two equal ones, which no single
/// way of combining copies reproduces: that is an error at the second.
pub(super) fn resolve(
    reduction: &Reduction,
    updates: &[Update],
    errors: &mut Errors,
) -> Option<Written> {
    let mut decided = updates.iter().filter(|u| u.written.is_some());
    let first = decided.next()?;
    let written = first.written.as_ref()?;
    if !matches!(reduction.op, ReduceOp::MinMax(_)) {
        // `+`/`*`: one wrapping update makes the copies combine without overflow checks.
        return Some(written.clone());
    }
    let v = &reduction.var;
    for update in updates {
        let form = update.written.as_ref();
        if form.is_some_and(|form| form.same_as(written)) {
            continue;
        }
        let here = form.map_or_else(|| format!("`{v} = ..`"), |form| form.describe(v));
        errors.push(syn::Error::new_spanned(
            &update.at,
            format!(
                "`{v}` is updated here by {here} and elsewhere by {}: when two items are \
                 equal (or one is NaN) the two forms may keep different ones, and the \
                 workers' copies of `{v}` can be combined only one way\nhelp: write every \
                 update of `{v}` the same way, e.g. {} each time",
                written.describe(v),
                written.describe(v)
            ),
        ));
    }
    Some(written.clone())
}

/// The normalized comparison of `if x OP v { v = x; }`: `x OP v` as written, or the
/// same comparison written `v OP' x`.
pub(super) fn kept_if(op: &BinOp, new_on_left: bool) -> Written {
    if new_on_left {
        return Written::Keep(*op);
    }
    let flipped = match op {
        BinOp::Lt(t) => BinOp::Gt(syn::Token![>](t.spans)),
        BinOp::Le(t) => BinOp::Ge(syn::Token![>=](t.spans)),
        BinOp::Gt(t) => BinOp::Lt(syn::Token![<](t.spans)),
        BinOp::Ge(t) => BinOp::Le(syn::Token![<=](t.spans)),
        other => *other,
    };
    Written::Keep(flipped)
}
