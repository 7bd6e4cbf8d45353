//! The forms of update a reduction allows, and the messages that teach them.

use syn::{Expr, ExprPath};

use crate::attr::{ReduceOp, Reduction};
use crate::error::shown;
use crate::scope::compound_assign;

/// The place's root variable, and whether the place is the bare variable.
pub(super) fn update_root(place: &Expr) -> Option<(&ExprPath, bool)> {
    let mut expr = strip(place);
    let mut bare = true;
    loop {
        expr = match expr {
            Expr::Path(path) => return Some((path, bare)),
            Expr::Field(e) => &e.base,
            Expr::Index(e) => &e.expr,
            Expr::MethodCall(e) => &e.receiver,
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => expr,
            Expr::Paren(e) => &e.expr,
            Expr::Group(e) => &e.expr,
            _ => return None,
        };
        bare = false;
    }
}

pub(super) fn strip(mut expr: &Expr) -> &Expr {
    loop {
        expr = match expr {
            Expr::Paren(e) => &e.expr,
            Expr::Group(e) => &e.expr,
            _ => return expr,
        }
    }
}

pub(super) fn tokens(expr: &Expr) -> String {
    quote::ToTokens::to_token_stream(strip(expr)).to_string()
}

/// The accumulator operand of `a op e`, `a.m(e)` or `f(a, e)`.
pub(super) fn first_operand(rhs: &Expr) -> Option<&Expr> {
    match strip(rhs) {
        Expr::Binary(e) if compound_assign(&e.op).is_none() => Some(&e.left),
        Expr::MethodCall(e) => Some(&e.receiver),
        Expr::Call(e) => e.args.first(),
        _ => None,
    }
}

/// Whether `v = RHS` (with `v` first in RHS) updates a reduction by `op`.
pub(super) fn updates_with(op: &ReduceOp, rhs: &Expr) -> bool {
    let name = match strip(rhs) {
        Expr::Binary(e) => return binary_allowed(op, &e.op),
        Expr::MethodCall(e) => e.method.to_string(),
        Expr::Call(e) => match strip(&e.func) {
            Expr::Path(path) => match path.path.segments.last() {
                Some(last) => last.ident.to_string(),
                None => return false,
            },
            _ => return matches!(op, ReduceOp::Function(_)),
        },
        _ => return false,
    };
    let allowed: &[&str] = match op {
        ReduceOp::Function(_) => return true,
        ReduceOp::MinMax(m) if m == "min" => &["min"],
        ReduceOp::MinMax(_) => &["max"],
        ReduceOp::Operator(syn::BinOp::Add(_)) => &["add", "sub", "wrapping_add", "wrapping_sub"],
        ReduceOp::Operator(syn::BinOp::Mul(_)) => &["mul", "wrapping_mul"],
        ReduceOp::Operator(syn::BinOp::BitAnd(_)) => &["bitand"],
        ReduceOp::Operator(syn::BinOp::BitOr(_)) => &["bitor"],
        ReduceOp::Operator(_) => &["bitxor"],
    };
    allowed.contains(&name.as_str())
}

pub(super) fn binary_allowed(op: &ReduceOp, binary: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        (op, binary),
        (ReduceOp::Function(_), _)
            | (ReduceOp::Operator(Add(_)), Add(_) | Sub(_))
            | (ReduceOp::Operator(Mul(_)), Mul(_))
            | (ReduceOp::Operator(BitAnd(_)), BitAnd(_))
            | (ReduceOp::Operator(BitOr(_)), BitOr(_))
            | (ReduceOp::Operator(BitXor(_)), BitXor(_))
    )
}

pub(super) fn compound_allowed(op: &ReduceOp, compound: &str) -> bool {
    match op {
        ReduceOp::Function(_) => true,
        ReduceOp::MinMax(_) => false,
        ReduceOp::Operator(syn::BinOp::Add(_)) => matches!(compound, "+=" | "-="),
        ReduceOp::Operator(syn::BinOp::Mul(_)) => compound == "*=",
        ReduceOp::Operator(syn::BinOp::BitAnd(_)) => compound == "&=",
        ReduceOp::Operator(syn::BinOp::BitOr(_)) => compound == "|=",
        ReduceOp::Operator(_) => compound == "^=",
    }
}

pub(super) fn op_name(op: &ReduceOp) -> String {
    match op {
        ReduceOp::Operator(op) => tokens(&syn::parse_quote!(a #op b))
            .trim_start_matches("a ")
            .trim_end_matches(" b")
            .to_string(),
        ReduceOp::MinMax(m) => m.to_string(),
        ReduceOp::Function(path) => quote::ToTokens::to_token_stream(path)
            .to_string()
            .replace(' ', ""),
    }
}

/// The updates a reduction allows, as the help of an error.
pub(super) fn how_to_update(reduction: &Reduction) -> String {
    let v = &reduction.var;
    match &reduction.op {
        ReduceOp::Operator(syn::BinOp::Add(_)) => {
            format!("update it with `{v} += x` or `{v} -= x`")
        }
        ReduceOp::Operator(op) => {
            let op = op_name(&ReduceOp::Operator(*op));
            format!("update it with `{v} {op}= x`")
        }
        ReduceOp::MinMax(m) => {
            let cmp = if m == "min" { "<" } else { ">" };
            format!("update it with `{v} = {v}.{m}(x)` or `if x {cmp} {v} {{ {v} = x; }}`")
        }
        ReduceOp::Function(f) => {
            let f = op_name(&ReduceOp::Function(f.clone()));
            format!(
                "update it with `{v} = {f}({v}, x)`, element or field updates (`{v}[i] += x`, `{v}.field = x`), \
                 or a method call whose value is not used (`{v}.push(x);`)"
            )
        }
    }
}

pub(super) fn read_message(reduction: &Reduction) -> String {
    let v = &reduction.var;
    format!(
        "`{v}` is a reduction variable of this #[par_for] loop: each worker holds a partial \
         value of it, not the serial running value, so it can only be updated in the body, \
         never read\nhelp: {}; compute what depends on `{v}` after the loop, or collect the \
         per-item values (`#[par_for] let v: Vec<_> = items.iter().map(..).collect();`)",
        how_to_update(reduction)
    )
}

pub(super) fn named_arg_message(reduction: &Reduction) -> String {
    let v = &reduction.var;
    format!(
        "`{v} = ..` names an argument of this macro, but `{v}` is a reduction variable of \
         this #[par_for] loop: inside the body every `{v}` stands for a worker's partial \
         value, so the argument would become an assignment to it\nhelp: give the argument \
         another name (`{v}_arg = ..`, and `{{{v}_arg}}` in the format string)"
    )
}

pub(super) fn used_call_message(reduction: &Reduction, call: &syn::ExprMethodCall) -> String {
    let v = &reduction.var;
    let method = &call.method;
    let name = method.to_string();
    let per_key = if ["get_mut", "get", "contains_key"].contains(&name.as_str()) {
        format!("; to count or gather per key, `*{v}.entry(key).or_insert(0) += 1`")
    } else {
        String::new()
    };
    // Only what may change `v` makes sense as such a statement (`seen.insert(x);`).
    let accessor = [
        "len",
        "is_empty",
        "get",
        "get_mut",
        "contains",
        "contains_key",
        "iter",
    ];
    let example = if accessor.contains(&name.as_str()) {
        String::new()
    } else {
        format!(" (`{v}.{method}(..);`)")
    };
    format!(
        "the value of `.{method}(..)` on the reduction variable `{v}` is used, but it comes from \
         one worker's partial value of `{v}`, not from the serial running value\nhelp: a method \
         call may update `{v}` only as a statement whose value is not used{example}{per_key}; \
         compute what depends on `{v}` after the loop, or collect the per-item values \
         (`#[par_for] let v: Vec<_> = items.iter().map(..).collect();`)"
    )
}

pub(super) fn used_mut_arg_message(reduction: &Reduction, call: &str) -> String {
    let v = &reduction.var;
    format!(
        "the value of `{call}` is used, but the call is given `&mut {v}`, one worker's partial \
         value of the reduction variable `{v}`, not the serial running value: what it \
         returns may differ from the serial loop's\nhelp: a call may update `{v}` only as a \
         statement whose value is not used (`f(&mut {v}, x);`); compute what depends on \
         `{v}` after the loop (`{v}.len()`), or collect the per-item values"
    )
}

pub(super) fn not_an_update(reduction: &Reduction, rhs: &Expr) -> String {
    let v = &reduction.var;
    let help = match strip(rhs) {
        // `s = s.saturating_add(x)` under `+`: `s += x` would not saturate.
        Expr::MethodCall(call)
            if is_var(&call.receiver, v) && (call.method == "min" || call.method == "max") =>
        {
            let m = &call.method;
            format!(
                "`.{m}(..)` updates a `{m}` reduction: declare `reduce({v}: {m})` if the \
                 {m}imum is what the loop computes; otherwise {}",
                how_to_update(reduction)
            )
        }
        Expr::MethodCall(call) if is_var(&call.receiver, v) && call.args.len() == 1 => {
            let m = &call.method;
            format!(
                "`.{m}(..)` does not combine as `{op}`: if combining the workers' partial \
                 values with it gives the serial result, make it the reduction's function, \
                 `reduce({v}: T::{m})` with `T` the type of `{v}` (`u64::{m}`); otherwise {how}",
                op = op_name(&reduction.op),
                how = how_to_update(reduction)
            )
        }
        _ => how_to_update(reduction),
    };
    format!(
        "`{v} = {}` does not update the `{}` reduction `{v}`: each worker holds a partial value \
         of `{v}`, and the serial result comes only from updates that combine\nhelp: {help}",
        shown(strip(rhs)),
        op_name(&reduction.op),
    )
}

fn is_var(expr: &Expr, var: &syn::Ident) -> bool {
    matches!(strip(expr), Expr::Path(path) if path.path.is_ident(var))
}
