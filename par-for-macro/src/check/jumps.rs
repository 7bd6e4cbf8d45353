//! The jumps a parallel iteration cannot make: to a label outside the marked loop,
//! `.await`, `yield`. The walk that finds them is `flow::scan`.

use syn::Lifetime;

use crate::error::Errors;
use crate::flow::{self, Escape, Jumps, Target};

/// The jumps out of `body` (of the loop labelled `label`, run as `target`), reporting
/// those the runtime cannot honour; `parallel_labels` are the labels of the marked
/// loops around it, whose help differs.
pub(super) fn check(
    body: &syn::Block,
    label: Option<&Lifetime>,
    target: Target,
    parallel_labels: &[String],
    errors: &mut Errors,
) -> Jumps {
    let (jumps, escapes) = flow::scan(body, label, target);
    for escape in escapes {
        errors.push(refuse(escape, target, parallel_labels));
    }
    jumps
}

fn refuse(escape: Escape, target: Target, parallel_labels: &[String]) -> syn::Error {
    match escape {
        Escape::OuterLabel {
            keyword,
            label,
            span,
        } if parallel_labels.contains(&label.ident.to_string()) => syn::Error::new(
            span,
            format!(
                "`{keyword} {label}` jumps to a loop outside this #[par_for] loop, which a \
                 parallel iteration cannot do: iterations run at once on other threads\n\
                 help: the loop `{label}` runs in parallel already: remove `#[par_for]` from \
                 this inner loop, so that it runs serially within each of its iterations, or \
                 test its result instead (`if items.iter().any(..) {{ {keyword}; }}`)"
            ),
        ),
        Escape::OuterLabel {
            keyword,
            label,
            span,
        } => syn::Error::new(
            span,
            format!(
                "`{keyword} {label}` jumps to a loop outside this #[par_for] loop, which a \
                 parallel iteration cannot do: iterations run at once on other threads\n\
                 help: `break` out of the parallel loop and test a result after it, or make the \
                 outer loop the parallel one"
            ),
        ),
        Escape::Await(span) if target == Target::Consumer => syn::Error::new(
            span,
            "`.await` cannot be used in the body of a streaming loop: the body runs in a \
             closure the stream calls for each result, outside the async task\nhelp: \
             collect the results and await after the loop, or run the futures concurrently \
             with an async join instead of #[par_for]",
        ),
        Escape::Await(span) => syn::Error::new(
            span,
            "`.await` cannot be used inside a #[par_for] loop: its iterations run on pool \
             threads, outside the async task\nhelp: await before or after the loop, or run \
             the futures concurrently with an async join instead of #[par_for]",
        ),
        Escape::Yield(span) => syn::Error::new(
            span,
            "`yield` cannot be used inside a #[par_for] loop: its iterations run on pool \
             threads, not in the coroutine\nhelp: collect the values with a #[par_for] \
             pipeline and yield them after it",
        ),
    }
}
