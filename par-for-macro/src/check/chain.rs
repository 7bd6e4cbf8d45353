//! A pipeline taken apart into its source, adapters and consumer (the plan of Form 2),
//! refusing the adapters and consumers that have no faithful parallel form.

use syn::{Expr, ExprMethodCall, Ident};

use crate::pipeline::{is_adapter, is_consumer, Chain, Down, Step, CONSUMERS};
use crate::source::strip_parens;

/// Adapters and consumers whose meaning depends on running one item after another.
const SEQUENTIAL: &[(&str, &str)] = &[
    ("scan", "it carries state from each item to the next; compute each item's value with `map` and combine them with `reduce`, or keep this pipeline serial"),
    ("take_while", "where it stops depends on every item before; find the end with `position`, then `take` up to it"),
    ("skip_while", "where it starts depends on every item before; find the start with `position`, then `skip` up to it"),
    ("map_while", "where it stops depends on every item before; use `filter_map`, or find the end with `position` first"),
    ("peekable", "peeking looks at the next item, which another thread may be working on; restructure with `zip` or `enumerate`"),
    ("fuse", "a parallel pipeline is always fused; remove `.fuse()`"),
    ("fold", "std's `fold` threads one accumulator through the items in order; split it into a `map` of each item and an associative combine: `.map(|x| f(x)).reduce(|a, b| a + b)`, `.map(f).sum()` (and add the initial value after), or the loop `#[par_for(reduce(acc: +))] for x in items { acc += f(x); }`"),
    ("try_fold", "it visits the items one after another; use a #[par_for] loop with `?`, or `find`/`any`"),
    ("try_for_each", "use a #[par_for] `for` loop, where `?` returns the earliest error as the serial loop would"),
    ("last", "write `.rev()` before it and use `.find(|_| true)`, or collect and take the last"),
    ("nth", "use `.skip(n)` and `.find(|_| true)`"),
];

/// Finds the pipeline in `expr`, or says which part has no faithful parallel form.
///
/// The pipeline is `expr` itself, or the first operand of an operator, cast or `!`
/// that holds one (`xs.iter().filter(p).count() > 3`). Its consumer is the first
/// consumer after the source and its adapters; what comes after it (`.is_some()`,
/// `.unwrap_or(0)`, `.len()`, `?`) is serial code on its result, so `Option::map`
/// after `find` is not the adapter `map`.
pub(super) fn parse(expr: &Expr) -> syn::Result<Chain> {
    let mut candidates = Vec::new();
    operands(expr, &mut Vec::new(), &mut candidates);
    let mut first_error: Option<(bool, syn::Error)> = None;
    for (path, candidate) in candidates {
        match parse_calls(candidate) {
            Ok(mut chain) => {
                chain.path = path.into_iter().chain(chain.path).collect();
                return Ok(chain);
            }
            // An error about a chain of calls says more than one about an operator.
            Err((calls, error)) => match &first_error {
                Some((true, _)) => {}
                Some((false, _)) if !calls => {}
                _ => first_error = Some((calls, error)),
            },
        }
    }
    Err(first_error
        .expect("an expression is its own first candidate")
        .1)
}

/// The pipeline whose consumer is the outermost call of `expr` or one inside it;
/// the error says whether `expr` was a chain of calls at all.
fn parse_calls(expr: &Expr) -> Result<Chain, (bool, syn::Error)> {
    // The calls from the outside in, down to the expression they start from.
    let mut spine = Vec::new();
    let mut node = strip_parens(expr);
    loop {
        spine.push(node);
        node = match node {
            Expr::MethodCall(call) => strip_parens(&call.receiver),
            Expr::Try(try_expr) => strip_parens(&try_expr.expr),
            Expr::Field(field) => strip_parens(&field.base),
            _ => break,
        };
    }
    spine.pop();
    // From the inside out: the source ends at the last call that is not an adapter
    // before the first consumer.
    let mut source_end = spine.len();
    let mut sequential: Option<&Ident> = None;
    for at in (0..spine.len()).rev() {
        let Expr::MethodCall(call) = spine[at] else {
            (source_end, sequential) = (at, None);
            continue;
        };
        let name = call.method.to_string();
        if is_consumer(&name) {
            if let Some(method) = sequential {
                return Err((true, sequential_error(method)));
            }
            return Ok(from_spine(&spine, source_end, at, expr));
        }
        if is_adapter(&name) {
            continue;
        }
        source_end = at;
        sequential = SEQUENTIAL
            .iter()
            .any(|(n, _)| *n == name)
            .then_some(&call.method);
    }
    Err(match (sequential, spine.first()) {
        (Some(method), _) => (true, sequential_error(method)),
        (None, Some(Expr::MethodCall(outer))) => (true, not_a_consumer(&outer.method)),
        _ => (
            false,
            syn::Error::new_spanned(
                expr,
                "a #[par_for] pipeline is a chain of method calls ending in a consumer, such \
                 as `items.iter().map(f).collect()`",
            ),
        ),
    })
}

/// The chain whose consumer is `spine[consumer]` and whose source is
/// `spine[source_end]` (the innermost expression when `source_end` is past the end).
fn from_spine(spine: &[&Expr], source_end: usize, consumer: usize, expr: &Expr) -> Chain {
    let call = |at: usize| match spine[at] {
        Expr::MethodCall(call) => call,
        _ => unreachable!("adapters and consumers are method calls"),
    };
    let source = match spine.get(source_end) {
        Some(&source) => source.clone(),
        None => {
            let innermost = spine.last().map_or(expr, |&e| e);
            match innermost {
                Expr::MethodCall(c) => (*c.receiver).clone(),
                Expr::Try(t) => (*t.expr).clone(),
                Expr::Field(f) => (*f.base).clone(),
                other => other.clone(),
            }
        }
    };
    Chain {
        source,
        adapters: (consumer + 1..source_end)
            .rev()
            .map(|at| step(call(at)))
            .collect(),
        consumer: step(call(consumer)),
        path: spine[..consumer]
            .iter()
            .map(|node| match node {
                Expr::MethodCall(_) => Down::Receiver,
                Expr::Try(_) => Down::Try,
                _ => Down::Field,
            })
            .collect(),
    }
}

/// `expr` and, in order, the operands of the operators, casts and `!` in it, each with
/// the way down to it.
fn operands<'e>(expr: &'e Expr, path: &mut Vec<Down>, out: &mut Vec<(Vec<Down>, &'e Expr)>) {
    let expr = strip_parens(expr);
    out.push((path.clone(), expr));
    let mut down = |step: Down, inner: &'e Expr, out: &mut Vec<(Vec<Down>, &'e Expr)>| {
        path.push(step);
        operands(inner, path, out);
        path.pop();
    };
    match expr {
        Expr::Binary(binary) => {
            down(Down::Left, &binary.left, out);
            down(Down::Right, &binary.right, out);
        }
        Expr::Unary(unary) => down(Down::Unary, &unary.expr, out),
        Expr::Cast(cast) => down(Down::Cast, &cast.expr, out),
        _ => {}
    }
}

fn step(call: &ExprMethodCall) -> Step {
    Step {
        method: call.method.clone(),
        turbofish: call.turbofish.clone(),
        args: call.args.clone(),
    }
}

fn not_a_consumer(method: &Ident) -> syn::Error {
    let name = method.to_string();
    let known: Vec<&str> = CONSUMERS.iter().map(|(n, ..)| *n).collect();
    let what = if is_adapter(&name) {
        format!("a #[par_for] pipeline must end in a consumer, but `{name}` is an adapter")
    } else {
        format!("`{name}` is not a consumer #[par_for] can run in parallel")
    };
    syn::Error::new_spanned(
        method,
        format!(
            "{what}\nhelp: end the pipeline with one of: {}",
            known.join(", ")
        ),
    )
}

fn sequential_error(method: &Ident) -> syn::Error {
    let (_, why) = SEQUENTIAL
        .iter()
        .find(|(n, _)| method == n)
        .expect("a sequential method was recognised by name");
    no_parallel_form(method, why)
}

fn no_parallel_form(method: &Ident, why: &str) -> syn::Error {
    syn::Error::new_spanned(
        method,
        format!("`{method}` has no faithful parallel form in a #[par_for] pipeline: {why}"),
    )
}
