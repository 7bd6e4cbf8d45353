//! The `#[par_for]` attribute. Use it through the `par-for` crate, whose docs describe
//! it; this crate only parses, checks and expands.
//!
//! Layout, one phase per file: `item.rs` finds the marked statements of an enabled
//! item; `attr.rs` parses their options; `ast.rs` tells the forms apart; `valid.rs`
//! (with `scope.rs`) rejects writes to shared state; `flow.rs` rewrites `break`,
//! `return` and `?`; `source.rs` and `expand.rs` generate the calls into the runtime,
//! `pipeline.rs` (with `batch.rs` for serial sources) those of a Form 2 pipeline.

mod ast;
mod attr;
mod batch;
mod error;
mod expand;
mod flow;
mod item;
mod pipeline;
mod scope;
mod source;
#[cfg(test)]
mod tests;
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
