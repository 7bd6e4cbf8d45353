//! Form 1 with `reduce(..)`: the task that folds into private copies of the reduction
//! variables, and each variable's identity and combining function.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::{local, unit_statement, Task};
use crate::attr::{ReduceOp, Reduction};

impl Task {
    /// Each task of the pool folds into private copies of the reduction variables,
    /// made once per task; the body, rewritten by `in_place`, names each variable as
    /// the serial code does, bound to `&mut` of its copy. The copies are combined in
    /// iteration order, then with the variables.
    pub(super) fn run_reducing(
        &self,
        source: &Ident,
        options: &Ident,
        reductions: &[Reduction],
    ) -> TokenStream {
        let Task {
            span,
            bind,
            arg,
            item,
            body,
            ..
        } = self;
        let exit = local("exit");
        let total = local("reduced");
        let acc = local("acc");
        let identities = local("identity");
        let flow = self.flow_type();
        let leave = self.leave_function(&exit);
        let vars: Vec<&Ident> = reductions.iter().map(|r| &r.var).collect();
        let make_identity = reductions.iter().map(identity);
        let left = local("left");
        let right = local("right");
        let index = (0..reductions.len())
            .map(syn::Index::from)
            .collect::<Vec<_>>();
        let combiners = local("combine");
        let make_combine = reductions.iter().map(combine);
        let combines = index
            .iter()
            .map(|i| quote!((#combiners.#i)(#left.#i, #right.#i)));
        let merge_back = reductions
            .iter()
            .zip(&index)
            .map(|(r, i)| merge_back(&r.var, quote!((#combiners.#i)), quote!(#total.#i)));
        let start = quote! {
            let #identities = (#(|| #make_identity,)*);
            let #combiners = (#(#make_combine,)*);
        };
        let identity = quote!(|| (#((#identities.#index)(),)*));
        let combine = quote!(|#left, #right| (#(#combines,)*));
        // The accumulators' types, for the task's arguments (see the runtime's `task`):
        // each variable in the body is `&mut` to this task's private copy.
        let types: Vec<Ident> = vars
            .iter()
            .map(|v| local(&format!("type_{}", v.unraw())))
            .collect();
        let bind = quote! {
            #start
            #bind
            #(let #types = ::par_for::__private::type_of(&#vars);)*
        };
        let task = quote_spanned!(*span=> |#acc: &mut _, #item|);
        // A reduction the body never updates is no unused variable of the user's: the
        // serial loop has none.
        let typed = quote! {
            let (#(#vars,)*) = #acc;
            #(#[allow(unused_variables)] let #vars = #types.pass_mut(#vars);)*
            #arg
        };
        // Not spanned at the loop: lints do not look into the macro's own closure call.
        let run_body = quote!((|| #body)(););
        let unit_body = unit_statement(body);
        let run_flow = quote! {
            (|| -> #flow {
                #unit_body
                ::par_for::__private::Flow::Continue
            })()
        };
        if !self.leaves() {
            let call = quote_spanned! {*span=>
                ::par_for::__private::for_each_fold(
                    #source,
                    &#options,
                    #identity,
                    #combine,
                    #task {
                        #typed
                        #run_body
                    },
                )
            };
            return quote! {
                #bind
                let #total = #call;
                #(#merge_back)*
            };
        }
        let call = quote_spanned! {*span=>
            ::par_for::__private::for_each_reduce(
                #source,
                &#options,
                #identity,
                #combine,
                #task -> #flow {
                    #typed
                    #run_flow
                },
            )
        };
        quote! {
            #bind
            #[allow(unreachable_code)]
            let (#total, #exit) = #call;
            #(#merge_back)*
            #leave
        }
    }
}

/// `var = combine(var, reduced);` after the loop. The assignment is at the variable in
/// the `reduce(..)` option, so that one declared without `mut` is reported there.
pub(crate) fn merge_back(var: &Ident, combine: TokenStream, reduced: TokenStream) -> TokenStream {
    let merged = Ident::new("__par_for_merged", var.span());
    let assign = quote_spanned!(var.span()=> #var = #merged;);
    quote!({ let #merged = #combine(#var, #reduced); #assign })
}

/// The identity a reduction variable's private copies start from: its named identity,
/// or the operation's. Spanned at the variable in the `reduce(..)` option, so that a
/// type without the identity is reported there.
pub(crate) fn identity(reduction: &Reduction) -> TokenStream {
    let var = &reduction.var;
    if let Some(named) = &reduction.identity {
        return quote_spanned!(named.span()=> ::par_for::__private::reduce::named(&#var, #named));
    }
    let name = match &reduction.op {
        ReduceOp::Operator(syn::BinOp::Mul(_)) => "one",
        ReduceOp::Operator(syn::BinOp::BitAnd(_)) => "all_ones",
        ReduceOp::MinMax(m) if m == "min" => "greatest",
        ReduceOp::MinMax(_) => "least",
        ReduceOp::Operator(_) | ReduceOp::Function(_) => "zero",
    };
    let span = var.span();
    let name = Ident::new(name, span);
    quote_spanned!(span=> ::par_for::__private::reduce::#name(&#var))
}

/// The function that combines two copies of a reduction variable: the body's own update
/// form where it decides (`update::written`), else the operation's. Takes the variable
/// only for its type; bound once before the loop.
pub(crate) fn combine(reduction: &Reduction) -> TokenStream {
    let var = &reduction.var;
    if let Some(written) = &reduction.written {
        let closure = written.closure(&local("a"), &local("b"));
        return quote!(::par_for::__private::reduce::written(&#var, #closure));
    }
    let (name, span) = match &reduction.op {
        ReduceOp::Function(path) => {
            // At the path: one that is not `fn(T, T) -> T` is reported there, saying so.
            let span = path.span();
            return quote_spanned!(span=> ::par_for::__private::reduce::function(&#var, #path));
        }
        ReduceOp::Operator(op @ syn::BinOp::Add(_)) => ("add", op.span()),
        ReduceOp::Operator(op @ syn::BinOp::Mul(_)) => ("mul", op.span()),
        ReduceOp::Operator(op @ syn::BinOp::BitAnd(_)) => ("bitand", op.span()),
        ReduceOp::Operator(op @ syn::BinOp::BitOr(_)) => ("bitor", op.span()),
        ReduceOp::Operator(op) => ("bitxor", op.span()),
        ReduceOp::MinMax(m) if m == "min" => ("min", m.span()),
        ReduceOp::MinMax(m) => ("max", m.span()),
    };
    let name = Ident::new(name, span);
    quote_spanned!(span=> ::par_for::__private::reduce::#name)
}
