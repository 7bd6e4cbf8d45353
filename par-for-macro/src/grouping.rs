//! The grouping of an expression a `macro_rules!` macro hands over (`$val:expr` with
//! `x + 1000`) reaches this macro as invisible delimiters, which the compiler does not
//! always honour in the tokens a procedural macro gives back (rust-lang/rust#67062):
//! `$val * 2` would mean `x + 1000 * 2`. Where the grouping decides the meaning, as an
//! operand, the invisible delimiters become parentheses, which mean the same and which
//! no lint finds unneeded there.

use syn::visit_mut::VisitMut;
use syn::{Expr, ExprGroup, ExprParen};

/// Makes the invisible groups among the operands of the expressions it visits
/// parentheses.
pub(crate) struct KeepGrouping;

impl VisitMut for KeepGrouping {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        for operand in operands(expr) {
            parenthesize(operand);
        }
    }
}

/// The operands of `expr` whose grouping its meaning depends on.
fn operands(expr: &mut Expr) -> Vec<&mut Expr> {
    match expr {
        Expr::Binary(e) => vec![&mut *e.left, &mut *e.right],
        Expr::Unary(e) => vec![&mut *e.expr],
        Expr::Cast(e) => vec![&mut *e.expr],
        Expr::MethodCall(e) => vec![&mut *e.receiver],
        Expr::Field(e) => vec![&mut *e.base],
        Expr::Index(e) => vec![&mut *e.expr],
        Expr::Try(e) => vec![&mut *e.expr],
        Expr::Await(e) => vec![&mut *e.base],
        Expr::Reference(e) => vec![&mut *e.expr],
        Expr::Range(e) => e
            .start
            .iter_mut()
            .chain(e.end.iter_mut())
            .map(|side| &mut **side)
            .collect(),
        _ => Vec::new(),
    }
}

fn parenthesize(operand: &mut Expr) {
    if let Expr::Group(ExprGroup {
        attrs,
        group_token,
        expr,
    }) = operand
    {
        let paren = ExprParen {
            attrs: std::mem::take(attrs),
            paren_token: syn::token::Paren(group_token.span),
            expr: std::mem::replace(expr, Box::new(Expr::Verbatim(Default::default()))),
        };
        *operand = Expr::Paren(paren);
    }
}
