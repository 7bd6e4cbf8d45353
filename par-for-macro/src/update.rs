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
//! Whether the value of a method call is used is decided by syntax (see `scope::walk`):
//! a call that ends a statement (`v.m(..);`, `let _ = v.m(..);`), or ends a block whose
//! value is not used, is an update.

use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;
use syn::{Expr, ExprPath, Lit, Pat};

use crate::attr::{ReduceOp, Reduction};
use crate::error::{shown, Errors};
use crate::scope::{compound_assign, MacroArgs, Rule, Scopes, Walker};

mod forms;
mod written;

pub(crate) use written::Written;
use written::{assigned, kept_if, resolve, Update};

use forms::{
    compound_allowed, first_operand, how_to_update, named_arg_message, not_an_update, op_name,
    read_message, strip, tokens, update_root, updates_with, used_call_message,
    used_mut_arg_message,
};

/// The macro's own `reduce::nested(&mut v)` (see `item/nested.rs`), whose value is the
/// place it is given.
fn is_nested_take(call: &syn::ExprCall) -> bool {
    matches!(strip(&call.func), Expr::Path(path)
        if path.path.segments.iter().map(|s| s.ident.to_string()).eq(["par_for", "__private", "reduce", "nested"]))
}

/// Reports every read of a reduction variable in a loop body that binds `pat`, and
/// records in each reduction the update form its copies combine with, if the body's
/// updates decide it (see `written`).
pub(crate) fn check_updates(
    pat: &Pat,
    body: &syn::Block,
    reductions: &mut [Reduction],
    errors: &mut Errors,
) {
    if reductions.is_empty() {
        return;
    }
    let updates = Updates {
        reductions,
        allowed: HashSet::new(),
        unused_calls: HashSet::new(),
        unused_fn_calls: HashSet::new(),
        min_max_ifs: HashMap::new(),
        forms: reductions.iter().map(|_| Vec::new()).collect(),
        errors,
    };
    let mut walker = Walker::new(updates, &[pat]);
    walker.visit_block(body);
    let Updates { forms, errors, .. } = walker.into_rule();
    let written: Vec<Option<Written>> = reductions
        .iter()
        .zip(&forms)
        .map(|(reduction, updates)| resolve(reduction, updates, errors))
        .collect();
    for (reduction, written) in reductions.iter_mut().zip(written) {
        reduction.written = written;
    }
}

/// The rule of reduction variables.
struct Updates<'a> {
    reductions: &'a [Reduction],
    /// The uses of reduction variables found in update positions.
    allowed: HashSet<*const ExprPath>,
    /// Method calls whose value the body does not use.
    unused_calls: HashSet<*const syn::ExprMethodCall>,
    /// Function calls whose value the body does not use.
    unused_fn_calls: HashSet<*const syn::ExprCall>,
    /// The `v = e` of `if e < v { v = e }` under `min` (`>` under `max`), with its form.
    min_max_ifs: HashMap<*const syn::ExprAssign, (Written, TokenStream)>,
    /// Each reduction's updates of the bare variable, in the body's order.
    forms: Vec<Vec<Update>>,
    errors: &'a mut Errors,
}

impl<'a> Updates<'a> {
    /// The reduction that `path` names, unless a binding of the body shadows it.
    fn reduction(&self, path: &ExprPath, scopes: &Scopes) -> Option<&'a Reduction> {
        let ident = path.path.get_ident()?;
        if path.qself.is_some() || scopes.is_bound(ident) {
            return None;
        }
        self.reductions.iter().find(|r| r.var == *ident)
    }

    fn allow(&mut self, path: &ExprPath) {
        self.allowed.insert(path as *const ExprPath);
    }

    /// Records an update of the bare variable of `reduction`.
    fn record(&mut self, reduction: &Reduction, written: Option<Written>, at: TokenStream) {
        if let Some(index) = self.reductions.iter().position(|r| r.var == reduction.var) {
            self.forms[index].push(Update { written, at });
        }
    }

    /// `v = RHS` and `P = RHS`.
    fn check_assign(&mut self, assign: &syn::ExprAssign, scopes: &Scopes) {
        let Some((root, bare)) = update_root(&assign.left) else {
            return;
        };
        let Some(reduction) = self.reduction(root, scopes) else {
            return;
        };
        self.allow(root);
        if let Some((written, cond)) = self.min_max_ifs.get(&(assign as *const syn::ExprAssign)) {
            let (written, cond) = (Some(written.clone()), cond.clone());
            self.record(reduction, written, cond);
            return;
        }
        let rhs = strip(&assign.right);
        if !bare {
            self.check_part_of_min_max(reduction, &assign.left);
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
            Expr::Path(path)
                if self
                    .reduction(path, scopes)
                    .is_some_and(|r| r.var == reduction.var) =>
            {
                Some(path)
            }
            _ => None,
        });
        if let Some(path) = operand {
            // Allowed even when the update is refused, which is reported once, here.
            self.allow(path);
        }
        if operand.is_none() || !updates_with(&reduction.op, rhs) {
            // Its uses on the right are part of the refused update, reported once, here:
            // not reads of their own (`total = total + x - 1`, `best = if x > best ..`).
            for path in uses_of(&reduction.var, rhs) {
                self.allow(path);
            }
            let message = not_an_update(reduction, rhs);
            self.errors
                .push(syn::Error::new_spanned(&assign.right, message));
        } else {
            self.record(
                reduction,
                assigned(reduction, rhs),
                assign.to_token_stream(),
            );
        }
    }

    /// `if e < v { v = e; }` is the update of a `min` reduction (`if e > v` of `max`):
    /// on a worker's partial value it keeps the smallest of that worker's items.
    fn allow_min_max_if(&mut self, expr: &syn::ExprIf, scopes: &Scopes) {
        let (None, [syn::Stmt::Expr(Expr::Assign(assign), _)]) =
            (&expr.else_branch, expr.then_branch.stmts.as_slice())
        else {
            return;
        };
        let (Expr::Binary(cond), Expr::Path(target)) = (strip(&expr.cond), strip(&assign.left))
        else {
            return;
        };
        let Some(reduction) = self.reduction(target, scopes) else {
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
        let (var, smaller, new_on_left) = match (&cond.op, is_var(&cond.left), is_var(&cond.right))
        {
            (Lt(_) | Le(_), false, true) if is_new(&cond.left) => (&cond.right, true, true),
            (Gt(_) | Ge(_), true, false) if is_new(&cond.right) => (&cond.left, true, false),
            (Gt(_) | Ge(_), false, true) if is_new(&cond.left) => (&cond.right, false, true),
            (Lt(_) | Le(_), true, false) if is_new(&cond.right) => (&cond.left, false, false),
            _ => return,
        };
        if smaller == (m == "min") {
            if let Expr::Path(path) = strip(var) {
                self.allow(path);
            }
            let written = kept_if(&cond.op, new_on_left);
            let at = cond.to_token_stream();
            self.min_max_ifs
                .insert(assign as *const syn::ExprAssign, (written, at));
        }
    }

    /// `v op= e` and `P op= e`.
    fn check_compound(&mut self, expr: &syn::ExprBinary, scopes: &Scopes) {
        let Some(op) = compound_assign(&expr.op) else {
            return;
        };
        let Some((root, bare)) = update_root(&expr.left) else {
            return;
        };
        let Some(reduction) = self.reduction(root, scopes) else {
            return;
        };
        self.allow(root);
        if !bare {
            self.check_part_of_min_max(reduction, &expr.left);
        } else if compound_allowed(&reduction.op, op) {
            self.record(reduction, None, expr.to_token_stream());
        } else {
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

    /// `P = e` / `P op= e` on an element or field of a `min`/`max` reduction: its copies
    /// are combined whole, by comparing them, so the elements' own maxima would be lost
    /// (`[5, 0]` and `[0, 5]` give one of them, not `[5, 5]`).
    fn check_part_of_min_max(&mut self, reduction: &Reduction, place: &Expr) {
        let ReduceOp::MinMax(m) = &reduction.op else {
            return;
        };
        if matches!(strip(place), Expr::Unary(_))
            && update_root(place).is_some_and(|(_, bare)| bare)
        {
            return;
        }
        let v = &reduction.var;
        self.errors.push(syn::Error::new_spanned(
            place,
            format!(
                "`{}` updates a part of the `{m}` reduction `{v}`, but the workers' copies of \
                 `{v}` are combined whole, by comparing them: the {m}ima of its parts would \
                 be lost\nhelp: reduce by a function that combines part by part, \
                 `#[par_for(reduce({v}: merge = ..))]` with `fn merge(a: T, b: T) -> T` taking \
                 the {m} of each part, or make the parts atomics (`AtomicU64::fetch_{m}`)",
                shown(place)
            ),
        ));
    }

    /// `&mut v` / `&mut P` given to a function or method (`call`): an update when the
    /// call's value is not used (`unused`); otherwise what it returns may come from the
    /// partial value (`if first_time(&mut seen, x) { .. }`), a read.
    fn allow_mut_args<'e>(
        &mut self,
        args: impl IntoIterator<Item = &'e Expr>,
        unused: bool,
        call: &dyn ToTokens,
        scopes: &Scopes,
    ) {
        for arg in args {
            let Expr::Reference(reference) = strip(arg) else {
                continue;
            };
            if reference.mutability.is_none() {
                continue;
            }
            let Some((root, _)) = update_root(&reference.expr) else {
                continue;
            };
            let Some(reduction) = self.reduction(root, scopes) else {
                continue;
            };
            self.allow(root);
            if !unused {
                let call = call.to_token_stream();
                let message = used_mut_arg_message(reduction, &shown(&call));
                self.errors.push(syn::Error::new_spanned(call, message));
            }
        }
    }

    /// `v.m(..)` / `P.m(..)`: an update when its value is not used. Decided at the
    /// outermost call of a chain (`v.iter().sum()`), or by the update the chain is the
    /// place of (`*v.entry(k).or_default() += 1`).
    fn check_method_call(&mut self, call: &syn::ExprMethodCall, scopes: &Scopes) {
        let Some((root, _)) = update_root(&call.receiver) else {
            return;
        };
        let decided = self.allowed.contains(&(root as *const ExprPath));
        if let Some(reduction) = self.reduction(root, scopes).filter(|_| !decided) {
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

    /// `{VAR}` / `{VAR:..}` inside a format string reads VAR.
    fn check_format_string(&mut self, lit: &syn::LitStr, scopes: &Scopes) {
        let text = lit.value();
        for reduction in self.reductions {
            let var = reduction.var.to_string();
            let inline = [format!("{{{var}}}"), format!("{{{var}:")];
            if inline.iter().any(|p| text.contains(p.as_str())) && !scopes.is_bound(&reduction.var)
            {
                self.errors
                    .push(syn::Error::new(lit.span(), read_message(reduction)));
            }
        }
    }
}

impl Rule for Updates<'_> {
    fn discarded(&mut self, expr: &Expr, _: &Scopes) {
        match expr {
            Expr::MethodCall(call) => {
                self.unused_calls.insert(call);
            }
            Expr::Call(call) => {
                self.unused_fn_calls.insert(call);
            }
            _ => {}
        }
    }

    fn expr(&mut self, expr: &Expr, scopes: &Scopes) {
        match expr {
            Expr::Assign(assign) => self.check_assign(assign, scopes),
            Expr::Binary(binary) => self.check_compound(binary, scopes),
            Expr::If(expr_if) => self.allow_min_max_if(expr_if, scopes),
            Expr::MethodCall(call) => {
                self.check_method_call(call, scopes);
                let unused = self.unused_calls.contains(&(call as *const _));
                self.allow_mut_args(&call.args, unused, call, scopes);
            }
            Expr::Call(call) => {
                let unused =
                    self.unused_fn_calls.contains(&(call as *const _)) || is_nested_take(call);
                self.allow_mut_args(&call.args, unused, call, scopes);
            }
            _ => {}
        }
    }

    fn free(&mut self, path: &ExprPath, scopes: &Scopes) {
        if self.allowed.contains(&(path as *const ExprPath)) {
            return;
        }
        if let Some(reduction) = self.reduction(path, scopes) {
            let message = read_message(reduction);
            self.errors.push(syn::Error::new_spanned(path, message));
        }
    }

    fn named_arg(&mut self, arg: &syn::ExprAssign, scopes: &Scopes) {
        // The body's `v` becomes `(*v)`, which would make `v = x` an assignment.
        if let Expr::Path(name) = &*arg.left {
            if let Some(reduction) = self.reduction(name, scopes) {
                let message = named_arg_message(reduction);
                self.errors.push(syn::Error::new_spanned(name, message));
            }
        }
    }

    fn macro_call(&mut self, mac: &syn::Macro, args: Option<&MacroArgs>, scopes: &Scopes) {
        let Some(args) = args else {
            self.check_macro_tokens(mac.tokens.clone(), scopes);
            return;
        };
        if mac.path.is_ident("write") || mac.path.is_ident("writeln") {
            // The first argument is the destination written to.
            match args.first().map(strip) {
                Some(Expr::Path(path)) if self.reduction(path, scopes).is_some() => {
                    self.allow(path)
                }
                // Its `fmt::Result` says nothing of the destination's value.
                Some(destination) => self.allow_mut_args([destination], true, mac, scopes),
                None => {}
            }
        }
        for arg in args {
            if let Expr::Lit(syn::ExprLit {
                lit: Lit::Str(lit), ..
            }) = arg
            {
                self.check_format_string(lit, scopes);
            }
        }
    }
}

impl Updates<'_> {
    /// A macro whose arguments are not expressions (`vec![total; 3]`): any mention of a
    /// reduction variable in it (not a field name after `.`) is taken as a read.
    fn check_macro_tokens(&mut self, tokens: TokenStream, scopes: &Scopes) {
        let mut after_dot = false;
        for token in tokens {
            match &token {
                TokenTree::Group(group) => self.check_macro_tokens(group.stream(), scopes),
                TokenTree::Ident(ident) if !after_dot && !scopes.is_bound(ident) => {
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

/// The paths naming `var` in `expr`.
fn uses_of<'e>(var: &syn::Ident, expr: &'e Expr) -> Vec<&'e ExprPath> {
    struct Uses<'v, 'e> {
        var: &'v syn::Ident,
        found: Vec<&'e ExprPath>,
    }
    impl<'e> Visit<'e> for Uses<'_, 'e> {
        fn visit_expr_path(&mut self, path: &'e ExprPath) {
            if path.qself.is_none() && path.path.is_ident(self.var) {
                self.found.push(path);
            }
        }
    }
    let mut uses = Uses {
        var,
        found: Vec::new(),
    };
    uses.visit_expr(expr);
    uses.found
}
