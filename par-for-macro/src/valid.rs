//! The compile-time rejection of loop bodies that write shared state.
//!
//! A free variable is one the body uses but does not bind itself. Writing one
//! (assignment, compound assignment, `&mut`, `ref mut`) is rejected here, by syntax and
//! correct scoping, with a `help:` that fits the write: a reduction for an accumulation,
//! an `iter_mut()`/`chunks_mut()` source for an element, the consumer for a pipeline's
//! closure. Everything the syntax cannot see (`v.push(x)` on an outer `Vec`, an outer
//! `RefCell`) is left to the compiler: the task must be `Fn + Send + Sync` (the
//! runtime's `task` module makes that error name the variable), and every free variable
//! `Sync` (see `expand::shared_reads`).

use std::collections::HashSet;

use quote::ToTokens;
use syn::{Expr, ExprPath, Ident, Pat};

use crate::error::{shown, Errors};
use crate::scope::{compound_assign, has_ref_mut, place_root, starts_upper, Rule, Scopes, Walker};

mod hints;

use hints::Hints;

/// What a body reads from outside, for the `Sync` checks at the use sites.
pub(crate) struct FreeVars {
    /// The first use of each free variable, in order of appearance.
    pub reads: Vec<Ident>,
    /// The free names called as functions (`f(x)`) and read nowhere else: function
    /// items, or closures and `F: Fn` parameters, whose `Sync` is checked too.
    pub called: Vec<Ident>,
}

impl FreeVars {
    /// Keeps the reads of the enclosing function's own variables, `variables` (see
    /// `scope::bound_in_fn`): what else the body names is an item (`map(drop)`,
    /// `map(Some)`), which the task does not capture, and whose borrow in the checks of
    /// the captures (`&drop`) could not even infer its type.
    pub(crate) fn keep_variables(&mut self, variables: &HashSet<String>) {
        self.reads.retain(|read| is_variable(read, variables));
        self.called.retain(|called| is_variable(called, variables));
    }

    /// No free variable at all.
    pub(crate) fn none() -> FreeVars {
        FreeVars {
            reads: Vec::new(),
            called: Vec::new(),
        }
    }

    /// The reads of both, each variable once.
    pub(crate) fn and(mut self, other: FreeVars) -> FreeVars {
        for read in other.reads {
            if !self.reads.contains(&read) {
                self.reads.push(read);
            }
        }
        for called in other.called {
            if !self.called.contains(&called) {
                self.called.push(called);
            }
        }
        self
    }
}

/// Whether `name` is `self` or one of the enclosing function's `variables`.
pub(crate) fn is_variable(name: &Ident, variables: &HashSet<String>) -> bool {
    let name = syn::ext::IdentExt::unraw(name).to_string();
    name == "self" || variables.contains(&name)
}

/// Checks a task body. `bound` are the names the task binds before its body (the loop
/// pattern, closure parameters); `reductions` the variables `reduce(...)` declares.
pub(crate) fn check_task(
    bound: &[&Pat],
    body: &dyn Fn(&mut Checker),
    reductions: &HashSet<String>,
    errors: &mut Errors,
) -> FreeVars {
    check(bound, body, reductions, Task::LoopBody, errors)
}

/// Checks the closure of a pipeline stage or a streaming loop's task, whose results the
/// consumer combines (a `reduce(..)` option does not apply to them).
pub(crate) fn check_closure_task(
    bound: &[&Pat],
    body: &dyn Fn(&mut Checker),
    errors: &mut Errors,
) -> FreeVars {
    check(bound, body, &HashSet::new(), Task::Closure, errors)
}

fn check(
    bound: &[&Pat],
    body: &dyn Fn(&mut Checker),
    reductions: &HashSet<String>,
    task: Task,
    errors: &mut Errors,
) -> FreeVars {
    let writes = Writes {
        reductions,
        task,
        errors,
        reads: Vec::new(),
        seen: HashSet::new(),
        callees: HashSet::new(),
        called: Vec::new(),
        hints: Hints::default(),
    };
    let mut checker = Walker::new(writes, bound);
    body(&mut checker);
    let writes = checker.into_rule();
    let called = writes
        .called
        .into_iter()
        .filter(|name| !writes.seen.contains(&name.to_string()))
        .collect();
    FreeVars {
        reads: writes.reads,
        called,
    }
}

/// What is checked: a `for` loop's body, or a closure whose values a consumer combines.
#[derive(Clone, Copy)]
enum Task {
    LoopBody,
    Closure,
}

/// The walk of a task body for its writes to shared state.
pub(crate) type Checker<'a> = Walker<Writes<'a>>;

/// The rule of writes, and the free variables read.
pub(crate) struct Writes<'a> {
    reductions: &'a HashSet<String>,
    task: Task,
    errors: &'a mut Errors,
    reads: Vec<Ident>,
    seen: HashSet<String>,
    /// The callees `f` of calls `f(..)`, which the `return` values and stream bodies do
    /// not count as reads (see `FreeVars::called`).
    callees: HashSet<*const ExprPath>,
    called: Vec<Ident>,
    /// Assignments of a serial idiom whose fix the help names (see `hints`).
    hints: Hints,
}

#[derive(Clone, Copy)]
enum Write {
    Assign,
    /// `x = x.max(..)` / `x = x.min(..)`: a reduction by `max` / `min`.
    AssignMinMax(&'static str),
    Compound(&'static str),
    BorrowMut,
}

impl Writes<'_> {
    fn check_write(&mut self, place: &Expr, write: Write, scopes: &Scopes) {
        self.check_write_with(place, write, None, scopes);
    }

    /// A write, with the help of a recognised idiom if there is one.
    fn check_write_with(
        &mut self,
        place: &Expr,
        write: Write,
        help: Option<String>,
        scopes: &Scopes,
    ) {
        let Some(root) = place_root(place) else {
            return;
        };
        let name = root.segments.last().map(|s| s.ident.clone());
        let Some(name) = name else { return };
        let local = root.segments.len() == 1 && scopes.is_bound(&name);
        if local || (root.segments.len() == 1 && self.reductions.contains(&name.to_string())) {
            return;
        }
        let target = Target {
            place: shown(place),
            name,
            collection: indexed_collection(place).map(shown),
            field: written_field(place),
        };
        let help = help.unwrap_or_else(|| fix(&target, write, self.task));
        self.errors.push(syn::Error::new_spanned(
            place,
            write_message(&target, write, &help),
        ));
    }

    /// `prev = x;` in a loop body that read `prev` before: each iteration takes what the
    /// one before it left, so the iterations depend on each other in order.
    fn carried_over(&self, assign: &syn::ExprAssign, scopes: &Scopes) -> Option<String> {
        if !matches!(self.task, Task::LoopBody) {
            return None;
        }
        let Expr::Path(path) = &*assign.left else {
            return None;
        };
        let name = path.path.get_ident()?;
        if scopes.is_bound(name) || !self.seen.contains(&name.to_string()) {
            return None;
        }
        Some(format!(
            "each iteration reads the `{name}` that the iteration before it left: the \
             iterations depend on each other, in order, and cannot run at once. If `{name}` \
             is the previous item, give each iteration both: loop over `items.windows(2)` \
             (`let (prev, x) = (&w[0], &w[1]);`) or `items.iter().zip(items.iter().skip(1))`"
        ))
    }

    fn record_read(&mut self, ident: &Ident) {
        if !starts_upper(ident) && self.seen.insert(ident.to_string()) {
            self.reads.push(ident.clone());
        }
    }

    fn check_ref_mut_match(&mut self, pat: &Pat, scrutinee: &Expr, scopes: &Scopes) {
        if let Some(binding) = has_ref_mut(pat) {
            if let Some(root) = place_root(scrutinee) {
                let free = root.segments.len() > 1
                    || root
                        .get_ident()
                        .is_some_and(|ident| !scopes.is_bound(ident));
                if free {
                    let name = root.to_token_stream().to_string();
                    self.errors.push(syn::Error::new_spanned(
                        binding,
                        format!(
                            "`ref mut {}` borrows `{name}` mutably, but `{name}` is declared outside this \
                             #[par_for] loop and every iteration would write it at once; bind by \
                             value or `ref`, or wrap `{name}` in a `Mutex` and lock it",
                            binding.ident
                        ),
                    ));
                }
            }
        }
    }
}

/// The place a body writes: `squares[i]` in `squares`, which is `collection` when the
/// write goes to one element; `self.count` in `self`, whose `field` is `count`.
struct Target {
    place: String,
    name: Ident,
    collection: Option<String>,
    /// The field written, when the place is a field of the variable (`self.count`,
    /// `stats.totals.sum`), not one of its elements.
    field: Option<String>,
}

fn write_message(target: &Target, write: Write, help: &str) -> String {
    let Target { place, name, .. } = target;
    let what = match write {
        Write::Assign | Write::AssignMinMax(_) => {
            format!("cannot assign to `{place}` inside a #[par_for] loop")
        }
        Write::Compound(op) => {
            format!("cannot update `{place}` with `{op}` inside a #[par_for] loop")
        }
        Write::BorrowMut => format!("cannot borrow `{place}` as `&mut` inside a #[par_for] loop"),
    };
    format!(
        "{what}: `{name}` is declared outside the loop, so every iteration would write it at once\n\
         help: {help}"
    )
}

/// What to write instead of the write to `target`.
fn fix(target: &Target, write: Write, task: Task) -> String {
    let name = &target.name;
    if starts_upper(name) {
        return format!(
            "make `{name}` an atomic (`static {name}: AtomicU64`) and update it with `fetch_add` \
             and friends, or put it in a `Mutex`"
        );
    }
    if let Some(collection) = &target.collection {
        return element_fix(collection, write);
    }
    if let (Task::LoopBody, Some(field)) = (task, &target.field) {
        return field_fix(&target.place, field, write);
    }
    match (task, write) {
        (Task::Closure, _) => format!(
            "return the value from the closure and combine the values after it (in a \
             pipeline with `.sum()`, `.count()`, `.max()`, `.reduce(..)` or `.collect()`, in a \
             streaming loop in its body), or put `{name}` in a `Mutex` or an atomic and write \
             through it"
        ),
        (Task::LoopBody, Write::AssignMinMax(op)) => format!(
            "declare it a reduction: `#[par_for(reduce({name}: {op}))]`, or return values and collect them"
        ),
        (Task::LoopBody, Write::Compound(op)) if reducible(op) => format!(
            "declare it a reduction: `#[par_for(reduce({name}: {}))]`, or return values and collect them",
            op.trim_end_matches('=')
        ),
        // `-=` updates a `+` reduction (a potential energy subtracts only).
        (Task::LoopBody, Write::Compound("-=")) => format!(
            "declare it a reduction: `#[par_for(reduce({name}: +))]` (`{name} -= x` is one of \
             its updates), or return values and collect them"
        ),
        (Task::LoopBody, _) => format!(
            "return values and collect them (`#[par_for] let v: Vec<_> = ...collect();`), \
             declare a reduction (`#[par_for(reduce({name}: OP))]`), or put `{name}` in a \
             `Mutex` or an atomic and write through it"
        ),
    }
}

/// A write to a field (`self.count += x`): `reduce(..)` takes a variable, so the loop
/// accumulates in a local one, named after the field, and the field is updated once
/// after the loop.
fn field_fix(place: &str, field: &str, write: Write) -> String {
    let local = format!("let mut {field}");
    let (start, op, update, after) = match write {
        Write::Compound(op) if reducible(op) => {
            let start = match op {
                "*=" => "1",
                "&=" => "!0",
                _ => "0",
            };
            let op = op.trim_end_matches('=');
            let after = format!("{place} {op}= {field};");
            (start.to_string(), op, format!("{field} {op}= ..;"), after)
        }
        // A decrease: add up what is taken away, and take it away once after the loop
        // (a running local starting at 0 would go below it, for an unsigned field).
        Write::Compound(op @ "-=") => {
            let update = format!("{field} += ..;");
            (
                "0".to_string(),
                "+",
                update,
                format!("{place} {op} {field};"),
            )
        }
        Write::AssignMinMax(op) => {
            let update = format!("{field} = {field}.{op}(..);");
            (place.to_string(), op, update, format!("{place} = {field};"))
        }
        _ => {
            return format!(
                "return values and collect them (`#[par_for] let v: Vec<_> = ...collect();`), \
                 accumulate in a local reduction and store it in the field after the loop \
                 (`{local} = {place}; #[par_for(reduce({field}: OP))] for .. {{ .. }} \
                 {place} = {field};`), or make `{place}` a `Mutex` or an atomic and write \
                 through it"
            )
        }
    };
    format!(
        "`reduce(..)` takes a variable, not a field: accumulate in a local one and update \
         `{place}` after the loop: `{local} = {start}; #[par_for(reduce({field}: {op}))] \
         for .. {{ {update} }} {after}`"
    )
}

/// The field a place names, when it is a field of its variable and not one of its
/// elements: `count` in `self.count` and `(*stats).count`; a tuple field is `acc`.
fn written_field(place: &Expr) -> Option<String> {
    match place {
        Expr::Field(field) => Some(match &field.member {
            syn::Member::Named(name) => name.to_string(),
            syn::Member::Unnamed(_) => "acc".to_string(),
        }),
        Expr::Paren(paren) => written_field(&paren.expr),
        Expr::Group(group) => written_field(&group.expr),
        _ => None,
    }
}

/// A write to one element: each iteration should own the element it writes.
fn element_fix(collection: &str, write: Write) -> String {
    let own = format!(
        "if each iteration writes its own element, loop over the elements instead: \
         `for (i, slot) in {collection}.iter_mut().enumerate() {{ *slot = ..; }}`, \
         `{collection}.chunks_mut(n)` for rows, or zip the inputs with `{collection}.iter_mut()`"
    );
    match write {
        Write::Compound(_) => format!(
            "{own}; if iterations update the same elements (a histogram), make the elements \
             atomics (`AtomicU64::fetch_add`) or declare a reduction with a merge function \
             and the value each worker's copy starts from, \
             `#[par_for(reduce({collection}: merge = vec![0; LEN]))]` (without it a copy \
             starts from `Default::default()`, an empty `Vec`)"
        ),
        _ => format!(
            "{own}; or build it in order: `#[par_for] let v: Vec<_> = (0..n).map(|i| ..).collect();`"
        ),
    }
}

/// The collection whose element `place` is: `grid` in `grid[i][j].x`, `self.out` in
/// `self.out[i]`. `None` when no index is involved.
fn indexed_collection(place: &Expr) -> Option<&Expr> {
    match place {
        Expr::Index(index) => indexed_collection(&index.expr).or(Some(&index.expr)),
        Expr::Field(field) => indexed_collection(&field.base),
        Expr::Paren(paren) => indexed_collection(&paren.expr),
        Expr::Group(group) => indexed_collection(&group.expr),
        _ => None,
    }
}

/// Recognises `x = x.max(..)` and `x = x.min(..)`, which a `max`/`min` reduction does.
fn assignment(expr: &syn::ExprAssign) -> Write {
    if let Expr::MethodCall(call) = &*expr.right {
        let same =
            call.receiver.to_token_stream().to_string() == expr.left.to_token_stream().to_string();
        if same && call.method == "max" {
            return Write::AssignMinMax("max");
        }
        if same && call.method == "min" {
            return Write::AssignMinMax("min");
        }
    }
    Write::Assign
}

fn reducible(op: &str) -> bool {
    matches!(op, "+=" | "*=" | "&=" | "|=" | "^=")
}

impl Rule for Writes<'_> {
    fn expr(&mut self, expr: &Expr, scopes: &Scopes) {
        match expr {
            Expr::Assign(assign) => {
                let help = self
                    .hints
                    .help(assign)
                    .cloned()
                    .or_else(|| self.carried_over(assign, scopes));
                self.check_write_with(&assign.left, assignment(assign), help, scopes);
            }
            Expr::If(expr_if) if matches!(self.task, Task::LoopBody) => {
                self.hints.note_if(expr_if, scopes);
            }
            Expr::Binary(binary) => {
                if let Some(op) = compound_assign(&binary.op) {
                    self.check_write(&binary.left, Write::Compound(op), scopes);
                }
            }
            Expr::Reference(reference) if reference.mutability.is_some() => {
                self.check_write(&reference.expr, Write::BorrowMut, scopes);
            }
            Expr::RawAddr(raw) if matches!(raw.mutability, syn::PointerMutability::Mut(_)) => {
                self.check_write(&raw.expr, Write::BorrowMut, scopes);
            }
            Expr::Call(call) => {
                if let Expr::Path(callee) = &*call.func {
                    self.callees.insert(callee);
                }
            }
            _ => {}
        }
    }

    fn free(&mut self, path: &ExprPath, _: &Scopes) {
        if self.callees.contains(&(path as *const ExprPath)) {
            if let Some(ident) = path.path.get_ident().filter(|i| !starts_upper(i)) {
                if !self.called.contains(ident) {
                    self.called.push(ident.clone());
                }
            }
            return;
        }
        if let Some(ident) = path.path.get_ident() {
            self.record_read(ident);
        }
    }

    fn matched(&mut self, pat: &Pat, scrutinee: &Expr, scopes: &Scopes) {
        self.check_ref_mut_match(pat, scrutinee, scopes);
    }
}
