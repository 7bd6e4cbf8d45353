//! The `#[par_for]` attribute. Use it through the `par-for` crate, whose docs describe
//! it; this crate only parses, checks and expands.
//!
//! Layout, one phase per file: `item.rs` finds the marked statements of an enabled
//! item; `attr.rs` parses their options; `ast.rs` tells the forms apart; `valid.rs`
//! (with `scope.rs`) rejects writes to shared state; `flow.rs` rewrites `break`,
//! `return` and `?`; `source.rs` and `expand.rs` generate the calls into the runtime,
//! `pipeline.rs` (with `batch.rs` for serial sources) those of a Form 2 pipeline,
//! `task.rs` the checks of the task closure's captures; `distribute.rs` (with
//! `effects.rs`) the MPI-distributed form of a loop or pipeline.

mod ast;
mod attr;
mod batch;
mod deferred;
mod distribute;
mod effects;
mod error;
mod expand;
mod flow;
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
