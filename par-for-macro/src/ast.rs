//! What a marked statement is: the forms of the spec, told apart by syntax. Whether a
//! statement of that shape may be marked is for the check phase (`check/`) to say.

use syn::{Expr, ExprForLoop, Stmt};

use crate::attr::Options;

/// A statement marked `#[par_for]` / `#[par_for(...)]`, with its options parsed.
pub(crate) struct Marked {
    pub options: Options,
    pub form: Form,
    /// The labels of the marked loops around it (`'rows` of `#[par_for] 'rows: for ..`).
    pub parallel_labels: Vec<String>,
}

/// The shape of a marked statement, before any rule is checked.
pub(crate) enum Form {
    /// `for PAT in EXPR { BODY }`: Form 1, or Form 3 with `stream`.
    Loop(ExprForLoop),
    /// `let PAT = PIPELINE;`, `PLACE = PIPELINE;`, `return PIPELINE;`, `PIPELINE;` or
    /// `PIPELINE?;`: Form 2 when `PIPELINE` is a chain that ends in a consumer (see
    /// [`pipeline_expr`]).
    Pipeline(Stmt),
    /// Any other statement, which the check phase refuses to mark.
    Other(Stmt),
}

impl Form {
    /// Classifies the statement the marking attribute was taken from.
    pub(crate) fn of(stmt: Stmt) -> Form {
        match stmt {
            Stmt::Expr(Expr::ForLoop(for_loop), _) => Form::Loop(for_loop),
            stmt if pipeline_expr(&stmt).is_some() => Form::Pipeline(stmt),
            stmt => Form::Other(stmt),
        }
    }
}

/// The pipeline of a statement that may hold one.
pub(crate) fn pipeline_expr(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Local(syn::Local {
            init: Some(init), ..
        }) => Some(&init.expr),
        Stmt::Expr(Expr::Assign(assign), _) => Some(&assign.right),
        Stmt::Expr(call @ Expr::MethodCall(_), _) => Some(call),
        // `items.iter().map(check).collect::<Result<(), _>>()?;`
        Stmt::Expr(tried @ Expr::Try(_), _) => Some(tried),
        Stmt::Expr(
            Expr::Return(syn::ExprReturn {
                expr: Some(expr), ..
            }),
            _,
        ) => Some(expr),
        _ => None,
    }
}

/// Replaces the pipeline of a statement that holds one.
pub(crate) fn pipeline_expr_mut(stmt: &mut Stmt) -> Option<&mut Expr> {
    match stmt {
        Stmt::Local(syn::Local {
            init: Some(init), ..
        }) => Some(&mut init.expr),
        Stmt::Expr(Expr::Assign(assign), _) => Some(&mut assign.right),
        Stmt::Expr(call @ Expr::MethodCall(_), _) => Some(call),
        // `items.iter().map(check).collect::<Result<(), _>>()?;`
        Stmt::Expr(tried @ Expr::Try(_), _) => Some(tried),
        Stmt::Expr(
            Expr::Return(syn::ExprReturn {
                expr: Some(expr), ..
            }),
            _,
        ) => Some(expr),
        _ => None,
    }
}
