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

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;
use syn::{Expr, ExprPath, Lit, Pat, Token};

use crate::attr::{ReduceOp, Reduction};
use crate::error::Errors;
use crate::scope::Scopes;

mod forms;

use forms::{
    compound, compound_allowed, first_operand, how_to_update, not_an_update, op_name, read_message,
    strip, tokens, update_root, updates_with, used_call_message,
};

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
        min_max_ifs: HashSet::new(),
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
    /// The `v = e` of `if e < v { v = e }` under `min` (`>` under `max`).
    min_max_ifs: HashSet<*const syn::ExprAssign>,
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
        if self
            .min_max_ifs
            .contains(&(assign as *const syn::ExprAssign))
        {
            return;
        }
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

    /// `if e < v { v = e; }` is the update of a `min` reduction (`if e > v` of `max`):
    /// on a worker's partial value it keeps the smallest of that worker's items.
    fn allow_min_max_if(&mut self, expr: &syn::ExprIf) {
        let (None, [syn::Stmt::Expr(Expr::Assign(assign), _)]) =
            (&expr.else_branch, expr.then_branch.stmts.as_slice())
        else {
            return;
        };
        let (Expr::Binary(cond), Expr::Path(target)) = (strip(&expr.cond), strip(&assign.left))
        else {
            return;
        };
        let Some(reduction) = self.reduction(target) else {
            return;
        };
        let ReduceOp::MinMax(m) = &reduction.op else {
            return;
        };
        let is_var =
            |e: &Expr| matches!(strip(e), Expr::Path(p) if p.path.is_ident(&reduction.var));
        let is_new = |e: &Expr| tokens(e) == tokens(&assign.right);
        use syn::BinOp::{Ge, Gt, Le, Lt};
        // `new < v` or `v > new` for `min`; the other way for `max`.
        let (var, smaller) = match (&cond.op, is_var(&cond.left), is_var(&cond.right)) {
            (Lt(_) | Le(_), false, true) if is_new(&cond.left) => (&cond.right, true),
            (Gt(_) | Ge(_), true, false) if is_new(&cond.right) => (&cond.left, true),
            (Gt(_) | Ge(_), false, true) if is_new(&cond.left) => (&cond.right, false),
            (Lt(_) | Le(_), true, false) if is_new(&cond.right) => (&cond.left, false),
            _ => return,
        };
        if smaller == (m == "min") {
            if let Expr::Path(path) = strip(var) {
                self.allow(path);
            }
            self.min_max_ifs.insert(assign as *const syn::ExprAssign);
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
        self.allow_min_max_if(expr);
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
            self.check_macro_tokens(mac.tokens.clone());
            return;
        };
        let writes = mac.path.is_ident("write") || mac.path.is_ident("writeln");
        for (i, arg) in args.iter().enumerate() {
            if let (0, true, Expr::Path(path)) = (i, writes, strip(arg)) {
                if self.reduction(path).is_some() {
                    continue;
                }
            }
            if i == 0 && writes {
                self.allow_mut_args([arg]);
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

impl Check<'_> {
    /// A macro whose arguments are not expressions (`vec![total; 3]`): any mention of a
    /// reduction variable in it (not a field name after `.`) is taken as a read.
    fn check_macro_tokens(&mut self, tokens: TokenStream) {
        let mut after_dot = false;
        for token in tokens {
            match &token {
                TokenTree::Group(group) => self.check_macro_tokens(group.stream()),
                TokenTree::Ident(ident) if !after_dot && !self.scopes.is_bound(ident) => {
                    if let Some(reduction) = self.reductions.iter().find(|r| r.var == *ident) {
                        self.errors
                            .push(syn::Error::new(ident.span(), read_message(reduction)));
                    }
                }
                _ => {}
            }
            after_dot = matches!(&token, TokenTree::Punct(p) if p.as_char() == '.');
        }
    }
}
