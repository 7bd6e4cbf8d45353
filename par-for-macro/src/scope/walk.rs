//! One scope-aware walk over a task body, shared by the rules that check it.
//!
//! The walk knows what each binding form binds, in order and with shadowing: a `let`
//! binds after its initializer and its `else` block (`let x = x;` reads the outer `x`),
//! a closure its parameters, a match arm its pattern (seen by the guard and the body),
//! `if let` / `while let` their patterns in the condition and the first block only, a
//! `for` its pattern in its body. It does not enter nested items (`fn`, `impl`, ...),
//! which cannot capture the body's variables. A macro's arguments are walked when they
//! parse as expressions; `name = value` after a format string is a named argument, of
//! which only the value is walked.
//!
//! The walk also knows which values are thrown away: a statement `EXPR;`, `let _ =
//! EXPR;`, the last expression of a loop body, and through them the branches of an
//! `if` or a `match` and the last expression of a block.
//!
//! A [`Rule`] is called back before each node's parts are walked, with the [`Scopes`]
//! at that point, so each check holds only its own rule.

use std::collections::HashSet;

use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Block, Expr, ExprPath, Ident, Macro, Pat, Stmt, Token};

use super::Scopes;

/// The arguments of a macro call, when they parse as expressions.
pub(crate) type MacroArgs = Punctuated<Expr, Token![,]>;

/// A check on a body, called back by [`Walker`]. Each method has a default that does
/// nothing, so a rule implements only the nodes it looks at. A rule may keep the
/// addresses of the nodes it is shown: they stay unique until the walk ends.
pub(crate) trait Rule {
    /// An expression whose value is thrown away, before [`Rule::expr`] sees it. The
    /// inner expression of a thrown-away `(..)` is thrown away too.
    fn discarded(&mut self, _expr: &Expr, _scopes: &Scopes) {}

    /// Every expression, before its parts are walked.
    fn expr(&mut self, _expr: &Expr, _scopes: &Scopes) {}

    /// A path of one identifier that no binding of the body shadows: a free variable,
    /// or a constant, a function, a unit struct declared outside.
    fn free(&mut self, _path: &ExprPath, _scopes: &Scopes) {}

    /// A pattern matched against `scrutinee` (`let`, `if let`, `while let`, a match
    /// arm), before it binds.
    fn matched(&mut self, _pat: &Pat, _scrutinee: &Expr, _scopes: &Scopes) {}

    /// A macro call, with its arguments when they parse as expressions (then walked
    /// after this call).
    fn macro_call(&mut self, _mac: &Macro, _args: Option<&MacroArgs>, _scopes: &Scopes) {}

    /// A named argument of a macro (`name = value` after a format string), before its
    /// value is walked (the name is not).
    fn named_arg(&mut self, _arg: &syn::ExprAssign, _scopes: &Scopes) {}
}

/// Walks a body for a [`Rule`]. A walk that starts at a block (`visit_block`) walks a
/// loop body, whose value is thrown away; one that starts at an expression
/// (`visit_expr`: a closure's body, a value) walks a value that is used.
pub(crate) struct Walker<R> {
    rule: R,
    scopes: Scopes,
    /// How many blocks and expressions the walk is inside.
    depth: usize,
    discarded_exprs: HashSet<*const Expr>,
    discarded_blocks: HashSet<*const Block>,
    /// The parsed arguments of the macros walked so far, kept until the walk ends so
    /// that the addresses a rule keeps of their nodes stay unique (the nodes live in
    /// the heap buffers of the `Punctuated`, which moving it into this list keeps).
    macro_args: Vec<MacroArgs>,
    /// The variables format strings name inline, as paths, kept as the macros'
    /// arguments are. Boxed: a rule may keep their addresses, which growing the list
    /// must not move.
    #[allow(clippy::vec_box)]
    format_paths: Vec<Box<ExprPath>>,
}

impl<R: Rule> Walker<R> {
    /// A walker for `rule` in which the patterns `bound` are bound (a loop's pattern,
    /// a closure's parameters).
    pub(crate) fn new(rule: R, bound: &[&Pat]) -> Self {
        let mut walker = Walker {
            rule,
            scopes: Scopes::default(),
            depth: 0,
            discarded_exprs: HashSet::new(),
            discarded_blocks: HashSet::new(),
            macro_args: Vec::new(),
            format_paths: Vec::new(),
        };
        walker.scopes.push();
        for pat in bound {
            walker.scopes.bind_pattern(pat, true);
        }
        walker
    }

    pub(crate) fn into_rule(self) -> R {
        self.rule
    }

    /// Marks what `expr` throws away of its parts when its own value is thrown away.
    fn discard(&mut self, expr: &Expr) {
        match expr {
            Expr::If(e) => {
                self.discarded_blocks.insert(&e.then_branch);
                if let Some((_, otherwise)) = &e.else_branch {
                    self.discarded_exprs.insert(&**otherwise);
                }
            }
            Expr::Match(e) => {
                for arm in &e.arms {
                    self.discarded_exprs.insert(&*arm.body);
                }
            }
            Expr::Block(e) => {
                self.discarded_blocks.insert(&e.block);
            }
            Expr::Unsafe(e) => {
                self.discarded_blocks.insert(&e.block);
            }
            Expr::Paren(e) => {
                self.discarded_exprs.insert(&*e.expr);
            }
            Expr::Group(e) => {
                self.discarded_exprs.insert(&*e.expr);
            }
            _ => {}
        }
    }

    /// Marks the statements of `block` whose values are thrown away: all but a last
    /// expression without `;`, and that one too when the block's value is thrown away.
    fn discard_statements(&mut self, block: &Block) {
        let discarded = self.discarded_blocks.contains(&(block as *const Block));
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                Stmt::Expr(expr, semi) if semi.is_some() || i != last || discarded => {
                    self.discarded_exprs.insert(expr);
                }
                Stmt::Local(local) if matches!(local.pat, Pat::Wild(_)) => {
                    if let Some(init) = &local.init {
                        self.discarded_exprs.insert(&*init.expr);
                    }
                }
                _ => {}
            }
        }
    }

    /// Walks a macro's arguments: a named argument (`name = value` after a format
    /// string) is only its value.
    fn visit_macro_args(&mut self, args: &MacroArgs) {
        let mut after_format = false;
        for arg in args {
            match arg {
                Expr::Assign(named) if after_format && is_name(&named.left) => {
                    self.rule.named_arg(named, &self.scopes);
                    self.visit_expr(&named.right);
                }
                _ => self.visit_expr(arg),
            }
            after_format |= matches!(
                arg,
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                })
            );
        }
    }
}

impl<R: Rule> Walker<R> {
    /// The variables the format string (the first string literal) of a std formatting
    /// macro names inline (`"{tag}-{i}"`): reads, as its other arguments are.
    fn visit_format_string(&mut self, args: &MacroArgs) {
        let Some(format) = args.iter().find(|arg| {
            matches!(
                arg,
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                })
            )
        }) else {
            return;
        };
        // `name = value` arguments give the names the format string uses.
        let given: Vec<&Ident> = args
            .iter()
            .filter_map(|arg| match arg {
                Expr::Assign(named) => match &*named.left {
                    Expr::Path(path) => path.path.get_ident(),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for name in super::format_names(quote::ToTokens::to_token_stream(format)) {
            if self.scopes.is_bound(&name) || given.contains(&&name) {
                continue;
            }
            let path = Box::new(ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: name.into(),
            });
            self.rule.free(&path, &self.scopes);
            self.format_paths.push(path);
        }
    }
}

/// The body of a `for`, `while` or `loop`, whose value is thrown away.
fn loop_body(expr: &Expr) -> Option<&Block> {
    match expr {
        Expr::ForLoop(e) => Some(&e.body),
        Expr::While(e) => Some(&e.body),
        Expr::Loop(e) => Some(&e.body),
        _ => None,
    }
}

fn is_name(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(path) if path.qself.is_none() && path.path.get_ident().is_some())
}

impl<'ast, R: Rule> Visit<'ast> for Walker<R> {
    fn visit_block(&mut self, block: &'ast Block) {
        if self.depth == 0 {
            self.discarded_blocks.insert(block);
        }
        self.discard_statements(block);
        self.depth += 1;
        self.scopes.push();
        // An item declared in a block (`fn`, `static`, `const`) is visible in all of it:
        // its name is not the body's free variable (a marked pipeline nested in the body
        // declares its own `static` site, for one).
        for stmt in &block.stmts {
            if let Stmt::Item(item) = stmt {
                if let Some(name) = item_name(item) {
                    self.scopes.bind(name);
                }
            }
        }
        syn::visit::visit_block(self, block);
        self.scopes.pop();
        self.depth -= 1;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
            self.rule.matched(&local.pat, &init.expr, &self.scopes);
        }
        self.scopes.bind_pattern(&local.pat, true);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        if self.discarded_exprs.contains(&(expr as *const Expr)) {
            self.rule.discarded(expr, &self.scopes);
            self.discard(expr);
        }
        self.rule.expr(expr, &self.scopes);
        if let Some(body) = loop_body(expr) {
            self.discarded_blocks.insert(body);
        }
        self.depth += 1;
        syn::visit::visit_expr(self, expr);
        self.depth -= 1;
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.scopes.push();
        for input in &closure.inputs {
            self.scopes.bind_pattern(input, true);
        }
        self.visit_expr(&closure.body);
        self.scopes.pop();
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        self.visit_expr(&expr.expr);
        for arm in &expr.arms {
            self.rule.matched(&arm.pat, &expr.expr, &self.scopes);
            self.visit_arm(arm);
        }
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
        self.scopes.push();
        self.visit_expr(&expr.cond);
        self.visit_block(&expr.body);
        self.scopes.pop();
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        self.visit_expr(&expr.expr);
        self.rule.matched(&expr.pat, &expr.expr, &self.scopes);
        self.scopes.bind_pattern(&expr.pat, false);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.visit_expr(&expr.expr);
        self.scopes.push();
        self.scopes.bind_pattern(&expr.pat, true);
        self.visit_block(&expr.body);
        self.scopes.pop();
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        // A nested item cannot capture the body's variables.
    }

    fn visit_expr_path(&mut self, path: &'ast ExprPath) {
        let name = path.path.get_ident().filter(|_| path.qself.is_none());
        if name.is_some_and(|name| !self.scopes.is_bound(name)) {
            self.rule.free(path, &self.scopes);
        }
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        let parser = MacroArgs::parse_terminated;
        let Ok(args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
            self.rule.macro_call(mac, None, &self.scopes);
            return;
        };
        self.rule.macro_call(mac, Some(&args), &self.scopes);
        self.visit_macro_args(&args);
        if super::is_format_macro(mac) {
            self.visit_format_string(&args);
        }
        self.macro_args.push(args);
    }
}

#[cfg(test)]
mod tests;

/// The value name an item declares in its block, if any. Not a `static mut`'s: declared
/// in the body or not, it is one place that every iteration shares.
fn item_name(item: &syn::Item) -> Option<&syn::Ident> {
    match item {
        syn::Item::Fn(f) => Some(&f.sig.ident),
        syn::Item::Static(s) if matches!(s.mutability, syn::StaticMutability::Mut(_)) => None,
        syn::Item::Static(s) => Some(&s.ident),
        syn::Item::Const(c) => Some(&c.ident),
        _ => None,
    }
}
