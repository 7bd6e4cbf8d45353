//! Running a loop body once per item (form 1 without reductions): `for_each` and
//! `for_each_flow`, the entry points the macro calls.

use crate::flow::{Exit, Flow};
use crate::fuse::Keep;
use crate::options::Options;
use crate::progress::Progress;
use crate::source::LoopSource;
use crate::task::OnlyReadsOuterVariables;

/// Runs `body` once per item of `source` on the pool `options` chose, in any order,
/// and returns when every iteration has ended. A panic in an iteration stops new
/// iterations from starting and is re-raised here with its original payload.
pub fn for_each<S, F>(source: S, options: &Options, body: F)
where
    S: LoopSource,
    F: Sync + Send,
    F: OnlyReadsOuterVariables<S::Item>, // changes an outer variable? collect values, `reduce(..)`, or a Mutex
{
    let body = move |item| body.call(item);
    match progress_bar(options, &source) {
        None => source.run_for_each(options, body),
        Some(bar) => {
            let body = |item| {
                body(item);
                bar.tick();
            };
            source.run_for_each(options, body);
            bar.finish();
        }
    }
}

/// Like [`for_each`] for a body that may `break`, `return` or `?`: the result is the
/// exit of the earliest iteration in order that left the loop, every iteration before
/// it has completed, and iterations after it are not started once it is known. A panic
/// counts as a way of leaving: one before that exit is raised, one after it (run only
/// because threads ran ahead) is dropped, as the serial loop never meets it.
pub fn for_each_flow<'a, S, F, R>(source: S, options: &Options, body: F) -> Exit<'a, R>
where
    S: LoopSource,
    F: Sync + Send,
    F: OnlyReadsOuterVariables<S::Item, Flow<'a, R>>, // changes an outer variable? collect values, `reduce(..)`, or a Mutex
{
    let body = move |item| body.call(item);
    let bar = progress_bar(options, &source);
    let first = source.run_find_first(
        options,
        |item| {
            let left = body(item).leaves_loop().map(Ok);
            if let Some(bar) = &bar {
                bar.tick();
            }
            left
        },
        // A panic is a way of leaving too: the earliest in order of the exits and
        // panics is what the serial loop meets first.
        Keep(|payload| Some(Err(payload))),
    );
    if let Some(bar) = bar {
        bar.finish();
    }
    Exit::from_first_left(first)
}

/// The progress bar a loop asked for with `progress`, sized by the source when its
/// length is known; `None` when not asked for or when stderr is not a terminal.
pub(crate) fn progress_bar<S: LoopSource>(options: &Options, source: &S) -> Option<Progress> {
    let label = options.progress.as_deref()?;
    Progress::start(label, source.len_hint().map(|n| n as u64))
}
