//! What a marked statement is: the forms of the spec, told apart by syntax.

use syn::{Expr, ExprForLoop, Stmt};

use crate::attr::Options;
use crate::pipeline::Chain;

/// A statement marked `#[par_for]` / `#[par_for(...)]`, with its options parsed.
pub struct Marked {
    pub options: Options,
    pub form: Form,
}

pub enum Form {
    /// Form 1: `for PAT in EXPR { BODY }`.
    Loop(ExprForLoop),
    /// Form 2: `let PAT = PIPELINE;`, `PLACE = PIPELINE;` or `PIPELINE;`. `stmt` keeps
    /// the statement; `pipeline` is its expression that the expansion replaces.
    Pipeline { stmt: Stmt, chain: Box<Chain> },
    /// Form 3: `for PAT in SOURCE.map(TASK) { CONSUMER }` with `stream`.
    Stream {
        for_loop: ExprForLoop,
        source: Expr,
        task: Expr,
    },
}

impl Form {
    /// Classifies the statement the marking attribute was taken from.
    pub fn of(stmt: Stmt, options: &Options) -> syn::Result<Form> {
        match stmt {
            Stmt::Expr(Expr::ForLoop(for_loop), _) if options.is_stream() => stream(for_loop),
            Stmt::Expr(Expr::ForLoop(for_loop), _) => Ok(Form::Loop(for_loop)),
            stmt => match pipeline_expr(&stmt) {
                Some(expr) => {
                    let chain = Box::new(Chain::parse(expr)?);
                    Ok(Form::Pipeline { stmt, chain })
                }
                None => not_a_form(stmt),
            },
        }
    }
}

/// The pipeline of a statement that may hold one.
pub fn pipeline_expr(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Local(syn::Local {
            init: Some(init), ..
        }) if init.diverge.is_none() => Some(&init.expr),
        Stmt::Expr(Expr::Assign(assign), _) => Some(&assign.right),
        Stmt::Expr(call @ Expr::MethodCall(_), _) => Some(call),
        _ => None,
    }
}

/// Replaces the pipeline of a statement that holds one.
pub fn pipeline_expr_mut(stmt: &mut Stmt) -> Option<&mut Expr> {
    match stmt {
        Stmt::Local(syn::Local {
            init: Some(init), ..
        }) if init.diverge.is_none() => Some(&mut init.expr),
        Stmt::Expr(Expr::Assign(assign), _) => Some(&mut assign.right),
        Stmt::Expr(call @ Expr::MethodCall(_), _) => Some(call),
        _ => None,
    }
}

fn not_a_form(stmt: Stmt) -> syn::Result<Form> {
    const WHAT_IS_MARKED: &str =
        "#[par_for] marks a `for` loop (`#[par_for] for x in items { .. }`) \
        or a pipeline that collects (`#[par_for] let v: Vec<_> = items.iter().map(f).collect();`)";
    match stmt {
        Stmt::Macro(mac) => Err(syn::Error::new_spanned(
            &mac.mac.path,
            "#[par_for] cannot see inside a macro call: mark the `for` loop or `let` pipeline itself",
        )),
        Stmt::Expr(Expr::While(while_loop), _) => Err(syn::Error::new_spanned(
            while_loop.while_token,
            format!(
                "a `while` loop cannot be split across threads: whether it goes on depends on \
                 what the iterations before did\nhelp: {WHAT_IS_MARKED}; a `while let Some(x) = \
                 it.next()` loop is `for x in it`"
            ),
        )),
        Stmt::Expr(Expr::Loop(endless), _) => Err(syn::Error::new_spanned(
            endless.loop_token,
            format!(
                "a `loop` cannot be split across threads: it has no items, only a `break` that \
                 depends on what the iterations before did\nhelp: {WHAT_IS_MARKED}"
            ),
        )),
        other => Err(syn::Error::new_spanned(other, WHAT_IS_MARKED)),
    }
}

fn stream(for_loop: ExprForLoop) -> syn::Result<Form> {
    match &*for_loop.expr {
        Expr::MethodCall(call) if call.method == "map" && call.args.len() == 1 => Ok(Form::Stream {
            source: (*call.receiver).clone(),
            task: call.args[0].clone(),
            for_loop,
        }),
        other => Err(syn::Error::new_spanned(
            other,
            "a streaming loop iterates over `SOURCE.map(TASK)`: TASK runs on the pool and the \
             loop body gets each result\nhelp: write `#[par_for(stream)] for r in items.map(|x| work(x)) { .. }`",
        )),
    }
}
