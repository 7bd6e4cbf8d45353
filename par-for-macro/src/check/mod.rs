//! The check phase: a parsed marked statement becomes a checked [`Plan`] of its form, or
//! every problem found in it, reported together. Every rule of rejection lives here or
//! in the checkers it calls (`valid.rs` and `update.rs` for writes to shared state,
//! `effects.rs` for `distribute`), except the parse errors: where the enabling
//! attribute goes (`item.rs`) and the syntax and literals of the options (`attr.rs`).
//! The expansion only generates.
//!
//! One file per concern: `options.rs` (which options go together and with which form),
//! `chain.rs` (a pipeline taken apart, and the adapters without a parallel form),
//! `jumps.rs` (jumps a parallel iteration cannot make), `stream.rs` (a streaming
//! loop's `SOURCE.map(TASK)`), `distribute.rs` (the distributed forms).

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Stmt};

use crate::ast::{pipeline_expr, Form, Marked};
use crate::attr::Options;
use crate::error::Errors;
use crate::flow::{Jumps, Target};
use crate::pipeline::Chain;
use crate::source::source_closures;
use crate::update::check_updates;
use crate::valid::{check_closure_task, check_task, FreeVars};

mod chain;
mod distribute;
mod jumps;
mod options;
mod source_reads;
mod stream;
#[cfg(test)]
mod tests;

pub(crate) use distribute::{Gather, Schedule};
pub(crate) use options::check_options;
use stream::stream_parts;

/// A marked statement that passed every check: what to generate.
pub(crate) enum Plan {
    /// Form 1, a parallel `for` loop.
    Loop(LoopPlan),
    /// Form 2, a collecting pipeline.
    Pipeline(PipelinePlan),
    /// Form 3, a streaming loop.
    Stream(StreamPlan),
    /// Form 1 with `distribute`: `local` is also how it runs when it does not split.
    DistributedLoop { local: LoopPlan, schedule: Schedule },
    /// Form 2 with `distribute`.
    DistributedPipeline {
        local: PipelinePlan,
        schedule: Schedule,
        /// How many of the chain's adapters keep positions: the source is cut after
        /// them, and the adapters after the cut run on each rank's pieces.
        cut: usize,
        gather: Gather,
    },
}

impl Plan {
    /// Keeps, of what the tasks read, the enclosing function's own `variables` (see
    /// [`FreeVars::keep_variables`]).
    pub(crate) fn keep_variables(&mut self, variables: &HashSet<String>) {
        match self {
            Plan::Loop(plan) | Plan::DistributedLoop { local: plan, .. } => {
                plan.reads.keep_variables(variables)
            }
            Plan::Pipeline(plan) | Plan::DistributedPipeline { local: plan, .. } => {
                plan.reads.keep_variables(variables)
            }
            Plan::Stream(plan) => {
                plan.reads.keep_variables(variables);
                plan.read_by_source
                    .retain(|read| crate::valid::is_variable(read, variables));
            }
        }
    }
}

/// `#[par_for] for PAT in EXPR { BODY }`.
pub(crate) struct LoopPlan {
    pub options: Options,
    pub for_loop: ExprForLoop,
    /// The outer variables the body and the source's closures read.
    pub reads: FreeVars,
    pub jumps: Jumps,
}

/// `#[par_for] let PAT = PIPELINE;` (or `PLACE = PIPELINE;`, `PIPELINE;`).
pub(crate) struct PipelinePlan {
    pub options: Options,
    pub stmt: Stmt,
    pub chain: Chain,
    /// The outer variables the pipeline's closures read.
    pub reads: FreeVars,
}

/// `#[par_for(stream)] for PAT in SOURCE.map(TASK) { CONSUMER }`.
pub(crate) struct StreamPlan {
    pub options: Options,
    pub for_loop: ExprForLoop,
    pub source: Expr,
    pub task: Expr,
    /// The outer variables the task reads (the consumer runs on the calling thread).
    pub reads: FreeVars,
    /// The outer variables both the source and the body use, at the body's first use,
    /// unless `window = 1` (see `source_reads`).
    pub read_by_source: Vec<syn::Ident>,
    pub jumps: Jumps,
}

/// Checks a marked statement whose options passed [`check_options`].
pub(crate) fn check(marked: Marked) -> syn::Result<Plan> {
    let Marked {
        options,
        form,
        parallel_labels,
    } = marked;
    let labels = &parallel_labels;
    let mut errors = Errors::default();
    let plan = match form {
        Form::Other(stmt) => return Err(not_a_form(stmt)),
        _ if options.distribute.is_some() => distribute::check(options, form, &mut errors)?,
        Form::Loop(for_loop) if options.is_stream() => {
            let (source, task) = stream_parts(&for_loop)?;
            Plan::Stream(check_stream(options, for_loop, source, task, &mut errors))
        }
        Form::Loop(for_loop) => Plan::Loop(check_loop(options, for_loop, labels, &mut errors)),
        Form::Pipeline(stmt) => {
            let chain = pipeline_chain(&stmt)?;
            Plan::Pipeline(check_pipeline(options, stmt, chain, &mut errors))
        }
    };
    errors.finish().map(|()| plan)
}

/// Form 1: the body and the source's closures write no shared state, the reductions
/// are only updated, and the jumps leave no further than the loop.
fn check_loop(
    mut options: Options,
    for_loop: ExprForLoop,
    parallel_labels: &[String],
    errors: &mut Errors,
) -> LoopPlan {
    let reductions: HashSet<String> = options.reduce.iter().map(|r| r.var.to_string()).collect();
    let reads = check_task(
        &[&for_loop.pat],
        &|checker| checker.visit_block(&for_loop.body),
        &reductions,
        errors,
    );
    let reads = reads.and(source_reads(&for_loop.expr, errors));
    check_updates(&for_loop.pat, &for_loop.body, &mut options.reduce, errors);
    let label = for_loop.label.as_ref().map(|l| &l.name);
    let jumps = jumps::check(
        &for_loop.body,
        label,
        Target::Worker,
        parallel_labels,
        errors,
    );
    LoopPlan {
        options,
        for_loop,
        reads,
        jumps,
    }
}

/// Checks the closures of a loop source's adapters (`map(f)`), which run on the pool
/// like a body, and gives what they read.
fn source_reads(source: &Expr, errors: &mut Errors) -> FreeVars {
    let mut free = FreeVars::none();
    for closure in source_closures(source) {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        let reads = check_closure_task(
            &inputs,
            &|checker| checker.visit_expr(&closure.body),
            errors,
        );
        free = free.and(reads);
    }
    free
}

/// The chain of a Form 2 statement, or why it has no parallel form.
fn pipeline_chain(stmt: &Stmt) -> syn::Result<Chain> {
    match pipeline_expr(stmt) {
        Some(expr) => chain::parse(expr),
        None => Err(not_a_form(stmt.clone())),
    }
}

/// Form 2: options a pipeline has, closures that write no shared state.
fn check_pipeline(options: Options, stmt: Stmt, chain: Chain, errors: &mut Errors) -> PipelinePlan {
    options::reject_for_pipeline(&options, errors);
    reject_exclusive_functions(&chain, errors);
    let mut reads = FreeVars::none();
    for closure in chain.closures().chain(source_closures(&chain.source)) {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        let free = check_closure_task(
            &inputs,
            &|checker| checker.visit_expr(&closure.body),
            errors,
        );
        reads = reads.and(free);
    }
    PipelinePlan {
        options,
        stmt,
        chain,
        reads,
    }
}

/// A function handed over as `&mut f` (`.map(&mut f)`): one that needs exclusive
/// access, which the pipeline's threads would call at once.
fn reject_exclusive_functions(chain: &Chain, errors: &mut Errors) {
    let steps = chain
        .adapters
        .iter()
        .chain(std::iter::once(&chain.consumer));
    for step in steps {
        for arg in &step.args {
            let syn::Expr::Reference(reference) = arg else {
                continue;
            };
            if reference.mutability.is_none() {
                continue;
            }
            let f = crate::error::shown(&reference.expr);
            let method = &step.method;
            errors.push(syn::Error::new_spanned(
                arg,
                format!(
                    "`.{method}(&mut {f})` hands the pipeline a function that changes its own \
                     state (an `FnMut`), but the pipeline calls it on several threads at \
                     once\nhelp: let the function only read what it captures and return what \
                     it found, and let the pipeline's consumer combine the values (`.sum()`, \
                     `.count()`, `.collect()`); for a count kept on the side, capture an \
                     atomic (`AtomicUsize::fetch_add` takes `&self`)"
                ),
            ));
        }
    }
}

/// Form 3: a task that writes no shared state, the options of a stream.
fn check_stream(
    options: Options,
    for_loop: ExprForLoop,
    source: Expr,
    task: Expr,
    errors: &mut Errors,
) -> StreamPlan {
    let reads = match &task {
        Expr::Closure(closure) => {
            let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
            check_closure_task(
                &inputs,
                &|checker| checker.visit_expr(&closure.body),
                errors,
            )
        }
        _ => FreeVars::none(),
    };
    let label = for_loop.label.as_ref().map(|l| &l.name);
    // A stream's body runs on the calling thread: it may jump to any loop around it.
    let jumps = jumps::check(&for_loop.body, label, Target::Consumer, &[], errors);
    options::reject_for_stream(&options, errors);
    let read_by_source = if source_reads::window_of_one(options.window.as_ref()) {
        Vec::new()
    } else {
        source_reads::read_by_source_and_body(&source, &for_loop)
    };
    StreamPlan {
        options,
        for_loop,
        source,
        task,
        reads,
        read_by_source,
        jumps,
    }
}

/// What may be marked, said at a statement that is none of the forms.
fn not_a_form(stmt: Stmt) -> syn::Error {
    const WHAT_IS_MARKED: &str =
        "#[par_for] marks a `for` loop (`#[par_for] for x in items { .. }`) \
        or a pipeline that collects (`#[par_for] let v: Vec<_> = items.iter().map(f).collect();`)";
    match stmt {
        Stmt::Macro(mac) => syn::Error::new_spanned(
            &mac.mac.path,
            "#[par_for] cannot see inside a macro call: mark the `for` loop or `let` pipeline itself",
        ),
        Stmt::Expr(Expr::While(while_loop), _) => syn::Error::new_spanned(
            while_loop.while_token,
            format!(
                "a `while` loop cannot be split across threads: whether it goes on depends on \
                 what the iterations before did\nhelp: {WHAT_IS_MARKED}; a `while let Some(x) = \
                 it.next()` loop is `for x in it`"
            ),
        ),
        Stmt::Expr(Expr::Loop(endless), _) => syn::Error::new_spanned(
            endless.loop_token,
            format!(
                "a `loop` cannot be split across threads: it has no items, only a `break` that \
                 depends on what the iterations before did\nhelp: {WHAT_IS_MARKED}"
            ),
        ),
        other => syn::Error::new_spanned(other, WHAT_IS_MARKED),
    }
}
