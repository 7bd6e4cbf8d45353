//! `#[par_for(distribute)]`: the schedule, the effects a distributed task may not have
//! (`effects.rs`), and the pipelines that can be cut by position across MPI ranks.

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Ident, Stmt};

use super::{
    check_loop, check_pipeline, check_stream, options, pipeline_chain, stream_parts, Plan,
};
use crate::ast::Form;
use crate::attr::Options;
use crate::distribute::{keeps_positions, per_item};
use crate::effects::{check_body, check_source};
use crate::error::Errors;
use crate::pipeline::{Chain, Step};

/// How the source is dealt to the ranks: `schedule = ...`.
pub(crate) enum Schedule {
    /// One contiguous block per rank (the default).
    Blocks,
    /// Smaller blocks dealt round-robin.
    Cyclic,
    /// Blocks of N items dealt round-robin.
    Chunks(Expr),
}

/// A distributed pipeline's consumer: what each rank computes on its pieces and how the
/// pieces' results are folded.
pub(crate) enum Gather {
    /// `collect`: the pieces' items, concatenated in order.
    Collect,
    /// `sum`, `product`: the parts' totals, with the consumer's turbofish.
    Total,
    /// `count`, `min`, `max`: no argument.
    Plain,
    /// `min_by_key`, `max_by_key`, `min_by`, `max_by`, `reduce`: with the consumer's
    /// function, on the pieces and again on their results.
    Combine,
    /// `any`, `all`.
    Test,
    /// `find`, `find_map`: the first found, in order.
    First,
    /// `position`: the first found, offset by its block's start.
    Position,
}

/// Checks a statement marked `distribute`.
pub(super) fn check(options: Options, form: Form, errors: &mut Errors) -> syn::Result<Plan> {
    match form {
        Form::Loop(for_loop) if options.is_stream() => {
            let (source, task) = stream_parts(&for_loop)?;
            schedule(&options, errors);
            options::reject_distributed_stream(&options, errors);
            Ok(Plan::Stream(check_stream(
                options, for_loop, source, task, errors,
            )))
        }
        Form::Loop(for_loop) => {
            let schedule = schedule(&options, errors);
            check_loop_effects(&options, &for_loop, errors);
            let local = check_loop(options, for_loop, &[], errors);
            Ok(Plan::DistributedLoop { local, schedule })
        }
        Form::Pipeline(stmt) => check_pipeline_distributed(options, stmt, errors),
        Form::Other(stmt) => Err(super::not_a_form(stmt)),
    }
}

/// `blocks`, `cyclic` or `chunks(N)`; anything else is reported and taken as `blocks`.
fn schedule(options: &Options, errors: &mut Errors) -> Schedule {
    let Some(schedule) = &options.schedule else {
        return Schedule::Blocks;
    };
    match schedule {
        Expr::Path(p) if p.path.is_ident("blocks") => Schedule::Blocks,
        Expr::Path(p) if p.path.is_ident("cyclic") => Schedule::Cyclic,
        Expr::Call(call)
            if matches!(&*call.func, Expr::Path(p) if p.path.is_ident("chunks"))
                && call.args.len() == 1 =>
        {
            Schedule::Chunks(call.args[0].clone())
        }
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "`schedule` is `blocks` (the default: one contiguous block per rank), `cyclic` \
                 (smaller blocks dealt round-robin, for uneven work) or `chunks(N)` (blocks of N \
                 items dealt round-robin)",
            ));
            Schedule::Blocks
        }
    }
}

/// A distributed loop's source lends nothing for writing, and its body acts on no outer
/// variable but its reductions.
fn check_loop_effects(options: &Options, for_loop: &ExprForLoop, errors: &mut Errors) {
    let reductions: HashSet<String> = options.reduce.iter().map(|r| r.var.to_string()).collect();
    check_source(&for_loop.expr, errors);
    check_body(
        &[&for_loop.pat],
        &|effects| effects.visit_block(&for_loop.body),
        &reductions,
        errors,
    );
}

fn check_pipeline_distributed(
    options: Options,
    stmt: Stmt,
    errors: &mut Errors,
) -> syn::Result<Plan> {
    let chain = pipeline_chain(&stmt)?;
    let schedule = schedule(&options, errors);
    check_source(&chain.source, errors);
    for closure in chain.closures() {
        let inputs: Vec<&syn::Pat> = closure.inputs.iter().collect();
        check_body(
            &inputs,
            &|effects| effects.visit_expr(&closure.body),
            &HashSet::new(),
            errors,
        );
    }
    let local = check_pipeline(options, stmt, chain, errors);
    // Reported, but planned as a cut before every adapter: the plan is not used then.
    let (cut, gather) = cut(&local.chain, errors).unwrap_or((0, Gather::Collect));
    Ok(Plan::DistributedPipeline {
        local,
        schedule,
        cut,
        gather,
    })
}

/// Where the chain is cut (after its leading adapters that keep positions) and how its
/// consumer gathers, or the first adapter or consumer that needs positions after the
/// cut.
fn cut(chain: &Chain, errors: &mut Errors) -> Option<(usize, Gather)> {
    let cut = chain
        .adapters
        .iter()
        .take_while(|step| keeps_positions(&step.method))
        .count();
    for step in &chain.adapters[..cut] {
        if step.method == "zip" || step.method == "chain" {
            for arg in &step.args {
                check_source(arg, errors);
            }
        }
    }
    let first = chain.adapters.get(cut).map(|step| &step.method);
    let needing = chain.adapters[cut..].iter().find(|s| !per_item(&s.method));
    if let (Some(first), Some(step)) = (first, needing) {
        errors.push(needs_positions(&step.method, first));
        return None;
    }
    let gather = gather(&chain.consumer, first, errors)?;
    Some((cut, gather))
}

fn needs_positions(method: &Ident, first: &Ident) -> syn::Error {
    syn::Error::new_spanned(
        method,
        format!(
            "`{method}` after `{first}` needs the positions the items have after `{first}`, \
             which depend on every item before them, but a `distribute` pipeline deals \
             its items to the ranks by their positions in the source\nhelp: move \
             `{method}` before `{first}` (as in `.enumerate().filter(|(i, x)| ..)`), or \
             drop `distribute`"
        ),
    )
}

/// How the consumer's results on the pieces are folded; `first` is the first adapter
/// after the cut, if any.
fn gather(step: &Step, first: Option<&Ident>, errors: &mut Errors) -> Option<Gather> {
    let method = &step.method;
    Some(match method.to_string().as_str() {
        "collect" => Gather::Collect,
        "sum" | "product" => Gather::Total,
        "count" | "min" | "max" => Gather::Plain,
        "min_by_key" | "max_by_key" | "min_by" | "max_by" | "reduce" => Gather::Combine,
        "any" | "all" => Gather::Test,
        "find" | "find_map" => Gather::First,
        "position" => {
            if let Some(first) = first {
                errors.push(syn::Error::new_spanned(
                    method,
                    format!(
                        "`position` after `{first}` counts the items that are left after \
                         `{first}`, which depend on every item before them, but a `distribute` \
                         pipeline deals its items to the ranks by their positions in the source\n\
                         help: find the item with `find`, or drop `distribute`"
                    ),
                ));
                return None;
            }
            Gather::Position
        }
        other => {
            let why = match other {
                "for_each" => "its closure acts on the world, and each MPI rank would act only for its own items; compute values with `map` and `collect` them, or drop `distribute`",
                _ => "it is not distributable yet; `collect` the pairs or items and split them after the pipeline, or drop `distribute`",
            };
            errors.push(syn::Error::new_spanned(
                method,
                format!("`{other}` cannot end a `distribute` pipeline: {why}"),
            ));
            return None;
        }
    })
}
