//! The `#[par_for]` attribute. Use it through the `par-for` crate, whose docs describe
//! it; this crate only parses, checks and expands.
//!
//! Layout: `item.rs` finds the marked statements of an enabled item and takes each
//! through three phases.
//!
//! 1. **Parse.** `attr.rs` parses the options, `ast.rs` tells the shapes of statement
//!    apart.
//! 2. **Check.** `check/` turns the statement into a checked `Plan` of its form, or into
//!    every error found in it: which options go with which form (`check/options.rs`),
//!    the pipeline taken apart and its adapters without a parallel form
//!    (`check/chain.rs`), jumps out of a parallel iteration (`check/jumps.rs`), a
//!    streaming loop's source (`check/stream.rs`), the distributed forms
//!    (`check/distribute.rs`). The rules on writes to shared state
//!    are in `valid.rs` and `update.rs` (with `scope.rs`), those on a distributed
//!    task's effects in `effects.rs`.
//! 3. **Expand.** Generation only, from the plan: `expand.rs` (with `expand/reducing.rs`
//!    for reductions) the calls into the runtime, `source.rs` a loop's source,
//!    `pipeline.rs` (with `batch.rs` for serial sources) a Form 2 pipeline, `flow.rs`
//!    the rewritten `break`, `return` and `?` (with `deferred.rs` for a returned
//!    value), `in_place.rs` the updates of reduction variables, `task.rs` the checks of
//!    the task closure's captures, `distribute.rs` the MPI-distributed form.

mod ast;
mod attr;
mod batch;
mod check;
mod deferred;
mod distribute;
mod effects;
mod error;
mod expand;
mod flow;
mod grouping;
mod in_place;
mod item;
mod pipeline;
mod scope;
mod source;
mod task;
#[cfg(test)]
mod tests;
mod update;
mod valid;

use proc_macro::TokenStream;

/// Runs a `for` loop or a collecting pipeline on all cores; see the `par-for` crate for
/// the three forms, the options and the rules.
///
/// On an item (`fn`, method, `impl` block, `trait`, inline `mod`) it enables the rewrite
/// of the statements inside marked `#[par_for]` or `#[par_for(...)]`:
///
/// ```
/// use par_for::par_for;
///
/// #[par_for]
/// fn squares(n: u64) -> Vec<u64> {
///     #[par_for]
///     let out: Vec<u64> = (0..n).map(|i| i * i).collect();
///     out
/// }
///
/// assert_eq!(squares(4), [0, 1, 4, 9]);
/// ```
#[proc_macro_attribute]
pub fn par_for(args: TokenStream, input: TokenStream) -> TokenStream {
    item::expand(args.into(), input.into()).into()
}

/// For par-for's own tests: whether `#[par_for] for _ in EXPR { .. }` has rayon split
/// `EXPR` natively (`true`) or feeds it through the bridge (`false`). Not a stable API.
#[doc(hidden)]
#[proc_macro]
pub fn __source_is_native(input: TokenStream) -> TokenStream {
    let expr = syn::parse_macro_input!(input as syn::Expr);
    source::is_native(&expr).into()
}
