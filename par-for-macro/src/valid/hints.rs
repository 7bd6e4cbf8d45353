//! Two serial idioms that write outer variables, recognised so that their error says
//! what to write instead of the general advice: the first match (`found = Some(i);
//! break;`) and the running best with what goes with it (`if x > best { best = x;
//! at = i; }`). Both are rejected all the same; only the `help:` differs.

use std::collections::HashMap;

use quote::ToTokens;
use syn::{BinOp, Expr, Stmt};

use crate::scope::Scopes;

/// The assignments that belong to a recognised idiom, with the help for each.
#[derive(Default)]
pub(super) struct Hints(HashMap<*const syn::ExprAssign, String>);

impl Hints {
    pub(super) fn help(&self, assign: &syn::ExprAssign) -> Option<&String> {
        self.0.get(&(assign as *const syn::ExprAssign))
    }

    /// Looks at an `if` of the body for either idiom.
    pub(super) fn note_if(&mut self, expr: &syn::ExprIf, scopes: &Scopes) {
        let assigns: Vec<(&syn::ExprAssign, String)> = expr
            .then_branch
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Expr(Expr::Assign(assign), _) => match &*assign.left {
                    Expr::Path(path) => path
                        .path
                        .get_ident()
                        .filter(|ident| !scopes.is_bound(ident))
                        .map(|ident| (assign, ident.to_string())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if assigns.is_empty() {
            return;
        }
        let breaks = expr.then_branch.stmts.iter().any(|stmt| {
            matches!(stmt, Stmt::Expr(Expr::Break(b), _) if b.label.is_none() && b.expr.is_none())
        });
        let help = if breaks {
            first_match_help(&assigns)
        } else if let Some(help) = running_best_help(&expr.cond, &assigns) {
            help
        } else {
            return;
        };
        for (assign, _) in assigns {
            self.0.insert(assign, help.clone());
        }
    }
}

fn names(assigns: &[(&syn::ExprAssign, String)]) -> String {
    let names: Vec<String> = assigns
        .iter()
        .map(|(_, name)| format!("`{name}`"))
        .collect();
    names.join(" and ")
}

/// `if cond { found = ..; break; }`: the first item in order that matches.
fn first_match_help(assigns: &[(&syn::ExprAssign, String)]) -> String {
    format!(
        "{} records the first item in order that matches, then `break`s: find it with a \
         pipeline, which gives the first in order and stops looking once it is known \
         (`#[par_for] let found = items.iter().position(|x| ..);`, or `.find(..)`, \
         `.find_map(..)`), or move the loop into a function that `return`s the value (the \
         earliest iteration's `return` wins)",
        names(assigns)
    )
}

/// `if x > best { best = x; at = i; }`: the best value so far, and what goes with it.
fn running_best_help(cond: &Expr, assigns: &[(&syn::ExprAssign, String)]) -> Option<String> {
    let Expr::Binary(cond) = cond else {
        return None;
    };
    let compared = |side: &Expr| {
        let name = side.to_token_stream().to_string();
        assigns.iter().any(|(_, assigned)| *assigned == name)
    };
    if !compared(&cond.left) && !compared(&cond.right) {
        return None;
    }
    // Whether the new value is kept when it is larger, and on ties.
    let (larger, on_ties) = match (cond.op, compared(&cond.right)) {
        (BinOp::Gt(_), true) | (BinOp::Lt(_), false) => (true, false),
        (BinOp::Ge(_), true) | (BinOp::Le(_), false) => (true, true),
        (BinOp::Lt(_), true) | (BinOp::Gt(_), false) => (false, false),
        (BinOp::Le(_), true) | (BinOp::Ge(_), false) => (false, true),
        _ => return None,
    };
    let by = if larger { "max_by_key" } else { "min_by_key" };
    // `max_by_key` keeps the last of equal keys and `min_by_key` the first; the index
    // in the key, reversed where needed, keeps the one the comparison keeps.
    let key = match (larger, on_ties) {
        (true, false) | (false, true) => "(*x, std::cmp::Reverse(i))",
        _ => "*x",
    };
    let which = if on_ties { "last" } else { "first" };
    let (verb, single) = match assigns {
        [(_, name)] => {
            let op = if larger { "max" } else { "min" };
            let cmp = if larger { ">" } else { "<" };
            (
                "keeps",
                format!(
                    "; a `{op}` reduction also keeps it (`reduce({name}: {op})`, then \
                     `if x {cmp} {name} {{ {name} = x; }}`)"
                ),
            )
        }
        _ => ("keep", String::new()),
    };
    Some(format!(
        "{} {verb} the best item so far: find it with a pipeline, which keeps the {which} of \
         equal items as the comparison does: `#[par_for] let best = items.iter().enumerate()\
         .{by}(|&(i, x)| {key});`{single}",
        names(assigns)
    ))
}
