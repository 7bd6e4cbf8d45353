//! Which names a loop body binds itself, and which it takes from outside (free).

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, Ident, Pat};

mod bound;
mod format;
mod free_uses;
mod walk;

pub(crate) use bound::{bound_in_body, bound_in_fn, bound_names};
pub(crate) use format::{binds_nothing, format_names, is_format_macro};
pub(crate) use free_uses::free_uses;
pub(crate) use walk::{MacroArgs, Rule, Walker};

/// The names visible at one point of a body, innermost scope last.
#[derive(Default)]
pub(crate) struct Scopes {
    stack: Vec<HashSet<String>>,
}

impl Scopes {
    pub(crate) fn push(&mut self) {
        self.stack.push(HashSet::new());
    }

    pub(crate) fn pop(&mut self) {
        self.stack.pop();
    }

    pub(crate) fn bind(&mut self, name: &Ident) {
        if self.stack.is_empty() {
            self.push();
        }
        if let Some(top) = self.stack.last_mut() {
            top.insert(name.to_string());
        }
    }

    pub(crate) fn is_bound(&self, name: &Ident) -> bool {
        let name = name.to_string();
        self.stack.iter().any(|scope| scope.contains(&name))
    }

    /// Binds every name that `pat` introduces. `irrefutable` patterns (`let`, closure
    /// parameters) bind every identifier; elsewhere an identifier that starts with an
    /// upper-case letter is a constant, unit struct or variant (`None`), not a binding.
    pub(crate) fn bind_pattern(&mut self, pat: &Pat, irrefutable: bool) {
        for ident in pattern_bindings(pat, irrefutable) {
            self.bind(&ident);
        }
    }
}

/// The identifiers a pattern binds.
pub(crate) fn pattern_bindings(pat: &Pat, irrefutable: bool) -> Vec<Ident> {
    struct Collect {
        irrefutable: bool,
        found: Vec<Ident>,
    }
    impl<'ast> Visit<'ast> for Collect {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            if self.irrefutable || !starts_upper(&pat.ident) {
                self.found.push(pat.ident.clone());
            }
            syn::visit::visit_pat_ident(self, pat);
        }
        // A path in a pattern (`Foo::Bar`) or a struct's name binds nothing; only
        // sub-patterns do, and the generic walk reaches them.
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut collect = Collect {
        irrefutable,
        found: Vec::new(),
    };
    collect.visit_pat(pat);
    collect.found
}

/// Whether a pattern takes a `ref mut` binding (a `&mut` borrow of what it matches).
pub(crate) fn has_ref_mut(pat: &Pat) -> Option<&syn::PatIdent> {
    struct Find<'a>(Option<&'a syn::PatIdent>);
    impl<'ast> Visit<'ast> for Find<'ast> {
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            if pat.by_ref.is_some() && pat.mutability.is_some() && self.0.is_none() {
                self.0 = Some(pat);
            }
            syn::visit::visit_pat_ident(self, pat);
        }
    }
    let mut find = Find(None);
    find.visit_pat(pat);
    find.0
}

pub(crate) fn starts_upper(ident: &Ident) -> bool {
    ident
        .to_string()
        .trim_start_matches("r#")
        .starts_with(|c: char| c.is_ascii_uppercase())
}

/// The variable (or static) at the root of a place expression: `total` in
/// `total.count[i]`, `p` in `*p`. `None` for places rooted in a call or a temporary
/// (`*m.lock().unwrap()`), whose writes go through `&self` methods the compiler checks.
pub(crate) fn place_root(place: &Expr) -> Option<&syn::Path> {
    match place {
        Expr::Path(path) if path.qself.is_none() => Some(&path.path),
        Expr::Field(field) => place_root(&field.base),
        Expr::Index(index) => place_root(&index.expr),
        Expr::Paren(paren) => place_root(&paren.expr),
        Expr::Group(group) => place_root(&group.expr),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => place_root(expr),
        _ => None,
    }
}

/// The operator of a compound assignment (`+=`, `<<=`, ...), `None` for any other.
pub(crate) fn compound_assign(op: &syn::BinOp) -> Option<&'static str> {
    use syn::BinOp::*;
    Some(match op {
        AddAssign(_) => "+=",
        SubAssign(_) => "-=",
        MulAssign(_) => "*=",
        DivAssign(_) => "/=",
        RemAssign(_) => "%=",
        BitXorAssign(_) => "^=",
        BitAndAssign(_) => "&=",
        BitOrAssign(_) => "|=",
        ShlAssign(_) => "<<=",
        ShrAssign(_) => ">>=",
        _ => return None,
    })
}
