//! A streaming loop's source is `SOURCE.map(TASK)`. An adapter after the task (`.map(f)
//! .enumerate()`, `.map(f).take(2)`) or a last `filter_map(f)` is told where it goes.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{Expr, ExprClosure, ExprForLoop, ExprMethodCall, Pat};

use crate::error::shown;

const STREAM_FORM: &str = "a streaming loop iterates over `SOURCE.map(TASK)`: TASK runs on \
                           the pool and the loop body gets each result";

/// The `SOURCE` and `TASK` of a streaming loop over `SOURCE.map(TASK)`.
pub(super) fn stream_parts(for_loop: &ExprForLoop) -> syn::Result<(Expr, Expr)> {
    let source = &*for_loop.expr;
    if let Some(map) = as_map(source) {
        return Ok(((*map.receiver).clone(), map.args[0].clone()));
    }
    Err(misplaced(source, &for_loop.pat).unwrap_or_else(|| {
        syn::Error::new_spanned(
            source,
            format!(
                "{STREAM_FORM}\nhelp: write `#[par_for(stream)] for r in items.map(|x| work(x)) {{ .. }}`"
            ),
        )
    }))
}

/// `SOURCE.map(TASK)`.
fn as_map(expr: &Expr) -> Option<&ExprMethodCall> {
    match expr {
        Expr::MethodCall(call) if call.method == "map" && call.args.len() == 1 => Some(call),
        _ => None,
    }
}

/// The error at the adapter that comes after the chain's last `.map(TASK)`, or at a
/// last `filter_map(f)` where there is no `map`; `None` for any other source.
fn misplaced(source: &Expr, pat: &Pat) -> Option<syn::Error> {
    let mut after = None;
    let mut expr = source;
    while let Expr::MethodCall(call) = expr {
        if let (Some(map), Some(adapter)) = (as_map(expr), after) {
            return Some(after_task(adapter, map, pat));
        }
        after = Some(call);
        expr = &call.receiver;
    }
    match source {
        Expr::MethodCall(last) if last.method == "filter_map" && last.args.len() == 1 => {
            let result = LoopVar::of(pat);
            let help = format!(
                "map with it, and skip the `None`s in the loop's body: `for {} in {}.map({}) \
                 {{ {} .. }}`",
                result.name,
                code(&last.receiver),
                code(&last.args[0]),
                result.unwrap_some(&result.name),
            );
            Some(at_call(
                last,
                format!(
                    "`.filter_map(..)` ends the source of this streaming loop, but \
                     {STREAM_FORM}\nhelp: {help}"
                ),
            ))
        }
        _ => None,
    }
}

/// The error at `adapter`, the call on the results of `map`.
fn after_task(adapter: &ExprMethodCall, map: &ExprMethodCall, pat: &Pat) -> syn::Error {
    let name = adapter.method.to_string();
    let args = &adapter.args;
    let simple = args
        .iter()
        .all(|arg| matches!(arg, Expr::Lit(_) | Expr::Path(_)));
    let call = if simple {
        format!(".{name}({})", shown(args))
    } else {
        format!(".{name}(..)")
    };
    let source = code(&map.receiver);
    let task = code(&map.args[0]);
    let result = LoopVar::of(pat);
    let r = &result.name;
    let help = match (name.as_str(), args.len()) {
        ("enumerate", 0) => format!(
            "put `.enumerate()` before `.map(..)` and return the index with the result: \
             `{source}.enumerate().map({})`",
            indexed(&map.args[0])
        ),
        ("take" | "skip" | "step_by", 1) => format!(
            "put `{call}` before `.map(..)`, so that the task runs on the items the loop \
             gets: `{source}{call}.map({task})`"
        ),
        ("filter", 1) if matches!(args[0], Expr::Path(_)) => format!(
            "test it in the loop's body: `for {r} in {source}.map({task}) {{ if !{}(&{r}) \
             {{ continue; }} {}.. }}`",
            shown(&args[0]),
            result.bind(r),
        ),
        ("filter_map", 1) if matches!(args[0], Expr::Path(_)) => format!(
            "call it in the loop's body: `for {r} in {source}.map({task}) {{ {} .. }}`",
            result.unwrap_some(&format!("{}({r})", shown(&args[0]))),
        ),
        // A closure is passed on, not called where it is written: its parameter's type
        // is known there (`(|r| r.len())(r)` needs one written).
        ("filter" | "filter_map", 1) => {
            let then = if name == "filter" {
                "filter"
            } else {
                "and_then"
            };
            let task = wrap_task(&map.args[0], |value| {
                format!("Some({value}).{then}({})", code(&args[0]))
            });
            format!(
                "apply it in the task, and skip the `None`s in the loop's body: `for {r} in \
                 {source}.map({task}) {{ {} .. }}`",
                result.unwrap_some(r),
            )
        }
        _ => "write `#[par_for(stream)] for r in items.map(|x| work(x)) { .. }`".to_string(),
    };
    at_call(
        adapter,
        format!("`{call}` comes after the task: {STREAM_FORM}\nhelp: {help}"),
    )
}

/// The task as a closure whose value is `wrap(the task's value)`: `|x| wrap(x * 2)`
/// for `|x| x * 2`, `|x| wrap(task(x))` for `task`.
fn wrap_task(task: &Expr, wrap: impl Fn(&str) -> String) -> String {
    if let Some((pat, body)) = one_argument(task) {
        return format!("|{}| {}", shown(&pat), wrap(&code(body)));
    }
    let item = if mentions(task, "x") { "item" } else { "x" };
    format!("|{item}| {}", wrap(&format!("{}({item})", callee(task))))
}

/// A function to call, as written before `(..)`: a path by itself, anything else in
/// parentheses.
fn callee(f: &Expr) -> String {
    match f {
        Expr::Path(_) => shown(f),
        _ => format!("({})", code(f)),
    }
}

/// Code for a message, a closure with its bars as written (`|x| x + 1`; the token
/// printer spaces them as `| x | x + 1`).
fn code(expr: &Expr) -> String {
    let Expr::Closure(closure) = expr else {
        return shown(expr);
    };
    let inputs: Vec<String> = closure.inputs.iter().map(shown).collect();
    let move_ = if closure.capture.is_some() {
        "move "
    } else {
        ""
    };
    let output = match &closure.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => format!(" -> {}", shown(ty)),
    };
    format!(
        "{move_}|{}|{output} {}",
        inputs.join(", "),
        code(&closure.body)
    )
}

/// An error spanning a method call's name and arguments: `enumerate()` in
/// `items.map(f).enumerate()`.
fn at_call(call: &ExprMethodCall, message: String) -> syn::Error {
    let mut tokens = call.method.to_token_stream();
    call.turbofish.to_tokens(&mut tokens);
    call.paren_token
        .surround(&mut tokens, |inner| call.args.to_tokens(inner));
    syn::Error::new_spanned(tokens, message)
}

/// The task as a closure over `(index, item)` that returns the index with the result:
/// `|(i, x)| (i, x * 2)` for `|x| x * 2`, `|(i, x)| (i, task(x))` for `task`.
fn indexed(task: &Expr) -> String {
    let index = ["i", "index", "idx"]
        .into_iter()
        .find(|name| !mentions(task, name))
        .unwrap_or("index");
    if let Some((pat, body)) = one_argument(task) {
        return format!("|({index}, {})| ({index}, {})", shown(&pat), code(body));
    }
    let item = if mentions(task, "x") { "item" } else { "x" };
    format!("|({index}, {item})| ({index}, {}({item}))", callee(task))
}

/// `|x| body` (also `|x: T| body`) as its pattern, without the type, and its body.
fn one_argument(task: &Expr) -> Option<(Pat, &Expr)> {
    let Expr::Closure(ExprClosure { inputs, body, .. }) = task else {
        return None;
    };
    if inputs.len() != 1 {
        return None;
    }
    let pat = match &inputs[0] {
        Pat::Type(typed) => (*typed.pat).clone(),
        other => other.clone(),
    };
    Some((pat, body))
}

/// Whether `name` appears as an identifier in `expr`.
fn mentions(expr: &Expr, name: &str) -> bool {
    fn walk(tokens: TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == name,
            proc_macro2::TokenTree::Group(group) => walk(group.stream(), name),
            _ => false,
        })
    }
    walk(quote!(#expr), name)
}

/// The loop's pattern, and the name its results go by in a suggestion: the pattern
/// itself when it is a plain name, else `r` (bound to the pattern in the body).
struct LoopVar {
    name: String,
    /// The pattern, when it is not a plain name.
    pat: Option<String>,
}

impl LoopVar {
    fn of(pat: &Pat) -> Self {
        match pat {
            Pat::Ident(ident)
                if ident.by_ref.is_none()
                    && ident.mutability.is_none()
                    && ident.subpat.is_none() =>
            {
                LoopVar {
                    name: ident.ident.to_string(),
                    pat: None,
                }
            }
            other => LoopVar {
                name: "r".to_string(),
                pat: Some(shown(other)),
            },
        }
    }

    /// `let PAT = r; ` where the pattern is not the plain name.
    fn bind(&self, value: &str) -> String {
        self.pat
            .as_ref()
            .map_or_else(String::new, |pat| format!("let {pat} = {value}; "))
    }

    /// `let Some(PAT) = value else { continue };`
    fn unwrap_some(&self, value: &str) -> String {
        let pat = self.pat.as_deref().unwrap_or(&self.name);
        format!("let Some({pat}) = {value} else {{ continue }};")
    }
}
