//! Which options go together, and which apply to which form.

use syn::spanned::Spanned;

use crate::attr::Options;
use crate::error::Errors;

/// Options that need another: `unordered` and `window` need `stream`, `schedule` needs
/// `distribute`.
pub(crate) fn check_options(options: &Options) -> syn::Result<()> {
    let mut errors = Errors::default();
    if let (Some(span), None) = (options.unordered, options.stream) {
        errors.push(syn::Error::new(
            span,
            "`unordered` only applies to a streaming loop: write `#[par_for(stream, unordered)]`",
        ));
    }
    if let (Some(window), None) = (&options.window, options.stream) {
        errors.push(syn::Error::new(
            window.span(),
            "`window` only applies to a streaming loop: write `#[par_for(stream, window = N)]`",
        ));
    }
    if let (Some(schedule), None) = (&options.schedule, options.distribute) {
        errors.push(syn::Error::new(
            schedule.span(),
            "`schedule` deals the items of a distributed loop to MPI ranks: write \
             `#[par_for(distribute, schedule = cyclic)]`",
        ));
    }
    errors.finish()
}

/// Options a streaming loop does not have.
pub(super) fn reject_for_stream(options: &Options, errors: &mut Errors) {
    if let Some(first) = options.reduce.first() {
        errors.push(syn::Error::new_spanned(
            &first.var,
            "`reduce(...)` does not apply to a streaming loop: its body already runs on this \
             thread, in order, so update the variable there directly",
        ));
    }
    for (name, expr) in [("min_len", &options.min_len), ("if", &options.parallel_if)] {
        if let Some(expr) = expr {
            errors.push(syn::Error::new_spanned(
                expr,
                format!("`{name}` does not apply to a streaming loop; its options are `window = N`, `threads = N`, `unordered` and `progress`"),
            ));
        }
    }
}

/// Options that a pipeline does not have.
pub(super) fn reject_for_pipeline(options: &Options, errors: &mut Errors) {
    if let Some(first) = options.reduce.first() {
        errors.push(syn::Error::new_spanned(
            &first.var,
            "`reduce(...)` declares reduction variables of a `for` loop; a pipeline reduces with \
             its consumer: `.sum()`, `.product()`, `.min()`, `.max()` or `.reduce(f)`",
        ));
    }
    if let Some(progress) = &options.progress {
        errors.push(syn::Error::new(
            progress.span,
            "`progress` applies to `for` loops; mark the loop form of this work to see a progress bar",
        ));
    }
    if let Some(stream) = options.stream {
        errors.push(syn::Error::new(
            stream,
            "`stream` applies to a `for` loop over `SOURCE.map(TASK)`: write \
             `#[par_for(stream)] for r in items.map(task) { .. }` to consume results as they come",
        ));
    }
}

/// `distribute` on a streaming loop, whose body runs on this process.
pub(super) fn reject_distributed_stream(options: &Options, errors: &mut Errors) {
    if let Some(span) = options.distribute {
        errors.push(syn::Error::new(
            span,
            "`distribute` does not apply to a streaming loop: its body runs on this \
             process, in order\nhelp: distribute the work with a `distribute` pipeline \
             (`let results: Vec<_> = items.iter().map(task).collect();`) and loop over \
             its results",
        ));
    }
}
