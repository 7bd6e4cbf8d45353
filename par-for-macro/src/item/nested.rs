//! A marked loop nested in a marked loop that reduces the same variable with the same
//! operation (`reduce(total: +)` on both): ordinary serial code, where the inner loop
//! adds into the outer loop's running value. Inside the outer loop's body `total` is a
//! worker's partial copy, which may only be updated; so the inner loop reduces into a
//! local of that name, taken from the copy and given back after it:
//!
//! ```text
//! {
//!     let __par_for_outer_total = ::par_for::__private::reduce::nested(&mut total);
//!     let mut total = ::core::mem::take(__par_for_outer_total);
//!     #[par_for(reduce(total: +))] for .. { .. }   // expanded as any loop
//!     *__par_for_outer_total = total;
//! }
//! ```
//!
//! Passing `&mut total` to a function is an update under the outer loop's rules, and the
//! local hides the outer `total` from them for the rest of the block.

use proc_macro2::Span;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Ident, Stmt};

use crate::attr::{Options, ReduceOp, Reduction};
use crate::expand::local;

/// The reductions of a marked loop whose body is being expanded: each variable, with its
/// operation as a key (`+`, `max`, the function's path).
pub(super) type Enclosing = Vec<(Ident, String)>;

/// The reductions of `options`, as [`Enclosing`] records them.
pub(super) fn reductions(options: &Options) -> Enclosing {
    options
        .reduce
        .iter()
        .map(|r| (r.var.clone(), op_key(&r.op)))
        .collect()
}

/// The variables of `options`' reductions that a loop around it reduces with the same
/// operation; an error for one it reduces with another, whose partial values would
/// combine the outer way.
pub(super) fn shared_with_outer(
    options: &Options,
    enclosing: &[Enclosing],
) -> syn::Result<Vec<Ident>> {
    let mut shared = Vec::new();
    for Reduction { var, op, .. } in &options.reduce {
        let outer = enclosing
            .iter()
            .rev()
            .flatten()
            .find(|(outer, _)| outer == var);
        let Some((_, outer_op)) = outer else {
            continue;
        };
        let inner_op = op_key(op);
        if *outer_op != inner_op {
            return Err(syn::Error::new(
                var.span(),
                format!(
                    "`{var}` is the `{outer_op}` reduction of the loop around this one, which \
                     combines its workers' partial values with `{outer_op}`; reduced here with \
                     `{inner_op}`, they would not give the serial result\nhelp: reduce it with \
                     `{outer_op}` here too, or reduce into a local of this loop and update \
                     `{var}` with it after the loop"
                ),
            ));
        }
        shared.push(var.clone());
    }
    Ok(shared)
}

/// `inner`, expanded, reducing into locals taken from the outer loop's `vars`.
pub(super) fn wrap(inner: Stmt, vars: &[Ident]) -> Stmt {
    let outers: Vec<Ident> = vars
        .iter()
        .map(|v| local(&format!("outer_{}", v.unraw())))
        .collect();
    let take = Ident::new("take", Span::call_site());
    syn::parse_quote! {
        {
            #(let #outers = ::par_for::__private::reduce::nested(&mut #vars);)*
            #(let mut #vars = ::core::mem::#take(#outers);)*
            #inner
            #(*#outers = #vars;)*
        }
    }
}

fn op_key(op: &ReduceOp) -> String {
    let tokens = match op {
        ReduceOp::Operator(op) => quote!(#op),
        ReduceOp::MinMax(m) => quote!(#m),
        ReduceOp::Function(path) => quote!(#path),
    };
    tokens.to_string().replace(' ', "")
}
