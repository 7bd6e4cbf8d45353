//! The rule of reduction variables: inside the body a variable of `reduce(..)` may only
//! be updated. Each worker holds a partial value of it, not the serial running value,
//! so any other read (a condition, an index, an argument, a print) would differ from
//! the serial loop: it is rejected at the read.
//!
//! The updates, for `reduce(v: OP)` (`P` is a place rooted at `v`: `v.f`, `v[i]`,
//! `*v.entry(k).or_default()`):
//! - `v op= e` where `op` is the reduction's (`+=`/`-=` for `+`, `*=` for `*`, `&=`,
//!   `|=`, `^=`); any compound assignment for a function reduction;
//! - `v = v op e`, `v = v.m(e)`, `v = f(v, e)`, with `v` first, where `op`, `m` or `f`
//!   is the reduction's (`min`/`max`, `add`/`wrapping_add`, ...); any for a function
//!   reduction;
//! - `P op= e`, `P = e`, `P = P op e` (element and field updates);
//! - a method call on `v` or on `P` whose value is not used (`v.push(x);`), `&mut v`
//!   or `&mut P` as a call's argument, and `write!(v, ..)`.
//!
//! Whether the value of a method call is used is decided by syntax: a call that ends a
//! statement, or ends a block whose value is not used, is an update.

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, ExprPath, Lit, Pat, Token};

use crate::attr::{ReduceOp, Reduction};
use crate::error::Errors;
use crate::scope::Scopes;

/// Reports every read of a reduction variable in a loop body that binds `pat`.
pub fn check_updates(pat: &Pat, body: &syn::Block, reductions: &[Reduction], errors: &mut Errors) {
    if reductions.is_empty() {
        return;
    }
    let mut check = Check {
        reductions,
        scopes: Scopes::default(),
        allowed: HashSet::new(),
        unused_calls: HashSet::new(),
        unused_blocks: HashSet::new(),
        errors,
    };
    check.scopes.push();
    check.scopes.bind_pattern(pat, true);
    check.unused_blocks.insert(body as *const syn::Block);
    check.visit_block(body);
}

struct Check<'a> {
    reductions: &'a [Reduction],
    scopes: Scopes,
    /// The uses of reduction variables found in update positions.
    allowed: HashSet<*const ExprPath>,
    /// Method calls and blocks whose value the body does not use.
    unused_calls: HashSet<*const syn::ExprMethodCall>,
    unused_blocks: HashSet<*const syn::Block>,
    errors: &'a mut Errors,
}

impl<'a> Check<'a> {
    /// The reduction that `path` names, unless a binding of the body shadows it.
    fn reduction(&self, path: &ExprPath) -> Option<&'a Reduction> {
        let ident = path.path.get_ident()?;
        if path.qself.is_some() || self.scopes.is_bound(ident) {
            return None;
        }
        self.reductions.iter().find(|r| r.var == *ident)
    }

    fn allow(&mut self, path: &ExprPath) {
        self.allowed.insert(path as *const ExprPath);
    }

    /// `v = RHS` and `P = RHS`.
    fn check_assign(&mut self, assign: &syn::ExprAssign) {
        let Some((root, bare)) = update_root(&assign.left) else {
            return;
        };
        let Some(reduction) = self.reduction(root) else {
            return;
        };
        self.allow(root);
        let rhs = strip(&assign.right);
        if !bare {
            // `P = P op e`, `P = P.m(e)`, `P = f(P, e)`: the same place on the right.
            let same = |e: &Expr| tokens(e) == tokens(&assign.left);
            if let Some(operand) = first_operand(rhs).filter(|e| same(e)) {
                if let Some((root, _)) = update_root(operand) {
                    self.allow(root);
                }
            }
            return;
        }
        let operand = first_operand(rhs).and_then(|e| match strip(e) {
            Expr::Path(path) if self.reduction(path).is_some_and(|r| r.var == reduction.var) => {
                Some(path)
            }
            _ => None,
        });
        if let Some(path) = operand {
            // Allowed even when the update is refused, which is reported once, here.
            self.allow(path);
        }
        if operand.is_none() || !updates_with(&reduction.op, rhs) {
            let message = not_an_update(reduction, rhs);
            self.errors
                .push(syn::Error::new_spanned(&assign.right, message));
        }
    }

    /// `v op= e` and `P op= e`.
    fn check_compound(&mut self, expr: &syn::ExprBinary) {
        let Some(op) = compound(&expr.op) else { return };
        let Some((root, bare)) = update_root(&expr.left) else {
            return;
        };
        let Some(reduction) = self.reduction(root) else {
            return;
        };
        self.allow(root);
        if bare && !compound_allowed(&reduction.op, op) {
            let var = &reduction.var;
            self.errors.push(syn::Error::new_spanned(
                expr.op,
                format!(
                    "`{var} {op} ..` does not update a `{}` reduction: the partial values of the \
                     workers would not combine into the serial result\nhelp: {}",
                    op_name(&reduction.op),
                    how_to_update(reduction)
                ),
            ));
        }
    }

    /// `&mut v` / `&mut P` given to a function or method.
    fn allow_mut_args<'e>(&mut self, args: impl IntoIterator<Item = &'e Expr>) {
        for arg in args {
            if let Expr::Reference(reference) = strip(arg) {
                if reference.mutability.is_some() {
                    if let Some((root, _)) = update_root(&reference.expr) {
                        if self.reduction(root).is_some() {
                            self.allow(root);
                        }
                    }
                }
            }
        }
    }

    /// Marks the statements of `block` whose value is not used.
    fn mark_unused_statements(&mut self, block: &syn::Block) {
        let unused_block = self.unused_blocks.contains(&(block as *const syn::Block));
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter().enumerate() {
            if let syn::Stmt::Expr(expr, semi) = stmt {
                if semi.is_some() || i != last || unused_block {
                    self.mark_unused(expr);
                }
            }
        }
    }

    fn mark_unused(&mut self, expr: &Expr) {
        match strip(expr) {
            Expr::MethodCall(call) => {
                self.unused_calls.insert(call as *const syn::ExprMethodCall);
            }
            Expr::If(e) => {
                self.unused_blocks
                    .insert(&e.then_branch as *const syn::Block);
                if let Some((_, otherwise)) = &e.else_branch {
                    self.mark_unused(otherwise);
                }
            }
            Expr::Match(e) => {
                for arm in &e.arms {
                    self.mark_unused(&arm.body);
                }
            }
            Expr::Block(e) => {
                self.unused_blocks.insert(&e.block as *const syn::Block);
            }
            Expr::Unsafe(e) => {
                self.unused_blocks.insert(&e.block as *const syn::Block);
            }
            _ => {}
        }
    }

    /// `{VAR}` / `{VAR:..}` inside a format string reads VAR.
    fn check_format_string(&mut self, lit: &syn::LitStr) {
        let text = lit.value();
        for reduction in self.reductions {
            let var = reduction.var.to_string();
            let inline = [format!("{{{var}}}"), format!("{{{var}:")];
            if inline.iter().any(|p| text.contains(p.as_str()))
                && !self.scopes.is_bound(&reduction.var)
            {
                self.errors
                    .push(syn::Error::new(lit.span(), read_message(reduction)));
            }
        }
    }
}

/// The place's root variable, and whether the place is the bare variable.
fn update_root(place: &Expr) -> Option<(&ExprPath, bool)> {
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

fn strip(mut expr: &Expr) -> &Expr {
    loop {
        expr = match expr {
            Expr::Paren(e) => &e.expr,
            Expr::Group(e) => &e.expr,
            _ => return expr,
        }
    }
}

fn tokens(expr: &Expr) -> String {
    quote::ToTokens::to_token_stream(strip(expr)).to_string()
}

/// The accumulator operand of `a op e`, `a.m(e)` or `f(a, e)`.
fn first_operand(rhs: &Expr) -> Option<&Expr> {
    match strip(rhs) {
        Expr::Binary(e) if compound(&e.op).is_none() => Some(&e.left),
        Expr::MethodCall(e) => Some(&e.receiver),
        Expr::Call(e) => e.args.first(),
        _ => None,
    }
}

/// Whether `v = RHS` (with `v` first in RHS) updates a reduction by `op`.
fn updates_with(op: &ReduceOp, rhs: &Expr) -> bool {
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

fn binary_allowed(op: &ReduceOp, binary: &syn::BinOp) -> bool {
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

fn compound_allowed(op: &ReduceOp, compound: &str) -> bool {
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

fn compound(op: &syn::BinOp) -> Option<&'static str> {
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

fn op_name(op: &ReduceOp) -> String {
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
fn how_to_update(reduction: &Reduction) -> String {
    let v = &reduction.var;
    match &reduction.op {
        ReduceOp::Operator(syn::BinOp::Add(_)) => {
            format!("update it with `{v} += x` or `{v} -= x`")
        }
        ReduceOp::Operator(op) => {
            let op = op_name(&ReduceOp::Operator(*op));
            format!("update it with `{v} {op}= x`")
        }
        ReduceOp::MinMax(m) => format!("update it with `{v} = {v}.{m}(x)`"),
        ReduceOp::Function(f) => {
            let f = op_name(&ReduceOp::Function(f.clone()));
            format!(
                "update it with `{v} = {f}({v}, x)`, element or field updates (`{v}[i] += x`, `{v}.field = x`), \
                 or a method call whose value is not used (`{v}.push(x);`)"
            )
        }
    }
}

fn read_message(reduction: &Reduction) -> String {
    let v = &reduction.var;
    format!(
        "`{v}` is a reduction variable of this #[par_for] loop: each worker holds a partial \
         value of it, not the serial running value, so it can only be updated in the body, \
         never read\nhelp: {}; compute what depends on `{v}` after the loop, or collect the \
         per-item values (`#[par_for] let v: Vec<_> = items.iter().map(..).collect();`)",
        how_to_update(reduction)
    )
}

fn used_call_message(reduction: &Reduction, call: &syn::ExprMethodCall) -> String {
    let v = &reduction.var;
    let method = &call.method;
    format!(
        "the value of `.{method}(..)` on the reduction variable `{v}` is used, but it comes from \
         one worker's partial value of `{v}`, not from the serial running value\nhelp: a method \
         call may update `{v}` only as a statement whose value is not used (`{v}.{method}(..);`); \
         compute what depends on `{v}` after the loop, or collect the per-item values \
         (`#[par_for] let v: Vec<_> = items.iter().map(..).collect();`)"
    )
}

fn not_an_update(reduction: &Reduction, rhs: &Expr) -> String {
    let v = &reduction.var;
    format!(
        "`{v} = {}` does not update the `{}` reduction `{v}`: each worker holds a partial value \
         of `{v}`, and the serial result comes only from updates that combine\nhelp: {}",
        tokens(rhs),
        op_name(&reduction.op),
        how_to_update(reduction)
    )
}

impl<'ast> Visit<'ast> for Check<'_> {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.mark_unused_statements(block);
        self.scopes.push();
        syn::visit::visit_block(self, block);
        self.scopes.pop();
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.scopes.bind_pattern(&local.pat, true);
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.scopes.push();
        for input in &closure.inputs {
            self.scopes.bind_pattern(input, true);
        }
        self.visit_expr(&closure.body);
        self.scopes.pop();
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.scopes.push();
        self.scopes.bind_pattern(&arm.pat, false);
        if let Some((_, guard)) = &arm.guard {
            self.visit_expr(guard);
        }
        self.visit_expr(&arm.body);
        self.scopes.pop();
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        self.scopes.push();
        self.visit_expr(&expr.cond);
        self.visit_block(&expr.then_branch);
        self.scopes.pop();
        if let Some((_, otherwise)) = &expr.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.unused_blocks.insert(&expr.body as *const syn::Block);
        self.scopes.push();
        self.visit_expr(&expr.cond);
        self.visit_block(&expr.body);
        self.scopes.pop();
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        self.unused_blocks.insert(&expr.body as *const syn::Block);
        self.visit_block(&expr.body);
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        self.visit_expr(&expr.expr);
        self.scopes.bind_pattern(&expr.pat, false);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.unused_blocks.insert(&expr.body as *const syn::Block);
        self.visit_expr(&expr.expr);
        self.scopes.push();
        self.scopes.bind_pattern(&expr.pat, true);
        self.visit_block(&expr.body);
        self.scopes.pop();
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_assign(&mut self, expr: &'ast syn::ExprAssign) {
        self.check_assign(expr);
        syn::visit::visit_expr_assign(self, expr);
    }

    fn visit_expr_binary(&mut self, expr: &'ast syn::ExprBinary) {
        self.check_compound(expr);
        syn::visit::visit_expr_binary(self, expr);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        // Decided at the outermost call of a chain (`v.iter().sum()`), or by the update
        // the chain is the place of (`*v.entry(k).or_default() += 1`).
        if let Some((root, _)) = update_root(&call.receiver) {
            let decided = self.allowed.contains(&(root as *const ExprPath));
            if let Some(reduction) = self.reduction(root).filter(|_| !decided) {
                self.allow(root);
                if !self
                    .unused_calls
                    .contains(&(call as *const syn::ExprMethodCall))
                {
                    let message = used_call_message(reduction, call);
                    self.errors.push(syn::Error::new_spanned(call, message));
                }
            }
        }
        self.allow_mut_args(&call.args);
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        self.allow_mut_args(&call.args);
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_path(&mut self, path: &'ast ExprPath) {
        if self.allowed.contains(&(path as *const ExprPath)) {
            return;
        }
        if let Some(reduction) = self.reduction(path) {
            let message = read_message(reduction);
            self.errors.push(syn::Error::new_spanned(path, message));
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let parser = syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated;
        let Ok(args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
            return;
        };
        let writes = mac.path.is_ident("write") || mac.path.is_ident("writeln");
        for (i, arg) in args.iter().enumerate() {
            if let (0, true, Expr::Path(path)) = (i, writes, strip(arg)) {
                if self.reduction(path).is_some() {
                    continue;
                }
            }
            if let Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) = arg
            {
                self.check_format_string(lit);
            }
            self.visit_expr(arg);
        }
    }
}
