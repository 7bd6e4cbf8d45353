//! The enabling role of `#[par_for]`: on a `fn`, method, `impl` block, `trait` (its
//! default methods) or inline `mod`, find every statement inside marked `#[par_for]` and
//! replace it by its expansion.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Item, Stmt};

use crate::ast::{Form, Marked};
use crate::attr::Options;
use crate::check;
use crate::error::Errors;
use crate::expand::{self, Lets};

mod conditional;
mod enabled;
mod marks;
mod nested;

use enabled::{parse_item, unmarked};
use marks::{enables_itself, is_marker, stmt_attrs, take_marker, Unmark};

/// Expands the enabling attribute: `args` are its own (empty) arguments.
pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.push(syn::Error::new(
            args.span(),
            "options belong on the marked loop, not on the item that enables it: write \
             `#[par_for]` here and `#[par_for(...)]` on the `for` loop inside",
        ));
    }
    let mut item = match parse_item(input.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = error.to_compile_error();
            let item = unmarked(input);
            return quote!(#error #item);
        }
    };
    if item.attrs().iter().any(is_marker) {
        // `#[par_for]` twice: the other one expands it.
        return input;
    }
    let mut marked = MarkedStatements {
        errors: Errors::default(),
        conditional_errors: Vec::new(),
        marked: 0,
        enabled_inside: false,
        in_const_fn: false,
        lets: Lets::default(),
        variables: None,
        mut_ref_params: HashSet::new(),
        enclosing: Vec::new(),
        statement_marks: None,
        parallel_labels: Vec::new(),
    };
    item.visit(&mut marked);
    if marked.marked == 0 && marked.errors.is_empty() && !marked.enabled_inside {
        errors.push(syn::Error::new(
            item.name_span(),
            "#[par_for] on this item enables parallel loops inside it, but no statement inside is \
             marked\nhelp: put `#[par_for]` on a `for` loop or a collecting `let` inside it too \
             (a mark inside a `macro_rules!` body is not seen: only the macro's call is here)",
        ));
    }
    errors.push_result(marked.errors.finish());
    let conditional = conditional::errors(marked.conditional_errors);
    match errors.finish() {
        Ok(()) => {
            let item = item.into_token_stream();
            quote!(#conditional #item)
        }
        Err(error) => {
            let mut original = parse_item(input).expect("parsed once already");
            original.visit(&mut Unmark);
            let error = error.to_compile_error();
            quote!(#error #conditional #original)
        }
    }
}

/// The reductions of a marked `for` loop, for the loops inside it (see `nested`).
fn marked_reductions(stmt: &Stmt) -> Option<nested::Enclosing> {
    let Stmt::Expr(syn::Expr::ForLoop(for_loop), _) = stmt else {
        return None;
    };
    let marker = for_loop.attrs.iter().find(|attr| is_marker(attr))?;
    let syn::Meta::List(list) = &marker.meta else {
        return None;
    };
    let options = Options::parse(list.tokens.clone(), &mut Errors::default())?;
    Some(nested::reductions(&options))
}

/// The names of `sig`'s parameters of a `&mut` type (`total: &mut u64`).
fn mut_ref_params(sig: &syn::Signature) -> HashSet<String> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => Some(typed),
            syn::FnArg::Receiver(_) => None,
        })
        .filter(|typed| {
            matches!(&*typed.ty, syn::Type::Reference(reference) if reference.mutability.is_some())
        })
        .filter_map(|typed| match &*typed.pat {
            syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Replaces each marked statement of an enabled item by its expansion, inner ones first.
struct MarkedStatements {
    errors: Errors,
    /// The errors of statements marked under a condition, with it: they are errors only
    /// where it holds (see `conditional`).
    conditional_errors: Vec<(syn::Meta, syn::Error)>,
    marked: usize,
    /// Whether an item inside has an enabling attribute of its own (which then expands
    /// it, and says so if nothing inside it is marked).
    enabled_inside: bool,
    /// Whether the enclosing function is a `const fn`.
    in_const_fn: bool,
    /// The `let` bindings visible at the statement being expanded.
    lets: Lets,
    /// The names the enclosing function binds (see `scope::bound_in_fn`), once inside one.
    variables: Option<HashSet<String>>,
    /// The enclosing function's parameters of a `&mut` type.
    mut_ref_params: HashSet<String>,
    /// The reductions of the marked loops around the statement being expanded.
    enclosing: Vec<nested::Enclosing>,
    /// Where the statement being visited keeps its mark (see `marks::stmt_attrs`); a mark
    /// on any other expression is misplaced. Compared, never read through.
    statement_marks: Option<*const Vec<Attribute>>,
    /// The labels of the marked loops around the statement being expanded.
    parallel_labels: Vec<String>,
}

impl MarkedStatements {
    /// Parse (`attr.rs`, `ast.rs`) → check (`check/`) → expand (`expand.rs`), for `stmt`
    /// if it is marked. A statement with errors is left as written, unmarked.
    fn expand_stmt(&mut self, stmt: &mut Stmt) {
        let Some(marker) = stmt_attrs(stmt).and_then(take_marker) else {
            return;
        };
        self.marked += 1;
        if let Some(again) = stmt_attrs(stmt).and_then(|attrs| attrs.iter().find(|a| is_marker(a)))
        {
            self.errors.push(syn::Error::new_spanned(
                again,
                "this statement is marked twice: write one mark with all the options, \
                 `#[par_for(threads = 4, reduce(total: +))]`",
            ));
            return;
        }
        if self.in_const_fn {
            self.errors.push(syn::Error::new_spanned(
                &marker,
                "a loop of a `const fn` cannot run on threads: a `const fn` may run at \
                 compile time, where there are none\nhelp: remove `const` from the function, \
                 or move the loop into a function that is not `const`",
            ));
            return;
        }
        let Some(options) = self.options(&marker) else {
            return;
        };
        if !self.reductions_are_variables(&options) {
            return;
        }
        match nested::shared_with_outer(&options, &self.enclosing) {
            Err(error) => return self.errors.push(error),
            Ok(shared) if !shared.is_empty() => {
                let mut inner = stmt.clone();
                if let Some(attrs) = stmt_attrs(&mut inner) {
                    attrs.insert(0, marker);
                }
                // Inside, the variables are the block's own locals.
                let outer = std::mem::take(&mut self.enclosing);
                self.expand_stmt(&mut inner);
                self.enclosing = outer;
                *stmt = nested::wrap(inner, &shared);
                return;
            }
            Ok(_) => {}
        }
        // The attributes beside the mark (`#[cfg(..)]`, `#[allow(..)]`) go on the
        // expansion, which they then configure as they did the statement.
        let mut marked = stmt.clone();
        let beside = stmt_attrs(&mut marked)
            .map(std::mem::take)
            .unwrap_or_default();
        let form = Form::of(marked);
        let Some(mut plan) = self.errors.push_result(check::check(Marked {
            options,
            form,
            parallel_labels: self.parallel_labels.clone(),
        })) else {
            return;
        };
        if let Some(variables) = &self.variables {
            plan.keep_variables(variables);
        }
        let tokens = expand::plan(plan, &self.lets);
        // Parsed back into syntax, not kept verbatim, so that an enclosing marked loop
        // rewrites the `return`s this expansion makes.
        *stmt = match syn::parse2::<Stmt>(tokens.clone()) {
            Ok(mut expanded) => match stmt_attrs(&mut expanded) {
                Some(attrs) => {
                    attrs.splice(0..0, beside);
                    expanded
                }
                None => Stmt::Expr(syn::Expr::Verbatim(quote!(#(#beside)* #expanded)), None),
            },
            Err(_) => Stmt::Expr(syn::Expr::Verbatim(quote!(#(#beside)* #tokens)), None),
        };
    }

    /// Visits a function's body knowing the names it binds.
    fn in_fn(&mut self, sig: &syn::Signature, body: &syn::Block, visit: impl FnOnce(&mut Self)) {
        let outer = self.variables.replace(crate::scope::bound_in_fn(sig, body));
        let outer_params = std::mem::replace(&mut self.mut_ref_params, mut_ref_params(sig));
        let outer_const = std::mem::replace(&mut self.in_const_fn, sig.constness.is_some());
        visit(self);
        self.variables = outer;
        self.mut_ref_params = outer_params;
        self.in_const_fn = outer_const;
    }

    /// Whether every `reduce(VAR: ..)` names a variable of the enclosing function; each
    /// that does not is reported once, at the option, rather than by the compiler at
    /// every place the expansion uses it.
    fn reductions_are_variables(&mut self, options: &Options) -> bool {
        let Some(variables) = &self.variables else {
            return true;
        };
        let mut all = true;
        for reduction in &options.reduce {
            let var = &reduction.var;
            if self.mut_ref_params.contains(&var.to_string()) {
                all = false;
                self.errors.push(syn::Error::new(
                    var.span(),
                    format!(
                        "`{var}` is a `&mut` parameter: a reduction combines the workers' \
                         copies into a variable of its own\nhelp: reduce into a local \
                         declared before the loop and update `*{var}` with it after the \
                         loop: `let mut part = 0;` (the identity), `reduce(part: ..)`, the \
                         body updating `part`, then `*{var} += part;`"
                    ),
                ));
            } else if !crate::valid::is_variable(var, variables) {
                all = false;
                self.errors.push(syn::Error::new(
                    var.span(),
                    format!(
                        "`{var}` is not a variable of this function: a reduction combines the \
                         workers' copies into a variable declared before the loop\nhelp: \
                         declare it before the loop, starting from the value the serial loop \
                         starts from (`let mut {var} = 0;`)"
                    ),
                ));
            }
        }
        all
    }

    /// The options of `marker`, parsed and checked, or `None` once every problem with
    /// them is reported.
    fn options(&mut self, marker: &Attribute) -> Option<Options> {
        let args = match &marker.meta {
            syn::Meta::Path(_) => TokenStream::new(),
            syn::Meta::List(list) => list.tokens.clone(),
            syn::Meta::NameValue(nv) => {
                self.errors.push(syn::Error::new(
                    nv.span(),
                    "write the options in parentheses: `#[par_for(threads = 4)]`",
                ));
                return None;
            }
        };
        let mut problems = Errors::default();
        let options = Options::parse(args, &mut problems);
        if let Some(options) = &options {
            problems.push_result(check::check_options(options));
        }
        match (options, problems.finish()) {
            (Some(options), Ok(())) => Some(options),
            (_, result) => {
                self.errors.push_result(result);
                None
            }
        }
    }
}

impl MarkedStatements {
    /// A mark on an expression inside a statement (`1 + #[par_for] v.iter().sum()`),
    /// reported and taken out, so that the compiler does not apply it to the expression.
    fn refuse_mark_inside(&mut self, expr: &mut syn::Expr) {
        let Some(attrs) = marks::expr_attrs(expr) else {
            return;
        };
        if self.statement_marks == Some(attrs as *const Vec<Attribute>) {
            return;
        }
        let Some(marker) = take_marker(attrs) else {
            return;
        };
        self.marked += 1;
        self.errors.push(syn::Error::new_spanned(
            marker,
            "#[par_for] marks a whole statement, not an expression inside one\nhelp: give \
             the loop or pipeline a statement of its own, marked, and use its result here: \
             `#[par_for] let part: u64 = v.iter().map(..).sum();`",
        ));
    }
}

impl VisitMut for MarkedStatements {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        self.refuse_mark_inside(expr);
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_expr_for_loop_mut(&mut self, for_loop: &mut syn::ExprForLoop) {
        let parallel_label = for_loop
            .label
            .as_ref()
            .filter(|_| for_loop.attrs.iter().any(is_marker))
            .map(|label| label.name.ident.to_string());
        let pushed = parallel_label.is_some();
        self.parallel_labels.extend(parallel_label);
        syn::visit_mut::visit_expr_for_loop_mut(self, for_loop);
        if pushed {
            self.parallel_labels.pop();
        }
    }

    fn visit_item_fn_mut(&mut self, f: &mut syn::ItemFn) {
        let (sig, block) = (f.sig.clone(), f.block.clone());
        self.in_fn(&sig, &block, |this| {
            syn::visit_mut::visit_item_fn_mut(this, f)
        });
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if f.attrs.iter().any(is_marker) {
            self.enabled_inside = true;
            return;
        }
        let (sig, block) = (f.sig.clone(), f.block.clone());
        self.in_fn(&sig, &block, |this| {
            syn::visit_mut::visit_impl_item_fn_mut(this, f)
        });
    }

    fn visit_trait_item_fn_mut(&mut self, f: &mut syn::TraitItemFn) {
        if f.attrs.iter().any(is_marker) {
            self.enabled_inside = true;
            return;
        }
        let Some(block) = f.default.clone() else {
            return;
        };
        let sig = f.sig.clone();
        self.in_fn(&sig, &block, |this| {
            syn::visit_mut::visit_trait_item_fn_mut(this, f)
        });
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let outer = self.lets.mark();
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            let reductions = marked_reductions(&stmt);
            let around = reductions.is_some();
            self.enclosing.extend(reductions);
            let statement_marks = stmt_attrs(&mut stmt).map(|attrs| attrs as *const Vec<Attribute>);
            let outer_marks = std::mem::replace(&mut self.statement_marks, statement_marks);
            self.visit_stmt_mut(&mut stmt);
            self.statement_marks = outer_marks;
            if around {
                self.enclosing.pop();
            }
            let unmarked = match conditional::split(&mut stmt) {
                Some((unmarked, condition)) => {
                    let others = std::mem::take(&mut self.errors);
                    self.expand_stmt(&mut stmt);
                    let errors = std::mem::replace(&mut self.errors, others);
                    if let Err(error) = errors.finish() {
                        self.conditional_errors.push((condition, error));
                    }
                    Some(unmarked)
                }
                None => {
                    self.expand_stmt(&mut stmt);
                    None
                }
            };
            self.lets.bind(&stmt);
            stmts.push(stmt);
            stmts.extend(unmarked);
        }
        block.stmts = stmts;
        self.lets.forget_after(outer);
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        if enables_itself(item) {
            self.enabled_inside = true;
        } else {
            syn::visit_mut::visit_item_mut(self, item);
        }
    }
}
